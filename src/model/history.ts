// Secure Score history beyond the 90 daily snapshots Graph keeps: every snapshot seen is kept per
// tenant in a compact form (a dictionary of control ids, then one row of numbers per day), merged
// with what Graph returns, exported and imported as JSON. The partner score history rides along.
// No `vscode` import: the file store lives in historyStore.ts, the math here is unit-tested.
import type { SecureScore, SecurityScoreHistory } from '../graph/types';
import { CATEGORIES, num } from './secureScore';
import { round2 } from './numbers';

export const HISTORY_FORMAT = 'security-posture-history';
export const HISTORY_VERSION = 1;

export interface HistoryControl {
  id: string;
  category: string;
}

export interface HistoryDay {
  /** UTC day of the snapshot, YYYY-MM-DD. */
  date: string;
  current: number;
  max: number;
  active?: number;
  licensed?: number;
  /** Comparison basis (AllTenants, TotalSeats, IndustryTypes) -> average score in percent. */
  averages: Record<string, number>;
  /** Points per control, by index into `controls`; null (or past the end) = not scored that day. */
  scores: (number | null)[];
  /** Each control's maximum when Graph let it be derived (scoreInPercentage > 0), else null. */
  maxes: (number | null)[];
}

export interface PartnerHistoryDay {
  date: string;
  score: number;
  compliant: number;
  total: number;
}

export interface ScoreHistory {
  format: typeof HISTORY_FORMAT;
  version: typeof HISTORY_VERSION;
  /** azureTenantId of the snapshots ('' until one is seen). */
  tenantId: string;
  controls: HistoryControl[];
  /** Oldest first, one per date. */
  days: HistoryDay[];
  /** Oldest first, one per date (the last change of a day wins). */
  partner: PartnerHistoryDay[];
}

export type HistoryRange = '7' | '30' | '90' | 'all';
export const HISTORY_RANGES: HistoryRange[] = ['7', '30', '90', 'all'];

export class HistoryFormatError extends Error {}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function emptyHistory(tenantId = ''): ScoreHistory {
  return { format: HISTORY_FORMAT, version: HISTORY_VERSION, tenantId, controls: [], days: [], partner: [] };
}

/** The UTC day (YYYY-MM-DD) of an ISO timestamp, or undefined when it is not a date. */
export function dayOf(iso: string | null | undefined): string | undefined {
  const time = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().slice(0, 10);
}

/** Canonical category names: Graph's old `Account` is today's Identity. */
export function categoryName(category: string | null | undefined): string {
  return category === 'Account' ? 'Identity' : category || 'Other';
}

/** A deep copy with its own dictionary index, ready to be extended. */
class Builder {
  readonly history: ScoreHistory;
  private readonly index = new Map<string, number>();

  constructor(base: ScoreHistory) {
    this.history = {
      ...base,
      controls: base.controls.map(c => ({ ...c })),
      days: base.days.map(d => ({ ...d, averages: { ...d.averages }, scores: [...d.scores], maxes: [...d.maxes] })),
      partner: base.partner.map(p => ({ ...p })),
    };
    this.history.controls.forEach((c, i) => this.index.set(c.id, i));
  }

  controlIndex(id: string, category: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.history.controls.length;
      this.history.controls.push({ id, category });
      this.index.set(id, i);
    } else if (category && category !== 'Other') {
      this.history.controls[i].category = category;
    }
    return i;
  }

  /** Replaces or inserts a day, keeping the list sorted. */
  putDay(day: HistoryDay): void {
    const days = this.history.days;
    const at = days.findIndex(d => d.date >= day.date);
    if (at === -1) {
      days.push(day);
    } else if (days[at].date === day.date) {
      days[at] = day;
    } else {
      days.splice(at, 0, day);
    }
  }

  putPartner(entry: PartnerHistoryDay): void {
    const list = this.history.partner;
    const at = list.findIndex(p => p.date >= entry.date);
    if (at === -1) {
      list.push(entry);
    } else if (list[at].date === entry.date) {
      list[at] = entry;
    } else {
      list.splice(at, 0, entry);
    }
  }
}

