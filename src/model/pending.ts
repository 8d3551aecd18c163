// Changes in flight and changes Microsoft has not reflected yet. Rows show "Updating…" (with the
// new value) while a write is in flight, and improvement actions stay "awaiting Microsoft sync"
// until a later Secure Score snapshot reflects the new state (that takes 24-48 h).
import type { SecureScore } from '../graph/types';
import { sortSnapshots } from './secureScore';
import type { CacheStorage, StoreView } from './store';

export type PendingKind = 'control' | 'alert' | 'partnerAlert';

export interface InFlight {
  /** What the row shows meanwhile, e.g. the new state. */
  value: string;
}

export interface AwaitingSync {
  state: string;
  /** When the change was made (ISO). */
  since: string;
}

const KEY_PREFIX = 'securityPosture.awaitingSync/';

export class PendingUpdates {
  private readonly inFlight = new Map<string, InFlight>();
  private awaiting: Record<string, AwaitingSync> = {};
  private tenantKey?: string;
  private readonly listeners = new Set<(kinds: PendingKind[]) => void>();

  constructor(private readonly storage?: CacheStorage) {}

  onDidChange(listener: (kinds: PendingKind[]) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Switches to a tenant's saved "awaiting sync" marks. */
  setTenant(tenantKey: string | undefined): void {
    this.tenantKey = tenantKey;
    this.inFlight.clear();
    this.awaiting = (tenantKey && this.storage?.get<Record<string, AwaitingSync>>(KEY_PREFIX + tenantKey)) || {};
  }

  begin(kind: PendingKind, ids: string[], value: string): void {
    for (const id of ids) {
      this.inFlight.set(`${kind}:${id}`, { value });
    }
    this.fire([kind]);
  }

  end(kind: PendingKind, ids: string[]): void {
    for (const id of ids) {
      this.inFlight.delete(`${kind}:${id}`);
    }
    this.fire([kind]);
  }

  get(kind: PendingKind, id: string): InFlight | undefined {
    return this.inFlight.get(`${kind}:${id}`);
  }

  markAwaitingSync(controlId: string, state: string, when: Date): void {
    this.awaiting[controlId] = { state, since: when.toISOString() };
    this.save();
    this.fire(['control']);
  }

  /** The control's mark, if it still waits for Microsoft's sync. */
  awaitingSync(controlId: string): AwaitingSync | undefined {
    return this.awaiting[controlId];
  }

  /**
   * Clears the marks the newest snapshot reflects: one newer than the change that shows the points
   * the new state implies. Called when scores arrive, never while rendering. Returns the cleared ids.
   */
  reconcile(latest: SecureScore | undefined, maxScoreOf: (controlId: string) => number | undefined): string[] {
    const cleared = Object.entries(this.awaiting).filter(([controlId, mark]) => {
      const newer = latest && Date.parse(latest.createdDateTime) > Date.parse(mark.since);
      const score = latest?.controlScores?.find(c => c.controlName === controlId)?.score;
      const max = maxScoreOf(controlId);
      return newer && (mark.state === 'ThirdParty' || mark.state === 'Reviewed' ? score !== undefined && max !== undefined && score >= max
        : mark.state === 'Ignored' ? score === undefined || score === 0 : true);
    }).map(([controlId]) => controlId);
    for (const controlId of cleared) {
      delete this.awaiting[controlId];
    }
    if (cleared.length > 0) {
      this.save();
      this.fire(['control']);
    }
    return cleared;
  }

  /** Reconciles the current tenant's marks whenever its scores or profiles arrive. */
  follow(store: StoreView): { dispose(): void } {
    return store.onDidChange(ids => {
      if (store.currentTenantKey === this.tenantKey && (ids.includes('scores') || ids.includes('profiles'))) {
        const profiles = store.get('profiles').data ?? [];
        this.reconcile(sortSnapshots(store.get('scores').data ?? [])[0], id => profiles.find(p => p.id === id)?.maxScore);
      }
    });
  }

  private save(): void {
    if (this.storage && this.tenantKey) {
      void Promise.resolve(this.storage.update(KEY_PREFIX + this.tenantKey, this.awaiting)).catch(() => undefined);
    }
  }

  private fire(kinds: PendingKind[]): void {
    for (const listener of [...this.listeners]) {
      listener(kinds);
    }
  }
}
