/**
 * "Query Alerts…" as a person runs it: F1, the command, a query typed with completion, Enter;
 * the query row appears in the Alerts view. Invalid text shows where it is wrong.
 */
import * as assert from 'assert';
import { useWorkbench } from './session';
import {
  chooseQuickPickRowByKeyboard, expand, focusPane, openQueryAlerts, openViewContainer, quickInput, quickInputBox, quickPickRows, restMouse, row, setSideBarWidth,
  waitForChildren, waitForQuickInputValue, waitForQuickPickRow, waitForRows,
} from './workbench';

describe('Query Alerts from the command palette (sample tenant)', function () {
  this.timeout(120_000);
  const session = useWorkbench('palette', { 'securityPosture.dataSource': 'sample', 'workbench.colorTheme': 'Default Dark Modern' });

  before(async function () {
    this.timeout(300_000); // a loaded machine may take minutes to show the first rows
    await openViewContainer(session().page, 'Security Posture');
    await setSideBarWidth(session().page, 560);
    await waitForRows(await focusPane(session().page, 'Alerts'));
  });

  it('completes keys and values, runs the query, and shows the query row with its alerts', async () => {
    const { page } = session();
    await openQueryAlerts(page);
    // The first row runs what is typed; the completions follow: Down, Enter picks one.
    await quickInputBox(page).pressSequentially('sev');
    await chooseQuickPickRowByKeyboard(page, 1, /^severity:\s*Severity/);
    await waitForQuickInputValue(page, 'severity:');
    await quickInputBox(page).pressSequentially('hi');
    await chooseQuickPickRowByKeyboard(page, 1, /^severity:high\s*High/);
    await waitForQuickInputValue(page, 'severity:high ');
    await quickInputBox(page).pressSequentially('"ransom"');
    await waitForQuickPickRow(page, 0, /^severity:high "ransom"\s*Run query\s*Graph: severity eq 'high' · here: title or description contains "ransom"/);
    await session().screenshot('query-alerts-pick');
    await page.keyboard.press('Enter');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 10_000 });

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
    const offered = await quickPickRows(page);
    assert.ok(offered.some(label => label.includes('severity:high "ransom"')), `recent queries: ${JSON.stringify(offered)}`);
    await quickInputBox(page).pressSequentially('severity:high sevrity:low');
    await waitForQuickPickRow(page, 0, /characters 15–21\s*severity:high ⟪sevrity⟫:low — Unknown key "sevrity"; did you mean severity\?/);
    await session().screenshot('query-alerts-error');
    await page.keyboard.press('Enter');
    assert.ok(await quickInput(page).isVisible(), 'Enter on invalid text runs nothing');
    await page.keyboard.press('Escape');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 10_000 });
  });
});
