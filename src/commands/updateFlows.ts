// The prompts of the write commands, through the UI port: improvement-action state, alert triage,
// partner alert status. Inputs are checked before anything is sent; bulk alert changes show a dry
// run first; every change ends with what happened, a per-item report and "Retry Failed" with the
// same inputs. The writing itself is the model's write flow. No `vscode` import: tested in Node.
import { PostureError } from '../graph/errors';
import type { PartnerSecurityAlert, SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { alertStatusName, classificationName, controlStateName, partnerAlertStatusName, safeLabel, severityName } from '../model/format';
import {
  ALERT_STATUSES, assigneeProblem, commentProblem, CONTROL_STATES, controlRefusal, currentControlState, describeDiffs,
  DETERMINATION_NAMES, DETERMINATIONS, PARTNER_ALERT_STATUSES, previewAlertChanges, reportMarkdown, RESOLVED_REASON_NAMES,
  RESOLVED_REASONS, summarize, type AlertChange, type AlertPreview, type ControlStateChange, type ItemResult,
} from '../model/updates';
import { checkAlertChange, retryAlertUpdates, setControlStates, setPartnerAlertStatus, updateAlerts, type WriteTarget } from '../model/writeFlow';
import { cancel, required, type Ui } from './ui';

export type AlertAction = 'status' | 'classify' | 'assign' | 'assignToMe' | 'comment';

/**
 * Tells the outcome; a failure keeps the inputs for "Retry" / "Retry Failed". The flow does not
 * wait for the user to answer the notification. `many` (a change across tenants) gives the summary
 * and the report grouped by tenant, even for a single item.
 */
export function tell(ui: Ui, what: string, results: ItemResult[], retry: (failed: string[]) => Promise<void>,
  many?: { summary: string; report: () => string }): void {
  const failed = results.filter(r => r.outcome === 'failed');
  for (const r of failed) {
    ui.log.warn(`${what}: "${r.title}" (${r.id}) failed: ${r.reason}`);
  }
  const runRetry = (ids: string[]) => retry(ids).catch(error => {
    if ((error as PostureError)?.kind === 'canceled') {
      return;
    }
    ui.log.error(`${what}: retry failed: ${error?.message ?? error}`);
    void ui.notify('error', `${what}: ${safeLabel(error?.message ?? error, 500)}`);
  });
  if (results.length === 1 && !many) {
    const [r] = results;
    if (r.outcome !== 'failed') {
      ui.status(`$(check) ${what}: "${safeLabel(r.title, 60)}" ${r.outcome}.`);
      return;
    }
    void ui.notify('error', `${what}: "${safeLabel(r.title, 80)}" was not changed. ${safeLabel(r.reason, 500)}`, 'Retry', 'Show Log').then(choice => {
      if (choice === 'Retry') {
        void runRetry([r.id]);
      } else if (choice === 'Show Log') {
        ui.showLog();
      }
    });
    return;
  }
  const actions = failed.length ? ['Show Report', 'Retry Failed'] : ['Show Report'];
  void ui.notify(failed.length ? 'warning' : 'info', `${what}: ${many?.summary ?? summarize(results)}.`, ...actions).then(choice => {
    if (choice === 'Show Report') {
      void ui.showReport(many ? many.report() : reportMarkdown(what, results, new Date()));
    } else if (choice === 'Retry Failed') {
      void runRetry(failed.map(r => r.id));
    }
  });
}

// ---- Improvement actions -----------------------------------------------------------------------

export async function pickControls(ui: Ui, loaded: SecureScoreControlProfile[]): Promise<SecureScoreControlProfile[]> {
  const profiles = loaded.filter(p => !p.deprecated);
  if (profiles.length === 0) {
    throw new PostureError('notFound', 'No improvement actions are loaded. Refresh the Improvement Actions view first.');
  }
  const picked = await required(ui.pickMany(profiles.map(p => ({
    label: safeLabel(p.title || p.id), description: `${controlStateName(currentControlState(p))} · ${p.controlCategory}`, detail: p.id, value: p,
  })), { title: 'Set State: choose improvement actions' }));
  return picked.length ? picked : cancel();
}

/** `customers`: the same action in that many customers, whose current states differ (none is offered as "current"). */
export async function askControlChange(ui: Ui, profiles: SecureScoreControlProfile[], previous?: ControlStateChange, customers?: number): Promise<ControlStateChange> {
  const one = profiles.length === 1 && customers === undefined ? profiles[0] : undefined;
  const current = one && currentControlState(one);
  const state = await required(ui.pick(CONTROL_STATES.map(value => ({
    label: controlStateName(value), description: value, value,
    detail: value === current ? 'current state' : value === 'Ignored' ? 'earns no points; the action leaves the list' : value === 'Default' ? 'back to the list of actions to take' : 'earns the points without Microsoft measuring the configuration',
    picked: value === (previous?.state ?? current),
  })), { title: `Set State of ${profiles.length === 1 ? `"${safeLabel(profiles[0].title, 60)}"` : `${profiles.length} improvement actions`}${customers === undefined ? '' : ` in ${customers} customer${customers === 1 ? '' : 's'}`}` }));
  const comment = await required(ui.input({
    title: `${controlStateName(state)}: comment`,
    prompt: state === 'Default' ? 'Optional comment' : 'Why? (required; kept in the control\'s history)',
    value: previous?.comment ?? '',
    validate: text => commentProblem(state, text),
  }));
  const assignedTo = await required(ui.input({
    title: `${controlStateName(state)}: assignee`,
    prompt: 'Optional: who owns this (user principal name or e-mail); leave empty for nobody',
    value: previous?.assignedTo ?? one?.controlStateUpdates?.at(-1)?.assignedTo ?? '',
    validate: text => assigneeProblem(text),
  }));
  return { state, comment, assignedTo };
}

/** Sets the state of improvement actions and tells the outcome. */
export async function runControlChange(ui: Ui, target: WriteTarget, profiles: SecureScoreControlProfile[], change: ControlStateChange,
  current: () => SecureScoreControlProfile[]): Promise<ItemResult<SecureScoreControlProfile>[]> {
  const allowed = profiles.filter(p => !controlRefusal(p)).length;
  const results = await ui.progress(`Setting ${allowed} improvement action${allowed === 1 ? '' : 's'} to ${controlStateName(change.state)}`, allowed > 1,
    signal => setControlStates(target, profiles, change, signal));
  tell(ui, `Set state to ${controlStateName(change.state)}`, results, async failed => {
    await runControlChange(ui, target, current().filter(p => failed.includes(p.id)), change, current);
  });
  return results;
}

/** The whole Set State command once its targets are known: refusal up front, prompts, write, outcome. */
export async function setControlStateFlow(ui: Ui, target: WriteTarget, profiles: SecureScoreControlProfile[], current: () => SecureScoreControlProfile[],
  previous?: ControlStateChange): Promise<ControlStateChange> {
  const refusals = profiles.map(controlRefusal).filter(Boolean);
  if (refusals.length === profiles.length) {
    // Refused up front: nothing to ask when nothing can change.
    throw new PostureError('badRequest', refusals[0]!);
  }
  const change = await askControlChange(ui, profiles, previous);
  await runControlChange(ui, target, profiles, change, current);
  return change;
}

// ---- Alerts ------------------------------------------------------------------------------------

export async function pickAlerts(ui: Ui, loaded: SecurityAlert[], title: string): Promise<SecurityAlert[]> {
  if (loaded.length === 0) {
    throw new PostureError('notFound', 'No alerts are loaded. Refresh the Alerts view first.');
  }
  const picked = await required(ui.pickMany(loaded.map(a => ({
    label: safeLabel(a.title), description: `${severityName(a.severity)} · ${alertStatusName(a.status)} · ${a.assignedTo ?? 'unassigned'}`, detail: a.id, value: a,
  })), { title: `${title}: choose alerts` }));
  return picked.length ? picked : cancel();
}

export async function askAlertAction(ui: Ui, count: number): Promise<AlertAction> {
  return required(ui.pick<AlertAction>([
    { label: 'Set status…', value: 'status' }, { label: 'Classify…', value: 'classify' },
    { label: 'Assign to…', value: 'assign' }, { label: 'Assign to me', value: 'assignToMe' }, { label: 'Add comment…', value: 'comment' },
  ], { title: `Update ${count} alert${count === 1 ? '' : 's'}` }));
}

export async function askAlertChange(ui: Ui, action: AlertAction, alerts: SecurityAlert[], context: { me?: string; preset?: string; previous?: AlertChange }): Promise<AlertChange> {
  const one = alerts.length === 1 ? alerts[0] : undefined;
  const { previous } = context;
  switch (action) {
    case 'status': {
      const status = context.preset ?? await required(ui.pick(ALERT_STATUSES.map(v => ({ label: alertStatusName(v), value: v, description: v === one?.status ? 'current' : undefined })), { title: 'Set Alert Status' }));
      return { status };
    }
    case 'classify': {
      const classification = await required(ui.pick(Object.keys(DETERMINATIONS).filter(k => k !== 'unknown').map(v => ({ label: classificationName(v), value: v, description: v === one?.classification ? 'current' : undefined })), { title: 'Classify Alert (1/2): classification' }));
      // Only the determinations that go with this classification are offered.
      const determination = await required(ui.pick(DETERMINATIONS[classification].map(v => ({ label: DETERMINATION_NAMES[v] ?? v, value: v })), { title: `Classify Alert (2/2): ${classificationName(classification)} because…` }));
      return { classification, determination, ...(previous?.status ? { status: previous.status } : {}) };
    }
    case 'assign': {
      const assignedTo = await required(ui.input({ title: 'Assign Alert', prompt: 'User principal name or e-mail of the assignee; empty to unassign', value: previous?.assignedTo ?? one?.assignedTo ?? '', validate: text => assigneeProblem(text) }));
      return { assignedTo: assignedTo.trim() };
    }
    case 'assignToMe': {
      if (!context.me) {
        throw new PostureError('badRequest', 'App-only sign-in has no user to assign to. Use "Assign Alert…" and enter the assignee.');
      }
      return { assignedTo: context.me };
    }
    case 'comment': {
      const comment = await required(ui.input({ title: 'Add Comment', prompt: `Comment on ${one ? `"${safeLabel(one.title, 60)}"` : `${alerts.length} alerts`} (visible to everyone who works the alert)`, value: previous?.comment ?? '', validate: text => (text.trim() ? undefined : 'The comment is empty.') }));
      return { comment: comment.trim() };
    }
  }
}

/** Dry run for more than one alert: every alert with what changes from what to what; uncheck to leave one out. */
export async function confirmPreview(ui: Ui, previews: AlertPreview[]): Promise<AlertPreview[]> {
  if (previews.length === 1) {
    return previews;
  }
  const changing = previews.filter(p => !p.unchanged).length;
  const picked = await required(ui.pickMany(previews.map(p => ({
    label: safeLabel(p.alert.title), description: `${severityName(p.alert.severity)} · ${p.alert.id}`,
    detail: p.unchanged ? 'no change: already so' : describeDiffs(p.diffs), picked: !p.unchanged, value: p,
  })), { title: `Preview: ${changing} of ${previews.length} alerts change — Enter applies to the checked ones` }));
  return previews.map(p => (picked.includes(p) ? p : { ...p, diffs: [], patch: {}, comment: undefined, unchanged: true }));
}

/** Checks, previews (when asked), writes and tells; "Retry Failed" reads the alerts back first. */
export async function runAlertChange(ui: Ui, target: WriteTarget, alerts: SecurityAlert[], change: AlertChange, showPreview: boolean): Promise<ItemResult<SecurityAlert>[]> {
  checkAlertChange(change);
  let previews = previewAlertChanges(alerts, change);
  if (showPreview) {
    previews = await confirmPreview(ui, previews);
  }
  const work = previews.filter(p => !p.unchanged).length;
  const results = await ui.progress(`Updating ${work} alert${work === 1 ? '' : 's'}`, work > 1, signal => updateAlerts(target, previews, signal));
  if (results.length === 1 && results[0].outcome === 'unchanged') {
    void ui.notify('info', `"${safeLabel(results[0].title, 80)}" already has that; nothing to change.`);
    return results;
  }
  const retry = async (failed: string[]): Promise<void> => {
    const again = await ui.progress(`Updating ${failed.length} alert${failed.length === 1 ? '' : 's'}`, failed.length > 1, signal => retryAlertUpdates(target, failed, change, signal));
    tell(ui, 'Update alerts', again, retry);
  };
  tell(ui, 'Update alerts', results, retry);
  return results;
}

// ---- Partner security alerts -------------------------------------------------------------------

export async function setPartnerAlertStatusFlow(ui: Ui, target: WriteTarget, alert: PartnerSecurityAlert): Promise<PartnerSecurityAlert> {
  const status = await required(ui.pick(PARTNER_ALERT_STATUSES.map(v => ({ label: partnerAlertStatusName(v), value: v, description: v === alert.status ? 'current' : undefined })), { title: `Set Status of "${safeLabel(alert.displayName, 60)}"` }));
  const resolvedReason = status === 'resolved'
    ? await required(ui.pick(RESOLVED_REASONS.map(v => ({ label: RESOLVED_REASON_NAMES[v], value: v })), { title: 'Resolved because…' }))
    : undefined;
  return setPartnerAlertStatus(target, alert, { status, ...(resolvedReason ? { resolvedReason } : {}) });
}
