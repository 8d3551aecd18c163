// Carrying out checked changes and turning Graph's answers into a per-item report. No `vscode`
// import: the command layer adds the prompts, progress and row updates around it.
import type { WriteApi } from '../graph/writes';
import type { SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { controlPatchBody, controlRefusal, hasComment, type AlertPreview, type ControlStateChange, type ItemResult } from './updates';

/**
 * PATCHes the alerts that change, then adds the comment where the PATCH worked (or none was
 * needed) and the alert does not carry it yet. Unchanged previews are reported as such.
 */
export async function applyAlertPreviews(api: Pick<WriteApi, 'patchAlerts' | 'addComments'>, previews: AlertPreview[], signal?: AbortSignal): Promise<ItemResult<SecurityAlert>[]> {
  const work = previews.filter(p => !p.unchanged);
  const patched = await api.patchAlerts(work.filter(p => Object.keys(p.patch).length > 0).map(p => ({ id: p.alert.id, patch: p.patch })), signal);
  const current = new Map(work.map(p => [p.alert.id, patched.get(p.alert.id)?.body ?? p.alert]));
  const comments = work.filter(p => p.comment && (patched.get(p.alert.id)?.ok ?? true) && !hasComment(current.get(p.alert.id)!, p.comment));
  const commented = comments.length > 0 ? await api.addComments(comments.map(p => ({ id: p.alert.id, comment: p.comment! })), signal) : new Map();
  return previews.map((preview): ItemResult<SecurityAlert> => {
    const id = preview.alert.id;
    const title = preview.alert.title;
    if (preview.unchanged) {
      return { id, title, outcome: 'unchanged' };
    }
    const patch = patched.get(id);
    const comment = commented.get(id);
    const alert: SecurityAlert = { ...current.get(id)!, ...(comment?.ok && comment.body ? { comments: comment.body } : {}) };
    if (patch && !patch.ok) {
      return { id, title, outcome: 'failed', reason: patch.error?.message };
    }
    if (comment && !comment.ok) {
      return { id, title, outcome: 'failed', reason: `${patch ? 'Updated, but the comment failed: ' : ''}${comment.error?.message ?? ''}`, updated: patch ? alert : undefined };
    }
    return { id, title, outcome: 'updated', updated: alert };
  });
}

/**
 * Sets the state of improvement actions. Defender `scid_` controls are refused before anything
 * is sent. A 204 answer (no representation) is recorded locally as Graph would have it.
 */
export async function applyControlChange(api: Pick<WriteApi, 'patchControlProfiles'>, profiles: SecureScoreControlProfile[], change: ControlStateChange,
  context: { now: Date; user?: string }, signal?: AbortSignal): Promise<ItemResult<SecureScoreControlProfile>[]> {
  const allowed = profiles.filter(p => !controlRefusal(p));
  const answers = allowed.length > 0 ? await api.patchControlProfiles(allowed.map(p => ({ id: p.id, body: controlPatchBody(p, change) })), signal) : new Map();
  return profiles.map((profile): ItemResult<SecureScoreControlProfile> => {
    const title = profile.title || profile.id;
    const refusal = controlRefusal(profile);
    if (refusal) {
      return { id: profile.id, title, outcome: 'failed', reason: refusal };
    }
    const answer = answers.get(profile.id)!;
    if (!answer.ok) {
      return { id: profile.id, title, outcome: 'failed', reason: answer.error?.message };
    }
    const updated: SecureScoreControlProfile = answer.body?.id ? answer.body : {
      ...profile,
      controlStateUpdates: [...(profile.controlStateUpdates ?? []), {
        state: change.state, comment: change.comment?.trim() || null, assignedTo: change.assignedTo?.trim() || null,
        updatedBy: context.user ?? null, updatedDateTime: context.now.toISOString(),
      }],
    };
    return { id: profile.id, title, outcome: 'updated', updated };
  });
}
