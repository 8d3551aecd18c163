// Score analytics over the stored history and today's controls: what changed between two days
// (split by cause), the what-if projection of planned controls, and the honesty meter (points
// earned by measured configuration vs points granted by state marks). No `vscode` import.
import type { SecureScore, SecureScoreControlProfile } from '../graph/types';
import { latestStateUpdate } from './controls';
import { controlStateName, normalizeControlState } from './format';
import { categoryName, type ScoreHistory } from './history';
import { CATEGORIES, comparisons, num, sortSnapshots } from './secureScore';
import { round2, percentOf } from './numbers';

const EPSILON = 0.005;

/** States that stand for an admin's decision rather than measured configuration. */
export const MARK_STATES = ['ThirdParty', 'Reviewed', 'Ignored'] as const;
export const isMark = (state: string) => (MARK_STATES as readonly string[]).includes(state);

// ---- State in force on a day ------------------------------------------------------------------

/**
 * The control's state at `atIso` from its controlStateUpdates: the newest update made at or
 * before that instant (updates without a date are the initial state). A snapshot taken at 00:00
 * reflects the marks made before it, so a mark made during a day shows from the next snapshot.
 */
export function stateAt(profile: SecureScoreControlProfile | undefined, atIso: string): string {
  const at = Date.parse(atIso);
  let state = 'Default';
  let best = -Infinity;
  for (const update of profile?.controlStateUpdates ?? []) {
    const time = update?.updatedDateTime ? Date.parse(update.updatedDateTime) : -Infinity;
    const when = Number.isNaN(time) ? -Infinity : time;
    if (when <= at && when >= best) {
      best = when;
      state = normalizeControlState(update.state);
    }
  }
  return state;
}

// ---- What changed between two days ------------------------------------------------------------

export type ChangeKind = 'stateMark' | 'microsoft' | 'configuration';
export const CHANGE_KINDS: ChangeKind[] = ['stateMark', 'microsoft', 'configuration'];
export const CHANGE_KIND_NAMES: Record<ChangeKind, string> = {
  stateMark: 'State marks (risk accepted, third party, alternate mitigation)',
  microsoft: "Microsoft's side (controls added or removed, maximum changed)",
  configuration: 'Configuration',
};

export interface ControlChange {
  id: string;
  title: string;
  category: string;
  kind: ChangeKind;
  /** Why it is in that group, in words. */
  reason: string;
  /** Points on each day; undefined when the control was not scored that day. */
  before?: number;
  after?: number;
  delta: number;
  stateBefore: string;
  stateAfter: string;
}

export interface ChangeGroup {
  kind: ChangeKind;
  label: string;
  points: number;
  changes: ControlChange[];
}

export interface DayComparison {
  from: string;
  to: string;
  before: { current: number; max: number };
  after: { current: number; max: number };
  /** Change of the tenant's score between the two days. */
  delta: number;
  maxDelta: number;
  groups: ChangeGroup[];
  /**
   * The part of the score change no control accounts for: Graph's tenant total and the sum of
   * its controls are known to drift apart.
   */
  unexplained: number;
}

/**
 * A control's maximum is derived from its points and a rounded percentage, so it wobbles by a
 * hundredth or so; Microsoft's real changes are whole points.
 */
function maxChanged(before: number, after: number): boolean {
  return Math.abs(after - before) > Math.max(0.1, 0.02 * Math.max(before, after));
}

