// Palette queries, raw data, copy-as, reports and watching, in the real VS Code on the sample tenant.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SecurityAlert } from '../../../src/graph/types';
import type { TenantDataset } from '../../../src/sample/dataset';
import type { QueryResult } from '../../../src/model/alertQueries';
import { waitFor } from '../helpers';
import { api, children, find, roots, type RenderedRow } from '../trees';

async function dataset(): Promise<TenantDataset> {
  const state = (await api()).connection.state;
  assert.equal(state.kind, 'sample');
  return (state as { dataset: TenantDataset }).dataset;
}

async function queryRow(label: string): Promise<RenderedRow> {
  return find(await roots('alerts'), label);
}

async function documentText(uri: vscode.Uri): Promise<string> {
  return (await vscode.workspace.openTextDocument(uri)).getText();
}

describe('palette queries, raw data and reports (sample tenant)', function () {
  this.timeout(60_000);

  before(async () => {
    await api();
    await vscode.commands.executeCommand('workbench.view.extension.securityPosture');
  });

  it('"Query Alerts…" runs a query and shows it as a query row of the Alerts view', async () => {
    const data = await dataset();
    const text = 'severity:high,medium -status:resolved since:30d';
    const result = await vscode.commands.executeCommand<QueryResult>('securityPosture.queryAlerts', text);
    assert.equal(result.status, 'ready');
    // Not through the query parser under test: the same conditions written out. The seed gives 13.
    const since = Date.now() - 30 * 86_400_000;
    const expected = data.alerts.filter(a => (a.severity === 'high' || a.severity === 'medium') && a.status !== 'resolved' && Date.parse(a.createdDateTime) >= since);
    assert.equal(expected.length, 13);
    assert.equal(result.items.length, 13);
    const row = await queryRow(text);
    assert.equal(row.contextValue, 'alertQuery+unsaved');
    assert.match(row.description, /^13 match/);
    const alerts = await children(row);
    assert.deepEqual(alerts.map(a => a.label), expected.map(a => a.title));
    assert.ok(alerts.every(a => a.node.id.startsWith(`${row.node.id}/alert/`)), 'ids of their own, apart from the severity groups');
  });

  it('refuses invalid text before any request and makes no row', async () => {
    const before = (await roots('alerts')).length;
    const result = await vscode.commands.executeCommand('securityPosture.queryAlerts', 'sevrity:high');
    assert.equal(result, undefined);
    assert.equal((await roots('alerts')).length, before);
  });

  it('saves, renames and deletes a query row', async () => {
    await vscode.commands.executeCommand('securityPosture.queryAlerts', 'severity:high "ransom"');
    const row = await queryRow('severity:high "ransom"');
    const id = (row.node as unknown as { options: { entity: { query: QueryResult } } }).options.entity.query.id;
    await vscode.commands.executeCommand('securityPosture.saveAlertQuery', id, 'Ransomware');
    const saved = await queryRow('Ransomware');
    assert.equal(saved.contextValue, 'alertQuery+saved');
    assert.equal(saved.icon, 'star-full');
    assert.match(saved.description, /^severity:high "ransom" · \d+ match/);
    await vscode.commands.executeCommand('securityPosture.renameAlertQuery', id, 'Ransom (high)');
    await queryRow('Ransom (high)');
    await vscode.commands.executeCommand('securityPosture.deleteAlertQuery', id, true);
    assert.ok(!(await roots('alerts')).some(r => r.node.id === saved.node.id));
  });

  it('"Open JSON" shows the Graph object read-only; "Copy as…" never holds a token', async () => {
    const row = await queryRow('severity:high,medium -status:resolved since:30d');
    const [alertRow] = await children(row);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('securityPosture.openJson', alertRow.node);
    assert.equal(uri.scheme, 'security-posture-json');
    const alert = JSON.parse(await documentText(uri)) as SecurityAlert;
    assert.equal(alert.id, (alertRow.node as unknown as { options: { entity: { alert: SecurityAlert } } }).options.entity.alert.id);
    assert.equal(vscode.window.activeTextEditor?.document.languageId, 'json');
    const curl = await vscode.commands.executeCommand<string>('securityPosture.copyAs', alertRow.node, 'curl');
    assert.ok(curl.includes(`'https://graph.microsoft.com/v1.0/security/alerts_v2/${alert.id}'`));
    assert.ok(curl.includes('$GRAPH_TOKEN'));
    assert.equal(await vscode.env.clipboard.readText(), curl);
    const queryCopy = await vscode.commands.executeCommand<string>('securityPosture.copyAs', row.node, 'powershell');
    assert.match(queryCopy, /Get-MgSecurityAlertV2 -Filter '.*severity eq ''high''.*' -Top \d+/);
  });

  it('"Run Graph Query…" shows read-only JSON and loads the next page on request', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('securityPosture.runGraphQuery', '/security/alerts_v2?$top=5&$select=id,title');
    const first = JSON.parse(await documentText(uri));
    assert.equal(first.value.length, 5);
    assert.ok(first['@odata.nextLink']);
    await vscode.commands.executeCommand('securityPosture.loadNextPage', uri);
    // VS Code asks the content provider again after it signals the change.
    const second = await waitFor('the second page', async () => {
      const body = JSON.parse(await documentText(uri));
      return body.value.length === 10 && body;
    });
    assert.equal(new Set(second.value.map((a: { id: string }) => a.id)).size, 10);
    const refused = await vscode.commands.executeCommand('securityPosture.runGraphQuery', '/users');
    assert.equal(refused, undefined, 'only /security paths');
  });

  it('"Find Alert…" reveals an alert by id, also one outside the view\'s filter', async () => {
    const data = await dataset();
    const resolved = data.alerts.find(a => a.status === 'resolved')!;
    const found = await vscode.commands.executeCommand<SecurityAlert>('securityPosture.findAlert', resolved.id);
    assert.equal(found.id, resolved.id);
    assert.ok((await roots('alerts')).some(r => r.label === `id:${resolved.id}`), 'shown as a row of its own');
  });

  it('"Find Customer…" and "Find Control Profile…" reveal their rows', async () => {
    const data = await dataset();
    const customer = data.customerInsights[0].tenantId;
    const id = await vscode.commands.executeCommand<string>('securityPosture.findCustomer', customer);
    assert.ok(id.endsWith(`/partner/customer/${customer}`), id);
    const control = data.controlProfiles.find(p => !p.deprecated)!;
    const revealed = await vscode.commands.executeCommand<string>('securityPosture.findControlProfile', control.id);
    assert.ok(revealed.endsWith(`/controls/profile/${control.id}`), revealed);
  });

  it('"Export Posture Report…" writes Markdown and CSV where asked', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-report-'));
    const md = vscode.Uri.file(path.join(dir, 'report.md'));
    await vscode.commands.executeCommand('securityPosture.exportReport', 'markdown', md);
    const text = fs.readFileSync(md.fsPath, 'utf8');
    assert.match(text, /^# Security posture report: Sample tenant\n/);
    for (const heading of ['## Microsoft Secure Score', '### Trend (weekly)', '### By category', '## Top improvement actions by points available', '## Open alerts by severity', '## Partner security requirements', '## Customers without MFA']) {
      assert.ok(text.includes(`\n${heading}\n`), heading);
    }
    const csv = vscode.Uri.file(path.join(dir, 'customers.csv'));
    await vscode.commands.executeCommand('securityPosture.exportReport', 'customersCsv', csv);
    assert.equal(fs.readFileSync(csv.fsPath, 'utf8').trimEnd().split('\r\n').length, 1 + (await dataset()).customerInsights.length);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('watching: a new high-severity alert counts on the badge; triage and "What changed" commands exist', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of ['securityPosture.assignAlertToMe', 'securityPosture.setAlertStatus', 'securityPosture.showWhatChanged']) {
      assert.ok(registered.has(id), `${id} is registered for the notifications' buttons`);
    }
    const first = await vscode.commands.executeCommand<{ newHighSeverityAlerts: number }>('securityPosture.checkForChanges');
    assert.equal(first.newHighSeverityAlerts, 0, 'the first look takes what exists as seen');
    const data = await dataset();
    const template = data.alerts.find(a => a.severity === 'high')!;
    const created = new Date(Date.now() + 1000).toISOString();
    data.alerts.unshift({ ...template, id: 'watch-test-alert', title: 'Watch test alert', status: 'new', createdDateTime: created, lastUpdateDateTime: created });
    try {
      await new Promise(resolve => setTimeout(resolve, 1100));
      const second = await vscode.commands.executeCommand<{ newHighSeverityAlerts: number }>('securityPosture.checkForChanges');
      assert.equal(second.newHighSeverityAlerts, 1);
    } finally {
      // Later suites check the seed's exact counts.
      data.alerts.splice(data.alerts.findIndex(a => a.id === 'watch-test-alert'), 1);
      await vscode.commands.executeCommand('securityPosture.refreshAlerts');
    }
  });
});
