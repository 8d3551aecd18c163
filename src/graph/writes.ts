// Writes: control profile state, alert triage and comments, partner alert status. One item goes
// as a plain request; more go through JSON $batch (20 per batch, inner 429s retried after their
// Retry-After by GraphService.batch). Idempotent PATCHes are retried once more after an inner
// 5xx or 424; comments never are without first reading whether the first attempt landed.
import type { BatchRequest, BatchResponse, GraphService, GraphVersion } from './client';
import { headerOf } from './client';
import { PostureError, errorFromException, errorFromResponse, type ApiArea, readGraphError } from './errors';
import type { AlertComment, PartnerSecurityAlert, SecureScoreControlProfile, SecurityAlert } from './types';

export interface WriteResult<T> {
  ok: boolean;
  status: number;
  body?: T;
  error?: PostureError;
}

interface WriteRequest {
  key: string;
  method: 'PATCH' | 'POST';
  url: string;
  body: unknown;
  headers?: Record<string, string>;
}

const RETRYABLE = (status: number) => status >= 500 || status === 424 || status === 0;

export class WriteApi {
  constructor(private readonly graph: GraphService) {}

  /** PATCH control profiles; answers carry the whole profile (`Prefer: return=representation`). */
  async patchControlProfiles(items: { id: string; body: Record<string, unknown> }[], signal?: AbortSignal): Promise<Map<string, WriteResult<SecureScoreControlProfile>>> {
    return this.run<SecureScoreControlProfile>('v1.0', 'controls', items.map(i => ({
      key: i.id, method: 'PATCH', url: `/security/secureScoreControlProfiles/${encodeURIComponent(i.id)}`, body: i.body,
      headers: { Prefer: 'return=representation' },
    })), signal, true);
  }

  /** PATCH alerts_v2; Graph answers 200 with the whole alert. */
  async patchAlerts(items: { id: string; patch: Record<string, unknown> }[], signal?: AbortSignal): Promise<Map<string, WriteResult<SecurityAlert>>> {
    return this.run<SecurityAlert>('v1.0', 'alerts', items.map(i => ({
      key: i.id, method: 'PATCH', url: `/security/alerts_v2/${encodeURIComponent(i.id)}`, body: i.patch,
    })), signal, true);
  }

  /**
   * POST one comment per alert. A comment is not idempotent: after an ambiguous failure (5xx,
   * timeout, reset) the alert is read back, and the comment is sent again only if Graph did answer
   * and the comment is not there. Graph answers with the alert's whole comment list.
   */
  async addComments(items: { id: string; comment: string }[], signal?: AbortSignal): Promise<Map<string, WriteResult<AlertComment[]>>> {
    const started = Date.now();
    const requests = items.map(i => ({
      key: i.id, method: 'POST' as const, url: `/security/alerts_v2/${encodeURIComponent(i.id)}/comments`,
      body: { '@odata.type': 'microsoft.graph.security.alertComment', comment: i.comment },
    }));
    const results = await this.run<{ value?: AlertComment[] }>('v1.0', 'alerts', requests, signal, false);
    const out = new Map<string, WriteResult<AlertComment[]>>();
    const ambiguous = items.filter(i => !results.get(i.id)!.ok && RETRYABLE(results.get(i.id)!.status));
    for (const item of items.filter(i => !ambiguous.includes(i))) {
      const r = results.get(item.id)!;
      out.set(item.id, { ...r, body: r.body?.value });
    }
    // Ambiguous: did the first attempt write it? Read back; an alert that cannot be read is not sent again.
    const current = ambiguous.length > 0 ? await this.readAlerts(ambiguous.map(i => i.id), signal).catch(() => new Map<string, SecurityAlert>()) : new Map<string, SecurityAlert>();
    const retry: typeof requests = [];
    for (const item of ambiguous) {
      const r = results.get(item.id)!;
      const alert = current.get(item.id);
      const comments = alert?.comments ?? [];
      if (comments.some(c => c.comment === item.comment && Date.parse(c.createdDateTime) >= started - 120_000)) {
        out.set(item.id, { ok: true, status: 200, body: comments });
      } else if (r.status === 0 || !alert) {
        // No answer (timeout, lost connection: Graph may still be writing it) or no way to check:
        // sending it again now could add it twice. Reported failed; "Retry Failed" reads the alert first.
        out.set(item.id, { ok: false, status: 0, error: new PostureError(r.error?.kind ?? 'offline',
          `The comment could not be confirmed and may still be added, so it was not sent again. Retry Failed checks the alert first. (${r.error?.message ?? 'no answer'})`, { cause: r.error }) });
      } else {
        retry.push(requests.find(q => q.key === item.id)!);
      }
    }
    if (retry.length > 0) {
      const again = await this.run<{ value?: AlertComment[] }>('v1.0', 'alerts', retry, signal, false);
      for (const [key, r] of again) {
        out.set(key, { ...r, body: r.body?.value });
      }
    }
    return out;
  }

