// Secure Score math: today's points, the change since the previous snapshot, comparisons and
// per-category points. Category totals are summed from controlScores (Graph's tenant-level
// numbers are known to drift from the portal; summing controls matches it).
import type { ControlScore, SecureScore, SecureScoreControlProfile } from '../graph/types';
import { comparisonName, percent, points } from './format';
import { round2, percentOf } from './numbers';

export const CATEGORIES = ['Identity', 'Data', 'Device', 'Apps', 'Infrastructure'] as const;

export interface CategoryPoints {
  category: string;
  score: number;
  /** Sum of the controls' maxima; undefined when a control's maximum is unknown (no profile, no scoreInPercentage). */
  max?: number;
  /** Undefined with `max`: a percent of an unknown maximum would be made up. */
  percent?: number;
  /** Controls of the category whose maximum is unknown. */
  unknownMax: number;
  controls: number;
}

export interface Comparison {
  basis: string;
  label: string;
  /** `averageScore` exactly as Microsoft sent it (its unit is not documented). */
  averageScore: number | null;
  /** The average in percent, when it can be one (0 < value ≤ 100). */
  averagePercent?: number;
  /** Our percent minus theirs, when theirs is a percent. */
  difference?: number;
  /** Why the value is not compared as a percentage, for tooltips and reports. */
  caveat?: string;
  detail?: string;
}

export interface SecureScoreSummary {
  tenantId: string;
  date: string;
  current: number;
  max: number;
  percent: number;
  /** Change since the previous daily snapshot; undefined when there is none. */
  deltaPoints?: number;
  deltaPercent?: number;
  previousDate?: string;
  activeUserCount: number;
  licensedUserCount: number;
  comparisons: Comparison[];
  categories: CategoryPoints[];
  snapshotCount: number;
}

export function num(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : 0;
}


/** Snapshots newest first, whatever order they came in; rows without a date are dropped. */
export function sortSnapshots(scores: SecureScore[]): SecureScore[] {
  return scores.filter(s => !Number.isNaN(Date.parse(s.createdDateTime))).sort((a, b) => Date.parse(b.createdDateTime) - Date.parse(a.createdDateTime));
}

/** Per-control maximum: the profile's maxScore, else derived from scoreInPercentage (score*100/pct). */
export function controlMax(control: ControlScore, profiles: Map<string, SecureScoreControlProfile>): number | undefined {
  const profile = profiles.get(control.controlName);
  if (profile && Number.isFinite(num(profile.maxScore)) && num(profile.maxScore) > 0) {
    return num(profile.maxScore);
  }
  const inPct = num(control.scoreInPercentage);
  return inPct > 0 ? (num(control.score) * 100) / inPct : undefined;
}

export function categoryPoints(snapshot: SecureScore, profiles: SecureScoreControlProfile[]): CategoryPoints[] {
  const byId = new Map(profiles.map(p => [p.id, p]));
  const totals = new Map(CATEGORIES.map(c => [c as string, { score: 0, max: 0, unknownMax: 0, controls: 0 }]));
  for (const control of snapshot.controlScores ?? []) {
    const category = control.controlCategory === 'Account' ? 'Identity' : control.controlCategory || 'Other';
    const entry = totals.get(category) ?? { score: 0, max: 0, unknownMax: 0, controls: 0 };
    const max = controlMax(control, byId);
    entry.score += num(control.score);
    entry.max += max ?? 0;
    entry.unknownMax += max === undefined ? 1 : 0;
    entry.controls++;
    totals.set(category, entry);
  }
  // A maximum that leaves out some controls would make a false percent (35 / 0 is not 0 %).
  return [...totals].map(([category, t]) => t.unknownMax > 0
    ? { category, score: round2(t.score), unknownMax: t.unknownMax, controls: t.controls }
    : { category, score: round2(t.score), max: round2(t.max), percent: round2(percentOf(t.score, t.max)), unknownMax: 0, controls: t.controls });
}

/** `35 / 60 (58.3%)`, or `35 points, maximum unknown` when it is. */
export function categoryText(c: CategoryPoints): string {
  return c.max === undefined ? `${points(c.score)} points, maximum unknown` : `${points(c.score)} / ${points(c.max)} (${percent(c.percent)})`;
}

