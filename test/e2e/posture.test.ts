/**
 * A posture file as a person sees it in the workbench (sample tenant): squiggles and the Problems
 * panel, CodeLenses ("in sync", drift, expired) above the entries, and the plan document from
 * "Security Posture: Plan Posture". Saves the README's screenshots.
 */
import * as assert from 'assert';
import type { Page } from 'playwright-core';
import { useWorkbench } from './session';
import { focusPane, openViewContainer, restMouse, setSideBarWidth, waitForRows } from './workbench';

const FILE = 'contoso.posture.yaml';
const TEXT = `# Desired state of our improvement actions and alert triage; changed through pull requests.
version: 1
tenants: current
controls:
  AdminMFAV2: { state: default }
  mdo_safelinksforemail: { state: thirdParty, comment: "Mimecast URL protection", assignedTo: secops@contoso-partners.example }
  PWAgePolicyNew: { state: ignored, comment: "SEC-112: scanner needs SMTP AUTH", expires: 2026-03-31 }
  AdminMFAV3: { state: default }
  mdo_dkim: { state: ignored }
  scid_2000: { state: ignored, comment: "kiosk devices, see SEC-98" }
alertRules:
  - name: benign Office 365 informational alerts
    match: 'service:microsoftDefenderForOffice365 severity:informational'
    set: { status: resolved, classification: informationalExpectedActivity, determination: securityTesting, comment: "posture rule: benign" }
`;

async function runCommand(page: Page, title: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await page.keyboard.press('F1');
  await widget.waitFor({ state: 'visible', timeout: 10_000 });
  await widget.locator('.quick-input-box input').fill(`>${title}`);
  await widget.locator('.monaco-list-row').filter({ hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

async function lensTexts(page: Page): Promise<string[]> {
  return page.locator('.monaco-editor .codelens-decoration').evaluateAll(els => els.map(el => (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
}

describe('a posture file in the editor (sample tenant)', function () {
  this.timeout(180_000);
  const session = useWorkbench('posture', async () => ({
    settings: { 'securityPosture.dataSource': 'sample', 'workbench.colorTheme': process.env.SP_E2E_THEME ?? 'Default Dark Modern', 'workbench.startupEditor': 'none' },
    workspaceFiles: { [FILE]: TEXT },
  }));

  before(async function () {
    this.timeout(120_000);
    const { page } = session();
    await openViewContainer(page, 'Security Posture');
    await setSideBarWidth(page, 360);
    await waitForRows(await focusPane(page, 'Improvement Actions'));
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget .quick-input-box input').fill(FILE);
    await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: FILE }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .codelens-decoration').filter({ hasText: 'in sync' }).first().waitFor({ timeout: 30_000 });
  });

  it('shows in sync, drift and expired above the entries', async () => {
    const { page } = session();
    await restMouse(page);
    let texts: string[] = [];
    for (let i = 0; i < 100 && !texts.some(t => t.startsWith('expired')); i++) {
      texts = await lensTexts(page);
      await page.waitForTimeout(100);
    }
    assert.ok(texts.includes('Plan Posture | Apply Posture…') || texts.some(t => t.includes('Plan Posture')), texts.join('\n'));
    assert.ok(texts.includes('in sync'), texts.join('\n'));
    assert.ok(texts.includes('drift: Graph says To address'), texts.join('\n'));
    assert.ok(texts.includes('expired 2026-03-31: the plan returns it to To address'), texts.join('\n'));
    assert.ok(texts.some(t => t.startsWith('cannot change: Graph cannot change Microsoft Defender for Endpoint')), texts.join('\n'));
    await session().screenshot('posture-codelens');
  });

  it('lists the problems in the Problems panel, each on its line', async () => {
    const { page } = session();
    await runCommand(page, 'View: Focus Problems');
    const rows = page.locator('.markers-panel .monaco-list-row');
    await rows.filter({ hasText: 'is not an improvement action of this tenant' }).first().waitFor({ timeout: 20_000 });
    const text = (await rows.allInnerTexts()).join('\n');
    for (const expected of [
      /"AdminMFAV3" is not an improvement action of this tenant\. Did you mean "AdminMFAV2"/,
      /A comment is required for "Risk accepted"/,
      /This exception expired on 2026-03-31/,
      /is a Microsoft Defender for Endpoint control; Graph cannot change its state/,
      /drift: Graph says To address/,
    ]) {
      assert.match(text, expected);
    }
    await session().screenshot('posture-diagnostics');
  });

  it('opens the plan with the projected Secure Score effect', async () => {
    const { page } = session();
    await runCommand(page, 'Security Posture: Plan Posture');
    const editor = page.locator('.editor-instance .monaco-editor .view-lines').first();
    await page.locator('.tab').filter({ hasText: `plan-${FILE}` }).first().waitFor({ timeout: 30_000 });
    await editor.filter({ hasText: /#\sPosture\splan:\scontoso\.posture\.yaml/ }).waitFor({ timeout: 10_000 });
    // The editor renders spaces as non-breaking ones.
    const shown = (await editor.innerText()).replace(/\u00a0/g, ' ');
    assert.match(shown, /### Secure Score effect/);
    assert.match(shown, /\d+(\.\d+)?% → \d+(\.\d+)?% \(/);
    await session().screenshot('posture-plan');
  });
});
