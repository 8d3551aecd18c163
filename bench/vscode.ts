// Activation inside a real VS Code (code-server, the test host of test/host/): the production
// build and the eager baseline bundle each run the opt-in "bench" integration profile, whose test
// (test/integration/bench/) writes its numbers to a JSON file.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VsCodeActivation } from '../test/integration/bench/activation.test';
import { codeServerBinary } from '../test/host/paths';
import type { Build } from './bundle';
import type { Measure } from './report';

const repoRoot = path.resolve(__dirname, '..', '..');

function runInVsCode(extensionDir: string, work: string, name: string): VsCodeActivation {
  const output = path.join(work, `vscode-${name}.json`);
  const run = spawnSync(process.execPath, [path.join(repoRoot, 'out', 'test', 'host', 'runIntegration.js'), '--profile', 'bench', '--extension', extensionDir], {
    cwd: repoRoot, stdio: 'inherit', timeout: 180_000,
    // Results of this run stay out of test-results/, which belongs to npm test.
    env: { ...process.env, SP_BENCH_OUTPUT: output, SP_TEST_RESULTS_DIR: path.join(work, `results-${name}`) },
  });
  if (run.status !== 0 || !fs.existsSync(output)) {
    throw new Error(`the bench profile failed in VS Code (exit code ${run.status ?? run.signal})`);
  }
  return JSON.parse(fs.readFileSync(output, 'utf8')) as VsCodeActivation;
}

/** An extension folder like the production one, with the eager bundle as its main file. */
function eagerExtension(build: Build, work: string): string {
  const dir = path.join(work, 'eager-extension');
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  for (const name of ['media', 'package.json']) {
    fs.symlinkSync(path.join(repoRoot, name), path.join(dir, name));
  }
  fs.copyFileSync(build.eagerBundle, path.join(dir, 'dist', 'extension.js'));
  return dir;
}

export function vscodeScenario(build: Build, work: string): Measure[] {
  const measures: Measure[] = [
    { scenario: 'activation', scale: '', measure: 'in VS Code: require the bundle (ms)', ours: null, budget: { op: '<=', value: 100 } },
    { scenario: 'activation', scale: '', measure: 'in VS Code: activate(), with VS Code\'s own activation work (ms)', ours: null, budget: { op: '<=', value: 150 } },
    { scenario: 'activation', scale: '', measure: 'in VS Code: from activation to the first rows of every view (ms, sample tenant)', ours: null, budget: { op: '<=', value: 1000 } },
  ];
  if (!fs.existsSync(codeServerBinary())) {
    const failure = 'the VS Code test host is not installed: run bash scripts/install-test-host.sh';
    return measures.map(m => ({ ...m, failure }));
  }
  const ours = runInVsCode(build.extensionDir, work, 'ours');
  const eager = runInVsCode(eagerExtension(build, work), work, 'baseline');
  const values = (r: VsCodeActivation) => [r.requireMs, r.activationMs, Math.max(...Object.values(r.firstRows))];
  const note = ours.activationMs === null ? 'VS Code activated it before the test could time it' : undefined;
  return measures.map((m, i) => ({ ...m, ours: values(ours)[i], baseline: values(eager)[i], note }));
}
