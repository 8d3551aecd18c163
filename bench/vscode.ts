// Inside a real VS Code (code-server, the test host of test/host/), through the opt-in "bench"
// integration profile, whose tests (test/integration/bench/) write their numbers to a JSON file:
// activation of the production build and of the eager baseline bundle, and the endurance test
// (500 refreshes of the sample tenant) on the production build.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VsCodeActivation } from '../test/integration/bench/activation.test';
import type { EnduranceResult } from '../test/integration/sample/endurance.test';
import { codeServerBinary } from '../test/host/paths';
import type { Build } from './bundle';
import type { Measure } from './report';

const repoRoot = path.resolve(__dirname, '..', '..');

/** Runs one case of the bench profile; the numbers it wrote, or why there are none. */
function runInVsCode<T>(extensionDir: string, work: string, name: string, benchCase: 'activation' | 'endurance'): { result?: T; failure?: string } {
  const output = path.join(work, `vscode-${name}.json`);
  const run = spawnSync(process.execPath, [path.join(repoRoot, 'out', 'test', 'host', 'runIntegration.js'), '--profile', 'bench', '--extension', extensionDir], {
    cwd: repoRoot, stdio: 'inherit', timeout: 900_000,
    // Results of this run stay out of test-results/, which belongs to npm test.
    env: { ...process.env, SP_BENCH_CASE: benchCase, SP_BENCH_OUTPUT: output, SP_TEST_RESULTS_DIR: path.join(work, `results-${name}`) },
  });
  const result = fs.existsSync(output) ? JSON.parse(fs.readFileSync(output, 'utf8')) as T : undefined;
  return { result, failure: run.status === 0 && result ? undefined : `the bench profile's ${benchCase} test failed in VS Code (exit code ${run.status ?? run.signal}${result ? '' : ', no numbers'})` };
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
  const ours = runInVsCode<VsCodeActivation>(build.extensionDir, work, 'ours', 'activation');
  const eager = runInVsCode<VsCodeActivation>(eagerExtension(build, work), work, 'baseline', 'activation');
  const values = (r: VsCodeActivation | undefined) => (r ? [r.requireMs, r.activationMs, Math.max(...Object.values(r.firstRows))] : [null, null, null]);
  const note = ours.result && ours.result.activationMs === null ? 'VS Code activated it before the test could time it' : undefined;
  return measures.map((m, i) => ({ ...m, ours: values(ours.result)[i], baseline: values(eager.result)[i], note, failure: ours.failure, baselineFailure: eager.failure }));
}

/** The endurance test of the sample profile, on the production build; `SP_ENDURANCE_CYCLES` sets the refreshes (500). */
export function enduranceScenario(build: Build, work: string): Measure[] {
  const cycles = Number(process.env.SP_ENDURANCE_CYCLES ?? 500);
  const scale = `${cycles} refreshes`;
  if (!fs.existsSync(codeServerBinary())) {
    return [{ scenario: 'endurance', scale, measure: 'in VS Code, views open', ours: null, failure: 'the VS Code test host is not installed: run bash scripts/install-test-host.sh' }];
  }
  const { result, failure } = runInVsCode<EnduranceResult>(build.extensionDir, work, 'endurance', 'endurance');
  if (!result) {
    return [{ scenario: 'endurance', scale, measure: 'in VS Code, views open', ours: null, failure }];
  }
  const mb = (bytes: number) => bytes / 2 ** 20;
  const row = (measure: string, ours: number, extra: Partial<Measure> = {}): Measure => ({ scenario: 'endurance', scale, measure, ours, failure, ...extra });
  return [
    row('wall time (s), views open', result.seconds),
    row('extension host heap after a forced GC, end minus start (MB)', mb(result.after.heap - result.before.heap),
      { budget: { op: '<=', value: 16 }, note: `${mb(result.before.heap).toFixed(1)} MB → ${mb(result.after.heap).toFixed(1)} MB` }),
    row('store listeners, end minus start', result.after.storeListeners - result.before.storeListeners, { budget: { op: '=', value: 0 }, note: `${result.before.storeListeners} → ${result.after.storeListeners}` }),
    row('subscriptions, end minus start', result.after.subscriptions - result.before.subscriptions, { budget: { op: '=', value: 0 }, note: `${result.before.subscriptions} → ${result.after.subscriptions}` }),
    row('timers, end minus start', result.after.timers - result.before.timers, { budget: { op: '<=', value: 2 }, note: `${result.before.timers} → ${result.after.timers}` }),
  ];
}
