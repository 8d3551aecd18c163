// The customers portfolio over real HTTPS and real MSAL: discovery from the emulated partner
// tenant, one app-only token per customer tenant (ClientSecretCredential with a per-call tenant),
// a reason row for every customer that cannot be read, and the fetcher's limits, cache and cancel.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ClientSecretCredential } from '@azure/identity';
import { credentialForTenant } from '../../src/auth/tenantCredential';
import type { TokenCredential } from '../../src/auth/tokenCredential';
import { GraphService } from '../../src/graph/client';
import { resolveCloud } from '../../src/graph/clouds';
import type { SampleCustomerCase, SampleCustomerSpec, TenantDataset } from '../../src/sample/dataset';
import {
  PortfolioCache,
  PortfolioFetcher,
  discoverCustomers,
  progressText,
  type AccessMode,
  type CustomerResult,
  type FetcherOptions,
  type PortfolioCustomer,
} from '../../src/model/portfolio';
import { DROP_CONTROL, DROP_DAYS_AGO, generateTenant } from '../../src/sample/generator';
import { ENDING_SOON_DAYS, THROTTLED_RETRY_AFTER_S } from '../../src/sample/relationships';
import { GRAPH_LIMITS, type Emulator } from '../emulator/server';
import { useEmulator } from './emulatorClient';

const GRAPH = /^\/(v1\.0|beta)\//;
const BATCH = /^\/v1\.0\/\$batch$/;

function portfolioClient(emulator: Emulator, options: { signInNeeded?: string } = {}) {
  const client = emulator.clients[0];
  const cloud = resolveCloud('Custom', { graphEndpoint: emulator.url, authorityHost: emulator.url });
  const msal = new ClientSecretCredential(emulator.tenantId, client.clientId, client.secret!, {
    authorityHost: emulator.url, disableInstanceDiscovery: true, additionallyAllowedTenants: ['*'],
    tlsOptions: { ca: readFileSync(emulator.caCertPath) },
  });
  const scopes = [`${emulator.url}/.default`];
  const service = (credential: TokenCredential) => new GraphService({ cloud, credential, scopesFor: () => scopes, maxRetries: 0 });
  // A tenant with no token to be had silently: what VS Code's sign-in answers without a session for it.
  const noSession: TokenCredential = { getToken: async () => null };
  return {
    cloud,
    clientId: client.clientId,
    partner: service(credentialForTenant(msal, emulator.tenantId)),
    graphFor: (tenantId: string) => service(tenantId === options.signInNeeded ? noSession : credentialForTenant(msal, tenantId)),
  };
}

async function discover(emulator: Emulator, mode: AccessMode = 'gdap', extra: { hidden?: string[]; manual?: { tenantId: string }[] } = {}) {
  const c = portfolioClient(emulator);
  const dataset = emulator.engine.dataset;
  return discoverCustomers(c.partner, { mode, now: new Date(dataset.now), names: dataset.customerNames, ...extra });
}

function specOf(dataset: TenantDataset, kind: SampleCustomerCase): SampleCustomerSpec {
  const spec = dataset.customerTenants!.find(s => s.case === kind);
  assert.ok(spec, `the sample has a ${kind} customer`);
  return spec;
}

/** Customers the sample reads without trouble (no refusal, throttling or empty score behind them). */
function plainReadable(dataset: TenantDataset, customers: PortfolioCustomer[]): PortfolioCustomer[] {
  const plain = new Set<SampleCustomerCase>(['securityAdministrator', 'securityReader', 'globalReader']);
  return customers.filter(c => c.access.canRead && plain.has(dataset.customerTenants!.find(s => s.tenantId === c.tenantId)!.case));
}

