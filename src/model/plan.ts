// The what-if plan: the improvement actions a person ticked as "planned", saved per tenant.
import type { CacheStorage } from './store';

const PREFIX = 'securityPosture.plan/';
const MAX_PLANNED = 2_000;

export class PlanStore {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: CacheStorage) {}

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get(tenantKey: string | undefined): string[] {
    if (!tenantKey) {
      return [];
    }
    const saved = this.storage.get<unknown>(PREFIX + tenantKey);
    return Array.isArray(saved) ? saved.filter((id): id is string => typeof id === 'string').slice(0, MAX_PLANNED) : [];
  }

  has(tenantKey: string | undefined, id: string): boolean {
    return this.get(tenantKey).includes(id);
  }

  async setPlanned(tenantKey: string, ids: string[], planned: boolean): Promise<void> {
    const current = new Set(this.get(tenantKey));
    for (const id of ids) {
      if (planned) {
        current.add(id);
      } else {
        current.delete(id);
      }
    }
    await this.replace(tenantKey, [...current]);
  }

  async replace(tenantKey: string, ids: string[]): Promise<void> {
    const unique = [...new Set(ids)].slice(0, MAX_PLANNED);
    await this.storage.update(PREFIX + tenantKey, unique.length ? unique : undefined);
    this.listeners.forEach(listener => listener());
  }

  async forget(tenantKey: string): Promise<void> {
    await this.replace(tenantKey, []);
  }
}
