// Graph failing at random, over real HTTPS: with about 30% of requests hit by one of the faults
// Graph is known for, a refresh ends with each section as a fault-free refresh has it or with an
// explicit error (a row in the view, never silently different data); bulk writes end with every
// item updated exactly once or reported failed with its input kept, and no comment is written
// twice; a revoked consent, an expired token and going offline are recovered from without a
// reload. Seeded: the same rules hit the same way on every run.
import * as assert from 'node:assert/strict';
import type { FaultRule } from '../emulator/faults';
import { faultStorm } from '../emulator/storm';
import type { SecurityAlert } from '../../src/graph/types';
import { WriteApi } from '../../src/graph/writes';
import { SecurityApi } from '../../src/graph/security';
import { applyAlertPreviews } from '../../src/model/apply';
import { PostureStore, SECTIONS, type Section, type SectionData, type SectionId } from '../../src/model/store';
import { previewAlertChanges, type AlertChange } from '../../src/model/updates';
import { generateTenant } from '../../src/sample/generator';
import { startEmulator, type Emulator } from '../emulator/server';
import { emulatorService, trustEmulator } from './emulatorClient';

/** What a view is built from: the section's items by id, in order (or its error). */
function shape(id: SectionId, section: Section<unknown>): string {
  if (section.status === 'error') {
    return `error:${section.error!.kind}`;
  }
  const ids = (list: { id?: string; tenantId?: string }[]) => list.map(x => x.id ?? x.tenantId).join(',');
  switch (id) {
    case 'alerts': return (section.data as SectionData['alerts']).groups.map(g => `${g.severity}=${g.count}:${ids(g.items)}${g.nextLink ? ' +more' : ''}`).join('|');
    case 'partner': return `${ids((section.data as SectionData['partner']).requirements)}|${ids((section.data as SectionData['partner']).history)}`;
    default: return ids(section.data as { id?: string; tenantId?: string }[]);
  }
}

