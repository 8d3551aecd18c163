/**
 * Actions across customers as a partner's user makes them, on the HTTPS emulator (real MSAL
 * device-code sign-in, a token per customer tenant, GDAP deciding what each customer allows):
 * "Set Improvement Action State in Customers…" from the command palette (customers picked in the
 * quick pick, a read-only one among them, the preview per customer, one customer unchecked, the
 * report), and "Update Alerts in Customers…" from the Customers view's rows (one alert refused by
 * Graph, "Retry Failed" from the notification). The emulator's request log proves which tenant
 * each write went to, with a token of which tenant, and that nothing went anywhere else.
 */
import * as assert from 'assert';
import type { Locator, Page } from 'playwright-core';
import type { SecurityAlert } from '../../src/graph/types';
import type { SampleCustomerSpec } from '../../src/sample/dataset';
import { generateCustomerTenant } from '../../src/sample/customers';
import { generateTenant } from '../../src/sample/generator';
import type { Emulator, RequestLogEntry } from '../emulator/server';
import { useWorkbench } from './session';
import {
  acceptQuickPick, clickDialogButton, focusPane, notifications, openViewContainer, pickQuickItem, quickInput, quickInputBox, restMouse, rowStartingWith,
  runCommand, runContextMenuEntry, setSideBarWidth, waitForDialog, waitForNotification, waitForQuickInput, waitForQuickPickRows,
} from './workbench';

const CONTROL = 'mdo_safeattachments';
const CONTROL_TITLE = 'Turn on Safe Attachments in block mode';
const COMMENT = 'Mimecast scans attachments for these customers';

/** The partner's customers by the seed's case, sorted by name: the tests' expectations come from here, not from the extension. */
function partner() {
  const dataset = generateTenant();
  const specs = [...dataset.customerTenants!].sort((a, b) => a.name.localeCompare(b.name, 'en'));
  const ofCase = (c: SampleCustomerSpec['case']) => specs.filter(s => s.case === c);
  const tenant = (spec: SampleCustomerSpec) => generateCustomerTenant(spec, Date.parse(dataset.now));
  return { dataset, ofCase, tenant };
}

/** What a tenant's Graph saw after `mark`: writes (no `$batch` envelope) and reads, with the tenant of the token each carried. */
function logSince(emulator: Emulator, mark: number, method: 'GET' | 'PATCH' | 'POST', path: RegExp): RequestLogEntry[] {
  return emulator.requests.filter(r => r.seq > mark && r.method === method && path.test(r.path) && !/\/\$batch(\?|$)/.test(r.path));
}

const lastSeq = (emulator: Emulator) => emulator.requests.at(-1)?.seq ?? 0;

/** A posture file for every customer: one improvement action they should all have ignored. */
const POSTURE_FILE = 'customers.posture.yaml';
const POSTURE_CONTROL = 'mdo_safelinksforemail';
const POSTURE_TEXT = `version: 1
tenants: all customers
controls:
  ${POSTURE_CONTROL}: { state: ignored, comment: "E2E: the mail gateway rewrites links" }
`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The quick pick's rows top to bottom: the group heading a row starts (a separator is drawn on its first row), its text, and its checkbox. */
async function groupedRows(page: Page): Promise<Array<{ group: string; text: string; checked: string | null }>> {
  return quickInput(page).locator('.monaco-list-row').evaluateAll(els => (els as HTMLElement[])
    .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
    .map(el => {
      const separator = el.querySelector('.quick-input-list-separator') as HTMLElement | null;
      const parts = Array.from(el.querySelectorAll('.monaco-icon-label-container'))
        .flatMap(label => [label.querySelector('.label-name'), label.querySelector('.label-description')])
        .filter(part => part?.checkVisibility())
        .map(part => (part?.textContent ?? '').replace(/\s+/g, ' ').trim())
        .filter(Boolean);
      return {
        group: separator?.checkVisibility() ? (separator.textContent ?? '').trim() : '',
        text: parts.join(' '),
        checked: el.getAttribute('aria-checked'),
      };
    }));
}

/** Rows of a pick grouped by heading, as "heading: [x] text". */
function grouped(shown: Array<{ group: string; text: string; checked: string | null }>): string[] {
  let group = '';
  return shown.map(r => {
    group = r.group || group;
    return `${group}: ${r.checked === 'true' ? '[x]' : '[ ]'} ${r.text}`;
  });
}

