// Keeps each tenant's score history in a file of its own (in the extension's global storage) and
// merges into it every fresh Secure Score and partner score the store fetches. Operations on a
// tenant run one after another, so a seed, a merge and an import never overwrite each other.
// No `vscode` import: the folder is passed in, and tests use a temporary one.
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import type { SecureScore } from '../graph/types';
import {
  emptyHistory, HistoryFormatError, mergeHistories, mergePartnerHistory, mergeSnapshots, parseHistory,
  type MergeResult, type ScoreHistory,
} from './history';
import type { StoreView } from './store';

export interface HistoryLog {
  info(message: string): void;
  warn(message: string): void;
}

export class HistoryService {
  private readonly histories = new Map<string, ScoreHistory>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<() => void>();
  private subscription?: { dispose(): void };
  private tenantKey?: string;

  constructor(private readonly dir: string, private readonly log: HistoryLog = { info: () => undefined, warn: () => undefined }) {}

  /** Follows the store: loads the history of its tenant and merges what each refresh brings. */
  attach(store: StoreView): void {
    this.subscription?.dispose();
    this.subscription = store.onDidChange(ids => {
      const tenantKey = store.currentTenantKey;
      if (tenantKey !== this.tenantKey) {
        this.tenantKey = tenantKey;
        if (tenantKey) {
          void this.run(tenantKey, async () => undefined);
        }
        this.fire();
      }
      if (!tenantKey) {
        return;
      }
      const scores = store.get('scores');
      if (ids.includes('scores') && scores.status === 'ready' && !scores.stale && scores.data) {
        const data = scores.data;
        void this.update(tenantKey, h => mergeSnapshots(h, data));
      }
      const partner = store.get('partner');
      if (ids.includes('partner') && partner.status === 'ready' && !partner.stale && partner.data) {
        const history = partner.data.history;
        void this.update(tenantKey, h => mergePartnerHistory(h, history));
      }
    });
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get currentTenantKey(): string | undefined {
    return this.tenantKey;
  }

  /** The current tenant's history as loaded so far (empty until its file has been read). */
  current(): ScoreHistory {
    return (this.tenantKey && this.histories.get(this.tenantKey)) || emptyHistory();
  }

  /** Resolves when every pending load, merge and write of the current tenant has finished. */
  async settled(): Promise<void> {
    const key = this.tenantKey;
    while (key && this.queues.has(key)) {
      await this.queues.get(key);
    }
  }

  /** Replaces a tenant's history with these snapshots (the sample tenant's older days). */
  seed(tenantKey: string, snapshots: SecureScore[]): Promise<void> {
    return this.run(tenantKey, async () => {
      const { history } = mergeSnapshots(emptyHistory(), snapshots);
      this.histories.set(tenantKey, history);
      await this.write(tenantKey, history);
      this.fire();
    });
  }

  /** Adds the days of an exported file that the current tenant's history lacks. */
  async importJson(text: string): Promise<{ added: number; total: number }> {
    const tenantKey = this.requireTenant();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new HistoryFormatError('Not a Security Posture history file: it is not JSON.');
    }
    const incoming = parseHistory(parsed);
    let result: { added: number; total: number } = { added: 0, total: 0 };
    await this.update(tenantKey, h => {
      if (h.tenantId && incoming.tenantId && h.tenantId !== incoming.tenantId) {
        throw new HistoryFormatError(`That history belongs to tenant ${incoming.tenantId}, not to this one (${h.tenantId}).`);
      }
      const merged = mergeHistories(h, incoming);
      result = { added: merged.added, total: merged.history.days.length };
      return merged;
    }, true);
    return result;
  }

  /** The current tenant's history as the JSON file export writes. */
  async exportJson(): Promise<string> {
    const tenantKey = this.requireTenant();
    await this.run(tenantKey, async () => undefined);
    return `${JSON.stringify(this.histories.get(tenantKey) ?? emptyHistory())}\n`;
  }

  async forget(tenantKey: string): Promise<void> {
    await this.run(tenantKey, async () => {
      this.histories.delete(tenantKey);
      await fs.rm(this.fileFor(tenantKey), { force: true });
      this.fire();
    });
  }

  dispose(): void {
    this.subscription?.dispose();
    this.listeners.clear();
  }

  /** A file name that says nothing about the tenant and cannot leave the folder. */
  fileFor(tenantKey: string): string {
    return path.join(this.dir, `${createHash('sha256').update(tenantKey).digest('hex').slice(0, 40)}.json`);
  }

  private requireTenant(): string {
    if (!this.tenantKey) {
      throw new HistoryFormatError('Connect to a tenant (or explore the sample tenant) first.');
    }
    return this.tenantKey;
  }

  private update(tenantKey: string, change: (history: ScoreHistory) => MergeResult, rethrow = false): Promise<void> {
    const done = this.run(tenantKey, async () => {
      const before = this.histories.get(tenantKey) ?? emptyHistory();
      const { history } = change(before);
      if (JSON.stringify(history) === JSON.stringify(before)) {
        return;
      }
      this.histories.set(tenantKey, history);
      await this.write(tenantKey, history);
      this.fire();
    });
    return rethrow ? done : done.catch(error => this.log.warn(`Score history: ${error?.message ?? error}`));
  }

  /** Runs `task` after the tenant's earlier operations, loading its file first. */
  private run<T>(tenantKey: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(tenantKey) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(async () => {
      if (!this.histories.has(tenantKey)) {
        this.histories.set(tenantKey, await this.read(tenantKey));
        if (tenantKey === this.tenantKey) {
          this.fire();
        }
      }
      return task();
    });
    const settled = next.then(() => undefined, () => undefined);
    this.queues.set(tenantKey, settled);
    void settled.then(() => {
      if (this.queues.get(tenantKey) === settled) {
        this.queues.delete(tenantKey);
      }
    });
    return next;
  }

  private async read(tenantKey: string): Promise<ScoreHistory> {
    const file = this.fileFor(tenantKey);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      return emptyHistory();
    }
    try {
      return parseHistory(JSON.parse(text));
    } catch (error) {
      // Keep the unreadable file for a person to look at, and start again.
      this.log.warn(`Score history file ${path.basename(file)} is unreadable (${(error as Error).message}); it was set aside as .bad.`);
      await fs.rename(file, `${file}.bad`).catch(() => undefined);
      return emptyHistory();
    }
  }

  private async write(tenantKey: string, history: ScoreHistory): Promise<void> {
    const file = this.fileFor(tenantKey);
    await fs.mkdir(this.dir, { recursive: true });
    // Write then rename: a crash mid-write never leaves half a file.
    const temporary = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temporary, JSON.stringify(history), 'utf8');
    await fs.rename(temporary, file);
  }

  private fire(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }
}
