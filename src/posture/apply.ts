// Carrying out a posture plan through the model's write flow: per tenant, every control that
// changes in one batched PATCH run (each with its own state, comment and assignee; rows marked
// while in flight, Graph's copies in the store, "awaiting Microsoft sync" after), then every alert
// the rules change (the write flow's alert updates). Only what the plan lists as a change is sent,
// so applying twice writes nothing the second time. Write access is asked for by the target. Across
// a partner's customers each tenant goes through its own writer, a few at once, and Cancel stops
// starting tenants. The confirmation's text is made here too, bounded for many tenants.
import { errorFromException, PostureError, type ApiArea } from '../graph/errors';
import type { SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { safeLabel } from '../model/format';
import { controlPatchBody, type AlertPreview, type ControlStateChange, type ItemResult } from '../model/updates';
import { updateAlerts, type WriteTarget } from '../model/writeFlow';
import type { ControlPlanItem, PosturePlan, TenantPlan } from './plan';

export interface TenantApplyResult {
  tenantId: string;
  name: string;
  controls: ItemResult<SecureScoreControlProfile>[];
  alerts: ItemResult<SecurityAlert>[];
  /** The state each updated control was set to (the UI marks them "awaiting Microsoft sync"). */
  states: Record<string, string>;
}

export interface PostureApplyResult {
  /** The tenants written to (or whose writes failed), in the plan's order; tenants with nothing to write are left out. */
  tenants: TenantApplyResult[];
  /** Tenants the plan had no data for, or no writer: nothing was sent to them. */
  skipped: { target: string; reason: string }[];
  /** Tenants not started because Apply was canceled: nothing was sent to them. */
  notAttempted: { tenantId: string; name: string; items: number }[];
}

export interface ApplyOptions {
  /** Only these items (`control:<id>` / `alert:<id>` per tenant id): Retry Failed. */
  only?: Map<string, Set<string>>;
  /** Aborts the writes in flight (the command line's interrupt). */
  signal?: AbortSignal;
  /** Cancel: no tenant is started after it; the tenants in flight finish their writes. */
  stop?: AbortSignal;
  /** Tenants written at once, each through its own writer (1 by default). */
  maxInFlight?: number;
  /** After each tenant's writes: tenants done of those with something to write. */
  onTenantDone?(done: number, total: number): void;
}

const WHY_CONTROLS = 'Applying a posture file sets the state of improvement actions.';
const WHY_ALERTS = 'Updating security alerts.';

/** Counts for the confirmation: what applying would write, per tenant. */
export function applyCounts(plan: PosturePlan): { tenantId: string; name: string; controls: number; alerts: number }[] {
  return plan.tenants.filter((t): t is TenantPlan => t.available).map(t => ({ tenantId: t.tenantId, name: t.name, controls: t.counts.change, alerts: t.counts.alertChanges }));
}

/** One tenant's part of a run: what it writes, through which writer. */
interface TenantWork {
  tenant: TenantPlan;
  target: WriteTarget;
  controls: ControlPlanItem[];
  alerts: AlertPreview[];
}

function workOf(tenant: TenantPlan, target: WriteTarget, only: Set<string> | undefined): TenantWork {
  const wanted = (key: string) => !only || only.has(key);
  return {
    tenant, target: askingOnce(target),
    controls: tenant.controls.filter(c => c.status === 'change' && c.profile && wanted(`control:${c.id}`)),
    alerts: tenant.rules.flatMap(r => r.changes).filter(p => !p.unchanged && wanted(`alert:${p.alert.id}`)),
  };
}

/** A writer whose permission, once granted for an area, is not asked for again (asked before the writes, then by them). */
function askingOnce(target: WriteTarget): WriteTarget {
  const granted = new Set<ApiArea>();
  return {
    ...target,
    ensureWriteAccess: async (area, why) => {
      if (!granted.has(area)) {
        await target.ensureWriteAccess(area, why);
        granted.add(area);
      }
    },
  };
}

async function applyTenant(work: TenantWork, signal?: AbortSignal): Promise<TenantApplyResult> {
  const { tenant, target, controls } = work;
  const changes = new Map<string, ControlStateChange>(controls.map(c => [c.id, c.desired]));
  const states: Record<string, string> = {};
  let controlResults: ItemResult<SecureScoreControlProfile>[] = [];
  if (controls.length > 0) {
    await target.ensureWriteAccess('controls', WHY_CONTROLS);
    const now = target.now?.() ?? new Date();
    const ids = controls.map(c => c.id);
    target.pending?.begin('control', ids, 'posture file');
    try {
      const answers = await target.writes.patchControlProfiles(controls.map(c => ({ id: c.id, body: controlPatchBody(c.profile!, c.desired) })), signal);
      controlResults = controls.map((c): ItemResult<SecureScoreControlProfile> => {
        const answer = answers.get(c.id);
        if (!answer?.ok) {
          return { id: c.id, title: c.title, outcome: 'failed', reason: answer?.error?.message ?? 'Graph gave no answer for this improvement action.' };
        }
        // A 204 carries no profile: record the change locally as Graph would have it.
        const updated: SecureScoreControlProfile = answer.body?.id ? answer.body : {
          ...c.profile!,
          controlStateUpdates: [...(c.profile!.controlStateUpdates ?? []), {
            state: c.desired.state, comment: c.desired.comment?.trim() || null, assignedTo: c.desired.assignedTo?.trim() || null,
            updatedBy: target.user ?? null, updatedDateTime: now.toISOString(),
          }],
        };
        target.store.replaceProfile(updated);
        target.pending?.markAwaitingSync(c.id, changes.get(c.id)!.state, now);
        states[c.id] = changes.get(c.id)!.state;
        return { id: c.id, title: c.title, outcome: 'updated', updated };
      });
    } finally {
      target.pending?.end('control', ids);
    }
  }
  const alertResults: ItemResult<SecurityAlert>[] = work.alerts.length > 0 ? await updateAlerts(target, work.alerts, signal) : [];
  return { tenantId: tenant.tenantId, name: tenant.name, controls: controlResults, alerts: alertResults, states };
}

/** Every item of a tenant failed with one reason (its write permission refused, its writes refused as a whole). */
function failedTenant(work: TenantWork, reason: string): TenantApplyResult {
  return {
    tenantId: work.tenant.tenantId, name: work.tenant.name, states: {},
    controls: work.controls.map(c => ({ id: c.id, title: c.title, outcome: 'failed', reason })),
    alerts: work.alerts.map(p => ({ id: p.alert.id, title: p.alert.title, outcome: 'failed', reason })),
  };
}

/**
 * Applies a plan through each tenant's own writer. The caller has confirmed it with the user; a
 * tenant without a writer is skipped, never guessed. Write permission is asked tenant after
 * tenant before any write (sign-in prompts must not pile up), then up to `maxInFlight` tenants are
 * written side by side. With several tenants, one tenant's refusal is reported on its own items
 * and the others go on; with one, it is thrown (nothing was changed). After `stop`, no tenant is
 * started: those are returned as not attempted.
 */
export async function applyPosturePlan(plan: PosturePlan, targetFor: (tenantId: string) => WriteTarget | undefined, options: ApplyOptions = {}): Promise<PostureApplyResult> {
  const result: PostureApplyResult = { tenants: [], skipped: [], notAttempted: [] };
  const work: TenantWork[] = [];
  for (const tenant of plan.tenants) {
    if (!tenant.available) {
      result.skipped.push({ target: tenant.target, reason: tenant.reason });
      continue;
    }
    const target = targetFor(tenant.tenantId);
    if (!target) {
      result.skipped.push({ target: tenant.name, reason: 'not available: no connection to this tenant' });
      continue;
    }
    const w = workOf(tenant, target, options.only?.get(tenant.tenantId));
    if (w.controls.length + w.alerts.length > 0) {
      work.push(w);
    }
  }
  const rethrow = (raw: unknown): string => {
    const error = errorFromException(raw);
    if (error.kind === 'canceled' || work.length === 1) {
      throw raw;
    }
    return error.message;
  };
  const refused = new Map<TenantWork, string>();
  for (const w of work) {
    if (options.stop?.aborted) {
      throw new PostureError('canceled', 'Canceled.');
    }
    try {
      if (w.controls.length) {
        await w.target.ensureWriteAccess('controls', WHY_CONTROLS);
      }
      if (w.alerts.length) {
        await w.target.ensureWriteAccess('alerts', WHY_ALERTS);
      }
    } catch (raw) {
      refused.set(w, rethrow(raw));
    }
  }
  const done = new Array<TenantApplyResult | undefined>(work.length);
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < work.length && !options.stop?.aborted) {
      const i = next++;
      const reason = refused.get(work[i]);
      try {
        done[i] = reason !== undefined ? failedTenant(work[i], reason) : await applyTenant(work[i], options.signal);
      } catch (raw) {
        done[i] = failedTenant(work[i], rethrow(raw));
      }
      options.onTenantDone?.(++finished, work.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.maxInFlight ?? 1, work.length)) }, worker));
  work.forEach((w, i) => {
    const d = done[i];
    if (d) {
      result.tenants.push(d);
    } else {
      result.notAttempted.push({ tenantId: w.tenant.tenantId, name: w.tenant.name, items: w.controls.length + w.alerts.length });
    }
  });
  return result;
}