function averagesOf(snapshot: SecureScore): Record<string, number> {
  const averages: Record<string, number> = {};
  for (const c of snapshot.averageComparativeScores ?? []) {
    const average = num(c?.averageScore);
    // The service has returned -1 and empty averages: keep only what is a score.
    if (c?.basis && average > 0 && average <= 100) {
      averages[String(c.basis)] = round2(average);
    }
  }
  return averages;
}

function toDay(builder: Builder, snapshot: SecureScore, date: string): HistoryDay {
  const scores: (number | null)[] = [];
  const maxes: (number | null)[] = [];
  for (const control of snapshot.controlScores ?? []) {
    if (!control || typeof control.controlName !== 'string' || !control.controlName) {
      continue;
    }
    const i = builder.controlIndex(control.controlName, categoryName(control.controlCategory));
    while (scores.length < i) {
      scores.push(null);
      maxes.push(null);
    }
    const score = round2(num(control.score));
    const inPercent = num(control.scoreInPercentage);
    scores[i] = score;
    maxes[i] = inPercent > 0 ? round2((score * 100) / inPercent) : null;
  }
  const day: HistoryDay = {
    date,
    current: round2(num(snapshot.currentScore)),
    max: round2(num(snapshot.maxScore)),
    averages: averagesOf(snapshot),
    scores,
    maxes,
  };
  if (snapshot.activeUserCount !== undefined) {
    day.active = num(snapshot.activeUserCount);
  }
  if (snapshot.licensedUserCount !== undefined) {
    day.licensed = num(snapshot.licensedUserCount);
  }
  return day;
}

export interface MergeResult {
  history: ScoreHistory;
  /** Days (or partner entries) that were not in the history before. */
  added: number;
}

/**
 * Adds Graph's snapshots to a history. Graph's numbers win for a day already stored (it is the
 * fresher source); days Graph no longer returns stay. Snapshots without a date are dropped.
 */
export function mergeSnapshots(history: ScoreHistory, snapshots: SecureScore[]): MergeResult {
  const builder = new Builder(history);
  const known = new Set(history.days.map(d => d.date));
  let added = 0;
  // Oldest first, so the dictionary grows in the order controls appeared.
  const sorted = snapshots.filter(s => dayOf(s?.createdDateTime)).sort((a, b) => Date.parse(a.createdDateTime) - Date.parse(b.createdDateTime));
  for (const snapshot of sorted) {
    const date = dayOf(snapshot.createdDateTime)!;
    if (!builder.history.tenantId && snapshot.azureTenantId) {
      builder.history.tenantId = String(snapshot.azureTenantId);
    }
    if (!known.has(date)) {
      known.add(date);
      added++;
    }
    builder.putDay(toDay(builder, snapshot, date));
  }
  return { history: builder.history, added };
}

/** Adds the partner score history (Graph returns one entry per change). */
export function mergePartnerHistory(history: ScoreHistory, entries: SecurityScoreHistory[]): MergeResult {
  const builder = new Builder(history);
  const known = new Set(history.partner.map(p => p.date));
  let added = 0;
  const sorted = entries.filter(e => dayOf(e?.createdDateTime)).sort((a, b) => Date.parse(a.createdDateTime) - Date.parse(b.createdDateTime));
  for (const entry of sorted) {
    const date = dayOf(entry.createdDateTime)!;
    if (!known.has(date)) {
      known.add(date);
      added++;
    }
    builder.putPartner({ date, score: round2(num(entry.score)), compliant: num(entry.compliantRequirementsCount), total: num(entry.totalRequirementsCount) });
  }
  return { history: builder.history, added };
}

/**
 * Adds the days of another history (an imported file) that this one lacks; days both have keep
 * this history's numbers. Control indexes are remapped through the dictionaries.
 */
