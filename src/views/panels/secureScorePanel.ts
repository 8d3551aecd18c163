// Panel 1, Secure Score history: points and percent per day, the comparison averages, points per
// category (summed from controlScores), with the what-if projection and the honesty meter below.
import { honestyMeter, projectScore, type HonestyMeter, type Projection } from '../../model/analytics';
import { COMPARISON_NAMES, percent, points, signed } from '../../model/format';
import { dayPoints, historySpan, inRange } from '../../model/history';
import { CATEGORIES, comparisons, comparisonValue, sortSnapshots } from '../../model/secureScore';
import type { SecureScore } from '../../graph/types';
import type { ChartCard, ChartColor, PanelModel } from '../../webview/protocol';
import { effectiveHistory, HISTORY_ACTIONS, sectionNotices, type PanelDescriptor } from './panel';

export const CATEGORY_COLORS: Record<string, ChartColor> = {
  Identity: 'blue', Data: 'green', Device: 'purple', Apps: 'orange', Infrastructure: 'yellow',
};
const COMPARISON_COLORS: Record<string, ChartColor> = { AllTenants: 'green', TotalSeats: 'purple', IndustryTypes: 'orange' };
const BASES = ['AllTenants', 'TotalSeats', 'IndustryTypes'];

/** The latest comparisons that are not percentages, said rather than left out of the chart silently. */
function notDrawn(scores: SecureScore[]): string {
  const latest = sortSnapshots(scores)[0];
  const skipped = latest ? comparisons(latest, 0).filter(c => c.averagePercent === undefined) : [];
  return skipped.length ? ` Not drawn: ${skipped.map(c => `${c.label} (${comparisonValue(c)}; not a percentage)`).join(', ')}.` : '';
}

export const secureScorePanel: PanelDescriptor = {
  kind: 'secureScore',
  viewType: 'securityPosture.panel.secureScore',
  title: 'Secure Score History',
  sections: ['scores', 'profiles'],
  usesHistory: true,
  usesPlan: true,
  build(ctx, state): PanelModel {
    const range = state.range ?? '90';
    const history = effectiveHistory(ctx);
    const all = dayPoints(history);
    const days = inRange(all, range);
    const span = historySpan(history);
    const labels = days.map(d => d.date);
    const latest = all[all.length - 1];
    const notices = sectionNotices(ctx, ['scores'], 'Secure Score');
    if (all.length > 0 && all.length < 2) {
      notices.push('Only one day so far: the lines grow as Microsoft computes a score each day.');
    }
    const bases = BASES.filter(b => days.some(d => d.averages[b] !== undefined));
    const category = state.category && (CATEGORIES as readonly string[]).includes(state.category) ? state.category : undefined;
    const categories = category ? [category] : [...CATEGORIES];
    const empty = all.length === 0 ? 'No Secure Score snapshots yet.' : undefined;
    const cards: ChartCard[] = [
      {
        id: 'score-points',
        title: 'Points per day',
        summary: latest ? `Latest (${latest.date}): ${points(latest.current)} of ${points(latest.max)} points, ${percent(latest.percent)}. ${span.days} day${span.days === 1 ? '' : 's'} stored since ${span.first}.` : undefined,
        empty,
        chart: {
          type: 'line', labelHeader: 'Day', labelKind: 'date', labels, valueKind: 'points',
          series: [
            { id: 'current', label: 'Points', color: 'blue', values: days.map(d => d.current), style: 'area' },
            { id: 'max', label: 'Maximum', color: 'foreground', values: days.map(d => d.max), style: 'dashed' },
          ],
        },
      },
      {
        id: 'score-percent',
        title: 'Percent and comparisons',
        summary: `${bases.length ? 'Dashed lines: average Secure Score of the compared organisations.' : 'Microsoft sent no comparison averages.'}${notDrawn(ctx.store.get('scores').data ?? [])}`,
        empty,
        chart: {
          type: 'line', labelHeader: 'Day', labelKind: 'date', labels, valueKind: 'percent', min: 0,
          series: [
            { id: 'percent', label: 'Your score', color: 'blue', values: days.map(d => d.percent) },
            ...bases.map(b => ({ id: b, label: COMPARISON_NAMES[b] ?? b, color: COMPARISON_COLORS[b] ?? 'foreground', style: 'dashed' as const, values: days.map(d => d.averages[b] ?? null) })),
          ],
        },
      },
      {
        id: 'categories',
        title: category ? `${category} points per day` : 'Points per category',
        summary: 'Summed from the control scores of each day.',
        empty,
        chart: {
          type: days.length <= 31 ? 'bar' : 'line', labelHeader: 'Day', labelKind: 'date', labels, valueKind: 'points', stacked: true,
          series: categories.map(c => ({ id: c, label: c, color: CATEGORY_COLORS[c] ?? 'foreground', style: days.length <= 31 ? 'bar' as const : 'area' as const, stack: 'categories', values: days.map(d => d.categories[c] ?? 0) })),
        },
      },
    ];
    const scores = ctx.store.get('scores').data ?? [];
    const profiles = ctx.store.get('profiles').data ?? [];
    const projection = projectScore(scores, profiles, ctx.planned());
    if (projection) {
      cards.push(projectionCard(projection, true));
    }
    const meter = honestyMeter(scores, profiles);
    if (meter) {
      cards.push(honestyCard(meter, true));
    }
    return {
      kind: 'secureScore',
      title: 'Microsoft Secure Score',
      subtitle: `${ctx.label()}${latest ? ` · ${percent(latest.percent)} on ${latest.date}` : ''}`,
      viewState: { ...state, kind: 'secureScore', range },
      ranges: true,
      actions: [...(category ? [{ action: 'showAllCategories' as const, label: 'Show all categories' }] : []), ...HISTORY_ACTIONS],
      notices,
      cards,
      lists: [],
    };
  },
};

