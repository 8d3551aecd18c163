// Fault injection and throttling for the Graph emulator. Rules are plain JSON (plus RegExp in-process)
// so a test in another process (the VS Code extension host) can set them over HTTP.

import type { RouteGroup } from '../../src/sample/engine';

export type { RouteGroup };

export type FaultKind = Fault['kind'];

export type Fault =
  /** A Graph error; `retryAfter` becomes the Retry-After header (429 defaults to "1"; null sends none). */
  | { kind: 'status'; status: number; code?: string; message?: string; retryAfter?: number | string | null; headers?: Record<string, string> }
  /** Destroys the socket without an answer (ECONNRESET at the client). */
  | { kind: 'reset' }
  /** Waits, then answers normally: slower than a client's timeout if `ms` is large. */
  | { kind: 'delay'; ms: number }
  /** The real answer, cut in half: not parseable JSON. */
  | { kind: 'malformed' }
  /** Security-API federation failure (graph-api.md §1.3): 206 + `Warning`, with the real data unless `empty`. */
  | { kind: 'partial'; warnings?: string[]; empty?: boolean }
  /** `@odata.nextLink` points back at the same page, so a naive pager never ends. */
  | { kind: 'loopNextLink' }
  /** The page's first `count` items (default 1) appear again at its end, as a pager that shifted would deliver. */
  | { kind: 'repeatItems'; count?: number }
  /** Every token issued so far expires now; this request gets 401. */
  | { kind: 'expireToken' }
  /** Refuses connections for `ms`: the listener closes and reopens on the same port. */
  | { kind: 'offline'; ms: number }
  /** The service does the work (a write lands), then answers with an error: the ambiguous failure. */
  | { kind: 'failAfterWrite'; status: number };

export interface FaultRule {
  /** Assigned when added if absent. */
  id?: string;
  /** HTTP method, any case; any method if absent. */
  method?: string;
  /** Regex (case-insensitive when given as a string) tested against path + query, e.g. `secureScores`. */
  path?: string | RegExp;
  /**
   * true: only inner `$batch` requests; false: only top-level requests; absent: both.
   * Inner requests only take `status` and `failAfterWrite` faults, since they share the outer request's connection
   * (`add` refuses other kinds with `inBatch: true`; with `inBatch` absent they pass inner requests over).
   */
  inBatch?: boolean;
  /** Applies to this many matching requests, then the rule is removed. Unlimited if absent. */
  count?: number;
  /** Chance (0..1) that a matching request is hit, drawn from the seeded RNG. Always if absent. */
  probability?: number;
  fault: Fault;
}

/** What `POST /_emulator/faults` accepts; every field optional, applied in this order. */
export interface FaultCommand {
  clear?: boolean;
  seed?: number;
  add?: FaultRule[];
  remove?: string[];
  expireTokens?: boolean;
  revokeConsent?: string;
  restoreConsent?: string;
  offlineMs?: number;
}

/** The listener switch, provided by the server. */
export interface NetworkSwitch {
  goOffline(): Promise<void>;
  goOnline(): Promise<void>;
}

export class FaultController {
  private active: FaultRule[] = [];
  private nextId = 1;
  private random: () => number;
  private readonly revoked = new Set<string>();
  private epoch = 0;
  private offlineTimer: NodeJS.Timeout | undefined;

  constructor(private readonly network: NetworkSwitch, private readonly seed = 1) {
    this.random = mulberry32(seed);
  }

  get rules(): readonly FaultRule[] {
    return this.active;
  }

  /** Adds rules (first added, first matched); returns their ids. */
  add(...rules: FaultRule[]): string[] {
    rules.forEach(validateRule);
    return rules.map((rule) => {
      const id = rule.id ?? `fault-${this.nextId++}`;
      this.active.push({ ...rule, id });
      return id;
    });
  }

  remove(id: string): void {
    this.active = this.active.filter((r) => r.id !== id);
  }

  clear(): void {
    this.active = [];
  }

  reseed(seed: number): void {
    this.random = mulberry32(seed);
  }

