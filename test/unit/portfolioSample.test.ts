// The portfolio on the built-in sample tenant: the same model, the in-process engine instead of
// HTTPS, one sample sign-in per customer tenant. The sample's 36 customers show every reason row.
import * as assert from 'node:assert/strict';
import { GraphService } from '../../src/graph/client';
import { resolveCloud } from '../../src/graph/clouds';
import { PortfolioFetcher, discoverCustomers, type CustomerResult } from '../../src/model/portfolio';
import type { SampleCustomerCase } from '../../src/sample/dataset';
import { GraphEngine } from '../../src/sample/engine';
import { generateTenant } from '../../src/sample/generator';
import { sampleCustomerConnection } from '../../src/sample/portfolio';
import { samplePartnerGraph } from './inProcessStore';
import { driftOf, loadTenants, parsePosture, planPosture, type TenantPlan } from '../../src/posture';
import { TenantContext } from '../../src/tenant/context';
import { Portfolio, type PortfolioSource } from '../../src/tenant/portfolio';
import { tenantLoader, type PostureCustomers } from '../../src/tenant/posture';

const NOW = new Date('2026-11-22T09:30:00Z');

describe('Customers portfolio on the sample tenant', function () {
  this.timeout(60_000);
  const dataset = generateTenant({ now: NOW });
  const engine = new GraphEngine(dataset, { now: () => NOW });
  const cloud = resolveCloud('AzureCloud');
  const partner = samplePartnerGraph(engine, dataset);
  const spec = (kind: SampleCustomerCase) => dataset.customerTenants!.find(s => s.case === kind)!;

  it('reads 30 of the 36 customers and gives each of the other six its reason row', async () => {
    const { customers, warnings } = await discoverCustomers(partner, { mode: 'gdap', now: NOW, names: dataset.customerNames });
    assert.deepEqual(warnings, []);
    const fetcher = new PortfolioFetcher({
      cloud,
      clientId: '14d82eec-204b-4c2f-b7e8-296a70dab67e',
      graphFor: tenantId => new GraphService({ cloud, ...sampleCustomerConnection(engine, tenantId, dataset.signedInUser) }),
    });
    const rows = new Map<string, CustomerResult>();
    const summary = await fetcher.run(customers, { onCustomer: r => rows.set(r.customer.tenantId, r) });
    assert.deepEqual({ read: summary.read, blocked: summary.blocked, graphRequests: summary.graphRequests, httpRequests: summary.httpRequests },
      // 30 read + the throttled one; the two whose sign-in was refused are stopped before any $batch.
      { read: 30, blocked: 6, graphRequests: 31 * 3, httpRequests: 31 });
    const row = (kind: SampleCustomerCase) => rows.get(spec(kind).tenantId)!;
    const kinds = Object.fromEntries((['noRelationship', 'noSecurityRole', 'expired', 'endingSoon', 'consentMissing', 'conditionalAccess', 'throttled', 'noSecureScore'] as const)
      .map(k => [k, row(k).reason?.kind]));
    assert.deepEqual(kinds, {
      noRelationship: 'noRelationship', noSecurityRole: 'noSecurityRole', expired: 'relationshipExpired', endingSoon: 'relationshipEnding',
      consentMissing: 'consentMissing', conditionalAccess: 'conditionalAccess', throttled: 'throttled', noSecureScore: 'noSecureScore',
    });
    // Delegated sign-in: Entra says AADSTS65001, and the link is the public cloud's admin-consent page.
    assert.equal(row('consentMissing').reason!.code, 'AADSTS65001');
    assert.equal(row('consentMissing').reason!.action!.url, `https://login.microsoftonline.com/${spec('consentMissing').tenantId}/adminconsent?client_id=14d82eec-204b-4c2f-b7e8-296a70dab67e`);
    assert.equal(row('conditionalAccess').reason!.code, 'AADSTS53003');

    // Seeded literals: which customer shows which case, and the shape of an improving and a declining score.
    const names = Object.fromEntries(dataset.customerTenants!.filter(c => c.case !== 'securityAdministrator' && c.case !== 'securityReader' && c.case !== 'globalReader').map(c => [c.case, c.name]));
    assert.deepEqual(names, {
      noSecurityRole: 'Contour Orthodontics', expired: 'Litware Environmental Services', noRelationship: 'Pinecrest Solar',
      conditionalAccess: 'Litware Travel', noSecureScore: 'Glenwood Pediatrics', consentMissing: 'Wexford Architects',
      endingSoon: 'Trey Home Health', throttled: 'VanArsdel Printing',
    });
    const byName = (name: string) => [...rows.values()].find(r => r.customer.name === name)!.posture!;
    const improving = byName('Elmhurst Pediatrics');
    assert.deepEqual([improving.percent, improving.change7, improving.change30, improving.openAlerts], [68.71, 9.19, 38.04, { high: 0, medium: 3 }]);
    const declining = byName('Yarrow Consulting');
    assert.deepEqual([declining.percent, declining.change7, declining.change30], [46.48, -3, -16.08]);
    assert.equal(improving.trend.length, 31);

    // A second run while the throttled tenant's Retry-After (600 s) lasts: its row says so at once,
    // and the run does not wait it out.
    const again = new Map<string, CustomerResult>();
    const second = await fetcher.run(customers, { force: true, onCustomer: r => again.set(r.customer.tenantId, r) });
    assert.equal(second.read, 30);
    assert.equal(again.get(spec('throttled').tenantId)!.reason?.kind, 'throttled');
    assert.ok(improving.trend[30] > improving.trend[0] && declining.trend[30] < declining.trend[0]);
  });
});

