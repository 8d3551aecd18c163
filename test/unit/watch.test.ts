// Watching for changes with a moving clock: the sample engine's clock and the watch's clock are
// the same fake one, new alerts and score snapshots appear "over time", and Graph throttles on demand.
import * as assert from 'node:assert/strict';
import { resolveCloud } from '../../src/graph/clouds';
import { GraphService } from '../../src/graph/client';
import { SecurityApi } from '../../src/graph/security';
import type { SecureScore, SecurityAlert } from '../../src/graph/types';
import { graphWatchSource, PostureWatch, type Clock, type ScoreDrop, type WatchMemory, type WatchSettings } from '../../src/model/watch';
import { GraphEngine } from '../../src/sample/engine';
import { graphErrorResponse } from '../../src/sample/errors';
import { generateTenant } from '../../src/sample/generator';
import type { EngineResponse } from '../../src/sample/protocol';
import { inProcessConnection } from '../../src/sample/transport';

const START = new Date('2026-11-22T10:00:00Z');
const MINUTE = 60_000;

class FakeClock implements Clock {
  private time = START.getTime();
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private ids = 0;
  now(): Date {
    return new Date(this.time);
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter(t => t.id !== handle);
  }
  get pending(): number[] {
    return this.timers.map(t => t.at - this.time);
  }
  /** Moves time forward, firing due timers in order (each poll finishes before the next timer). */
  async advance(ms: number, watch: PostureWatch): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      const next = [...this.timers].sort((a, b) => a.at - b.at)[0];
      if (!next || next.at > target) {
        break;
      }
      this.time = next.at;
      this.timers = this.timers.filter(t => t !== next);
      next.callback();
      await watch.settled();
    }
    this.time = target;
  }
}

interface Notice<T> {
  value: T;
  close(): void;
}

function setup(settings: Partial<WatchSettings> = {}) {
  const clock = new FakeClock();
  const dataset = generateTenant({ now: START });
  let throttle: EngineResponse | undefined;
  const engine = new GraphEngine(dataset, { now: () => clock.now(), interceptor: () => throttle });
  const caller = { tenantId: dataset.tenantId, upn: dataset.signedInUser, appOnly: false, permissions: ['SecurityEvents.Read.All', 'SecurityAlert.Read.All'] };
  // No retries inside the client: the watch's own back-off is what is tested.
  const graph = new GraphService({ cloud: resolveCloud('AzureCloud'), ...inProcessConnection(engine, caller), maxRetries: 0 });
  let memory: WatchMemory = {};
  const badges: number[] = [];
  const alertNotices: Notice<{ alerts: SecurityAlert[]; count: number }>[] = [];
  const scoreNotices: Notice<ScoreDrop>[] = [];
  const notice = <T>(list: Notice<T>[], value: T) => new Promise<void>(resolve => list.push({ value, close: resolve }));
  const watch = new PostureWatch({
    source: () => graphWatchSource(new SecurityApi(graph)),
    load: () => memory,
    save: m => (memory = m),
    settings: () => ({ intervalMinutes: 5, scoreDropThreshold: 5, scoreDropUnit: 'points', ...settings }),
    ui: {
      badge: count => badges.push(count),
      alerts: (alerts, count) => notice(alertNotices, { alerts, count }),
      scoreDrop: drop => notice(scoreNotices, drop),
    },
    clock,
    firstPollMs: 1_000,
  });
  let n = 0;
  const newAlert = (severity = 'high'): SecurityAlert => {
    const template = dataset.alerts.find(a => a.severity === 'high')!;
    const alert = { ...template, id: `new-alert-${++n}`, severity, title: `New alert ${n}`, createdDateTime: clock.now().toISOString(), lastUpdateDateTime: clock.now().toISOString() };
    dataset.alerts.unshift(alert);
    return alert;
  };
  const newScore = (currentScore: number): SecureScore => {
    const latest = dataset.secureScores[0];
    const score = { ...latest, id: `${dataset.tenantId}_${clock.now().toISOString()}`, createdDateTime: clock.now().toISOString(), currentScore };
    dataset.secureScores.unshift(score);
    return score;
  };
  return {
    clock, dataset, graph, watch, badges, alertNotices, scoreNotices, newAlert, newScore,
    memory: () => memory,
    throttle: (retryAfter: string | undefined) => {
      throttle = retryAfter === undefined ? undefined : { ...graphErrorResponse(429, 'TooManyRequests', 'Please retry again later.'), headers: { 'retry-after': retryAfter } };
    },
  };
}

