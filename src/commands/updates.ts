// Writes from the tree and the palette: improvement-action state, alert triage, partner alert
// status. Inputs are checked before anything is sent; rows show the change at once and return to
// the old value if Graph refuses; bulk changes show a dry run first and end with a per-item
// report; "Retry Failed" runs the failed items again with the same inputs.
import * as vscode from 'vscode';
import { PostureError } from '../graph/errors';
import type { PartnerSecurityAlert, SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { WriteApi } from '../graph/writes';
import { alertStatusName, classificationName, controlStateName, partnerAlertStatusName, safeLabel, severityName } from '../model/format';
import { applyAlertPlans, applyControlChange } from '../model/apply';
import {
  ALERT_STATUSES, alertChangeProblem, assigneeProblem, commentProblem, CONTROL_STATES, controlRefusal, currentControlState,
  describeDiffs, DETERMINATION_NAMES, DETERMINATIONS, PARTNER_ALERT_STATUSES, partnerChangeProblem, planAlertChanges,
  reportMarkdown, RESOLVED_REASON_NAMES, RESOLVED_REASONS, summarize, type AlertChange, type AlertPlan, type ControlStateChange,
  type ControlStateValue, type ItemResult,
} from '../model/updates';
import type { Row } from '../views/node';
import { registerCommand, type Services } from './command';

const REPORT_SCHEME = 'security-posture-report';

/** The rows a tree command was invoked on: the clicked one, or the whole selection when it includes it. */
function selection(node: unknown, nodes: unknown): Row[] {
  const all = Array.isArray(nodes) && nodes.length > 0 ? nodes as Row[] : node && typeof node === 'object' && 'options' in node ? [node as Row] : [];
  return all.filter(n => n?.options);
}

function writes(s: Services): WriteApi {
  if (!s.connection.tenant) {
    throw new PostureError('signIn', 'Sign in first; nothing was changed.');
  }
  return s.connection.tenant.writes;
}

function cancel(): never {
  throw new PostureError('canceled', 'Canceled.');
}

async function input(options: vscode.InputBoxOptions): Promise<string> {
  const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  return value ?? cancel();
}

/** Reports live in a read-only virtual document, so a long bulk report never floods notifications. */
class Reports implements vscode.TextDocumentContentProvider {
  private readonly documents = new Map<string, string>();
  private counter = 0;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.documents.get(uri.path) ?? '';
  }
  async show(markdown: string): Promise<void> {
    const path = `/update-report-${++this.counter}.md`;
    this.documents.set(path, markdown);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: REPORT_SCHEME, path }));
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}

/**
 * Tells the outcome; a failure keeps the inputs for "Retry" / "Retry Failed". The command does
 * not wait for the user to answer the notification.
 */
function tell(s: Services, reports: Reports, what: string, results: ItemResult[], retry: (failed: string[]) => Promise<void>): void {
  const failed = results.filter(r => r.outcome === 'failed');
  for (const r of failed) {
    s.log.warn(`${what}: "${r.title}" (${r.id}) failed: ${r.reason}`);
  }
  const runRetry = (ids: string[]) => retry(ids).catch(error => {
    s.log.error(`${what}: retry failed: ${error?.message ?? error}`);
    void vscode.window.showErrorMessage(`${what}: ${safeLabel(error?.message ?? error, 500)}`);
  });
  if (results.length === 1) {
    const [r] = results;
    if (r.outcome !== 'failed') {
      void vscode.window.setStatusBarMessage(`$(check) ${what}: "${safeLabel(r.title, 60)}" ${r.outcome}.`, 5000);
      return;
    }
    void vscode.window.showErrorMessage(`${what}: "${safeLabel(r.title, 80)}" was not changed. ${safeLabel(r.reason, 500)}`, 'Retry', 'Show Log').then(choice => {
      if (choice === 'Retry') {
        void runRetry([r.id]);
      } else if (choice === 'Show Log') {
        s.log.show(true);
      }
    });
    return;
  }
  const text = `${what}: ${summarize(results)}.`;
  const actions = failed.length ? ['Show Report', 'Retry Failed'] : ['Show Report'];
  void (failed.length ? vscode.window.showWarningMessage(text, ...actions) : vscode.window.showInformationMessage(text, ...actions)).then(choice => {
    if (choice === 'Show Report') {
      void reports.show(reportMarkdown(what, results, new Date()));
    } else if (choice === 'Retry Failed') {
      void runRetry(failed.map(r => r.id));
    }
  });
}

