// Results of "Query Alerts…" (the query rows of the Alerts view), and the recent and saved query
// texts of each tenant. Kept apart from PostureStore: queries come and go, sections do not.
import { errorFromException, PostureError } from '../graph/errors';
import type { SecurityApi } from '../graph/security';
import type { SecurityAlert } from '../graph/types';
import { parseAlertQuery, type AlertQuery, type QueryContext } from './alertQuery';
import type { CacheStorage } from './store';

export interface SavedQuery {
  name: string;
  text: string;
}

export interface QueryHistory {
  recent: string[];
  saved: SavedQuery[];
}

export interface QueryResult {
  /** Unique in this session; part of the row's id. */
  id: string;
  text: string;
  /** Set by "Rename" or "Save". */
  name?: string;
  saved: boolean;
  status: 'loading' | 'ready' | 'error';
  /** The alerts that matched, newest first. */
  items: SecurityAlert[];
  /** Alerts read from Graph (before the local filter). */
  scanned: number;
  nextLink?: string;
  error?: PostureError;
  asOf?: string;
  odata: string;
  local: string[];
}

export interface AlertQueriesOptions {
  api(): SecurityApi | undefined;
  tenantKey(): string | undefined;
  /** For `assigned:me`. */
  me(): string | undefined;
  now(): Date;
  pageSize(): number;
}

const HISTORY_PREFIX = 'securityPosture.queries/';
const MAX_RECENT = 10;
/** With local terms, pages are read until this many alerts were scanned, then "Load more" goes on. */
const MAX_SCAN = 1000;

export class AlertQueries {
  private readonly byTenant = new Map<string, QueryResult[]>();
  private readonly inflight = new Map<string, AbortController>();
  private readonly compiled = new Map<string, AlertQuery>();
  private readonly listeners = new Set<() => void>();
  private counter = 0;

  constructor(private readonly storage: CacheStorage, private readonly options: AlertQueriesOptions) {}

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Query rows of the current tenant, oldest first. */
  get results(): readonly QueryResult[] {
    const key = this.options.tenantKey();
    return key ? this.byTenant.get(key) ?? [] : [];
  }

  get(id: string): QueryResult | undefined {
    return this.results.find(r => r.id === id);
  }

  context(): QueryContext {
    return { now: this.options.now(), me: this.options.me() };
  }

  /** Throws QuerySyntaxError for invalid text, before any request. */
  compile(text: string): AlertQuery {
    return parseAlertQuery(text.trim(), this.context());
  }

  history(): QueryHistory {
    const key = this.options.tenantKey();
    const stored = key ? this.storage.get<Partial<QueryHistory>>(historyKey(key)) : undefined;
    return {
      recent: Array.isArray(stored?.recent) ? stored.recent.filter((t): t is string => typeof t === 'string') : [],
      saved: Array.isArray(stored?.saved) ? stored.saved.filter(s => typeof s?.name === 'string' && typeof s?.text === 'string') : [],
    };
  }

  /** Runs a query (a new row, or refreshing the row with the same text) and resolves when its first page is in. */
  async run(text: string): Promise<QueryResult> {
    const tenant = this.requireTenant();
    const query = this.compile(text);
    const rows = this.byTenant.get(tenant) ?? [];
    this.byTenant.set(tenant, rows);
    let result = rows.find(r => r.text === query.text);
    if (!result) {
      const saved = this.history().saved.find(s => s.text === query.text);
      result = { id: `q${++this.counter}`, text: query.text, name: saved?.name, saved: !!saved, status: 'loading', items: [], scanned: 0, odata: '', local: [] };
      rows.push(result);
    }
    await this.remember({ recent: [query.text, ...this.history().recent.filter(t => t !== query.text)].slice(0, MAX_RECENT) });
    await this.fetch(result, query, undefined);
    return result;
  }

  /** Runs the row's query again (relative dates move with the clock). */
  async rerun(id: string): Promise<void> {
    const result = this.get(id);
    if (result) {
      await this.fetch(result, this.compile(result.text), undefined);
    }
  }

  async loadMore(id: string): Promise<void> {
    const result = this.get(id);
    const query = result && this.compiled.get(result.id);
    if (result?.nextLink && query && result.status !== 'loading') {
      await this.fetch(result, query, result.nextLink);
    }
  }

  /** After a write: every query row holding this alert shows the server's copy. */
  replaceAlert(alert: SecurityAlert): void {
    let changed = false;
    for (const result of this.byTenant.values()) {
      for (const row of result) {
        const i = row.items.findIndex(a => a.id === alert.id);
        if (i >= 0) {
          row.items[i] = alert;
          changed = true;
        }
      }
    }
    if (changed) {
      this.fire();
    }
  }

