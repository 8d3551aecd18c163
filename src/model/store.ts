// The one data store behind every view. It fetches sections in parallel, keeps each section's
// state (loading / ready / error, "as of", stale), restores the last data of a tenant instantly
// from a cache and marks it stale until refreshed. No `vscode` import: tested outside VS Code.
import type { PartialWarning } from '../graph/client';
import { PostureError, errorFromException } from '../graph/errors';
import type { Fetched, PartnerData, SecurityApi } from '../graph/security';
import type { CustomerInsight, PartnerSecurityAlert, SecureScore, SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { ALERT_SEVERITIES, alertFilterOData, DEFAULT_ALERT_FILTER, type AlertFilter } from './alerts';
import { byId, nextLinkIfMore, unique, withoutRepeats } from './repeats';

export interface Section<T> {
  status: 'idle' | 'loading' | 'ready' | 'error';
  data?: T;
  /** When the data was fetched (ISO). */
  asOf?: string;
  /** Data restored from the cache or kept after a failed refresh. */
  stale: boolean;
  error?: PostureError;
  warnings: PartialWarning[];
}

export interface AlertGroup {
  severity: string;
  items: SecurityAlert[];
  /** Total matching alerts (`@odata.count`), when Graph reported it. */
  count?: number;
  nextLink?: string;
  loadingMore: boolean;
  error?: PostureError;
}

export interface AlertsData {
  filter: AlertFilter;
  groups: AlertGroup[];
}

export interface SectionData {
  scores: SecureScore[];
  profiles: SecureScoreControlProfile[];
  alerts: AlertsData;
  partner: PartnerData;
  customers: CustomerInsight[];
  partnerAlerts: PartnerSecurityAlert[];
}
export type SectionId = keyof SectionData;
export const SECTIONS: SectionId[] = ['scores', 'profiles', 'alerts', 'partner', 'customers', 'partnerAlerts'];

/** Where cached data lives (VS Code's globalState in the extension, a Map in tests). */
export interface CacheStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
  keys(): readonly string[];
}

interface CacheEntry<T> {
  asOf: string;
  data: T;
}

/**
 * What views, panels and commands use of a store: the current tenant's store, whichever tenant
 * that is (see CurrentStore), or one tenant context's own.
 */
export interface StoreView {
  onDidChange(listener: (ids: SectionId[]) => void): { dispose(): void };
  onDidPatchAlert(listener: (alert: SecurityAlert) => void): { dispose(): void };
  readonly listenerCount: number;
  get<K extends SectionId>(id: K): Section<SectionData[K]>;
  readonly connected: boolean;
  readonly currentTenantKey: string | undefined;
  readonly alertsFilter: AlertFilter;
  configureAlerts(filter: AlertFilter, pageSize: number): boolean;
  refresh(ids?: SectionId[]): Promise<void>;
  loadMoreAlerts(severity: string): Promise<void>;
  patchAlert(alert: SecurityAlert): void;
  replaceProfile(profile: SecureScoreControlProfile): void;
  replacePartnerAlert(alert: PartnerSecurityAlert): void;
  forget(tenantKey: string): Promise<void>;
}

const CACHE_PREFIX = 'securityPosture.cache/';
const CACHE_VERSION = 1;
const RESAVE_UNCHANGED_MS = 10 * 60_000;

export class PostureStore implements StoreView {
  private readonly sections = new Map<SectionId, Section<unknown>>();
  private readonly inflight = new Map<SectionId, AbortController>();
  private readonly listeners = new Set<(ids: SectionId[]) => void>();
  /** What was last written per cache key, and when (the data's "as of"). */
  private readonly saved = new Map<string, { json: string; at: number }>();
  private readonly alertListeners = new Set<(alert: SecurityAlert) => void>();
  private api?: SecurityApi;
  private tenantKey?: string;
  private alertFilter: AlertFilter = DEFAULT_ALERT_FILTER;
  private alertPageSize = 200;

  constructor(private readonly cache?: CacheStorage, private readonly now: () => Date = () => new Date()) {
    this.reset();
  }