export function mergeHistories(base: ScoreHistory, incoming: ScoreHistory): MergeResult {
  const builder = new Builder(base);
  if (!builder.history.tenantId) {
    builder.history.tenantId = incoming.tenantId;
  }
  const known = new Set(base.days.map(d => d.date));
  let added = 0;
  for (const day of incoming.days) {
    if (known.has(day.date)) {
      continue;
    }
    const scores: (number | null)[] = [];
    const maxes: (number | null)[] = [];
    day.scores.forEach((score, j) => {
      if (score === null || score === undefined || !incoming.controls[j]) {
        return;
      }
      const i = builder.controlIndex(incoming.controls[j].id, incoming.controls[j].category);
      while (scores.length <= i) {
        scores.push(null);
        maxes.push(null);
      }
      scores[i] = score;
      maxes[i] = day.maxes[j] ?? null;
    });
    builder.putDay({ ...day, averages: { ...day.averages }, scores, maxes });
    known.add(day.date);
    added++;
  }
  const partnerKnown = new Set(base.partner.map(p => p.date));
  for (const entry of incoming.partner) {
    if (!partnerKnown.has(entry.date)) {
      builder.putPartner({ ...entry });
      partnerKnown.add(entry.date);
      added++;
    }
  }
  return { history: builder.history, added };
}

// ---- Reading a file: everything in it is checked, nothing is trusted --------------------------

const LIMITS = { days: 20_000, controls: 5_000, text: 200 };

function fail(message: string): never {
  throw new HistoryFormatError(`Not a Security Posture history file: ${message}.`);
}

function finite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > 1e9) {
    fail(`${what} is not a number`);
  }
  return value;
}

function text(value: unknown, what: string, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && !value) || value.length > LIMITS.text) {
    fail(`${what} is not a short text`);
  }
  return value;
}

function date(value: unknown, what: string): string {
  if (typeof value !== 'string' || !DATE.test(value) || dayOf(`${value}T00:00:00Z`) !== value) {
    fail(`${what} is not a date (YYYY-MM-DD)`);
  }
  return value;
}

function numbers(value: unknown, what: string, length: number): (number | null)[] {
  if (!Array.isArray(value) || value.length > length) {
    fail(`${what} is not a list of at most ${length} numbers`);
  }
  return value.map((v, i) => (v === null ? null : finite(v, `${what}[${i}]`)));
}

