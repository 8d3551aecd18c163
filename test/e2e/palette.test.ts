/**
 * "Query Alerts…" as a person runs it: F1, the command, a query typed with completion, Enter;
 * the query row appears in the Alerts view. Invalid text shows where it is wrong.
 */
import * as assert from 'assert';
import type { Page } from 'playwright-core';
import { useWorkbench } from './session';
import { expand, focusPane, openViewContainer, restMouse, row, setSideBarWidth, waitForChildren, waitForRows } from './workbench';

const widget = (page: Page) => page.locator('.quick-input-widget');
const input = (page: Page) => widget(page).locator('.quick-input-box input');

/** Opens "Security Posture: Query Alerts…" from the command palette and waits for its own quick pick. */
async function openQueryAlerts(page: Page): Promise<void> {
  await page.keyboard.press('F1');
  await widget(page).waitFor({ state: 'visible', timeout: 10_000 });
  await input(page).fill('>Security Posture: Query Alerts');
  await widget(page).locator('.monaco-list-row').filter({ hasText: /^Security Posture: Query Alerts…/ }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await widget(page).locator('.quick-input-title').filter({ hasText: 'Query Alerts' }).waitFor({ timeout: 10_000 });
}

/** Labels and descriptions of the quick pick's rows, top to bottom. */
async function pickRows(page: Page): Promise<string[]> {
  return widget(page).locator('.monaco-list-row').evaluateAll(els => (els as HTMLElement[])
    .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
    .map(el => el.innerText.replace(/\s+/g, ' ').trim()));
}

async function waitForRow(page: Page, index: number, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (pattern.test((await pickRows(page))[index] ?? '')) {
      return;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`row ${index} never matched ${pattern}: ${JSON.stringify(await pickRows(page))}`);
}

async function waitForValue(page: Page, value: string): Promise<void> {
  await page.waitForFunction(v => (document.querySelector('.quick-input-widget .quick-input-box input') as HTMLInputElement | null)?.value === v, value, { timeout: 10_000 });
}

describe('Query Alerts from the command palette (sample tenant)', function () {
  this.timeout(120_000);
  const session = useWorkbench('palette', { 'securityPosture.dataSource': 'sample', 'workbench.colorTheme': 'Default Dark Modern' });

  before(async function () {
    this.timeout(120_000);
    await openViewContainer(session().page, 'Security Posture');
    await setSideBarWidth(session().page, 560);
    await waitForRows(await focusPane(session().page, 'Alerts'));
  });

  it('completes keys and values, runs the query, and shows the query row with its alerts', async () => {
    const { page } = session();
    await openQueryAlerts(page);
    // The first row runs what is typed; the completions follow: Down, Enter picks one.
    await input(page).pressSequentially('sev');
    await waitForRow(page, 1, /^severity:\s*Severity/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitForValue(page, 'severity:');
    await input(page).pressSequentially('hi');
    await waitForRow(page, 1, /^severity:high\s*High/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitForValue(page, 'severity:high ');
    await input(page).pressSequentially('"ransom"');
    await waitForRow(page, 0, /^severity:high "ransom"\s*Run query\s*Graph: severity eq 'high' · here: title or description contains "ransom"/);
    await session().screenshot('query-alerts-pick');
    await page.keyboard.press('Enter');
    await widget(page).waitFor({ state: 'hidden', timeout: 10_000 });

    const pane = await focusPane(page, 'Alerts');
    const query = await row(pane, /^severity:high "ransom", \d+ match/);
    await expand(query);
    const alerts = await waitForChildren(query);
    assert.ok(alerts.length > 0 && alerts.every(label => /ransom/i.test(label)), `alerts of the query: ${JSON.stringify(alerts)}`);
    await restMouse(page);
    await session().screenshot('query-alerts-row');
  });

  it('offers the last query next time, and points at the bad part of invalid text', async () => {
    const { page } = session();
    await openQueryAlerts(page);
    const offered = await pickRows(page);
    assert.ok(offered.some(label => label.includes('severity:high "ransom"')), `recent queries: ${JSON.stringify(offered)}`);
    await input(page).pressSequentially('severity:high sevrity:low');
    await waitForRow(page, 0, /characters 15–21\s*severity:high ⟪sevrity⟫:low — Unknown key "sevrity"; did you mean severity\?/);
    await session().screenshot('query-alerts-error');
    await page.keyboard.press('Enter');
    assert.ok(await widget(page).isVisible(), 'Enter on invalid text runs nothing');
    await page.keyboard.press('Escape');
    await widget(page).waitFor({ state: 'hidden', timeout: 10_000 });
  });
});
