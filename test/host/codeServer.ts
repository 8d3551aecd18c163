/**
 * Starts code-server (VS Code 1.100's server build) on loopback for one test run, with its
 * own user data, extensions and workspace folders and a free port.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { codeServerBinary, slug } from './paths';
import { isShuttingDown, killGroup, onShutdown, trackProcessGroup } from './processes';

export interface CodeServerOptions {
  /** Label for folders and messages, e.g. the profile name. */
  name: string;
  /** Per-suite user settings, merged over the defaults below. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server and so for the extension host it starts. */
  env?: Record<string, string>;
  /** Files of the workspace folder, relative path -> content. */
  workspaceFiles?: Record<string, string>;
  /** Workspace trust on, so the folder opens untrusted (restricted mode); off by default. */
  workspaceTrust?: boolean;
  /** Keep the run folder after stop() (it is kept anyway when SP_KEEP_RUN_DIRS=1). */
  keep?: boolean;
  /** Extension folders installed beside the one under development (e.g. a test's stand-in provider). */
  installExtensions?: string[];
}

export interface CodeServer {
  readonly port: number;
  /** host:port, the remote authority of the workbench. */
  readonly authority: string;
  readonly url: string;
  readonly runDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly workspaceDir: string;
  /** The server's own stdout and stderr. */
  readonly serverLog: string;
  /** vscode-remote:// URI of a path on this machine, as the workbench's payload wants it. */
  remoteUri(fsPath: string): string;
  /** The workbench URL with the workspace folder and an optional payload. */
  workbenchUrl(payload?: Array<[string, string]>): string;
  /** Copies the server and extension host logs into dest. */
  collectLogs(dest: string): void;
  stop(): Promise<void>;
}

/** Settings every run gets; see docs in /work/shared/notes for why each one matters. */
export const baseSettings: Record<string, unknown> = {
  // VS Code 1.100 otherwise hands extension requests the system CA list only, dropping
  // NODE_EXTRA_CA_CERTS, so a loopback emulator with its own CA would be refused.
  'http.systemCertificates': false,
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.settings.enableNaturalLanguageSearch': false,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'git.enabled': false,
  'npm.autoDetect': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  // Fewer animations: steadier UI tests and screenshots.
  'workbench.reduceMotion': 'on',
};

const defaultWorkspaceFiles: Record<string, string> = {
  'README.md': '# Security Posture test workspace\n\nCreated for one test run.\n',
  'notes.json': '{ "purpose": "test workspace" }\n',
};

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  if (isShuttingDown()) {
    throw new Error('the test run is stopping');
  }
  const binary = codeServerBinary();
  if (!fs.existsSync(binary)) {
    throw new Error(`code-server not found at ${binary}; run: bash scripts/install-test-host.sh`);
  }
  const entry = fs.realpathSync(binary);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `sp-${slug(options.name)}-`));
  const userDataDir = path.join(runDir, 'user-data');
  const extensionsDir = path.join(runDir, 'extensions');
  const workspaceDir = path.join(runDir, 'workspace');
  const serverLog = path.join(runDir, 'code-server.log');
  const configFile = path.join(runDir, 'config.yaml');
  for (const dir of [path.join(userDataDir, 'User'), extensionsDir, workspaceDir]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  // code-server loads one development extension: others go in as installed ones, folder named publisher.name-version.
  for (const folder of options.installExtensions ?? []) {
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
    fs.cpSync(folder, path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), { recursive: true });
  }
  for (const [file, content] of Object.entries(options.workspaceFiles ?? defaultWorkspaceFiles)) {
    fs.mkdirSync(path.dirname(path.join(workspaceDir, file)), { recursive: true });
    fs.writeFileSync(path.join(workspaceDir, file), content);
  }
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...baseSettings, 'security.workspace.trust.enabled': options.workspaceTrust === true, ...options.settings }, undefined, 2),
  );
  // An explicit config file keeps code-server from writing ~/.config/code-server/config.yaml.
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');

  let child: ChildProcess | undefined;
  let port = 0;
  let lastError: Error | undefined;
  // A free port can be taken between the probe and the bind: retry a few times.
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    const started = launch(entry, port, { userDataDir, extensionsDir, workspaceDir, serverLog, configFile }, options.env, options.workspaceTrust);
    try {
      await waitUntilHealthy(port, started, serverLog, 90_000);
      child = started;
    } catch (err) {
      lastError = err as Error;
      await stopProcess(started);
    }
  }
  if (!child || isShuttingDown()) {
    await stopProcess(child);
    fs.rmSync(runDir, { recursive: true, force: true });
    throw lastError ?? new Error(child ? 'the test run is stopping' : 'code-server did not start');
  }

  const authority = `127.0.0.1:${port}`;
  const url = `http://${authority}/`;
  let stopped: Promise<void> | undefined;
  const server: CodeServer = {
    port,
    authority,
    url,
    runDir,
    userDataDir,
    extensionsDir,
    workspaceDir,
    serverLog,
    remoteUri: fsPath => `vscode-remote://${authority}${encodeURI(fsPath)}`,
    workbenchUrl: payload => {
      let target = `${url}?folder=${encodeURIComponent(workspaceDir)}`;
      if (payload?.length) {
        target += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      }
      return target;
    },
    collectLogs: dest => {
      fs.mkdirSync(dest, { recursive: true });
      if (fs.existsSync(serverLog)) {
        fs.copyFileSync(serverLog, path.join(dest, 'code-server.log'));
      }
      const logs = path.join(userDataDir, 'logs');
      if (fs.existsSync(logs)) {
        fs.cpSync(logs, path.join(dest, 'logs'), { recursive: true });
      }
    },
    stop: () => {
      stopped ??= (async () => {
        unregister();
        await stopProcess(child);
        if (!options.keep && process.env.SP_KEEP_RUN_DIRS !== '1') {
          fs.rmSync(runDir, { recursive: true, force: true });
        }
      })();
      return stopped;
    },
  };
  const unregister = onShutdown(() => server.stop());
  return server;
}

