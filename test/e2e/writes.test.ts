/**
 * Writes and query rows as a user makes them, on the HTTPS emulator (real MSAL sign-in, real
 * Graph client): right-click or the palette, the quick picks, the result on the row, and the
 * exact requests in the emulator's log. Classify Alert, Assign Alert, Update Alerts (dry run,
 * unchecking an alert, Show Report), Set Partner Alert Status, Plan / Clear plan, and query rows
 * (load more, edit, run again). Last, an app whose consent has no write permission: reads work,
 * the first write is refused by Graph and the user is told which permission and role it needs.
 * And VS Code's Microsoft sign-in: the first write asks VS Code for the write permission, with why.
 */
import * as assert from 'assert';
import type { Locator, Page } from 'playwright-core';
import type { SecurityAlert } from '../../src/graph/types';
import type { TenantDataset } from '../../src/sample/dataset';
import { generateTenant } from '../../src/sample/generator';
import type { Emulator, EmulatorClient, RequestLogEntry } from '../emulator/server';
import { useStandInWorkbench, useWorkbench, type Session } from './session';
import {
  acceptQuickPick, clickDialogButton, clickNotificationButton, collapse, expand, focusPane, openQueryAlerts, openViewContainer, pickQuickItem,
  quickInput, quickInputBox, quickPickRow, restMouse, row, rowLabels, rowStartingWith, runCommand, runContextMenuEntry, setSideBarWidth,
  waitForChildren, waitForDialog, waitForNotification, waitForQuickInput, waitForQuickInputValue, waitForQuickPickRow, waitForQuickPickRows,
  waitForRowTooltip, waitForRows, waitForStatusBarText,
} from './workbench';

const MINUTE = 60_000;
const ASSIGNEE = 'adele.vance@contoso-partners.example';

/** The alerts the tests change, renamed so each has a title of its own, and made recent so the default filter shows them. */
interface Targets {
  classify: SecurityAlert;
  assign: SecurityAlert;
  /** Three new low-severity alerts (A, B, C) and one in progress (D). */
  bulk: SecurityAlert[];
  partnerAlertId: string;
}

/** The seed tenant with a few alerts and a partner alert made recognizable; the tests' expectations are read from here. */
function writesTenant(): { dataset: TenantDataset; targets: Targets } {
  const dataset = generateTenant();
  const now = Date.now();
  const taken = new Set<SecurityAlert>();
  const take = (severity: string, status: string, title: string, minutesAgo: number): SecurityAlert => {
    const alert = dataset.alerts.find(a => a.severity === severity && a.status === status && !taken.has(a));
    assert.ok(alert, `the seed has a ${severity} alert with status ${status}`);
    taken.add(alert);
    const when = new Date(now - minutesAgo * MINUTE).toISOString();
    return Object.assign(alert, { title, createdDateTime: when, lastUpdateDateTime: when });
  };
  const classify = Object.assign(take('informational', 'new', 'E2E alert to classify', 1), { classification: 'unknown', determination: 'unknown' });
  const assign = Object.assign(take('medium', 'new', 'E2E alert to assign', 2), { assignedTo: null });
  const bulk = [
    take('low', 'new', 'E2E bulk A', 3), take('low', 'new', 'E2E bulk B', 4), take('low', 'new', 'E2E bulk C', 5), take('low', 'inProgress', 'E2E bulk D', 6),
  ];
  const partner = dataset.partnerAlerts.find(a => a.status === 'active');
  assert.ok(partner, 'the seed has an active partner alert');
  partner.displayName = 'E2E partner alert';
  return { dataset, targets: { classify, assign, bulk, partnerAlertId: partner.id } };
}

