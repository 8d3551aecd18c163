// Watching for changes while a Security Posture view is visible: the activity-bar badge (the
// Alerts view's badge) counts new high-severity alerts, one notification announces them with
// "Open", "Assign to Me" and "Resolve", one announces a Secure Score drop with "What Changed".
import * as vscode from 'vscode';
import type { SecurityAlert } from '../graph/types';
import { dateTime, day, percent, points, safeLabel, serviceSourceName } from '../model/format';
import { graphWatchSource, PostureWatch, type ScoreDrop, type WatchMemory } from '../model/watch';
import { SECTION } from '../settings';
import { registerCommand, type Services } from './command';

const MEMORY_PREFIX = 'securityPosture.watch/';

async function registered(id: string): Promise<boolean> {
  return (await vscode.commands.getCommands(true)).includes(id);
}

export function registerWatch(s: Services): vscode.Disposable[] {
  const alertsView = s.views.alerts.view;
  const memoryKey = () => (s.store.currentTenantKey ? `${MEMORY_PREFIX}${s.store.currentTenantKey}/v1` : undefined);

  const announceAlerts = async (alerts: SecurityAlert[], count: number, since: string) => {
    // Bring the Alerts view up to date, so the new alerts are there when the user looks.
    void s.store.refresh(['alerts']);
    const one = alerts.length === 1 ? alerts[0] : undefined;
    const text = one
      ? `New high-severity alert: ${safeLabel(one.title || '(untitled alert)', 120)} (${serviceSourceName(one.serviceSource)}).`
      : `${count} new high-severity alerts since ${dateTime(since)}.`;
    // Triage needs the write commands; offer them only where they exist.
    const actions = ['Open', ...(await registered('securityPosture.assignAlertToMe') ? ['Assign to Me'] : []), ...(await registered('securityPosture.setAlertStatus') ? ['Resolve'] : [])];
    const choice = await vscode.window.showWarningMessage(text, ...actions);
    if (!choice) {
      return;
    }
    watch.markSeen();
    if (choice === 'Open') {
      await vscode.commands.executeCommand('securityPosture.queryAlerts', `severity:high created:>${since}`);
    } else if (choice === 'Assign to Me') {
      await vscode.commands.executeCommand('securityPosture.assignAlertToMe', alerts);
    } else {
      await vscode.commands.executeCommand('securityPosture.setAlertStatus', alerts, 'resolved');
    }
  };

  const announceDrop = async (drop: ScoreDrop) => {
    void s.store.refresh(['scores', 'profiles']);
    const choice = await vscode.window.showWarningMessage(
      `Secure Score dropped by ${points(drop.points)} points (${percent(drop.percent)}): ${points(drop.to.current)} of ${points(drop.to.max)} on ${day(drop.to.date)}, was ${points(drop.from.current)} on ${day(drop.from.date)}.`,
      'What Changed');
    if (choice) {
      await vscode.commands.executeCommand(await registered('securityPosture.showWhatChanged') ? 'securityPosture.showWhatChanged' : 'securityPosture.secureScore.focus');
    }
  };

  const watch = new PostureWatch({
    source: () => (s.connection.tenant ? graphWatchSource(s.connection.tenant.security) : undefined),
    load: () => {
      const key = memoryKey();
      return (key && s.context.globalState.get<WatchMemory>(key)) || {};
    },
    save: memory => {
      const key = memoryKey();
      if (key) {
        void Promise.resolve(s.context.globalState.update(key, memory)).catch(() => undefined);
      }
    },
    settings: () => {
      const settings = s.settings();
      return { intervalMinutes: settings.watchIntervalMinutes, scoreDropThreshold: settings.scoreDropThreshold, scoreDropUnit: settings.scoreDropUnit };
    },
    ui: {
      badge: count => {
        alertsView.badge = count > 0 ? { value: count, tooltip: `${count} new high-severity alert${count === 1 ? '' : 's'}` } : undefined;
      },
      alerts: announceAlerts,
      scoreDrop: announceDrop,
    },
    log: message => s.log.warn(message),
  });

  const update = () => watch.setActive(s.scheduler.visible && s.settings().watchIntervalMinutes > 0);
  // Settings and the connection are re-read by the composition root's own listeners: look after them.
  const later = (f: () => void) => () => void setImmediate(f);
  const restart = later(() => {
    watch.restart();
    update();
  });
  let tenant = s.store.currentTenantKey;
  update();
  return [
    { dispose: () => watch.dispose() },
    s.scheduler.onDidChange(update),
    s.store.onDidChange(() => {
      if (s.store.currentTenantKey !== tenant) {
        tenant = s.store.currentTenantKey;
        restart();
      }
    }),
    vscode.workspace.onDidChangeConfiguration(event => {
      if (event.affectsConfiguration(`${SECTION}.watch`)) {
        restart();
      }
    }),
    // Selecting an alert is looking at the alerts.
    alertsView.onDidChangeSelection(event => {
      if (event.selection.length > 0) {
        watch.markSeen();
      }
    }),
    registerCommand(s, 'securityPosture.checkForChanges', async () => {
      await watch.poll();
      const badge = alertsView.badge?.value ?? 0;
      return { newHighSeverityAlerts: badge };
    }),
  ];
}