describe('Customers added by tenant id and hidden (the Portfolio service, sample tenant)', function () {
  this.timeout(60_000);
  const dataset = generateTenant({ now: NOW });
  const engine = new GraphEngine(dataset, { now: () => NOW });
  const cloud = resolveCloud('AzureCloud');
  const source: PortfolioSource = {
    key: 'sample', cloud, clientId: '14d82eec-204b-4c2f-b7e8-296a70dab67e', mode: 'gdap', names: dataset.customerNames,
    partner: samplePartnerGraph(engine, dataset),
    graphFor: tenantId => new GraphService({ cloud, ...sampleCustomerConnection(engine, tenantId, dataset.signedInUser) }),
  };
  /** What VS Code's globalState keeps across restarts. */
  const storage = new Map<string, unknown>();
  const globalState = { get: <T>(key: string) => storage.get(key) as T | undefined, update: async (key: string, value: unknown) => void storage.set(key, value), keys: () => [...storage.keys()] };
  const started = (): Portfolio => {
    const portfolio = new Portfolio(globalState, { maxInFlight: () => 8, now: () => NOW.getTime() });
    portfolio.connect(source);
    return portfolio;
  };
  const names = (p: Portfolio) => p.customers.map(r => r.customer.name).sort();
  const elmhurst = () => dataset.customerTenants!.find(c => c.name === 'Elmhurst Pediatrics')!.tenantId;

  it('keeps a hidden customer hidden across refreshes and a restart, until it is shown again', async () => {
    const first = started();
    await first.refresh();
    assert.equal(first.customers.length, 36);
    await first.hideCustomers([elmhurst().toUpperCase()]);
    assert.equal(first.customers.length, 35, 'gone at once');
    assert.ok(!names(first).includes('Elmhurst Pediatrics'));
    await first.refresh(true);
    assert.equal(first.customers.length, 35, 'discovery lists it, the refresh still hides it');

    const restarted = started();
    assert.equal(restarted.customers.length, 35, 'the saved portfolio shows at once, without it');
    assert.deepEqual(restarted.hidden, [{ tenantId: elmhurst(), name: 'Elmhurst Pediatrics' }]);
    await restarted.refresh();
    assert.ok(!names(restarted).includes('Elmhurst Pediatrics'));
    assert.ok(![...storage.keys()].some(k => !k.startsWith('securityPosture.')), 'only our keys');

    await restarted.unhideCustomers([elmhurst()]);
    await restarted.refresh();
    assert.equal(restarted.customers.length, 36);
    assert.equal(restarted.get(elmhurst())!.posture!.percent, 68.71);
    assert.deepEqual(restarted.hidden, []);
  });

  it('adds a customer by tenant id: a clear refusal of anything else, and its reason row on the next read', async () => {
    const portfolio = started();
    await assert.rejects(portfolio.addCustomer('contoso.onmicrosoft.com'), (e: Error) => {
      assert.equal(e.message, '"contoso.onmicrosoft.com" is not a tenant id. A tenant id is a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 (the customer\'s Entra admin center shows it under Overview). Nothing was added.');
      return true;
    });
    assert.deepEqual(portfolio.added, [], 'nothing stored');
    const unknown = '0F6E5D4C-3B2A-4190-8877-665544332211';
    assert.equal(await portfolio.addCustomer(` ${unknown} `, 'Northwind Labs'), true);
    assert.equal(await portfolio.addCustomer(unknown), false, 'already added');
    await portfolio.refresh();
    assert.equal(portfolio.customers.length, 37);
    const row = portfolio.get(unknown)!;
    assert.deepEqual([row.customer.name, row.customer.sources, row.status, row.reason?.kind], ['Northwind Labs', ['manual'], 'blocked', 'failed']);
    assert.equal(row.reason!.message, 'No such tenant in this cloud: check the tenant id (a customer added by hand may have a typo).');
    assert.equal(started().added.length, 1, 'kept for the next start');
    // A customer discovery already lists is not added twice; hiding and adding it again shows it again.
    assert.equal(await portfolio.addCustomer(elmhurst()), false);
    await portfolio.hideCustomers([unknown]);
    assert.equal(portfolio.get(unknown), undefined);
    assert.equal(await portfolio.addCustomer(unknown), true, 'a hidden one comes back');
    assert.deepEqual(portfolio.hidden, []);
  });

  it('plans a posture file for "all customers" per customer, each read through its own tenant, and names why each other one cannot be', async () => {
    storage.clear();
    const portfolio = started();
    await portfolio.refresh();
    const contexts: TenantContext[] = [];
    const customers: PostureCustomers = {
      customers: () => portfolio.customers, cloud, clientId: source.clientId,
      contextFor: (tenantId, name) => {
        const context = new TenantContext({ key: `sample/customer/${tenantId}`, tenantId, displayName: name, cloud, user: dataset.signedInUser, sample: true, ...sampleCustomerConnection(engine, tenantId, dataset.signedInUser) });
        contexts.push(context);
        return context;
      },
    };
    const doc = parsePosture('version: 1\ntenants: all customers\ncontrols:\n  mdo_safeattachments: { state: default }\n', 'msp.posture.yaml').doc!;
    const tenants = await loadTenants(doc, tenantLoader({ context: undefined, store: undefined!, customers, queries: [] }));
    const plan = planPosture(doc, tenants, NOW);
    assert.equal(plan.tenants.length, 36);
    const available = plan.tenants.filter((t): t is TenantPlan => t.available);
    assert.equal(available.length, 30);
    assert.equal(contexts.length, 30, 'one context of its own per customer read');
    assert.ok(contexts.every(c => c.isDisposed), 'each let go after reading');
    const left = plan.tenants.flatMap(t => (t.available ? [] : [`${t.target}: ${t.reason.replace(/after \d\d:\d\d UTC/, 'after HH:MM UTC').replace(/on \d{4}-\d\d-\d\d\./, 'on YYYY-MM-DD.')}`]));
    assert.deepEqual(left, [
      'Contour Orthodontics: not available: The GDAP relationship has no role that can read security data (it grants Helpdesk Administrator, User Administrator). Add Security Reader to read, or Security Administrator to change improvement actions.',
      'Litware Environmental Services: not available: The GDAP relationship ended on YYYY-MM-DD. Ask the customer to approve a new one with the Security Reader role.',
      'Litware Travel: not available: A Conditional Access policy in this customer\'s tenant blocked the sign-in (AADSTS53003). The customer\'s admin can exclude the app or the partner\'s users, or name a location or device it allows.',
      'Pinecrest Solar: not available: No GDAP relationship with this customer. Request one with the Security Reader role (or Security Administrator to change settings), or add the customer\'s consent for a multi-tenant app.',
      'VanArsdel Printing: not available: Microsoft Graph is throttling this tenant; it will be tried again after HH:MM UTC.',
      'Wexford Architects: not available: The app has no admin consent in this customer\'s tenant (AADSTS65001). A Global or Privileged Role Administrator of the customer can grant it on the admin-consent page.',
    ]);
    // Each customer's plan holds its own tenant's state of the control, not another's.
    const stateIn = (tenantId: string) => engine.customer(tenantId)!.dataset.controlProfiles.find(p => p.id === 'mdo_safeattachments')!.controlStateUpdates?.at(-1)?.state ?? 'Default';
    const [empty, withData] = [available.filter(t => t.name === 'Glenwood Pediatrics'), available.filter(t => t.name !== 'Glenwood Pediatrics')];
    assert.deepEqual(empty.map(t => [t.controls[0].status, t.controls[0].reason]), [['cannotChange', 'not an improvement action of Glenwood Pediatrics']], 'the customer with no Secure Score data has no such control');
    for (const t of withData) {
      assert.equal(t.controls[0].current.state, stateIn(t.tenantId), t.name);
    }
    const states = new Set(available.map(t => t.controls[0].current.state));
    assert.ok(states.size > 1, `customers differ (${[...states].join(', ')}), so a mix-up would show`);
    const mark = driftOf(doc, plan)[0];
    assert.equal(mark.kind, 'drift');
    assert.match(mark.text, / · in sync in \d+ of 36$/);
  });
});
