// One token request at a time per tenant and scopes. A refresh starts its reads together (one
// $batch per Graph version and permission), and each asked the credential for a token before
// any had come back, so MSAL asked the token endpoint once per read. Callers asking while an
// acquisition is in flight now share it; afterwards the credential's own cache (MSAL's, VS
// Code's sessions) answers until the token expires.
import type { AccessToken, GetTokenOptions, TokenCredential } from './tokenCredential';

type Credential = TokenCredential & { invalidate?(): void };

export class SharedTokenCredential implements TokenCredential {
  private readonly inFlight = new Map<string, Promise<AccessToken | null>>();
  /** Tokens got ahead of a request (`prefetch`), each handed once to the next caller with the same key. */
  private readonly ahead = new Map<string, AccessToken>();
  /**
   * After a 401: the next caller starts a fresh acquisition instead of joining the old one.
   * Only when the credential itself can forget a token (the auth middleware retries only then).
   */
  readonly invalidate?: () => void;

  constructor(private readonly inner: Credential) {
    if (inner.invalidate) {
      this.invalidate = () => {
        this.inFlight.clear();
        this.ahead.clear();
        inner.invalidate!();
      };
    }
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const list = Array.isArray(scopes) ? scopes : [scopes];
    const key = keyOf(list, options);
    const early = this.ahead.get(key);
    if (early) {
      this.ahead.delete(key);
      if (early.expiresOnTimestamp - Date.now() > MIN_VALIDITY_MS) {
        return Promise.resolve(early);
      }
    }
    let pending = this.inFlight.get(key);
    if (!pending) {
      // One caller's cancellation must not fail the others waiting on the same request.
      const shared = options ? { ...options, abortSignal: undefined } : undefined;
      pending = this.inner.getToken(list, shared).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /**
   * Gets a token before the request that needs it is sent, and keeps it for that request: the
   * next `getToken` with the same scopes and tenant takes it without asking the credential again
   * (whose cache may not have it: MSAL's apps created by concurrent first calls each keep their own).
   */
  async prefetch(scopes: string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const token = await this.getToken(scopes, options);
    if (token) {
      this.ahead.set(keyOf(scopes, options), token);
    }
    return token;
  }
}

/** A token handed over from `prefetch` has at least this long to live, or a fresh one is asked for. */
const MIN_VALIDITY_MS = 2 * 60_000;

const keyOf = (scopes: string[], options?: GetTokenOptions) => `${options?.tenantId ?? ''}\n${[...new Set(scopes)].sort().join(' ')}`;

/** The credential the Graph client uses: the given one, sharing acquisitions in flight. */
export function shareTokenRequests(credential: Credential): SharedTokenCredential {
  return credential instanceof SharedTokenCredential ? credential : new SharedTokenCredential(credential);
}
