// Typed calls for each resource, with the quirks handled here once: wrapped partner singletons,
// server-side-only paging of customer insights, APIs a cloud does not offer. The first GETs of a
// refresh share JSON $batch requests, so a full refresh costs a few HTTP requests, not one per section.
import {
  EVOLVABLE_ENUMS, headerOf, pageOf, parseWarnings,
  type BatchResponse, type GraphResult, type GraphService, type PageResult, type PartialWarning, type RequestOptions,
} from './client';
import { AREA_PERMISSIONS, PostureError, errorFromException, errorFromResponse } from './errors';
import type {
  CustomerInsight, ODataCollection, PartnerSecurityAlert, PartnerSecurityScore, SecureScore, SecureScoreControlProfile,
  SecurityAlert, SecurityRequirement, SecurityScoreHistory,
} from './types';

/** Page sizes: the largest each API takes, so a refresh costs as few requests as Graph allows. */
export const PAGE_SIZE = {
  secureScores: 90,
  controlProfiles: 500,
  /** Graph's alert docs limit `$top` to 1,000 alerts. */
  alerts: 1000,
} as const;

export interface Fetched<T> {
  data: T;
  warnings: PartialWarning[];
}

export interface PartnerData {
  score: PartnerSecurityScore;
  requirements: SecurityRequirement[];
  history: SecurityScoreHistory[];
}

/** The documented response wraps singletons as `{"value": {...}}`; a real one may not. Accept both. */
export function unwrapSingleton<T>(body: unknown): T {
  if (body && typeof body === 'object') {
    const value = (body as { value?: unknown }).value;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return value as T;
    }
  }
  return body as T;
}

interface Queued {
  path: string;
  options: RequestOptions;
  resolve(result: GraphResult<unknown>): void;
  reject(error: unknown): void;
}

/** Inner answers a plain request recovers from (one fresh token, Retry-After, the 503/504 retries): sent again alone. */
const SEND_ALONE = new Set([0, 401, 429, 503, 504]);

export class SecurityApi {
  private readonly queued = new Map<string, Queued[]>();

  constructor(readonly graph: GraphService) {}

  private require(offer: keyof GraphService['cloud']['offers'], what: string): void {
    if (!this.graph.cloud.offers[offer]) {
      throw new PostureError('unavailable', `${what} is not offered by Microsoft Graph in the ${this.graph.cloud.displayName} cloud.`);
    }
  }

  async secureScores(days: number, signal?: AbortSignal): Promise<Fetched<SecureScore[]>> {
    this.require('secureScore', 'Microsoft Secure Score');
    const top = Math.min(Math.max(1, days), PAGE_SIZE.secureScores);
    const page = await this.collect<SecureScore>(`/security/secureScores?$top=${top}`, { area: 'secureScore', signal, key: s => s.id });
    return { data: page.data.slice(0, days), warnings: page.warnings };
  }

  async controlProfiles(signal?: AbortSignal): Promise<Fetched<SecureScoreControlProfile[]>> {
    this.require('secureScore', 'Secure Score improvement actions');
    return this.collect<SecureScoreControlProfile>(`/security/secureScoreControlProfiles?$top=${PAGE_SIZE.controlProfiles}`, { area: 'controls', signal, key: p => p.id });
  }

  async alertsPage(filter: string, top: number, signal?: AbortSignal): Promise<PageResult<SecurityAlert>> {
    this.require('alerts', 'Security alerts');
    const query = [`$top=${Math.min(Math.max(1, top), PAGE_SIZE.alerts)}`, '$count=true', filter ? `$filter=${encodeURIComponent(filter)}` : ''].filter(Boolean).join('&');
    return pageOf(await this.get<ODataCollection<SecurityAlert>>(`/security/alerts_v2?${query}`, { area: 'alerts', signal }));
  }

  async alertsNext(nextLink: string, signal?: AbortSignal): Promise<PageResult<SecurityAlert>> {
    return this.graph.getPage<SecurityAlert>(nextLink, { area: 'alerts', signal });
  }

  async partner(signal?: AbortSignal): Promise<Fetched<PartnerData>> {
    this.require('partnerScore', 'The partner security score');
    const opts = { area: 'partner' as const, version: 'beta' as const, signal };
    const result = await this.get<unknown>('/security/partner/securityScore?$expand=requirements,history', opts);
    const score = unwrapSingleton<PartnerSecurityScore>(result.data);
    if (!score || typeof score !== 'object') {
      throw new PostureError('invalidResponse', 'Microsoft Graph answered the partner security score without a score.');
    }
    const warnings = [...result.warnings];
    const [requirements, history] = await Promise.all([
      Array.isArray(score.requirements) ? score.requirements
        : this.graph.getAll<SecurityRequirement>('/security/partner/securityScore/requirements', { ...opts, key: r => r.id }).then(p => (warnings.push(...p.warnings), p.items)),
      Array.isArray(score.history) ? score.history
        : this.graph.getAll<SecurityScoreHistory>('/security/partner/securityScore/history', { ...opts, key: h => h.id }).then(p => (warnings.push(...p.warnings), p.items)),
    ]);
    const { requirements: _r, history: _h, ...bare } = score;
    return { data: { score: bare, requirements, history: [...history].sort((a, b) => Date.parse(b.createdDateTime) - Date.parse(a.createdDateTime)) }, warnings };
  }