/** Today, projected, and the comparison averages, as bars (the Secure Score and What-if panels). */
export function projectionCard(p: Projection, withLink: boolean): ChartCard {
  const planned = p.controls.length;
  const summary = planned === 0
    ? 'No improvement actions planned. Tick "planned" on rows of the Improvement Actions view to see the projected score.'
    : `${planned} planned action${planned === 1 ? '' : 's'}: ${signed(p.gain)} points, ${percent(p.percent)} → ${percent(p.projectedPercent)}${p.capped ? ' (capped at the maximum)' : ''}.${placementText(p)}`;
  return {
    id: 'projection',
    title: 'What-if projection',
    summary,
    chart: {
      type: 'horizontalBar', labelHeader: 'Score', labelKind: 'text', valueKind: 'percent', min: 0, max: 100,
      labels: ['Today', 'Projected', ...p.comparisons.map(c => `${c.label} average`)],
      series: [{
        id: 'percent', label: 'Percent', color: 'blue',
        values: [p.percent, p.projectedPercent, ...p.comparisons.map(c => c.averagePercent)],
        colors: ['blue', 'green', ...p.comparisons.map(() => 'foreground' as const)],
      }],
    },
    link: withLink ? { label: 'Open the what-if projection', panel: 'whatIf' } : undefined,
  };
}

function placementText(p: Projection): string {
  const overtaken = p.comparisons.filter(c => c.now < 0 && c.projected >= 0).map(c => c.label.toLowerCase());
  const above = p.comparisons.filter(c => c.projected >= 0).length;
  if (overtaken.length) {
    return ` That would pass the average of ${overtaken.join(', ')}.`;
  }
  return p.comparisons.length ? ` That would be above ${above} of ${p.comparisons.length} comparison averages.` : '';
}

/** Where today's points come from: measured configuration vs state marks. */
export function honestyCard(m: HonestyMeter, withLink: boolean): ChartCard {
  const thirdParty = m.byState.find(s => s.state === 'ThirdParty');
  const reviewed = m.byState.find(s => s.state === 'Reviewed');
  const ignored = m.byState.find(s => s.state === 'Ignored');
  return {
    id: 'honesty',
    title: 'Honesty meter',
    summary: `${points(m.marked)} of ${points(m.total)} points today (${percent(m.markedPercent)}) are granted by state marks rather than measured configuration.`
      + (ignored && ignored.count ? ` ${ignored.count} action${ignored.count === 1 ? ' is' : 's are'} marked risk accepted (${points(ignored.max)} points set aside).` : ''),
    chart: {
      type: 'horizontalBar', labelHeader: 'Points', labelKind: 'text', valueKind: 'points', stacked: true, min: 0,
      labels: ['Today'],
      series: [
        { id: 'measured', label: 'Measured configuration', color: 'blue', values: [m.measured], stack: 'points' },
        { id: 'ThirdParty', label: 'Resolved through third party', color: 'orange', values: [thirdParty?.points ?? 0], stack: 'points' },
        { id: 'Reviewed', label: 'Alternate mitigation (reviewed)', color: 'purple', values: [reviewed?.points ?? 0], stack: 'points' },
      ],
    },
    link: withLink ? { label: 'Open the honesty meter', panel: 'honesty' } : undefined,
  };
}
