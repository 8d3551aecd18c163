/**
 * Runs the integration suites inside a real VS Code: code-server on loopback, the workbench
 * in Chromium, the extension under development and the mocha entry point loaded through
 * the workbench's `payload` (extensionDevelopmentPath / extensionTestsPath).
 *
 *   node out/test/host/runIntegration.js [--profile sample,emulator]
 *       [--extension <folder>] [--tests <module>] [--timeout <seconds>]
 *
 * Writes test-results/integration-<profile>.json per profile and test-results/integration.json
 * (all profiles); on failure leaves a screenshot and the server/extension host logs in
 * test-results/integration/<profile>/. Exits non-zero when a test failed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Browser } from 'playwright-core';
import { launchBrowser, openWorkbench, Workbench } from './browser';
import { CodeServer, startCodeServer } from './codeServer';
import { findFiles } from './glob';
import { repoRoot, resultsDir } from './paths';
import { shutdown } from './processes';
import { Profile, profiles } from './profiles';
import { failedRun, mergeResults, printResults, readResults, Results, writeResults } from './results';

interface Options {
  profiles: string[] | undefined;
  extensionPath: string;
  testsPath: string;
  timeoutMs: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    profiles: process.env.SP_PROFILES?.split(',').filter(Boolean),
    extensionPath: repoRoot,
    testsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index'),
    timeoutMs: Number(process.env.SP_INTEGRATION_TIMEOUT ?? 600) * 1000,
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const next = argv[++i];
      if (next === undefined) {
        throw new Error(`${argv[i - 1]} needs a value`);
      }
      return next;
    };
    switch (argv[i]) {
      case '--profile': options.profiles = value().split(',').filter(Boolean); break;
      case '--extension': options.extensionPath = path.resolve(value()); break;
      case '--tests': options.testsPath = path.resolve(value()); break;
      case '--timeout': options.timeoutMs = Number(value()) * 1000; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return options;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const chosen = options.profiles
    ? options.profiles.map(name => {
      const profile = profiles.find(p => p.name === name);
      if (!profile) {
        throw new Error(`unknown profile ${name} (known: ${profiles.map(p => p.name).join(', ')})`);
      }
      return profile;
    })
    : profiles.filter(p => !p.optIn);

  const runs: Results[] = [];
  let browser: Browser | undefined;
  try {
    for (const profile of chosen) {
      const file = path.join(resultsDir, `integration-${profile.name}.json`);
      fs.rmSync(file, { force: true });
      // A profile that should run and finds nothing (a renamed folder, nothing built) is a failure, not "0 passed".
      if (findFiles(profile.glob, repoRoot).length === 0) {
        const error = new Error(`no file matches ${profile.glob} (build first: tsc -p .)`);
        console.error(`[integration] ${profile.name}: ${error.message}`);
        const missing = failedRun(`${profile.name}: find test files`, error);
        writeResults(file, missing);
        runs.push(missing);
        continue;
      }
      browser ??= await launchBrowser();
      const results = await runProfile(browser, profile, file, options);
      runs.push(results);
    }
  } finally {
    await browser?.close().catch(() => undefined);
  }

  const all = mergeResults(runs);
  writeResults(path.join(resultsDir, 'integration.json'), all);
  console.log(`[integration] ${all.stats.passes} passed, ${all.stats.failures} failed, ${all.stats.pending} pending`);
  return all.stats.failures > 0 ? 1 : 0;
}

async function runProfile(browser: Browser, profile: Profile, file: string, options: Options): Promise<Results> {
  const started = new Date();
  const label = `[integration:${profile.name}]`;
  const artifacts = path.join(resultsDir, 'integration', profile.name);
  fs.rmSync(artifacts, { recursive: true, force: true });
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let results: Results;
  let disposeProfile: (() => Promise<void>) | undefined;
  try {
    const prepared = await profile.prepare();
    disposeProfile = prepared.dispose;
    server = await startCodeServer({
      name: `integration-${profile.name}`,
      settings: prepared.settings,
      env: {
        ...prepared.env,
        SP_TEST_GLOB: profile.glob,
        SP_TEST_RESULTS: file,
      },
      workspaceFiles: prepared.workspaceFiles,
      workspaceTrust: prepared.workspaceTrust,
    });
    console.log(`${label} code-server on ${server.url} (${server.runDir})`);
    workbench = await openWorkbench(browser, server, [
      ['extensionDevelopmentPath', server.remoteUri(options.extensionPath)],
      ['extensionTestsPath', server.remoteUri(options.testsPath)],
    ]);
    const code = await Promise.race([
      workbench.exitCode,
      new Promise<'timeout'>(resolve => setTimeout(() => resolve('timeout'), options.timeoutMs).unref()),
    ]);
    if (code === 'timeout') {
      results = failedRun(`${profile.name}: the test run did not finish`, new Error(`no result after ${options.timeoutMs / 1000}s`), started);
    } else {
      results = readResults(file)
        ?? failedRun(`${profile.name}: results`, new Error(`the run ended with code ${code} but wrote no results to ${file}`), started);
      if (code !== 0 && results.stats.failures === 0) {
        results = mergeResults([results, failedRun(`${profile.name}: exit code`, new Error(`the extension host ended the run with code ${code}`), started)]);
      }
      if (results.stats.passes + results.stats.failures === 0) {
        results = mergeResults([results, failedRun(`${profile.name}: tests`, new Error('no test ran'), started)]);
      }
      if (prepared.verify) {
        const verified = await prepared.verify({ server, workbench }).catch(error => failedRun(`${profile.name}: verify`, error, started));
        results = mergeResults([results, verified]);
      }
    }
  } catch (error) {
    results = failedRun(`${profile.name}: start VS Code`, error, started);
  }
  writeResults(file, results);

  if (results.stats.failures > 0) {
    fs.mkdirSync(artifacts, { recursive: true });
    if (workbench) {
      await workbench.page.screenshot({ path: path.join(artifacts, 'workbench.png') }).catch(() => undefined);
      fs.writeFileSync(path.join(artifacts, 'browser-console-errors.txt'), workbench.consoleErrors.join('\n'));
    }
    server?.collectLogs(artifacts);
    console.log(`${label} failed; screenshot and logs in ${path.relative(process.cwd(), artifacts) || artifacts}`);
  }
  printResults(results);
  if (workbench?.blockedRequests.length) {
    console.log(`${label} refused non-loopback requests from the browser:\n  ${[...new Set(workbench.blockedRequests)].join('\n  ')}`);
  }
  await workbench?.context.close().catch(() => undefined);
  await server?.stop();
  await disposeProfile?.().catch(err => console.error(`${label} stopping the profile failed:`, err));
  console.log(`${label} ${results.stats.passes} passed, ${results.stats.failures} failed (${((Date.now() - started.getTime()) / 1000).toFixed(1)}s)`);
  return results;
}


main().then(
  async code => {
    await shutdown();
    process.exit(code);
  },
  async error => {
    console.error('[integration]', error);
    await shutdown();
    process.exit(1);
  },
);