/** The Graph writes the emulator received after `mark`, inner `$batch` requests included, as method, path and body. */
function writesSince(emulator: Emulator, mark: number): Array<Pick<RequestLogEntry, 'method' | 'path' | 'body' | 'status' | 'inBatch'>> {
  return emulator.requests
    .filter(r => r.seq > mark && r.method !== 'GET' && /^\/(v1\.0|beta)\//i.test(r.path) && !/\/\$batch(\?|$)/.test(r.path))
    .map(({ method, path, body, status, inBatch }) => ({ method, path, body, status, inBatch }));
}

const lastSeq = (emulator: Emulator) => emulator.requests.at(-1)?.seq ?? 0;

/** The decoded paths of the alert list reads after `mark` whose query matches `filter`. */
function alertReads(emulator: Emulator, mark: number, filter: RegExp): string[] {
  return emulator.requests
    .filter(r => r.seq > mark && r.method === 'GET' && /\/security\/alerts_v2\?/.test(r.path))
    .map(r => decodeURIComponent(r.path))
    .filter(path => filter.test(path));
}

/** Starts the emulator on `dataset` and a workbench signed in to it (app-only, `environment`), with the Security Posture container open. */
function useEmulatorWorkbench(name: string, dataset: TenantDataset, clients?: EmulatorClient[]): { session: () => Session; emulator: () => Emulator } {
  let emulator: Emulator | undefined;
  const session = useWorkbench(name, async () => {
    const { startEmulator, extensionEnvironment, extensionSettings } = await import('../emulator/server');
    emulator = await startEmulator({ dataset, clients });
    return { settings: { ...extensionSettings(emulator), 'workbench.colorTheme': 'Default Dark Modern' }, env: extensionEnvironment(emulator) };
  });
  before(async function () {
    this.timeout(300_000); // a loaded machine may take minutes to start the extension host
    await openViewContainer(session().page, 'Security Posture');
    await setSideBarWidth(session().page, 560);
  });
  after(async () => {
    await emulator?.stop();
  });
  return {
    session,
    emulator: () => {
      assert.ok(emulator, 'the emulator started');
      return emulator;
    },
  };
}

/** The Alerts view with only it expanded, and the severity group `group` (e.g. "Low") expanded. */
async function alertGroup(page: Page, group: string): Promise<{ pane: Locator; header: Locator }> {
  const pane = await focusPane(page, 'Alerts');
  const header = await row(pane, new RegExp(`^${group} \\(\\d+\\)`), 90_000);
  await expand(header);
  await waitForChildren(header);
  return { pane, header };
}

describe('Writes and query rows through the UI (HTTPS emulator)', function () {
  this.timeout(180_000);
  const { dataset, targets } = writesTenant();
  const seed = structuredClone(dataset);
  const { session, emulator } = useEmulatorWorkbench('writes', dataset);

  it('Classify Alert offers only the determinations of the chosen classification and sends exactly that', async () => {
    const { page } = session();
    const { pane, header } = await alertGroup(page, 'Informational');
    await row(pane, /^E2E alert to classify, /);
    const target = rowStartingWith(pane, 'E2E alert to classify, ');
    const mark = lastSeq(emulator());
    await runContextMenuEntry(target, 'Classify Alert…');
    await waitForQuickInput(page, 'Classify Alert (1/2): classification');
    assert.deepEqual(await waitForQuickPickRows(page, shown => shown.length === 3, 'three classifications'),
      ['True positive', 'Informational, expected activity', 'False positive']);
    await pickQuickItem(page, 'True positive');
    await waitForQuickInput(page, 'Classify Alert (2/2): True positive because…');
    assert.deepEqual(await waitForQuickPickRows(page, shown => shown.length === 8, 'the determinations of a true positive'), [
      'Multi-staged attack', 'Malicious user activity', 'Compromised account', 'Malware', 'Phishing', 'Unwanted software', 'Advanced persistent threat', 'Other',
    ]);
    await pickQuickItem(page, 'Phishing');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 10_000 });

    const tooltip = await waitForRowTooltip(target, /Classification: True positive \(phishing\)/);
    assert.match(tooltip, /Status: New/);
    assert.deepEqual(writesSince(emulator(), mark), [{
      method: 'PATCH', path: `/v1.0/security/alerts_v2/${targets.classify.id}`, body: { classification: 'truePositive', determination: 'phishing' }, status: 200, inBatch: false,
    }]);
    await collapse(header);
  });

  it('Assign Alert refuses an address that is not a UPN, then assigns and shows the assignee on the row', async () => {
    const { page } = session();
    const { pane, header } = await alertGroup(page, 'Medium');
    await row(pane, /^E2E alert to assign, .* · unassigned$/);
    const target = rowStartingWith(pane, 'E2E alert to assign, ');
    const mark = lastSeq(emulator());
    await runContextMenuEntry(target, 'Assign Alert…');
    await waitForQuickInput(page, 'Assign Alert');
    await quickInputBox(page).fill('not an address');
    await quickInput(page).locator('.quick-input-message', { hasText: 'is not a user principal name' }).waitFor({ timeout: 10_000 });
    await quickInputBox(page).press('Enter');
    assert.ok(await quickInput(page).isVisible(), 'Enter on an invalid assignee keeps the input open');
    await quickInputBox(page).fill(ASSIGNEE);
    await quickInputBox(page).press('Enter');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 10_000 });

    await row(pane, new RegExp(`^E2E alert to assign, .* · New · .* · → ${ASSIGNEE.replace(/\./g, '\\.')}$`), 60_000);
    assert.deepEqual(writesSince(emulator(), mark), [{
      method: 'PATCH', path: `/v1.0/security/alerts_v2/${targets.assign.id}`, body: { assignedTo: ASSIGNEE }, status: 200, inBatch: false,
    }]);
    await collapse(header);
  });

  it('Update Alerts shows a dry run, leaves out an unchecked alert, and reports each alert', async () => {
    const { page, screenshot } = session();
    const { pane, header } = await alertGroup(page, 'Low');
    const [a, b, c, d] = targets.bulk;
    for (const title of ['E2E bulk A', 'E2E bulk B', 'E2E bulk C', 'E2E bulk D']) {
      await row(pane, `${title}, `);
      await rowStartingWith(pane, `${title}, `).click(title === 'E2E bulk A' ? undefined : { modifiers: ['Control'] });
    }
    const rowD = rowStartingWith(pane, 'E2E bulk D, ');
    assert.equal(await pane.locator('.monaco-list-row.selected').count(), 4, 'four alerts selected');
    const mark = lastSeq(emulator());
    await runContextMenuEntry(rowD, 'Update Alerts…');
    await waitForQuickInput(page, 'Update 4 alerts');
    await pickQuickItem(page, 'Set status…');
    await waitForQuickInput(page, 'Set Alert Status');
    await pickQuickItem(page, 'In progress');

    await waitForQuickInput(page, 'Preview: 3 of 4 alerts change — Enter applies to the checked ones');
    const preview = await waitForQuickPickRows(page, shown => shown.length === 4, 'the four alerts');
    assert.deepEqual(preview, [
      `E2E bulk A Low · ${a.id} status: New → In progress`,
      `E2E bulk B Low · ${b.id} status: New → In progress`,
      `E2E bulk C Low · ${c.id} status: New → In progress`,
      `E2E bulk D Low · ${d.id} no change: already so`,
    ]);
    await pickQuickItem(page, 'E2E bulk B'); // unchecks it
    await page.waitForFunction(() => document.querySelectorAll('.quick-input-widget .monaco-list-row[aria-checked="true"]').length === 2, undefined, { timeout: 10_000 });
    assert.equal(await quickPickRow(page, 'E2E bulk B').getAttribute('aria-checked'), 'false', 'B is unchecked');
    await screenshot('update-alerts-preview');
    await acceptQuickPick(page);

    const toast = await waitForNotification(page, 'Update alerts: 2 updated, 2 unchanged.');
    await row(pane, /^E2E bulk A, .* · In progress · /, 60_000);
    await row(pane, /^E2E bulk C, .* · In progress · /, 60_000);
    const labels = await rowLabels(pane);
    assert.ok(labels.some(l => /^E2E bulk B, .* · New · /.test(l)), `B stays new: ${JSON.stringify(labels)}`);
    assert.ok(labels.some(l => /^E2E bulk D, .* · In progress · /.test(l)), `D stays in progress: ${JSON.stringify(labels)}`);
    assert.deepEqual(writesSince(emulator(), mark).sort((x, y) => x.path.localeCompare(y.path)), [a, c].map(alert => ({
      method: 'PATCH', path: `/v1.0/security/alerts_v2/${alert.id}`, body: { status: 'inProgress' }, status: 200, inBatch: true,
    })).sort((x, y) => x.path.localeCompare(y.path)));

    await clickNotificationButton(toast, 'Show Report');
    const editor = page.locator('.editor-group-container .monaco-editor .view-lines').first();
    await editor.filter({ hasText: 'E2E bulk D' }).waitFor({ state: 'visible', timeout: 30_000 });
    const report = (await editor.innerText()).replace(/\u00a0/g, ' ');
    assert.match(report, /# Update alerts/);
    assert.match(report, /2 updated, 2 unchanged/);
    for (const [alert, outcome] of [[a, 'updated'], [b, 'unchanged'], [c, 'updated'], [d, 'unchanged']] as const) {
      // The report escapes Markdown in cells: an id's "_" shows as "\_".
      assert.match(report, new RegExp(`\\| ${alert.title} \\| ${alert.id.replace(/_/g, '\\\\_')} \\| ${outcome} \\|`), `${alert.title} ${outcome}`);
    }
    await screenshot('update-alerts-report');
    await runCommand(page, 'View: Close All Editors');
    await collapse(header);
  });

  it('Set Partner Alert Status resolves a partner alert with a reason; it moves to Resolved with its activity', async () => {
    const { page } = session();
    const pane = await focusPane(page, 'Partner Security');
    const requirements = await row(pane, /^Requirements, /, 90_000);
    await collapse(requirements);
    const alertsRow = await row(pane, /^Partner alerts, /);
    await expand(alertsRow);
    const active = await row(pane, /^Active \(2\)/);
    await expand(active);
    await row(pane, /^E2E partner alert, /);
    const target = rowStartingWith(pane, 'E2E partner alert, ');
    const mark = lastSeq(emulator());
    await runContextMenuEntry(target, 'Set Partner Alert Status…');
    await waitForQuickInput(page, 'Set Status of "E2E partner alert"');
    await waitForQuickPickRow(page, 0, /^Active current$/);
    await pickQuickItem(page, 'Resolved');
    await waitForQuickInput(page, 'Resolved because…');
    assert.deepEqual(await waitForQuickPickRows(page, shown => shown.length === 3, 'three reasons'), ['Legitimate activity', 'Ignore', 'Fraud']);
    await pickQuickItem(page, 'Fraud');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 10_000 });

    await row(pane, /^Active \(1\)/, 60_000);
    const resolved = await row(pane, new RegExp(`^Resolved \\(${seed.partnerAlerts.filter(x => x.status === 'resolved').length + 1}\\)`));
    await expand(resolved);
    await row(pane, /^E2E partner alert, /);
    const moved = rowStartingWith(pane, 'E2E partner alert, ');
    await expand(moved);
    const activity = await waitForChildren(moved);
    assert.match(activity[0], /^Active → Resolved, .* · by /, JSON.stringify(activity));
    assert.deepEqual(writesSince(emulator(), mark), [{
      method: 'PATCH', path: `/beta/security/partner/securityAlerts/${targets.partnerAlertId}`, body: { status: 'resolved', resolvedReason: 'fraud' }, status: 200, inBatch: false,
    }]);
  });

  it('Plan Improvement Actions ticks the chosen rows and projects the score; Clear Planned unticks them; nothing is sent to Graph', async () => {
    const { page } = session();
    const pane = await focusPane(page, 'Improvement Actions');
    await waitForRows(pane, 2, 90_000);
    const before = await waitForStatusBarText(page, /^\d+(\.\d+)?%$/);
    const mark = lastSeq(emulator());
    await runCommand(page, 'Security Posture: Plan Improvement Actions…');
    await waitForQuickInput(page, 'Plan Improvement Actions (what-if projection)');
    const offered = await waitForQuickPickRows(page, shown => shown.length >= 2, 'improvement actions');
    // "<title> +<points> points · <category> · <impact> impact", most points first.
    const planned = offered.slice(0, 2).map(text => {
      const match = /^(.*) \+([\d.]+) points · (\w+) · /.exec(text);
      assert.ok(match, `a plan item: ${text}`);
      return { title: match[1], gain: Number(match[2]), category: match[3] };
    });
    assert.ok(planned.every(p => p.gain > 0), JSON.stringify(planned));
    for (const p of planned) {
      await pickQuickItem(page, p.title);
    }
    await acceptQuickPick(page);

    const projected = await waitForStatusBarText(page, /^\d+(\.\d+)?% → \d+(\.\d+)?%$/);
    const [from, to] = projected.split(' → ');
    assert.equal(from, before, 'the current percent stays');
    assert.ok(parseFloat(to) > parseFloat(from), `projected ${projected}`);
    for (const p of planned) {
      const group = await row(pane, new RegExp(`^${p.category}\\b`));
      await expand(group);
      await waitForPlanned(await row(pane, `${p.title}, `), true);
    }

    await runCommand(page, 'Security Posture: Clear Planned Improvement Actions');
    assert.equal(await waitForStatusBarText(page, /^\d+(\.\d+)?%$/), before);
    for (const p of planned) {
      await waitForPlanned(await row(pane, `${p.title}, `), false);
    }
    assert.deepEqual(writesSince(emulator(), mark), [], 'planning is local');
  });

  it('Query rows: Load more reads the next page, Edit runs the edited query, Run Again shows a change made elsewhere', async () => {
    const { page } = session();
    const alertsPane = await focusPane(page, 'Alerts');
    // The query row comes after the severity groups and "Home" must bring it into the (virtual)
    // list: a group a write's refresh left open would push it out of view.
    for (const group of ['High', 'Medium', 'Low', 'Informational']) {
      await collapse(await row(alertsPane, new RegExp(`^${group} \\(\\d+\\)`)));
    }
    // The seed's alerts of the last 180 days (243 in all, 3 of them older ones for the newer service sources).
    const recent = seed.alerts.filter(a => Date.parse(a.createdDateTime) >= Date.now() - 180 * 86_400_000).length;
    assert.equal(seed.alerts.length, 243, 'the seed tenant has 243 alerts');
    let mark = lastSeq(emulator());
    await openQueryAlerts(page);
    await quickInputBox(page).fill('since:180d');
    await waitForQuickPickRow(page, 0, /^since:180d Run query/);
    await page.keyboard.press('Enter');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 10_000 });
    const pane = await focusPane(page, 'Alerts');
    const query = await row(pane, /^since:180d, 200\+ matches/, 60_000);
    await expand(query);
    // "Load more" is the query's 201st row: End brings it into the (virtual) list.
    await pane.locator('.monaco-list').first().focus();
    await page.keyboard.press('End');
    const more = await row(pane, /^Load more, 200 shown of 200 read$/);
    await more.click();
    await page.keyboard.press('Home');
    // No "+": the row says every alert is read, so there is no "Load more" any more.
    const loaded = await row(pane, new RegExp(`^since:180d, ${recent} matches · `), 60_000);
    // The query's reads (the watcher polls new high-severity alerts meanwhile, with its own filter).
    const pages = alertReads(emulator(), mark, /\$filter=createdDateTime ge [\d-]+T[\d:]+Z(&|$)/);
    assert.equal(pages.length, 2, JSON.stringify(pages));
    assert.match(pages[0], /\$top=200&/);
    assert.match(pages[1], /\$skip(token)?=200/);
    await collapse(loaded);

    await runContextMenuEntry(rowStartingWith(pane, 'since:180d, '), 'Edit Alert Query…');
    await waitForQuickInput(page, 'Query Alerts');
    await waitForQuickInputValue(page, 'since:180d');
    await quickInputBox(page).press('End');
    await quickInputBox(page).pressSequentially(' severity:high status:new');
    await waitForQuickPickRow(page, 0, /^since:180d severity:high status:new Run query/);
    await page.keyboard.press('Enter');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 10_000 });
    const highNew = seed.alerts.filter(x => x.severity === 'high' && x.status === 'new');
    assert.equal(highNew.length, 3, 'the seed has three new high-severity alerts');
    const edited = await row(pane, /^since:180d severity:high status:new, 3 matches/, 60_000);
    await expand(edited);
    const titles = (list: SecurityAlert[]) => list.map(x => x.title).sort();
    assert.deepEqual((await waitForChildren(edited)).map(l => l.split(', ')[0]).sort(), titles(highNew));

    // Someone resolves one of them in the Defender portal; Run Again shows it.
    const [gone, ...left] = highNew;
    const answer = emulator().engine.handle(
      { method: 'PATCH', url: `/v1.0/security/alerts_v2/${gone.id}`, headers: {}, body: { status: 'resolved' } },
      { tenantId: dataset.tenantId, upn: ASSIGNEE, appOnly: false, permissions: ['SecurityAlert.ReadWrite.All'] },
    );
    assert.equal(answer.status, 200);
    mark = lastSeq(emulator());
    await runContextMenuEntry(rowStartingWith(pane, 'since:180d severity:high status:new, '), 'Run Alert Query Again');
    const rerun = await row(pane, /^since:180d severity:high status:new, 2 matches/, 60_000);
    assert.deepEqual((await waitForChildren(rerun)).map(l => l.split(', ')[0]).sort(), titles(left));
    const again = alertReads(emulator(), mark, /status eq 'new'/);
    assert.equal(again.length, 1, JSON.stringify(again));
    assert.match(again[0], /\$filter=.*severity eq 'high'.*status eq 'new'/);
    await restMouse(page);
  });
});

