// Changes in flight and changes Microsoft has not reflected yet. Rows show "Updating…" (with the
// new value) while a write is in flight, and improvement actions stay "awaiting Microsoft sync"
// until a later Secure Score snapshot reflects the new state (that takes 24-48 h).
import type { SecureScore } from '../graph/types';
import type { CacheStorage } from './store';

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

  /**
   * Whether the control still waits for Microsoft: no snapshot newer than the change yet, or the
   * newest one does not show the points the new state implies. Clears the mark once reflected.
   */
  awaitingSync(controlId: string, latest: SecureScore | undefined, maxScore: number): AwaitingSync | undefined {
    const mark = this.awaiting[controlId];
    if (!mark) {
      return undefined;
    }
    const newer = latest && Date.parse(latest.createdDateTime) > Date.parse(mark.since);
    const score = latest?.controlScores?.find(c => c.controlName === controlId)?.score;
    const reflected = newer && (mark.state === 'ThirdParty' || mark.state === 'Reviewed' ? score !== undefined && score >= maxScore
      : mark.state === 'Ignored' ? score === undefined || score === 0 : true);
    if (reflected) {
      delete this.awaiting[controlId];
      this.save();
      return undefined;
    }
    return mark;
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
