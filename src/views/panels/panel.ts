// What every panel descriptor gets and gives: the data it draws from, and the model it builds for
// the page. Descriptors are plain functions of the data (no `vscode`), so each panel's numbers can
// be checked against the model code directly.
import type { ScoreHistory } from '../../model/history';
import { emptyHistory, mergePartnerHistory, mergeSnapshots } from '../../model/history';
import type { StoreView, SectionId } from '../../model/store';
import type { PanelKind, PanelModel, PanelViewState, ToolbarAction } from '../../webview/protocol';
import { age } from '../../model/format';

export interface PanelContext {
  store: StoreView;
  /** The current tenant's stored history. */
  history(): ScoreHistory;
  /** Ids of the planned improvement actions of the current tenant. */
  planned(): string[];
  /** "Sample tenant", the account, or "Signed out". */
  label(): string;
  now(): Date;
}

export interface PanelDescriptor {
  kind: PanelKind;
  /** The webview panel's viewType (also the `onWebviewPanel:` activation event). */
  viewType: string;
  title: string;
  /** Store sections whose change redraws the panel. */
  sections: SectionId[];
  /** Redraw when the stored history or the plan changes. */
  usesHistory: boolean;
  usesPlan: boolean;
  /** Other data the panel follows (the customers portfolio): `redraw` when it changes. */
  watch?(redraw: () => void): { dispose(): void };
  /** Called when a panel of this kind is created or restored; disposed with the panel. */
  attach?(): { dispose(): void };
  build(ctx: PanelContext, state: PanelViewState, extra: { pendingDay?: string }): PanelModel;
}

/**
 * The stored history with whatever the store holds now merged in, so a panel shows Graph's days
 * at once, even before the merge into the file has finished (or when it could not be written).
 */
export function effectiveHistory(ctx: PanelContext): ScoreHistory {
  let history = ctx.history() ?? emptyHistory();
  const scores = ctx.store.get('scores').data;
  if (scores?.length) {
    history = mergeSnapshots(history, scores).history;
  }
  const partner = ctx.store.get('partner').data;
  if (partner?.history.length) {
    history = mergePartnerHistory(history, partner.history).history;
  }
  return history;
}

/** Lines above the cards: not connected, loading, failed, stale. */
export function sectionNotices(ctx: PanelContext, sections: SectionId[], what: string): string[] {
  if (!ctx.store.connected) {
    return ['Not connected. Sign in to Microsoft, or explore the sample tenant, from the Security Posture views.'];
  }
  const notices: string[] = [];
  for (const id of sections) {
    const section = ctx.store.get(id);
    if (section.status === 'error' && section.error) {
      notices.push(`${what}: ${section.error.message}`);
    } else if (section.status === 'loading' && !section.data) {
      notices.push(`Loading ${what.toLowerCase()}…`);
    } else if (section.stale && section.asOf) {
      notices.push(`Showing saved data from ${age(section.asOf, ctx.now())}.`);
    }
  }
  return [...new Set(notices)];
}

export const HISTORY_ACTIONS: { action: ToolbarAction; label: string }[] = [
  { action: 'exportHistory', label: 'Export history…' },
  { action: 'importHistory', label: 'Import history…' },
];