  /** The first rule that hits this request, its count consumed; undefined when none. */
  match(method: string, path: string, inBatch: boolean): Fault | undefined {
    for (const rule of this.active) {
      if (rule.inBatch !== undefined && rule.inBatch !== inBatch) {
        continue;
      }
      if (inBatch && !BATCH_KINDS.has(rule.fault.kind)) {
        continue;
      }
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) {
        continue;
      }
      if (rule.path !== undefined && !toRegExp(rule.path).test(path)) {
        continue;
      }
      if (rule.probability !== undefined && this.random() >= rule.probability) {
        continue;
      }
      if (rule.count !== undefined) {
        rule.count -= 1;
        if (rule.count <= 0) {
          this.remove(rule.id as string);
        }
      }
      return rule.fault;
    }
    return undefined;
  }

  /** New token requests get `invalid_grant` (AADSTS65001) and Graph answers 403 to the client's tokens. */
  revokeConsent(clientId: string): void {
    this.revoked.add(clientId.toLowerCase());
  }

  restoreConsent(clientId: string): void {
    this.revoked.delete(clientId.toLowerCase());
  }

  isConsentRevoked(clientId: string): boolean {
    return this.revoked.has(clientId.toLowerCase());
  }

  /** Every access token issued so far is treated as expired from now on. */
  expireTokens(): void {
    this.epoch += 1;
  }

  /** Tokens remember the epoch they were issued in; an older epoch means "expired". */
  get tokenEpoch(): number {
    return this.epoch;
  }

  /** Closes the listener; reopens it after `ms` if given, else on `goOnline()`. */
  async goOffline(ms?: number): Promise<void> {
    clearTimeout(this.offlineTimer);
    await this.network.goOffline();
    if (ms !== undefined) {
      this.offlineTimer = setTimeout(() => {
        this.network.goOnline().catch((err: unknown) => console.error('Graph emulator could not reopen its port:', err));
      }, ms);
    }
  }

  async goOnline(): Promise<void> {
    clearTimeout(this.offlineTimer);
    this.offlineTimer = undefined;
    await this.network.goOnline();
  }

  /** Applies a command received over HTTP. */
  async apply(command: FaultCommand): Promise<void> {
    if (command.clear) {
      this.clear();
    }
    if (command.seed !== undefined) {
      this.reseed(command.seed);
    }
    if (command.add) {
      this.add(...command.add);
    }
    for (const id of command.remove ?? []) {
      this.remove(id);
    }
    if (command.expireTokens) {
      this.expireTokens();
    }
    if (command.revokeConsent) {
      this.revokeConsent(command.revokeConsent);
    }
    if (command.restoreConsent) {
      this.restoreConsent(command.restoreConsent);
    }
    if (command.offlineMs !== undefined) {
      await this.goOffline(command.offlineMs);
    }
  }

  /** Back to no rules, full consent and the initial seed (expired tokens stay expired). */
  async reset(): Promise<void> {
    this.clear();
    this.revoked.clear();
    this.random = mulberry32(this.seed);
    await this.goOnline();
  }

  /** Stops the reopen timer, for shutdown. */
  dispose(): void {
    clearTimeout(this.offlineTimer);
  }
}

function validateRule(rule: FaultRule): void {
  const kinds: Record<FaultKind, true> = {
    status: true, reset: true, delay: true, malformed: true, partial: true,
    loopNextLink: true, repeatItems: true, expireToken: true, offline: true, failAfterWrite: true,
  };
  if (!rule || typeof rule !== 'object' || !rule.fault || !kinds[rule.fault.kind as FaultKind]) {
    throw new Error(`Fault rule needs fault.kind, one of ${Object.keys(kinds).join(', ')}.`);
  }
  if (rule.fault.kind === 'status' && !(rule.fault.status >= 100 && rule.fault.status <= 599)) {
    throw new Error('A status fault needs a status between 100 and 599.');
  }
  if (rule.inBatch === true && !BATCH_KINDS.has(rule.fault.kind)) {
    throw new Error(`A ${rule.fault.kind} fault cannot hit an inner $batch request (it shares the outer connection); use ${[...BATCH_KINDS].join(' or ')}.`);
  }
  if (typeof rule.path === 'string') {
    toRegExp(rule.path);
  }
}

/** What an inner `$batch` request can get: only its answer can be faked. */
const BATCH_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>(['status', 'failAfterWrite']);

