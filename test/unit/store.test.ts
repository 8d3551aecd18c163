// The store over the real Graph client and the sample engine answering in-process: the same
// code path a real tenant takes, minus HTTP (the HTTPS path is in graph-client.test.ts).
import * as assert from 'node:assert/strict';
import { resolveCloud } from '../../src/graph/clouds';
import { GraphService } from '../../src/graph/client';
import { SecurityApi } from '../../src/graph/security';
import type { TenantDataset } from '../../src/sample/dataset';
import { alertFilterOData } from '../../src/model/alerts';
import { PostureStore, type CacheStorage } from '../../src/model/store';
import { GraphEngine, type EngineOptions } from '../../src/sample/engine';
import { graphErrorResponse } from '../../src/sample/errors';
import { generateTenant } from '../../src/sample/generator';
import type { Caller } from '../../src/sample/protocol';
import { inProcessConnection } from '../../src/sample/transport';

const NOW = new Date('2026-11-22T10:00:00Z');

class MapCache implements CacheStorage {
  readonly map = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.map.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) {
      this.map.delete(key);
    } else {
      this.map.set(key, JSON.parse(JSON.stringify(value)));
    }
  }
  keys(): readonly string[] {
    return [...this.map.keys()];
  }
}

function setup(dataset: TenantDataset = generateTenant({ now: NOW }), permissions = ['SecurityEvents.Read.All', 'SecurityAlert.Read.All', 'PartnerSecurity.Read.All'], engineOptions: EngineOptions = {}) {
  const engine = new GraphEngine(dataset, { now: () => NOW, ...engineOptions });
  const caller: Caller = { tenantId: dataset.tenantId, upn: dataset.signedInUser, appOnly: false, permissions };
  const graph = new GraphService({ cloud: resolveCloud('AzureCloud'), ...inProcessConnection(engine, caller) });
  const cache = new MapCache();
  const store = new PostureStore(cache, () => NOW);
  store.connect(new SecurityApi(graph), 'test-tenant');
  return { dataset, engine, graph, cache, store };
}

