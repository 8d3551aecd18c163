/**
 * The integration profiles under @vscode/test-electron, for machines that can download
 * VS Code from Microsoft's update service (`npm run test:electron`). CI machines here
 * cannot, so CI runs the same suites in code-server (test/host/runIntegration.ts).
 *
 *   node out/test/electron/runTest.js [--profile sample,emulator]
 *
 * SP_VSCODE_VERSION picks the VS Code version (default 1.100.3, the version code-server
 * 4.100.3 is built from, so both runners test the same VS Code).
 */
import { runTests } from '@vscode/test-electron';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { baseSettings } from '../host/codeServer';
import { findFiles } from '../host/glob';
import { repoRoot, resultsDir } from '../host/paths';
import { shutdown } from '../host/processes';
import { profiles } from '../host/profiles';
import { failedRun, mergeResults, printResults, readResults, Results, writeResults } from '../host/results';

async function main(): Promise<number> {
  const index = process.argv.indexOf('--profile');
  const names = index >= 0 ? process.argv[index + 1]?.split(',') : undefined;
  const chosen = profiles.filter(p => (names ? names.includes(p.name) : !p.optIn));
  const runs: Results[] = [];
  for (const profile of chosen) {
    if (findFiles(profile.glob, repoRoot).length === 0) {
      console.log(`[electron] ${profile.name}: skipped, no file matches ${profile.glob}`);
      continue;
    }
    const file = path.join(resultsDir, `electron-${profile.name}.json`);
    fs.rmSync(file, { force: true });
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `sp-electron-${profile.name}-`));
    const userDataDir = path.join(runDir, 'user-data');
    const workspace = path.join(runDir, 'workspace');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(workspace, { recursive: true });
    const prepared = await profile.prepare();
    for (const [file, content] of Object.entries(prepared.workspaceFiles ?? { 'README.md': '# Security Posture test workspace\n' })) {
      fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
      fs.writeFileSync(path.join(workspace, file), content);
    }
    let results: Results;
    try {
      fs.writeFileSync(
        path.join(userDataDir, 'User', 'settings.json'),
        JSON.stringify({ ...baseSettings, 'security.workspace.trust.enabled': prepared.workspaceTrust === true, ...prepared.settings }, undefined, 2),
      );
      try {
        await runTests({
          version: process.env.SP_VSCODE_VERSION ?? '1.100.3',
          extensionDevelopmentPath: repoRoot,
          extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index'),
          launchArgs: [
            workspace,
            `--user-data-dir=${userDataDir}`,
            `--extensions-dir=${path.join(runDir, 'extensions')}`,
            ...(prepared.workspaceTrust ? [] : ['--disable-workspace-trust']),
            '--disable-extensions',
            '--skip-welcome',
            '--skip-release-notes',
          ],
          extensionTestsEnv: { ...prepared.env, SP_TEST_GLOB: profile.glob, SP_TEST_RESULTS: file, SP_USER_DATA_DIR: userDataDir },
        });
        results = readResults(file) ?? failedRun(`${profile.name}: results`, new Error(`no results in ${file}`));
      } catch (error) {
        results = readResults(file) ?? failedRun(`${profile.name}: run VS Code`, error);
      }
    } finally {
      await prepared.dispose();
      fs.rmSync(runDir, { recursive: true, force: true });
    }
    writeResults(file, results);
    console.log(`[electron:${profile.name}] ${results.stats.passes} passed, ${results.stats.failures} failed`);
    printResults(results);
    runs.push(results);
  }
  const all = mergeResults(runs);
  writeResults(path.join(resultsDir, 'electron.json'), all);
  return all.stats.failures > 0 ? 1 : 0;
}

main().then(
  async code => {
    await shutdown();
    process.exit(code);
  },
  async error => {
    console.error('[electron]', error);
    await shutdown();
    process.exit(1);
  },
);
