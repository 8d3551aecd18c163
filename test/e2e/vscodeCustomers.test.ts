/**
 * A partner signed in through VS Code's Microsoft sign-in (the stand-in provider of
 * test/fixtures/auth-stand-in, which gets other tenants' and scopes' tokens silently from the
 * account's refresh token, as VS Code 1.100's MSAL provider does) works on customers on the HTTPS
 * emulator: the Customers view reads each customer with a session for its own tenant and no prompt;
 * Set Improvement Action State in Customers… asks VS Code for each customer's write permission in
 * turn, with VS Code's own modal naming the customer, the permission and why (the emulator makes the
 * write permission need the user's consent per tenant, so it cannot come silently); Allow writes
 * that customer with a token of its tenant carrying the write permission, Cancel leaves that
 * customer unchanged and the report says why. Update Alerts in Customers… does the same with the
 * alert write permission.
 */
import * as assert from 'assert';
import type { TenantDataset } from '../../src/sample/dataset';
import { generateCustomerTenant } from '../../src/sample/customers';
import { generateTenant } from '../../src/sample/generator';
import { useStandInWorkbench, type StandInEntry } from './session';
import {
  acceptQuickPick, clickDialogButton, clickNotificationButton, focusPane, pickQuickItem, quickInput, quickInputBox, row,
  rowLabels, runCommand, waitForDialog, waitForNotification, waitForQuickInput, waitForQuickPickRows,
} from './workbench';

const CONTROL = 'mdo_safelinksforemail';
const WRITE = 'SecurityEvents.ReadWrite.All';
/** Three customers the partner may change, one it may only read, one whose tenant never consented to the app. */
const CUSTOMERS = ['Foxglove Construction', 'Thornbury Plastics', 'Vantage Family Medicine', 'Granite Peak Media', 'Wexford Architects'];

/** The sample partner with only these five customers (fewer tenants to read on a shared machine). */
function partnerTenant(): { dataset: TenantDataset; ids: Record<string, string> } {
  const dataset = generateTenant();
  const kept = (dataset.customerTenants ?? []).filter(c => CUSTOMERS.includes(c.name));
  assert.equal(kept.length, CUSTOMERS.length, 'the sample partner has the five customers');
  const ids = Object.fromEntries(kept.map(c => [c.name, c.tenantId]));
  const mentions = (x: unknown) => kept.some(c => JSON.stringify(x).includes(c.tenantId));
  assert.deepEqual(Object.fromEntries(kept.map(c => [c.name, c.case])), {
    'Foxglove Construction': 'securityAdministrator', 'Thornbury Plastics': 'securityAdministrator', 'Vantage Family Medicine': 'securityAdministrator',
    'Granite Peak Media': 'securityReader', 'Wexford Architects': 'consentMissing',
  });
  return {
    dataset: {
      ...dataset,
      customerTenants: kept,
      delegatedAdminRelationships: dataset.delegatedAdminRelationships?.filter(mentions),
      contracts: dataset.contracts?.filter(mentions),
      customerInsights: dataset.customerInsights.filter(mentions),
    },
    ids,
  };
}

