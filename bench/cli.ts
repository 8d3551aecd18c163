// The command line's start-up: `security-posture --help` in a fresh Node process, from the
// production build, must take under 300 ms. The baseline is the same CLI bundled eagerly (the
// identity library inlined, as it would be without the lazy split); `node -e ""` is the floor.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Build } from './bundle';
import { median } from './measure';
import type { Measure } from './report';

const repoRoot = path.resolve(__dirname, '..', '..');
const RUNS = 9;

/** Wall time of one process from spawn to exit, in ms; throws if it fails. */
function timed(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return ms;
}

export async function cliScenario(build: Build, work: string): Promise<Measure[]> {
  const cli = path.join(build.dist, 'cli.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const options = (require(path.join(repoRoot, 'esbuild.js')) as { cli: esbuild.BuildOptions }).cli;
  const eager = path.join(work, 'eager-cli', 'cli.js');
  await esbuild.build({ ...options, absWorkingDir: repoRoot, plugins: [], minify: true, sourcemap: false, outfile: eager });
  // Interleaved, so a burst of load on the machine hits all three alike.
  const samples = { ours: [] as number[], eager: [] as number[], node: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    samples.ours.push(timed([cli, '--help']));
    samples.eager.push(timed([eager, '--help']));
    samples.node.push(timed(['-e', '']));
  }
  const kb = (file: string) => fs.statSync(file).size / 1024;
  return [
    { scenario: 'cli', scale: '', measure: `security-posture --help (ms, median of ${RUNS} fresh processes)`, ours: median(samples.ours), baseline: median(samples.eager),
      budget: { op: '<=', value: 300 }, note: `node -e "" takes ${median(samples.node).toFixed(0)} ms here` },
    { scenario: 'cli', scale: '', measure: 'CLI bundle (KB, minified)', ours: kb(cli), baseline: kb(eager), note: 'identity.js, sample.js and yaml.js load only when needed' },
  ];
}