describe('store over the sample engine', () => {
  it('fills every section from the sample tenant in one refresh', async () => {
    const { dataset, store, graph } = setup();
    await store.refresh();
    assert.equal(store.get('scores').data!.length, 90);
    assert.equal(store.get('profiles').data!.length, dataset.controlProfiles.length);
    assert.equal(store.get('partner').data!.requirements.length, dataset.partnerRequirements.length);
    assert.equal(store.get('partner').data!.history.length, dataset.partnerHistory.length);
    assert.equal(store.get('customers').data!.length, dataset.customerInsights.length);
    assert.equal(store.get('partnerAlerts').data!.length, dataset.partnerAlerts.length);
    for (const id of ['scores', 'profiles', 'alerts', 'partner', 'customers', 'partnerAlerts'] as const) {
      assert.equal(store.get(id).status, 'ready', id);
      assert.equal(store.get(id).stale, false, id);
      assert.equal(store.get(id).asOf, NOW.toISOString(), id);
    }
    // First pages share one $batch per version and permission: secure scores + profiles, the five
    // severities, the partner score (expanded) + customers + partner alerts; then customer pages.
    const customerPages = Math.ceil(dataset.customerInsights.length / 100);
    assert.equal(graph.requestCount, 3 + customerPages - 1);
  });

  it('keeps per-section warnings, errors, retries and evolvable enums inside the refresh\'s $batch', async () => {
    const dataset = generateTenant({ now: NOW });
    const plain = new GraphEngine(dataset, { now: () => NOW });
    const inner: string[] = [];
    let unavailable = 1;
    const { store, graph } = setup(dataset, undefined, {
      interceptor: (req, caller, { inBatch }) => {
        if (!inBatch) {
          return undefined;
        }
        inner.push(req.url);
        if (/secureScores\?/.test(req.url)) {
          const answer = plain.handle(req, caller);
          return { ...answer, status: 206, headers: { ...answer.headers, Warning: '199 - "Microsoft/WDATP/401/228"' } };
        }
        if (/secureScoreControlProfiles/.test(req.url) && unavailable-- > 0) {
          return graphErrorResponse(503, 'serviceNotAvailable', 'Try later.', { headers: { 'Retry-After': '0' } });
        }
        return /partner\/securityAlerts/.test(req.url) ? graphErrorResponse(403, 'Forbidden', 'Missing application permissions.') : undefined;
      },
    });
    store.configureAlerts({ statuses: [], days: 365 }, 200);
    await store.refresh();
    assert.equal(inner.length, 10, 'every first page went in a batch');
    assert.deepEqual(store.get('scores').warnings, [{ provider: 'Microsoft/WDATP', status: 401 }]);
    assert.equal(store.get('profiles').status, 'ready', 'an inner 503 is sent again on its own');
    assert.equal(store.get('profiles').data!.length, dataset.controlProfiles.length);
    assert.equal(store.get('partnerAlerts').error?.kind, 'notPartner');
    assert.equal(store.get('customers').status, 'ready', 'a failing request does not fail its batch');
    const sources = store.get('alerts').data!.groups.flatMap(g => g.items.map(a => a.serviceSource));
    assert.ok(sources.includes('microsoftSentinel') && !sources.includes('unknownFutureValue'), 'inner requests ask for evolvable enum members');
    assert.equal(graph.requestCount, 3 + 1);
  });

  it('counts each severity exactly as Graph would for the default filter', async () => {
    const { dataset, store } = setup();
    await store.refresh(['alerts']);
    const since = Date.parse(alertFilterOData({ statuses: [], days: 30 }, undefined, NOW).split(' ge ')[1]);
    for (const group of store.get('alerts').data!.groups) {
      const expected = dataset.alerts.filter(a => a.severity === group.severity && ['new', 'inProgress'].includes(a.status) && Date.parse(a.createdDateTime) >= since);
      assert.equal(group.count, expected.length, group.severity);
      assert.deepEqual(group.items.map(a => a.id), expected.map(a => a.id).slice(0, 200), group.severity);
    }
  });

  it('loads more alerts of one severity through the nextLink until none is left', async () => {
    const { store } = setup(generateTenant({ now: NOW, alerts: 2000 }));
    store.configureAlerts({ statuses: [], days: 365 }, 50);
    await store.refresh(['alerts']);
    const high = () => store.get('alerts').data!.groups.find(g => g.severity === 'high')!;
    assert.equal(high().items.length, 50);
    assert.ok(high().count! > 100, `enough high alerts to page (${high().count})`);
    while (high().nextLink) {
      await store.loadMoreAlerts('high');
    }
    assert.equal(high().items.length, high().count);
    assert.equal(new Set(high().items.map(a => a.id)).size, high().count, 'no alert twice');
  });

  it('restores the last data of a tenant at once, marked stale, and clears that on refresh', async () => {
    const { store, cache, graph } = setup();
    await store.refresh();
    const again = new PostureStore(cache, () => new Date(NOW.getTime() + 3600_000));
    again.connect(new SecurityApi(graph), 'test-tenant');
    assert.equal(again.get('profiles').stale, true);
    assert.equal(again.get('profiles').status, 'ready');
    assert.equal(again.get('profiles').data!.length, store.get('profiles').data!.length);
    assert.equal(again.get('alerts').data!.groups.length, 5);
    assert.ok(again.get('alerts').data!.groups.every(g => g.items.every(a => a.evidence.length === 0)), 'alerts are cached without evidence');
    await again.refresh(['profiles']);
    assert.equal(again.get('profiles').stale, false);
  });

  it('keeps the saved data, marked stale, when a refresh fails', async () => {
    const { store, cache, dataset } = setup();
    await store.refresh(['scores']);
    const offline = new GraphService({
      cloud: resolveCloud('AzureCloud'), maxRetries: 0,
      ...inProcessConnection({ handle: () => { throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }); } }, { tenantId: dataset.tenantId, upn: null, appOnly: true, permissions: [] }),
    });
    const again = new PostureStore(cache, () => NOW);
    again.connect(new SecurityApi(offline), 'test-tenant');
    await again.refresh(['scores']);
    const section = again.get('scores');
    assert.equal(section.status, 'error');
    assert.equal(section.error!.kind, 'offline');
    assert.equal(section.stale, true);
    assert.equal(section.data!.length, 90);
  });

  it('explains a tenant that is not a partner without failing the other sections', async () => {
    const dataset = generateTenant({ now: NOW });
    dataset.isPartner = false;
    const { store } = setup(dataset);
    await store.refresh();
    assert.equal(store.get('partner').error?.kind, 'notPartner');
    assert.match(store.get('partner').error!.message, /PartnerSecurity\.Read\.All/);
    assert.equal(store.get('scores').status, 'ready');
    assert.equal(store.get('alerts').status, 'ready');
  });

  it('names the missing permission and role on 403', async () => {
    const { store } = setup(undefined, ['SecurityEvents.Read.All']);
    await store.refresh(['alerts', 'scores']);
    assert.equal(store.get('alerts').error?.kind, 'forbidden');
    assert.match(store.get('alerts').error!.message, /SecurityAlert\.Read\.All.*Security Reader/);
    assert.equal(store.get('scores').status, 'ready');
  });

  it('drops a superseded load: only the newest refresh of a section lands', async () => {
    const { store } = setup();
    const first = store.refresh(['profiles']);
    const second = store.refresh(['profiles']);
    await Promise.all([first, second]);
    assert.equal(store.get('profiles').status, 'ready');
  });

  it('forgets a tenant\'s saved data on request', async () => {
    const { store, cache } = setup();
    await store.refresh(['scores']);
    assert.ok(cache.keys().length > 0);
    await store.forget('test-tenant');
    assert.equal(cache.keys().length, 0);
  });
});
