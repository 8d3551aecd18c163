// Panel 4, what-if projection: the score if the planned improvement actions were completed (each
// adds its remaining points, capped at the maximum) and where that places the tenant against the
// comparison averages. The plan is ticked on rows of the Improvement Actions view.
import { projectScore } from '../../model/analytics';
import { controlStateName, percent, signed } from '../../model/format';
import type { PanelModel } from '../../webview/protocol';
import { sectionNotices, type PanelDescriptor } from './panel';
import { projectionCard } from './secureScorePanel';

export const whatIfPanel: PanelDescriptor = {
  kind: 'whatIf',
  viewType: 'securityPosture.panel.whatIf',
  title: 'What-If Projection',
  sections: ['scores', 'profiles'],
  usesHistory: false,
  usesPlan: true,
  build(ctx, state): PanelModel {
    const projection = projectScore(ctx.store.get('scores').data ?? [], ctx.store.get('profiles').data ?? [], ctx.planned());
    const notices = sectionNotices(ctx, ['scores', 'profiles'], 'Secure Score');
    return {
      kind: 'whatIf',
      title: 'What-if projection',
      subtitle: projection ? `${ctx.label()} · ${percent(projection.percent)} today, ${percent(projection.projectedPercent)} projected` : ctx.label(),
      viewState: { ...state, kind: 'whatIf' },
      ranges: false,
      actions: [{ action: 'planControls', label: 'Plan improvement actions…' }],
      notices,
      cards: projection ? [projectionCard(projection, false)] : [],
      lists: projection ? [
        {
          id: 'whatif-comparisons',
          title: 'Against the comparison averages',
          columns: [
            { label: 'Compared with', kind: 'text' },
            { label: 'Average', kind: 'percent' },
            { label: 'You today (points of percent)', kind: 'signed' },
            { label: 'You projected (points of percent)', kind: 'signed' },
          ],
          rows: projection.comparisons.map(c => ({ cells: [c.label, c.averagePercent, c.now, c.projected] })),
          empty: 'Microsoft sent no comparison averages.',
        },
        {
          id: 'whatif-planned',
          title: 'Planned improvement actions',
          summary: projection.controls.length ? `${signed(projection.gain)} points if all are completed${projection.capped ? ' (capped at the maximum)' : ''}.` : undefined,
          columns: [
            { label: 'Improvement action', kind: 'text' },
            { label: 'Category', kind: 'text' },
            { label: 'State', kind: 'text' },
            { label: 'Points now', kind: 'points' },
            { label: 'Maximum', kind: 'points' },
            { label: 'Gain', kind: 'points' },
          ],
          rows: projection.controls.map(c => ({
            cells: [c.title, c.category, c.scored ? controlStateName(c.state) : 'Not scored today', c.earned, c.max, c.gain],
            control: c.id,
            actions: ['reveal' as const, 'unplan' as const],
          })),
          empty: 'Nothing planned yet: tick "planned" on rows of the Improvement Actions view.',
        },
      ] : [],
    };
  },
};
