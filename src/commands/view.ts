// Refreshing, grouping and filtering the views.
import * as vscode from 'vscode';
import { SECTIONS, type SectionId } from '../model/store';
import { SECTION } from '../settings';
import { idPart } from '../views/node';
import { viewSpec } from '../views/table';
import { registerCommand, type Services } from './command';

export function registerViewCommands(s: Services): vscode.Disposable[] {
  const config = () => vscode.workspace.getConfiguration(SECTION);
  const refresh = async (ids?: SectionId[]) => {
    if (!s.store.connected) {
      await s.reconnect(false);
    }
    await s.store.refresh(ids);
    // When a refresh ended and how each section came out (errors show as rows, not notifications).
    s.log.info(`Refresh done: ${(ids ?? SECTIONS).map(id => `${id} ${s.store.get(id).status}`).join(', ')}.`);
  };
  return [
    registerCommand(s, 'securityPosture.refresh', () => refresh()),
    registerCommand(s, 'securityPosture.refreshSecureScore', () => refresh(viewSpec('secureScore').sections)),
    registerCommand(s, 'securityPosture.refreshControls', () => refresh(viewSpec('controls').sections)),
    registerCommand(s, 'securityPosture.refreshAlerts', () => refresh(viewSpec('alerts').sections)),
    registerCommand(s, 'securityPosture.refreshPartner', () => refresh(viewSpec('partner').sections)),
    registerCommand(s, 'securityPosture.loadMore', (severity: string) => s.store.loadMoreAlerts(severity)),
    registerCommand(s, 'securityPosture.groupControlsBy', async () => {
      const current = s.settings().groupBy;
      const items = [
        { label: 'Category', value: 'category', description: 'Identity, Data, Device, Apps, Infrastructure' },
        { label: 'Service', value: 'service', description: 'the product that owns the control' },
        { label: 'State', value: 'state', description: 'To address, Risk accepted, third party, alternate mitigation' },
      ].map(i => ({ ...i, picked: i.value === current, detail: i.value === current ? 'current' : undefined }));
      const picked = await vscode.window.showQuickPick(items, { title: 'Group Improvement Actions By' });
      if (picked && picked.value !== current) {
        await config().update('controls.groupBy', picked.value, vscode.ConfigurationTarget.Global);
      }
    }),
    registerCommand(s, 'securityPosture.showDeprecatedControls', () => config().update('controls.showDeprecated', true, vscode.ConfigurationTarget.Global)),
    registerCommand(s, 'securityPosture.hideDeprecatedControls', () => config().update('controls.showDeprecated', false, vscode.ConfigurationTarget.Global)),
    registerCommand(s, 'securityPosture.setAlertFilter', async () => {
      const current = s.settings();
      const statuses = await vscode.window.showQuickPick(
        [{ label: 'New', value: 'new' }, { label: 'In progress', value: 'inProgress' }, { label: 'Resolved', value: 'resolved' }]
          .map(i => ({ ...i, picked: current.alertStatuses.includes(i.value) })),
        { title: 'Filter Alerts (1/2): statuses to show', canPickMany: true, placeHolder: 'None selected = every status' });
      if (!statuses) {
        return;
      }
      const days = await vscode.window.showQuickPick(
        [1, 7, 30, 90, 180, 365].map(d => ({ label: `Last ${d} day${d === 1 ? '' : 's'}`, value: d, picked: d === current.alertDays, description: d === current.alertDays ? 'current' : undefined })),
        { title: 'Filter Alerts (2/2): created in' });
      if (!days) {
        return;
      }
      await config().update('alerts.statusFilter', statuses.map(i => i.value), vscode.ConfigurationTarget.Global);
      await config().update('alerts.days', days.value, vscode.ConfigurationTarget.Global);
    }),
    registerCommand(s, 'securityPosture.revealCategory', async (category: string) => {
      const { view, provider } = s.views.controls;
      const roots = await provider.getChildren();
      const group = roots.find(n => n.id.endsWith(`/group/category/${idPart(category)}`));
      if (group) {
        await view.reveal(group, { expand: true, focus: true, select: true });
      } else {
        await vscode.commands.executeCommand('securityPosture.controls.focus');
      }
    }),
    registerCommand(s, 'securityPosture.openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${s.context.extension.id}`)),
    registerCommand(s, 'securityPosture.showLog', () => s.log.show()),
  ];
}
