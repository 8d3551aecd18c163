/**
 * The Security Posture views in a real workbench, on the built-in sample tenant.
 * Rows are read by their aria-label, "<label>, <description>" for items with a description.
 */
import * as assert from 'assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useSampleWorkbench } from './session';
import {
  contextMenuEntries, expand, expandAllPanes, firstChild, focusPane, notifications,
  paneDescription, restMouse, row, rowLabels, runCommand, viewPane, waitForChildren, waitForRows,
} from './workbench';

const views = ['Secure Score', 'Improvement Actions', 'Alerts', 'Partner Security'];

/** The "Refresh done" lines of the extension's log (its output channel, as the extension host wrote it). */
function refreshesLogged(userDataDir: string): string[] {
  const lines: string[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        visit(full);
      } else if (full.endsWith(path.join('security-posture.security-posture', 'Security Posture.log'))) {
        lines.push(...fs.readFileSync(full, 'utf8').split('\n').filter(line => line.includes('Refresh done: ')));
      }
    }
  };
  visit(path.join(userDataDir, 'logs'));
  return lines;
}
const severityGroup = /^(High|Medium|Low|Informational|Unknown)\b[^,]*\(\d+\)/;

describe('Security Posture views (sample tenant)', function () {
  this.timeout(120_000);
  const session = useSampleWorkbench('sample');

  afterEach(async function () {
    await expandAllPanes(session().page);
  });

  it('shows the four views with rows, marked "Sample tenant"', async function () {
    const { page } = session();
    for (const title of views) {
      const pane = viewPane(page, title);
      const labels = await waitForRows(pane);
      assert.ok(labels.length > 0, `${title} shows rows`);
      assert.match(await paneDescription(pane), /Sample tenant/, `${title} says it shows the sample tenant`);
    }
    await restMouse(page);
    await session().screenshot('overview');
  });

  it('Secure Score: shows the score and its categories', async function () {
    const { page } = session();
    const pane = await focusPane(page, 'Secure Score');
    await row(pane, /^Secure Score,?\s+[\d.]+\s*\/\s*[\d.]+\s*\([\d.]+%\)/);
    const categories = await row(pane, /^Categories\b/);
    await expand(categories);
    const children = await waitForChildren(categories);
    assert.ok(children.some(label => label.startsWith('Identity')), `categories: ${JSON.stringify(children)}`);
    await session().screenshot('secure-score');
  });

  it('Improvement Actions: groups by category; a control has its actions', async function () {
    const { page } = session();
    const pane = await focusPane(page, 'Improvement Actions');
    await waitForRows(pane);
    const labels = await rowLabels(pane);
    for (const category of ['Identity', 'Data', 'Device', 'Apps', 'Infrastructure']) {
      assert.ok(labels.some(label => label.startsWith(category)), `category ${category} in ${JSON.stringify(labels)}`);
    }
    const identity = await row(pane, /^Identity\b/);
    await expand(identity);
    const control = await firstChild(identity);
    const entries = await contextMenuEntries(control, () => session().screenshot('improvement-actions-menu'));
    assert.ok(entries.includes('Open Action Page'), `menu of a control: ${JSON.stringify(entries)}`);
    assert.ok(entries.includes('Copy ID'), `menu of a control: ${JSON.stringify(entries)}`);
    await restMouse(page);
    await session().screenshot('improvement-actions');
  });

  it('Alerts: groups by severity; an alert opens in the Defender portal', async function () {
    const { page } = session();
    const pane = await focusPane(page, 'Alerts');
    await waitForRows(pane);
    const group = await row(pane, severityGroup);
    await expand(group);
    const alert = await firstChild(group);
    const entries = await contextMenuEntries(alert, () => session().screenshot('alerts-menu'));
    assert.ok(entries.includes('Open in Microsoft Defender Portal'), `menu of an alert: ${JSON.stringify(entries)}`);
    assert.ok(entries.includes('Copy ID'), `menu of an alert: ${JSON.stringify(entries)}`);
    await restMouse(page);
    await session().screenshot('alerts');
  });

  it('Partner Security: score, requirements, history, customers, partner alerts', async function () {
    const { page } = session();
    const pane = await focusPane(page, 'Partner Security');
    await row(pane, /^Partner security score,?\s+\d+\s*\/\s*\d+/);
    for (const group of ['Requirements', 'History', 'Customers', 'Partner alerts']) {
      await row(pane, group);
    }
    const requirements = await row(pane, 'Requirements');
    await expand(requirements);
    const requirement = await firstChild(requirements);
    const entries = await contextMenuEntries(requirement, () => session().screenshot('partner-menu'));
    assert.ok(entries.includes('Copy ID'), `menu of a requirement: ${JSON.stringify(entries)}`);
    assert.ok(entries.some(entry => entry === 'Open Action Page' || entry === 'Open Help'), `menu of a requirement: ${JSON.stringify(entries)}`);
    await restMouse(page);
    await session().screenshot('partner-security');
  });

  it('runs "Security Posture: Refresh" from the command palette', async function () {
    const { page, server } = session();
    const done = () => refreshesLogged(server.userDataDir);
    const before = done().length;
    await runCommand(page, 'Security Posture: Refresh');
    // The refresh has ended (its log line is written) before "no error notification" is looked for.
    const deadline = Date.now() + 30_000;
    while (done().length === before) {
      assert.ok(Date.now() < deadline, 'the refresh was logged as done');
      await page.waitForTimeout(100);
    }
    assert.match(done().at(-1)!, /scores ready, profiles ready, alerts ready, partner ready, customers ready, partnerAlerts ready/);
    for (const title of views) {
      await waitForRows(viewPane(page, title));
    }
    const errors = (await notifications(page)).filter(n => n.severity === 'error');
    assert.deepStrictEqual(errors, [], 'no error notification after a refresh');
  });
});
