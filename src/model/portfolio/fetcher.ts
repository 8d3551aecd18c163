// Reads the portfolio: for every readable customer, one `$batch` with only what its row shows,
// through a GraphService for that customer's tenant alone. At most `maxInFlight` customers at once;
// each tenant's own budget (150 requests a minute, Retry-After) is kept per tenant, so a throttled
// or failing tenant waits without holding a slot the others need. Results stream per customer.

import { setMaxListeners } from 'node:events';
import type { BatchResponse, GraphService } from '../../graph/client';
import { headerOf } from '../../graph/client';
import type { Cloud } from '../../graph/clouds';
import { PostureError, errorFromException, parseRetryAfter, readGraphError } from '../../graph/errors';
import type { PortfolioCustomer } from './discovery';
import { postureRequests, summarizePosture, type CustomerPosture } from './posture';
import { noSecureScore, reasonFromError, throttled, type Reason } from './reasons';

/** A GraphService whose tokens are for this tenant only (the factory must never share one across tenants). */
export type GraphForTenant = (tenantId: string, signal: AbortSignal) => GraphService | Promise<GraphService>;

export interface CachedPosture {
  posture: CustomerPosture;
  /** ms since the epoch. */
  fetchedAt: number;
}

/** The last posture read of each customer; the UI persists `toJSON()` and restores with `fromJSON`. */
export class PortfolioCache {
  private readonly entries = new Map<string, CachedPosture>();

  get(tenantId: string): CachedPosture | undefined {
    return this.entries.get(tenantId.toLowerCase());
  }

  set(tenantId: string, entry: CachedPosture): void {
    this.entries.set(tenantId.toLowerCase(), entry);
  }

  delete(tenantId: string): void {
    this.entries.delete(tenantId.toLowerCase());
  }

  get size(): number {
    return this.entries.size;
  }

  toJSON(): Record<string, CachedPosture> {
    return Object.fromEntries(this.entries);
  }

  /** Entries that are not shaped like ours are dropped, not trusted. */
  static fromJSON(value: unknown): PortfolioCache {
    const cache = new PortfolioCache();
    if (value && typeof value === 'object') {
      for (const [tenantId, entry] of Object.entries(value as Record<string, unknown>)) {
        const e = entry as Partial<CachedPosture> | undefined;
        if (e && typeof e.fetchedAt === 'number' && e.posture && typeof e.posture === 'object' && Array.isArray(e.posture.trend)) {
          cache.set(tenantId, { fetchedAt: e.fetchedAt, posture: { ...e.posture, tenantId: tenantId.toLowerCase(), warnings: Array.isArray(e.posture.warnings) ? e.posture.warnings : [] } });
        }
      }
    }
    return cache;
  }
}

export interface CustomerResult {
  customer: PortfolioCustomer;
  /** `cached`: shown from the cache (maybe stale, a fresh read may follow); `read`: just read; `blocked`: not readable (see reason). */
  status: 'cached' | 'read' | 'blocked';
  posture?: CustomerPosture;
  fetchedAt?: number;
  /** Age of the posture in ms when emitted. */
  ageMs?: number;
  stale?: boolean;
  /** Why it is not read, or a warning beside the data (relationship ending, no Secure Score). */
  reason?: Reason;
}

export interface Progress {
  done: number;
  total: number;
}

export interface RunSummary {
  total: number;
  done: number;
  read: number;
  blocked: number;
  /** Fresh enough in the cache: not read again. */
  fromCache: number;
  canceled: boolean;
  /** Graph requests sent (inner requests of a batch each count), retries included. */
  graphRequests: number;
  /** HTTP round trips to Graph ($batch posts) attempted, including those whose sign-in was refused. */
  httpRequests: number;
  /** Requests sent again after a 429, 5xx or no answer. */
  retried: number;
}

