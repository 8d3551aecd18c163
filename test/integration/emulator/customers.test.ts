// The Customers view on the HTTPS emulator, signed in as the partner's user (one device code: GDAP
// decides what each customer allows), with real MSAL redeeming that user's refresh token at each
// customer's authority for a token of that tenant (no code of its own): a reason
// row for every case, opening a customer and back, Cancel mid-refresh proven on the emulator's
// request log, and every customer request carrying a token of that customer's own tenant.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ConnectionState } from '../../../src/connection';
import { emulatorUrl, faults, requestLog, type LoggedRequest } from '../emulatorControl';
import { waitFor } from '../helpers';
import { api, render, roots } from '../trees';

function config() {
  return vscode.workspace.getConfiguration('securityPosture');
}

function customerRowsText(rows: { label: string; description: string }[], name: string): string {
  return rows.find(r => r.label === name)?.description ?? '';
}

async function customerRows() {
  const a = await api();
  return (await a.customers.provider.getChildren()).map(render);
}

/** Changes the sign-in method and waits for the connection it makes. */
async function signInWith(method: string | undefined, delegated: boolean): Promise<void> {
  const a = await api();
  await config().update('authMethod', method, vscode.ConfigurationTarget.Global);
  await waitFor(`a ${method} sign-in`, () => {
    const state: ConnectionState = a.connection.state;
    return state.kind === 'graph' && state.signIn.delegated === delegated;
  }, 30_000);
  await a.ready();
}

const GRAPH = /^\/(v1\.0|beta)(\/|\?|$)/;
const isCustomerBatch = (r: LoggedRequest, partner: string) => !r.inBatch && r.method === 'POST' && r.path === '/v1.0/$batch' && !!r.tenantId && r.tenantId !== partner;
// The portfolio's own request for a row: 31 snapshots with only the fields a row needs.
const isRowScores = (r: LoggedRequest) => r.inBatch && r.path.startsWith('/v1.0/security/secureScores?$top=31&$select=');

