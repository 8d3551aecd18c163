// Panel 2, partner security score history: the score over time with compliant / total requirements.
// Partner Center records a day only when something changed, so the lines step from change to change.
import { points } from '../../model/format';
import { inRange } from '../../model/history';
import { isCompliant } from '../../model/format';
import { num } from '../../model/secureScore';
import type { PanelModel } from '../../webview/protocol';
import { effectiveHistory, HISTORY_ACTIONS, sectionNotices, type PanelDescriptor } from './panel';

export const partnerPanel: PanelDescriptor = {
  kind: 'partner',
  viewType: 'securityPosture.panel.partner',
  title: 'Partner Security Score History',
  sections: ['partner'],
  usesHistory: true,
  usesPlan: false,
  build(ctx, state): PanelModel {
    const range = state.range ?? 'all';
    const history = effectiveHistory(ctx);
    const entries = inRange(history.partner, range);
    const partner = ctx.store.get('partner');
    const notices = sectionNotices(ctx, ['partner'], 'Partner security score');
    const labels = entries.map(e => e.date);
    let summary: string | undefined;
    if (partner.data) {
      const { score, requirements } = partner.data;
      const compliant = requirements.filter(r => isCompliant(r.complianceStatus)).length;
      summary = `Now: ${points(num(score.currentScore))} of ${points(num(score.maxScore))} points; ${compliant} of ${requirements.length} requirements compliant. ${history.partner.length} change${history.partner.length === 1 ? '' : 's'} recorded${history.partner[0] ? ` since ${history.partner[0].date}` : ''}.`;
    }
    const empty = entries.length === 0 ? (history.partner.length ? 'No changes in this range.' : 'No partner security score history.') : undefined;
    return {
      kind: 'partner',
      title: 'Partner security score',
      subtitle: ctx.label(),
      viewState: { ...state, kind: 'partner', range },
      ranges: true,
      actions: HISTORY_ACTIONS,
      notices,
      cards: [
        {
          id: 'partner-score',
          title: 'Score at each change',
          summary,
          empty,
          chart: {
            type: 'line', labelHeader: 'Day', labelKind: 'date', labels, valueKind: 'points', min: 0, stepped: true,
            max: partner.data ? num(partner.data.score.maxScore) || undefined : undefined,
            series: [{ id: 'score', label: 'Score', color: 'blue', values: entries.map(e => e.score), style: 'area' }],
          },
        },
        {
          id: 'partner-requirements',
          title: 'Requirements compliant',
          empty,
          chart: {
            type: 'bar', labelHeader: 'Day', labelKind: 'date', labels, valueKind: 'count', stacked: true, min: 0,
            series: [
              { id: 'compliant', label: 'Compliant', color: 'green', values: entries.map(e => e.compliant), style: 'bar', stack: 'requirements' },
              { id: 'notCompliant', label: 'Not compliant', color: 'red', values: entries.map(e => Math.max(0, e.total - e.compliant)), style: 'bar', stack: 'requirements' },
            ],
          },
        },
      ],
      lists: [],
    };
  },
};
