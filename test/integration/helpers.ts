/**
 * Helpers for tests that run inside the VS Code extension host.
 */
// Default imports, not `import *`: the patches below must land on the real module objects.
import dns from 'dns';
import net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

interface Manifest {
  publisher: string;
  name: string;
  contributes: {
    commands?: Array<{ command: string }>;
    views?: Record<string, Array<{ id: string }>>;
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const manifest = require(path.join(repoRoot, 'package.json')) as Manifest;
export const extensionId = `${manifest.publisher}.${manifest.name}`;

export function getExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(extensionId);
  if (!extension) {
    throw new Error(`extension ${extensionId} is not loaded`);
  }
  return extension;
}

/** Polls until `check` returns a truthy value, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) {
        return value as NonNullable<T>;
      }
    } catch (err) {
      last = err;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export interface NetworkAttempt {
  kind: 'connect' | 'lookup';
  target: string;
  stack: string;
}

/**
 * Records every TCP connection and DNS look-up this extension host starts until stop().
 * Patches the lowest layers (net.Socket#connect, dns.lookup) so http, https, fetch and
 * SDKs are all seen, whatever module copy VS Code hands the extension. Local IPC (pipes,
 * Unix sockets) is not network and is ignored.
 */
export function recordNetwork(): { attempts: NetworkAttempt[]; stop(): void } {
  const attempts: NetworkAttempt[] = [];
  const originalConnect = net.Socket.prototype.connect;
  const originalLookup = dns.lookup;
  const originalPromisesLookup = dns.promises.lookup;
  const stack = () => (new Error().stack ?? '').split('\n').slice(2, 14).join('\n');

  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    const options = (Array.isArray(first) ? first[0] : first) as { path?: string; host?: string; port?: number } | number | string;
    const isIpc = typeof options === 'string' ? !/^\d+$/.test(options) : typeof options === 'object' && options !== null && !!options.path;
    if (!isIpc) {
      const target = typeof options === 'object' && options !== null
        ? `${options.host ?? 'localhost'}:${options.port}`
        : `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${options}`;
      attempts.push({ kind: 'connect', target, stack: stack() });
    }
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;

  const patchedLookup = function (hostname: string, ...rest: unknown[]) {
    attempts.push({ kind: 'lookup', target: hostname, stack: stack() });
    return (originalLookup as (...a: unknown[]) => void)(hostname, ...rest);
  };
  (dns as { lookup: unknown }).lookup = patchedLookup;
  (dns.promises as { lookup: unknown }).lookup = (hostname: string, ...rest: unknown[]) => {
    attempts.push({ kind: 'lookup', target: hostname, stack: stack() });
    return (originalPromisesLookup as (...a: unknown[]) => Promise<unknown>)(hostname, ...rest);
  };

  return {
    attempts,
    stop: () => {
      net.Socket.prototype.connect = originalConnect;
      (dns as { lookup: unknown }).lookup = originalLookup;
      (dns.promises as { lookup: unknown }).lookup = originalPromisesLookup;
    },
  };
}

export function describeAttempts(attempts: NetworkAttempt[]): string {
  return attempts.map(a => `${a.kind} ${a.target}\n${a.stack}`).join('\n\n');
}