describe('The first write with an app that has no write permission (HTTPS emulator)', function () {
  this.timeout(180_000);
  const { dataset, targets } = writesTenant();
  const readOnly: EmulatorClient = {
    clientId: '3b0e6f2a-5c1d-4e8f-9a7b-2d4c6e8f0a1b',
    secret: `emu8Q~readonly-${Date.now()}`,
    roles: ['SecurityEvents.Read.All', 'SecurityAlert.Read.All', 'PartnerSecurity.Read.All'],
  };
  const { session, emulator } = useEmulatorWorkbench('writes-read-only', dataset, [readOnly]);

  it('reads, then refuses the first write with the permission and role it needs; the row and Graph are unchanged', async () => {
    const { page } = session();
    const { pane } = await alertGroup(page, 'Informational');
    await row(pane, /^E2E alert to classify, [^·]+ · New · [^·]+ · unassigned$/);
    const target = rowStartingWith(pane, 'E2E alert to classify, ');
    const mark = lastSeq(emulator());
    await classifyFalsePositive(page, target);
    await quickInput(page).waitFor({ state: 'hidden', timeout: 10_000 });

    const toast = await waitForNotification(page, /"E2E alert to classify" was not changed\./);
    const message = await toast.locator('.notification-list-item-message').innerText();
    assert.match(message, /Access denied by Microsoft Graph\. It needs the SecurityAlert\.ReadWrite\.All permission \(admin consent\) and the Security Operator or Security Administrator role\./);
    // Back to what it was (not "Updating…").
    await row(pane, /^E2E alert to classify, [^·]+ · New · [^·]+ · unassigned$/);
    assert.deepEqual(writesSince(emulator(), mark), [{
      method: 'PATCH', path: `/v1.0/security/alerts_v2/${targets.classify.id}`, body: { classification: 'falsePositive', determination: 'notMalicious' }, status: 403, inBatch: false,
    }]);
    const stored = emulator().engine.handle(
      { method: 'GET', url: `/v1.0/security/alerts_v2/${targets.classify.id}`, headers: {}, body: undefined },
      { tenantId: dataset.tenantId, upn: null, appOnly: true, permissions: ['SecurityAlert.Read.All'] },
    ).body as SecurityAlert;
    assert.deepEqual({ classification: stored.classification, determination: stored.determination }, { classification: 'unknown', determination: 'unknown' });
  });
});