/** Types `name` into a multi-select pick's filter, toggles its row, and clears the filter again. */
async function toggleByFilter(page: Page, name: string): Promise<void> {
  await quickInputBox(page).fill(name);
  await waitForQuickPickRows(page, shown => shown.length >= 1 && shown[0].startsWith(name), `${name} first`);
  await pickQuickItem(page, name);
  await quickInputBox(page).fill('');
}

/** Waits until a multi-select pick counts `n` checked items (its rows are virtual: only the visible ones exist). */
async function selectedCount(page: Page, n: number): Promise<void> {
  await quickInput(page).locator('.quick-input-count', { hasText: new RegExp(`^${n} Selected$`) }).waitFor({ state: 'visible', timeout: 10_000 });
}

/** The messages of the notification center (toasts hide after a while; the center keeps them), for a failure's message. */
async function centerMessages(page: Page): Promise<string[]> {
  await runCommand(page, 'Notifications: Show Notifications');
  return page.locator('.notifications-center .notification-list-item-message').allInnerTexts();
}

/**
 * Clicks a button of a notification toast until the toast closes: a click while the toast grows
 * (hovered, it shows its buttons and source) or moves (a progress toast above it closes) can be
 * lost. A toast closes when its action runs, so a click that counted is never repeated.
 */
async function clickToastButton(toast: Locator, button: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await toast.hover();
    await toast.locator('.monaco-button', { hasText: new RegExp(`^${escape(button)}$`) }).click();
    if (await toast.waitFor({ state: 'hidden', timeout: 3_000 }).then(() => true, () => false)) {
      return;
    }
    if (attempt === 3) {
      throw new Error(`the toast stayed open after three clicks on "${button}"`);
    }
  }
}

/** Scrolls the Customers view (a virtual list) until the row of `name` is rendered, and returns it. */
async function customerRow(page: Page, pane: Locator, name: string): Promise<Locator> {
  const target = rowStartingWith(pane, `${name}, `);
  const list = pane.locator('.pane-body .monaco-list').first();
  await list.hover();
  await page.mouse.wheel(0, -10_000);
  for (let step = 0; step < 40 && (await target.count()) === 0; step++) {
    await page.mouse.wheel(0, 200);
    await page.waitForTimeout(50); // the list renders on the next frame
  }
  await target.scrollIntoViewIfNeeded();
  return target;
}

