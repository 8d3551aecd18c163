// The partner's customers as the Customers view shows them: discovery, then each customer's row
// streaming in as its tenant answers, with progress and cancel. The last portfolio is kept per
// partner tenant and shown at once (marked with its age) until a refresh replaces it. No vscode.
import type { Cloud } from '../graph/clouds';
import type { GraphService } from '../graph/client';
import { PostureError, errorFromException } from '../graph/errors';
import {
  discoverCustomers, PortfolioCache, PortfolioFetcher, type AccessMode, type CustomerResult, type PortfolioCustomer, type Progress, type RunSummary,
} from '../model/portfolio';
import type { CacheStorage } from '../model/store';

export interface PortfolioSource {
  /** The partner tenant's cache key. */
  key: string;
  /** The partner tenant's Graph client (discovery reads relationships, contracts and insights). */
  partner: GraphService;
  /** A Graph client for one customer tenant, with a credential for that tenant only. */
  graphFor(tenantId: string): GraphService;
  cloud: Pick<Cloud, 'authorityHost'>;
  clientId?: string;
  mode: AccessMode;
  names?: Record<string, string>;
}

interface Saved {
  customers: PortfolioCustomer[];
  cache: unknown;
}

const KEY_PREFIX = 'securityPosture.portfolio/';

export class Portfolio {
  private results = new Map<string, CustomerResult>();
  private source?: PortfolioSource;
  private fetcher?: PortfolioFetcher;
  private running?: AbortController;
  /** Reads include points per category (the portfolio panel is open). */
  private categories = false;
  private readonly listeners = new Set<() => void>();
  progress?: Progress;
  /** Discovery failed as a whole (no customers could be read). */
  error?: PostureError;
  warnings: string[] = [];
  lastRun?: RunSummary;

  constructor(private readonly storage: CacheStorage | undefined, private readonly options: { maxInFlight: () => number; now?: () => number } = { maxInFlight: () => 8 }) {}

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get connected(): boolean {
    return !!this.source;
  }

  get isRunning(): boolean {
    return !!this.running;
  }

  get customers(): CustomerResult[] {
    return [...this.results.values()];
  }

  get(tenantId: string): CustomerResult | undefined {
    return this.results.get(tenantId.toLowerCase());
  }

  /** Switches to a partner tenant (or none); its last portfolio shows at once, marked stale. */
  connect(source: PortfolioSource | undefined): void {
    this.cancel();
    this.source = source;
    this.results = new Map();
    this.error = undefined;
    this.warnings = [];
    this.progress = undefined;
    const saved = source && this.storage?.get<Saved>(KEY_PREFIX + source.key);
    const cache = PortfolioCache.fromJSON(saved?.cache);
    this.fetcher = source && this.makeFetcher(source, cache);
    const now = (this.options.now ?? Date.now)();
    for (const customer of Array.isArray(saved?.customers) ? saved.customers : []) {
      if (typeof customer?.tenantId !== 'string') {
        continue;
      }
      const entry = cache.get(customer.tenantId);
      this.results.set(customer.tenantId.toLowerCase(), entry
        ? { customer, status: 'cached', posture: entry.posture, fetchedAt: entry.fetchedAt, ageMs: now - entry.fetchedAt, stale: true, reason: customer.reason }
        : { customer, status: 'blocked', reason: customer.reason, stale: true });
    }
    this.fire();
  }

  /** Discovers the customers and reads the stale ones (all with `force`); resolves when done or canceled. */
  async refresh(force = false): Promise<void> {
    const source = this.source;
    const fetcher = this.fetcher;
    if (!source || !fetcher) {
      return;
    }
    this.cancel();
    const controller = new AbortController();
    this.running = controller;
    this.error = undefined;
    this.progress = { done: 0, total: this.results.size };
    this.fire();
    try {
      const discovery = await discoverCustomers(source.partner, { mode: source.mode, now: new Date((this.options.now ?? Date.now)()), names: source.names, signal: controller.signal });
      this.warnings = discovery.warnings.map(w => w.message);
      const known = new Set(discovery.customers.map(c => c.tenantId.toLowerCase()));
      for (const tenantId of [...this.results.keys()].filter(t => !known.has(t))) {
        this.results.delete(tenantId);
      }
      this.lastRun = await fetcher.run(discovery.customers, {
        signal: controller.signal, force,
        onCustomer: result => {
          this.results.set(result.customer.tenantId.toLowerCase(), result);
          this.fire();
        },
        onProgress: progress => {
          this.progress = progress;
          this.fire();
        },
      });
      void Promise.resolve(this.storage?.update(KEY_PREFIX + source.key, { customers: discovery.customers, cache: fetcher.cache.toJSON() } satisfies Saved)).catch(() => undefined);
    } catch (raw) {
      const error = errorFromException(raw);
      if (error.kind !== 'canceled') {
        this.error = error;
      }
    } finally {
      if (this.running === controller) {
        this.running = undefined;
        this.progress = undefined;
      }
      this.fire();
    }
  }

  /**
   * The portfolio panel's heatmap needs points per category: while it is open (`on`), every read
   * asks for them too, and turning it on reads the customers whose posture lacks them (their
   * cached rows show meanwhile). Off again, reads go back to what the Customers view shows.
   */
  readCategories(on: boolean): Promise<void> {
    if (on === this.categories) {
      return on && !this.running ? this.refresh(false) : Promise.resolve();
    }
    this.categories = on;
    if (this.source && this.fetcher) {
      this.fetcher = this.makeFetcher(this.source, this.fetcher.cache);
    }
    return on ? this.refresh(false) : Promise.resolve();
  }

  get readsCategories(): boolean {
    return this.categories;
  }

  private makeFetcher(source: PortfolioSource, cache: PortfolioCache): PortfolioFetcher {
    return new PortfolioFetcher({
      graphFor: source.graphFor, cloud: source.cloud, clientId: source.clientId, cache, maxInFlight: this.options.maxInFlight(), now: this.options.now, categories: this.categories,
    });
  }

  /** Resolves once no read is running (at once when none is). */
  whenIdle(): Promise<void> {
    return new Promise(resolve => {
      if (!this.running) {
        resolve();
        return;
      }
      const sub = this.onDidChange(() => {
        if (!this.running) {
          sub.dispose();
          resolve();
        }
      });
    });
  }

  cancel(): void {
    this.running?.abort();
    this.running = undefined;
    this.progress = undefined;
  }

  dispose(): void {
    this.cancel();
    this.listeners.clear();
  }

  private fire(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }
}