/** Why a category's maximum is unknown, for tooltips and reports. */
export function categoryCaveat(c: CategoryPoints): string | undefined {
  return c.max === undefined
    ? `The maximum is unknown: ${c.unknownMax} of ${c.controls} control${c.controls === 1 ? '' : 's'} of this category ha${c.unknownMax === 1 ? 's' : 've'} no improvement action and no scoreInPercentage to tell it.`
    : undefined;
}

/**
 * The comparisons exactly as sent. `averageScore`'s unit is not documented: the examples read as
 * percentages (48.3) except the docs' own, which has 109 for a tenant with 697 points, and the
 * service has sent -1 and empty values (graph-api.md §5). Nothing is dropped: a value that cannot
 * be a percentage is kept with a caveat and not compared.
 */
export function comparisons(snapshot: SecureScore, ownPercent: number): Comparison[] {
  const rows: Comparison[] = [];
  for (const c of snapshot.averageComparativeScores ?? []) {
    if (!c || typeof c !== 'object') {
      continue;
    }
    const raw = c.averageScore as unknown;
    const average = raw === null || raw === undefined || raw === '' ? NaN : num(raw);
    const basis = typeof c.basis === 'string' && c.basis ? c.basis : 'unknown';
    let detail: string | undefined;
    if (c.basis === 'TotalSeats' && c.seatSizeRangeLowerValue !== undefined && num(c.seatSizeRangeLowerValue) >= 0) {
      detail = `${num(c.seatSizeRangeLowerValue)}–${num(c.seatSizeRangeUpperValue)} seats`;
    } else if (c.basis === 'IndustryTypes' && typeof c.categoryValue === 'string' && c.categoryValue) {
      detail = c.categoryValue;
    }
    const label = basis === 'unknown' ? 'Unnamed comparison' : comparisonName(basis);
    const base = { basis, label, averageScore: Number.isFinite(average) ? average : null, detail };
    if (average > 0 && average <= 100) {
      rows.push({ ...base, averagePercent: round2(average), difference: round2(ownPercent - average) });
    } else {
      const caveat = !Number.isFinite(average) ? 'Microsoft sent no average for this group.'
        : average <= 0 ? `Microsoft sent ${points(average)}, which is not an average score; it is not compared.`
          : `Microsoft sent ${points(average)}, which cannot be a percentage; Graph does not document the unit of averageScore, so it is shown as sent and not compared.`;
      rows.push({ ...base, caveat });
    }
  }
  return rows;
}

/** `avg 48.3%`, or the raw value and what it is not. */
export function comparisonValue(c: Comparison): string {
  if (c.averagePercent !== undefined) {
    return `avg ${percent(c.averagePercent)}`;
  }
  return c.averageScore === null ? 'no average sent' : `averageScore ${points(c.averageScore)} (unit unknown)`;
}

export function summarizeSecureScore(scores: SecureScore[], profiles: SecureScoreControlProfile[]): SecureScoreSummary | undefined {
  const sorted = sortSnapshots(scores);
  const latest = sorted[0];
  if (!latest) {
    return undefined;
  }
  const current = num(latest.currentScore);
  const max = num(latest.maxScore);
  const percent = round2(percentOf(current, max));
  const previous = sorted[1];
  const summary: SecureScoreSummary = {
    tenantId: latest.azureTenantId,
    date: latest.createdDateTime,
    current: round2(current),
    max: round2(max),
    percent,
    activeUserCount: num(latest.activeUserCount),
    licensedUserCount: num(latest.licensedUserCount),
    comparisons: comparisons(latest, percent),
    categories: categoryPoints(latest, profiles),
    snapshotCount: sorted.length,
  };
  if (previous) {
    summary.deltaPoints = round2(current - num(previous.currentScore));
    summary.deltaPercent = round2(percent - percentOf(num(previous.currentScore), num(previous.maxScore)));
    summary.previousDate = previous.createdDateTime;
  }
  return summary;
}
