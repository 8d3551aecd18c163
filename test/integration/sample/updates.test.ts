// Writes in the real extension on the sample tenant: commands with arguments (as the palette,
// the tree and notifications call them), rows updated in place, refusals with reasons.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SecurityAlert } from '../../../src/graph/types';
import { alertNodeId } from '../../../src/views/alertsView';
import { api, children, find, roots } from '../trees';

describe('updates on the sample tenant', function () {
  this.timeout(60_000);

  async function openHighAlerts(): Promise<SecurityAlert[]> {
    const a = await api();
    return a.store.get('alerts').data!.groups.find(g => g.severity === 'high')!.items;
  }

  it('sets an alert\'s status and assignee from a command, and the row shows it at once', async () => {
    const a = await api();
    const [alert] = await openHighAlerts();
    await vscode.commands.executeCommand('securityPosture.setAlertStatus', alert, 'inProgress');
    await vscode.commands.executeCommand('securityPosture.assignAlertToMe', alert);
    const state = a.connection.state as { dataset: { alerts: SecurityAlert[]; signedInUser: string } };
    const stored = state.dataset.alerts.find(x => x.id === alert.id)!;
    assert.equal(stored.status, 'inProgress', 'the sample tenant has the change');
    assert.equal(stored.assignedTo, state.dataset.signedInUser);
    const group = find(await roots('alerts'), /^High \(/);
    const rowItem = (await children(group)).find(r => r.node.id.endsWith(alertNodeId({ idPrefix: () => a.store.currentTenantKey! } as never, alert)))!;
    assert.match(rowItem.description, new RegExp(`In progress · .* · → ${state.dataset.signedInUser.replace(/\./g, '\\.')}`));
    assert.match(rowItem.contextValue, /\+status-inProgress\+assigned/);
  });

  it('refuses a Defender scid_ control up front, with the reason', async () => {
    const a = await api();
    const scid = a.store.get('profiles').data!.find(p => p.id.startsWith('scid_'))!;
    const group = find(await roots('controls'), 'Device');
    const row = (await children(group)).find(r => r.node.id.endsWith(`/profile/${scid.id}`))!;
    assert.match(row.contextValue, /\+readonly/);
    const before = JSON.stringify(scid.controlStateUpdates);
    await vscode.commands.executeCommand('securityPosture.setControlState', row.node);
    assert.equal(JSON.stringify(a.store.get('profiles').data!.find(p => p.id === scid.id)!.controlStateUpdates), before, 'nothing changed');
  });

  it('sets a partner alert to investigating and shows the new activity log entry', async () => {
    const a = await api();
    const alert = a.store.get('partnerAlerts').data!.find(x => x.status === 'active')!;
    const state = a.connection.state as { dataset: { partnerAlerts: typeof alert[] } };
    // The quick picks are the UI's part (tested in e2e); here the write path: Graph, store, row.
    const graph = a.connection.tenant!.graph;
    const { WriteApi } = await import('../../../src/graph/writes');
    const result = await new WriteApi(graph).patchPartnerAlert(alert.id, { status: 'investigating' });
    assert.equal(result.ok, true);
    a.store.replacePartnerAlert(result.body!);
    assert.equal(state.dataset.partnerAlerts.find(x => x.id === alert.id)!.status, 'investigating');
    const [root] = await roots('partner');
    const alertsRow = find(await children(root), 'Partner alerts');
    const investigating = find(await children(alertsRow), /^Investigating \(/);
    const rowItem = (await children(investigating)).find(r => r.node.id.endsWith(`/alert/${alert.id}`))!;
    const log = await children(rowItem);
    assert.equal(log[0].label, 'Active → Investigating');
  });
});
