/**
 * One code-server + workbench per `describe`, with the extension under development loaded
 * through the payload (no test entry point: Playwright drives the UI from this process).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Browser, Page } from 'playwright-core';
import type { TenantDataset } from '../../src/sample/dataset';
import type { Emulator } from '../emulator/server';
import { launchBrowser, openWorkbench, Workbench } from '../host/browser';
import { CodeServer, startCodeServer } from '../host/codeServer';
import { repoRoot, resultsDir, slug } from '../host/paths';
import { openViewContainer, setSideBarWidth, waitForWorkbench } from './workbench';

/** The extension folder to load; SP_E2E_EXTENSION lets the harness be tried on another one. */
export const extensionPath = path.resolve(process.env.SP_E2E_EXTENSION ?? repoRoot);
export const screenshotsDir = path.join(resultsDir, 'screenshots');

let browser: Promise<Browser> | undefined;

/** One browser for the whole e2e run; closed by the runner's shutdown. */
function sharedBrowser(): Promise<Browser> {
  browser ??= launchBrowser();
  return browser;
}

export interface Session {
  readonly page: Page;
  readonly server: CodeServer;
  readonly workbench: Workbench;
  /** Saves a screenshot of the whole workbench under test-results/screenshots/<name>.png. */
  screenshot(name: string): Promise<string>;
}

/** User settings, and the environment of the server (and so of the extension host). */
export interface WorkbenchSetup {
  settings: Record<string, unknown>;
  env?: Record<string, string>;
  /** Files of the workspace folder (relative path -> content). */
  workspaceFiles?: Record<string, string>;
  /** Extension folders installed beside ours (e.g. a test's stand-in provider). */
  installExtensions?: string[];
}

/**
 * Registers before/after hooks that start code-server with these user settings and open
 * the workbench; returns an accessor for the session. On failure a screenshot and the
 * server and extension host logs are left under test-results/e2e/<name>/. `setup` may be
 * a function run in the `before` hook (e.g. to start an emulator whose URL the settings need).
 */
export function useWorkbench(name: string, setup: Record<string, unknown> | (() => Promise<WorkbenchSetup>)): () => Session {
  let session: Session | undefined;
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let failed = false;
  const artifacts = path.join(resultsDir, 'e2e', slug(name));

  before(async function () {
    this.timeout(180_000);
    fs.rmSync(artifacts, { recursive: true, force: true });
    try {
      const { settings, env, workspaceFiles, installExtensions } = typeof setup === 'function' ? await setup() : { settings: setup } as WorkbenchSetup;
      server = await startCodeServer({ name: `e2e-${name}`, settings, env, workspaceFiles, installExtensions });
      workbench = await openWorkbench(await sharedBrowser(), server, [
        ['extensionDevelopmentPath', server.remoteUri(extensionPath)],
      ]);
      const page = workbench.page;
      await waitForWorkbench(page);
      session = {
        page,
        server,
        workbench,
        screenshot: async shot => {
          fs.mkdirSync(screenshotsDir, { recursive: true });
          const file = path.join(screenshotsDir, `${shot}.png`);
          await page.screenshot({ path: file });
          return file;
        },
      };
    } catch (error) {
      failed = true;
      await leaveArtifacts();
      throw error;
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      failed = true;
      fs.mkdirSync(artifacts, { recursive: true });
      await workbench?.page
        .screenshot({ path: path.join(artifacts, `${slug(this.currentTest.title)}.png`) })
        .catch(() => undefined);
    }
  });

  after(async function () {
    this.timeout(60_000);
    if (failed) {
      await leaveArtifacts();
    }
    if (workbench?.blockedRequests.length) {
      console.log(`    (refused non-loopback requests: ${[...new Set(workbench.blockedRequests)].join(', ')})`);
    }
    await workbench?.context.close().catch(() => undefined);
    await server?.stop();
    session = undefined;
    workbench = undefined;
    server = undefined;
  });

  async function leaveArtifacts(): Promise<void> {
    fs.mkdirSync(artifacts, { recursive: true });
    if (workbench) {
      await workbench.page.screenshot({ path: path.join(artifacts, 'workbench.png') }).catch(() => undefined);
      fs.writeFileSync(path.join(artifacts, 'browser-console-errors.txt'), workbench.consoleErrors.join('\n'));
    }
    server?.collectLogs(artifacts);
  }

  return () => {
    if (!session) {
      throw new Error(`the workbench for "${name}" did not start`);
    }
    return session;
  };
}

/**
 * A workbench on the sample tenant with the Security Posture container open and a wide side bar
 * (for readable rows and screenshots).
 */
export function useSampleWorkbench(name: string): () => Session {
  const session = useWorkbench(name, {
    'securityPosture.dataSource': 'sample',
    'workbench.colorTheme': process.env.SP_E2E_THEME ?? 'Default Dark Modern',
  });
  before(async function () {
    this.timeout(300_000); // a loaded machine may take minutes to start the extension host
    await openViewContainer(session().page, 'Security Posture');
    await setSideBarWidth(session().page, 560);
  });
  return session;
}

/** One line of the auth stand-in's log (test/fixtures/auth-stand-in): scopes, tenants and AADSTS codes, never a token. */
export interface StandInEntry {
  created?: string;
  silent?: string;
  silentRefused?: string;
  tenant?: string;
  scopes: string[];
  error?: string;
}

/** What the auth stand-in did so far, in order (an empty list before its first sign-in). */
export function readStandInLog(file: string): StandInEntry[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(line => JSON.parse(line) as StandInEntry) : [];
}

/**
 * A workbench signed in through VS Code's own authentication API on the HTTPS emulator: the
 * stand-in for VS Code's Microsoft provider (test/fixtures/auth-stand-in) is installed beside the
 * extension and signs in to the emulator, logging what it did to a file of its own. `consentScopes`
 * need each user's consent per tenant, so VS Code's modal shows when they are first asked for.
 * Opens the Security Posture container with a `sideBarWidth` side bar; afterwards stops the
 * emulator and removes the log.
 */
export function useStandInWorkbench(name: string, options: { dataset: TenantDataset; consentScopes: string[]; sideBarWidth: number }): {
  session: () => Session;
  emulator: () => Emulator;
  standIn: () => StandInEntry[];
} {
  const standInLog = path.join(os.tmpdir(), `sp-stand-in-${name}-${process.pid}-${Date.now()}.jsonl`);
  let emulator: Emulator | undefined;
  const session = useWorkbench(name, async () => {
    const { startEmulator, extensionEnvironment, extensionSettings, defaultClient } = await import('../emulator/server');
    emulator = await startEmulator({ dataset: options.dataset, clients: [{ ...defaultClient(), userConsentScopes: options.consentScopes }] });
    return {
      settings: { ...extensionSettings(emulator), 'securityPosture.authMethod': 'vscode', 'workbench.colorTheme': 'Default Dark Modern' },
      env: { ...extensionEnvironment(emulator), SP_STAND_IN_AUTHORITY: emulator.url, SP_STAND_IN_LOG: standInLog },
      installExtensions: [path.join(repoRoot, 'test', 'fixtures', 'auth-stand-in')],
    };
  });
  before(async function () {
    this.timeout(300_000);
    await openViewContainer(session().page, 'Security Posture');
    await setSideBarWidth(session().page, options.sideBarWidth);
  });
  after(async () => {
    await emulator?.stop();
    fs.rmSync(standInLog, { force: true });
  });
  return {
    session,
    emulator: () => {
      assert.ok(emulator, 'the emulator started');
      return emulator;
    },
    standIn: () => readStandInLog(standInLog),
  };
}

