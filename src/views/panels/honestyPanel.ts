// Panel 5, the honesty meter: today's points earned by measured configuration vs points granted
// by state marks (resolved through third party, alternate mitigation; risk accepted earns none).
import { honestyMeter } from '../../model/analytics';
import { controlStateName, percent } from '../../model/format';
import type { PanelModel } from '../../webview/protocol';
import { sectionNotices, type PanelDescriptor } from './panel';
import { honestyCard } from './secureScorePanel';

export const honestyPanel: PanelDescriptor = {
  kind: 'honesty',
  viewType: 'securityPosture.panel.honesty',
  title: 'Honesty Meter',
  sections: ['scores', 'profiles'],
  usesHistory: false,
  usesPlan: false,
  build(ctx, state): PanelModel {
    const meter = honestyMeter(ctx.store.get('scores').data ?? [], ctx.store.get('profiles').data ?? []);
    return {
      kind: 'honesty',
      title: 'Honesty meter',
      subtitle: meter ? `${ctx.label()} · ${percent(meter.markedPercent)} of today's points come from state marks` : ctx.label(),
      viewState: { ...state, kind: 'honesty' },
      ranges: false,
      actions: [],
      notices: sectionNotices(ctx, ['scores', 'profiles'], 'Secure Score'),
      cards: meter ? [
        honestyCard(meter, false),
        {
          id: 'honesty-categories',
          title: 'Measured and marked points per category',
          chart: {
            type: 'bar', labelHeader: 'Category', labelKind: 'text', valueKind: 'points', stacked: true, min: 0,
            labels: meter.categories.map(c => c.category),
            series: [
              { id: 'measured', label: 'Measured configuration', color: 'blue', style: 'bar', stack: 'points', values: meter.categories.map(c => c.measured) },
              { id: 'marked', label: 'Granted by state marks', color: 'orange', style: 'bar', stack: 'points', values: meter.categories.map(c => c.marked) },
            ],
          },
        },
      ] : [],
      lists: meter ? [
        {
          id: 'honesty-by-state',
          title: 'By state',
          columns: [
            { label: 'State', kind: 'text' },
            { label: 'Improvement actions', kind: 'count' },
            { label: 'Points granted', kind: 'points' },
            { label: 'Maximum of those actions', kind: 'points' },
          ],
          rows: meter.byState.map(s => ({ cells: [s.label, s.count, s.points, s.max] })),
          empty: 'No state marks.',
        },
        {
          id: 'honesty-controls',
          title: 'Marked improvement actions',
          columns: [
            { label: 'Improvement action', kind: 'text' },
            { label: 'Category', kind: 'text' },
            { label: 'State', kind: 'text' },
            { label: 'Points granted', kind: 'points' },
            { label: 'Maximum', kind: 'points' },
          ],
          rows: meter.controls.map(c => ({ cells: [c.title, c.category, controlStateName(c.state), c.points, c.max], control: c.id, actions: ['reveal' as const] })),
          empty: 'No improvement action carries a state mark: every point is measured.',
        },
      ] : [],
    };
  },
};
