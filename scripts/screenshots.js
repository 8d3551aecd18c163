#!/usr/bin/env node
// `npm run screenshots`: builds, runs the UI suite (which saves a screenshot per view and
// state in test-results/screenshots/) and copies the ones the README shows to media/screenshots/.
// SP_E2E_THEME picks the color theme (default "Default Dark Modern").
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const chosen = [
  'overview',
  'secure-score',
  'improvement-actions-menu',
  'alerts',
  'partner-security',
  'welcome',
  'panel-secure-score',
  'panel-partner',
  'panel-what-changed',
  'panel-what-if',
  'panel-honesty',
  'customers',
  'portfolio-panel',
  'posture-codelens',
  'posture-diagnostics',
  'posture-plan',
];

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`[screenshots] ${[command, ...args].join(' ')} failed (${result.status ?? result.error?.message})`);
    process.exit(1);
  }
}

run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
run(process.execPath, ['esbuild.js']);
run('bash', [path.join(root, 'scripts', 'install-test-host.sh')]);
run(process.execPath, ['out/test/host/runE2E.js']);

const from = path.join(root, 'test-results', 'screenshots');
const to = path.join(root, 'media', 'screenshots');
fs.mkdirSync(to, { recursive: true });
const missing = [];
for (const name of chosen) {
  const source = path.join(from, `${name}.png`);
  if (fs.existsSync(source)) {
    fs.copyFileSync(source, path.join(to, `${name}.png`));
    console.log(`[screenshots] media/screenshots/${name}.png`);
  } else {
    missing.push(name);
  }
}
if (missing.length) {
  console.error(`[screenshots] not produced by the UI suite: ${missing.join(', ')}`);
  process.exit(1);
}