/** Per-control changes between two stored days (either order: `from` is the earlier). */
export function compareDays(history: ScoreHistory, dayA: string, dayB: string, profiles: SecureScoreControlProfile[]): DayComparison | undefined {
  const [from, to] = dayA <= dayB ? [dayA, dayB] : [dayB, dayA];
  const a = history.days.find(d => d.date === from);
  const b = history.days.find(d => d.date === to);
  if (!a || !b) {
    return undefined;
  }
  const byId = new Map(profiles.map(p => [p.id, p]));
  const changes: ControlChange[] = [];
  history.controls.forEach((control, i) => {
    const before = a.scores[i] ?? undefined;
    const after = b.scores[i] ?? undefined;
    if (before === undefined && after === undefined) {
      return;
    }
    const profile = byId.get(control.id);
    const stateBefore = stateAt(profile, `${from}T00:00:00Z`);
    const stateAfter = stateAt(profile, `${to}T00:00:00Z`);
    const delta = round2((after ?? 0) - (before ?? 0));
    const maxBefore = a.maxes[i] ?? undefined;
    const maxAfter = b.maxes[i] ?? undefined;
    let kind: ChangeKind;
    let reason: string;
    if (before === undefined) {
      kind = 'microsoft';
      reason = 'Added by Microsoft';
    } else if (after === undefined) {
      kind = 'microsoft';
      reason = 'Removed by Microsoft';
    } else if (maxBefore !== undefined && maxAfter !== undefined && maxChanged(maxBefore, maxAfter)) {
      kind = 'microsoft';
      reason = `Maximum changed from ${round2(maxBefore)} to ${round2(maxAfter)}`;
    } else if (stateBefore !== stateAfter) {
      if (Math.abs(delta) < EPSILON && !isMark(stateBefore) && !isMark(stateAfter)) {
        return;
      }
      kind = 'stateMark';
      reason = `${controlStateName(stateBefore)} → ${controlStateName(stateAfter)}`;
    } else if (Math.abs(delta) >= EPSILON) {
      kind = 'configuration';
      reason = delta > 0 ? 'More of the configuration is in place' : 'Less of the configuration is in place';
    } else {
      return;
    }
    changes.push({
      id: control.id,
      title: profile?.title || control.id,
      category: categoryName(profile?.controlCategory ?? control.category),
      kind, reason, before, after, delta, stateBefore, stateAfter,
    });
  });
  const groups = CHANGE_KINDS.map((kind): ChangeGroup => {
    const list = changes.filter(c => c.kind === kind).sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.title.localeCompare(y.title));
    return { kind, label: CHANGE_KIND_NAMES[kind], points: round2(list.reduce((sum, c) => sum + c.delta, 0)), changes: list };
  });
  const delta = round2(b.current - a.current);
  const explained = groups.reduce((sum, g) => sum + g.points, 0);
  return {
    from, to,
    before: { current: a.current, max: a.max },
    after: { current: b.current, max: b.max },
    delta,
    maxDelta: round2(b.max - a.max),
    groups,
    unexplained: round2(delta - explained),
  };
}

// ---- What-if projection -----------------------------------------------------------------------

export interface PlannedControl {
  id: string;
  title: string;
  category: string;
  state: string;
  earned: number;
  max: number;
  /** Points completing it would add: its remaining points (0 when not scored today). */
  gain: number;
  scored: boolean;
}

export interface ComparisonPlacement {
  basis: string;
  label: string;
  averagePercent: number;
  /** Our percent minus theirs, today and as projected. */
  now: number;
  projected: number;
}

export interface Projection {
  current: number;
  max: number;
  percent: number;
  projected: number;
  projectedPercent: number;
  gain: number;
  /** The planned points exceeded the tenant's maximum and were capped. */
  capped: boolean;
  controls: PlannedControl[];
  comparisons: ComparisonPlacement[];
}

/**
 * The score if the planned controls were completed: each adds its remaining points (max minus
 * earned today, never below 0), and the total never exceeds the tenant's maximum.
 */
