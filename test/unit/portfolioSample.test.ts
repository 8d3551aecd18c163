// The portfolio on the built-in sample tenant: the same model, the in-process engine instead of
// HTTPS, one sample sign-in per customer tenant. The sample's 36 customers show every reason row.
import * as assert from 'node:assert/strict';
import { GraphService } from '../../src/graph/client';
import { resolveCloud } from '../../src/graph/clouds';
import { PortfolioFetcher, discoverCustomers, type CustomerResult } from '../../src/model/portfolio';
import type { SampleCustomerCase } from '../../src/sample/dataset';
import { GraphEngine } from '../../src/sample/engine';
import { generateTenant } from '../../src/sample/generator';
import { PARTNER_DISCOVERY_PERMISSIONS, sampleCustomerConnection } from '../../src/sample/portfolio';
import { inProcessConnection } from '../../src/sample/transport';

const NOW = new Date('2026-11-22T09:30:00Z');

describe('Customers portfolio on the sample tenant', function () {
  this.timeout(60_000);
  const dataset = generateTenant({ now: NOW });
  const engine = new GraphEngine(dataset, { now: () => NOW });
  const cloud = resolveCloud('AzureCloud');
  const partner = new GraphService({
    cloud,
    ...inProcessConnection(engine, {
      tenantId: dataset.tenantId, upn: dataset.signedInUser, appOnly: false,
      permissions: ['SecurityEvents.Read.All', 'SecurityAlert.Read.All', 'PartnerSecurity.Read.All', ...PARTNER_DISCOVERY_PERMISSIONS],
    }),
  });
  const spec = (kind: SampleCustomerCase) => dataset.customerTenants!.find(s => s.case === kind)!;

  it('reads 30 of the 36 customers and gives each of the other six its reason row', async () => {
    const { customers, warnings } = await discoverCustomers(partner, { mode: 'gdap', now: NOW, names: dataset.customerNames });
    assert.deepEqual(warnings, []);
    const fetcher = new PortfolioFetcher({
      cloud,
      clientId: '14d82eec-204b-4c2f-b7e8-296a70dab67e',
      graphFor: tenantId => new GraphService({ cloud, ...sampleCustomerConnection(engine, tenantId, dataset.signedInUser)! }),
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