/** Every item's result, tenant-named when there are several, for the per-item report. */
export function applyResults(result: PostureApplyResult): ItemResult[] {
  const many = result.tenants.length > 1;
  return result.tenants.flatMap(t => [...t.controls, ...t.alerts].map(r => (many ? { ...r, title: `${t.name}: ${r.title}` } : r)));
}

/** Tenants named with their counts in the confirmation's message itself (every dialog shows it); more go in its detail. */
export const MESSAGE_TENANTS = 3;
/** Lines per list in the confirmation's detail; the rest are counted ("… and 4 more"). */
export const DETAIL_LINES = 15;

/** A tenant the plan reads but Apply does not write, and why (e.g. a customer whose GDAP role only reads). */
export interface LeftOut {
  name: string;
  reason: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const countsText = (c: { controls: number; alerts: number }) => `${plural(c.controls, 'improvement action')}, ${plural(c.alerts, 'alert')}`;

function bounded(lines: string[], noun: string): string[] {
  return lines.length <= DETAIL_LINES ? lines : [...lines.slice(0, DETAIL_LINES - 1), `… and ${lines.length - DETAIL_LINES + 1} more ${noun}s`];
}

/** Names shown for customers left out for the same reason; the rest are counted. */
export const NAMES_PER_REASON = 5;

/**
 * The tenants left out, one line per reason (a partner's read-only customers mostly share one):
 * "name: reason" for a reason of one, "reason 12 customers: A, B, C, D, E and 7 more" for more, so
 * the dialog stays short enough for its buttons to show on a laptop screen.
 */
function leftOutLines(left: LeftOut[], noun: string): string[] {
  const byReason = new Map<string, string[]>();
  for (const c of left) {
    const reason = safeLabel(c.reason, 200);
    byReason.set(reason, [...(byReason.get(reason) ?? []), safeLabel(c.name, 80)]);
  }
  const lines = [...byReason].map(([reason, names]) => (names.length === 1
    ? `${names[0]}: ${reason}`
    : `${reason} ${plural(names.length, noun)}: ${names.slice(0, NAMES_PER_REASON).join(', ')}${names.length > NAMES_PER_REASON ? ` and ${names.length - NAMES_PER_REASON} more` : ''}`));
  return bounded(lines, 'reason');
}

/**
 * The modal confirmation of Apply: every tenant with its counts (in the message when a few, else
 * their totals there and each one in the detail, bounded), the tenants left out because they
 * cannot be written (with why) and those not available. Graph and file strings are bounded labels.
 */
export function applyConfirmation(file: string, plan: PosturePlan, options: { noun?: 'tenant' | 'customer'; cannotWrite?: LeftOut[] } = {}): { message: string; detail: string } {
  const noun = options.noun ?? 'tenant';
  const counts = applyCounts(plan).filter(c => c.controls + c.alerts > 0);
  const lines = counts.map(c => `${safeLabel(c.name, 80)}: ${countsText(c)}`);
  const total = counts.reduce((t, c) => ({ controls: t.controls + c.controls, alerts: t.alerts + c.alerts }), { controls: 0, alerts: 0 });
  const message = counts.length <= MESSAGE_TENANTS
    ? `Apply ${safeLabel(file, 80)} to ${lines.join('; ')}?`
    : `Apply ${safeLabel(file, 80)} to ${plural(counts.length, noun)}: ${countsText(total)}?`;
  const cannot = options.cannotWrite ?? [];
  const left = plan.tenants.flatMap(t => (t.available ? [] : [safeLabel(t.target, 80)]));
  const sections = [
    counts.length > MESSAGE_TENANTS ? bounded(lines, noun).join('\n') : '',
    cannot.length ? [`Not changed, ${plural(cannot.length, noun)} that cannot be written:`, ...leftOutLines(cannot, noun)].join('\n') : '',
    left.length ? `Not available, left out: ${bounded(left, noun).join(', ')}.` : '',
    'Each change is written to Microsoft Graph now; Secure Score reflects state changes after 24–48 hours.',
  ];
  return { message, detail: sections.filter(Boolean).join('\n\n') };
}
