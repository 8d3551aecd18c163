#!/usr/bin/env node
// `npm test`: every check CI runs, in order, counted the same way.
//   typecheck   tsc -p . (into out/, where the tests run from), then  1 passed or 1 failed
//               the host code without DOM types and the webview code with them
//   build       node esbuild.js                                      1 passed or 1 failed
//   lint        eslint src test scripts bench --max-warnings 0       1 passed or 1 failed
//   unit        mocha out/test/unit/**/*.test.js                     its tests
//   host        bash scripts/install-test-host.sh (code-server)      1 passed or 1 failed
//   integration the suites inside VS Code (code-server + Chromium)   their tests
//   e2e         the UI tests (Playwright + Chromium)                 their tests
// Options: --only a,b  --skip a,b  (step names above). Results are in test-results/.
// A suite that runs no test (nothing built, an empty glob, a renamed folder) fails: it is missing,
// not "0 passed". Mocha forbids `.only` everywhere. The last line is exactly
// `N passed, N failed, N skipped` (skipped: pending tests); the exit code is non-zero if anything failed.
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const results = path.resolve(process.env.SP_TEST_RESULTS_DIR || path.join(root, 'test-results'));
const bin = {
  tsc: path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
  eslint: path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'),
  mocha: path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'),
};

const steps = [
  {
    name: 'typecheck',
    run: () => {
      // Each runtime gets its own library types: the extension host has no DOM, webviews do.
      const codes = ['.', 'tsconfig.host.json', 'src/webview'].map(project => exec(process.execPath, [bin.tsc, '-p', project]));
      const outcome = single(codes.find(code => code !== 0) ?? 0);
      // Tests deleted from the sources must not run from stale output.
      pruneStale(path.join(root, 'out'));
      return outcome;
    },
  },
  {
    name: 'build',
    run: () => {
      if (!fs.existsSync(path.join(root, 'esbuild.js'))) {
        return fail('esbuild.js is missing');
      }
      return single(exec(process.execPath, ['esbuild.js']));
    },
  },
  {
    name: 'lint',
    run: () => single(exec(process.execPath, [bin.eslint, 'src', 'test', 'scripts', 'bench', '--max-warnings', '0'])),
  },
  {
    name: 'unit',
    run: () => {
      const output = path.join(results, 'unit.json');
      fs.rmSync(output, { force: true });
      if (!hasFiles(path.join(root, 'out', 'test', 'unit'), name => name.endsWith('.test.js'))) {
        return fail('no unit tests in out/test/unit (run the typecheck step, or tsc -p ., first)');
      }
      const code = exec(process.execPath, [
        bin.mocha, '--ui', 'bdd', '--timeout', '30000', '--forbid-only',
        '--reporter', path.join(root, 'out', 'test', 'host', 'reporter.js'),
        '--reporter-option', `output=${output}`,
        'out/test/unit/**/*.test.js',
      ]);
      return counted(output, code);
    },
  },
  {
    name: 'host',
    run: () => single(exec('bash', [path.join(root, 'scripts', 'install-test-host.sh')])),
  },
  {
    name: 'integration',
    needs: ['build', 'host'],
    run: () => counted(path.join(results, 'integration.json'), exec(process.execPath, ['out/test/host/runIntegration.js'])),
  },
  {
    name: 'e2e',
    needs: ['build', 'host'],
    run: () => counted(path.join(results, 'e2e.json'), exec(process.execPath, ['out/test/host/runE2E.js'])),
  },
];

function exec(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.error) {
    console.error(result.error.message);
    return 1;
  }
  return result.status ?? 1;
}

function single(code) {
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1, note: `exit code ${code}` };
}

function fail(note) {
  console.error(note);
  return { passed: 0, failed: 1, note };
}

/** Counts a mocha-style results file; a crash without results, a failing exit code or a run without tests counts as one failure. */
function counted(file, code) {
  let stats;
  try {
    stats = JSON.parse(fs.readFileSync(file, 'utf8')).stats;
  } catch {
    return fail(code === 0 ? `no results in ${path.relative(root, file)}` : `exit code ${code}, no results in ${path.relative(root, file)}`);
  }
  if (stats.passes + stats.failures === 0) {
    return { ...fail(`no test ran (${path.relative(root, file)}, exit code ${code})`), pending: stats.pending };
  }
  const outcome = { passed: stats.passes, failed: stats.failures, pending: stats.pending };
  if (code !== 0 && stats.failures === 0) {
    outcome.failed = 1;
    outcome.note = `exit code ${code}`;
  }
  return outcome;
}

/** Deletes compiled files in out/ whose TypeScript source is gone. */
function pruneStale(dir) {
  if (!fs.existsSync(dir)) {
    return;
  }
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      pruneStale(full);
      continue;
    }
    const match = /^(.*)\.(js|js\.map|d\.ts)$/.exec(entry.name);
    const source = match && path.join(root, path.relative(path.join(root, 'out'), dir), `${match[1]}.ts`);
    if (source && !fs.existsSync(source)) {
      fs.rmSync(full);
    }
  }
}

function hasFiles(dir, match) {
  if (!fs.existsSync(dir)) {
    return false;
  }
  return fs.readdirSync(dir, { withFileTypes: true }).some(entry =>
    entry.isDirectory() ? hasFiles(path.join(dir, entry.name), match) : match(entry.name));
}

function parseList(flag) {
  const index = process.argv.indexOf(flag);
  if (index < 0) {
    return undefined;
  }
  const list = (process.argv[index + 1] ?? '').split(',').map(s => s.trim()).filter(Boolean);
  const unknown = list.filter(name => !steps.some(step => step.name === name));
  if (unknown.length) {
    console.error(`unknown step(s): ${unknown.join(', ')}; steps: ${steps.map(s => s.name).join(', ')}`);
    process.exit(2);
  }
  return list;
}

function main() {
  const only = parseList('--only');
  const skip = parseList('--skip') ?? [];
  const summary = [];
  const failedSteps = new Set();
  const started = Date.now();
  for (const step of steps) {
    if ((only && !only.includes(step.name)) || skip.includes(step.name)) {
      continue;
    }
    const blocked = (step.needs ?? []).filter(name => failedSteps.has(name));
    let outcome;
    const stepStart = Date.now();
    if (blocked.length) {
      outcome = { passed: 0, failed: 1, note: `not run: ${blocked.join(', ')} failed` };
    } else {
      console.log(`\n=== ${step.name} ===`);
      outcome = step.run();
    }
    outcome.seconds = (Date.now() - stepStart) / 1000;
    if (outcome.failed) {
      failedSteps.add(step.name);
    }
    summary.push({ name: step.name, ...outcome });
  }

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  console.log('\n=== summary ===');
  for (const s of summary) {
    passed += s.passed;
    failed += s.failed;
    skipped += s.pending ?? 0;
    const pending = s.pending ? `, ${s.pending} skipped` : '';
    const note = s.note ? ` [${s.note}]` : '';
    console.log(`  ${s.name.padEnd(12)} ${s.failed ? 'FAIL' : 'ok  '} ${s.passed} passed, ${s.failed} failed${pending}${note} (${s.seconds.toFixed(1)}s)`);
  }
  console.log(`  total time ${((Date.now() - started) / 1000).toFixed(0)}s`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main();
