// The store the views show: the current tenant context's store, whichever tenant that is. Views,
// panels and commands hold this one object; switching tenants (signing in, opening a customer,
// "Back to my tenant") rebinds it and tells every listener that every section changed.
import type { PartnerSecurityAlert, SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { DEFAULT_ALERT_FILTER, type AlertFilter } from '../model/alerts';
import { PostureStore, SECTIONS, type CacheStorage, type Section, type SectionData, type SectionId, type StoreView } from '../model/store';
import type { TenantContext } from './context';

export class CurrentStore implements StoreView {
  private contextValue?: TenantContext;
  /** Stands in while no tenant is current (signed out): every section idle. */
  private readonly none: PostureStore;
  private readonly listeners = new Set<(ids: SectionId[]) => void>();
  private readonly alertListeners = new Set<(alert: SecurityAlert) => void>();
  private subscriptions: { dispose(): void }[] = [];
  private alertFilter: AlertFilter = DEFAULT_ALERT_FILTER;
  private alertPageSize = 200;

  constructor(cache?: CacheStorage) {
    this.none = new PostureStore(cache);
  }

  get context(): TenantContext | undefined {
    return this.contextValue;
  }

  private get store(): PostureStore {
    return this.contextValue?.store ?? this.none;
  }

  /** Shows another tenant (or none). Does not refresh it: the caller decides. */
  bind(context: TenantContext | undefined): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.contextValue = context;
    this.store.configureAlerts(this.alertFilter, this.alertPageSize);
    this.subscriptions = [
      this.store.onDidChange(ids => this.fire(ids)),
      this.store.onDidPatchAlert(alert => this.alertListeners.forEach(l => l(alert))),
    ];
    this.fire(SECTIONS);
  }

  onDidChange(listener: (ids: SectionId[]) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  onDidPatchAlert(listener: (alert: SecurityAlert) => void): { dispose(): void } {
    this.alertListeners.add(listener);
    return { dispose: () => this.alertListeners.delete(listener) };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  get<K extends SectionId>(id: K): Section<SectionData[K]> {
    return this.store.get(id);
  }

  get connected(): boolean {
    return this.store.connected;
  }

  get currentTenantKey(): string | undefined {
    return this.store.currentTenantKey;
  }

  get alertsFilter(): AlertFilter {
    return this.alertFilter;
  }

  /** Kept here and applied to every tenant shown, so the filter does not change with the tenant. */
  configureAlerts(filter: AlertFilter, pageSize: number): boolean {
    this.alertFilter = filter;
    this.alertPageSize = pageSize;
    return this.store.configureAlerts(filter, pageSize);
  }

  refresh(ids?: SectionId[]): Promise<void> {
    return this.store.refresh(ids);
  }

  loadMoreAlerts(severity: string): Promise<void> {
    return this.store.loadMoreAlerts(severity);
  }

  patchAlert(alert: SecurityAlert): void {
    this.store.patchAlert(alert);
  }

  replaceProfile(profile: SecureScoreControlProfile): void {
    this.store.replaceProfile(profile);
  }

  replacePartnerAlert(alert: PartnerSecurityAlert): void {
    this.store.replacePartnerAlert(alert);
  }

  forget(tenantKey: string): Promise<void> {
    return this.none.forget(tenantKey);
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.listeners.clear();
    this.alertListeners.clear();
    this.none.dispose();
  }

  private fire(ids: SectionId[]): void {
    for (const listener of [...this.listeners]) {
      listener(ids);
    }
  }
}
