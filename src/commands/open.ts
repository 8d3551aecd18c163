// Opening links from Graph (https only) and copying values.
import * as vscode from 'vscode';
import { isHttpsUrl, isMicrosoftHost } from '../graph/clouds';
import type { SecurityAlert } from '../graph/types';
import { PostureError } from '../graph/errors';
import { safeLabel } from '../model/format';
import { registerCommand, type Services } from './command';
import { entityOf, graphObjectOf, type Row } from '../views/node';

/**
 * Opens a link that came from Graph, which anyone who can raise an alert can write: only https,
 * and it says where it goes: a Microsoft site in the status bar, any other site in a question
 * first. VS Code's own link protection still applies after that.
 */
export async function openGraphLink(url: string | null | undefined, what: string): Promise<void> {
  if (!isHttpsUrl(url)) {
    throw new PostureError('badRequest', `${what} has no https link to open${url ? ` (refused: ${safeLabel(url, 80)})` : ''}.`);
  }
  const host = new URL(url).host;
  if (isMicrosoftHost(host)) {
    vscode.window.setStatusBarMessage(`$(link-external) Opening ${host}…`, 5000);
  } else {
    const choice = await vscode.window.showWarningMessage(`${what} links to ${host}, which is not a Microsoft site. Open it?`,
      { modal: true, detail: `${safeLabel(url, 500)}\n\nThe link comes from Microsoft Graph data, which the people and tools that raise alerts can write.` }, 'Open');
    if (choice !== 'Open') {
      return;
    }
  }
  await vscode.env.openExternal(vscode.Uri.parse(url, true));
}

async function pickAlert(s: Services): Promise<SecurityAlert | undefined> {
  const alerts = (s.store.get('alerts').data?.groups ?? []).flatMap(g => g.items);
  if (alerts.length === 0) {
    throw new PostureError('notFound', 'No alerts are loaded. Refresh the Alerts view first.');
  }
  const picked = await vscode.window.showQuickPick(alerts.map(a => ({ label: safeLabel(a.title), description: safeLabel(`${a.severity} · ${a.status}`), detail: a.id, alert: a })), {
    title: 'Open Alert in Microsoft Defender Portal', matchOnDescription: true, matchOnDetail: true,
  });
  return picked?.alert;
}

export function registerOpenCommands(s: Services): vscode.Disposable[] {
  return [
    registerCommand(s, 'securityPosture.openActionUrl', async (node: Row) => {
      const entity = entityOf(node);
      await openGraphLink(entity?.kind === 'requirement' ? entity.requirement.actionUrl : entity?.kind === 'controlProfile' ? entity.profile.actionUrl : undefined, 'This item');
    }),
    registerCommand(s, 'securityPosture.openHelpUrl', async (node: Row) => {
      const entity = entityOf(node);
      await openGraphLink(entity?.kind === 'requirement' ? entity.requirement.helpUrl : undefined, 'This requirement');
    }),
    registerCommand(s, 'securityPosture.openAlertInPortal', async (node?: Row) => {
      const entity = entityOf(node);
      const alert = entity?.kind === 'alert' ? entity.alert : await pickAlert(s);
      if (alert) {
        await openGraphLink(alert.alertWebUrl, 'This alert');
      }
    }),
    registerCommand(s, 'securityPosture.openIncidentInPortal', async (node: Row) => {
      const entity = entityOf(node);
      await openGraphLink(entity?.kind === 'alert' ? entity.alert.incidentWebUrl : undefined, 'This alert');
    }),
    registerCommand(s, 'securityPosture.openPartnerAlertInPortal', async (node: Row) => {
      if (entityOf(node)?.kind === 'partnerAlert') {
        // Partner security alerts are handled in Partner Center's security alerts dashboard.
        await openGraphLink('https://partner.microsoft.com/dashboard/v2/security/alerts', 'Partner Center');
      }
    }),
    registerCommand(s, 'securityPosture.copyId', async (node: Row) => {
      const object = graphObjectOf(entityOf(node));
      const value = object?.id ?? object?.tenantId;
      if (value) {
        await vscode.env.clipboard.writeText(value);
      }
    }),
    registerCommand(s, 'securityPosture.copyValue', async (node: Row) => {
      const item = node?.item();
      const text = node?.options.copyValue ?? [item?.label, item?.description].filter(Boolean).join(': ');
      if (text) {
        await vscode.env.clipboard.writeText(String(typeof text === 'object' ? (text as vscode.TreeItemLabel).label : text));
      }
    }),
  ];
}
