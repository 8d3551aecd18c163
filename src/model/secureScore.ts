// Secure Score math: today's points, the change since the previous snapshot, comparisons and
// per-category points. Category totals are summed from controlScores (Graph's tenant-level
// numbers are known to drift from the portal; summing controls matches it).
import type { ControlScore, SecureScore, SecureScoreControlProfile } from '../graph/types';
import { comparisonName } from './format';
import { round2, percentOf } from './numbers';

export const CATEGORIES = ['Identity', 'Data', 'Device', 'Apps', 'Infrastructure'] as const;

export interface CategoryPoints {
  category: string;
  score: number;
  max: number;
  percent: number;
}

export interface Comparison {
  basis: string;
  label: string;
  /** Average score of the compared tenants, in percent. */
  averagePercent: number;
  /** Our percent minus theirs. */
  difference: number;
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
  const totals = new Map<string, { score: number; max: number }>(CATEGORIES.map(c => [c, { score: 0, max: 0 }]));
  for (const control of snapshot.controlScores ?? []) {
    const category = control.controlCategory === 'Account' ? 'Identity' : control.controlCategory || 'Other';
    const entry = totals.get(category) ?? { score: 0, max: 0 };
    entry.score += num(control.score);
    entry.max += controlMax(control, byId) ?? 0;
    totals.set(category, entry);
  }
  return [...totals].map(([category, t]) => ({ category, score: round2(t.score), max: round2(t.max), percent: round2(percentOf(t.score, t.max)) }));
}

export function comparisons(snapshot: SecureScore, ownPercent: number): Comparison[] {
  const rows: Comparison[] = [];
  for (const c of snapshot.averageComparativeScores ?? []) {
    const average = num(c.averageScore);
    // The service has returned -1 and empty averages (graph-api.md §5): skip what is not a score.
    if (!(average > 0) || average > 100 || !c.basis) {
      continue;
    }
    let detail: string | undefined;
    if (c.basis === 'TotalSeats' && c.seatSizeRangeLowerValue !== undefined && num(c.seatSizeRangeLowerValue) >= 0) {
      detail = `${num(c.seatSizeRangeLowerValue)}–${num(c.seatSizeRangeUpperValue)} seats`;
    } else if (c.basis === 'IndustryTypes' && typeof c.categoryValue === 'string' && c.categoryValue) {
      detail = c.categoryValue;
    }
    rows.push({ basis: c.basis, label: comparisonName(c.basis), averagePercent: round2(average), difference: round2(ownPercent - average), detail });
  }
  return rows;
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