describe('Graph failing at random (emulator over HTTPS)', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let untrust: () => void;
  const now = new Date();

  before(async () => {
    emulator = await startEmulator({ dataset: generateTenant({ now, alerts: 300, customers: 150 }) });
    untrust = trustEmulator(emulator.caCertPath);
  });
  after(async () => {
    untrust?.();
    await emulator?.stop();
  });
  beforeEach(async () => {
    await emulator.reset();
  });

  const connect = () => {
    const { graph } = emulatorService(emulator, { timeoutMs: 1_500 });
    const store = new PostureStore(undefined, () => now);
    store.connect(new SecurityApi(graph), 'tenant');
    return { store, graph };
  };
  const hitByFaults = () => emulator.requests.filter(r => r.fault || (r.inBatch && r.status >= 429)).length;

  it('ends every refresh with the fault-free tree or an explicit error, section by section', async () => {
    const clean = connect().store;
    await clean.refresh();
    const expected = new Map(SECTIONS.map(id => [id, shape(id, clean.get(id))]));
    assert.ok(SECTIONS.every(id => clean.get(id).status === 'ready'));

    let requests = 0;
    let faults = 0;
    let errors = 0;
    let partial = 0;
    for (let seed = 1; seed <= 8; seed++) {
      await emulator.reset();
      // One 206 for certain (the storm's own are left to chance): a page of customer insights that
      // another provider failed behind, so the "data with a Partial results row" branch runs.
      const certain: FaultRule[] = seed === 1 ? [{ method: 'GET', path: 'customerInsights', inBatch: false, count: 1, fault: { kind: 'partial', warnings: ['Microsoft/PartnerCenter/504/10000'] } }] : [];
      await emulator.faults.apply({ seed, add: [...certain, ...faultStorm()] });
      const { store } = connect();
      await store.refresh();
      faults += hitByFaults();
      requests += emulator.requests.length;
      for (const id of SECTIONS) {
        const section = store.get(id);
        const got = shape(id, section);
        if (section.status === 'error') {
          errors++;
          assert.ok(section.error?.message, `seed ${seed}, ${id}: an error row says what happened`);
          assert.notEqual(section.error!.kind, 'canceled', `seed ${seed}, ${id}`);
          continue;
        }
        assert.equal(section.status, 'ready', `seed ${seed}, ${id}`);
        partial += section.warnings.length > 0 ? 1 : 0;
        assert.equal(got, expected.get(id), `seed ${seed}, ${id}: same items as without faults${section.warnings.length ? ' (with a "Partial results" row)' : ''}`);
      }
    }
    console.log(`      (8 refreshes: ${faults} of ${requests} requests hit by faults; ${errors} of 48 sections ended with an error row, ${partial} with a partial-results row)`);
    assert.ok(faults >= requests / 5, `about 30% of requests failed (${faults} of ${requests})`);
    // Each way a section can end was seen, so each branch above asserted something.
    assert.ok(errors > 0 && errors < 48, `some sections ended with an error row, some with data (${errors} of 48 errors)`);
    assert.ok(partial > 0, `some sections ended with a partial-results row (${partial})`);
  });

  it('keeps what it had, marked stale, when a refresh fails, and recovers on the next one', async () => {
    const { store } = connect();
    await store.refresh();
    const before = new Map(SECTIONS.map(id => [id, shape(id, store.get(id))]));
    // Control profiles and customer insights fail on every attempt, batched or not; the rest answer.
    emulator.faults.add(
      { path: 'secureScoreControlProfiles', fault: { kind: 'status', status: 503, retryAfter: '0' } },
      { path: 'customerInsights', fault: { kind: 'status', status: 500 } },
    );
    await store.refresh();
    assert.deepEqual(SECTIONS.filter(id => store.get(id).status === 'error'), ['profiles', 'customers']);
    for (const id of SECTIONS) {
      const section = store.get(id);
      assert.equal(section.stale, section.status === 'error', `${id}: only a failed section is marked stale`);
      assert.equal(shape(id, { ...section, status: 'ready' }), before.get(id), `${id} shows what it showed`);
    }
    emulator.faults.clear();
    await store.refresh();
    for (const id of SECTIONS) {
      assert.equal(store.get(id).status, 'ready', id);
      assert.equal(store.get(id).stale, false, id);
      assert.equal(shape(id, store.get(id)), before.get(id), id);
    }
  });

  it('says "Access denied" when consent is revoked mid-session, and recovers when it is restored', async () => {
    const { store } = connect();
    await store.refresh();
    emulator.faults.revokeConsent(emulator.clients[0].clientId);
    await store.refresh();
    for (const id of SECTIONS) {
      assert.match(store.get(id).error?.kind ?? '', /^(forbidden|notPartner)$/, id);
      assert.equal(store.get(id).stale, true, id);
    }
    emulator.faults.restoreConsent(emulator.clients[0].clientId);
    await store.refresh();
    assert.ok(SECTIONS.every(id => store.get(id).status === 'ready'));
  });

  it('gets a fresh token when the token expires in the middle of a refresh', async () => {
    const { store } = connect();
    emulator.faults.add({ path: 'customerInsights', count: 1, inBatch: false, fault: { kind: 'expireToken' } });
    await store.refresh();
    assert.ok(SECTIONS.every(id => store.get(id).status === 'ready'), SECTIONS.map(id => `${id}:${store.get(id).error?.logText ?? 'ok'}`).join(' '));
    assert.ok(emulator.requests.some(r => r.fault === 'expireToken'));
  });

  it('shows "Offline" while Graph cannot be reached and comes back without a reload', async () => {
    const { store } = connect();
    await store.refresh();
    await emulator.faults.goOffline();
    try {
      await store.refresh();
      assert.ok(SECTIONS.every(id => store.get(id).error?.kind === 'offline' && store.get(id).stale));
    } finally {
      await emulator.faults.goOnline();
    }
    await store.refresh();
    assert.ok(SECTIONS.every(id => store.get(id).status === 'ready' && !store.get(id).stale));
  });

  it('updates every alert exactly once or reports it failed with its input, never a comment twice', async () => {
    const alerts = emulator.engine.dataset.alerts.slice(0, 60);
    const change: AlertChange = { status: 'inProgress', assignedTo: 'tier2@contoso-partners.example', comment: 'Escalated after the fault drill' };
    const faulty = (fault: FaultRule['fault'], probability: number, inBatch?: boolean): FaultRule => ({ path: 'alerts_v2|\\$batch', probability, inBatch, fault });
    await emulator.faults.apply({
      seed: 11,
      add: [
        // Surely twice (the odds below could miss): a comment lands inside a batch, the answer is an error.
        { method: 'POST', path: '/comments$', inBatch: true, count: 2, fault: { kind: 'failAfterWrite', status: 503 } },
        faulty({ kind: 'status', status: 429, retryAfter: '0.1' }, 0.1, true),
        faulty({ kind: 'status', status: 503 }, 0.08, true),
        faulty({ kind: 'failAfterWrite', status: 504 }, 0.08, true),
        faulty({ kind: 'failAfterWrite', status: 503 }, 0.05, false),
        faulty({ kind: 'reset' }, 0.05, false),
        faulty({ kind: 'delay', ms: 2_500 }, 0.05, false),
      ],
    });
    const api = new WriteApi(emulatorService(emulator, { timeoutMs: 1_500 }).graph);
    const stored = (id: string) => emulator.engine.dataset.alerts.find(a => a.id === id)!;
    let pending = alerts.map(a => a.id);
    let targets = alerts;
    let rounds = 0;
    // Each round a failed item meets the faults again (about one in three), and an item that could
    // not be read back waits a round: 6 rounds left one alert behind in one CI run in a few. A user
    // presses Retry Failed until done; 12 rounds bound that without making it a coin toss.
    for (; pending.length > 0 && rounds < 12; rounds++) {
      const results = await applyAlertPreviews(api, previewAlertChanges(targets, change));
      assert.deepEqual(results.map(r => r.id), targets.map(a => a.id), 'every item reported, once, in order');
      for (const r of results) {
        assert.ok(r.outcome === 'failed' ? r.reason : r.outcome === 'updated' || r.outcome === 'unchanged', `${r.id}: ${r.outcome} ${r.reason ?? ''}`);
      }
      const tried = new Set(targets.map(a => a.id));
      pending = [...pending.filter(id => !tried.has(id)), ...results.filter(r => r.outcome === 'failed').map(r => r.id)];
      // Writes slower than the client's timeout land meanwhile; then "Retry Failed": the same
      // input for the failed items, as Graph has them now (what could not be read waits a round).
      await new Promise(resolve => setTimeout(resolve, 2_600));
      const fresh = await api.readAlerts(pending).catch(() => new Map<string, SecurityAlert>());
      targets = pending.flatMap(id => fresh.get(id) ?? []);
    }
    assert.deepEqual(pending, [], `all done within ${rounds} rounds`);
    for (const alert of alerts) {
      const now = stored(alert.id);
      assert.equal(now.status, 'inProgress');
      assert.equal(now.assignedTo, change.assignedTo);
      assert.equal(now.comments.filter(c => c.comment === change.comment).length, 1, `${alert.id}: the comment once`);
    }
    assert.ok(hitByFaults() > 5, `faults hit (${hitByFaults()})`);
    // The ambiguous failure happened to comments inside a batch, so "the comment once" was tested.
    const landedThenFailed = emulator.requests.filter(r => r.inBatch && r.fault === 'failAfterWrite' && r.method === 'POST' && /\/comments$/.test(r.path));
    assert.ok(landedThenFailed.length >= 2, `comments landed and were answered with an error inside a batch (${landedThenFailed.length})`);
  });
});
