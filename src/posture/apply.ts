// Carrying out a posture plan through the model's write flow: per tenant, every control that
// changes in one batched PATCH run (each with its own state, comment and assignee; rows marked
// while in flight, Graph's copies in the store, "awaiting Microsoft sync" after), then every alert
// the rules change (the write flow's alert updates). Only what the plan lists as a change is sent,
// so applying twice writes nothing the second time. Write access is asked for by the target.
import type { SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { controlPatchBody, type ControlStateChange, type ItemResult } from '../model/updates';
import { updateAlerts, type WriteTarget } from '../model/writeFlow';
import type { PosturePlan, TenantPlan } from './plan';

export interface TenantApplyResult {
  tenantId: string;
  name: string;
  controls: ItemResult<SecureScoreControlProfile>[];
  alerts: ItemResult<SecurityAlert>[];
  /** The state each updated control was set to (the UI marks them "awaiting Microsoft sync"). */
  states: Record<string, string>;
}

export interface PostureApplyResult {
  tenants: TenantApplyResult[];
  /** Tenants the plan had no data for, or no writer: nothing was sent to them. */
  skipped: { target: string; reason: string }[];
}

export interface ApplyOptions {
  /** Only these items (`control:<id>` / `alert:<id>` per tenant id): Retry Failed. */
  only?: Map<string, Set<string>>;
  signal?: AbortSignal;
}

/** Counts for the confirmation: what applying would write, per tenant. */
export function applyCounts(plan: PosturePlan): { tenantId: string; name: string; controls: number; alerts: number }[] {
  return plan.tenants.filter((t): t is TenantPlan => t.available).map(t => ({ tenantId: t.tenantId, name: t.name, controls: t.counts.change, alerts: t.counts.alertChanges }));
}

async function applyTenant(tenant: TenantPlan, target: WriteTarget, options: ApplyOptions): Promise<TenantApplyResult> {
  const only = options.only?.get(tenant.tenantId);
  const wanted = (key: string) => !only || only.has(key);
  const controls = tenant.controls.filter(c => c.status === 'change' && c.profile && wanted(`control:${c.id}`));
  const changes = new Map<string, ControlStateChange>(controls.map(c => [c.id, c.desired]));
  const states: Record<string, string> = {};
  let controlResults: ItemResult<SecureScoreControlProfile>[] = [];
  if (controls.length > 0) {
    await target.ensureWriteAccess('controls', 'Applying a posture file sets the state of improvement actions.');
    const now = target.now?.() ?? new Date();
    const ids = controls.map(c => c.id);
    target.pending?.begin('control', ids, 'posture file');
    try {
      const answers = await target.writes.patchControlProfiles(controls.map(c => ({ id: c.id, body: controlPatchBody(c.profile!, c.desired) })), options.signal);
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
  const previews = tenant.rules.flatMap(r => r.changes).filter(p => wanted(`alert:${p.alert.id}`));
  const alertResults: ItemResult<SecurityAlert>[] = previews.length > 0 ? await updateAlerts(target, previews, options.signal) : [];
  return { tenantId: tenant.tenantId, name: tenant.name, controls: controlResults, alerts: alertResults, states };
}

/**
 * Applies a plan: tenant after tenant, through each tenant's writer. The caller has confirmed
 * it with the user; a tenant without a writer is skipped, never guessed.
 */
export async function applyPosturePlan(plan: PosturePlan, targetFor: (tenantId: string) => WriteTarget | undefined, options: ApplyOptions = {}): Promise<PostureApplyResult> {
  const result: PostureApplyResult = { tenants: [], skipped: [] };
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
    result.tenants.push(await applyTenant(tenant, target, options));
  }
  return result;
}

/** Every item's result, tenant-named when there are several, for the per-item report. */
export function applyResults(result: PostureApplyResult): ItemResult[] {
  const many = result.tenants.length > 1;
  return result.tenants.flatMap(t => [...t.controls, ...t.alerts].map(r => (many ? { ...r, title: `${t.name}: ${r.title}` } : r)));
}
