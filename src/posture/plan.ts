// The plan of a posture file against tenants: per tenant, each control from → to (or in sync,
// awaiting Microsoft's sync, or why it cannot change), each alert rule with the alerts it
// matches and what changes, and the Secure Score effect of the control changes (the what-if
// engine). Drift for CodeLens and Problems is read off the plan. No writes here.
import type { SecureScore, SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { parseAlertQuery, type AlertQuery } from '../model/alertQuery';
import { projectScore, type Projection } from '../model/analytics';
import { latestStateUpdate } from '../model/controls';
import { controlStateName, normalizeControlState } from '../model/format';
import { sortSnapshots, num } from '../model/secureScore';
import { alertChangeProblem, controlRefusal, hasComment, previewAlertChanges, type AlertPreview, type ControlStateChange } from '../model/updates';
import { clip } from './text';
import type { AlertRule, ControlEntry, PostureDoc, TextRange } from './types';
import { entryError, isExpired } from './validate';

/** One tenant's data as the plan needs it. */
export interface PostureTenant {
  tenantId: string;
  name: string;
  profiles: SecureScoreControlProfile[];
  /** The alerts the rules may match: the loader fetched what each rule's filter selects. */
  alerts: SecurityAlert[];
  /** Secure Score snapshots, for the score effect. */
  scores?: SecureScore[];
  /** Changes this tool applied that Microsoft has not reflected yet, by control id. */
  pendingSync?: Record<string, { state: string; since: string }>;
  /** The signed-in user, for `assigned:me` in rule filters. */
  me?: string;
}

/** A tenant the file names that has no data here (not loaded, not signed in, not a customer). */
export interface UnavailableTenant {
  target: string;
  reason: string;
}

export type TenantTarget = { kind: 'current' } | { kind: 'allCustomers' } | { kind: 'named'; name: string };

export type ControlStatus = 'change' | 'inSync' | 'awaitingSync' | 'cannotChange';

export interface ControlPlanItem {
  id: string;
  title: string;
  /** Index into the doc's controls (CodeLens and Problems find the entry by it). */
  entry: number;
  range: TextRange;
  status: ControlStatus;
  current: { state: string; comment: string | null; assignedTo: string | null; updatedBy: string | null; updatedDateTime: string | null };
  /** What the file asks for (after an expiry: To address). */
  desired: ControlStateChange;
  differs: ('state' | 'comment' | 'assignedTo')[];
  /** The exception's last day, when it has lapsed. */
  expired?: string;
  /** Why it cannot change, in words. */
  reason?: string;
  /** When this tool applied the state Microsoft has not reflected yet. */
  awaitingSince?: string;
  maxScore: number;
  /** The tenant's profile (for the PATCH's vendorInformation and the local copy after a 204). */
  profile?: SecureScoreControlProfile;
}

export interface RulePlan {
  index: number;
  name: string;
  match: string;
  range: TextRange;
  /** Alerts the filter selects (of those loaded for it). */
  matched: number;
  /** The alerts that change, with from → to. */
  changes: AlertPreview[];
  inSync: number;
  /** Matched, but an earlier rule already decides them (the first matching rule wins). */
  claimed: number;
  /** The filter could not be read; nothing is planned for this rule. */
  error?: string;
}

export interface ScoreLine {
  id: string;
  title: string;
  from: string;
  to: string;
  /** Points the change adds (+) or takes away (−); `uncertain` when measured configuration decides. */
  points: number;
  uncertain: boolean;
}

/** The what-if engine's projection of the plan's control changes, with what each side adds or takes. */
export interface ScoreEffect extends Pick<Projection, 'current' | 'max' | 'percent' | 'projected' | 'projectedPercent'> {
  /** Points marks add (third party, alternate mitigation: the remaining points, capped at the maximum). */
  gain: number;
  /** Points risk acceptance takes away (Ignored earns none). */
  loss: number;
  /** Points that may go when a mark returns to To address: measured configuration decides. */
  atRisk: number;
  lines: ScoreLine[];
}

export interface TenantPlan {
  available: true;
  tenantId: string;
  name: string;
  controls: ControlPlanItem[];
  rules: RulePlan[];
  score?: ScoreEffect;
  counts: { change: number; inSync: number; awaitingSync: number; cannotChange: number; alertChanges: number };
}

export interface UnavailableTenantPlan {
  available: false;
  target: string;
  reason: string;
}

export interface PosturePlan {
  fileName: string;
  createdAt: string;
  tenants: (TenantPlan | UnavailableTenantPlan)[];
  /** Writes the plan would make, all tenants together. */
  writes: number;
  /** Entries and rules left out because the file has an error in them. */
  skipped: number;
}

export const NOT_SIGNED_IN = 'not available: not signed in';
export const CUSTOMERS_NOT_LOADED = 'not available: customers are not loaded';

/** The tenants a file names, in order. */
export function tenantTargets(doc: PostureDoc): TenantTarget[] {
  switch (doc.tenants.kind) {
    case 'current': return [{ kind: 'current' }];
    case 'allCustomers': return [{ kind: 'allCustomers' }];
    case 'list': return doc.tenants.names.map(n => (n.name.toLowerCase() === 'current' ? { kind: 'current' as const } : { kind: 'named' as const, name: n.name }));
  }
}

export type TenantLoader = (target: TenantTarget) => Promise<(PostureTenant | UnavailableTenant)[]>;

/** Gets every named tenant's data through the loader; a tenant named twice is planned once. */
export async function loadTenants(doc: PostureDoc, loader: TenantLoader): Promise<(PostureTenant | UnavailableTenant)[]> {
  const out: (PostureTenant | UnavailableTenant)[] = [];
  const seen = new Set<string>();
  for (const target of tenantTargets(doc)) {
    for (const tenant of await loader(target)) {
      const key = 'tenantId' in tenant ? tenant.tenantId : `?${tenant.target}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(tenant);
      }
    }
  }
  return out;
}

/** The valid rules' compiled filters (the loader asks Graph for what each selects). */
export function ruleQueries(doc: PostureDoc, context: { now: Date; me?: string }): { rule: AlertRule; query: AlertQuery }[] {
  return doc.alertRules.flatMap(rule => (ruleError(rule, context) ? [] : [{ rule, query: parseAlertQuery(rule.match, context) }]));
}

function desiredOf(entry: ControlEntry & { state: NonNullable<ControlEntry['state']> }, expired: boolean): ControlStateChange {
  if (expired) {
    return { state: 'Default', comment: `Exception expired on ${entry.expires}${entry.comment?.trim() ? ` (was: ${entry.comment.trim()})` : ''}` };
  }
  return { state: entry.state, ...(entry.comment !== undefined ? { comment: entry.comment.trim() } : {}), ...(entry.assignedTo !== undefined ? { assignedTo: entry.assignedTo.trim() } : {}) };
}

function planControl(entry: ControlEntry, index: number, tenant: PostureTenant, byId: Map<string, SecureScoreControlProfile>, now: Date): ControlPlanItem | undefined {
  if (!entry.state || entryError(entry)) {
    return undefined;
  }
  const profile = byId.get(entry.id);
  const last = latestStateUpdate(profile?.controlStateUpdates);
  const current = {
    state: normalizeControlState(last?.state), comment: last?.comment ?? null, assignedTo: last?.assignedTo ?? null,
    updatedBy: last?.updatedBy ?? null, updatedDateTime: last?.updatedDateTime ?? null,
  };
  const expired = isExpired(entry, now) && entry.state !== 'Default';
  const desired = desiredOf({ ...entry, state: entry.state }, expired);
  const base = { id: entry.id, title: clip(profile?.title || entry.id, 200), entry: index, range: entry.ranges.key, current, desired, maxScore: num(profile?.maxScore), profile, ...(expired ? { expired: entry.expires } : {}) };
  if (!profile) {
    return { ...base, status: 'cannotChange', differs: [], reason: `not an improvement action of ${clip(tenant.name, 80)}` };
  }
  const differs: ControlPlanItem['differs'] = [];
  if (current.state !== desired.state) {
    differs.push('state');
  }
  if (!expired && entry.comment !== undefined && (current.comment ?? '').trim() !== entry.comment.trim()) {
    differs.push('comment');
  }
  if (!expired && entry.assignedTo !== undefined && (current.assignedTo ?? '').trim().toLowerCase() !== entry.assignedTo.trim().toLowerCase()) {
    differs.push('assignedTo');
  }
  const pending = tenant.pendingSync?.[entry.id];
  const awaiting = pending && normalizeControlState(pending.state) === desired.state ? pending.since : undefined;
  if (differs.length === 0) {
    return { ...base, status: 'inSync', differs, ...(awaiting ? { awaitingSince: awaiting } : {}) };
  }
  const refusal = controlRefusal(profile);
  if (refusal) {
    return { ...base, status: 'cannotChange', differs, reason: 'Graph cannot change Microsoft Defender for Endpoint (scid_) controls; use the Defender portal' };
  }
  if (awaiting) {
    // Applied here (state, comment and assignee in one write); Graph's copy has not caught up. Not drift, and not written again.
    return { ...base, status: 'awaitingSync', differs, awaitingSince: awaiting };
  }
  return { ...base, status: 'change', differs };
}

/** Why a rule cannot be planned (its filter or its change is invalid), or undefined. */
export function ruleError(rule: AlertRule, context: { now: Date; me?: string }): string | undefined {
  if (!rule.wellFormed) {
    return 'it has an error';
  }
  if (!rule.match.trim()) {
    return 'The filter is empty.';
  }
  try {
    parseAlertQuery(rule.match, context);
  } catch (error) {
    return clip((error as Error).message, 300);
  }
  return alertChangeProblem(rule.set);
}

function planRules(doc: PostureDoc, tenant: PostureTenant, now: Date): RulePlan[] {
  const claimed = new Set<string>();
  const alerts = [...new Map(tenant.alerts.map(a => [a.id, a])).values()];
  return doc.alertRules.filter(r => r.wellFormed).map((rule): RulePlan => {
    const base = { index: rule.index, name: clip(rule.name, 120), match: rule.match, range: rule.ranges.name ?? rule.ranges.entry, matched: 0, changes: [], inSync: 0, claimed: 0 };
    const error = ruleError(rule, { now, me: tenant.me });
    if (error) {
      return { ...base, error };
    }
    const query = parseAlertQuery(rule.match, { now, me: tenant.me });
    const matched = alerts.filter(a => query.matches(a));
    const mine = matched.filter(a => !claimed.has(a.id));
    mine.forEach(a => claimed.add(a.id));
    const plans = previewAlertChanges(mine, rule.set).map(p => {
      // A comment already on the alert is not added again: applying twice changes nothing.
      if (p.comment && hasComment(p.alert, p.comment)) {
        const diffs = p.diffs.filter(d => d.field !== 'comment');
        return { ...p, comment: undefined, diffs, unchanged: diffs.length === 0 };
      }
      return p;
    });
    const changes = plans.filter(p => !p.unchanged);
    return { ...base, matched: matched.length, changes, inSync: plans.length - changes.length, claimed: matched.length - mine.length };
  });
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The score effect of the control changes: marks add remaining points (what-if engine), risk acceptance takes today's points. */
export function scoreEffect(items: ControlPlanItem[], tenant: PostureTenant): ScoreEffect | undefined {
  const latest = sortSnapshots(tenant.scores ?? [])[0];
  if (!latest) {
    return undefined;
  }
  const changing = items.filter(i => i.status === 'change' && i.differs.includes('state'));
  const marks = changing.filter(i => (i.desired.state === 'ThirdParty' || i.desired.state === 'Reviewed') && i.current.state !== 'ThirdParty' && i.current.state !== 'Reviewed');
  const projection = projectScore(tenant.scores ?? [], tenant.profiles, marks.map(i => i.id));
  const gains = new Map((projection?.controls ?? []).map(c => [c.id, c.gain]));
  const earned = new Map((latest.controlScores ?? []).map(c => [c.controlName, num(c.score)]));
  const lines: ScoreLine[] = changing.map(i => {
    const to = i.desired.state;
    const points = gains.has(i.id) ? gains.get(i.id)! : to === 'Ignored' || to === 'Default' ? -(earned.get(i.id) ?? 0) : 0;
    return { id: i.id, title: i.title, from: controlStateName(i.current.state), to: controlStateName(to), points: round2(points), uncertain: to === 'Default' && (i.current.state === 'ThirdParty' || i.current.state === 'Reviewed') };
  }).sort((a, b) => b.points - a.points || a.title.localeCompare(b.title));
  const current = num(latest.currentScore);
  const max = num(latest.maxScore);
  const gain = projection ? projection.gain : 0;
  const loss = round2(-lines.filter(l => l.points < 0 && !l.uncertain).reduce((s, l) => s + l.points, 0));
  const atRisk = round2(-lines.filter(l => l.uncertain).reduce((s, l) => s + l.points, 0));
  const projected = round2(Math.max(0, current + gain - loss));
  const pct = (n: number) => (max > 0 ? round2((n / max) * 100) : 0);
  return { current: round2(current), max: round2(max), percent: pct(current), projected, projectedPercent: pct(projected), gain: round2(gain), loss, atRisk, lines };
}

export function planTenant(doc: PostureDoc, tenant: PostureTenant, now: Date): TenantPlan {
  const byId = new Map(tenant.profiles.map(p => [p.id, p]));
  const controls = doc.controls.flatMap((entry, i) => planControl(entry, i, tenant, byId, now) ?? []);
  const rules = planRules(doc, tenant, now);
  const count = (s: ControlStatus) => controls.filter(c => c.status === s).length;
  return {
    available: true, tenantId: tenant.tenantId, name: clip(tenant.name, 120), controls, rules,
    score: scoreEffect(controls, tenant),
    counts: { change: count('change'), inSync: count('inSync'), awaitingSync: count('awaitingSync'), cannotChange: count('cannotChange'), alertChanges: rules.reduce((s, r) => s + r.changes.length, 0) },
  };
}

export function planPosture(doc: PostureDoc, tenants: (PostureTenant | UnavailableTenant)[], now: Date): PosturePlan {
  const plans = tenants.map(t => ('tenantId' in t ? planTenant(doc, t, now) : { available: false as const, target: clip(t.target, 120), reason: t.reason }));
  const failing = new Set(plans.flatMap(t => (t.available ? t.rules.filter(r => r.error).map(r => r.index) : [])));
  return {
    fileName: doc.fileName,
    createdAt: now.toISOString(),
    tenants: plans,
    writes: plans.reduce((s, t) => s + (t.available ? t.counts.change + t.counts.alertChanges : 0), 0),
    skipped: doc.controls.filter(c => entryError(c)).length + doc.alertRules.filter(r => !r.wellFormed || failing.has(r.index)).length,
  };
}

// ---- Drift -------------------------------------------------------------------------------------

export type DriftKind = 'inSync' | 'drift' | 'expired' | 'awaitingSync' | 'cannotChange' | 'unavailable';

export interface DriftMark {
  /** What it is about: a control entry or an alert rule. */
  target: { kind: 'control'; entry: number; id: string } | { kind: 'rule'; index: number };
  range: TextRange;
  kind: DriftKind;
  /** One line for a CodeLens: "in sync", "drift: Graph says To address, changed by … on …". */
  text: string;
  tenants: string[];
}

const day = (iso: string | null) => (iso && !Number.isNaN(Date.parse(iso)) ? iso.slice(0, 10) : undefined);

function controlText(item: ControlPlanItem): { kind: DriftKind; text: string } {
  switch (item.status) {
    case 'inSync':
      return { kind: 'inSync', text: item.awaitingSince ? `in sync (applied ${day(item.awaitingSince)}, awaiting Microsoft sync for the score)` : 'in sync' };
    case 'awaitingSync':
      return { kind: 'awaitingSync', text: `applied ${day(item.awaitingSince ?? null) ?? ''}, awaiting Microsoft sync` };
    case 'cannotChange':
      return { kind: 'cannotChange', text: `cannot change: ${item.reason}` };
    case 'change': {
      if (item.expired) {
        return { kind: 'expired', text: `expired ${item.expired}: the plan returns it to To address` };
      }
      const by = item.current.updatedBy ? `, changed by ${clip(item.current.updatedBy, 80)}` : '';
      const on = day(item.current.updatedDateTime) ? ` on ${day(item.current.updatedDateTime)}` : '';
      const what = item.differs.includes('state') ? `Graph says ${controlStateName(item.current.state)}`
        : item.differs.includes('comment') ? `Graph's comment is "${clip(item.current.comment ?? '', 60)}"`
          : `Graph's assignee is ${clip(item.current.assignedTo || 'nobody', 80)}`;
      return { kind: 'drift', text: `drift: ${what}${by}${on}` };
    }
  }
}

const ORDER: DriftKind[] = ['drift', 'expired', 'cannotChange', 'awaitingSync', 'unavailable', 'inSync'];

/**
 * Per entry and rule: in sync or how it drifts, over every tenant of the plan. With several
 * tenants the worst kind leads and names the tenants it holds for.
 */
export function driftOf(doc: PostureDoc, plan: PosturePlan): DriftMark[] {
  const available = plan.tenants.filter((t): t is TenantPlan => t.available);
  const unavailable = plan.tenants.filter((t): t is UnavailableTenantPlan => !t.available);
  const marks: DriftMark[] = [];
  const combine = (per: { tenant: string; kind: DriftKind; text: string }[]): { kind: DriftKind; text: string; tenants: string[] } => {
    const all = [...per, ...unavailable.map(u => ({ tenant: u.target, kind: 'unavailable' as const, text: u.reason }))];
    if (all.length === 1) {
      return { kind: all[0].kind, text: all[0].text, tenants: [all[0].tenant] };
    }
    const worst = ORDER.find(k => all.some(a => a.kind === k)) ?? 'inSync';
    const these = all.filter(a => a.kind === worst);
    const inSync = all.filter(a => a.kind === 'inSync').length;
    const text = worst === 'inSync' ? `in sync in ${all.length} tenants` : `${these[0].text} (${these.map(a => a.tenant).join(', ')})${inSync ? ` · in sync in ${inSync} of ${all.length}` : ''}`;
    return { kind: worst, text, tenants: these.map(a => a.tenant) };
  };
  doc.controls.forEach((entry, i) => {
    if (entryError(entry)) {
      return;
    }
    const per = available.flatMap(t => t.controls.filter(c => c.entry === i).map(c => ({ tenant: t.name, ...controlText(c) })));
    if (per.length + unavailable.length === 0) {
      return;
    }
    marks.push({ target: { kind: 'control', entry: i, id: entry.id }, range: entry.ranges.key, ...combine(per) });
  });
  for (const rule of doc.alertRules) {
    const per = available.flatMap(t => t.rules.filter(r => r.index === rule.index).map(r => ({
      tenant: t.name,
      kind: (r.error ? 'cannotChange' : r.changes.length ? 'drift' : 'inSync') as DriftKind,
      text: r.error ? `cannot plan: ${r.error}` : r.changes.length ? `drift: ${r.changes.length} of ${r.matched} matching alert${r.matched === 1 ? '' : 's'} differ` : r.matched ? `in sync: ${r.matched} matching alert${r.matched === 1 ? '' : 's'}` : 'in sync: no loaded alert matches',
    })));
    if (per.length + unavailable.length === 0) {
      continue;
    }
    marks.push({ target: { kind: 'rule', index: rule.index }, range: rule.ranges.name ?? rule.ranges.entry, ...combine(per) });
  }
  return marks;
}
