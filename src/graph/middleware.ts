// Middleware for the Graph client: bearer tokens (only for the configured Graph origin),
// per-request timeouts.
import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { AccessToken, TokenCredential } from '../auth/tokenCredential';
import { errorFromException, PostureError } from './errors';

/** Per-request option telling the auth middleware which scopes the call needs. */
export class ScopeOption implements MiddlewareOptions {
  constructor(readonly scopes: string[]) {}
}

/** Per-request option with the caller's cancellation signal. */
export class SignalOption implements MiddlewareOptions {
  /**
   * The failure as our middleware saw it. The Graph client wraps whatever a middleware throws
   * into its own GraphError and loses the original, so the caller reads it from here.
   */
  failure?: PostureError;
  constructor(readonly signal: AbortSignal | undefined, readonly timeoutMs: number) {}
}

/** Per-request option: send this absolute URL as it is (an `@odata.nextLink`). */
export class VerbatimUrlOption implements MiddlewareOptions {
  constructor(readonly url: string) {}
}

abstract class ChainLink implements Middleware {
  protected next?: Middleware;
  setNext(next: Middleware): void {
    this.next = next;
  }
  abstract execute(context: Context): Promise<void>;
  protected option<T extends MiddlewareOptions>(context: Context, type: new (...args: never[]) => T): T | undefined {
    return context.middlewareControl?.getMiddlewareOptions(type as never) as T | undefined;
  }
}

export function requestUrl(context: Context): string {
  return typeof context.request === 'string' ? context.request : (context.request as Request).url;
}

function setHeader(context: Context, name: string, value: string): void {
  context.options ??= {};
  const headers = (context.options.headers ??= {}) as Record<string, string> | Headers;
  if (headers instanceof Headers) {
    headers.set(name, value);
  } else {
    headers[name] = value;
  }
}

/**
 * Adds the bearer token. A 401 gets one retry with a fresh token (the credential is asked to
 * forget the one it had); a second 401 is left for the caller to turn into a "Sign in" row.
 * Tokens are attached only to the configured Graph origin: a `@odata.nextLink` that points
 * elsewhere is refused rather than handed our token.
 */
export class AuthMiddleware extends ChainLink {
  constructor(private readonly credential: TokenCredential & { invalidate?(): void }, private readonly graphOrigin: string, private readonly defaultScopes: string[]) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const url = requestUrl(context);
    if (new URL(url).origin !== this.graphOrigin) {
      throw new PostureError('invalidResponse', `Refused to send a token to ${new URL(url).origin}: it is not the configured Graph endpoint.`);
    }
    const scopes = this.option(context, ScopeOption)?.scopes ?? this.defaultScopes;
    await this.attempt(context, scopes);
    if (context.response?.status === 401 && this.credential.invalidate) {
      this.credential.invalidate();
      await this.attempt(context, scopes);
    }
  }

  private async attempt(context: Context, scopes: string[]): Promise<void> {
    const token = await bearerToken(() => this.credential.getToken(scopes));
    setHeader(context, 'Authorization', `Bearer ${token.token}`);
    await this.next!.execute(context);
  }
}

/** The token `acquire` gets, or the "sign in" error every Graph read reports when there is none. */
export async function bearerToken(acquire: () => Promise<AccessToken | null>): Promise<AccessToken> {
  let token: AccessToken | null;
  try {
    token = await acquire();
  } catch (error) {
    if (error instanceof PostureError) {
      throw error;
    }
    throw new PostureError('signIn', `Sign-in failed: ${(error as Error)?.message ?? error}`, { cause: error });
  }
  if (!token) {
    throw new PostureError('signIn', 'Not signed in.');
  }
  return token;
}


/** Cancels a request when the caller cancels or when it takes longer than the timeout. */
export class TimeoutMiddleware extends ChainLink {
  constructor(private readonly defaultTimeoutMs: number) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const option = this.option(context, SignalOption);
    const signals = [AbortSignal.timeout(option?.timeoutMs ?? this.defaultTimeoutMs)];
    if (option?.signal) {
      signals.push(option.signal);
    }
    context.options = { ...context.options, signal: AbortSignal.any(signals) };
    const verbatim = this.option(context, VerbatimUrlOption);
    if (verbatim) {
      context.request = verbatim.url;
    }
    try {
      await this.next!.execute(context);
    } catch (error) {
      const failure = option?.signal?.aborted ? new PostureError('canceled', 'Canceled.', { cause: error })
        : (error as Error)?.name === 'TimeoutError' ? new PostureError('offline', 'Microsoft Graph did not answer in time. Check the network connection and try again.', { cause: error })
          : errorFromException(error);
      if (option) {
        option.failure = failure;
      }
      throw failure;
    }
  }
}
