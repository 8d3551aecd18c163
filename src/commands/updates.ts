// Write commands from the tree and the palette: improvement-action state, alert triage, partner
// alert status. This file finds what a command applies to (the clicked row, the selection, a
// severity group, or a pick); the prompts are in updateFlows.ts and the writing in the model's
// write flow.
import * as vscode from 'vscode';
import { PostureError } from '../graph/errors';
import type { PartnerSecurityAlert, SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { partnerAlertStatusName, safeLabel, severityName } from '../model/format';
import type { AlertChange, ControlStateChange } from '../model/updates';
import type { WriteTarget } from '../model/writeFlow';
import { entityOf, type Row } from '../views/node';
import { registerCommand, type Services } from './command';
import { cancel, required, type Ui } from './ui';
import {
  askAlertAction, askAlertChange, pickAlerts, pickControls, runAlertChange, setControlStateFlow, setPartnerAlertStatusFlow, type AlertAction,
} from './updateFlows';
import { vscodeUi } from './vscodeUi';

/** The rows a tree command was invoked on: the clicked one, or the whole selection when it includes it. */
function selection(node: unknown, nodes: unknown): Row[] {
  const all = Array.isArray(nodes) && nodes.length > 0 ? nodes as Row[] : node && typeof node === 'object' && 'options' in node ? [node as Row] : [];
  return all.filter(n => n?.options);
}

/** The current tenant as the write flow sees it. */
export function writeTarget(s: Services): WriteTarget {
  const tenant = s.connection.tenant;
  if (!tenant) {
    throw new PostureError('signIn', 'Sign in first; nothing was changed.');
  }
  return { writes: tenant.writes, store: tenant.store, pending: s.pending, user: tenant.user, ensureWriteAccess: (area, why) => s.connection.ensureWriteAccess(area, why) };
}

function loadedAlerts(s: Services): SecurityAlert[] {
  return (s.store.get('alerts').data?.groups ?? []).flatMap(g => g.items);
}

/** Alerts a command applies to: arguments from code, the tree selection, a severity group, or a pick. */
async function alertTargets(s: Services, ui: Ui, target: unknown, nodes: unknown, title: string): Promise<SecurityAlert[]> {
  if (Array.isArray(target) && target.every(isAlert)) {
    return target;
  }
  if (isAlert(target)) {
    return [target];
  }
  const rows = selection(target, nodes);
  const group = rows.map(entityOf).find(e => e?.kind === 'alertGroup');
  if (group?.kind === 'alertGroup') {
    return loadWholeGroup(s, group.severity);
  }
  const fromRows = rows.map(entityOf).flatMap(e => (e?.kind === 'alert' ? [e.alert] : []));
  return fromRows.length > 0 ? fromRows : pickAlerts(ui, loadedAlerts(s), title);
}

/** Every alert of a severity group, loading the pages not yet loaded (cancellable). */
async function loadWholeGroup(s: Services, severity: string): Promise<SecurityAlert[]> {
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

function isAlert(value: unknown): value is SecurityAlert {
  return !!value && typeof value === 'object' && typeof (value as SecurityAlert).id === 'string' && 'severity' in value && 'status' in value && 'serviceSource' in value;
}

export function registerUpdateCommands(s: Services): vscode.Disposable[] {
  const { ui, registration } = vscodeUi(s.log);
  let lastControl: ControlStateChange | undefined;
  let lastAlert: AlertChange | undefined;
  const profiles = () => s.store.get('profiles').data ?? [];
  const alertCommand = (id: string, action: AlertAction, title: string) => registerCommand(s, id, async (target?: unknown, nodes?: unknown) => {
    const alerts = await alertTargets(s, ui, target, nodes, title);
    const change = await askAlertChange(ui, action, alerts, { me: s.connection.userPrincipalName, preset: typeof nodes === 'string' ? nodes : undefined, previous: lastAlert });
    lastAlert = change;
    await runAlertChange(ui, writeTarget(s), alerts, change, alerts.length > 1);
  });
  return [
    registration,
    registerCommand(s, 'securityPosture.setControlState', async (node?: unknown, nodes?: unknown) => {
      const rows = selection(node, nodes);
      const chosen: SecureScoreControlProfile[] = rows.length
        ? rows.map(entityOf).flatMap(e => (e?.kind === 'controlProfile' ? [e.profile] : []))
        : await pickControls(ui, profiles());
      if (chosen.length === 0) {
        cancel();
      }
      lastControl = await setControlStateFlow(ui, writeTarget(s), chosen, profiles, lastControl);
    }),
    alertCommand('securityPosture.setAlertStatus', 'status', 'Set Alert Status'),
    alertCommand('securityPosture.classifyAlert', 'classify', 'Classify Alert'),
    alertCommand('securityPosture.assignAlert', 'assign', 'Assign Alert'),
    alertCommand('securityPosture.assignAlertToMe', 'assignToMe', 'Assign to Me'),
    alertCommand('securityPosture.commentOnAlert', 'comment', 'Add Comment'),
    registerCommand(s, 'securityPosture.updateAlerts', async (target?: unknown, nodes?: unknown) => {
      const alerts = await alertTargets(s, ui, target, nodes, 'Update Alerts');
      const action = await askAlertAction(ui, alerts.length);
      const change = await askAlertChange(ui, action, alerts, { me: s.connection.userPrincipalName, previous: lastAlert });
      lastAlert = change;
      await runAlertChange(ui, writeTarget(s), alerts, change, true);
    }),
    registerCommand(s, 'securityPosture.setPartnerAlertStatus', async (node?: Row) => {
      const entity = entityOf(node);
      const alert: PartnerSecurityAlert = entity?.kind === 'partnerAlert' ? entity.alert : await required(ui.pick((s.store.get('partnerAlerts').data ?? []).map(a => ({
        label: safeLabel(a.displayName), description: partnerAlertStatusName(a.status), detail: a.id, value: a,
      })), { title: 'Set Partner Alert Status: choose an alert' }));
      await setPartnerAlertStatusFlow(ui, writeTarget(s), alert);
    }),
  ];
}