  onDidChange(listener: (ids: SectionId[]) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** How many listeners are registered (the endurance test checks that refreshes add none). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  get<K extends SectionId>(id: K): Section<SectionData[K]> {
    return this.sections.get(id) as Section<SectionData[K]>;
  }

  get connected(): boolean {
    return this.api !== undefined;
  }

  get currentTenantKey(): string | undefined {
    return this.tenantKey;
  }

  /** Switch to a tenant (or to none). Cached data of that tenant shows at once, marked stale. */
  connect(api: SecurityApi | undefined, tenantKey: string | undefined): void {
    this.cancelAll();
    this.api = api;
    this.tenantKey = tenantKey;
    this.reset();
    if (tenantKey) {
      this.restore(tenantKey);
    }
    this.fire(SECTIONS);
  }

  configureAlerts(filter: AlertFilter, pageSize: number): boolean {
    const changed = JSON.stringify(filter) !== JSON.stringify(this.alertFilter) || pageSize !== this.alertPageSize;
    this.alertFilter = filter;
    this.alertPageSize = pageSize;
    return changed;
  }

  get alertsFilter(): AlertFilter {
    return this.alertFilter;
  }

  /** Refreshes the given sections in parallel; resolves when all have settled (never rejects). */
  async refresh(ids: SectionId[] = SECTIONS): Promise<void> {
    const api = this.api;
    if (!api) {
      return;
    }
    await Promise.all(ids.map(id => this.load(id, signal => this.fetchSection(api, id, signal))));
  }

  /** Next page of one severity group of the Alerts view. */
  async loadMoreAlerts(severity: string): Promise<void> {
    const api = this.api;
    const section = this.get('alerts');
    const group = section.data?.groups.find(g => g.severity === severity);
    if (!api || !group?.nextLink || group.loadingMore) {
      return;
    }
    group.loadingMore = true;
    group.error = undefined;
    this.fire(['alerts']);
    try {
      const page = await api.alertsNext(group.nextLink);
      group.items = unique([...group.items, ...page.items], byId);
      group.count = page.count ?? group.count;
      // A nextLink that points back at itself would never end: drop it.
      group.nextLink = page.nextLink !== group.nextLink ? nextLinkIfMore(page.nextLink, group.items.length, group.count) : undefined;
    } catch (error) {
      group.error = errorFromException(error);
    } finally {
      group.loadingMore = false;
      this.fire(['alerts']);
    }
  }

  /** Told of every alert a write replaced (query results hold copies of alerts too). */
  onDidPatchAlert(listener: (alert: SecurityAlert) => void): { dispose(): void } {
    this.alertListeners.add(listener);
    return { dispose: () => this.alertListeners.delete(listener) };
  }

  /** Replaces one item in place after a write, so views change without a refetch. */
  patchAlert(alert: SecurityAlert): void {
    for (const listener of [...this.alertListeners]) {
      listener(alert);
    }
    const data = this.get('alerts').data;
    for (const group of data?.groups ?? []) {
      const i = group.items.findIndex(a => a.id === alert.id);
      if (i >= 0) {
        group.items[i] = alert;
      }
    }
    this.fire(['alerts']);
  }

  /** Replaces a control profile after a write (the server's copy). */
  replaceProfile(profile: SecureScoreControlProfile): void {
    this.replaceIn('profiles', profile, p => p.id === profile.id);
  }

  /** Replaces a partner security alert after a write (the server's copy). */
  replacePartnerAlert(alert: PartnerSecurityAlert): void {
    this.replaceIn('partnerAlerts', alert, a => a.id === alert.id);
  }

  private replaceIn<K extends 'profiles' | 'partnerAlerts'>(id: K, item: SectionData[K][number], match: (x: SectionData[K][number]) => boolean): void {
    const list = this.get(id).data as SectionData[K][number][] | undefined;
    const i = list?.findIndex(match) ?? -1;
    if (list && i >= 0) {
      list[i] = item;
      this.fire([id]);
    }
  }

  dispose(): void {
    this.cancelAll();
    this.listeners.clear();
    this.alertListeners.clear();
  }

  /** Forget the cached data of a tenant (sign-out with "forget"). */
  async forget(tenantKey: string): Promise<void> {
    if (!this.cache) {
      return;
    }
    const prefix = `${CACHE_PREFIX}${tenantKey}/`;
    [...this.saved.keys()].filter(k => k.startsWith(prefix)).forEach(k => this.saved.delete(k));
    await Promise.all(this.cache.keys().filter(k => k.startsWith(prefix)).map(k => this.cache!.update(k, undefined)));
  }

  private async fetchSection(api: SecurityApi, id: SectionId, signal: AbortSignal): Promise<Fetched<unknown>> {
    switch (id) {
      case 'scores': return api.secureScores(90, signal);
      case 'profiles': return api.controlProfiles(signal);
      case 'partner': return api.partner(signal);
      case 'customers': return api.customerInsights(signal);
      case 'partnerAlerts': return api.partnerAlerts(signal);
      case 'alerts': return this.fetchAlerts(api, signal);
    }
  }

  /** One query per severity (in parallel) so each group has an exact count and its own "Load more". */
  private async fetchAlerts(api: SecurityApi, signal: AbortSignal): Promise<Fetched<AlertsData>> {
    const filter = this.alertFilter;
    const now = this.now();
    const pages = await Promise.all(ALERT_SEVERITIES.map(severity => api.alertsPage(alertFilterOData(filter, severity, now), this.alertPageSize, signal)));
    return {
      data: {
        filter,
        groups: pages.map((page, i) => ({
          severity: ALERT_SEVERITIES[i], items: page.items, count: page.count, nextLink: nextLinkIfMore(page.nextLink, page.items.length, page.count), loadingMore: false,
        })),
      },
      warnings: pages.flatMap(p => p.warnings),
    };
  }

  private async load(id: SectionId, fetch: (signal: AbortSignal) => Promise<Fetched<unknown>>): Promise<void> {
    this.inflight.get(id)?.abort();
    const controller = new AbortController();
    this.inflight.set(id, controller);
    const previous = this.sections.get(id)!;
    this.sections.set(id, { ...previous, status: 'loading', error: undefined });
    this.fire([id]);
    try {
      const result = await fetch(controller.signal);
      if (controller.signal.aborted) {
        return;
      }
      const asOf = this.now().toISOString();
      const data = withoutRepeats(id, result.data as SectionData[typeof id]);
      this.sections.set(id, { status: 'ready', data, asOf, stale: false, warnings: result.warnings });
      this.save(id, asOf, data);
    } catch (raw) {
      if (controller.signal.aborted) {
        return;
      }
      const error = errorFromException(raw);
      // Keep what we had (from the cache or the last refresh) and say it is stale.
      this.sections.set(id, { ...previous, status: 'error', error, stale: previous.data !== undefined, warnings: [] });
    } finally {
      if (this.inflight.get(id) === controller) {
        this.inflight.delete(id);
      }
    }
    this.fire([id]);
  }

  private reset(): void {
    for (const id of SECTIONS) {
      this.sections.set(id, { status: 'idle', stale: false, warnings: [] });
    }
  }

  private cancelAll(): void {
    for (const controller of this.inflight.values()) {
      controller.abort();
    }
    this.inflight.clear();
  }

  private fire(ids: SectionId[]): void {
    for (const listener of [...this.listeners]) {
      listener(ids);
    }
  }

  private cacheKey(tenantKey: string, id: SectionId): string {
    return `${CACHE_PREFIX}${tenantKey}/${id}/v${CACHE_VERSION}`;
  }

  private restore(tenantKey: string): void {
    if (!this.cache) {
      return;
    }
    for (const id of SECTIONS) {
      const entry = this.cache.get<CacheEntry<unknown>>(this.cacheKey(tenantKey, id));
      if (entry?.data !== undefined && typeof entry.asOf === 'string') {
        this.sections.set(id, { status: 'ready', data: entry.data, asOf: entry.asOf, stale: true, warnings: [] });
      }
    }
  }

  private save(id: SectionId, asOf: string, data: unknown): void {
    if (!this.cache || !this.tenantKey) {
      return;
    }
    const key = this.cacheKey(this.tenantKey, id);
    const compact = compactForCache(id, data);
    const json = JSON.stringify(compact);
    const at = Date.parse(asOf);
    const last = this.saved.get(key);
    // Every write goes to the window's storage (scores are about 1.5 MB): data that did not change
    // is written again only now and then, to move its "as of" on.
    if (last && last.json === json && at - last.at < RESAVE_UNCHANGED_MS) {
      return;
    }
    this.saved.set(key, { json, at });
    void Promise.resolve(this.cache.update(key, { asOf, data: compact })).catch(() => undefined);
  }
}

/** Alerts are cached without evidence and comments: the view does not show them and they are large. */
function compactForCache(id: SectionId, data: unknown): unknown {
  if (id !== 'alerts') {
    return data;
  }
  const alerts = data as AlertsData;
  return {
    filter: alerts.filter,
    groups: alerts.groups.map(g => ({
      ...g, loadingMore: false, error: undefined,
      items: g.items.map(a => ({ ...a, evidence: [], comments: [], description: a.description && a.description.length > 2000 ? `${a.description.slice(0, 2000)}…` : a.description })),
    })),
  };
}
