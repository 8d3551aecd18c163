// The wrapper around @azure/identity credentials that the extension and the command line share:
// loads the library on first use (dist/identity.js is a bundle of its own), turns sign-in failures
// into PostureErrors that say what to do, and fetches a fresh token after a 401. No `vscode` import.
import { PostureError } from '../graph/errors';
import type { AccessToken, GetTokenOptions, TokenCredential } from './tokenCredential';

export type IdentityModule = typeof import('./identity');
let identityModule: IdentityModule | undefined;

/** Loaded at first use, so activation and `--help` never pay for MSAL. */
export function loadIdentity(): IdentityModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  identityModule ??= require('./identity') as IdentityModule;
  return identityModule;
}

/** Entra's errors that have one clear next step (the AADSTS code stays in the message for searching). */
const NEXT_STEPS: [RegExp, string][] = [
  [/AADSTS65001\b/, 'the app has no consent in this tenant (AADSTS65001): an admin of the tenant must grant admin consent for its Microsoft Graph permissions'],
  [/AADSTS7000215\b/, 'the client secret is wrong (AADSTS7000215): use the secret\'s value, not its id, and check it has not expired'],
  [/AADSTS700016\b/, 'the app is not known in this tenant (AADSTS700016): check the client id and the tenant, or consent to the app in that tenant'],
  [/AADSTS90002\b/, 'the tenant was not found (AADSTS90002): check the tenant id and the cloud'],
  [/AADSTS(70021|700211|700212|700213|700213\d)\b/, 'the federated token matches no federated credential of the app: its issuer, subject and audience must match one exactly (case included)'],
  [/AADSTS700024\b/, 'the client assertion or federated token has expired (AADSTS700024): get a fresh one'],
  [/AADSTS700027\b/, 'the certificate is not registered on the app (AADSTS700027)'],
];

/** A sign-in failure as one line a person can act on; never more than 400 characters of Entra's text. */
export function signInMessage(error: unknown): string {
  const text = (error as Error)?.message ?? String(error);
  const step = NEXT_STEPS.find(([pattern]) => pattern.test(text));
  return step ? `Sign-in failed: ${step[1]}.` : `Sign-in failed: ${firstLine(text)}`;
}

/**
 * Wraps an @azure/identity credential so failures become PostureErrors with a clear message, and
 * a 401 makes the next call fetch a fresh token instead of the cached one.
 */
export class IdentityCredential implements TokenCredential {
  private forceRefresh = false;
  constructor(private readonly create: () => TokenCredential & { invalidate?(): void }, private inner = create()) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    if (this.forceRefresh) {
      this.inner = this.create();
      this.forceRefresh = false;
    }
    try {
      return await this.inner.getToken(scopes, options);
    } catch (error) {
      throw new PostureError('signIn', signInMessage(error), { cause: error });
    }
  }

  invalidate(): void {
    // A credential that can refresh itself keeps its sign-in (recreating a device-code one would prompt again).
    if (this.inner.invalidate) {
      this.inner.invalidate();
    } else {
      this.forceRefresh = true;
    }
  }
}

function firstLine(text: string): string {
  const line = text.split('\n').find(l => l.trim()) ?? text;
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}
