// Bundle and activation: sizes of the production bundles, the time to require the extension
// bundle and to run activate(), each in fresh Node processes with `vscode` stubbed. The baseline
// is one eager bundle (identity library and sample tenant inlined), timed at the same two points:
// when activate() returns, and when its first refresh has settled.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { ActivationSample } from './activate';
import { median } from './measure';
import type { Measure } from './report';

const repoRoot = path.resolve(__dirname, '..', '..');
const RUNS = 7;

export interface Build {
  /** A folder VS Code can load as the extension: package.json, media/ and the production dist/. */
  extensionDir: string;
  dist: string;
  /** The baseline: everything in one bundle. */
  eagerBundle: string;
}

/**
 * `node esbuild.js --production` in a scratch folder that links to the sources, so the dist/
 * that tests and other work use is left alone (esbuild.js writes under the current directory).
 */
export async function productionBuild(work: string): Promise<Build> {
  const extensionDir = path.join(work, 'extension');
  fs.mkdirSync(extensionDir, { recursive: true });
  for (const name of ['src', 'node_modules', 'media', 'package.json', 'tsconfig.json']) {
    fs.symlinkSync(path.join(repoRoot, name), path.join(extensionDir, name));
  }
  execFileSync(process.execPath, [path.join(repoRoot, 'esbuild.js'), '--production'], { cwd: extensionDir, stdio: 'inherit' });
  const eagerBundle = path.join(work, 'eager', 'extension.js');
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'src', 'extension.ts')], outfile: eagerBundle,
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, external: ['vscode'], legalComments: 'none', logLevel: 'warning',
  });
  return { extensionDir, dist: path.join(extensionDir, 'dist'), eagerBundle };
}

function sample(bundle: string, mode: 'require' | 'activate'): ActivationSample {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'activate.js'), bundle, mode], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as ActivationSample;
}

const kb = (file: string) => fs.statSync(file).size / 1024;

export function bundleScenario(build: Build): Measure[] {
  const extension = path.join(build.dist, 'extension.js');
  const webviewDir = path.join(build.dist, 'webview');
  const webviews = fs.existsSync(webviewDir) ? fs.readdirSync(webviewDir).filter(f => f.endsWith('.js')) : [];
  const lazy = ['identity.js', 'sample.js', 'yaml.js'].filter(f => fs.existsSync(path.join(build.dist, f)));
  const requireMs = (bundle: string) => median(Array.from({ length: RUNS }, () => sample(bundle, 'require').requireMs));
  return [
    { scenario: 'bundle', scale: '', measure: 'extension bundle (KB, minified)', ours: kb(extension), baseline: kb(build.eagerBundle), budget: { op: '<=', value: 250 },
      note: `loaded on first use: ${lazy.map(f => `${f} ${kb(path.join(build.dist, f)).toFixed(0)} KB`).join(', ')}` },
    { scenario: 'bundle', scale: '', measure: 'webview bundles (KB, minified)', ours: webviews.length ? webviews.reduce((n, f) => n + kb(path.join(webviewDir, f)), 0) : null,
      budget: { op: '<=', value: 400 }, note: webviews.length ? webviews.join(', ') : 'no webview bundle built' },
    { scenario: 'bundle', scale: '', measure: `require the extension bundle (ms, median of ${RUNS})`, ours: requireMs(extension), baseline: requireMs(build.eagerBundle), budget: { op: '<=', value: 50 } },
  ];
}

export function activationScenario(build: Build): Measure[] {
  // Alternating, so both meet the same load.
  const ours: ActivationSample[] = [];
  const eager: ActivationSample[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(sample(path.join(build.dist, 'extension.js'), 'activate'));
    eager.push(sample(build.eagerBundle, 'activate'));
  }
  const attempts = [...new Set(ours.flatMap(s => s.networkAttempts ?? []))];
  const ms = (samples: ActivationSample[], key: 'activateMs' | 'readyMs') => median(samples.map(s => s[key]!));
  return [
    { scenario: 'activation', scale: '', measure: `activate() returns (ms, median of ${RUNS} each)`, ours: ms(ours, 'activateMs'), baseline: ms(eager, 'activateMs'), budget: { op: '<=', value: 20 } },
    { scenario: 'activation', scale: '', measure: `activate() until its first refresh settled (ms, sample tenant, median of ${RUNS} each)`, ours: ms(ours, 'readyMs'), baseline: ms(eager, 'readyMs'),
      note: 'the views\' first rows' },
    { scenario: 'activation', scale: '', measure: 'network attempts until the first refresh settled (sample tenant)', ours: attempts.length, budget: { op: '=', value: 0 },
      note: attempts.length ? attempts.join(', ') : undefined },
  ];
}