  /** Server-side paging only: no $top/$skip; follow nextLink. */
  async customerInsights(signal?: AbortSignal): Promise<Fetched<CustomerInsight[]>> {
    this.require('partnerScore', 'Customer insights');
    return this.collect<CustomerInsight>('/security/partner/securityScore/customerInsights', { area: 'partner', version: 'beta', signal, key: c => c.tenantId });
  }

  async partnerAlerts(signal?: AbortSignal): Promise<Fetched<PartnerSecurityAlert[]>> {
    this.require('partnerAlerts', 'Partner security alerts');
    // The list documents $count, $filter and $select only: no $top; the server pages.
    return this.collect<PartnerSecurityAlert>('/security/partner/securityAlerts', { area: 'partner', version: 'beta', signal, key: a => a.id });
  }

  /** Every page of a collection: the first through `get` (it may share a batch), the rest by nextLink. */
  private async collect<T>(path: string, options: RequestOptions & { key: (item: T) => string }): Promise<Fetched<T[]>> {
    const first = pageOf(await this.get<ODataCollection<T>>(path, options));
    if (!first.nextLink) {
      return { data: first.items, warnings: first.warnings };
    }
    const rest = await this.graph.getAll<T>(first.nextLink, options);
    const seen = new Set(first.items.map(options.key));
    return { data: [...first.items, ...rest.items.filter(item => !seen.has(options.key(item)))], warnings: [...first.warnings, ...rest.warnings] };
  }

  /**
   * A GET that starts a section. GETs asked in the same tick (a refresh of several sections) go
   * out as one $batch per Graph version and permission (a token for one permission must not hold
   * up the others, and the partner one is asked for separately); a lone GET is sent as it is.
   */
  private get<T>(path: string, options: RequestOptions): Promise<GraphResult<T>> {
    const key = `${options.version ?? 'v1.0'} ${AREA_PERMISSIONS[options.area].read}`;
    return new Promise((resolve, reject) => {
      let group = this.queued.get(key);
      if (!group) {
        group = [];
        this.queued.set(key, group);
        queueMicrotask(() => void this.flush(key));
      }
      group.push({ path, options, resolve: resolve as Queued['resolve'], reject });
      options.signal?.addEventListener('abort', () => reject(new PostureError('canceled', 'Canceled.')), { once: true });
    });
  }

  private async flush(key: string): Promise<void> {
    const group = this.queued.get(key)!;
    this.queued.delete(key);
    if (group.length === 1) {
      return this.sendAlone(group[0]);
    }
    const { version = 'v1.0', area } = group[0].options;
    let answers: BatchResponse[];
    try {
      const requests = group.map((q, i) => ({ id: String(i + 1), method: 'GET' as const, url: q.path, headers: { Prefer: EVOLVABLE_ENUMS } }));
      answers = await this.graph.batch(version, requests, { version, area, signal: whenAllAborted(group) });
    } catch (raw) {
      const error = errorFromException(raw);
      // $batch is a POST, which the client does not repeat after a 5xx; these GETs may be repeated.
      for (const q of group) {
        if (error.kind === 'server') {
          void this.sendAlone(q);
        } else {
          q.reject(error);
        }
      }
      return;
    }
    answers.forEach((answer, i) => this.settle(group[i], answer));
  }

  private settle(q: Queued, answer: BatchResponse): void {
    if (SEND_ALONE.has(answer.status)) {
      void this.sendAlone(q);
    } else if (answer.status >= 200 && answer.status < 300) {
      q.resolve({ data: answer.body, status: answer.status, warnings: answer.status === 206 ? parseWarnings(headerOf(answer.headers, 'warning') ?? null) : [] });
    } else {
      q.reject(errorFromResponse(answer.status, answer.body, { get: name => headerOf(answer.headers, name.toLowerCase()) ?? null }, q.options.area));
    }
  }

  private sendAlone(q: Queued): Promise<void> {
    return this.graph.get(q.path, q.options).then(q.resolve, q.reject);
  }
}

/** Aborts once every caller sharing a batch has given up: one caller's cancel must not stop the others. */
function whenAllAborted(group: Queued[]): AbortSignal | undefined {
  const signals = group.map(q => q.options.signal);
  if (signals.some(s => s === undefined)) {
    return undefined;
  }
  const controller = new AbortController();
  const check = () => signals.every(s => s!.aborted) && controller.abort();
  signals.forEach(s => s!.addEventListener('abort', check, { once: true }));
  return controller.signal;
}
