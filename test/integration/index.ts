/**
 * Entry point of the integration suites inside the VS Code extension host (the
 * `extensionTestsPath` contract: export run(), reject when a test failed).
 * The runner passes the profile's test files in SP_TEST_GLOB and the results file in
 * SP_TEST_RESULTS; the host's console does not reach the runner, the results file does.
 */
import * as path from 'path';
import Mocha from 'mocha';
import { findFiles } from '../host/glob';
import { failedRun, writeResults } from '../host/results';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

export async function run(): Promise<void> {
  const pattern = process.env.SP_TEST_GLOB ?? 'out/test/integration/**/*.test.js';
  const output = process.env.SP_TEST_RESULTS ?? path.join(repoRoot, 'test-results', 'integration.json');
  const started = new Date();
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.SP_TEST_TIMEOUT_MS ?? 60_000),
    reporter: path.join(__dirname, '..', 'host', 'reporter.js'),
    reporterOptions: { output },
    forbidOnly: true,
    failZero: true,
  });
  const files = findFiles(pattern, repoRoot);
  if (files.length === 0) {
    const error = new Error(`no test files match ${pattern}`);
    writeResults(output, failedRun('integration: find test files', error, started));
    throw error;
  }
  for (const file of files) {
    mocha.addFile(file);
  }
  let failures: number;
  try {
    failures = await new Promise<number>(resolve => mocha.run(resolve));
  } catch (error) {
    // A test file that throws while loading never reaches the reporter.
    writeResults(output, failedRun('integration: load test files', error, started));
    throw error;
  }
  if (failures > 0) {
    throw new Error(`${failures} integration test(s) failed`);
  }
}
