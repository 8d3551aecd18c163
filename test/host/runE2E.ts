/**
 * Runs the UI tests (test/e2e/*.test.ts): mocha in this process, Playwright driving the
 * code-server workbench in Chromium with the extension under development loaded.
 *
 *   node out/test/host/runE2E.js [--grep <text>]
 *
 * Results: test-results/e2e.json; screenshots: test-results/screenshots/*.png; on failure a
 * screenshot per failed test and the server/extension host logs in test-results/e2e/<session>/.
 * SP_E2E_EXTENSION=<folder> loads another extension folder (to try the harness).
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import { findFiles } from './glob';
import { repoRoot, resultsDir } from './paths';
import { onShutdown, shutdown } from './processes';
import { failedRun, writeResults } from './results';

const pattern = 'out/test/e2e/**/*.test.js';

async function main(): Promise<number> {
  const output = path.join(resultsDir, 'e2e.json');
  fs.rmSync(output, { force: true });
  const grepIndex = process.argv.indexOf('--grep');
  const files = findFiles(pattern, repoRoot);
  if (files.length === 0) {
    const error = new Error(`no file matches ${pattern} (build first: tsc -p .)`);
    writeResults(output, failedRun('e2e: find test files', error));
    console.error(`[e2e] ${error.message}`);
    return 1;
  }
  const extension = path.resolve(process.env.SP_E2E_EXTENSION ?? repoRoot);
  const manifest = JSON.parse(fs.readFileSync(path.join(extension, 'package.json'), 'utf8')) as { main?: string };
  if (manifest.main && !fs.existsSync(path.join(extension, manifest.main))) {
    const error = new Error(`${manifest.main} does not exist in ${extension}: build first (node esbuild.js)`);
    writeResults(output, failedRun('e2e: extension bundle', error));
    console.error(`[e2e] ${error.message}`);
    return 1;
  }
  fs.rmSync(path.join(resultsDir, 'screenshots'), { recursive: true, force: true });
  fs.rmSync(path.join(resultsDir, 'e2e'), { recursive: true, force: true });
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 120_000,
    reporter: path.join(__dirname, 'reporter.js'),
    reporterOptions: { output },
    forbidOnly: true,
    // A --grep that matches nothing is a mistake, not a pass.
    failZero: true,
    grep: grepIndex >= 0 ? process.argv[grepIndex + 1] : undefined,
  });
  files.forEach(file => mocha.addFile(file));
  try {
    const failures = await new Promise<number>(resolve => {
      const runner = mocha.run(resolve);
      // Interrupted: let the current test end, run no more.
      onShutdown(() => {
        runner.abort();
      });
    });
    return failures > 0 ? 1 : 0;
  } catch (error) {
    writeResults(output, failedRun('e2e: load test files', error));
    console.error('[e2e]', error);
    return 1;
  }
}

main().then(
  async code => {
    await shutdown();
    process.exit(code);
  },
  async error => {
    console.error('[e2e]', error);
    await shutdown();
    process.exit(1);
  },
);