describe('Customers view (emulator, partner user through GDAP)', function () {
  // A device-code sign-in, a token per customer tenant, then the reads: slow on a loaded 2-core machine.
  this.timeout(300_000);
  let partner: string;
  let firstSeq = 0;

  before(async () => {
    const a = await api();
    firstSeq = (await requestLog()).at(-1)?.seq ?? 0;
    // The emulator's app is consented for these delegated permissions; the user approves device codes by itself.
    await signInWith('deviceCode', true);
    partner = a.connection.tenant!.tenantId!;
    await vscode.commands.executeCommand('securityPosture.filterCustomers', '');
    await vscode.commands.executeCommand('securityPosture.sortCustomers', 'name');
  });

  after(async () => {
    await faults({ clear: true });
    await (await api()).connection.showHome();
    await signInWith('environment', false);
  });

  it('lists the 36 customers with a reason row for every one it cannot read', async () => {
    const a = await api();
    await vscode.commands.executeCommand('securityPosture.refreshCustomers');
    const rows = await customerRows();
    assert.equal(rows.length, 36);
    const row = (name: string) => {
      const found = rows.find(r => r.label === name);
      assert.ok(found, `a row for ${name}`);
      return found;
    };
    const tooltip = (name: string) => {
      const t = row(name).item.tooltip;
      return typeof t === 'string' ? t : t?.value ?? '';
    };
    assert.match(row('Pinecrest Solar').description, /^No GDAP relationship with this customer\. Request one with the Security Reader role \(or Security Administrator to change settings\)/);
    assert.equal(row('Contour Orthodontics').description,
      'The GDAP relationship has no role that can read security data (it grants Helpdesk Administrator, User Administrator). Add Security Reader to read, or Security Administrator to change improvement actions.');
    assert.match(row('Litware Environmental Services').description, /^The GDAP relationship ended on \d{4}-\d\d-\d\d\. Ask the customer to approve a new one with the Security Reader role\.$/);
    // Ending soon is read, with the warning beside its numbers.
    assert.match(row('Trey Home Health').contextValue, /\+readable/);
    assert.equal(row('Trey Home Health').icon, 'warning');
    const trey = a.customers.portfolio.customers.find(r => r.customer.name === 'Trey Home Health')!;
    assert.match(trey.reason!.message, /^The GDAP relationship ends on \d{4}-\d\d-\d\d \(in 12 days\) and does not renew itself\. Extend it before then\.$/);
    // The tooltip is Markdown (spaces kept as &nbsp;, punctuation escaped): it says it under "Note".
    assert.match(tooltip('Trey Home Health'), /Note: The&nbsp;GDAP&nbsp;relationship&nbsp;ends/);
    const throttled = a.customers.portfolio.customers.find(r => r.customer.name === 'VanArsdel Printing')!;
    assert.match(row('VanArsdel Printing').description, /^Microsoft Graph is throttling this tenant; it will be tried again after \d\d:\d\d UTC\.$/);
    const retryIn = Date.parse(throttled.reason!.retryAt!) - Date.now();
    assert.ok(retryIn > 500_000 && retryIn <= 600_000, `the tenant's Retry-After of 600 s (${retryIn} ms left)`);
    assert.equal(row('Glenwood Pediatrics').description, 'This tenant has no Secure Score data yet (a new tenant, or no licence that has one).');
    // 36 − no relationship, no role, expired, consent, Conditional Access, throttled, no Secure Score.
    assert.equal(rows.filter(r => r.contextValue.includes('+readable')).length, 29);
    assert.match(row('Elmhurst Pediatrics').description, /^68\.7% · [\d.]+ \/ 419 points · /);
  });

  it('names consent missing (AADSTS65001, with the admin-consent link) and Conditional Access (AADSTS53003) for a device-code sign-in', async () => {
    const a = await api();
    const rows = await customerRows();
    const row = (name: string) => rows.find(r => r.label === name)!;
    // Delegated: Entra's AADSTS65001, with the admin-consent page of the emulated cloud for the app.
    const consent = row('Wexford Architects');
    assert.match(consent.description, /^The app has no admin consent in this customer's tenant \(AADSTS65001\)\./);
    assert.match(consent.contextValue, /\+hasConsentLink/);
    const wexford = a.customers.portfolio.customers.find(r => r.customer.name === 'Wexford Architects')!;
    assert.equal(wexford.reason?.action?.url, `${emulatorUrl}/${wexford.customer.tenantId}/adminconsent?client_id=${config().get('clientId')}`);
    assert.match(row('Litware Travel').description, /^A Conditional Access policy in this customer's tenant blocked the sign-in \(AADSTS53003\)\./);
  });

  it('signs in with one device code and gets every customer\'s token from it, refused ones included (the emulator\'s log)', async () => {
    const a = await api();
    const portfolio = a.customers.portfolio;
    const log = await requestLog(firstSeq);
    // MSAL adds `?client-request-id=…` to the token endpoint.
    const tokenPosts = (tenantId: string) => log.filter(r => r.method === 'POST' && r.path.split('?')[0] === `/${tenantId}/oauth2/v2.0/token`);
    assert.deepEqual(log.filter(r => /\/oauth2\/v2\.0\/devicecode$/.test(r.path)).map(r => r.path), [`/${partner}/oauth2/v2.0/devicecode`], 'one device code, at the partner\'s authority');
    const read = portfolio.customers.filter(r => r.status === 'read');
    assert.equal(read.length, 30);
    for (const r of read) {
      assert.ok(tokenPosts(r.customer.tenantId).some(p => p.status === 200), `a token from ${r.customer.name}'s own authority`);
    }
    // Entra's refusals came from the refresh-token redemption at those customers' authorities.
    for (const name of ['Wexford Architects', 'Litware Travel']) {
      const tenantId = portfolio.customers.find(r => r.customer.name === name)!.customer.tenantId;
      const posts = tokenPosts(tenantId);
      assert.ok(posts.length > 0 && posts.every(p => p.status === 400), `${name}: ${posts.map(p => p.status).join(',')}`);
    }
  });

  it('opens a customer\'s tenant in the four views and comes back to the partner\'s', async () => {
    const a = await api();
    const home = a.store.currentTenantKey;
    const elmhurst = a.customers.portfolio.customers.find(r => r.customer.name === 'Elmhurst Pediatrics')!;
    const key = await vscode.commands.executeCommand<string>('securityPosture.openCustomer', elmhurst.customer.tenantId);
    assert.equal(key, `${home}/customer/${elmhurst.customer.tenantId}`);
    assert.equal(a.store.currentTenantKey, key);
    assert.equal(a.treeViews.secureScore.description, 'Elmhurst Pediatrics');
    const score = (await roots('secureScore')).find(r => r.label === 'Secure Score')!;
    assert.match(score.description, /\(68\.7%\)$/);
    await vscode.commands.executeCommand('securityPosture.backToMyTenant');
    assert.equal(a.store.currentTenantKey, home);
    assert.notEqual(a.treeViews.secureScore.description, 'Elmhurst Pediatrics');
  });

  it('Cancel stops a refresh mid-way: no request after it, the customers read so far stay', async () => {
    const a = await api();
    const portfolio = a.customers.portfolio;
    const since = (await requestLog()).at(-1)?.seq ?? 0;
    // The first three customer batches answer at once, the rest hang: once eight hang, every slot is
    // taken and nothing more can be sent until Cancel.
    await faults({
      add: [
        { method: 'POST', path: '/\\$batch$', inBatch: false, count: 3, fault: { kind: 'delay', ms: 1 } },
        { method: 'POST', path: '/\\$batch$', inBatch: false, fault: { kind: 'delay', ms: 30_000 } },
      ],
    });
    const run = vscode.commands.executeCommand('securityPosture.refreshCustomers');
    const messages = new Set<string>();
    const watch = portfolio.onDidChange(() => messages.add(a.customers.view.message ?? ''));
    try {
      await waitFor('three customers read and eight requests hanging', async () => {
        const batches = (await requestLog(since)).filter(r => isCustomerBatch(r, partner));
        return batches.filter(r => r.status === 200).length === 3 && batches.filter(r => r.status === 0).length === 8;
      }, 120_000);
      assert.ok(portfolio.isRunning);
      assert.match(a.customers.view.message ?? '', /^Reading customers: \d+ of 36 customers$/, 'progress is shown');
      await vscode.commands.executeCommand('securityPosture.cancelCustomers');
      await run;
    } finally {
      watch.dispose();
      await faults({ clear: true });
    }
    assert.equal(portfolio.isRunning, false);
    assert.equal(a.customers.view.message, undefined);
    assert.ok([...messages].some(m => /^Reading customers: [1-9]\d* of 36 customers$/.test(m)), [...messages].join(' | '));
    assert.deepEqual([portfolio.lastRun?.canceled, portfolio.lastRun?.read], [true, 3], 'three of the 29 readable customers read');
    assert.equal((await customerRows()).length, 36, 'every row stays (the rest from the last read)');

    // A partner request after the run ended, seen by the emulator: everything sent before it has arrived.
    const sentinel = (await requestLog()).at(-1)!.seq;
    await a.store.refresh(['scores']);
    await waitFor('the partner\'s request in the log', async () => (await requestLog(sentinel)).some(r => r.tenantId === partner && GRAPH.test(r.path)));
    const batches = (await requestLog(since)).filter(r => isCustomerBatch(r, partner));
    assert.equal(batches.length, 11, 'the three read and the eight canceled; none after Cancel');
  });

  it('never sends a tenant\'s token with a request for another tenant\'s data (every request the emulator logged)', async () => {
    const a = await api();
    const since = (await requestLog()).at(-1)?.seq ?? 0;
    await vscode.commands.executeCommand('securityPosture.refreshCustomers');
    const portfolio = a.customers.portfolio;
    const tenantOf = (name: string) => portfolio.customers.find(r => r.customer.name === name)!.customer.tenantId;
    const read = portfolio.customers.filter(r => r.status === 'read');
    assert.equal(read.length, 30, '29 with a score and Glenwood Pediatrics without');

    // This refresh: one $batch per customer read, each with a token of that customer's tenant, and
    // each row holds what the emulator answered for that token (a mix-up would swap the numbers).
    const batches = (await requestLog(since)).filter(r => isCustomerBatch(r, partner));
    assert.deepEqual(batches.map(r => r.tenantId).sort(), read.map(r => r.customer.tenantId).sort());
    assert.equal(new Set(batches.map(r => r.tenantId)).size, 30);
    assert.match(customerRowsText(await customerRows(), 'Elmhurst Pediatrics'), /^68\.7% · /);

    // Every Graph request logged since this suite signed in: the partner's token never read a
    // customer's row, and no other token is of a tenant GDAP or Entra refused.
    const graph = (await requestLog(firstSeq)).filter(r => GRAPH.test(r.path) && r.tenantId);
    const tenants = new Set(graph.map(r => r.tenantId!));
    // The partner, the 30 customers read and the throttled one (its 429).
    assert.equal(tenants.size, 32);
    assert.ok(tenants.has(partner) && tenants.has(tenantOf('VanArsdel Printing')));
    assert.deepEqual(graph.filter(r => r.tenantId === partner && isRowScores(r)).map(r => r.path), [], 'no row read with the partner\'s token');
    const allowed = new Set([partner, ...portfolio.customers.filter(r => r.customer.access.canRead).map(r => r.customer.tenantId)]);
    assert.deepEqual(graph.filter(r => !allowed.has(r.tenantId!)).map(r => `${r.tenantId} ${r.path}`), []);
    const refused = ['Pinecrest Solar', 'Contour Orthodontics', 'Litware Environmental Services', 'Wexford Architects', 'Litware Travel'];
    assert.deepEqual(refused.filter(name => tenants.has(tenantOf(name))), [], 'no Graph request for customers without a role or a token');
    // The opened customer's views read its improvement actions with its own token too.
    assert.ok(graph.some(r => r.tenantId === tenantOf('Elmhurst Pediatrics') && /\/security\/secureScoreControlProfiles/.test(r.path)));
  });
  it('adds a customer by tenant id (with its reason row) and hides one until it is shown again', async () => {
    const a = await api();
    const portfolio = a.customers.portfolio;
    await vscode.commands.executeCommand('securityPosture.addCustomer', 'contoso.onmicrosoft.com');
    assert.deepEqual(portfolio.added, [], 'not a tenant id: refused, nothing kept');
    const unknown = '0f6e5d4c-3b2a-4190-8877-665544332211';
    await vscode.commands.executeCommand('securityPosture.addCustomer', unknown, 'Northwind Labs');
    let rows = await customerRows();
    assert.equal(rows.length, 37);
    // Entra's answer for a tenant it does not know (AADSTS90002), as a row.
    assert.equal(customerRowsText(rows, 'Northwind Labs'), 'No such tenant in this cloud: check the tenant id (a customer added by hand may have a typo).');

    const elmhurst = rows.find(r => r.label === 'Elmhurst Pediatrics')!;
    await vscode.commands.executeCommand('securityPosture.hideCustomer', elmhurst.node);
    rows = await customerRows();
    assert.equal(rows.length, 36);
    assert.ok(!rows.some(r => r.label === 'Elmhurst Pediatrics'));
    assert.match(a.customers.view.description ?? '', /· 1 hidden$/);
    await vscode.commands.executeCommand('securityPosture.refreshCustomers');
    assert.ok(!(await customerRows()).some(r => r.label === 'Elmhurst Pediatrics'), 'still hidden after a refresh');

    await vscode.commands.executeCommand('securityPosture.showHiddenCustomers', [portfolio.hidden[0].tenantId]);
    rows = await customerRows();
    assert.equal(rows.length, 37);
    assert.match(customerRowsText(rows, 'Elmhurst Pediatrics'), /^68\.7% · /);
    await vscode.commands.executeCommand('securityPosture.hideCustomer', unknown);
    assert.equal((await customerRows()).length, 36);
  });
});