  /** A row holding one alert fetched by id ("Find Alert…" for an alert that is not loaded). */
  addAlert(alert: SecurityAlert): QueryResult {
    const tenant = this.requireTenant();
    const text = `id:${alert.id}`;
    const query = this.compile(text);
    const rows = this.byTenant.get(tenant) ?? [];
    this.byTenant.set(tenant, rows);
    const result: QueryResult = rows.find(r => r.text === text) ?? { id: `q${++this.counter}`, text, saved: false, status: 'ready', items: [], scanned: 1, odata: '', local: query.local };
    if (!rows.includes(result)) {
      rows.push(result);
    }
    Object.assign(result, { status: 'ready', items: [alert], asOf: this.options.now().toISOString(), error: undefined, nextLink: undefined });
    this.compiled.set(result.id, query);
    this.fire();
    return result;
  }

  /** Takes newer copies of alerts (after a write changed them in the store), by id. */
  sync(alerts: readonly SecurityAlert[]): void {
    const byId = new Map(alerts.map(a => [a.id, a]));
    let changed = false;
    for (const result of this.results) {
      result.items = result.items.map(item => {
        const newer = byId.get(item.id);
        changed ||= !!newer && newer !== item;
        return newer ?? item;
      });
    }
    if (changed) {
      this.fire();
    }
  }

  async rename(id: string, name: string): Promise<void> {
    const result = this.get(id);
    if (!result) {
      return;
    }
    result.name = name.trim() || undefined;
    if (result.saved) {
      await this.remember({ saved: this.history().saved.map(s => (s.text === result.text ? { name: result.name ?? result.text, text: s.text } : s)) });
    }
    this.fire();
  }

  async save(id: string, name?: string): Promise<void> {
    const result = this.get(id);
    if (!result) {
      return;
    }
    result.name = name?.trim() || result.name;
    result.saved = true;
    const entry = { name: result.name ?? result.text, text: result.text };
    await this.remember({ saved: [...this.history().saved.filter(s => s.text !== result.text), entry] });
    this.fire();
  }

  /** Removes the row; `forget` also deletes the saved query. */
  async remove(id: string, forget: boolean): Promise<void> {
    const tenant = this.options.tenantKey();
    const rows = tenant ? this.byTenant.get(tenant) : undefined;
    const result = rows?.find(r => r.id === id);
    if (!rows || !result) {
      return;
    }
    this.inflight.get(id)?.abort();
    rows.splice(rows.indexOf(result), 1);
    this.compiled.delete(id);
    if (forget && result.saved) {
      await this.deleteSaved(result.text);
    }
    this.fire();
  }

  async deleteSaved(text: string): Promise<void> {
    await this.remember({ saved: this.history().saved.filter(s => s.text !== text) });
  }

  dispose(): void {
    for (const controller of this.inflight.values()) {
      controller.abort();
    }
    this.listeners.clear();
  }

  private requireTenant(): string {
    const tenant = this.options.tenantKey();
    if (!tenant || !this.options.api()) {
      throw new PostureError('signIn', 'Sign in, or explore the sample tenant, before querying alerts.');
    }
    return tenant;
  }

  /** Reads pages until a page's worth matched (or MAX_SCAN were read); the rest waits for "Load more". */
  private async fetch(result: QueryResult, query: AlertQuery, from: string | undefined): Promise<void> {
    const api = this.options.api();
    if (!api) {
      return;
    }
    this.inflight.get(result.id)?.abort();
    const controller = new AbortController();
    this.inflight.set(result.id, controller);
    this.compiled.set(result.id, query);
    Object.assign(result, { status: 'loading', error: undefined, odata: query.odata, local: query.local });
    if (!from) {
      Object.assign(result, { items: [], scanned: 0, nextLink: undefined });
    }
    this.fire();
    const pageSize = this.options.pageSize();
    const known = new Set(result.items.map(a => a.id));
    let link = from;
    let scannedNow = 0;
    let matchedNow = 0;
    try {
      do {
        const page = link ? await api.alertsNext(link, controller.signal) : await api.alertsPage(query.odata, pageSize, controller.signal);
        if (controller.signal.aborted) {
          return;
        }
        scannedNow += page.items.length;
        const fresh = page.items.filter(a => !known.has(a.id) && query.matchesLocally(a));
        fresh.forEach(a => known.add(a.id));
        result.items.push(...fresh);
        matchedNow += fresh.length;
        // A nextLink pointing at itself would never end.
        link = page.nextLink && page.nextLink !== link ? page.nextLink : undefined;
      } while (link && query.local.length > 0 && matchedNow < pageSize && scannedNow < MAX_SCAN);
      Object.assign(result, { status: 'ready', nextLink: link, scanned: result.scanned + scannedNow, asOf: this.options.now().toISOString() });
    } catch (error) {
      if (controller.signal.aborted) {
        return;
      }
      Object.assign(result, { status: 'error', error: errorFromException(error), nextLink: link ?? from });
    } finally {
      if (this.inflight.get(result.id) === controller) {
        this.inflight.delete(result.id);
      }
    }
    this.fire();
  }

  private async remember(change: Partial<QueryHistory>): Promise<void> {
    const key = this.options.tenantKey();
    if (key) {
      await this.storage.update(historyKey(key), { ...this.history(), ...change });
    }
  }

  private fire(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }
}

function historyKey(tenantKey: string): string {
  return `${HISTORY_PREFIX}${tenantKey}/v1`;
}