  /** The alerts as Graph has them now (20 to a $batch); those it could not read are left out. */
  async readAlerts(ids: string[], signal?: AbortSignal): Promise<Map<string, SecurityAlert>> {
    const answers = await this.graph.batch('v1.0', ids.map((id, i) => ({ id: String(i + 1), method: 'GET' as const, url: `/security/alerts_v2/${encodeURIComponent(id)}` })), { area: 'alerts', signal });
    return new Map(answers.flatMap((a, i) => (a.status === 200 && (a.body as SecurityAlert)?.id ? [[ids[i], a.body as SecurityAlert]] : [])));
  }

  /** PATCH a partner security alert (beta); 200 with the updated alert and its new activity log entry. */
  async patchPartnerAlert(id: string, body: { status: string; resolvedReason?: string }, signal?: AbortSignal): Promise<WriteResult<PartnerSecurityAlert>> {
    const results = await this.run<PartnerSecurityAlert>('beta', 'partner', [{ key: id, method: 'PATCH', url: `/security/partner/securityAlerts/${encodeURIComponent(id)}`, body }], signal, true);
    return results.get(id)!;
  }

  private async run<T>(version: GraphVersion, area: ApiArea, requests: WriteRequest[], signal: AbortSignal | undefined, idempotent: boolean): Promise<Map<string, WriteResult<T>>> {
    const out = new Map<string, WriteResult<T>>();
    if (requests.length === 1) {
      const [r] = requests;
      out.set(r.key, await this.single<T>(version, area, r, signal));
      return out;
    }
    const answers = await this.batch<T>(version, area, requests, signal);
    const again = idempotent ? requests.filter(r => !answers.get(r.key)!.ok && RETRYABLE(answers.get(r.key)!.status)) : [];
    const retried = again.length > 0 ? await this.batch<T>(version, area, again, signal) : new Map<string, WriteResult<T>>();
    for (const r of requests) {
      out.set(r.key, retried.get(r.key) ?? answers.get(r.key)!);
    }
    return out;
  }

  private async single<T>(version: GraphVersion, area: ApiArea, r: WriteRequest, signal?: AbortSignal): Promise<WriteResult<T>> {
    try {
      const options = { version, area, signal, headers: r.headers };
      const result = r.method === 'PATCH' ? await this.graph.patch<T>(r.url, r.body, options) : await this.graph.post<T>(r.url, r.body, options);
      return { ok: true, status: result.status, body: result.data as T | undefined };
    } catch (raw) {
      const error = errorFromException(raw);
      if (error.kind === 'canceled' || error.kind === 'signIn') {
        throw error;
      }
      // Unreadable answers and lost connections are ambiguous: the write may have landed.
      return { ok: false, status: error.kind === 'offline' || error.kind === 'invalidResponse' ? 0 : error.details.status ?? 0, error };
    }
  }

  private async batch<T>(version: GraphVersion, area: ApiArea, requests: WriteRequest[], signal?: AbortSignal): Promise<Map<string, WriteResult<T>>> {
    const ids = requests.map((_, i) => String(i + 1));
    const batchRequests: BatchRequest[] = requests.map((r, i) => ({ id: ids[i], method: r.method, url: r.url, body: r.body, headers: r.headers }));
    let answers: BatchResponse[];
    try {
      answers = await this.graph.batch(version, batchRequests, { area, write: true, signal });
    } catch (raw) {
      const error = errorFromException(raw);
      if (error.kind === 'canceled' || error.kind === 'signIn') {
        throw error;
      }
      // The batch itself failed: every item failed, ambiguously. A 5xx was an answer (Graph is done
      // with it, so reading back tells); no answer at all (status 0) may still be in progress.
      const status = error.kind === 'server' ? error.details.status ?? 0 : 0;
      return new Map(requests.map(r => [r.key, { ok: false, status, error }]));
    }
    return new Map(answers.map((a, i) => [requests[i].key, toResult<T>(a, area)]));
  }
}

function toResult<T>(answer: BatchResponse, area: ApiArea): WriteResult<T> {
  if (answer.status >= 200 && answer.status < 300) {
    return { ok: true, status: answer.status, body: answer.body as T };
  }
  const headers = { get: (name: string) => headerOf(answer.headers, name.toLowerCase()) ?? null };
  const error = answer.status === 424
    ? new PostureError('server', 'Graph did not run this change because another request in the batch failed.', { status: 424 })
    : answer.status === 0
      ? new PostureError('server', readGraphError(answer.body).message || 'Graph returned no answer for this item.', { status: 0 })
      : errorFromResponse(answer.status, answer.body, headers, area, true);
  return { ok: false, status: answer.status, error };
}
