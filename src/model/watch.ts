// Watching for changes while a view is visible: new high-severity alerts since the user last
// looked (one notification at a time, and a count for the badge) and a Secure Score drop beyond a
// threshold. Polls at an interval, stops when told the views are hidden, backs off when Graph
// throttles (Retry-After) or fails. The clock is injected, so tests move time themselves.
import { errorFromException, isCancellation } from '../graph/errors';
import type { SecurityApi } from '../graph/security';
import type { SecureScore, SecurityAlert } from '../graph/types';
import { num } from './secureScore';
import { round2, percentOf } from './numbers';

export interface Clock {
  now(): Date;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: handle => clearTimeout(handle as NodeJS.Timeout),
};

export interface WatchSettings {
  /** Minutes between polls; 0 turns watching off. */
  intervalMinutes: number;
  scoreDropThreshold: number;
  /** `points` of the score, or `percent`: percentage points of the score's percent. */
  scoreDropUnit: 'points' | 'percent';
}

export interface WatchSource {
  /** High-severity alerts created after `since` (ISO), newest first, and how many there are. */
  highAlertsSince(since: string, signal: AbortSignal): Promise<{ items: SecurityAlert[]; count?: number }>;
  /** The newest Secure Score snapshot. */
  latestScore(signal: AbortSignal): Promise<SecureScore | undefined>;
}

/** The watch's two questions as Graph requests: a filtered alerts page and the newest snapshot. */
export function graphWatchSource(api: SecurityApi): WatchSource {
  return {
    highAlertsSince: (since, signal) => api.alertsPage(`severity eq 'high' and createdDateTime gt ${since}`, 50, signal),
    latestScore: async signal => (await api.graph.getPage<SecureScore>('/security/secureScores?$top=1', { area: 'secureScore', signal })).items[0],
  };
}

export interface ScorePoint {
  id: string;
  date: string;
  current: number;
  max: number;
}

export interface ScoreDrop {
  from: ScorePoint;
  to: ScorePoint;
  points: number;
  /** Drop of the score's percent, in percentage points. */
  percent: number;
}

/** What is remembered per tenant between polls and sessions. */
export interface WatchMemory {
  /** Alerts created after this instant are new. */
  seenUntil?: string;
  /** New alerts already announced. */
  notified?: string[];
  /** The score later snapshots are compared with. */
  baseline?: ScorePoint;
}

export interface WatchUi {
  /** The number of new high-severity alerts (0 clears the badge). */
  badge(count: number): void;
  /** Shows one notification; resolves when the user closed it. */
  alerts(alerts: SecurityAlert[], count: number, since: string): Promise<void>;
  scoreDrop(drop: ScoreDrop): Promise<void>;
}

export interface WatchOptions {
  source(): WatchSource | undefined;
  load(): WatchMemory;
  save(memory: WatchMemory): void;
  settings(): WatchSettings;
  ui: WatchUi;
  clock?: Clock;
  log?(message: string): void;
  /** Delay before the first poll after the views show (default 5 s: the refresh goes first). */
  firstPollMs?: number;
}

const MAX_BACKOFF_MS = 60 * 60_000;
const MAX_NOTIFIED = 500;

export class PostureWatch {
  private readonly clock: Clock;
  private active = false;
  private timer?: unknown;
  private controller?: AbortController;
  private failures = 0;
  private running?: Promise<void>;
  private alertNotice?: Promise<void>;
  private scoreNotice?: Promise<void>;
  private memory: WatchMemory;
  /** When the next poll is due (tests and the log read it). */
  nextPollAt?: Date;

