// The palette command that opens each analytics panel.
import type { PanelKind } from '../../src/webview/protocol';

export const PANEL_COMMANDS: Record<PanelKind, string> = {
  secureScore: 'securityPosture.showScoreHistory',
  partner: 'securityPosture.showPartnerHistory',
  whatChanged: 'securityPosture.showWhatChanged',
  whatIf: 'securityPosture.showWhatIf',
  honesty: 'securityPosture.showHonestyMeter',
  portfolio: 'securityPosture.showPortfolio',
};
