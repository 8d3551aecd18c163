// The same views through real HTTPS and MSAL (authMethod environment, Custom cloud = emulator),
// and the rows a user sees when Graph fails: 401, 403, 206, offline.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { emulatorCall as call, faults } from '../emulatorControl';
import { api, children, find, roots } from '../trees';

describe('views through the HTTPS emulator with real MSAL', function () {
  this.timeout(60_000);

  afterEach(async () => {
    await call('POST', '/_emulator/reset');
  });

  it('shows the same tree as the sample tenant, signed in app-only from the environment', async () => {
    const a = await api();
    assert.equal(a.connection.state.kind, 'graph');
    await a.store.refresh();
    const score = find(await roots('secureScore'), 'Secure Score');
    assert.match(score.description, /^\d+(\.\d+)? \/ \d+(\.\d+)? \(\d+(\.\d+)?%\)$/);
    assert.deepEqual((await roots('controls')).map(g => g.label), ['Identity', 'Data', 'Device', 'Apps', 'Infrastructure']);
    assert.match((await roots('alerts'))[0].description, /^not resolved, last 30 days/);
    const [partner] = await roots('partner');
    assert.equal(partner.label, 'Partner security score');
    const info = await call<{ tenantId: string }>('GET', '/_emulator/info');
    assert.ok(a.store.currentTenantKey?.includes(info.tenantId), 'cached per tenant');
    const requests = await call<{ path: string; status: number }[]>('GET', '/_emulator/requests');
    assert.ok(requests.some(r => r.path.includes('/oauth2/v2.0/token') && r.status === 200), 'MSAL got a token from the emulator authority');
    assert.ok(requests.some(r => r.path.startsWith('/beta/security/partner/securityScore') && r.status === 200));
  });

  it('shows an "Access denied" row naming the permission on 403, and leaves the other views alone', async () => {
    const a = await api();
    await faults({ add: [{ path: 'alerts_v2', fault: { kind: 'status', status: 403, code: 'Forbidden', message: 'Missing application permissions: SecurityAlert.Read.All' } }] });
    await a.store.refresh();
    const rows = await roots('alerts');
    const denied = find(rows, 'Access denied');
    assert.match(denied.description, /SecurityAlert\.Read\.All/);
    assert.ok(find(await roots('secureScore'), 'Secure Score'));
  });

  it('shows a "Partial results" row with the data on 206', async () => {
    const a = await api();
    await faults({ add: [{ path: 'secureScores', fault: { kind: 'partial', warnings: ['Microsoft/WDATP/401/228'] } }] });
    await a.store.refresh(['scores']);
    const rows = await roots('secureScore');
    assert.match(find(rows, 'Partial results').description, /Microsoft\/WDATP \(HTTP 401\)/);
    assert.ok(find(rows, 'Secure Score'));
  });

  it('gets a new token after a 401 and shows a "Sign in" row only when that fails too', async () => {
    const a = await api();
    await faults({ expireTokens: true });
    await a.store.refresh(['scores']);
    assert.equal(a.store.get('scores').status, 'ready', 'one fresh token fixed it');
    await faults({ add: [{ path: 'secureScores', fault: { kind: 'status', status: 401, code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } }] });
    await a.store.refresh(['scores']);
    const rows = await roots('secureScore');
    assert.equal(rows[0].label, 'Sign in to Microsoft');
    assert.equal(rows[0].item.command?.command, 'securityPosture.signIn');
    assert.ok(find(rows, 'Secure Score'), 'the data already shown stays');
  });

  it('keeps the data, marked stale, and shows an "Offline" row when Graph cannot be reached', async () => {
    const a = await api();
    await a.store.refresh(['profiles']);
    await faults({ offlineMs: 8000 });
    await new Promise(r => setTimeout(r, 300));
    await a.store.refresh(['profiles']);
    const section = a.store.get('profiles');
    assert.equal(section.error?.kind, 'offline');
    assert.equal(section.stale, true);
    const rows = await roots('controls');
    assert.equal(rows[0].label, 'Offline');
    assert.ok(find(rows, 'Identity'));
    assert.match(a.providers.controls.staleMessage() ?? '', /Showing saved data from .* refresh failed/);
    await new Promise(r => setTimeout(r, 8000));
    await a.store.refresh(['profiles']);
    assert.equal(a.store.get('profiles').stale, false, 'recovers without a reload');
    assert.equal((await roots('controls'))[0].label, 'Identity');
  });

  it('explains an account without partner access in one row', async () => {
    const a = await api();
    await faults({ add: [{ path: '/beta/security/partner', fault: { kind: 'status', status: 403, code: 'Forbidden', message: 'Missing application permissions.' } }] });
    // With data from before, the error row sits above what was shown.
    await a.store.refresh(['partner', 'customers', 'partnerAlerts']);
    const [root] = await roots('partner');
    assert.equal((await children(root))[0].label, 'Not available for this account');
    // A tenant seen for the first time gets just the explanation.
    await a.store.forget(a.store.currentTenantKey!);
    await vscode.commands.executeCommand('securityPosture.useGraph');
    const rows = await roots('partner');
    assert.equal(rows.length, 1);
    assert.equal(rows[0].label, 'Not available for this account');
    assert.match(rows[0].description, /PartnerSecurity\.Read\.All/);
    assert.equal(a.store.get('scores').status, 'ready', 'the other views are not blocked');
  });
});