  constructor(private readonly options: WatchOptions) {
    this.clock = options.clock ?? systemClock;
    this.memory = options.load();
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Views visible (start polling) or all hidden (stop). */
  setActive(active: boolean): void {
    if (active === this.active) {
      return;
    }
    this.active = active;
    if (active) {
      this.schedule(this.options.firstPollMs ?? 5_000);
    } else {
      this.stop();
    }
  }

  /** The tenant or the settings changed: start over with that tenant's memory. */
  restart(): void {
    this.stop();
    this.memory = this.options.load();
    this.failures = 0;
    this.options.ui.badge(0);
    if (this.active) {
      this.schedule(this.options.firstPollMs ?? 5_000);
    }
  }

  /** The user looked at the alerts: what exists now is no longer new. */
  markSeen(): void {
    this.update({ seenUntil: this.clock.now().toISOString(), notified: [] });
    this.options.ui.badge(0);
  }

  /** One round: alerts, then the score. Never throws; schedules the next round when active. */
  poll(): Promise<void> {
    this.running = this.round();
    return this.running;
  }

  /** Resolves when the round under way (if any) has finished. */
  async settled(): Promise<void> {
    await this.running;
  }

  private async round(): Promise<void> {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const source = this.options.source();
    const settings = this.options.settings();
    if (settings.intervalMinutes <= 0) {
      return;
    }
    const interval = settings.intervalMinutes * 60_000;
    if (!source) {
      // Not connected yet (or signed out): look again later.
      this.schedule(interval);
      return;
    }
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    try {
      await this.checkAlerts(source, controller.signal);
      await this.checkScore(source, settings, controller.signal);
      this.failures = 0;
      this.schedule(interval);
    } catch (raw) {
      if (controller.signal.aborted || isCancellation(raw)) {
        return;
      }
      const error = errorFromException(raw);
      this.failures++;
      const backoff = Math.min(MAX_BACKOFF_MS, interval * 2 ** this.failures);
      const delay = Math.max(backoff, (error.details.retryAfterSeconds ?? 0) * 1000);
      this.options.log?.(`Watching: ${error.logText}; next check in ${Math.round(delay / 1000)} s.`);
      this.schedule(delay);
    }
  }

  dispose(): void {
    this.active = false;
    this.stop();
  }

  private async checkAlerts(source: WatchSource, signal: AbortSignal): Promise<void> {
    if (!this.memory.seenUntil) {
      // First look at this tenant: only what arrives from now on is new.
      this.markSeen();
      return;
    }
    const since = this.memory.seenUntil;
    const { items, count } = await source.highAlertsSince(since, signal);
    const fresh = items.filter(a => Date.parse(a.createdDateTime) > Date.parse(since));
    const total = Math.max(count ?? 0, fresh.length);
    this.options.ui.badge(total);
    const notified = new Set(this.memory.notified ?? []);
    const unannounced = fresh.filter(a => !notified.has(a.id));
    if (unannounced.length === 0 || this.alertNotice) {
      // Never stack: what arrives while a notification is open is announced after it closes.
      return;
    }
    this.update({ notified: [...notified, ...fresh.map(a => a.id)].slice(-MAX_NOTIFIED) });
    this.alertNotice = this.options.ui.alerts(fresh, total, since).catch(() => undefined).finally(() => (this.alertNotice = undefined));
  }

  private async checkScore(source: WatchSource, settings: WatchSettings, signal: AbortSignal): Promise<void> {
    const latest = await source.latestScore(signal);
    if (!latest) {
      return;
    }
    const point: ScorePoint = { id: latest.id, date: latest.createdDateTime, current: num(latest.currentScore), max: num(latest.maxScore) };
    const baseline = this.memory.baseline;
    if (!baseline || baseline.id === point.id && baseline.current === point.current) {
      this.update({ baseline: baseline ?? point });
      return;
    }
    const drop = scoreDrop(baseline, point);
    if (drop.points <= 0) {
      // A rise (or no change) becomes the new reference; small drops add up until they cross the threshold.
      this.update({ baseline: point });
      return;
    }
    const size = settings.scoreDropUnit === 'percent' ? drop.percent : drop.points;
    if (size > settings.scoreDropThreshold && !this.scoreNotice) {
      this.update({ baseline: point });
      this.scoreNotice = this.options.ui.scoreDrop(drop).catch(() => undefined).finally(() => (this.scoreNotice = undefined));
    }
  }

  private schedule(ms: number): void {
    this.clock.clearTimeout(this.timer);
    if (!this.active) {
      return;
    }
    this.nextPollAt = new Date(this.clock.now().getTime() + ms);
    this.timer = this.clock.setTimeout(() => void this.poll(), ms);
  }

  private stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.nextPollAt = undefined;
    this.controller?.abort();
    this.controller = undefined;
  }

  private update(change: Partial<WatchMemory>): void {
    this.memory = { ...this.memory, ...change };
    this.options.save(this.memory);
  }
}

export function scoreDrop(from: ScorePoint, to: ScorePoint): ScoreDrop {
  return { from, to, points: round2(from.current - to.current), percent: round2(percentOf(from.current, from.max) - percentOf(to.current, to.max)) };
}
