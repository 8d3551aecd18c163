// Palette queries and raw requests through real HTTPS and MSAL (app-only sign-in, Custom cloud = emulator).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { QueryResult } from '../../../src/model/alertQueries';
import { emulatorCall, emulatorUrl } from '../emulatorControl';
import { waitFor } from '../helpers';
import { api, find, roots } from '../trees';

const get = <T>(path: string) => emulatorCall<T>('GET', path);

describe('palette queries through the HTTPS emulator', function () {
  this.timeout(60_000);

  before(async () => {
    await (await api()).store.refresh(['alerts']);
  });

  it('sends the compiled $filter to Graph and filters the rest locally', async () => {
    const text = 'severity:high,medium since:90d -status:resolved';
    const result = await vscode.commands.executeCommand<QueryResult>('securityPosture.queryAlerts', text);
    assert.equal(result.status, 'ready', result.error?.message);
    assert.ok(result.items.length > 0);
    assert.ok(result.items.every(a => ['high', 'medium'].includes(a.severity) && a.status !== 'resolved'));
    const requests = await get<{ path: string; status: number }[]>('/_emulator/requests');
    const sent = requests.map(r => decodeURIComponent(r.path)).find(p => p.includes("(severity eq 'high' or severity eq 'medium')"));
    assert.match(sent ?? '', /\$filter=\(severity eq 'high' or severity eq 'medium'\) and createdDateTime ge \d{4}-\d\d-\d\dT[\d:]+Z$/, `filter sent: ${sent}`);
    assert.ok(!sent?.includes('resolved'), 'the negation is filtered here, not sent');
    find(await roots('alerts'), text);
  });

  it('refuses assigned:me for an app-only sign-in, before any request', async () => {
    const before = (await get<unknown[]>('/_emulator/requests')).length;
    assert.equal(await vscode.commands.executeCommand('securityPosture.queryAlerts', 'assigned:me'), undefined);
    assert.equal((await get<unknown[]>('/_emulator/requests')).length, before);
  });

  it('runs a Graph query against the emulator and follows its next link on request', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('securityPosture.runGraphQuery', '/security/secureScores?$top=2');
    const first = JSON.parse((await vscode.workspace.openTextDocument(uri)).getText());
    assert.equal(first.value.length, 2);
    assert.ok(String(first['@odata.nextLink']).startsWith(emulatorUrl));
    await vscode.commands.executeCommand('securityPosture.loadNextPage', uri);
    await waitFor('the next page', async () => JSON.parse((await vscode.workspace.openTextDocument(uri)).getText()).value.length === 4);
    const copy = await vscode.commands.executeCommand<string>('securityPosture.copyAs', { options: { contextValue: 'alertQuery+unsaved', entity: { kind: 'alertQuery', query: { text: 'x', odata: "severity eq 'high'", local: [] } } } }, 'curl');
    assert.ok(copy.includes(`'${emulatorUrl}/v1.0/security/alerts_v2?`), 'the custom cloud\'s Graph');
    assert.ok(!/eyJ[\w-]+\./.test(copy), 'no token');
  });
});
