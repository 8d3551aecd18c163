// The write flow: everything a change goes through after the user (or a posture file, or a chat
// tool) has said what to change. Asks for write access once, shows the change on its rows while in
// flight, sends it in batches, puts Graph's copies in the store, marks control changes as awaiting
// Microsoft's sync, reads alerts back before a retry after an ambiguous failure, and returns the
// per-item report. No `vscode` import: a command, a cross-tenant action and a headless tool call it
// alike; prompts stay with the caller.
import { PostureError, type ApiArea } from '../graph/errors';
import type { PartnerSecurityAlert, SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import type { WriteApi } from '../graph/writes';
import { applyAlertPreviews, applyControlChange } from './apply';
import { partnerAlertStatusName, safeLabel } from './format';
import type { PendingKind } from './pending';
import type { StoreView } from './store';
import {
  alertChangeProblem, controlRefusal, describeDiffs, partnerChangeProblem, previewAlertChanges,
  type AlertChange, type AlertPreview, type ControlStateChange, type ItemResult, type PartnerAlertChange,
} from './updates';

/** The marks rows show while a write is in flight and until Microsoft reflects it. */
export interface PendingMarks {
  begin(kind: PendingKind, ids: string[], value: string): void;
  end(kind: PendingKind, ids: string[]): void;
  markAwaitingSync(controlId: string, state: string, when: Date): void;
}

/** One tenant's side of a write: where it goes, where its results land. */
export interface WriteTarget {
  writes: WriteApi;
  store: Pick<StoreView, 'patchAlert' | 'replaceProfile' | 'replacePartnerAlert'>;
  pending?: PendingMarks;
  /** The signed-in user, recorded as the author of a change Graph answered with 204. */
  user?: string;
  /** Asks for the write permission the first time it is needed; throws if refused. */
  ensureWriteAccess(area: ApiArea, why: string): Promise<void>;
  now?: () => Date;
}

const NO_MARKS: PendingMarks = { begin: () => undefined, end: () => undefined, markAwaitingSync: () => undefined };

async function marked<T>(target: WriteTarget, kind: PendingKind, ids: string[], value: string, run: () => Promise<T>): Promise<T> {
  const pending = target.pending ?? NO_MARKS;
  pending.begin(kind, ids, value);
  try {
    return await run();
  } finally {
    pending.end(kind, ids);
  }
}

/** Sets improvement-action states; `scid_` controls are reported failed without being sent. */
export async function setControlStates(target: WriteTarget, profiles: SecureScoreControlProfile[], change: ControlStateChange, signal?: AbortSignal): Promise<ItemResult<SecureScoreControlProfile>[]> {
  const allowed = profiles.filter(p => !controlRefusal(p)).map(p => p.id);
  if (allowed.length > 0) {
    await target.ensureWriteAccess('controls', 'Changing the state of improvement actions.');
  }
  const now = target.now?.() ?? new Date();
  return marked(target, 'control', allowed, change.state, async () => {
    const results = await applyControlChange(target.writes, profiles, change, { now, user: target.user }, signal);
    for (const r of results) {
      if (r.updated) {
        target.store.replaceProfile(r.updated);
        (target.pending ?? NO_MARKS).markAwaitingSync(r.id, change.state, now);
      }
    }
    return results;
  });
}

/** Checks a change to alerts before anything is sent; throws with the reason. */
export function checkAlertChange(change: AlertChange): void {
  const problem = alertChangeProblem(change);
  if (problem) {
    throw new PostureError('badRequest', `Nothing was changed: ${problem}`);
  }
}

/** Carries out previewed alert changes (the unchanged ones are reported as such). */
export async function updateAlerts(target: WriteTarget, previews: AlertPreview[], signal?: AbortSignal): Promise<ItemResult<SecurityAlert>[]> {
  const work = previews.filter(p => !p.unchanged);
  if (work.length > 0) {
    await target.ensureWriteAccess('alerts', 'Updating security alerts.');
  }
  return marked(target, 'alert', work.map(p => p.alert.id), work.length ? describeDiffs(work[0].diffs) : '', async () => {
    const results = await applyAlertPreviews(target.writes, previews, signal);
    for (const r of results) {
      if (r.updated) {
        target.store.patchAlert(r.updated);
      }
    }
    return results;
  });
}

/**
 * Runs a change again for alerts that failed, as Graph has them now: a comment whose answer was
 * lost may have landed meanwhile and must not be sent twice. Nothing is sent if they cannot be read.
 */
export async function retryAlertUpdates(target: WriteTarget, failedIds: string[], change: AlertChange, signal?: AbortSignal): Promise<ItemResult<SecurityAlert>[]> {
  checkAlertChange(change);
  const fresh = await target.writes.readAlerts(failedIds, signal);
  if (fresh.size < failedIds.length) {
    throw new PostureError('offline', `${failedIds.length - fresh.size} of the alerts could not be read to check what already changed, so nothing was sent. Try again.`);
  }
  return updateAlerts(target, previewAlertChanges(failedIds.map(id => fresh.get(id)!), change), signal);
}

/** Sets a partner security alert's status; throws with Graph's reason when refused. */
export async function setPartnerAlertStatus(target: WriteTarget, alert: PartnerSecurityAlert, change: PartnerAlertChange, signal?: AbortSignal): Promise<PartnerSecurityAlert> {
  const problem = partnerChangeProblem(alert, change);
  if (problem) {
    throw new PostureError('badRequest', `Nothing was changed: ${problem}`);
  }
  await target.ensureWriteAccess('partner', 'Updating partner security alerts.');
  return marked(target, 'partnerAlert', [alert.id], partnerAlertStatusName(change.status), async () => {
    const result = await target.writes.patchPartnerAlert(alert.id, change, signal);
    if (!result.ok) {
      throw new PostureError(result.error?.kind ?? 'server', `"${safeLabel(alert.displayName, 80)}" was not changed. ${result.error?.message ?? ''}`, result.error?.details);
    }
    const updated = result.body?.id ? result.body : { ...alert, ...change };
    target.store.replacePartnerAlert(updated);
    return updated;
  });
}