/** Validates parsed JSON as a history (stored or imported); throws HistoryFormatError. */
export function parseHistory(json: unknown): ScoreHistory {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    fail('the file is not a JSON object');
  }
  const raw = json as Record<string, unknown>;
  if (raw.format !== HISTORY_FORMAT) {
    fail(`"format" is not "${HISTORY_FORMAT}"`);
  }
  if (raw.version !== HISTORY_VERSION) {
    fail(`version ${String(raw.version).slice(0, 20)} is not supported (this version reads ${HISTORY_VERSION})`);
  }
  const tenantId = text(raw.tenantId ?? '', 'tenantId', true);
  if (!Array.isArray(raw.controls) || raw.controls.length > LIMITS.controls) {
    fail('"controls" is not a list');
  }
  const seen = new Set<string>();
  const controls = raw.controls.map((c: unknown, i): HistoryControl => {
    const control = (c ?? {}) as Record<string, unknown>;
    const id = text(control.id, `controls[${i}].id`);
    if (seen.has(id)) {
      fail(`control ${id} is listed twice`);
    }
    seen.add(id);
    return { id, category: text(control.category ?? 'Other', `controls[${i}].category`) };
  });
  if (!Array.isArray(raw.days) || raw.days.length > LIMITS.days) {
    fail('"days" is not a list');
  }
  const days = raw.days.map((d: unknown, i): HistoryDay => {
    const day = (d ?? {}) as Record<string, unknown>;
    const averages: Record<string, number> = {};
    if (day.averages !== undefined) {
      if (!day.averages || typeof day.averages !== 'object' || Array.isArray(day.averages)) {
        fail(`days[${i}].averages is not an object`);
      }
      for (const [basis, value] of Object.entries(day.averages).slice(0, 20)) {
        averages[text(basis, `days[${i}].averages key`)] = finite(value, `days[${i}].averages.${basis}`);
      }
    }
    const out: HistoryDay = {
      date: date(day.date, `days[${i}].date`),
      current: finite(day.current, `days[${i}].current`),
      max: finite(day.max, `days[${i}].max`),
      averages,
      scores: numbers(day.scores ?? [], `days[${i}].scores`, controls.length),
      maxes: numbers(day.maxes ?? [], `days[${i}].maxes`, controls.length),
    };
    if (day.active !== undefined) {
      out.active = finite(day.active, `days[${i}].active`);
    }
    if (day.licensed !== undefined) {
      out.licensed = finite(day.licensed, `days[${i}].licensed`);
    }
    return out;
  });
  const partnerRaw = raw.partner ?? [];
  if (!Array.isArray(partnerRaw) || partnerRaw.length > LIMITS.days) {
    fail('"partner" is not a list');
  }
  const partner = partnerRaw.map((p: unknown, i): PartnerHistoryDay => {
    const entry = (p ?? {}) as Record<string, unknown>;
    return {
      date: date(entry.date, `partner[${i}].date`),
      score: finite(entry.score, `partner[${i}].score`),
      compliant: finite(entry.compliant, `partner[${i}].compliant`),
      total: finite(entry.total, `partner[${i}].total`),
    };
  });
  const byDate = <T extends { date: string }>(list: T[], what: string): T[] => {
    const sorted = [...list].sort((a, b) => a.date.localeCompare(b.date));
    sorted.forEach((item, i) => {
      if (i > 0 && sorted[i - 1].date === item.date) {
        fail(`${what} has ${item.date} twice`);
      }
    });
    return sorted;
  };
  return { format: HISTORY_FORMAT, version: HISTORY_VERSION, tenantId, controls, days: byDate(days, 'days'), partner: byDate(partner, 'partner') };
}

// ---- Series for the charts --------------------------------------------------------------------

export interface DayPoint {
  date: string;
  current: number;
  max: number;
  percent: number;
  /** Basis -> average percent of the compared tenants. */
  averages: Record<string, number>;
  /** Category -> points, summed from the control scores of that day. */
  categories: Record<string, number>;
}

/** One point per stored day, oldest first, with per-category points summed from its controls. */
export function dayPoints(history: ScoreHistory): DayPoint[] {
  return history.days.map(day => {
    const categories: Record<string, number> = Object.fromEntries(CATEGORIES.map(c => [c, 0]));
    day.scores.forEach((score, i) => {
      if (score !== null && history.controls[i]) {
        const category = history.controls[i].category;
        categories[category] = (categories[category] ?? 0) + score;
      }
    });
    for (const key of Object.keys(categories)) {
      categories[key] = round2(categories[key]);
    }
    return {
      date: day.date,
      current: day.current,
      max: day.max,
      percent: day.max > 0 ? round2((day.current / day.max) * 100) : 0,
      averages: { ...day.averages },
      categories,
    };
  });
}

/** The days within `range` days of the newest one (not of today: a stale history still shows its last weeks). */
export function inRange<T extends { date: string }>(points: T[], range: HistoryRange): T[] {
  if (range === 'all' || points.length === 0) {
    return points;
  }
  const newest = Date.parse(`${points[points.length - 1].date}T00:00:00Z`);
  const from = newest - (Number(range) - 1) * 86_400_000;
  return points.filter(p => Date.parse(`${p.date}T00:00:00Z`) >= from);
}

/** How many days the history covers, and since when. */
export function historySpan(history: ScoreHistory): { days: number; first?: string; last?: string } {
  return { days: history.days.length, first: history.days[0]?.date, last: history.days[history.days.length - 1]?.date };
}