describe('watching for changes (moving clock, sample engine)', () => {
  it('polls only while active, at the interval', async () => {
    const t = setup();
    assert.deepEqual(t.clock.pending, [], 'nothing before a view is visible');
    t.watch.setActive(true);
    assert.deepEqual(t.clock.pending, [1_000], 'first look soon after the views show');
    await t.clock.advance(1_000, t.watch);
    assert.deepEqual(t.clock.pending, [5 * MINUTE]);
    const requests = t.graph.requestCount;
    await t.clock.advance(15 * MINUTE, t.watch);
    assert.equal(t.graph.requestCount, requests + 3 * 2, 'three rounds of two requests');
    t.watch.setActive(false);
    assert.deepEqual(t.clock.pending, [], 'hidden: no more polling');
    await t.clock.advance(60 * MINUTE, t.watch);
    assert.equal(t.graph.requestCount, requests + 6);
  });

  it('announces new high-severity alerts since the last look in one notification, and counts them for the badge', async () => {
    const t = setup();
    t.newAlert();
    t.watch.setActive(true);
    await t.clock.advance(1_000, t.watch);
    assert.equal(t.alertNotices.length, 0, 'the first look takes what exists as seen');
    assert.equal(t.memory().seenUntil, '2026-11-22T10:00:01.000Z');

    await t.clock.advance(2 * MINUTE, t.watch);
    const first = t.newAlert();
    t.newAlert('medium');
    await t.clock.advance(3 * MINUTE, t.watch);
    assert.equal(t.alertNotices.length, 1);
    assert.deepEqual(t.alertNotices[0].value.alerts.map(a => a.id), [first.id], 'only high severity');
    assert.equal(t.badges.at(-1), 1);

    const second = t.newAlert();
    await t.clock.advance(5 * MINUTE, t.watch);
    assert.equal(t.alertNotices.length, 1, 'no second notification while the first is open');
    assert.equal(t.badges.at(-1), 2, 'the badge still counts');

    t.alertNotices[0].close();
    await t.clock.advance(5 * MINUTE, t.watch);
    assert.equal(t.alertNotices.length, 2, 'announced once the first was closed');
    assert.deepEqual(t.alertNotices[1].value.alerts.map(a => a.id).sort(), [first.id, second.id].sort());
    assert.equal(t.alertNotices[1].value.count, 2);
    t.alertNotices[1].close();
    await t.clock.advance(5 * MINUTE, t.watch);
    assert.equal(t.alertNotices.length, 2, 'nothing announced twice');

    t.watch.markSeen();
    assert.equal(t.badges.at(-1), 0);
    await t.clock.advance(5 * MINUTE, t.watch);
    assert.equal(t.badges.at(-1), 0, 'looked at: no longer new');
  });

  it('remembers the last look across sessions', async () => {
    const t = setup();
    t.watch.setActive(true);
    await t.clock.advance(1_000, t.watch);
    t.watch.dispose();
    await t.clock.advance(60 * MINUTE, t.watch);
    t.newAlert();
    const again = new PostureWatch({
      source: () => graphWatchSource(new SecurityApi(t.graph)), load: t.memory, save: () => undefined,
      settings: () => ({ intervalMinutes: 5, scoreDropThreshold: 5, scoreDropUnit: 'points' }),
      ui: { badge: () => undefined, alerts: async alerts => void t.alertNotices.push({ value: { alerts, count: alerts.length }, close: () => undefined }), scoreDrop: async () => undefined },
      clock: t.clock, firstPollMs: 0,
    });
    again.setActive(true);
    await t.clock.advance(0, again);
    assert.equal(t.alertNotices.length, 1, 'the alert that came while VS Code was closed');
  });

  it('raises one notification for a Secure Score drop beyond the threshold; small drops add up', async () => {
    const t = setup();
    const base = t.dataset.secureScores[0].currentScore;
    t.watch.setActive(true);
    await t.clock.advance(1_000, t.watch);
    t.newScore(base - 3);
    await t.clock.advance(5 * MINUTE, t.watch);
    assert.equal(t.scoreNotices.length, 0, '3 points is within the threshold');
    t.newScore(base - 6);
    await t.clock.advance(5 * MINUTE, t.watch);
    assert.equal(t.scoreNotices.length, 1, '6 points below the last reference');
    assert.equal(t.scoreNotices[0].value.points, 6);
    t.newScore(base - 20);
    await t.clock.advance(5 * MINUTE, t.watch);
    assert.equal(t.scoreNotices.length, 1, 'never stacked while one is open');
    t.scoreNotices[0].close();
    await t.clock.advance(5 * MINUTE, t.watch);
    assert.equal(t.scoreNotices.length, 2);
    assert.equal(t.scoreNotices[1].value.points, 14);
    t.scoreNotices[1].close();
    t.newScore(base);
    await t.clock.advance(5 * MINUTE, t.watch);
    assert.equal(t.scoreNotices.length, 2, 'a rise is no drop');
  });

  it('measures the drop in percent when asked', async () => {
    const t = setup({ scoreDropUnit: 'percent', scoreDropThreshold: 1 });
    const latest = t.dataset.secureScores[0];
    t.watch.setActive(true);
    await t.clock.advance(1_000, t.watch);
    t.newScore(latest.currentScore - latest.maxScore * 0.015);
    await t.clock.advance(5 * MINUTE, t.watch);
    assert.equal(t.scoreNotices.length, 1);
    assert.equal(t.scoreNotices[0].value.percent, 1.5);
  });

  it('backs off when Graph throttles, honouring Retry-After, then returns to the interval', async () => {
    const t = setup();
    t.watch.setActive(true);
    await t.clock.advance(1_000, t.watch);
    t.throttle('1200');
    await t.clock.advance(5 * MINUTE, t.watch);
    assert.deepEqual(t.clock.pending, [1_200_000], 'Retry-After (20 min) is longer than twice the interval');
    t.throttle('1');
    await t.clock.advance(20 * MINUTE, t.watch);
    assert.deepEqual(t.clock.pending, [20 * MINUTE], 'second failure: four times the interval');
    t.throttle(undefined);
    await t.clock.advance(20 * MINUTE, t.watch);
    assert.deepEqual(t.clock.pending, [5 * MINUTE], 'back to the interval');
  });
});