function toRegExp(path: string | RegExp): RegExp {
  return typeof path === 'string' ? new RegExp(path, 'i') : path;
}

/** Small seeded PRNG so probabilistic faults replay identically. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- Throttling: per (app, tenant, engine route group), as Graph counts (graph-api.md §1.4) ----------

/** Graph's published limits, for tests and benchmarks that want them (none apply unless passed). */
export const GRAPH_LIMITS: {
  concurrency: Partial<Record<RouteGroup, number>>;
  rateLimits: Partial<Record<RouteGroup, RateLimit>>;
} = {
  concurrency: { secureScores: 4, controlProfiles: 4 },
  rateLimits: {
    alerts: { requests: 150, perSeconds: 60 },
    secureScores: { requests: 150, perSeconds: 60 },
    controlProfiles: { requests: 10000, perSeconds: 600 },
    // No published figure for partner APIs; assume the alert limit.
    partnerScore: { requests: 150, perSeconds: 60 },
    customerInsights: { requests: 150, perSeconds: 60 },
    partnerAlerts: { requests: 150, perSeconds: 60 },
  },
};

export interface RateLimit {
  requests: number;
  perSeconds: number;
}

export function isBatchPath(path: string): boolean {
  return /^\/(v1\.0|beta)\/\$batch(\?|$)/i.test(path);
}

/** The engine's route group of a Graph path; undefined for `$batch` (its inner requests count instead) and unknown paths. */
export function routeGroupOf(path: string): RouteGroup | undefined {
  const p = path.split('?')[0].toLowerCase().replace(/^\/(v1\.0|beta)(?=\/)/, '');
  const groups: Array<[string, RouteGroup]> = [
    ['/security/securescorecontrolprofiles', 'controlProfiles'],
    ['/security/securescores', 'secureScores'],
    ['/security/partner/securityscore/customerinsights', 'customerInsights'],
    ['/security/partner/securityscore', 'partnerScore'],
    ['/security/partner/securityalerts', 'partnerAlerts'],
    ['/security/alerts', 'alerts'],
    ['/tenantrelationships/delegatedadminrelationships', 'relationships'],
    ['/contracts', 'contracts'],
  ];
  return groups.find(([prefix]) => p.startsWith(prefix))?.[1];
}

export type Admission = { release(): void } | { retryAfter: string };

/** Concurrency limits and token buckets, each keyed by (app, tenant, route group). */
export class Throttle {
  private readonly inFlight = new Map<string, number>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly concurrency: Partial<Record<RouteGroup, number>>,
    private readonly rateLimits: Partial<Record<RouteGroup, RateLimit>>,
    /** Retry-After for a concurrency 429: about how long a request in flight takes. */
    private readonly concurrencyRetryAfter: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Admits a request (call `release` when it is answered) or says how long to wait. */
  enter(app: string, tenant: string, group: RouteGroup): Admission {
    const key = `${app}|${tenant}|${group}`;
    const limit = this.concurrency[group];
    const running = this.inFlight.get(key) ?? 0;
    if (limit !== undefined && running >= limit) {
      return { retryAfter: seconds(this.concurrencyRetryAfter) };
    }
    const rate = this.rateLimits[group];
    if (rate) {
      const perMs = rate.requests / (rate.perSeconds * 1000);
      const now = this.now();
      const bucket = this.buckets.get(key) ?? { tokens: rate.requests, at: now };
      bucket.tokens = Math.min(rate.requests, bucket.tokens + (now - bucket.at) * perMs);
      bucket.at = now;
      this.buckets.set(key, bucket);
      if (bucket.tokens < 1) {
        return { retryAfter: seconds((1 - bucket.tokens) / perMs / 1000) };
      }
      bucket.tokens -= 1;
    }
    this.inFlight.set(key, running + 1);
    let released = false;
    return {
      release: () => {
        if (!released) {
          released = true;
          this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
        }
      },
    };
  }

  reset(): void {
    this.inFlight.clear();
    this.buckets.clear();
  }
}

/** Graph's Retry-After may be fractional ("0.249"); never below a millisecond. */
function seconds(value: number): string {
  return String(Math.max(0.001, Math.ceil(value * 1000) / 1000));
}