interface Dirs {
  userDataDir: string;
  extensionsDir: string;
  workspaceDir: string;
  serverLog: string;
  configFile: string;
}

function launch(entry: string, port: number, dirs: Dirs, extraEnv: Record<string, string> = {}, workspaceTrust = false): ChildProcess {
  const out = fs.openSync(dirs.serverLog, 'a');
  const args = [
    entry,
    '--config', dirs.configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', dirs.userDataDir,
    '--extensions-dir', dirs.extensionsDir,
    dirs.workspaceDir,
  ];
  // Its own process group, so stop() reaches the extension host and every helper it forks.
  const child = spawn(process.execPath, args, {
    cwd: dirs.workspaceDir,
    // Tests inside VS Code find the extension host's logs under SP_USER_DATA_DIR.
    env: serverEnv({ SP_USER_DATA_DIR: dirs.userDataDir, ...extraEnv }),
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  if (child.pid !== undefined) {
    const untrack = trackProcessGroup(child.pid);
    child.once('exit', untrack);
  }
  return child;
}

/** The developer's environment minus what would make runs differ between machines. */
function serverEnv(extraEnv: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const leaks = /^(VSCODE_|ELECTRON_|AZURE_|MSAL_)/.test(key)
      || ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'PASSWORD', 'HASHED_PASSWORD', 'SP_TEST_GLOB', 'SP_TEST_RESULTS'].includes(key);
    if (!leaks) {
      env[key] = value;
    }
  }
  return {
    ...env,
    // No extension gallery: tests talk only to loopback.
    EXTENSIONS_GALLERY: '{}',
    ...extraEnv,
  };
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) {
    if (child?.pid) {
      killGroup(child.pid, 'SIGKILL'); // helpers may outlive the leader
    }
    return;
  }
  const pid = child.pid;
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  killGroup(pid, 'SIGTERM');
  const timer = new Promise<'timeout'>(resolve => setTimeout(() => resolve('timeout'), 5_000).unref());
  await Promise.race([exited, timer]);
  killGroup(pid, 'SIGKILL');
  await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 2_000).unref())]);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address() as net.AddressInfo;
      probe.close(() => resolve(address.port));
    });
  });
}

async function waitUntilHealthy(port: number, child: ChildProcess, serverLog: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail(serverLog)}`);
    }
    if (await healthy(port)) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  throw new Error(`code-server was not ready after ${timeoutMs / 1000}s:\n${tail(serverLog)}`);
}

function healthy(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2_000 }, res => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