// ---- Improvement actions -----------------------------------------------------------------------

async function pickControls(s: Services): Promise<SecureScoreControlProfile[]> {
  const profiles = (s.store.get('profiles').data ?? []).filter(p => !p.deprecated);
  if (profiles.length === 0) {
    throw new PostureError('notFound', 'No improvement actions are loaded. Refresh the Improvement Actions view first.');
  }
  const picked = await vscode.window.showQuickPick(profiles.map(p => ({
    label: safeLabel(p.title || p.id), description: `${controlStateName(currentControlState(p))} · ${p.controlCategory}`, detail: p.id, profile: p,
  })), { title: 'Set State: choose improvement actions', canPickMany: true, matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
  return picked?.length ? picked.map(p => p.profile) : cancel();
}

async function askControlChange(profiles: SecureScoreControlProfile[], previous?: ControlStateChange): Promise<ControlStateChange> {
  const current = profiles.length === 1 ? currentControlState(profiles[0]) : undefined;
  const state = await vscode.window.showQuickPick(CONTROL_STATES.map(value => ({
    label: controlStateName(value), description: value, value,
    detail: value === current ? 'current state' : value === 'Ignored' ? 'earns no points; the action leaves the list' : value === 'Default' ? 'back to the list of actions to take' : 'earns the points without Microsoft measuring the configuration',
    picked: value === (previous?.state ?? current),
  })), { title: `Set State of ${profiles.length === 1 ? `"${safeLabel(profiles[0].title, 60)}"` : `${profiles.length} improvement actions`}`, ignoreFocusOut: true });
  if (!state) {
    cancel();
  }
  const value = state.value as ControlStateValue;
  const comment = await input({
    title: `${controlStateName(value)}: comment`,
    prompt: value === 'Default' ? 'Optional comment' : 'Why? (required; kept in the control\'s history)',
    value: previous?.comment ?? '',
    validateInput: text => commentProblem(value, text),
  });
  const assignedTo = await input({
    title: `${controlStateName(value)}: assignee`,
    prompt: 'Optional: who owns this (user principal name or e-mail); leave empty for nobody',
    value: previous?.assignedTo ?? (profiles.length === 1 ? profiles[0].controlStateUpdates?.at(-1)?.assignedTo ?? '' : ''),
    validateInput: text => assigneeProblem(text),
  });
  return { state: value, comment, assignedTo };
}

async function applyControls(s: Services, reports: Reports, profiles: SecureScoreControlProfile[], change: ControlStateChange): Promise<void> {
  const allowed = profiles.filter(p => !controlRefusal(p)).map(p => p.id);
  if (allowed.length > 0) {
    await s.connection.ensureWriteAccess('controls', 'Changing the state of improvement actions.');
  }
  s.pending.begin('control', allowed, controlStateName(change.state));
  let results: ItemResult<SecureScoreControlProfile>[];
  try {
    const now = new Date();
    results = await vscode.window.withProgress({ location: allowed.length > 1 ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title: `Setting ${allowed.length} improvement action${allowed.length === 1 ? '' : 's'} to ${controlStateName(change.state)}` },
      () => applyControlChange(writes(s), profiles, change, { now, user: s.connection.userPrincipalName }));
    for (const r of results) {
      if (r.updated) {
        s.store.replaceProfile(r.updated);
        s.pending.markAwaitingSync(r.id, change.state, now);
      }
    }
  } finally {
    s.pending.end('control', allowed);
  }
  tell(s, reports, `Set state to ${controlStateName(change.state)}`, results, async failed => {
    const again = (s.store.get('profiles').data ?? []).filter(p => failed.includes(p.id));
    await applyControls(s, reports, again, change);
  });
}

// ---- Alerts ------------------------------------------------------------------------------------

type AlertAction = 'status' | 'classify' | 'assign' | 'assignToMe' | 'comment';

function loadedAlerts(s: Services): SecurityAlert[] {
  return (s.store.get('alerts').data?.groups ?? []).flatMap(g => g.items);
}

/** Alerts a command applies to: arguments from code, the tree selection, a severity group, or a pick. */
async function alertTargets(s: Services, target: unknown, nodes: unknown, title: string): Promise<SecurityAlert[]> {
  if (Array.isArray(target) && target.every(isAlert)) {
    return target;
  }
  if (isAlert(target)) {
    return [target];
  }
  const rows = selection(target, nodes);
  const group = rows.find(r => r.options.contextValue?.startsWith('alertGroup'));
  if (group) {
    const severity = (group.options.data as { severity: string }).severity;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Loading every ${severityName(severity).toLowerCase()} alert`, cancellable: true }, async (_p, token) => {
      for (let guard = 0; guard < 200 && !token.isCancellationRequested; guard++) {
        const g = s.store.get('alerts').data?.groups.find(x => x.severity === severity);
        if (!g?.nextLink) {
          break;
        }
        await s.store.loadMoreAlerts(severity);
        if (g.error) {
          throw g.error;
        }
      }
      if (token.isCancellationRequested) {
        cancel();
      }
    });
    return s.store.get('alerts').data?.groups.find(x => x.severity === severity)?.items ?? [];
  }
  const fromRows = rows.map(r => r.options.data).filter(isAlert);
  if (fromRows.length > 0) {
    return fromRows;
  }
  const alerts = loadedAlerts(s);
  if (alerts.length === 0) {
    throw new PostureError('notFound', 'No alerts are loaded. Refresh the Alerts view first.');
  }
  const picked = await vscode.window.showQuickPick(alerts.map(a => ({
    label: safeLabel(a.title), description: `${severityName(a.severity)} · ${alertStatusName(a.status)} · ${a.assignedTo ?? 'unassigned'}`, detail: a.id, alert: a,
  })), { title: `${title}: choose alerts`, canPickMany: true, matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
  return picked?.length ? picked.map(p => p.alert) : cancel();
}

function isAlert(value: unknown): value is SecurityAlert {
  return !!value && typeof value === 'object' && typeof (value as SecurityAlert).id === 'string' && 'severity' in value && 'status' in value && 'serviceSource' in value;
}

async function askAlertChange(s: Services, action: AlertAction, alerts: SecurityAlert[], preset?: string, previous?: AlertChange): Promise<AlertChange> {
  const one = alerts.length === 1 ? alerts[0] : undefined;
  switch (action) {
    case 'status': {
      const status = preset ?? (await vscode.window.showQuickPick(ALERT_STATUSES.map(v => ({ label: alertStatusName(v), value: v, description: v === one?.status ? 'current' : undefined })), { title: 'Set Alert Status' }))?.value;
      return status ? { status } : cancel();
    }
    case 'classify': {
      const classification = await vscode.window.showQuickPick(Object.keys(DETERMINATIONS).filter(k => k !== 'unknown').map(v => ({ label: classificationName(v), value: v, description: v === one?.classification ? 'current' : undefined })), { title: 'Classify Alert (1/2): classification' });
      if (!classification) {
        cancel();
      }
      // Only the determinations that go with this classification are offered.
      const determination = await vscode.window.showQuickPick(DETERMINATIONS[classification.value].map(v => ({ label: DETERMINATION_NAMES[v] ?? v, value: v })), { title: `Classify Alert (2/2): ${classification.label} because…` });
      return determination ? { classification: classification.value, determination: determination.value, ...(previous?.status ? { status: previous.status } : {}) } : cancel();
    }
    case 'assign': {
      const assignedTo = await input({ title: 'Assign Alert', prompt: 'User principal name or e-mail of the assignee; empty to unassign', value: previous?.assignedTo ?? one?.assignedTo ?? '', validateInput: text => assigneeProblem(text) });
      return { assignedTo: assignedTo.trim() };
    }
    case 'assignToMe': {
      const me = s.connection.userPrincipalName;
      if (!me) {
        throw new PostureError('badRequest', 'App-only sign-in has no user to assign to. Use "Assign Alert…" and enter the assignee.');
      }
      return { assignedTo: me };
    }
    case 'comment': {
      const comment = await input({ title: 'Add Comment', prompt: `Comment on ${one ? `"${safeLabel(one.title, 60)}"` : `${alerts.length} alerts`} (visible to everyone who works the alert)`, value: previous?.comment ?? '', validateInput: text => (text.trim() ? undefined : 'The comment is empty.') });
      return { comment: comment.trim() };
    }
  }
}

/** Dry run for more than one alert: every alert with what changes from what to what; unpick to leave one out. */
async function preview(plans: AlertPlan[]): Promise<AlertPlan[]> {
  if (plans.length === 1) {
    return plans;
  }
  const changing = plans.filter(p => !p.unchanged).length;
  const picked = await vscode.window.showQuickPick(plans.map(p => ({
    label: safeLabel(p.alert.title), description: `${severityName(p.alert.severity)} · ${p.alert.id}`,
    detail: p.unchanged ? 'no change: already so' : describeDiffs(p.diffs), picked: !p.unchanged, plan: p,
  })), {
    title: `Preview: ${changing} of ${plans.length} alerts change — Enter applies to the checked ones`,
    canPickMany: true, ignoreFocusOut: true, matchOnDescription: true, matchOnDetail: true,
  });
  return picked ? plans.map(p => (picked.some(x => x.plan === p) ? p : { ...p, diffs: [], patch: {}, comment: undefined, unchanged: true })) : cancel();
}

async function applyAlertChange(s: Services, reports: Reports, alerts: SecurityAlert[], change: AlertChange, showPreview: boolean): Promise<void> {
  const problem = alertChangeProblem(change);
  if (problem) {
    throw new PostureError('badRequest', `Nothing was changed: ${problem}`);
  }
  let plans = planAlertChanges(alerts, change);
  if (showPreview) {
    plans = await preview(plans);
  }
  const work = plans.filter(p => !p.unchanged);
  if (work.length > 0) {
    await s.connection.ensureWriteAccess('alerts', 'Updating security alerts.');
  }
  const ids = work.map(p => p.alert.id);
  s.pending.begin('alert', ids, work.length ? describeDiffs(work[0].diffs) : '');
  let ordered: ItemResult<SecurityAlert>[];
  try {
    ordered = await vscode.window.withProgress({ location: work.length > 1 ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title: `Updating ${work.length} alert${work.length === 1 ? '' : 's'}` },
      () => applyAlertPlans(writes(s), plans));
    for (const r of ordered) {
      if (r.updated) {
        s.store.patchAlert(r.updated);
      }
    }
  } finally {
    s.pending.end('alert', ids);
  }
  if (ordered.length > 0 && ordered.every(r => r.outcome === 'unchanged') && ordered.length === 1) {
    void vscode.window.showInformationMessage(`"${safeLabel(ordered[0].title, 80)}" already has that; nothing to change.`);
    return;
  }
  tell(s, reports, 'Update alerts', ordered, async failed => {
    // As Graph has them now: a comment whose answer was lost may have landed since, and must not be sent twice.
    const fresh = await writes(s).readAlerts(failed);
    if (fresh.size < failed.length) {
      throw new PostureError('offline', `${failed.length - fresh.size} of the alerts could not be read to check what already changed, so nothing was sent. Try again.`);
    }
    await applyAlertChange(s, reports, failed.map(id => fresh.get(id)!), change, false);
  });
}

// ---- Partner security alerts -------------------------------------------------------------------

async function setPartnerAlertStatus(s: Services, alert: PartnerSecurityAlert): Promise<void> {
  const status = await vscode.window.showQuickPick(PARTNER_ALERT_STATUSES.map(v => ({ label: partnerAlertStatusName(v), value: v, description: v === alert.status ? 'current' : undefined })), { title: `Set Status of "${safeLabel(alert.displayName, 60)}"` });
  if (!status) {
    cancel();
  }
  let resolvedReason: string | undefined;
  if (status.value === 'resolved') {
    resolvedReason = (await vscode.window.showQuickPick(RESOLVED_REASONS.map(v => ({ label: RESOLVED_REASON_NAMES[v], value: v })), { title: 'Resolved because…' }))?.value ?? cancel();
  }
  const change = { status: status.value, ...(resolvedReason ? { resolvedReason } : {}) };
  const problem = partnerChangeProblem(alert, change);
  if (problem) {
    throw new PostureError('badRequest', `Nothing was changed: ${problem}`);
  }
  await s.connection.ensureWriteAccess('partner', 'Updating partner security alerts.');
  s.pending.begin('partnerAlert', [alert.id], partnerAlertStatusName(change.status));
  try {
    const result = await writes(s).patchPartnerAlert(alert.id, change);
    if (!result.ok) {
      throw new PostureError(result.error?.kind ?? 'server', `"${safeLabel(alert.displayName, 80)}" was not changed. ${result.error?.message ?? ''}`, result.error?.details);
    }
    s.store.replacePartnerAlert(result.body?.id ? result.body : { ...alert, ...change });
  } finally {
    s.pending.end('partnerAlert', [alert.id]);
  }
}

export function registerUpdateCommands(s: Services): vscode.Disposable[] {
  const reports = new Reports();
  let lastControl: ControlStateChange | undefined;
  let lastAlert: AlertChange | undefined;
  const alertCommand = (id: string, action: AlertAction, title: string) => registerCommand(s, id, async (target?: unknown, nodes?: unknown) => {
    const alerts = await alertTargets(s, target, nodes, title);
    const change = await askAlertChange(s, action, alerts, typeof nodes === 'string' ? nodes : undefined, lastAlert);
    lastAlert = change;
    await applyAlertChange(s, reports, alerts, change, alerts.length > 1);
  });
  return [
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    registerCommand(s, 'securityPosture.setControlState', async (node?: unknown, nodes?: unknown) => {
      const rows = selection(node, nodes);
      const profiles = rows.length ? rows.map(r => r.options.data as SecureScoreControlProfile).filter(p => p?.id) : await pickControls(s);
      const refusals = profiles.map(controlRefusal).filter(Boolean);
      if (refusals.length === profiles.length) {
        // Refused up front: nothing to ask when nothing can change.
        throw new PostureError('badRequest', refusals[0]!);
      }
      const change = await askControlChange(profiles, lastControl);
      lastControl = change;
      await applyControls(s, reports, profiles, change);
    }),
    alertCommand('securityPosture.setAlertStatus', 'status', 'Set Alert Status'),
    alertCommand('securityPosture.classifyAlert', 'classify', 'Classify Alert'),
    alertCommand('securityPosture.assignAlert', 'assign', 'Assign Alert'),
    alertCommand('securityPosture.assignAlertToMe', 'assignToMe', 'Assign to Me'),
    alertCommand('securityPosture.commentOnAlert', 'comment', 'Add Comment'),
    registerCommand(s, 'securityPosture.updateAlerts', async (target?: unknown, nodes?: unknown) => {
      const alerts = await alertTargets(s, target, nodes, 'Update Alerts');
      const action = await vscode.window.showQuickPick([
        { label: 'Set status…', value: 'status' as const }, { label: 'Classify…', value: 'classify' as const },
        { label: 'Assign to…', value: 'assign' as const }, { label: 'Assign to me', value: 'assignToMe' as const }, { label: 'Add comment…', value: 'comment' as const },
      ], { title: `Update ${alerts.length} alert${alerts.length === 1 ? '' : 's'}` });
      if (!action) {
        cancel();
      }
      const change = await askAlertChange(s, action.value, alerts, undefined, lastAlert);
      lastAlert = change;
      await applyAlertChange(s, reports, alerts, change, true);
    }),
    registerCommand(s, 'securityPosture.setPartnerAlertStatus', async (node?: Row) => {
      let alert = node?.options?.data as PartnerSecurityAlert | undefined;
      if (!alert) {
        const alerts = s.store.get('partnerAlerts').data ?? [];
        alert = (await vscode.window.showQuickPick(alerts.map(a => ({ label: safeLabel(a.displayName), description: partnerAlertStatusName(a.status), detail: a.id, alert: a })), { title: 'Set Partner Alert Status: choose an alert' }))?.alert ?? cancel();
      }
      await setPartnerAlertStatus(s, alert);
    }),
  ];
}