async function runAll(emulator: Emulator, customers: PortfolioCustomer[], options: Partial<FetcherOptions> & { signInNeeded?: string } = {}) {
  const c = portfolioClient(emulator, options);
  const fetcher = new PortfolioFetcher({ graphFor: c.graphFor, cloud: c.cloud, clientId: c.clientId, ...options });
  const rows = new Map<string, CustomerResult>();
  const progress: string[] = [];
  const summary = await fetcher.run(customers, { onCustomer: r => rows.set(r.customer.tenantId, r), onProgress: p => progress.push(progressText(p)) });
  return { fetcher, rows, progress, summary, client: c };
}

describe('Customers portfolio over HTTPS and MSAL (emulator)', function () {
  this.timeout(60_000);
  const now = new Date();
  const dataset = generateTenant({ now });
  const emulator = useEmulator(() => ({ dataset, concurrency: GRAPH_LIMITS.concurrency, rateLimits: GRAPH_LIMITS.rateLimits }));
  const graphLog = () => emulator().requests.filter(r => GRAPH.test(r.path));

  it('discovers the 36 customers from GDAP relationships, contracts and insights, grouped by tenant', async () => {
    const { customers, warnings, requests } = await discover(emulator());
    assert.deepEqual(warnings, []);
    assert.equal(customers.length, 36);
    assert.equal(requests, 3, 'one page each of relationships ($top=300), contracts and insights');
    assert.ok(graphLog().some(r => r.path === '/v1.0/tenantRelationships/delegatedAdminRelationships?$top=300'));
    // 35 customers have a relationship; one of them has an expired one besides its active one.
    assert.equal(dataset.delegatedAdminRelationships!.length, 36);
    const reader = specOf(dataset, 'securityReader');
    const row = customers.find(c => c.tenantId === reader.tenantId)!;
    assert.deepEqual(row.sources, ['gdap', 'contract', 'insights']);
    assert.deepEqual(row.access, { canRead: true, canWrite: false, roles: ['Helpdesk Administrator', 'Security Reader'], endsAt: row.access.endsAt, autoExtends: row.access.autoExtends });
    assert.equal(row.reason, undefined);
    const admin = customers.find(c => c.tenantId === specOf(dataset, 'securityAdministrator').tenantId)!;
    assert.equal(admin.access.canWrite, true);
    const contractOnly = customers.find(c => c.tenantId === specOf(dataset, 'noRelationship').tenantId)!;
    assert.deepEqual(contractOnly.sources, ['contract', 'insights']);
    assert.equal(contractOnly.reason?.kind, 'noRelationship');
  });

  it('gives every customer it cannot read a reason row, and reads the rest', async () => {
    const signInTenant = specOf(dataset, 'globalReader').tenantId;
    const { customers } = await discover(emulator());
    const { rows, summary, progress, client } = await runAll(emulator(), customers, { signInNeeded: signInTenant });
    assert.equal(rows.size, 36);
    assert.equal(progress.at(-1), '36 of 36 customers');
    const row = (kind: SampleCustomerCase) => rows.get(specOf(dataset, kind).tenantId)!;

    assert.equal(row('noRelationship').status, 'blocked');
    assert.match(row('noRelationship').reason!.message, /^No GDAP relationship with this customer\. Request one with the Security Reader role \(or Security Administrator/);
    assert.equal(row('noSecurityRole').reason!.kind, 'noSecurityRole');
    assert.equal(row('noSecurityRole').reason!.message,
      'The GDAP relationship has no role that can read security data (it grants Helpdesk Administrator, User Administrator). Add Security Reader to read, or Security Administrator to change improvement actions.');
    assert.equal(row('expired').reason!.kind, 'relationshipExpired');
    assert.match(row('expired').reason!.message, /^The GDAP relationship ended on \d{4}-\d{2}-\d{2}\. Ask the customer to approve a new one with the Security Reader role\.$/);

    const ending = row('endingSoon');
    assert.equal(ending.status, 'read', 'a relationship ending soon still reads');
    assert.equal(ending.reason!.kind, 'relationshipEnding');
    assert.equal(ending.reason!.blocking, false);
    assert.match(ending.reason!.message, new RegExp(`\\(in ${ENDING_SOON_DAYS} days\\) and does not renew itself`));

    const consent = row('consentMissing').reason!;
    assert.equal(consent.kind, 'consentMissing');
    assert.equal(consent.code, 'AADSTS700016');
    assert.equal(consent.action?.url, `${emulator().url}/${specOf(dataset, 'consentMissing').tenantId}/adminconsent?client_id=${client.clientId}`);
    const ca = row('conditionalAccess').reason!;
    assert.equal(ca.kind, 'conditionalAccess');
    assert.equal(ca.code, 'AADSTS53003');

    const throttled = row('throttled').reason!;
    assert.equal(throttled.kind, 'throttled');
    const retryIn = Date.parse(throttled.retryAt!) - Date.now();
    assert.ok(retryIn > (THROTTLED_RETRY_AFTER_S - 30) * 1000 && retryIn <= THROTTLED_RETRY_AFTER_S * 1000, `retries in about ${THROTTLED_RETRY_AFTER_S} s (${retryIn} ms)`);
    assert.match(throttled.message, /^Microsoft Graph is throttling this tenant; it will be tried again after \d\d:\d\d UTC\.$/);

    const empty = row('noSecureScore');
    assert.equal(empty.status, 'read');
    assert.equal(empty.reason!.kind, 'noSecureScore');
    assert.equal(empty.posture!.percent, undefined);
    assert.ok(empty.posture!.openAlerts, 'alerts still counted');

    assert.equal(rows.get(signInTenant)!.reason!.kind, 'signInNeeded');
    assert.match(rows.get(signInTenant)!.reason!.message, /no token came without asking, and the sign-in did not say why \(the app may have no consent there/);
    assert.equal(summary.blocked, 7, 'no relationship, no role, expired, consent, CA, throttled, sign-in');
    assert.equal(summary.read, 29);
    assert.equal(summary.retried, 0, 'a Retry-After of 10 minutes is reported, not waited for');
  });

  it('reads each row from its own tenant: today\'s score, 7/30-day change, trend and open alerts', async () => {
    const { customers } = await discover(emulator());
    const drop = specOf(dataset, 'securityAdministrator');
    assert.equal(drop.trend, 'drop');
    const { rows } = await runAll(emulator(), customers.filter(c => c.tenantId === drop.tenantId));
    const posture = rows.get(drop.tenantId)!.posture!;
    const tenant = emulator().engine.customer(drop.tenantId)!.dataset;
    const [today, weekAgo, monthAgo] = [tenant.secureScores[0], tenant.secureScores[7], tenant.secureScores[30]];
    assert.equal(posture.asOf, today.createdDateTime);
    assert.equal(posture.current, today.currentScore);
    assert.equal(posture.change7, Math.round((today.currentScore - weekAgo.currentScore) * 100) / 100);
    assert.equal(posture.change30, Math.round((today.currentScore - monthAgo.currentScore) * 100) / 100);
    assert.equal(posture.trend.length, 31);
    // The cause of the drop is in the data: the legacy-authentication policy went off 9 days ago.
    const control = (i: number) => tenant.secureScores[i].controlScores.find(c => c.controlName === DROP_CONTROL)!.score;
    assert.deepEqual([control(DROP_DAYS_AGO), control(DROP_DAYS_AGO - 1)], [8, 0]);
    const open = (severity: string) => tenant.alerts.filter(a => a.severity === severity && (a.status === 'new' || a.status === 'inProgress')).length;
    assert.deepEqual(posture.openAlerts, { high: open('high'), medium: open('medium') });
  });

  it('never sends a customer\'s token for another tenant\'s data (the emulator\'s request log)', async () => {
    const { customers } = await discover(emulator());
    const { rows } = await runAll(emulator(), customers);
    const log = graphLog();
    const partner = emulator().tenantId;
    // The partner's token reads discovery only.
    for (const r of log.filter(e => e.tenantId === partner)) {
      assert.match(r.path, /^\/(v1\.0\/tenantRelationships|v1\.0\/contracts|beta\/security\/partner)/, `partner token on ${r.path}`);
    }
    const read = [...rows.values()].filter(r => r.status === 'read');
    for (const row of read) {
      const tenant = row.customer.tenantId;
      const own = log.filter(e => e.tenantId === tenant);
      assert.deepEqual(own.filter(e => !e.inBatch).map(e => e.path), ['/v1.0/$batch'], `one $batch with ${row.customer.name}'s own token`);
      assert.equal(own.filter(e => e.inBatch).length, 3);
      // Its numbers are its own tenant's.
      assert.equal(row.posture!.asOf, emulator().engine.customer(tenant)!.dataset.secureScores[0]?.createdDateTime);
    }
    const tokenTenants = new Set(log.map(e => e.tenantId));
    const expected = new Set([partner, ...read.map(r => r.customer.tenantId), specOf(dataset, 'throttled').tenantId]);
    assert.deepEqual(tokenTenants, expected, 'tokens only of the partner and of the customers read');
    const tokenRequests = emulator().requests.filter(r => /\/oauth2\/v2\.0\/token(\?|$)/.test(r.path)).map(r => r.path.split('/')[1]);
    const refused = [specOf(dataset, 'consentMissing').tenantId, specOf(dataset, 'conditionalAccess').tenantId];
    const perTenant = (t: string) => tokenRequests.filter(x => x === t).length;
    assert.deepEqual(new Set(tokenRequests), new Set([...expected, ...refused]), 'tokens asked only of the partner and of those customers');
    for (const tenant of [...expected, ...refused].filter(t => t !== partner)) {
      assert.equal(perTenant(tenant), 1, `one token request for ${tenant}`);
    }
  });

  it('waits out an inner 429 for that tenant only, then resends only the throttled requests', async () => {
    const { customers } = await discover(emulator());
    const readable = plainReadable(dataset, customers);
    emulator().faults.add({ path: 'alerts_v2', inBatch: true, count: 2, fault: { kind: 'status', status: 429, retryAfter: '1.5' } });
    const { rows, summary } = await runAll(emulator(), readable.slice(0, 6), { maxInFlight: 2 });
    assert.ok([...rows.values()].every(r => r.status === 'read' && r.posture!.openAlerts), 'every row complete');
    assert.equal(summary.retried, 2);
    const inner = graphLog().filter(e => e.inBatch);
    const hit = inner.filter(e => e.status === 429);
    assert.equal(hit.length, 2, 'the injected fault fired twice');
    const tenant = hit[0].tenantId;
    assert.ok(hit.every(e => e.tenantId === tenant), 'both on one tenant (its high and medium counts)');
    const batches = graphLog().filter(e => !e.inBatch && BATCH.test(e.path));
    const mine = batches.filter(e => e.tenantId === tenant);
    assert.equal(mine.length, 2, 'one batch, then one resend');
    const gap = Date.parse(mine[1].time) - Date.parse(mine[0].time);
    assert.ok(gap >= 1400, `waited for Retry-After (${gap} ms)`);
    const others = batches.filter(e => e.tenantId !== tenant && e.seq > mine[0].seq && e.seq < mine[1].seq);
    assert.ok(others.length >= 1, 'other customers were read while that tenant waited');
    assert.equal(inner.filter(e => e.tenantId === tenant && e.seq > mine[1].seq).length, 2, 'only the two throttled requests were resent');
  });

  it('keeps Graph\'s limit of 4 concurrent Secure Score requests per tenant with categories on', async () => {
    const { customers } = await discover(emulator());
    const readable = customers.filter(c => c.access.canRead).slice(0, 10);
    const { rows } = await runAll(emulator(), readable, { categories: true });
    const read = [...rows.values()].filter(r => r.status === 'read' && r.posture?.asOf);
    assert.ok(read.length >= 7);
    assert.ok(read.every(r => r.posture!.categories?.some(c => c.category === 'Identity' && (c.max ?? 0) > 0)));
    assert.equal(graphLog().filter(e => e.status === 429 && e.tenantId !== specOf(dataset, 'throttled').tenantId).length, 0);
  });

  it('cancels mid-run; a second run shows what was read from the cache and reads only the rest', async () => {
    const { customers } = await discover(emulator());
    const readable = plainReadable(dataset, customers);
    const c = portfolioClient(emulator());
    let clock = Date.now();
    const cache = new PortfolioCache();
    const fetcher = new PortfolioFetcher({ graphFor: c.graphFor, cloud: c.cloud, clientId: c.clientId, cache, maxInFlight: 2, now: () => clock });
    const controller = new AbortController();
    const first: CustomerResult[] = [];
    const summary = await fetcher.run(readable, {
      signal: controller.signal,
      onCustomer: r => {
        first.push(r);
        if (first.length === 5) {
          controller.abort();
        }
      },
    });
    assert.equal(summary.canceled, true);
    assert.ok(summary.done >= 5 && summary.done < readable.length, `stopped early (${summary.done} of ${readable.length})`);
    assert.equal(first.length, summary.done, 'no row after the cancel');
    const readBefore = first.filter(r => r.status === 'read').map(r => r.customer.tenantId);
    assert.equal(cache.size, readBefore.length);

    clock += 10 * 60_000;
    const seqBefore = emulator().requests.at(-1)?.seq ?? 0;
    const second: CustomerResult[] = [];
    const again = await fetcher.run(readable, { onCustomer: r => second.push(r) });
    const cached = second.filter(r => r.status === 'cached');
    assert.deepEqual(cached.map(r => r.customer.tenantId).sort(), [...readBefore].sort());
    assert.ok(cached.every(r => r.ageMs === 10 * 60_000 && r.stale === false), 'marked with their age, fresh');
    assert.equal(again.fromCache, readBefore.length);
    // A batch canceled in flight by the first run may reach the emulator late: tenants, not batches, are counted.
    const batched = new Set(graphLog().filter(e => e.seq > seqBefore && BATCH.test(e.path)).map(e => e.tenantId));
    const notCached = readable.map(c => c.tenantId).filter(t => !readBefore.includes(t));
    assert.deepEqual([...batched].sort(), [...notCached].sort(), 'only customers not in the cache were read');
    assert.equal(again.httpRequests, notCached.length, 'one $batch each');

    clock += 2 * 60 * 60_000;
    const third: CustomerResult[] = [];
    const stale = await fetcher.run(readable.slice(0, 3), { onCustomer: r => third.push(r) });
    assert.deepEqual(third.map(r => `${r.status}${r.stale ? ' stale' : ''}`), ['cached stale', 'cached stale', 'cached stale', 'read', 'read', 'read']);
    assert.equal(stale.read, 3);
  });

  it('in app-only mode tries customers without GDAP, adds customers by tenant id and keeps hidden ones hidden', async () => {
    const hidden = specOf(dataset, 'securityReader').tenantId;
    const unknown = '00000000-0000-4000-8000-00000000abcd';
    const { customers } = await discover(emulator(), 'app', { hidden: [hidden], manual: [{ tenantId: unknown }] });
    assert.equal(customers.length, 36, '35 listed + 1 added by hand');
    assert.ok(!customers.some(c => c.tenantId === hidden));
    const { rows } = await runAll(emulator(), customers.filter(c => [specOf(dataset, 'noRelationship').tenantId, specOf(dataset, 'noSecurityRole').tenantId, unknown].includes(c.tenantId)));
    assert.equal(rows.get(specOf(dataset, 'noRelationship').tenantId)!.status, 'read', 'consent, not GDAP, decides app-only');
    assert.equal(rows.get(specOf(dataset, 'noSecurityRole').tenantId)!.status, 'read');
    const added = rows.get(unknown)!;
    assert.equal(added.status, 'blocked');
    assert.equal(added.reason!.message, 'No such tenant in this cloud: check the tenant id (a customer added by hand may have a typo).');
  });
});

describe('Customers through GDAP with a delegated token (emulator)', function () {
  this.timeout(60_000);
  const dataset = generateTenant({ now: new Date() });
  const emulator = useEmulator(() => ({ dataset }));

  /** A partner user's refresh token (device code), then redeemed at a customer's authority, as MSAL does for another tenant. */
  async function delegatedToken(tenantId: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const e = emulator();
    const client = e.clients[0];
    const scope = `${e.url}/SecurityEvents.Read.All offline_access`;
    const post = async (tenant: string, endpoint: string, form: Record<string, string>) => {
      const res = await fetch(`${e.url}/${tenant}/oauth2/v2.0/${endpoint}`, { method: 'POST', body: new URLSearchParams({ client_id: client.clientId, ...form }) });
      return { status: res.status, body: await res.json() as Record<string, unknown> };
    };
    const code = await post(e.tenantId, 'devicecode', { scope });
    let signedIn = await post(e.tenantId, 'token', { grant_type: 'device_code', device_code: String(code.body.device_code) });
    assert.equal(signedIn.body.error, 'authorization_pending');
    signedIn = await post(e.tenantId, 'token', { grant_type: 'device_code', device_code: String(code.body.device_code) });
    return post(tenantId, 'token', { grant_type: 'refresh_token', refresh_token: String(signedIn.body.refresh_token), scope });
  }

  const scores = async (token: string) => (await fetch(`${emulator().url}/v1.0/security/secureScores?$top=1`, { headers: { Authorization: `Bearer ${token}` } })).status;

  it('reads where a GDAP role allows it, is refused where none does, and gets Entra\'s consent error where the app has none', async () => {
    const reader = await delegatedToken(specOf(dataset, 'securityReader').tenantId);
    assert.equal(reader.status, 200);
    assert.equal(await scores(String(reader.body.access_token)), 200);
    const noRole = await delegatedToken(specOf(dataset, 'noSecurityRole').tenantId);
    assert.equal(await scores(String(noRole.body.access_token)), 403, 'GDAP roles decide for a delegated token');
    const expired = await delegatedToken(specOf(dataset, 'expired').tenantId);
    assert.equal(await scores(String(expired.body.access_token)), 403);
    const consent = await delegatedToken(specOf(dataset, 'consentMissing').tenantId);
    assert.equal(consent.status, 400);
    assert.deepEqual([consent.body.error, consent.body.suberror, consent.body.error_codes], ['invalid_grant', 'consent_required', [65001]]);
    assert.match(String(consent.body.error_description), /^AADSTS65001: The user or administrator has not consented to use the application/);
    const ca = await delegatedToken(specOf(dataset, 'conditionalAccess').tenantId);
    assert.deepEqual([ca.status, ca.body.error, ca.body.error_codes], [400, 'invalid_grant', [53003]]);
  });
});

describe('Customers discovery paging', function () {
  this.timeout(60_000);
  const emulator = useEmulator(() => ({ dataset: generateTenant({ customers: 450, alerts: 20 }) }));

  it('follows @odata.nextLink over 300 relationships a page', async () => {
    const { customers, requests } = await discover(emulator());
    assert.equal(customers.length, 450);
    const pages = emulator().requests.filter(r => /delegatedAdminRelationships/.test(r.path));
    assert.equal(pages.length, 2);
    assert.match(pages[1].path, /\$top=300&\$skip=300$/);
    assert.equal(requests, 2 + 1 + 5, 'relationships 2 pages, contracts 1 ($top=999), insights 5 (server pages of 100)');
  });
});