export interface FetcherOptions {
  graphFor: GraphForTenant;
  /** For admin-consent links: the cloud signed in to and the app that needs consent. */
  cloud: Pick<Cloud, 'authorityHost'>;
  clientId?: string;
  cache?: PortfolioCache;
  /** Customers read at once (the `customers.maxInFlight` setting; default 8). */
  maxInFlight?: number;
  /** Per-tenant budget (Graph: 150 a minute on alerts and Secure Score). */
  requestsPerMinute?: number;
  /** A Retry-After longer than this ends the tenant's read with a "throttled" row instead of waiting. */
  maxRetryWaitMs?: number;
  /** Attempts per customer for 429, 5xx and unanswered requests. */
  maxAttempts?: number;
  /** Cached postures younger than this are shown and not read again. */
  maxAgeMs?: number;
  /** Also read what the portfolio panel's heatmap needs (points per category). */
  categories?: boolean;
  now?: () => number;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Called for each customer as its row becomes known (cached first, then read). */
  onCustomer?: (result: CustomerResult) => void;
  onProgress?: (progress: Progress) => void;
  /** Read every customer, however fresh its cache entry. */
  force?: boolean;
}

/** "48 of 200 customers". */
export function progressText(p: Progress): string {
  return `${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} customers`;
}

export class PortfolioFetcher {
  readonly cache: PortfolioCache;
  private readonly maxInFlight: number;
  private readonly budget: TenantBudget;
  private readonly maxRetryWaitMs: number;
  private readonly maxAttempts: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(private readonly options: FetcherOptions) {
    this.cache = options.cache ?? new PortfolioCache();
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? 8));
    this.now = options.now ?? Date.now;
    this.budget = new TenantBudget(options.requestsPerMinute ?? 150, this.now);
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 30_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.maxAgeMs = options.maxAgeMs ?? 60 * 60_000;
  }

  async run(customers: PortfolioCustomer[], run: RunOptions = {}): Promise<RunSummary> {
    // Our own signal, tied to the caller's: every waiting customer listens to it, more than Node's default of 10.
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    const onAbort = () => controller.abort();
    run.signal?.addEventListener('abort', onAbort, { once: true });
    if (run.signal?.aborted) {
      controller.abort();
    }
    const signal = controller.signal;
    const summary: RunSummary = { total: customers.length, done: 0, read: 0, blocked: 0, fromCache: 0, canceled: false, graphRequests: 0, httpRequests: 0, retried: 0 };
    const emit = (result: CustomerResult) => run.onCustomer?.(result);
    const finish = () => {
      summary.done++;
      run.onProgress?.({ done: summary.done, total: summary.total });
    };
    run.onProgress?.({ done: 0, total: summary.total });

    const queue: PortfolioCustomer[] = [];
    for (const customer of customers) {
      if (!customer.access.canRead) {
        summary.blocked++;
        emit({ customer, status: 'blocked', reason: customer.reason });
        finish();
        continue;
      }
      const cached = this.cache.get(customer.tenantId);
      const age = cached ? this.now() - cached.fetchedAt : Infinity;
      // A posture read without the categories the panel now asks for is read again, however young.
      const fresh = age < this.maxAgeMs && !run.force && (!this.options.categories || cached!.posture.categories !== undefined);
      if (cached) {
        emit({ customer, status: 'cached', posture: cached.posture, fetchedAt: cached.fetchedAt, ageMs: age, stale: !fresh, reason: rowReason(customer, cached.posture) });
      }
      if (fresh) {
        summary.fromCache++;
        finish();
      } else {
        queue.push(customer);
      }
    }

    const slots = new Semaphore(this.maxInFlight);
    let next = 0;
    // maxInFlight workers take customers in order; a worker waiting out a tenant's Retry-After
    // gives its slot back meanwhile.
    const worker = async () => {
      while (next < queue.length && !signal.aborted) {
        const customer = queue[next++];
        const result = await this.readCustomer(customer, slots, signal, summary);
        if (result) {
          if (result.status === 'read') {
            summary.read++;
          } else {
            summary.blocked++;
          }
          emit(result);
          finish();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(queue.length, this.maxInFlight * 4) }, worker));
    } catch (error) {
      if (!(errorFromException(error).kind === 'canceled')) {
        throw error;
      }
    }
    summary.canceled = signal.aborted;
    run.signal?.removeEventListener('abort', onAbort);
    this.budget.forgetIdle();
    return summary;
  }

  /** One customer: its batch, retried per tenant after 429/5xx; undefined when canceled. */
  private async readCustomer(customer: PortfolioCustomer, slots: Semaphore, signal: AbortSignal, summary: RunSummary): Promise<CustomerResult | undefined> {
    const tenantId = customer.tenantId;
    const reasonContext = { cloud: this.options.cloud, clientId: this.options.clientId, tenantId };
    const blocked = (reason: Reason): CustomerResult => ({ customer, status: 'blocked', reason });
    let pending = postureRequests(this.options.categories ?? false);
    const bodies = new Map<string, unknown>();
    const warnings: string[] = [];
    let graph: GraphService | undefined;
    // Still paused by an earlier 429 for longer than a run waits: say when it is tried again
    // instead of holding the whole run until then.
    const pausedUntil = this.budget.pausedAt(tenantId);
    if (pausedUntil - this.now() > this.maxRetryWaitMs) {
      return blocked(throttled(new Date(pausedUntil)));
    }
    for (let attempt = 1; ; attempt++) {
      await this.budget.reserve(tenantId, pending.length, signal);
      let answers: BatchResponse[];
      let release: (() => void) | undefined;
      try {
        release = await slots.acquire(signal);
        graph ??= await this.options.graphFor(tenantId, signal);
        summary.httpRequests++;
        summary.graphRequests += pending.length;
        answers = await graph.batchOnce('v1.0', pending, { area: 'secureScore', signal });
      } catch (raw) {
        const error = errorFromException(raw);
        if (error.kind === 'canceled' || signal.aborted) {
          return undefined;
        }
        const retryable = error.kind === 'offline' || error.kind === 'server' || error.kind === 'throttled';
        const wait = (error.details.retryAfterSeconds ?? 2 ** attempt) * 1000;
        if (!retryable || attempt >= this.maxAttempts || wait > this.maxRetryWaitMs) {
          return blocked(error.kind === 'throttled' ? throttled(new Date(this.now() + wait)) : reasonFromError(error, reasonContext));
        }
        summary.retried += pending.length;
        release?.();
        await this.pause(wait, signal);
        continue;
      } finally {
        release?.();
      }

      const again: typeof pending = [];
      let waitMs = 0;
      let throttledWait = 0;
      for (const request of pending) {
        const answer = answers.find(a => a.id === request.id);
        const status = answer?.status ?? 0;
        if (status >= 200 && status < 300) {
          bodies.set(request.id, answer!.body);
        } else if (status === 429 || status === 503 || status === 504 || status === 0) {
          const after = parseRetryAfter(headerOf(answer?.headers ?? {}, 'retry-after'));
          const ms = (after ?? 2 ** attempt) * 1000;
          waitMs = Math.max(waitMs, ms);
          if (status === 429) {
            throttledWait = Math.max(throttledWait, ms);
          }
          again.push(request);
        } else if (request.id === 'scores' || status === 401) {
          const graphError = readGraphError(answer?.body);
          const error = new PostureError(status === 401 ? 'signIn' : status === 403 ? 'forbidden' : 'badRequest', graphError.message || `HTTP ${status}`, { status, code: graphError.code });
          return blocked(reasonFromError(error, reasonContext));
        } else {
          // Alerts (or the category extras) refused while the score was read: the row keeps the score.
          warnings.push(`${request.id === 'high' || request.id === 'medium' ? 'Open alerts' : 'Categories'} could not be read (HTTP ${status}).`);
        }
      }
      if (again.length === 0) {
        break;
      }
      if (attempt >= this.maxAttempts || waitMs > this.maxRetryWaitMs) {
        if (throttledWait > 0) {
          this.budget.pauseUntil(tenantId, this.now() + throttledWait);
          return blocked(throttled(new Date(this.now() + throttledWait)));
        }
        return blocked(reasonFromError(new PostureError('server', `Graph did not answer (${again.map(r => r.id).join(', ')}).`), reasonContext));
      }
      summary.retried += again.length;
      if (throttledWait > 0) {
        this.budget.pauseUntil(tenantId, this.now() + throttledWait);
      }
      await this.pause(waitMs, signal);
      if (signal.aborted) {
        return undefined;
      }
      pending = again;
    }

    const posture = summarizePosture(tenantId, bodies, [...new Set(warnings)]);
    const fetchedAt = this.now();
    this.cache.set(tenantId, { posture, fetchedAt });
    return { customer, status: 'read', posture, fetchedAt, ageMs: 0, stale: false, reason: rowReason(customer, posture) };
  }

  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch {
      // Canceled: the caller checks the signal.
    }
  }
}