describe('Actions across customers through the UI (HTTPS emulator, partner user)', function () {
  this.timeout(300_000);
  const { dataset, ofCase, tenant } = partner();
  let emulator: Emulator | undefined;
  const emu = () => {
    assert.ok(emulator, 'the emulator started');
    return emulator;
  };
  const session = useWorkbench('customers-writes', async () => {
    const { startEmulator, extensionEnvironment, extensionSettings } = await import('../emulator/server');
    emulator = await startEmulator({ dataset });
    return {
      workspaceFiles: { [POSTURE_FILE]: POSTURE_TEXT },
      // A partner's user signs in (device code, approved by the emulator): GDAP roles decide who may be changed.
      settings: {
        ...extensionSettings(emulator), 'securityPosture.authMethod': 'deviceCode', 'workbench.colorTheme': 'Default Dark Modern',
        // A report's table rows stay one line each.
        '[markdown]': { 'editor.wordWrap': 'off' },
      },
      env: extensionEnvironment(emulator),
    };
  });
  const admins = ofCase('securityAdministrator');
  const reader = ofCase('securityReader')[0];

  before(async function () {
    this.timeout(300_000);
    const { page } = session();
    await openViewContainer(page, 'Security Posture');
    await setSideBarWidth(page, 560);
    // The partner's own improvement actions (the action is chosen from them) and the customers' rows.
    await page.locator('.part.sidebar .pane-body .monaco-list-row[aria-label*="points"]').first().waitFor({ timeout: 120_000 });
    const pane = await focusPane(page, 'Customers');
    // Every customer read with a token of its own tenant: minutes on a loaded machine.
    await page.waitForFunction(() => document.querySelectorAll('.part.sidebar .pane-body .monaco-list-row[aria-label*="points"]').length >= 20, undefined, { timeout: 240_000 });
    await pane.locator('.pane-body').hover();
    await restMouse(page);
  });
  after(async () => {
    await emulator?.stop();
  });

  it('Set Improvement Action State in Customers: picks customers (one read-only), previews per customer, leaves out an unchecked one, reports each', async () => {
    const { page, screenshot } = session();
    const [first, unchecked, third] = admins;
    const chosen = [first, unchecked, third];
    for (const spec of [...chosen, reader]) {
      assert.ok(tenant(spec).controlProfiles.some(p => p.id === CONTROL), `${spec.name} has ${CONTROL}`);
    }
    await runCommand(page, 'Notifications: Clear All Notifications');
    const mark = lastSeq(emu());

    // From the palette: the command's own pick takes the palette's place at once (runCommand waits for the palette to close).
    await page.keyboard.press('F1');
    await quickInputBox(page).fill('>Security Posture: Set Improvement Action State in Customers');
    await pickQuickItem(page, 'Security Posture: Set Improvement Action State in Customers…');
    await waitForQuickInput(page, 'Set Improvement Action State in Customers: choose customers', 30_000);
    // The pick says which customers can be changed and which only read.
    await quickInputBox(page).fill(reader.name);
    assert.deepEqual(await waitForQuickPickRows(page, shown => shown.length === 1, reader.name),
      [`${reader.name} read-only: needs Security Administrator ${reader.tenantId} · Helpdesk Administrator, Security Reader`]);
    await quickInputBox(page).fill(first.name);
    assert.deepEqual(await waitForQuickPickRows(page, shown => shown.length === 1, first.name),
      [`${first.name} can change ${first.tenantId} · Security Administrator, Security Reader, User Administrator`]);
    for (const spec of [...chosen, reader]) {
      await toggleByFilter(page, spec.name);
    }
    await selectedCount(page, 4);
    // OK: the next pick takes the widget's place at once (acceptQuickPick waits for it to close).
    await quickInput(page).locator('.quick-input-action .monaco-button', { hasText: /^OK$/ }).click();
    await waitForQuickInput(page, 'Set Improvement Action State in Customers: choose the action');
    await quickInputBox(page).fill(CONTROL_TITLE);
    await pickQuickItem(page, CONTROL_TITLE);
    await waitForQuickInput(page, `Set State of "${CONTROL_TITLE}" in 3 customers`, 120_000);
    await pickQuickItem(page, 'Resolved through third party');
    await waitForQuickInput(page, 'Resolved through third party: comment');
    await quickInputBox(page).fill(COMMENT);
    await quickInputBox(page).press('Enter');
    await waitForQuickInput(page, 'Resolved through third party: assignee');
    await quickInputBox(page).press('Enter');

    // The dry run: each customer's action with its state now and after, the read-only one below with why.
    await waitForQuickInput(page, `Preview: "${CONTROL_TITLE}" → Resolved through third party in 3 customers, 1 not changed — Enter applies to the checked ones`);
    const preview = grouped(await groupedRows(page));
    assert.deepEqual(preview, [
      ...chosen.map(c => `${c.name}: [x] ${CONTROL_TITLE} To address → Resolved through third party ${CONTROL}`),
      `Not changed: [ ] ${reader.name} not changed Read-only: its GDAP relationship grants Helpdesk Administrator, Security Reader; changing needs the Security Administrator role.`,
    ]);
    // Unchecks the second customer's action: its row is the one under that customer's heading.
    await quickInput(page).locator('.monaco-list-row', { has: page.locator('.quick-input-list-separator', { hasText: new RegExp(`^${escape(unchecked.name)}$`) }) }).click();
    await selectedCount(page, 2);
    assert.deepEqual(grouped(await groupedRows(page)).filter(r => r.includes('[x]')).map(r => r.split(':')[0]), [first.name, third.name]);
    await screenshot('customers-set-state-preview');
    await acceptQuickPick(page);

    const toast = await waitForNotification(page, 'Set state to Resolved through third party in customers: 2 updated in 2 customers; 2 customers not changed.', 120_000);

    // Graph: one PATCH to each checked customer, with a token of that customer's tenant; nothing else written anywhere.
    const path = `/v1.0/security/secureScoreControlProfiles/${CONTROL}`;
    const writes = logSince(emu(), mark, 'PATCH', /^\/(v1\.0|beta)\//).concat(logSince(emu(), mark, 'POST', /^\/(v1\.0|beta)\//));
    assert.deepEqual(writes.map(w => ({ tenantId: w.tenantId, path: w.path, status: w.status, state: (w.body as { state?: string }).state, comment: (w.body as { comment?: string }).comment }))
      .sort((x, y) => String(x.tenantId).localeCompare(String(y.tenantId))),
    [first, third].map(c => ({ tenantId: c.tenantId, path, status: 200, state: 'ThirdParty', comment: COMMENT })).sort((x, y) => x.tenantId.localeCompare(y.tenantId)));
    // The preview read the action in each customer that can be changed, with that customer's token; the read-only one was not even read.
    const reads = logSince(emu(), mark, 'GET', new RegExp(`^${escape(path)}$`));
    assert.deepEqual(reads.map(r => r.tenantId).sort(), chosen.map(c => c.tenantId).sort());
    assert.equal(emu().requests.filter(r => r.seq > mark && r.tenantId === reader.tenantId && /secureScoreControlProfiles/.test(r.path)).length, 0, 'nothing sent to the read-only customer');

    await clickToastButton(toast, 'Show Report');
    const editor = page.locator('.editor-group-container .monaco-editor .view-lines').first();
    await editor.filter({ hasText: 'Not changed' }).waitFor({ state: 'visible', timeout: 30_000 });
    // The report's lines (as many as the editor shows) joined by single spaces.
    const report = (await editor.innerText()).replace(/\s+/g, ' ');
    assert.match(report, /^# Set state to Resolved through third party in customers 2 updated in 2 customers — /);
    for (const c of [first, third]) {
      assert.match(report, new RegExp(`## ${escape(c.name)} \\(${c.tenantId}\\) \\| Item \\| Id \\| Result \\| Reason \\| \\|---\\|---\\|---\\|---\\| \\| ${CONTROL_TITLE} \\| mdo\\\\_safeattachments \\| updated \\| \\|`), c.name);
    }
    assert.match(report, new RegExp(`\\| ${escape(unchecked.name)} \\| ${unchecked.tenantId} \\| Unchecked in the preview\\. \\|`));
    assert.match(report, new RegExp(`\\| ${escape(reader.name)} \\| ${reader.tenantId} \\| Read-only: its GDAP relationship grants Helpdesk Administrator, Security Reader; changing needs the Security Administrator role\\. \\|`));
    await screenshot('customers-set-state-report');
    await runCommand(page, 'View: Close All Editors');
  });

  it('Update Alerts in Customers from the selected rows: one alert refused by Graph, Retry Failed sends only it again', async () => {
    const { page } = session();
    // Customers that can be changed with one new high-severity alert each, and a read-only one that has some too.
    const highNew = (spec: SampleCustomerSpec): SecurityAlert[] => tenant(spec).alerts.filter(a => a.severity === 'high' && a.status === 'new');
    const targets = admins.filter(c => highNew(c).length === 1).slice(0, 3);
    assert.equal(targets.length, 3, 'three customers that can be changed have one new high-severity alert');
    const readOnly = ofCase('securityReader').find(c => highNew(c).length > 0)!;
    assert.ok(readOnly, 'a read-only customer with new high-severity alerts');
    const refused = targets[1];
    const refusedAlert = highNew(refused)[0];
    await runCommand(page, 'Notifications: Clear All Notifications');

    const pane = await focusPane(page, 'Customers');
    const selection = [...targets, readOnly];
    for (const spec of selection) {
      await (await customerRow(page, pane, spec.name)).click({ modifiers: ['Control'] });
    }
    assert.equal(await pane.locator('.monaco-list-row.selected').count(), 4, 'four customers selected');
    const mark = lastSeq(emu());
    const fault = emu().faults.add({ method: 'PATCH', path: new RegExp(`/security/alerts_v2/${escape(refusedAlert.id)}$`), count: 1, fault: { kind: 'status', status: 403 } })[0];
    await runContextMenuEntry(await customerRow(page, pane, readOnly.name), 'Update Alerts in Customers…');

    await waitForQuickInput(page, 'Update Alerts in Customers: which alerts?');
    await quickInputBox(page).fill('severity:high status:new');
    await quickInputBox(page).press('Enter');
    await waitForQuickInput(page, 'Update 3 alerts', 120_000);
    await pickQuickItem(page, 'Set status…');
    await waitForQuickInput(page, 'Set Alert Status');
    await pickQuickItem(page, 'In progress');

    await waitForQuickInput(page, 'Preview: 3 of 3 alerts change in 3 customers, 1 not changed — Enter applies to the checked ones');
    assert.deepEqual(grouped(await groupedRows(page)), [
      ...targets.map(c => {
        const [a] = highNew(c);
        return `${c.name}: [x] ${a.title} High · ${a.id} status: New → In progress`;
      }),
      `Not changed: [ ] ${readOnly.name} not changed Read-only: its GDAP relationship grants Helpdesk Administrator, Security Reader; changing needs the Security Administrator role.`,
    ]);
    await acceptQuickPick(page);

    // The exact text: the retry's notification starts the same, and the toast's locator must not move to it.
    const toast = await waitForNotification(page, 'Update alerts in customers: 2 updated, 1 failed in 3 customers (1 with failures); 1 customer not changed.', 120_000);
    const patches = () => logSince(emu(), mark, 'PATCH', /\/security\/alerts_v2\//).map(w => ({ tenantId: w.tenantId, path: w.path, status: w.status, body: w.body, fault: w.fault }));
    const patch = (c: SampleCustomerSpec, status: number, fault?: RequestLogEntry['fault']) => ({
      tenantId: c.tenantId, path: `/v1.0/security/alerts_v2/${highNew(c)[0].id}`, status, body: { status: 'inProgress' }, fault,
    });
    const byTenant = (list: ReturnType<typeof patches>) => [...list].sort((x, y) => String(x.tenantId).localeCompare(String(y.tenantId)) || x.status - y.status);
    // The injected refusal fired, on the refused customer's alert, with that customer's token.
    assert.deepEqual(byTenant(patches()), byTenant(targets.map(c => (c === refused ? patch(c, 403, 'status') : patch(c, 200)))));
    assert.ok(!emu().faults.rules.some(r => r.id === fault), 'the fault was used up');
    assert.deepEqual(logSince(emu(), mark, 'POST', /^\/(v1\.0|beta)\/security\//).map(r => r.path), [], 'no other write');

    const retryMark = lastSeq(emu());
    // VS Code shows at most three new toasts in 800 ms (the rest only in the notification center), and
    // a progress notification stays at least 800 ms: Retry Failed once the write's progress has gone.
    await page.locator('.notification-list-item-message', { hasText: 'Updating 3 alerts in 3 customers' }).first().waitFor({ state: 'detached', timeout: 30_000 });
    await clickToastButton(toast, 'Retry Failed');
    const again = await waitForNotification(page, 'Update alerts in customers: 1 updated in 1 customer.', 120_000).catch(async (error: Error) => {
      const seen = logSince(emu(), retryMark, 'GET', /./).concat(logSince(emu(), retryMark, 'PATCH', /./)).map(r => `${r.method} ${r.path} ${r.status}`);
      throw new Error(`${error.message}\ntoasts: ${JSON.stringify(await notifications(page))}\ncenter: ${JSON.stringify(await centerMessages(page))}\nrequests since Retry Failed: ${JSON.stringify(seen)}`);
    });
    // Only the refused alert, read back first and sent again, to its own tenant.
    assert.deepEqual(logSince(emu(), retryMark, 'PATCH', /\/security\/alerts_v2\//).map(w => ({ tenantId: w.tenantId, path: w.path, status: w.status, body: w.body, fault: w.fault })), [patch(refused, 200)]);
    assert.deepEqual(logSince(emu(), retryMark, 'GET', new RegExp(`/alerts_v2/${escape(refusedAlert.id)}$`)).map(r => r.tenantId), [refused.tenantId]);
    assert.deepEqual(emu().requests.filter(r => r.seq > mark && r.tenantId === readOnly.tenantId && /alerts_v2/.test(r.path)).map(r => `${r.method} ${r.path}`), [],
      'the read-only customer\'s alerts not even read');

    await clickToastButton(again, 'Show Report');
    const editor = page.locator('.editor-group-container .monaco-editor .view-lines').first();
    await editor.filter({ hasText: refused.name }).waitFor({ state: 'visible', timeout: 30_000 });
    // The report's lines (as many as the editor shows) joined by single spaces.
    const report = (await editor.innerText()).replace(/\s+/g, ' ');
    assert.match(report, /^# Update alerts in customers 1 updated in 1 customer — /);
    assert.match(report, new RegExp(`## ${escape(refused.name)} \\(${refused.tenantId}\\) \\| Item \\| Id \\| Result \\| Reason \\| \\|---\\|---\\|---\\|---\\| \\| ${escape(refusedAlert.title)} \\| ${escape(refusedAlert.id.replace(/_/g, '\\_'))} \\| updated \\| \\|`));
    await runCommand(page, 'View: Close All Editors');
  });

  it('Apply Posture… to all customers: Cancel during the writes lets those in flight finish and starts no further customer', async () => {
    const { page } = session();
    await runCommand(page, 'Notifications: Clear All Notifications');
    await page.keyboard.press('Control+P');
    await quickInputBox(page).fill(POSTURE_FILE);
    await quickInput(page).locator('.monaco-list-row').filter({ hasText: POSTURE_FILE }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .codelens-decoration').first().waitFor({ timeout: 120_000 });
    const mark = lastSeq(emu());
    // Every write of the action answers after 3 s: the first customers are still in flight when Cancel comes.
    emu().faults.add({ method: 'PATCH', path: new RegExp(`/secureScoreControlProfiles/${POSTURE_CONTROL}$`), count: 1_000, fault: { kind: 'delay', ms: 3_000 } });
    const writes = () => logSince(emu(), mark, 'PATCH', new RegExp(`/secureScoreControlProfiles/${POSTURE_CONTROL}$`));
    await runCommand(page, 'Security Posture: Apply Posture…');

    const dialog = await waitForDialog(page, /Apply customers\.posture\.yaml to \d+ customers/, 240_000);
    const total = Number(/to (\d+) customers/.exec(await dialog.innerText())?.[1]);
    assert.ok(total > 8, `more customers to write than are written at once (8): ${total}`);
    await clickDialogButton(dialog, 'Apply');

    const progress = await waitForNotification(page, /Applying customers\.posture\.yaml/, 120_000);
    // Cancel once the first writes are under way (and still waiting on the emulator).
    for (const deadline = Date.now() + 60_000; writes().length === 0;) {
      assert.ok(Date.now() < deadline, 'no write started');
      await page.waitForTimeout(100);
    }
    await progress.hover();
    await progress.locator('.monaco-button', { hasText: /^Cancel$/ }).click();

    const outcome = await waitForNotification(page, /^Apply customers\.posture\.yaml: .* not attempted \(canceled\)/, 120_000);
    const text = (await outcome.locator('.notification-list-item-message').innerText()).replace(/\s+/g, ' ');
    const done = Number(/ in (\d+) customers?/.exec(text)?.[1]);
    const notAttempted = Number(/(\d+) customers? not attempted/.exec(text)?.[1]);
    assert.ok(done >= 1 && notAttempted >= 1, `some customers written, some not started: ${text}`);
    assert.equal(done + notAttempted, total, `every customer of the confirmation is written or named not attempted: ${text}`);
    // The writes in flight finished (each answered 200 after the delay); no other customer got one.
    const written = writes();
    // Each write was held by the injected delay (so Cancel came while they were in flight) and then landed.
    assert.deepEqual([...new Set(written.map(w => `${w.fault} ${w.status}`))], ['delay 200'], 'every write delayed, then answered 200');
    assert.equal(new Set(written.map(w => w.tenantId)).size, done, 'only the customers started were written');
    assert.ok(written.every(w => w.tenantId !== emu().tenantId), 'nothing was written to the partner\'s own tenant');

    await clickToastButton(outcome, 'Show Report');
    // The report is longer than the editor shows (a virtual list): its Find widget counts the rows.
    const report = page.locator('.editor-group-container .monaco-editor', { has: page.locator('.view-lines', { hasText: '# Apply customers.posture.yaml' }) }).first();
    await report.waitFor({ state: 'visible', timeout: 30_000 });
    await report.locator('.view-lines').click();
    await page.keyboard.press('Control+F');
    // Found by its own class: once it scrolls to a match, the report's first line is no longer drawn.
    const find = page.locator('.editor-group-container .find-widget.visible');
    await find.locator('textarea, input').first().fill('Not attempted: Apply was canceled before this customer was started (1 change not sent)');
    await page.waitForFunction(el => /\d+ of \d+|No results/.test(el?.textContent ?? ''), await find.locator('.matchesCount').elementHandle(), { timeout: 10_000 });
    assert.match((await find.locator('.matchesCount').textContent()) ?? '', new RegExp(`^\\d+ of ${notAttempted}$`), 'one report row per customer not attempted');
    await page.keyboard.press('Escape');
    await runCommand(page, 'View: Close All Editors');
  });
});

