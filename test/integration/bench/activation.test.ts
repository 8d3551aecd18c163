// Benchmark inside a real VS Code, run by `npm run bench` through the opt-in "bench" profile (not
// by `npm test`): how long activation takes (loading the bundle and activate()) and how long
// after it each view's provider hands VS Code its first rows of the sample tenant.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SecurityPostureApi } from '../../../src/extension';
import { getExtension } from '../helpers';

export interface VsCodeActivation {
  /** Loading the bundle (required here first, so VS Code's activation finds it loaded). */
  requireMs: number | null;
  /** null when VS Code had activated the extension before the test could time it. */
  activationMs: number | null;
  /** ms from the start of activation until each view's roots included a row that is not "Loading…". */
  firstRows: Record<string, number>;
}

const DEADLINE_MS = 30_000;

// The bench profile runs one case at a time (SP_BENCH_CASE); activation is the default one.
if ((process.env.SP_BENCH_CASE ?? 'activation') === 'activation') {
  describe('bench: activation in VS Code', function () {
    this.timeout(DEADLINE_MS + 10_000);

    it('times activation and the first rows of every view', async () => {
      const output = process.env.SP_BENCH_OUTPUT;
      assert.ok(output, 'SP_BENCH_OUTPUT names the file for the numbers');
      const extension = getExtension();
      const wasActive = extension.isActive;
      const started = performance.now();
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(extension.extensionPath, extension.packageJSON.main as string));
      const loaded = performance.now();
      const api = (wasActive ? extension.exports : await extension.activate()) as SecurityPostureApi;
      const result: VsCodeActivation = {
        requireMs: wasActive ? null : loaded - started,
        activationMs: wasActive ? null : performance.now() - loaded,
        firstRows: {},
      };
      await Promise.all(Object.entries(api.providers).map(async ([view, provider]) => {
        while (performance.now() - started < DEADLINE_MS) {
          const rows = await provider.getChildren();
          if (rows.some(row => (row.item().iconPath as vscode.ThemeIcon | undefined)?.id !== 'loading~spin')) {
            result.firstRows[view] = performance.now() - started;
            return;
          }
          await new Promise(resolve => setTimeout(resolve, 5));
        }
      }));
      fs.writeFileSync(output, JSON.stringify(result));
      assert.equal(Object.keys(result.firstRows).length, Object.keys(api.providers).length, 'every view showed rows');
    });
  });
}