/** A readable customer's row still says what deserves attention: a relationship ending, no Secure Score. */
function rowReason(customer: PortfolioCustomer, posture: CustomerPosture): Reason | undefined {
  if (posture.asOf === undefined) {
    return noSecureScore();
  }
  return customer.reason && !customer.reason.blocking ? customer.reason : undefined;
}

/** Requests per tenant in the last minute, and a tenant-wide pause after a 429. */
class TenantBudget {
  private readonly sent = new Map<string, number[]>();
  private readonly pausedUntil = new Map<string, number>();

  constructor(private readonly perMinute: number, private readonly now: () => number) {}

  async reserve(tenantId: string, count: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      const times = (this.sent.get(tenantId) ?? []).filter(t => t > now - 60_000);
      const pause = this.pausedUntil.get(tenantId) ?? 0;
      const roomAt = times.length + count <= this.perMinute ? now : times[times.length + count - this.perMinute - 1] + 60_000;
      const at = Math.max(pause, roomAt);
      if (at <= now) {
        for (let i = 0; i < count; i++) {
          times.push(now);
        }
        this.sent.set(tenantId, times);
        return;
      }
      await sleep(at - now, signal);
    }
  }

  /** Until when (ms since the epoch) the tenant is paused after a 429; 0 when it is not. */
  pausedAt(tenantId: string): number {
    return this.pausedUntil.get(tenantId) ?? 0;
  }

  pauseUntil(tenantId: string, at: number): void {
    this.pausedUntil.set(tenantId, Math.max(at, this.pausedUntil.get(tenantId) ?? 0));
  }

  /** Drops tenants with nothing in the last minute, so memory does not grow with runs. */
  forgetIdle(): void {
    const now = this.now();
    for (const [tenant, times] of this.sent) {
      if (!times.some(t => t > now - 60_000)) {
        this.sent.delete(tenant);
      }
    }
    for (const [tenant, at] of this.pausedUntil) {
      if (at <= now) {
        this.pausedUntil.delete(tenant);
      }
    }
  }
}

/** A FIFO counting semaphore whose waits end on abort; `acquire` gives an idempotent release. */
class Semaphore {
  private available: number;
  private readonly waiters: (() => void)[] = [];

  constructor(size: number) {
    this.available = size;
  }

  async acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) {
      throw new PostureError('canceled', 'Canceled.');
    }
    if (this.available > 0) {
      this.available--;
    } else {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const i = this.waiters.indexOf(grant);
          if (i >= 0) {
            this.waiters.splice(i, 1);
          }
          reject(new PostureError('canceled', 'Canceled.'));
        };
        const grant = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        this.waiters.push(grant);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      const next = this.waiters.shift();
      if (next) {
        next();
      } else {
        this.available++;
      }
    };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new PostureError('canceled', 'Canceled.'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new PostureError('canceled', 'Canceled.'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
