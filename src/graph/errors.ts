// One error type for everything that can go wrong between us and Graph, with a message a user
// can act on. Views turn these into rows; commands into one notification.

export type ErrorKind =
  | 'signIn'        // no credential, or 401 after one token refresh
  | 'forbidden'     // 403: missing permission, role or licence
  | 'notPartner'    // partner APIs refused for a tenant that is not a CSP partner
  | 'notFound'      // 404
  | 'badRequest'    // 400 (including the empty-code errors the service sends)
  | 'throttled'     // 429 after the retries
  | 'server'        // 5xx after the retries
  | 'offline'       // no network, DNS, TLS or reset
  | 'unavailable'   // the API is not offered in this cloud
  | 'invalidResponse'
  | 'canceled';

/** What a caller is about to do, so a message can name the permission and role it needs. */
export type ApiArea = 'secureScore' | 'controls' | 'alerts' | 'partner' | 'relationships' | 'contracts';

/** Per area: the delegated permissions, the roles that may read, and the roles that may write (`writeRoles`). */
export const AREA_PERMISSIONS: Record<ApiArea, { read: string; write: string; roles: string; writeRoles: string }> = {
  secureScore: { read: 'SecurityEvents.Read.All', write: 'SecurityEvents.ReadWrite.All', roles: 'Security Reader, Global Reader or Security Administrator', writeRoles: 'Security Administrator' },
  controls: { read: 'SecurityEvents.Read.All', write: 'SecurityEvents.ReadWrite.All', roles: 'Security Reader, Global Reader or Security Administrator', writeRoles: 'Security Administrator' },
  alerts: { read: 'SecurityAlert.Read.All', write: 'SecurityAlert.ReadWrite.All', roles: 'Security Reader, Global Reader, Security Operator or Security Administrator', writeRoles: 'Security Operator or Security Administrator' },
  partner: { read: 'PartnerSecurity.Read.All', write: 'PartnerSecurity.ReadWrite.All', roles: 'a Partner Center admin agent', writeRoles: 'a Partner Center admin agent' },
  relationships: { read: 'DelegatedAdminRelationship.Read.All', write: 'DelegatedAdminRelationship.ReadWrite.All', roles: 'an admin agent in the partner tenant', writeRoles: 'an admin agent in the partner tenant' },
  contracts: { read: 'Directory.Read.All', write: 'Directory.ReadWrite.All', roles: 'an admin agent or Directory Readers in the partner tenant', writeRoles: 'an admin agent in the partner tenant' },
};

export class PostureError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: {
      status?: number;
      code?: string;
      graphMessage?: string;
      requestId?: string;
      retryAfterSeconds?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message);
    this.name = 'PostureError';
  }

  /** Text for logs: includes Graph's own message and request id (never a token). */
  get logText(): string {
    const d = this.details;
    const parts = [this.message];
    if (d.status !== undefined) {
      parts.push(`HTTP ${d.status}`);
    }
    if (d.code) {
      parts.push(`code ${d.code}`);
    }
    if (d.graphMessage && d.graphMessage !== this.message) {
      parts.push(`Graph said: ${d.graphMessage}`);
    }
    if (d.requestId) {
      parts.push(`request-id ${d.requestId}`);
    }
    return parts.join(' | ');
  }
}

export function isCancellation(error: unknown): boolean {
  return error instanceof PostureError ? error.kind === 'canceled' : (error as { name?: string })?.name === 'AbortError';
}

/** Turns an HTTP error response into a PostureError with a message that says what to do. */
export function errorFromResponse(status: number, body: unknown, headers: { get(name: string): string | null }, area?: ApiArea, write = false): PostureError {
  const graph = readGraphError(body);
  const requestId = headers.get('request-id') ?? graph.requestId;
  const base = { status, code: graph.code, graphMessage: graph.message, requestId };
  const perms = area ? AREA_PERMISSIONS[area] : undefined;
  switch (status) {
    case 400:
      return new PostureError('badRequest', `Graph rejected the request: ${graph.message || 'bad request'}.`, base);
    case 401:
      return new PostureError('signIn', 'Your sign-in has expired or was not accepted. Sign in again.', base);
    case 403: {
      if (area === 'partner' && !write) {
        return new PostureError('notPartner',
          `This account cannot read the partner security score: it needs ${perms!.read} and ${perms!.roles} role in a CSP partner tenant.`, base);
      }
      const perm = perms ? (write ? perms.write : perms.read) : undefined;
      const needs = perm ? ` It needs the ${perm} permission (admin consent) and the ${write ? perms!.writeRoles : perms!.roles} role.` : '';
      return new PostureError('forbidden', `Access denied by Microsoft Graph.${needs}`, base);
    }
    case 404:
      if (area === 'partner' && !write) {
        return new PostureError('notPartner', 'No partner security score exists for this tenant: it is not a CSP partner tenant.', base);
      }
      return new PostureError('notFound', 'The item no longer exists (it may have been deleted or merged).', base);
    case 429: {
      const retry = parseRetryAfter(headers.get('retry-after'));
      return new PostureError('throttled', `Microsoft Graph is throttling requests${retry !== undefined ? `; try again in ${Math.ceil(retry)} s` : '; try again shortly'}.`, { ...base, retryAfterSeconds: retry });
    }
    default:
      if (status >= 500) {
        return new PostureError('server', `Microsoft Graph had a problem (HTTP ${status}). Try again in a moment.`, base);
      }
      return new PostureError('badRequest', `Unexpected answer from Microsoft Graph (HTTP ${status}): ${graph.message || 'no details'}.`, base);
  }
}

export function readGraphError(body: unknown): { code: string; message: string; requestId?: string } {
  const error = (body as { error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown>; innererror?: Record<string, unknown> } })?.error;
  if (!error || typeof error !== 'object') {
    return { code: '', message: '' };
  }
  const inner = error.innerError ?? error.innererror;
  return {
    code: typeof error.code === 'string' ? error.code : '',
    message: typeof error.message === 'string' ? error.message : '',
    requestId: typeof inner?.['request-id'] === 'string' ? inner['request-id'] : undefined,
  };
}

/** `Retry-After` is seconds and may be fractional (`0.249`), or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === '') {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/** Network-level failures (fetch's TypeError with a cause) become "offline". */
export function errorFromException(error: unknown): PostureError {
  if (error instanceof PostureError) {
    return error;
  }
  if (isCancellation(error)) {
    return new PostureError('canceled', 'Canceled.', { cause: error });
  }
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  const text = `${(error as Error)?.message ?? error}${cause?.message ? ` (${cause.message})` : ''}`;
  if (code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT)$/.test(code)
    || /fetch failed|network|socket hang up/i.test(text)) {
    return new PostureError('offline', 'Microsoft Graph cannot be reached. Check the network connection; cached data is shown meanwhile.', { cause: error, code });
  }
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return new PostureError('offline', `The TLS certificate of the Graph endpoint was not trusted (${code}).`, { cause: error, code });
  }
  return new PostureError('invalidResponse', `Unexpected error: ${text}`, { cause: error });
}
