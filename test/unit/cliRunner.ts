// Runs the command line as a pipeline would: `node dist/cli.js …` in its own process (so the real
// @azure/identity / MSAL reads NODE_EXTRA_CA_CERTS at start-up), against the HTTPS emulator.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator, EmulatorClient } from '../emulator/server';

export const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function requireBundle(): void {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run \`node esbuild.js\` first (npm test does).`);
  }
}

/** The environment a job has: no AZURE_* unless given, never this process's own. */
export function jobEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  for (const [k, v] of Object.entries(extra)) {
    if (v !== undefined) {
      env[k] = v;
    }
  }
  return env;
}

/** Options that point the CLI at the emulator (the extension's Custom cloud). */
export function emulatorArgs(emu: Emulator): string[] {
  return ['--cloud', 'Custom', '--graph-endpoint', emu.url, '--authority-host', emu.url];
}

export function secretEnv(emu: Emulator, client: EmulatorClient, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return jobEnv({ NODE_EXTRA_CA_CERTS: emu.caCertPath, AZURE_TENANT_ID: emu.tenantId, AZURE_CLIENT_ID: client.clientId, AZURE_CLIENT_SECRET: client.secret, ...extra });
}

export function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: options.env ?? jobEnv(), cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (error && code === -1) {
          reject(new Error(`${error.message}\n${stderr}`));
          return;
        }
        resolve({ code, stdout, stderr });
      });
    child.stdin?.end(options.input ?? '');
  });
}

/** stderr of a failed run: exactly one line that says why, and nothing like a stack trace. */
export function oneLineError(run: Run): string {
  const lines = run.stderr.split('\n').filter(Boolean);
  const last = lines[lines.length - 1] ?? '';
  if (!last.startsWith('error: ') || lines.filter(l => l.startsWith('error: ')).length !== 1 || /\n\s+at /.test(run.stderr)) {
    throw new Error(`expected one "error:" line and no stack trace on stderr, got:\n${run.stderr}`);
  }
  return last.slice('error: '.length);
}

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), as a person at a terminal would, and
 * types `answer` once `prompt` shows. Output is the terminal's: stdout and stderr together.
 */
export function runOnTerminal(args: string[], options: { env: Record<string, string>; prompt: RegExp; answer: string }): Promise<{ code: number; output: string; prompted: boolean }> {
  const command = [process.execPath, CLI, ...args].map(a => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...options.env, TERM: 'xterm' } });
    let output = '';
    let prompted = false;
    const timer = setTimeout(() => child.kill(), 90_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (!prompted && options.prompt.test(output)) {
        prompted = true;
        child.stdin.write(options.answer);
      }
    });
    child.on('error', reject);
    child.on('close', code => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code: code ?? -1, output, prompted });
    });
  });
}
