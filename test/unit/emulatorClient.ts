// For unit tests that talk to the HTTPS emulator from this process: trust its throwaway CA for
// fetch, and get app-only tokens from its token endpoint the way a confidential client does.
import { readFileSync } from 'node:fs';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import type { AccessToken, TokenCredential } from '../../src/auth/tokenCredential';
import { resolveCloud } from '../../src/graph/clouds';
import { GraphService } from '../../src/graph/client';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/server';

export class EmulatorCredential implements TokenCredential {
  tokensIssued = 0;
  private cached?: AccessToken;
  constructor(private readonly emulator: Pick<Emulator, 'url' | 'tenantId' | 'clients'>) {}

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    if (this.cached) {
      return this.cached;
    }
    const client = this.emulator.clients[0];
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret!, scope: ([] as string[]).concat(scopes)[0] });
    const res = await fetch(`${this.emulator.url}/${this.emulator.tenantId}/oauth2/v2.0/token`, { method: 'POST', body });
    const json = await res.json() as { access_token?: string; expires_in: number; error_description?: string };
    if (!json.access_token) {
      throw new Error(json.error_description ?? `token endpoint answered ${res.status}`);
    }
    this.tokensIssued++;
    this.cached = { token: json.access_token, expiresOnTimestamp: Date.now() + json.expires_in * 1000 };
    return this.cached;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}

/** Makes this process's fetch trust the emulator's CA; returns the undo. */
export function trustEmulator(caCertPath: string): () => void {
  const previous = getGlobalDispatcher();
  setGlobalDispatcher(new Agent({ connect: { ca: readFileSync(caCertPath) } }));
  return () => setGlobalDispatcher(previous);
}

export function emulatorService(emulator: Emulator, options: { maxRetries?: number; timeoutMs?: number } = {}) {
  const credential = new EmulatorCredential(emulator);
  const cloud = resolveCloud('Custom', { graphEndpoint: emulator.url, authorityHost: emulator.url });
  const graph = new GraphService({ cloud, credential, scopesFor: () => [`${emulator.url}/.default`], ...options });
  return { graph, credential };
}

/**
 * Mocha hooks: one emulator for the suite (this process trusts its CA), reset before each test.
 * Returns an accessor for it.
 */
export function useEmulator(options: () => Promise<EmulatorOptions> | EmulatorOptions): () => Emulator {
  let emulator: Emulator | undefined;
  let untrust: (() => void) | undefined;
  before(async () => {
    emulator = await startEmulator(await options());
    untrust = trustEmulator(emulator.caCertPath);
  });
  after(async () => {
    untrust?.();
    await emulator?.stop();
  });
  beforeEach(async () => {
    await emulator!.reset();
  });
  return () => emulator!;
}