describe('VS Code\'s Microsoft sign-in asks for the write permission at the first write (HTTPS emulator)', function () {
  // VS Code's own authentication API and prompts, with a stand-in for its Microsoft provider (real
  // Entra is out of reach): test/fixtures/auth-stand-in signs in to the emulator by device code.
  this.timeout(240_000);
  const { dataset, targets } = writesTenant();
  // The write permissions need the user's own consent (incremental consent): VS Code's provider
  // cannot get them silently, so VS Code shows its modal (with a silent token it shows none).
  const { session, emulator: emu, standIn } = useStandInWorkbench('vscode-sign-in', {
    dataset, consentScopes: ['SecurityEvents.ReadWrite.All', 'SecurityAlert.ReadWrite.All'], sideBarWidth: 560,
  });
  /** The scope sets VS Code asked the stand-in provider to sign in with, in order. */
  const sessionsCreated = (): string[][] => standIn().filter(e => e.created).map(e => e.scopes);
  const graph = () => emu().url;

  it('signs in through VS Code\'s prompt with read permissions only', async () => {
    const { page } = session();
    await runCommand(page, 'Security Posture: Sign In to Microsoft');
    const dialog = await waitForDialog(page, /wants to sign in using Microsoft Sovereign Cloud/);
    assert.match(await dialog.innerText(), /Security Posture reads your Microsoft Secure Score, improvement actions and security alerts through Microsoft Graph\./);
    await clickDialogButton(dialog, 'Allow');
    const { pane } = await alertGroup(page, 'Informational');
    await row(pane, /^E2E alert to classify, [^·]+ · New · [^·]+ · unassigned$/, 90_000);
    assert.deepEqual(sessionsCreated(), [[
      `${graph()}/SecurityEvents.Read.All`, `${graph()}/SecurityAlert.Read.All`, `VSCODE_CLIENT_ID:${emu().clients[0].clientId}`, `VSCODE_TENANT:${emu().tenantId}`,
    ]]);
  });

  it('asks again at the first write, saying why and which permission; Cancel changes nothing', async () => {
    const { page } = session();
    const { pane } = await alertGroup(page, 'Informational');
    const target = rowStartingWith(pane, 'E2E alert to classify, ');
    const mark = lastSeq(emu());
    await classifyFalsePositive(page, target);
    const dialog = await waitForDialog(page, /wants to sign in using Microsoft Sovereign Cloud/);
    assert.match(await dialog.innerText(), /Updating security alerts\. This needs the SecurityAlert\.ReadWrite\.All permission\./);
    await clickDialogButton(dialog, 'Cancel');
    await waitForNotification(page, /^Nothing was changed: Updating security alerts needs the SecurityAlert\.ReadWrite\.All permission, which was not granted\./);
    await row(pane, /^E2E alert to classify, [^·]+ · New · [^·]+ · unassigned$/);
    assert.deepEqual(writesSince(emu(), mark), []);
    assert.equal(sessionsCreated().length, 1, 'no write session was created');
  });

  it('Allow signs in with the write permission and sends the change once', async () => {
    const { page } = session();
    const { pane } = await alertGroup(page, 'Informational');
    const target = rowStartingWith(pane, 'E2E alert to classify, ');
    const mark = lastSeq(emu());
    await classifyFalsePositive(page, target);
    const dialog = await waitForDialog(page, /Updating security alerts\. This needs the SecurityAlert\.ReadWrite\.All permission\./);
    await clickDialogButton(dialog, 'Allow');
    // The row's tooltip shows the classification once Graph's answer is in the store.
    const tooltip = await waitForRowTooltip(target, /Classification: False positive \(notMalicious\)/);
    assert.match(tooltip, /Status: New/);
    assert.deepEqual(writesSince(emu(), mark), [{
      method: 'PATCH', path: `/v1.0/security/alerts_v2/${targets.classify.id}`, body: { classification: 'falsePositive', determination: 'notMalicious' }, status: 200, inBatch: false,
    }]);
    assert.deepEqual(sessionsCreated()[1], [`${graph()}/SecurityAlert.ReadWrite.All`, `VSCODE_CLIENT_ID:${emu().clients[0].clientId}`, `VSCODE_TENANT:${emu().tenantId}`]);
  });
});

/** Right-click → Classify Alert… → False positive → Not malicious, through the quick picks. */
async function classifyFalsePositive(page: Page, target: Locator): Promise<void> {
    await runContextMenuEntry(target, 'Classify Alert…');
    await waitForQuickInput(page, 'Classify Alert (1/2): classification');
    await pickQuickItem(page, 'False positive');
    await waitForQuickInput(page, 'Classify Alert (2/2): False positive because…');
    await pickQuickItem(page, 'Not malicious');
}

/** Waits until the row's "planned" checkbox is (un)checked. */
async function waitForPlanned(target: Locator, checked: boolean): Promise<void> {
  await target.locator(`.custom-view-tree-node-item-checkbox[aria-checked="${checked}"]`).waitFor({ state: 'attached', timeout: 30_000 });
}