export function projectScore(scores: SecureScore[], profiles: SecureScoreControlProfile[], planned: Iterable<string>): Projection | undefined {
  const latest = sortSnapshots(scores)[0];
  if (!latest) {
    return undefined;
  }
  const current = num(latest.currentScore);
  const max = num(latest.maxScore);
  const byId = new Map(profiles.map(p => [p.id, p]));
  const scored = new Map((latest.controlScores ?? []).map(c => [c.controlName, c]));
  const controls: PlannedControl[] = [];
  for (const id of new Set(planned)) {
    const profile = byId.get(id);
    const control = scored.get(id);
    if (!profile && !control) {
      continue;
    }
    const controlMax = num(profile?.maxScore);
    const earned = num(control?.score);
    controls.push({
      id,
      title: profile?.title || id,
      category: categoryName(profile?.controlCategory ?? control?.controlCategory),
      state: normalizeControlState(latestStateUpdate(profile?.controlStateUpdates)?.state),
      earned: round2(earned),
      max: round2(controlMax),
      gain: control ? round2(Math.max(0, controlMax - earned)) : 0,
      scored: control !== undefined,
    });
  }
  controls.sort((x, y) => y.gain - x.gain || x.title.localeCompare(y.title));
  const gainWanted = controls.reduce((sum, c) => sum + c.gain, 0);
  const projected = Math.min(max, current + gainWanted);
  const percent = round2(percentOf(current, max));
  const projectedPercent = round2(percentOf(projected, max));
  return {
    current: round2(current),
    max: round2(max),
    percent,
    projected: round2(projected),
    projectedPercent,
    gain: round2(projected - current),
    capped: current + gainWanted > max + EPSILON,
    controls,
    comparisons: comparisons(latest, percent).map(c => ({
      basis: c.basis, label: c.label, averagePercent: c.averagePercent,
      now: round2(percent - c.averagePercent),
      projected: round2(projectedPercent - c.averagePercent),
    })),
  };
}

// ---- Honesty meter ----------------------------------------------------------------------------

export interface MarkedControl {
  id: string;
  title: string;
  category: string;
  state: string;
  points: number;
  max: number;
}

export interface HonestyMeter {
  total: number;
  max: number;
  /** Points from controls in the Default state: what Microsoft measured. */
  measured: number;
  /** Points from controls an admin marked (third party, alternate mitigation). */
  marked: number;
  /** marked / total, in percent. */
  markedPercent: number;
  byState: { state: string; label: string; points: number; count: number; max: number }[];
  /** Measured and marked points per category. */
  categories: { category: string; measured: number; marked: number }[];
  controls: MarkedControl[];
}

/** Today's points split into measured configuration and points granted by state marks. */
export function honestyMeter(scores: SecureScore[], profiles: SecureScoreControlProfile[]): HonestyMeter | undefined {
  const latest = sortSnapshots(scores)[0];
  if (!latest) {
    return undefined;
  }
  const byId = new Map(profiles.map(p => [p.id, p]));
  let measured = 0;
  let marked = 0;
  let total = 0;
  const byState = new Map<string, { points: number; count: number; max: number }>(MARK_STATES.map(s => [s, { points: 0, count: 0, max: 0 }]));
  const controls: MarkedControl[] = [];
  const categories = new Map<string, { measured: number; marked: number }>(CATEGORIES.map(c => [c, { measured: 0, marked: 0 }]));
  for (const control of latest.controlScores ?? []) {
    if (!control?.controlName) {
      continue;
    }
    const profile = byId.get(control.controlName);
    const state = stateAt(profile, latest.createdDateTime);
    const points = num(control.score);
    total += points;
    const max = num(profile?.maxScore);
    const category = categoryName(profile?.controlCategory ?? control.controlCategory);
    const perCategory = categories.get(category) ?? { measured: 0, marked: 0 };
    categories.set(category, perCategory);
    if (isMark(state)) {
      perCategory.marked += points;
      marked += points;
      const entry = byState.get(state)!;
      entry.points += points;
      entry.count++;
      entry.max += max;
      controls.push({
        id: control.controlName,
        title: profile?.title || control.controlName,
        category,
        state, points: round2(points), max: round2(max),
      });
    } else {
      perCategory.measured += points;
      measured += points;
    }
  }
  controls.sort((x, y) => y.points - x.points || x.title.localeCompare(y.title));
  return {
    total: round2(total),
    max: round2(num(latest.maxScore)),
    measured: round2(measured),
    marked: round2(marked),
    markedPercent: total > 0 ? round2((marked / total) * 100) : 0,
    byState: [...byState].map(([state, v]) => ({ state, label: controlStateName(state), points: round2(v.points), count: v.count, max: round2(v.max) })),
    categories: [...categories].map(([category, v]) => ({ category, measured: round2(v.measured), marked: round2(v.marked) })),
    controls,
  };
}
