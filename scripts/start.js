#!/usr/bin/env node
// `npm start`: runs the extension in a real VS Code (code-server, VS Code 1.100, in your
// browser) on the built-in sample tenant. Nothing leaves this machine.
//   npm start                     sample tenant, http://127.0.0.1:8080 (PORT=... to change)
//   npm start -- --emulator       Microsoft Graph through the local HTTPS emulator (Custom cloud,
//                                 environment sign-in through the real MSAL), same tree
//   npm start -- --desktop        desktop VS Code (`code` on PATH) instead of code-server
// Settings you change in that VS Code are kept in .vscode-test/start*/ between runs.
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const emulator = args.includes('--emulator');
const desktop = args.includes('--desktop');
const port = Number(process.env.PORT || 8080);

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.exit(result.status || 1);
  }
}

function writeSettings(userDataDir, settings) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8') || '{}') : {};
  // The user's own changes win, except where the run needs a value (the emulator's endpoints).
  const merged = emulator ? { ...existing, ...settings } : { ...settings, ...existing };
  fs.writeFileSync(file, JSON.stringify(merged, null, 2));
}

async function main() {
  run(process.execPath, ['esbuild.js']);
  const base = { 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off' };
  let env = {};
  let settings = { ...base, 'securityPosture.dataSource': 'sample' };
  let stopEmulator = async () => undefined;
  if (emulator) {
    run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
    const { startEmulator, extensionEnvironment, extensionSettings } = require(path.join(root, 'out', 'test', 'emulator', 'server.js'));
    const emu = await startEmulator();
    env = extensionEnvironment(emu);
    settings = { ...base, ...extensionSettings(emu) };
    stopEmulator = () => emu.stop();
    console.log(`Graph emulator on ${emu.url} (tenant ${emu.tenantId}); requests are logged at ${emu.url}/_emulator/requests`);
  }
  const dir = path.join(root, '.vscode-test', emulator ? 'start-emulator' : 'start');
  const userDataDir = path.join(dir, 'user-data');
  writeSettings(userDataDir, settings);

  let child;
  if (desktop) {
    child = spawn('code', ['--new-window', `--extensionDevelopmentPath=${root}`, `--user-data-dir=${userDataDir}`, `--extensions-dir=${path.join(dir, 'extensions')}`, root], { stdio: 'inherit', env: { ...process.env, ...env } });
  } else {
    run('bash', [path.join(root, 'scripts', 'install-test-host.sh')]);
    const hostRoot = process.env.SP_TEST_HOST_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(require('os').homedir(), '.cache'), 'security-posture');
    const binary = path.join(hostRoot, 'code-server-4.100.3', 'node_modules', '.bin', 'code-server');
    child = spawn(binary, [
      '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--user-data-dir', userDataDir, '--extensions-dir', path.join(dir, 'extensions'), root,
    ], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
    const payload = encodeURIComponent(JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${root}`]]));
    console.log(`\nSecurity Posture is running in VS Code ${emulator ? 'against the Graph emulator' : 'on the sample tenant'}. Open:\n\n  http://127.0.0.1:${port}/?folder=${encodeURIComponent(root)}&payload=${payload}\n\nand click the shield in the activity bar. Ctrl+C stops it.`);
  }
  const stop = async () => {
    child.kill('SIGTERM');
    await stopEmulator();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', async code => {
    await stopEmulator();
    process.exit(code ?? 0);
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
