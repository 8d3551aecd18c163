// The data layer over real HTTPS against the Graph emulator: paging, retries, each kind of
// error, partner response shapes, unknown enums and $batch. Tokens come from the emulator's
// Entra-like token endpoint (client credentials), as an app-only sign-in gets them.
import * as assert from 'node:assert/strict';
import { resolveCloud } from '../../src/graph/clouds';
import { GraphService, parseWarnings } from '../../src/graph/client';
import { PostureError } from '../../src/graph/errors';
import { SecurityApi, unwrapSingleton } from '../../src/graph/security';
import { AlertQueries } from '../../src/model/alertQueries';
import { PostureStore, SECTIONS } from '../../src/model/store';
import { generateTenant } from '../../src/sample/generator';
import { createServerCertificates, type ServerCertificates } from '../emulator/certs';
import { startEmulator } from '../emulator/server';
import { EmulatorCredential, emulatorService, useEmulator } from './emulatorClient';

describe('Graph data layer over HTTPS (emulator)', function () {
  this.timeout(30_000);
  let certificates: ServerCertificates;
  const now = new Date();
  const emulator = useEmulator(async () => {
    certificates = await createServerCertificates();
    return { dataset: generateTenant({ now, alerts: 450 }), certificates };
  });

  function service(options: { maxRetries?: number; timeoutMs?: number } = {}) {
    const { graph, credential } = emulatorService(emulator(), options);
    return { graph, api: new SecurityApi(graph), credential };
  }
  const graphRequests = () => emulator().requests.filter(r => !r.inBatch && /^\/(v1\.0|beta)\//.test(r.path));

  it('pages alerts through @odata.nextLink, verbatim, until it ends, every alert once', async () => {
    const { graph } = service();
    const result = await graph.getAll<{ id: string }>('/security/alerts_v2?$top=100&$filter=' + encodeURIComponent("severity eq 'medium' or severity eq 'low' or severity eq 'high' or severity eq 'informational' or severity eq 'unknown'"), { area: 'alerts', key: a => a.id });
    assert.equal(result.items.length, 453);
    assert.equal(new Set(result.items.map(a => a.id)).size, 453);
    assert.equal(result.pages, 5);
    assert.equal(graphRequests().length, 5);
    const expectedNext = graphRequests()[1].path;
    assert.match(expectedNext, /\$skip=100/);
  });

  it('follows customer insights\' server-side skip tokens without $top', async () => {
    const { api } = service();
    const dataset = emulator().engine.dataset;
    const result = await api.customerInsights();
    assert.equal(result.data.length, dataset.customerInsights.length);
    assert.ok(graphRequests().every(r => !/\$top/.test(r.path)), 'customer insights are never asked with $top');
  });

  it('retries a 429 after its fractional Retry-After, then succeeds', async () => {
    const { api } = service();
    emulator().faults.add({ path: 'secureScores', count: 2, fault: { kind: 'status', status: 429, retryAfter: '0.25' } });
    const started = Date.now();
    const result = await api.secureScores(90);
    assert.equal(result.data.length, 90);
    assert.ok(Date.now() - started >= 450, `waited for Retry-After twice (${Date.now() - started} ms)`);
    assert.deepEqual(graphRequests().map(r => r.status), [429, 429, 200]);
  });

  it('gives up on persistent throttling with a message that says when to try again', async () => {
    const { api } = service({ maxRetries: 1 });
    emulator().faults.add({ path: 'alerts_v2', fault: { kind: 'status', status: 429, retryAfter: '0.1' } });
    await assert.rejects(api.alertsPage('', 10), (e: PostureError) => e.kind === 'throttled' && /try again in 1 s/.test(e.message));
  });

  it('retries 503 and 504 for reads', async () => {
    const { api } = service();
    emulator().faults.add({ path: 'secureScoreControlProfiles', count: 1, fault: { kind: 'status', status: 503, retryAfter: '0.1' } });
    emulator().faults.add({ path: 'secureScoreControlProfiles', count: 1, fault: { kind: 'status', status: 504, retryAfter: null } });
    const result = await api.controlProfiles();
    assert.equal(result.data.length, emulator().engine.dataset.controlProfiles.length);
  });

  it('does not resend a POST after a 5xx (a comment may already exist)', async () => {
    const { graph } = service();
    const alert = emulator().engine.dataset.alerts[0];
    emulator().faults.add({ method: 'POST', path: 'comments', count: 1, fault: { kind: 'status', status: 503 } });
    await assert.rejects(graph.post(`/security/alerts_v2/${alert.id}/comments`, { '@odata.type': 'microsoft.graph.security.alertComment', comment: 'once' }, { area: 'alerts' }),
      (e: PostureError) => e.kind === 'server');
    assert.equal(graphRequests().filter(r => r.method === 'POST').length, 1);
  });

  it('gets a fresh token once after a 401, then succeeds', async () => {
    const { api, credential } = service();
    await api.secureScores(1);
    emulator().faults.add({ path: 'secureScores', count: 1, fault: { kind: 'expireToken' } });
    const result = await api.secureScores(1);
    assert.equal(result.data.length, 1);
    assert.equal(credential.tokensIssued, 2);
  });

  it('turns a persistent 401 into a sign-in error', async () => {
    const { api } = service();
    emulator().faults.add({ path: 'secureScores', fault: { kind: 'status', status: 401, code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } });
    await assert.rejects(api.secureScores(1), (e: PostureError) => e.kind === 'signIn' && e.details.status === 401);
  });

  it('names the missing permission and role on 403 (consent revoked)', async () => {
    const { api } = service();
    await api.secureScores(1);
    emulator().faults.revokeConsent(emulator().clients[0].clientId);
    await assert.rejects(api.alertsPage('', 10), (e: PostureError) => e.kind === 'forbidden' && /SecurityAlert\.Read\.All/.test(e.message) && /Security Reader/.test(e.message));
  });

  it('names the write permission and the roles that can write on a refused write', async () => {
    const { graph } = service();
    emulator().faults.add({ method: 'PATCH', path: 'alerts_v2', fault: { kind: 'status', status: 403, code: 'Forbidden', message: 'Insufficient privileges to complete the operation.' } });
    await assert.rejects(graph.patch('/security/alerts_v2/any', { status: 'inProgress' }, { area: 'alerts', write: true }), (e: PostureError) => {
      assert.equal(e.message, 'Access denied by Microsoft Graph. It needs the SecurityAlert.ReadWrite.All permission (admin consent) and the Security Operator or Security Administrator role.');
      return true;
    });
  });

  it('reports a 404 as an item that no longer exists', async () => {
    const { graph } = service();
    await assert.rejects(graph.get('/security/alerts_v2/does-not-exist', { area: 'alerts' }), (e: PostureError) => e.kind === 'notFound');
  });

  it('reports 400s with Graph\'s message, including the empty-code ones', async () => {
    const { graph } = service();
    await assert.rejects(graph.get('/security/alerts_v2?$filter=' + encodeURIComponent("investigationState eq 'running'"), { area: 'alerts' }),
      (e: PostureError) => e.kind === 'badRequest' && /investigationState/.test(e.message));
    await assert.rejects(graph.patch('/security/secureScoreControlProfiles/AdminMFAV2', { state: 'Ignored', comment: 'x' }, { area: 'controls' }),
      (e: PostureError) => e.kind === 'badRequest' && e.details.code === '' && /statusCode=BadRequest/.test(e.message));
  });

  it('shows the data of a 206 and names the provider that failed', async () => {
    const { api } = service();
    emulator().faults.add({ path: 'secureScores', fault: { kind: 'partial', warnings: ['Microsoft/WDATP/401/228'] } });
    const result = await api.secureScores(90);
    assert.equal(result.data.length, 90);
    assert.deepEqual(result.warnings, [{ provider: 'Microsoft/WDATP', status: 401 }]);
  });

  it('says "offline" when the connection is reset or refused, and "malformed" for broken JSON', async () => {
    const { api } = service({ maxRetries: 0 });
    emulator().faults.add({ path: 'secureScores', count: 1, fault: { kind: 'reset' } });
    await assert.rejects(api.secureScores(1), (e: PostureError) => e.kind === 'offline');
    emulator().faults.add({ path: 'secureScores', count: 1, fault: { kind: 'malformed' } });
    await assert.rejects(api.secureScores(1), (e: PostureError) => e.kind === 'invalidResponse' && /malformed/.test(e.message));
    await emulator().faults.goOffline();
    try {
      await assert.rejects(api.secureScores(1), (e: PostureError) => e.kind === 'offline');
    } finally {
      await emulator().faults.goOnline();
    }
    assert.equal((await api.secureScores(1)).data.length, 1, 'recovers when the network is back');
  });

  it('times out a response that never comes', async () => {
    const { api } = service({ timeoutMs: 300, maxRetries: 0 });
    emulator().faults.add({ path: 'secureScores', count: 1, fault: { kind: 'delay', ms: 2000 } });
    await assert.rejects(api.secureScores(1), (e: PostureError) => e.kind === 'offline' && /did not answer in time/.test(e.message));
  });

  it('stops a nextLink that loops and drops items a page repeats', async () => {
    const { graph } = service();
    emulator().faults.add({ path: 'secureScoreControlProfiles', fault: { kind: 'loopNextLink' } });
    const looped = await graph.getAll<{ id: string }>('/security/secureScoreControlProfiles?$top=10', { area: 'controls', key: p => p.id });
    assert.equal(looped.pages, 1);
    emulator().faults.clear();
    emulator().faults.add({ path: 'secureScoreControlProfiles', fault: { kind: 'repeatItems', count: 2 } });
    const repeated = await graph.getAll<{ id: string }>('/security/secureScoreControlProfiles?$top=10', { area: 'controls', key: p => p.id });
    assert.equal(repeated.items.length, emulator().engine.dataset.controlProfiles.length);
  });

  it('never sends the token to a nextLink on another origin', async () => {
    const { graph } = service();
    await assert.rejects(graph.getPage('https://127.0.0.2:1/v1.0/security/alerts_v2', { area: 'alerts' }), (e: PostureError) => /Refused to send a token/.test(e.message));
  });

  it('asks for read scopes for a $batch of reads and write scopes only for a $batch that writes', async () => {
    // A delegated sign-in that consented to reads alone must not be asked for write scopes to read.
    const inner = new EmulatorCredential(emulator());
    const asked: string[][] = [];
    const cloud = resolveCloud('Custom', { graphEndpoint: emulator().url, authorityHost: emulator().url });
    const graph = new GraphService({
      cloud, scopesFor: (area, write) => [`${area}:${write ? 'write' : 'read'}`],
      credential: { getToken: async scopes => (asked.push([scopes].flat()), inner.getToken(`${emulator().url}/.default`)) },
    });
    const reads = await graph.batch('v1.0', [
      { id: '1', method: 'GET', url: '/security/secureScores?$top=1' },
      { id: '2', method: 'GET', url: '/security/alerts_v2?$top=1' },
    ], { area: 'alerts' });
    assert.deepEqual(reads.map(r => r.status), [200, 200]);
    assert.deepEqual(asked, [['alerts:read']]);
    const alert = emulator().engine.dataset.alerts[0];
    const writes = await graph.batch('v1.0', [{ id: '1', method: 'PATCH', url: `/security/alerts_v2/${alert.id}`, body: { status: 'inProgress' } }], { area: 'alerts' });
    assert.deepEqual(writes.map(r => r.status), [200]);
    assert.deepEqual(asked, [['alerts:read'], ['alerts:write']]);
  });

  it('reads the partner score plain and wrapped in "value", requirements and history included', async () => {
    const { api } = service();
    const plain = await api.partner();
    assert.equal(plain.data.requirements.length, emulator().engine.dataset.partnerRequirements.length);
    const wrapped = await startEmulator({ dataset: generateTenant({ now }), engine: { partnerWrapped: true }, certificates });
    try {
      const cloud = resolveCloud('Custom', { graphEndpoint: wrapped.url, authorityHost: wrapped.url });
      const api2 = new SecurityApi(new GraphService({ cloud, credential: new EmulatorCredential(wrapped), scopesFor: () => [`${wrapped.url}/.default`] }));
      const result = await api2.partner();
      assert.equal(result.data.score.currentScore, plain.data.score.currentScore);
      assert.equal(result.data.history.length, plain.data.history.length);
    } finally {
      await wrapped.stop();
    }
    assert.deepEqual(unwrapSingleton({ value: { id: 'x' } }), { id: 'x' });
    assert.deepEqual(unwrapSingleton({ id: 'y', value: [1] }), { id: 'y', value: [1] });
  });

  it('asks for evolvable enum members so new service sources show by name', async () => {
    const { api } = service();
    const sources = new Set<string>();
    for (const sev of ['high', 'medium', 'low', 'informational']) {
      (await api.alertsPage(`severity eq '${sev}'`, 500)).items.forEach(a => sources.add(a.serviceSource));
    }
    assert.ok(sources.has('microsoftSentinel') || sources.has('microsoftDefenderForCloud'), [...sources].join());
    assert.ok(!sources.has('unknownFutureValue'));
  });

  it('batches writes 20 at a time, retries inner 429s after Retry-After, and correlates by id', async () => {
    const { graph } = service();
    const alerts = emulator().engine.dataset.alerts.slice(0, 45);
    emulator().faults.add({ path: 'alerts_v2', inBatch: true, count: 3, fault: { kind: 'status', status: 429, retryAfter: '0.2' } });
    const responses = await graph.batch('v1.0', alerts.map((a, i) => ({ id: String(i + 1), method: 'PATCH' as const, url: `/security/alerts_v2/${a.id}`, body: { assignedTo: 'analyst@contoso.example' } })), { area: 'alerts', write: true });
    assert.equal(responses.length, 45);
    assert.ok(responses.every(r => r.status === 200), responses.filter(r => r.status !== 200).map(r => `${r.id}:${r.status}`).join());
    assert.deepEqual(responses.map(r => r.id), alerts.map((_, i) => String(i + 1)));
    assert.ok(emulator().engine.dataset.alerts.slice(0, 45).every(a => a.assignedTo === 'analyst@contoso.example'));
    const outer = graphRequests().filter(r => r.path.endsWith('$batch'));
    assert.equal(outer.length, 4, '3 batches, then 1 for the throttled ones');
  });

  it('never asks Graph for what its documented surface does not offer: no $orderby/$select/ne/in on alerts, pages ≤ 1,000, no $top on partner alerts', async () => {
    const { api } = service();
    const store = new PostureStore(undefined, () => now);
    store.connect(api, 'tenant');
    // A page size above Graph's limit (an old setting) is clamped, not sent.
    store.configureAlerts({ statuses: ['new', 'inProgress'], days: 365 }, 5000);
    await store.refresh();
    assert.deepEqual(SECTIONS.filter(id => store.get(id).status !== 'ready'), [], 'every section loaded');
    const saved = new Map<string, unknown>();
    const storage = { get: <T>(key: string) => saved.get(key) as T | undefined, update: async (key: string, value: unknown) => void saved.set(key, value), keys: () => [...saved.keys()] };
    const queries = new AlertQueries(storage, { api: () => api, tenantKey: () => 't', me: () => 'amy@contoso.example', now: () => now, pageSize: () => 5000 });
    for (const text of ['-status:resolved severity:high,medium,low', 'service:microsoftSecurityForAI,microsoftSentinel -severity:informational', '-assigned:me category:credential']) {
      const result = await queries.run(text);
      assert.equal(result.status, 'ready', `${text}: ${result.error?.message}`);
    }
    const sent = emulator().requests.filter(r => /^\/(v1\.0|beta)\/security\/(alerts_v2|partner\/securityAlerts)\b/.test(r.path));
    assert.ok(sent.length >= 8, `alert requests were sent (${sent.length})`);
    assert.deepEqual(sent.filter(r => r.status === 400).map(r => r.path), [], 'Graph refused nothing');
    const query = (path: string) => new URLSearchParams(path.split('?')[1] ?? '');
    const alerts = sent.filter(r => r.path.includes('/alerts_v2'));
    assert.deepEqual(alerts.filter(r => query(r.path).has('$orderby') || query(r.path).has('$select')).map(r => r.path), []);
    assert.deepEqual(alerts.filter(r => / (ne|in) /.test(query(r.path).get('$filter') ?? '')).map(r => r.path), []);
    assert.deepEqual([...new Set(alerts.map(r => query(r.path).get('$top')).filter(Boolean))], ['1000'], 'every alerts page asked for 1,000, never 5,000');
    const partner = sent.filter(r => r.path.includes('/partner/securityAlerts'));
    assert.deepEqual(partner.map(r => r.path.replace(/^\/beta/, '')), ['/security/partner/securityAlerts'], 'partner alerts: no $top');
  });

  it('parses Warning headers of several providers', () => {
    assert.deepEqual(parseWarnings('199 - "Microsoft/WDATP/401/228", 199 - "Microsoft/IPC/504/10000"'), [{ provider: 'Microsoft/WDATP', status: 401 }, { provider: 'Microsoft/IPC', status: 504 }]);
    assert.deepEqual(parseWarnings('199 - "Microsoft/Office 365 Security and Compliance/403/602"'), [{ provider: 'Microsoft/Office 365 Security and Compliance', status: 403 }]);
  });
});
