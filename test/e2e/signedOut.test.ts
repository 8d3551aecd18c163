/**
 * Graph as the data source without any credentials: the views offer sign-in and the
 * sample tenant instead of an error.
 */
import * as assert from 'assert';
import { useWorkbench } from './session';
import { openViewContainer, restMouse, setSideBarWidth, viewPane } from './workbench';

describe('Security Posture views (signed out)', function () {
  this.timeout(120_000);
  const session = useWorkbench('signed-out', {
    'securityPosture.dataSource': 'graph',
    'workbench.colorTheme': process.env.SP_E2E_THEME ?? 'Default Dark Modern',
  });

  it('shows the welcome view with "Sign in to Microsoft" and "Explore the sample tenant"', async function () {
    const { page } = session();
    await openViewContainer(page, 'Security Posture');
    await setSideBarWidth(page, 560);
    const welcome = viewPane(page, 'Secure Score').locator('.welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: 60_000 });
    const text = await welcome.innerText();
    assert.match(text, /Sign in to Microsoft/);
    assert.match(text, /Explore the sample tenant/);
    const buttons = await welcome.locator('.monaco-button').allInnerTexts();
    assert.ok(buttons.some(b => b.includes('Sign in to Microsoft')), `buttons: ${JSON.stringify(buttons)}`);
    assert.ok(buttons.some(b => b.includes('Explore the sample tenant')), `buttons: ${JSON.stringify(buttons)}`);
    await restMouse(page);
    await session().screenshot('welcome');
  });
});
