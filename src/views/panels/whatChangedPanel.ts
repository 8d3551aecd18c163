// Panel 3, what changed: two days (clicked on the chart or picked from a list) and the per-control
// point changes between them, split into state marks, Microsoft's side and configuration.
import { compareDays, CHANGE_KIND_NAMES, type DayComparison } from '../../model/analytics';
import { controlStateName, signed } from '../../model/format';
import { dayPoints, inRange, type ScoreHistory } from '../../model/history';
import type { ListTable, PanelModel, PanelViewState } from '../../webview/protocol';
import { effectiveHistory, sectionNotices, type PanelDescriptor } from './panel';

/** The two days to compare: the ones asked for if stored, else the newest and the one 30 days before. */
export function comparedDays(history: ScoreHistory, state: PanelViewState): { from?: string; to?: string } {
  const dates = history.days.map(d => d.date);
  if (dates.length < 2) {
    return {};
  }
  const has = (d?: string) => d !== undefined && dates.includes(d);
  if (has(state.from) && has(state.to) && state.from !== state.to) {
    return state.from! < state.to! ? { from: state.from, to: state.to } : { from: state.to, to: state.from };
  }
  const to = dates[dates.length - 1];
  const target = new Date(Date.parse(`${to}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
  const from = dates.find(d => d >= target) ?? dates[0];
  return { from: from === to ? dates[dates.length - 2] : from, to };
}

export const whatChangedPanel: PanelDescriptor = {
  kind: 'whatChanged',
  viewType: 'securityPosture.panel.whatChanged',
  title: 'What Changed',
  sections: ['scores', 'profiles'],
  usesHistory: true,
  usesPlan: false,
  build(ctx, state, extra): PanelModel {
    const range = state.range ?? '90';
    const history = effectiveHistory(ctx);
    const { from, to } = comparedDays(history, state);
    const comparison = from && to ? compareDays(history, from, to, ctx.store.get('profiles').data ?? []) : undefined;
    const days = inRange(dayPoints(history), range);
    const notices = sectionNotices(ctx, ['scores', 'profiles'], 'Secure Score');
    if (history.days.length < 2) {
      notices.push('Two days of Secure Score are needed to compare.');
    }
    if (extra.pendingDay) {
      notices.push(`First day: ${extra.pendingDay}. Click a second point to compare.`);
    }
    const highlighted = extra.pendingDay ? [extra.pendingDay] : [from, to].filter((d): d is string => !!d);
    return {
      kind: 'whatChanged',
      title: 'What changed',
      subtitle: comparison ? `${comparison.from} → ${comparison.to}: ${signed(comparison.delta)} points (maximum ${signed(comparison.maxDelta)})` : ctx.label(),
      viewState: { ...state, kind: 'whatChanged', range, from, to },
      ranges: true,
      actions: [{ action: 'pickDays', label: 'Pick days…' }],
      notices,
      cards: [
        {
          id: 'changed-score',
          title: 'Points per day',
          summary: 'Click two points to compare those days.',
          empty: days.length === 0 ? 'No Secure Score snapshots yet.' : undefined,
          chart: {
            type: 'line', labelHeader: 'Day', labelKind: 'date', labels: days.map(d => d.date), valueKind: 'points',
            pickable: true, highlighted,
            series: [{ id: 'current', label: 'Points', color: 'blue', values: days.map(d => d.current) }],
          },
        },
        {
          id: 'changed-causes',
          title: 'Change by cause',
          summary: comparison ? causeSummary(comparison) : undefined,
          empty: comparison ? undefined : 'Pick two days to compare.',
          chart: {
            type: 'bar', labelHeader: 'Cause', labelKind: 'text', valueKind: 'signed',
            labels: comparison ? ['State marks', "Microsoft's side", 'Configuration', 'Not explained by controls'] : [],
            series: [{
              id: 'points', label: 'Points', color: 'blue', style: 'bar',
              values: comparison ? [...comparison.groups.map(g => g.points), comparison.unexplained] : [],
              colors: ['purple', 'orange', 'blue', 'foreground'],
            }],
          },
        },
      ],
      lists: comparison ? changeLists(comparison) : [],
    };
  },
};

function causeSummary(c: DayComparison): string {
  const parts = c.groups.filter(g => g.changes.length).map(g => `${g.changes.length} ${g.kind === 'stateMark' ? 'state mark' : g.kind === 'microsoft' ? 'Microsoft-side' : 'configuration'} change${g.changes.length === 1 ? '' : 's'} (${signed(g.points)})`);
  return parts.length ? `${parts.join(', ')}.` : 'No control changed between these days.';
}

function changeLists(c: DayComparison): ListTable[] {
  return c.groups.map(group => ({
    id: `changes-${group.kind}`,
    title: CHANGE_KIND_NAMES[group.kind],
    summary: group.changes.length ? `${signed(group.points)} points in all` : undefined,
    columns: [
      { label: 'Improvement action', kind: 'text' },
      { label: 'Category', kind: 'text' },
      { label: 'What changed', kind: 'text' },
      { label: `Points ${c.from}`, kind: 'points' },
      { label: `Points ${c.to}`, kind: 'points' },
      { label: 'Change', kind: 'signed' },
    ],
    rows: group.changes.map(change => ({
      cells: [change.title, change.category, change.kind === 'stateMark' ? change.reason : `${change.reason}${change.stateAfter !== 'Default' ? ` · ${controlStateName(change.stateAfter)}` : ''}`, change.before ?? null, change.after ?? null, change.delta],
      control: change.id,
      actions: ['reveal' as const],
    })),
    empty: 'None.',
  }));
}
