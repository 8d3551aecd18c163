// The sample tenant plugged into the Graph client through the client's own seams: a credential
// that issues sample tokens and a transport (the client's final middleware) that answers from
// the in-memory engine instead of over HTTP. Requests take the same path as a real tenant's:
// auth middleware (token only for the Graph origin, one retry after a 401), timeouts, retries.
import { randomBytes } from 'crypto';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { AccessToken, TokenCredential } from '../auth/tokenCredential';
import type { GraphServiceOptions } from '../graph/client';
import { requestUrl } from '../graph/middleware';
import type { Caller, EngineRequest } from './protocol';

/** The engine surface the transport needs (the sample tenant's GraphEngine). */
export interface InProcessGraph {
  handle(req: EngineRequest, caller: Caller): { status: number; headers: Record<string, string>; body?: unknown };
}

const TOKEN_LIFETIME_MS = 60 * 60_000;

/**
 * Issues opaque sample tokens for one caller, as Entra would issue tokens for a signed-in user.
 * `invalidate()` forgets the current one (what the auth middleware asks after a 401).
 */
export class SampleCredential implements TokenCredential {
  private current?: AccessToken;
  private readonly issued = new Map<string, { caller: Caller; expires: number }>();
  /** Tokens issued so far (tests read it to see the 401 retry take a fresh token). */
  issuedCount = 0;

  constructor(readonly caller: Caller, private readonly now: () => number = Date.now) {}

  async getToken(): Promise<AccessToken> {
    if (!this.current || this.current.expiresOnTimestamp - 60_000 <= this.now()) {
      const token = `sample.${randomBytes(18).toString('base64url')}`;
      const expires = this.now() + TOKEN_LIFETIME_MS;
      this.issued.set(token, { caller: this.caller, expires });
      this.issuedCount++;
      this.current = { token, expiresOnTimestamp: expires };
    }
    return this.current;
  }

  invalidate(): void {
    if (this.current) {
      this.issued.delete(this.current.token);
    }
    this.current = undefined;
  }

  /** Forgets every issued token on the "Graph" side, as a revoked session would (the client still holds its own). */
  revokeIssued(): void {
    this.issued.clear();
  }

  /** Who a bearer token stands for, or undefined when it was not issued here or has expired. */
  callerOf(token: string): Caller | undefined {
    const entry = this.issued.get(token);
    return entry && entry.expires > this.now() ? entry.caller : undefined;
  }
}

/** The final middleware: answers in-process, for the caller the bearer token stands for. */
export class SampleTransport implements Middleware {
  constructor(private readonly graph: InProcessGraph, private readonly tokens: SampleCredential) {}

  async execute(context: Context): Promise<void> {
    const options = context.options ?? {};
    const headers: Record<string, string> = {};
    new Headers(options.headers as ConstructorParameters<typeof Headers>[0]).forEach((value, key) => (headers[key] = value));
    let body: unknown;
    if (typeof options.body === 'string' && options.body.length > 0) {
      body = JSON.parse(options.body);
    }
    // Yield like a real request would, so callers never depend on synchronous answers.
    await new Promise(resolve => setImmediate(resolve));
    if (options.signal?.aborted) {
      throw options.signal.reason ?? new DOMException('Aborted', 'AbortError');
    }
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    const caller = bearer ? this.tokens.callerOf(bearer) : undefined;
    const res = caller
      ? this.graph.handle({ method: (options.method ?? 'GET').toUpperCase(), url: requestUrl(context), headers, body }, caller)
      : unauthorized(bearer ? 'Lifetime validation failed, the token is expired.' : 'Access token is empty.');
    const text = res.body === undefined ? null : JSON.stringify(res.body);
    context.response = new Response(res.status === 204 ? null : text, { status: res.status, headers: res.headers });
  }
}

/** Graph's answer to a missing or expired token. */
function unauthorized(message: string): { status: number; headers: Record<string, string>; body: unknown } {
  return {
    status: 401,
    headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm=""' },
    body: { error: { code: 'InvalidAuthenticationToken', message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': randomBytes(16).toString('hex') } } },
  };
}

/** What a GraphService needs to talk to the sample engine as `caller`. */
export function inProcessConnection(graph: InProcessGraph, caller: Caller): Required<Pick<GraphServiceOptions, 'credential' | 'transport'>> & { credential: SampleCredential } {
  const credential = new SampleCredential(caller);
  return { credential, transport: new SampleTransport(graph, credential) };
}