describe('VS Code\'s Microsoft sign-in per customer: each customer read with its own tenant\'s session, its write permission asked by name (HTTPS emulator)', function () {
  this.timeout(300_000);
  const { dataset, ids } = partnerTenant();
  // The write permissions need each user's consent in each tenant: VS Code's provider cannot get them silently.
  const { session, emulator: emu, standIn } = useStandInWorkbench('vscode-customers', { dataset, consentScopes: [WRITE, 'SecurityAlert.ReadWrite.All'], sideBarWidth: 600 });
  const tenantOf = (e: StandInEntry) => e.scopes.find(s => s.startsWith('VSCODE_TENANT:'))?.slice('VSCODE_TENANT:'.length);

  it('signs in once through VS Code\'s prompt; the Customers view reads each customer with its own tenant\'s session, silently', async () => {
    const { page } = session();
    await runCommand(page, 'Security Posture: Sign In to Microsoft');
    await clickDialogButton(await waitForDialog(page, /wants to sign in using Microsoft Sovereign Cloud/), 'Allow');
    const pane = await focusPane(page, 'Customers');
    for (const name of ['Foxglove Construction', 'Thornbury Plastics', 'Vantage Family Medicine', 'Granite Peak Media']) {
      await row(pane, new RegExp(`^${name}, .*\\d+(\\.\\d+)?% · `), 120_000);
    }
    // VS Code's provider swallows the silent failure (it returns no session), so the extension
    // learns no AADSTS code: the row says a sign-in is needed; the stand-in saw Entra's AADSTS65001.
    const wexford = await row(pane, /^Wexford Architects, /, 120_000);
    assert.match((await wexford.getAttribute('aria-label')) ?? '', /Sign-in needed for this customer's tenant: no token came without asking, and the sign-in did not say why \(the app may have no consent there/);
    assert.deepEqual(standIn().filter(e => e.silentRefused === ids['Wexford Architects']).map(e => e.error)[0], 'AADSTS65001');

    const log = standIn();
    assert.equal(log.filter(e => e.created).length, 1, `one session created (the sign-in), every other one silent: ${JSON.stringify(log.map(e => e.created ?? e.silent ?? e.silentRefused))}`);
    for (const name of ['Foxglove Construction', 'Thornbury Plastics', 'Vantage Family Medicine', 'Granite Peak Media']) {
      const silent = log.filter(e => e.silent && tenantOf(e) === ids[name]);
      assert.ok(silent.length > 0 && silent.every(e => e.tenant === ids[name]), `${name} was read with a token of its own tenant`);
      assert.ok(silent.every(e => !e.scopes.some(s => /ReadWrite/.test(s))), `${name}: read permissions only`);
    }
    // Each customer's Graph reads carried a token of that customer's tenant.
    const reads = emu().requests.filter(r => r.method === 'GET' && r.tenantId && r.tenantId !== emu().tenantId && /secureScores/.test(r.path));
    assert.deepEqual([...new Set(reads.map(r => r.tenantId))].sort(),
      ['Foxglove Construction', 'Thornbury Plastics', 'Vantage Family Medicine', 'Granite Peak Media'].map(n => ids[n]).sort());
    assert.deepEqual(await rowLabels(pane).then(labels => labels.length), 5);
  });

  it('Set Improvement Action State in Customers… asks VS Code for each customer\'s write permission by name; Allow writes it there, Cancel leaves it unchanged', async () => {
    const { page } = session();
    const mark = emu().requests.at(-1)?.seq ?? 0;
    await runCommand(page, 'Security Posture: Set Improvement Action State in Customers…');
    await waitForQuickInput(page, 'Set Improvement Action State in Customers: choose customers');
    // Offered by GDAP role (Wexford too: its role could read, its tenant refused the token).
    await waitForQuickPickRows(page, shown => shown.length === 5, 'the five customers with a reading role');
    for (const name of ['Foxglove Construction', 'Thornbury Plastics', 'Vantage Family Medicine']) {
      await pickQuickItem(page, name);
    }
    await page.waitForFunction(() => document.querySelectorAll('.quick-input-widget .monaco-list-row[aria-checked="true"]').length === 3, undefined, { timeout: 10_000 });
    // OK: the next prompt may take the widget's place at once (acceptQuickPick waits for it to close).
    await quickInput(page).locator('.quick-input-action .monaco-button', { hasText: /^OK$/ }).click();

    // The pick of actions lists the home tenant's loaded ones (if any) and "Enter an improvement action id…".
    const asked = await waitForQuickInput(page, /^(Set Improvement Action State in Customers: choose the action|Improvement action id)$/);
    if ((await asked.locator('.quick-input-title').innerText()).startsWith('Set Improvement')) {
      await quickInputBox(page).fill('Enter an improvement action id');
      await pickQuickItem(page, 'Enter an improvement action id…');
    }
    await waitForQuickInput(page, 'Improvement action id');
    await quickInputBox(page).fill(CONTROL);
    await quickInputBox(page).press('Enter');
    await waitForQuickInput(page, /^Set State of ".*" in 3 customers$/, 120_000);
    await pickQuickItem(page, 'Resolved through third party');
    await waitForQuickInput(page, 'Resolved through third party: comment');
    await quickInputBox(page).fill('E2E: the partner\'s mail filter covers it');
    await quickInputBox(page).press('Enter');
    await waitForQuickInput(page, 'Resolved through third party: assignee');
    await quickInputBox(page).press('Enter');
    await waitForQuickInput(page, /^Preview: ".*" → Resolved through third party in 3 customers/);
    await acceptQuickPick(page);

    // One modal per customer, in turn, each VS Code's own: Allow, Allow, Cancel.
    for (const [name, button] of [['Foxglove Construction', 'Allow'], ['Thornbury Plastics', 'Allow'], ['Vantage Family Medicine', 'Cancel']] as const) {
      const dialog = await waitForDialog(page, /wants to sign in using Microsoft Sovereign Cloud/, 120_000);
      const text = (await dialog.innerText()).replace(/\s+/g, ' ');
      assert.match(text, new RegExp(`Changing the state of improvement actions in ${name}\\. This needs the ${WRITE.replace(/\./g, '\\.')} permission\\.`), `the modal for ${name}: ${text}`);
      await clickDialogButton(dialog, button);
    }
    assert.equal(await quickInput(page).isVisible(), false);

    const toast = await waitForNotification(page, /^Set state to Resolved through third party in customers: 2 updated, 1 failed in 3 customers \(1 with failures\)\./, 120_000);
    const patches = emu().requests.filter(r => r.seq > mark && r.method === 'PATCH');
    assert.deepEqual(patches.map(r => ({ path: r.path, tenantId: r.tenantId, status: r.status })).sort((a, b) => a.tenantId!.localeCompare(b.tenantId!)),
      ['Foxglove Construction', 'Thornbury Plastics'].map(n => ({ path: `/v1.0/security/secureScoreControlProfiles/${CONTROL}`, tenantId: ids[n], status: 200 }))
        .sort((a, b) => a.tenantId.localeCompare(b.tenantId)));
    for (const p of patches) {
      assert.ok(p.scopes?.split(' ').includes(WRITE), `the PATCH to ${p.tenantId} carried ${WRITE}: ${p.scopes}`);
    }
    assert.equal(emu().requests.filter(r => r.seq > mark && r.method !== 'GET' && r.tenantId === ids['Vantage Family Medicine']).length, 0, 'nothing was sent to Vantage');

    // The write sessions: one created per allowed customer, for its tenant and the write permission; none for Vantage.
    const created = standIn().filter(e => e.created).slice(1);
    assert.deepEqual(created.map(e => [e.tenant, tenantOf(e), e.scopes.filter(s => !s.startsWith('VSCODE_')).map(s => s.split('/').at(-1))]), [
      [ids['Foxglove Construction'], ids['Foxglove Construction'], [WRITE]],
      [ids['Thornbury Plastics'], ids['Thornbury Plastics'], [WRITE]],
    ]);

    await clickNotificationButton(toast, 'Show Report');
    const editor = page.locator('.editor-group-container .monaco-editor .view-lines').first();
    await editor.filter({ hasText: 'Vantage Family Medicine' }).waitFor({ state: 'visible', timeout: 30_000 });
    // The editor wraps long lines at a space: joined again, each table row is one line.
    const report = (await editor.innerText()).replace(/\u00a0/g, ' ').replace(/ \n/g, ' ');
    assert.match(report, new RegExp(`## Vantage Family Medicine \\(${ids['Vantage Family Medicine']}\\) — 1 failed`));
    assert.match(report, /\| failed \| Nothing was changed: Changing the state of improvement actions in Vantage Family Medicine needs the SecurityEvents\.ReadWrite\.All permission, which was not granted\. Ask an admin to consent to it for the app, and for the Security Administrator role\. \|/);
    for (const name of ['Foxglove Construction', 'Thornbury Plastics']) {
      assert.match(report, new RegExp(`## ${name} \\(${ids[name]}\\)(?! —)`), `${name} has no failure`);
    }
    assert.equal((report.match(/\| updated \|/g) ?? []).length, 2);
    await runCommand(page, 'View: Close All Editors');
  });

  it('Update Alerts in Customers… asks VS Code for each customer\'s alert write permission by name; Allow writes there with it, Cancel sends nothing', async () => {
    const { page } = session();
    const ALERT_WRITE = 'SecurityAlert.ReadWrite.All';
    // From the seed: the new high-severity alerts of each customer that can be changed.
    const highNew = (name: string) => {
      const spec = dataset.customerTenants!.find(c => c.name === name)!;
      return generateCustomerTenant(spec, Date.parse(dataset.now)).alerts.filter(a => a.severity === 'high' && a.status === 'new');
    };
    const [allowed, cancelled] = ['Foxglove Construction', 'Thornbury Plastics', 'Vantage Family Medicine'].filter(n => highNew(n).length > 0);
    assert.ok(allowed && cancelled, 'two customers that can be changed have new high-severity alerts');
    const mark = emu().requests.at(-1)?.seq ?? 0;
    const sessionsBefore = standIn().filter(e => e.created).length;
    await runCommand(page, 'Security Posture: Update Alerts in Customers…');
    await waitForQuickInput(page, 'Update Alerts in Customers: choose customers');
    await waitForQuickPickRows(page, shown => shown.length === 5, 'the five customers with a reading role');
    for (const name of [allowed, cancelled]) {
      await pickQuickItem(page, name);
    }
    await page.waitForFunction(() => document.querySelectorAll('.quick-input-widget .monaco-list-row[aria-checked="true"]').length === 2, undefined, { timeout: 10_000 });
    await quickInput(page).locator('.quick-input-action .monaco-button', { hasText: /^OK$/ }).click();
    await waitForQuickInput(page, 'Update Alerts in Customers: which alerts?');
    await quickInputBox(page).fill('severity:high status:new');
    await quickInputBox(page).press('Enter');
    const count = highNew(allowed).length + highNew(cancelled).length;
    await waitForQuickInput(page, `Update ${count} alert${count === 1 ? '' : 's'}`, 120_000);
    await pickQuickItem(page, 'Set status…');
    await waitForQuickInput(page, 'Set Alert Status');
    await pickQuickItem(page, 'In progress');
    await waitForQuickInput(page, new RegExp(`^Preview: ${count} of ${count} alerts? change in 2 customers`));
    await acceptQuickPick(page);

    // VS Code's own modal for each customer, naming it, the alert write permission and why; in
    // whichever order the writes ask: Allow for one, Cancel for the other.
    const asked: string[] = [];
    for (let i = 0; i < 2; i++) {
      const dialog = await waitForDialog(page, /wants to sign in using Microsoft Sovereign Cloud/, 120_000);
      const text = (await dialog.innerText()).replace(/\s+/g, ' ');
      const name = [allowed, cancelled].find(n => text.includes(`Updating security alerts in ${n}. This needs the ${ALERT_WRITE} permission.`));
      assert.ok(name && !asked.includes(name), `the modal names a customer not asked yet, the permission and why: ${text}`);
      asked.push(name);
      await clickDialogButton(dialog, name === allowed ? 'Allow' : 'Cancel');
    }
    await waitForNotification(page, new RegExp(`^Update alerts in customers: ${highNew(allowed).length} updated, ${highNew(cancelled).length} failed in 2 customers \\(1 with failures\\)\\.`), 120_000);

    const patches = emu().requests.filter(r => r.seq > mark && r.method === 'PATCH');
    assert.deepEqual(patches.map(r => ({ path: r.path, tenantId: r.tenantId, status: r.status })).sort((a, b) => a.path.localeCompare(b.path)),
      highNew(allowed).map(a => ({ path: `/v1.0/security/alerts_v2/${a.id}`, tenantId: ids[allowed], status: 200 })).sort((a, b) => a.path.localeCompare(b.path)));
    for (const p of patches) {
      assert.ok(p.scopes?.split(' ').includes(ALERT_WRITE), `the PATCH to ${p.tenantId} carried ${ALERT_WRITE}: ${p.scopes}`);
    }
    assert.equal(emu().requests.filter(r => r.seq > mark && r.method !== 'GET' && r.tenantId === ids[cancelled]).length, 0, `nothing was sent to ${cancelled}`);
    // One write session created, for the allowed customer's tenant and the alert write permission.
    const created = standIn().filter(e => e.created).slice(sessionsBefore);
    assert.deepEqual(created.map(e => [e.tenant, tenantOf(e), e.scopes.filter(s => !s.startsWith('VSCODE_')).map(s => s.split('/').at(-1))]), [
      [ids[allowed], ids[allowed], [ALERT_WRITE]],
    ]);
  });
});

