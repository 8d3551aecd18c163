import * as assert from 'assert';
import * as vscode from 'vscode';
import type { SecurityPostureApi } from '../../../src/extension';
import { SECTIONS } from '../../../src/model/store';
import { describeAttempts, getExtension, manifest, NetworkAttempt, recordNetwork, waitFor } from '../helpers';
import { roots, VIEWS } from '../trees';

describe('Activation with the sample tenant', function () {
  let exportsValue: unknown;
  let wasActive = false;
  let attempts: NetworkAttempt[] = [];

  before(async function () {
    this.timeout(60_000);
    assert.strictEqual(
      vscode.workspace.getConfiguration('securityPosture').get('dataSource'),
      'sample',
      'the sample profile sets securityPosture.dataSource to "sample"',
    );
    const extension = getExtension();
    wasActive = extension.isActive;
    const network = recordNetwork();
    try {
      exportsValue = await extension.activate();
      // Show the views so every tree loads its first level from the sample tenant.
      await vscode.commands.executeCommand('workbench.view.extension.securityPosture');
      await vscode.commands.executeCommand('securityPosture.refresh');
      // Network attempts are looked for only after everything a user sees has loaded: every
      // section of the store ready and every view showing rows that are not "Loading…".
      const a = exportsValue as SecurityPostureApi;
      await a.ready();
      await waitFor('every section loaded', () => SECTIONS.every(id => a.store.get(id).status === 'ready'), 30_000);
      for (const view of VIEWS) {
        await waitFor(`${view} rows`, async () => {
          const rows = (await roots(view)).filter(row => row.icon !== 'loading~spin');
          return rows.length > 0;
        }, 30_000);
      }
    } finally {
      network.stop();
      attempts = network.attempts;
    }
  });

  it('activates and exports an API object', function () {
    const extension = getExtension();
    assert.ok(extension.isActive, 'the extension is active');
    assert.ok(exportsValue !== undefined && exportsValue !== null, 'activate() returns an API object');
    assert.strictEqual(extension.exports, exportsValue);
  });

  it('attempts no network access with the sample tenant', function () {
    if (wasActive) {
      // Activation already happened before the recorder was installed; loading the views was still recorded.
      console.log('note: the extension was active before the test started');
    }
    assert.deepStrictEqual(attempts.map(a => `${a.kind} ${a.target}`), [], describeAttempts(attempts));
  });

  it('registers every command it contributes', async function () {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = (manifest.contributes.commands ?? []).map(c => c.command).filter(id => !registered.has(id));
    assert.deepStrictEqual(missing, [], 'contributed in package.json but not registered');
  });

  it('contributes every securityPosture command it registers', async function () {
    const contributed = new Set((manifest.contributes.commands ?? []).map(c => c.command));
    // VS Code registers <viewId>.focus, <viewId>.resetViewLocation, ... for every view.
    const viewIds = Object.values(manifest.contributes.views ?? {}).flat().map(v => v.id);
    const registered = (await vscode.commands.getCommands(true))
      .filter(id => id.startsWith('securityPosture.'))
      .filter(id => !viewIds.some(view => id.startsWith(`${view}.`)));
    const extra = registered.filter(id => !contributed.has(id));
    assert.deepStrictEqual(extra, [], 'registered but not contributed in package.json');
  });
});
