/**
 * Writes as a user makes them: right-click an improvement action, choose a state in the quick
 * pick, type the comment, and watch the row change.
 */
import * as assert from 'assert';
import { useSampleWorkbench } from './session';
import { expand, focusPane, restMouse, row, rowByLabel, runContextMenuEntry, waitForChildren, waitForRows } from './workbench';

describe('Updating from the tree (sample tenant)', function () {
  this.timeout(120_000);
  const session = useSampleWorkbench('updates');

  it('sets an improvement action to "Resolved through third party" from its context menu', async function () {
    const { page } = session();
    const pane = await focusPane(page, 'Improvement Actions');
    await waitForRows(pane);
    const identity = await row(pane, /^Identity\b/);
    await expand(identity);
    const children = await waitForChildren(identity);
    const target = children.find(label => /To address/.test(label));
    assert.ok(target, `an action still to address among ${JSON.stringify(children)}`);
    const title = target.split(',')[0];
    const control = rowByLabel(pane, target);
    await runContextMenuEntry(control, 'Set State of Improvement Action…');

    const quick = page.locator('.quick-input-widget');
    await quick.waitFor({ state: 'visible', timeout: 10_000 });
    await quick.locator('.monaco-list-row', { hasText: 'Resolved through third party' }).first().click();
    const input = quick.locator('.quick-input-box input');
    await quick.locator('.quick-input-title', { hasText: 'comment' }).waitFor({ timeout: 10_000 });
    // An empty comment is refused with a message, and nothing is sent.
    await input.press('Enter');
    await quick.locator('.quick-input-message', { hasText: 'comment is required' }).waitFor({ timeout: 10_000 });
    await input.fill('Enforced by our identity gateway');
    await input.press('Enter');
    await quick.locator('.quick-input-title', { hasText: 'assignee' }).waitFor({ timeout: 10_000 });
    await input.fill('not an address');
    await quick.locator('.quick-input-message', { hasText: 'not a user principal name' }).waitFor({ timeout: 10_000 });
    await input.fill('secops@contoso-partners.example');
    await input.press('Enter');
    await quick.waitFor({ state: 'hidden', timeout: 10_000 });

    const updated = pane.locator('.monaco-list-row', { hasText: title }).first();
    await page.waitForFunction(
      ([selector, name]) => Array.from(document.querySelectorAll(selector)).some(el => (el.getAttribute('aria-label') ?? '').startsWith(`${name},`) && /Resolved through third party · awaiting Microsoft sync/.test(el.getAttribute('aria-label') ?? '')),
      ['.monaco-list-row', title] as const, { timeout: 15_000 });
    await restMouse(page);
    await session().screenshot('improvement-action-updated');
    await updated.click();
    await expand(updated);
    const history = await waitForChildren(updated);
    assert.ok(history.some(h => /^Resolved through third party,.*by megan\.bowen@contoso-partners\.example.*secops@contoso-partners\.example.*"Enforced by our identity gateway"/.test(h)), JSON.stringify(history));
  });
});
