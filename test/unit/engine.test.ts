import assert from 'node:assert/strict';
import type { GraphErrorBody, PartnerSecurityAlert, SecureScoreControlProfile, SecurityAlert } from '../../src/graph/types';
import type { TenantDataset } from '../../src/sample/dataset';
import { GraphEngine, type EngineOptions } from '../../src/sample/engine';
import { SCALES, generateTenant } from '../../src/sample/generator';
import type { Caller, EngineRequest, EngineResponse } from '../../src/sample/protocol';

// ---- a small handcrafted tenant -------------------------------------------------------------

const TENANT = '7f4c2b1a-9e8d-4c6b-a5f4-3e2d1c0b9a87';
const NOW = new Date('2026-03-02T12:00:00Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

const SEVERITIES = ['high', 'medium', 'low', 'informational'];
const STATUSES = ['new', 'inProgress', 'resolved'];
// Every 10th alert comes from a service added after unknownFutureValue.
const SERVICES = ['microsoftDefenderForEndpoint', 'microsoftDefenderForOffice365', 'microsoftDefenderForIdentity', 'microsoftDefenderForCloudApps', 'azureAdIdentityProtection'];

function alert(i: number): SecurityAlert {
  const created = Date.parse('2026-03-01T12:00:00Z') - i * 3_600_000;
  const sentinel = i % 10 === 9;
  return {
    '@odata.type': '#microsoft.graph.security.alert',
    id: `da6384500000000${String(i).padStart(5, '0')}_1`,
    providerAlertId: `p-${i}`,
    incidentId: String(4000 + i),
    tenantId: TENANT,
    status: STATUSES[i % 3],
    severity: SEVERITIES[i % 4],
    classification: i % 3 === 2 ? 'truePositive' : null,
    determination: i % 3 === 2 ? 'malware' : null,
    serviceSource: sentinel ? 'microsoftSentinel' : SERVICES[i % 5],
    detectionSource: sentinel ? 'nrtAlerts' : 'antivirus',
    productName: null,
    detectorId: null,
    alertPolicyId: null,
    investigationState: 'running',
    title: `Alert ${i}`,
    description: null,
    recommendedActions: null,
    category: 'Execution',
    assignedTo: i % 7 === 0 ? 'Analyst@contoso.example' : null,
    alertWebUrl: null,
    incidentWebUrl: null,
    actorDisplayName: null,
    threatDisplayName: null,
    threatFamilyName: null,
    mitreTechniques: ['T1059.001'],
    createdDateTime: iso(created),
    lastUpdateDateTime: iso(created + (i % 5) * 60_000),
    firstActivityDateTime: null,
    lastActivityDateTime: null,
    resolvedDateTime: i % 3 === 2 ? iso(created + 60_000) : null,
    comments: [],
    evidence: [],
    systemTags: [],
    additionalData: {},
  };
}

function profile(id: string, controlCategory: string, service: string, tier: string, deprecated = false): SecureScoreControlProfile {
  return {
    id,
    azureTenantId: TENANT,
    title: `Control ${id}`,
    controlCategory,
    actionType: 'Config',
    service,
    tier,
    userImpact: 'Low',
    implementationCost: 'Low',
    rank: 1,
    maxScore: 10,
    threats: ['Account Breach'],
    remediation: null,
    remediationImpact: null,
    actionUrl: null,
    deprecated,
    lastModifiedDateTime: null,
    complianceInformation: null,
    controlStateUpdates: [{ assignedTo: null, comment: null, state: 'Default', updatedBy: null, updatedDateTime: null }],
    vendorInformation: { provider: 'SecureScore', providerVersion: null, subProvider: null, vendor: 'Microsoft' },
  };
}

function partnerAlert(id: string, status: string, severity: string, customerTenantId: string, detected: string): PartnerSecurityAlert {
  return {
    '@odata.type': '#microsoft.graph.partner.security.partnerSecurityAlert',
    id,
    displayName: `Partner alert ${id}`,
    description: null,
    alertType: 'usageAnomalyDetection',
    status,
    severity,
    confidenceLevel: 'medium',
    customerTenantId,
    subscriptionId: null,
    valueAddedResellerTenantId: null,
    catalogOfferId: null,
    detectedDateTime: detected,
    firstObservedDateTime: null,
    lastObservedDateTime: null,
    resolvedReason: null,
    resolvedOnDateTime: null,
    resolvedBy: null,
    isTest: false,
    affectedResources: [],
    activityLogs: [],
    additionalDetails: {},
  };
}

function dataset(alertCount = 250): TenantDataset {
  return {
    tenantId: TENANT,
    displayName: 'Contoso',
    domain: 'contoso.example',
    signedInUser: 'admin@contoso.example',
    now: '2026-03-02T00:00:00Z',
    isPartner: true,
    partnerScore: { id: 'score-1', currentScore: 62.5, maxScore: 100, lastRefreshDateTime: '2026-03-01T06:00:00Z', updatedDateTime: '2026-02-27T00:00:00Z' },
    partnerRequirements: [
      { id: 'req-mfa', requirementType: 'mfaEnforcedForAdmins', complianceStatus: 'noncomplaint', state: 'active', score: 0, maxScore: 30, actionUrl: null, helpUrl: null, updatedDateTime: null },
      { id: 'req-contact', requirementType: 'securityContactProvided', complianceStatus: 'compliant', state: 'active', score: 20, maxScore: 20, actionUrl: null, helpUrl: null, updatedDateTime: null },
    ],
    partnerHistory: [
      { id: 'h2', createdDateTime: '2026-02-27T00:00:00Z', score: 62.5, compliantRequirementsCount: 3, totalRequirementsCount: 5 },
      { id: 'h1', createdDateTime: '2026-01-15T00:00:00Z', score: 40, compliantRequirementsCount: 2, totalRequirementsCount: 5 },
    ],
    customerInsights: Array.from({ length: 250 }, (_, i) => ({
      tenantId: `customer-${i}`,
      mfa: { compliantAdminsCount: 1, compliantNonAdminsCount: 2, totalUsersCount: 3, securityDefaultsStatus: 'enabled', mfaConditionalAccessPolicyStatus: 'disabled', legacyPerUserMfaStatus: 'disabled' },
    })),
    customerNames: {},
    partnerAlerts: [
      partnerAlert('pa-1', 'active', 'high', 'cust-a', '2026-02-28T21:40:12Z'),
      partnerAlert('pa-2', 'resolved', 'medium', 'cust-b', '2026-02-10T08:02:33Z'),
      partnerAlert('pa-3', 'investigating', 'high', 'cust-a', '2026-01-05T00:00:00Z'),
    ],
    secureScores: Array.from({ length: 5 }, (_, i) => ({
      id: `${TENANT}_${iso(Date.parse('2026-03-01T00:00:00Z') - i * DAY).slice(0, 10)}`,
      azureTenantId: TENANT,
      createdDateTime: iso(Date.parse('2026-03-01T00:00:00Z') - i * DAY),
      currentScore: 300 - i,
      maxScore: 561,
      activeUserCount: 212,
      licensedUserCount: 250,
      enabledServices: ['HasExchange'],
      averageComparativeScores: [{ basis: 'AllTenants', averageScore: 48.3 }],
      controlScores: [{ controlName: 'AdminMFAV2', controlCategory: 'Identity', description: null, score: 10 }],
      vendorInformation: { provider: 'SecureScore', providerVersion: null, subProvider: null, vendor: 'Microsoft' },
    })),
    controlProfiles: [
      profile('AdminMFAV2', 'Identity', 'AzureAD', 'Core'),
      profile('BlockLegacyAuthentication', 'Identity', 'AzureAD', 'Core'),
      profile('DLPEnabled', 'Data', 'IP', 'Advanced'),
      profile('scid_2513', 'Device', 'MDATP', 'Defense in Depth'),
      profile('OldControl', 'Apps', 'MCAS', 'Core', true),
    ],
    alerts: Array.from({ length: alertCount }, (_, i) => alert(i)),
  };
}

// ---- callers and request helpers ------------------------------------------------------------

const reader: Caller = {
  tenantId: TENANT,
  upn: 'reader@contoso.example',
  appOnly: false,
  permissions: ['SecurityEvents.Read.All', 'SecurityAlert.Read.All', 'PartnerSecurity.Read.All'],
};
const writer: Caller = {
  tenantId: TENANT,
  upn: 'admin@contoso.example',
  appOnly: false,
  permissions: ['SecurityEvents.ReadWrite.All', 'SecurityAlert.ReadWrite.All', 'PartnerSecurity.ReadWrite.All'],
};
const app: Caller & { appId: string } = { ...writer, upn: null, appOnly: true, appId: 'app-1234' };

function engine(options: EngineOptions = {}, data = dataset()): GraphEngine {
  return new GraphEngine(data, { now: () => NOW, ...options });
}

function call(e: GraphEngine, method: string, url: string, init: { body?: unknown; headers?: Record<string, string>; caller?: Caller } = {}): EngineResponse {
  const req: EngineRequest = { method, url, headers: init.headers ?? {}, body: init.body };
  return e.handle(req, init.caller ?? writer);
}

const get = (e: GraphEngine, url: string, init: { headers?: Record<string, string>; caller?: Caller } = {}) => call(e, 'GET', url, init);

type Collection = { '@odata.context': string; '@odata.count'?: number; '@odata.nextLink'?: string; value: Record<string, unknown>[] };

/** Like assert.equal on the status, but serialises the body only on failure (pages can be large). */
function assertStatus(res: EngineResponse, status: number): void {
  if (res.status !== status) {
    assert.fail(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
}

function collection(res: EngineResponse): Collection {
  assertStatus(res, 200);
  return res.body as Collection;
}

function assertError(res: EngineResponse, status: number, code: string, message?: RegExp): GraphErrorBody {
  assertStatus(res, status);
  const body = res.body as GraphErrorBody;
  assert.equal(body.error.code, code);
  if (message) {
    assert.match(body.error.message, message);
  }
  return body;
}

/** Follows @odata.nextLink until it is absent and returns every item. */
function collectAll(e: GraphEngine, url: string, headers: Record<string, string> = {}): { items: Record<string, unknown>[]; pages: Collection[] } {
  const pages: Collection[] = [];
  let next: string | undefined = url;
  while (next) {
    const page = collection(get(e, next, { headers }));
    pages.push(page);
    next = page['@odata.nextLink'];
    assert.ok(pages.length < 100, 'paging does not terminate');
  }
  return { items: pages.flatMap((p) => p.value), pages };
}

const ids = (items: Record<string, unknown>[]) => items.map((item) => item.id);
const PREFER_ENUMS = { Prefer: 'include-unknown-enum-members' };

// ---- tests -----------------------------------------------------------------------------------

describe('GraphEngine', () => {
  describe('collections and paging', () => {
    it('pages alerts by nextLink, each item exactly once, newest first', () => {
      const e = engine();
      const { items, pages } = collectAll(e, '/v1.0/security/alerts_v2');
      assert.equal(pages.length, 3);
      assert.equal(pages[0].value.length, 100);
      assert.equal(pages[0]['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#security/alerts_v2');
      assert.match(pages[0]['@odata.nextLink'] ?? '', /^https:\/\/graph\.microsoft\.com\/v1\.0\/security\/alerts_v2\?\$skip=100$/);
      assert.deepEqual(ids(items), ids(e.dataset.alerts as unknown as Record<string, unknown>[]));
      assert.equal(new Set(ids(items)).size, 250);
    });

    it('keeps $filter, $select, $orderby, $count and $top in nextLinks', () => {
      const e = engine({ baseUrl: 'https://localhost:8443/' });
      const url = "/v1.0/security/alerts_v2?$filter=severity eq 'high' or severity eq 'low'&$select=title,severity&$orderby=lastUpdateDateTime asc&$count=true&$top=30";
      const { items, pages } = collectAll(e, url);
      const expected = e.dataset.alerts.filter((a) => a.severity === 'high' || a.severity === 'low');
      assert.equal(items.length, expected.length);
      assert.deepEqual(new Set(ids(items)), new Set(expected.map((a) => a.id)));
      for (const page of pages) {
        assert.equal(page['@odata.count'], expected.length);
        assert.ok(page.value.every((item) => item.severity === 'high' || item.severity === 'low'));
        assert.ok(page.value.every((item) => Object.keys(item).sort().join() === '@odata.type,id,severity,title'));
      }
      const next = pages[0]['@odata.nextLink'] ?? '';
      assert.ok(next.startsWith('https://localhost:8443/v1.0/security/alerts_v2?'));
      for (const part of ['$filter=', '$select=', '$orderby=', '$count=true', '$top=30', '$skip=30']) {
        assert.ok(next.includes(part), `${part} missing from ${next}`);
      }
      const updated = items.map((item) => e.dataset.alerts.find((a) => a.id === item.id)?.lastUpdateDateTime ?? '');
      assert.deepEqual(updated, [...updated].sort());
    });

    it('applies $top and $skip, and $count counts the whole result', () => {
      const e = engine();
      const page = collection(get(e, '/v1.0/security/secureScores?$top=2&$skip=1&$count=true'));
      assert.deepEqual(ids(page.value), ids(e.dataset.secureScores.slice(1, 3) as unknown as Record<string, unknown>[]));
      assert.equal(page['@odata.count'], 5);
      assert.match(page['@odata.nextLink'] ?? '', /\$top=2&\$count=true&\$skip=3$/);
      assert.equal(collection(get(e, '/v1.0/security/secureScores?$top=2')).value.length, 2);
      assert.equal(collection(get(e, '/v1.0/security/secureScores')).value.length, 5);
      assert.equal(collection(get(e, '/v1.0/security/secureScores?$skip=10')).value.length, 0);
      assert.equal(collection(get(e, '/v1.0/security/secureScores'))['@odata.count'], undefined);
      const zero = collection(get(e, '/v1.0/security/secureScores?$top=0'));
      assert.deepEqual(zero.value, []);
      assert.equal(zero['@odata.nextLink'], undefined);
      assertError(get(e, '/v1.0/security/secureScores?$top=-1'), 400, 'BadRequest', /\$top/);
      assertError(get(e, '/v1.0/security/secureScores?$skip=x'), 400, 'BadRequest', /\$skip/);
      assertError(get(e, '/v1.0/security/secureScores?$count=yes'), 400, 'BadRequest', /\$count/);
      assertError(get(e, '/v1.0/security/secureScores?$top=1&$top=2'), 400, 'BadRequest', /more than once/);
    });

    it('caps $top at the route maximum and keeps paging', () => {
      const e = engine({ pageSizes: { alerts: { default: 10, max: 40 } } });
      const first = collection(get(e, '/v1.0/security/alerts_v2?$top=1000'));
      assert.equal(first.value.length, 40);
      assert.match(first['@odata.nextLink'] ?? '', /\$top=1000&\$skip=40$/);
      assert.equal(collectAll(e, '/v1.0/security/alerts_v2?$top=1000').items.length, 250);
      assert.equal(collection(get(e, '/v1.0/security/alerts_v2')).value.length, 10);
    });

    it('pages control profiles and partner alerts', () => {
      const e = engine();
      assert.deepEqual(ids(collectAll(e, '/beta/security/secureScoreControlProfiles?$top=2').items), ids(e.dataset.controlProfiles as unknown as Record<string, unknown>[]));
      assert.equal(collectAll(e, '/beta/security/partner/securityAlerts?$top=1').items.length, 3);
    });

    it('pages customerInsights only by server-side $skipToken', () => {
      const e = engine();
      const { items, pages } = collectAll(e, '/beta/security/partner/securityScore/customerInsights');
      assert.equal(pages.length, 3);
      assert.deepEqual(pages.map((p) => p.value.length), [100, 100, 50]);
      assert.match(pages[0]['@odata.nextLink'] ?? '', /customerInsights\?\$skipToken=[\w-]+$/);
      assert.equal(new Set(items.map((i) => i.tenantId)).size, 250);
      assertError(get(e, '/beta/security/partner/securityScore/customerInsights?$top=10'), 400, 'BadRequest', /\$top/);
      assertError(get(e, '/beta/security/partner/securityScore/customerInsights?$skip=10'), 400, 'BadRequest', /\$skip/);
      assertError(get(e, '/beta/security/partner/securityScore/customerInsights?$skipToken=garbage'), 400, 'BadRequest', /skipToken/);
      const selected = collection(get(e, '/beta/security/partner/securityScore/customerInsights?$select=tenantId&$count=true'));
      assert.equal(selected['@odata.count'], 250);
      assert.deepEqual(Object.keys(selected.value[0]), ['tenantId']);
    });
  });

  describe('$filter', () => {
    const e = engine();
    const alerts = e.dataset.alerts;
    const filtered = (filter: string, headers: Record<string, string> = {}) =>
      collectAll(e, `/v1.0/security/alerts_v2?$filter=${encodeURIComponent(filter)}`, headers).items;

    it('eq, ne, and, or, parentheses and in', () => {
      assert.equal(filtered("severity eq 'high'").length, alerts.filter((a) => a.severity === 'high').length);
      assert.equal(filtered("status ne 'resolved'").length, alerts.filter((a) => a.status !== 'resolved').length);
      const combined = filtered("(severity eq 'high' or severity eq 'medium') and status eq 'new'");
      assert.equal(combined.length, alerts.filter((a) => (a.severity === 'high' || a.severity === 'medium') && a.status === 'new').length);
      assert.ok(combined.length > 0);
      assert.equal(filtered("severity in ('high', 'low')").length, alerts.filter((a) => a.severity === 'high' || a.severity === 'low').length);
      assert.equal(filtered("classification eq 'truePositive' and determination eq 'malware'").length, alerts.filter((a) => a.classification === 'truePositive').length);
      assert.equal(filtered('classification eq null').length, alerts.filter((a) => a.classification === null).length);
      assert.equal(filtered("severity eq microsoft.graph.security.alertSeverity'high'").length, alerts.filter((a) => a.severity === 'high').length);
    });

    it('compares strings case-insensitively', () => {
      assert.equal(filtered("assignedTo eq 'analyst@CONTOSO.example'").length, alerts.filter((a) => a.assignedTo !== null).length);
    });

    it('compares DateTimeOffset literals (unquoted, any offset)', () => {
      const cut = Date.parse('2026-02-28T00:00:00Z');
      const created = (a: SecurityAlert) => Date.parse(a.createdDateTime);
      const ge = filtered('createdDateTime ge 2026-02-28T00:00:00Z');
      assert.equal(ge.length, alerts.filter((a) => created(a) >= cut).length);
      assert.ok(ge.some((a) => a.createdDateTime === '2026-02-28T00:00:00.000Z'));
      assert.equal(filtered('createdDateTime lt 2026-02-28T00:00:00Z').length, alerts.filter((a) => created(a) < cut).length);
      assert.equal(filtered('createdDateTime gt 2026-02-28T01:00:00+01:00').length, alerts.filter((a) => created(a) > cut).length);
      assert.equal(filtered('createdDateTime eq 2026-02-28T00:00:00.0000000Z').length, 1);
      const updated = (a: SecurityAlert) => Date.parse(a.lastUpdateDateTime);
      const window = filtered('lastUpdateDateTime gt 2026-02-27T00:00:00.0000000Z and lastUpdateDateTime le 2026-02-28T00:00:00Z');
      assert.equal(window.length, alerts.filter((a) => updated(a) > cut - DAY && updated(a) <= cut).length);
      assert.ok(window.length > 0);
    });

    it('rejects quoted dates, unsupported and unknown properties, bad enums and malformed clauses', () => {
      const bad = (filter: string) => get(e, `/v1.0/security/alerts_v2?$filter=${encodeURIComponent(filter)}`);
      assertError(bad("createdDateTime gt '2026-02-28T00:00:00Z'"), 400, 'BadRequest', /incompatible types/);
      assertError(bad('createdDateTime gt 2026-02-28T00:00:00'), 400, 'BadRequest', /DateTimeOffset/);
      assertError(bad("investigationState eq 'running'"), 400, 'BadRequest', /investigationState/);
      assertError(bad("detectionSource eq 'antivirus'"), 400, 'BadRequest', /detectionSource/);
      assertError(bad("nosuchField eq 'x'"), 400, 'BadRequest', /nosuchField.*microsoft\.graph\.security\.alert/);
      assertError(bad("severity eq 'catastrophic'"), 400, 'BadRequest', /not a valid enumeration/);
      assertError(bad("severity gt 'high'"), 400, 'BadRequest', /'gt' operator/);
      assertError(bad("severity eq"), 400, 'BadRequest', /Invalid filter clause/);
      assertError(bad("(severity eq 'high'"), 400, 'BadRequest', /Invalid filter clause/);
      assertError(bad("severity eq 'high' xor status eq 'new'"), 400, 'BadRequest', /Invalid filter clause/);
      assertError(bad("severity eq 'high"), 400, 'BadRequest', /unterminated/);
      assertError(bad("startswith(title, 'A')"), 400, 'BadRequest', /startswith/);
      assertError(bad(''), 400, 'BadRequest', /Invalid filter clause/);
    });

    it('filters secure scores, control profiles, partner alerts and history', () => {
      const scores = collection(get(e, `/v1.0/security/secureScores?$filter=id eq '${e.dataset.secureScores[2].id}'`));
      assert.deepEqual(ids(scores.value), [e.dataset.secureScores[2].id]);
      assertError(get(e, "/v1.0/security/secureScores?$filter=id ne 'x'"), 400, 'BadRequest', /'ne' operator/);
      const identity = collection(get(e, "/v1.0/security/secureScoreControlProfiles?$filter=controlCategory eq 'Identity' and deprecated eq false"));
      assert.deepEqual(ids(identity.value), ['AdminMFAV2', 'BlockLegacyAuthentication']);
      const either = collection(get(e, "/v1.0/security/secureScoreControlProfiles?$filter=service eq 'IP' or tier eq 'Defense in Depth'"));
      assert.deepEqual(ids(either.value), ['DLPEnabled', 'scid_2513']);
      assertError(get(e, "/v1.0/security/secureScoreControlProfiles?$filter=deprecated eq 'false'"), 400, 'BadRequest', /Edm\.Boolean/);
      const partner = collection(get(e, "/beta/security/partner/securityAlerts?$filter=customerTenantId eq 'cust-a' and detectedDateTime ge 2026-02-01T00:00:00Z"));
      assert.deepEqual(ids(partner.value), ['pa-1']);
      const range = collection(get(e, '/beta/security/partner/securityAlerts?$filter=detectedDateTime le 2026-02-15T00:00:00Z&$count=true'));
      assert.equal(range['@odata.count'], 2);
      assert.deepEqual(ids(collection(get(e, "/beta/security/partner/securityAlerts?$filter=status eq 'investigating'")).value), ['pa-3']);
      assert.deepEqual(ids(collection(get(e, '/beta/security/partner/securityScore/history?$filter=createdDateTime ge 2026-02-01T00:00:00Z')).value), ['h2']);
    });
  });

  describe('$select, $orderby, $expand and unknown options', () => {
    const e = engine();

    it('returns only the selected properties plus the key', () => {
      const page = collection(get(e, '/v1.0/security/alerts_v2?$select=title,Severity&$top=1'));
      assert.deepEqual(Object.keys(page.value[0]), ['@odata.type', 'id', 'title', 'severity']);
      assert.equal(page['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#security/alerts_v2(id,title,severity)');
      const one = get(e, `/v1.0/security/secureScoreControlProfiles/AdminMFAV2?$select=title`);
      assert.deepEqual(one.body, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#security/secureScoreControlProfiles(id,title)/$entity', id: 'AdminMFAV2', title: 'Control AdminMFAV2' });
      assertError(get(e, '/v1.0/security/alerts_v2?$select=title,bogus'), 400, 'BadRequest', /bogus/);
    });

    it('orders alerts by date, ascending or descending', () => {
      const asc = collection(get(e, '/v1.0/security/alerts_v2?$orderby=createdDateTime asc&$top=5'));
      assert.deepEqual(ids(asc.value), e.dataset.alerts.slice(-5).reverse().map((a) => a.id));
      const desc = collection(get(e, '/v1.0/security/alerts_v2?$orderby=createdDateTime desc&$top=5'));
      assert.deepEqual(ids(desc.value), e.dataset.alerts.slice(0, 5).map((a) => a.id));
      assertError(get(e, '/v1.0/security/alerts_v2?$orderby=severity'), 400, 'BadRequest', /severity/);
      assertError(get(e, '/v1.0/security/secureScores?$orderby=createdDateTime'), 400, 'BadRequest', /\$orderby/);
    });

    it('rejects unknown options and $expand where not supported', () => {
      assertError(get(e, '/v1.0/security/alerts_v2?$foo=1'), 400, 'BadRequest', /\$foo/);
      assertError(get(e, '/v1.0/security/alerts_v2?$expand=evidence'), 400, 'BadRequest', /\$expand/);
      assertError(get(e, '/beta/security/partner/securityScore?$expand=customers'), 400, 'BadRequest', /customers/);
      // Custom (non-$) parameters are ignored, as OData allows.
      assert.equal(get(e, '/v1.0/security/secureScores?foo=bar').status, 200);
    });
  });

  describe('partner score', () => {
    it('answers the singleton plain by default, with $expand', () => {
      const e = engine();
      const res = get(e, '/beta/security/partner/securityScore?$expand=requirements,history');
      assert.equal(res.status, 200);
      const body = res.body as Record<string, unknown>;
      assert.equal(body['@odata.context'], 'https://graph.microsoft.com/beta/$metadata#security/partner/securityScore/$entity');
      assert.equal(body.currentScore, 62.5);
      assert.deepEqual(ids(body.requirements as Record<string, unknown>[]), ['req-mfa', 'req-contact']);
      assert.deepEqual(ids(body.history as Record<string, unknown>[]), ['h2', 'h1']);
      assert.equal((get(e, '/beta/security/partner/securityScore').body as Record<string, unknown>).requirements, undefined);
    });

    it('answers singletons wrapped in "value" when asked to', () => {
      const e = engine({ partnerWrapped: true });
      const body = get(e, '/beta/security/partner/securityScore?$expand=history').body as { value: Record<string, unknown> };
      assert.equal(body.value.currentScore, 62.5);
      assert.equal((body.value.history as unknown[]).length, 2);
      const requirement = get(e, '/beta/security/partner/securityScore/requirements/req-mfa').body as { value: Record<string, unknown> };
      assert.equal(requirement.value.complianceStatus, 'noncomplaint');
      // Collections are never wrapped differently.
      assert.equal(collection(get(e, '/beta/security/partner/securityScore/requirements')).value.length, 2);
    });

    it('exists only in beta, and only for partner tenants', () => {
      assertError(get(engine(), '/v1.0/security/partner/securityScore'), 400, 'BadRequest', /segment 'partner'/);
      const data = dataset();
      data.isPartner = false;
      assertError(get(engine({}, data), '/beta/security/partner/securityAlerts'), 403, 'Forbidden', /not a partner tenant/);
    });
  });

  describe('control profile PATCH', () => {
    const vendorInformation = { provider: 'SecureScore', providerVersion: null, subProvider: null, vendor: 'Microsoft' };

    it('appends a state update and answers 204', () => {
      const e = engine();
      const res = call(e, 'PATCH', '/v1.0/security/secureScoreControlProfiles/BlockLegacyAuthentication', {
        body: { assignedTo: 'secops@contoso.example', comment: 'Gateway', state: 'thirdParty', vendorInformation },
      });
      assert.equal(res.status, 204);
      assert.equal(res.body, undefined);
      const updates = e.dataset.controlProfiles[1].controlStateUpdates;
      assert.equal(updates.length, 2);
      assert.deepEqual(updates[1], { assignedTo: 'secops@contoso.example', comment: 'Gateway', state: 'ThirdParty', updatedBy: 'admin@contoso.example', updatedDateTime: NOW.toISOString() });
      // Absent properties stay as they were; the app id stands in for an app-only caller.
      assert.equal(call(e, 'PATCH', '/v1.0/security/secureScoreControlProfiles/BlockLegacyAuthentication', { body: { state: 'Reviewed', vendorInformation }, caller: app }).status, 204);
      assert.deepEqual(updates[2], { assignedTo: 'secops@contoso.example', comment: 'Gateway', state: 'Reviewed', updatedBy: 'app-1234', updatedDateTime: NOW.toISOString() });
    });

    it('answers 200 with the profile for Prefer: return=representation', () => {
      const e = engine();
      const res = call(e, 'PATCH', '/beta/security/secureScoreControlProfiles/AdminMFAV2', {
        body: { state: 'Ignored', comment: 'Accepted risk', vendorInformation },
        headers: { prefer: 'return=representation' },
      });
      assert.equal(res.status, 200);
      const body = res.body as SecureScoreControlProfile;
      assert.equal(body.id, 'AdminMFAV2');
      assert.equal(body.controlStateUpdates.at(-1)?.state, 'Ignored');
      assert.equal(body.controlStateUpdates.length, 2);
    });

    it('fails like Graph: empty code without vendorInformation, scid_ controls, unknown states', () => {
      const e = engine();
      const patch = (id: string, body: unknown) => call(e, 'PATCH', `/v1.0/security/secureScoreControlProfiles/${id}`, { body });
      const generic = /Http request failed with statusCode=BadRequest/;
      assertError(patch('AdminMFAV2', { state: 'Ignored' }), 400, '', generic);
      assertError(patch('AdminMFAV2', { state: 'Ignored', vendorInformation: { provider: 'SecureScore' } }), 400, '', generic);
      assertError(patch('scid_2513', { state: 'Ignored', vendorInformation }), 400, '', generic);
      assertError(patch('AdminMFAV2', { state: 'ignore', vendorInformation }), 400, '', generic);
      assertError(patch('NoSuchControl', { state: 'Ignored', vendorInformation }), 404, 'NotFound');
      assert.equal(e.dataset.controlProfiles[0].controlStateUpdates.length, 1);
      assert.equal(engine({ rejectScid: false }).handle({ method: 'PATCH', url: '/v1.0/security/secureScoreControlProfiles/scid_2513', headers: {}, body: { state: 'Ignored', vendorInformation } }, writer).status, 204);
    });
  });

  describe('alerts_v2 writes', () => {
    it('PATCH updates writable properties and answers 200 with the alert', () => {
      const e = engine();
      const id = e.dataset.alerts[0].id;
      const res = call(e, 'PATCH', `/v1.0/security/alerts_v2/${id}`, {
        body: { status: 'resolved', classification: 'truePositive', determination: 'malware', assignedTo: 'analyst@contoso.example' },
      });
      assert.equal(res.status, 200);
      const body = res.body as SecurityAlert & { '@odata.context': string };
      assert.equal(body['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#security/alerts_v2/$entity');
      assert.equal(body.status, 'resolved');
      assert.equal(body.resolvedDateTime, NOW.toISOString());
      assert.equal(body.lastUpdateDateTime, NOW.toISOString());
      assert.equal(e.dataset.alerts[0].assignedTo, 'analyst@contoso.example');
      const reopened = call(e, 'PATCH', `/v1.0/security/alerts_v2/${id}`, { body: { status: 'inProgress' } }).body as SecurityAlert;
      assert.equal(reopened.resolvedDateTime, null);
    });

    it('PATCH rejects invalid enum values, read-only and unknown properties, and unknown ids', () => {
      const e = engine();
      const url = `/v1.0/security/alerts_v2/${e.dataset.alerts[0].id}`;
      assertError(call(e, 'PATCH', url, { body: { status: 'closed' } }), 400, 'BadRequest', /alertStatus/);
      assertError(call(e, 'PATCH', url, { body: { classification: 'unknownFutureValue' } }), 400, 'BadRequest', /alertClassification/);
      assertError(call(e, 'PATCH', url, { body: { severity: 'low' } }), 400, 'BadRequest', /read-only/);
      assertError(call(e, 'PATCH', url, { body: { mood: 'calm' } }), 400, 'BadRequest', /does not exist/);
      assertError(call(e, 'PATCH', url, {}), 400, 'BadRequest');
      assertError(call(e, 'PATCH', '/v1.0/security/alerts_v2/missing', { body: { status: 'new' } }), 404, 'NotFound');
      assertError(get(e, '/v1.0/security/alerts_v2/missing'), 404, 'NotFound', /missing/);
      assert.equal(e.dataset.alerts[0].status, 'new');
    });

    it('POST comments appends and answers 200 with every comment', () => {
      const e = engine();
      const id = e.dataset.alerts[1].id;
      const url = `/v1.0/security/alerts_v2/${id}/comments`;
      call(e, 'POST', url, { body: { '@odata.type': 'microsoft.graph.security.alertComment', comment: 'First' } });
      const res = call(e, 'POST', url, { body: { '@odata.type': 'microsoft.graph.security.alertComment', comment: 'Second' } });
      assert.equal(res.status, 200);
      const body = res.body as { '@odata.context': string; value: unknown[] };
      assert.equal(body['@odata.context'], `https://graph.microsoft.com/v1.0/$metadata#security/alerts_v2('${id}')/comments`);
      assert.deepEqual(body.value, [
        { comment: 'First', createdByDisplayName: 'admin@contoso.example', createdDateTime: NOW.toISOString() },
        { comment: 'Second', createdByDisplayName: 'admin@contoso.example', createdDateTime: NOW.toISOString() },
      ]);
      assertError(call(e, 'POST', url, { body: { comment: '  ' } }), 400, 'BadRequest', /comment/);
      assertError(call(e, 'GET', url), 405, 'Request_BadRequest');
    });
  });

  describe('partner alert PATCH', () => {
    it('updates status, logs activity and records resolution', () => {
      const e = engine();
      const res = call(e, 'PATCH', '/beta/security/partner/securityAlerts/pa-1', {
        body: { '@odata.type': '#microsoft.graph.partner.security.partnerSecurityAlert', status: 'resolved', resolvedReason: 'legitimate' },
      });
      assert.equal(res.status, 200);
      const body = res.body as PartnerSecurityAlert;
      assert.equal(body.status, 'resolved');
      assert.equal(body.resolvedReason, 'legitimate');
      assert.equal(body.resolvedOnDateTime, NOW.toISOString());
      assert.equal(body.resolvedBy, 'admin@contoso.example');
      assert.deepEqual(body.activityLogs, [{ statusFrom: 'active', statusTo: 'resolved', updatedBy: 'admin@contoso.example', updatedDateTime: NOW.toISOString() }]);
      assert.equal(e.dataset.partnerAlerts[0].activityLogs.length, 1);
    });

    it('requires status and accepts only known reasons', () => {
      const e = engine();
      const url = '/beta/security/partner/securityAlerts/pa-1';
      assertError(call(e, 'PATCH', url, { body: { resolvedReason: 'fraud' } }), 400, 'BadRequest', /status/);
      assertError(call(e, 'PATCH', url, { body: { status: 'resolved', resolvedReason: 'spam' } }), 400, 'BadRequest', /ResolvedReason/);
      assertError(call(e, 'PATCH', url, { body: { status: 'done' } }), 400, 'BadRequest', /securityAlertStatus/);
      assertError(call(e, 'PATCH', url, { body: { status: 'active', severity: 'low' } }), 400, 'BadRequest', /read-only/);
      assert.equal(e.dataset.partnerAlerts[0].activityLogs.length, 0);
    });
  });

  describe('authorization and errors', () => {
    it('403 without the permission, and for writes with a read-only scope', () => {
      const e = engine();
      const none: Caller = { ...reader, permissions: ['User.Read'] };
      const body = assertError(get(e, '/v1.0/security/alerts_v2', { caller: none }), 403, 'Forbidden', /SecurityAlert\.Read\.All/);
      assert.match(body.error.message, /User\.Read/);
      assertError(get(e, '/v1.0/security/secureScores', { caller: { ...reader, permissions: ['SecurityAlert.Read.All'] } }), 403, 'Forbidden', /SecurityEvents/);
      assertError(get(e, '/beta/security/partner/securityScore', { caller: { ...reader, permissions: ['SecurityEvents.Read.All'] } }), 403, 'Forbidden', /PartnerSecurity/);
      assert.equal(get(e, '/v1.0/security/alerts_v2', { caller: reader }).status, 200);
      assert.equal(get(e, '/v1.0/security/alerts_v2', { caller: writer }).status, 200);
      const id = e.dataset.alerts[0].id;
      assertError(call(e, 'PATCH', `/v1.0/security/alerts_v2/${id}`, { body: { status: 'resolved' }, caller: reader }), 403, 'Forbidden', /SecurityAlert\.ReadWrite\.All/);
      assertError(call(e, 'PATCH', '/beta/security/partner/securityAlerts/pa-1', { body: { status: 'resolved' }, caller: reader }), 403, 'Forbidden', /PartnerSecurity\.ReadWrite\.All/);
      const appReader: Caller = { ...reader, upn: null, appOnly: true, permissions: [] };
      assertError(get(e, '/v1.0/security/alerts_v2', { caller: appReader }), 403, 'Forbidden', /role/);
    });

    it('401 for a token of another tenant', () => {
      assertError(get(engine(), '/v1.0/security/alerts_v2', { caller: { ...reader, tenantId: 'another-tenant' } }), 401, 'InvalidAuthenticationToken');
    });

    it('answers Graph error bodies with request ids', () => {
      const res = get(engine(), '/v1.0/security/nothingHere', { headers: { 'Client-Request-Id': 'abc-123' } });
      const body = assertError(res, 400, 'BadRequest', /Resource not found for the segment 'nothingHere'\./);
      assert.equal(res.headers['client-request-id'], 'abc-123');
      assert.equal(res.headers['Content-Type'], 'application/json');
      assert.match(res.headers['request-id'], /^[0-9a-f-]{36}$/);
      assert.equal(body.error.innerError?.['client-request-id'], 'abc-123');
      assert.equal(body.error.innerError?.['request-id'], res.headers['request-id']);
      assert.match(String(body.error.innerError?.date), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      const okRes = get(engine(), '/v1.0/security/secureScores');
      assert.ok(okRes.headers['request-id']);
      assert.match(okRes.headers['Content-Type'], /^application\/json/);
    });

    it('405 for a wrong method, 400 for an unknown version or route', () => {
      const e = engine();
      assertError(call(e, 'DELETE', '/v1.0/security/alerts_v2'), 405, 'Request_BadRequest');
      assertError(call(e, 'POST', '/v1.0/security/secureScores', { body: {} }), 405, 'Request_BadRequest');
      assertError(get(e, '/v2.0/security/alerts_v2'), 400, 'BadRequest', /version/);
      assertError(get(e, '/v1.0/security/alerts_v2/x/y'), 400, 'BadRequest', /segment 'y'/);
      assert.equal(get(e, 'https://graph.microsoft.com/v1.0/Security/SecureScores').status, 200);
    });

    it('returns deep copies: mutating a response leaves the store alone', () => {
      const e = engine();
      const page = collection(get(e, '/v1.0/security/secureScoreControlProfiles'));
      (page.value[0].controlStateUpdates as unknown[]).push('x');
      page.value[0].title = 'changed';
      const one = get(e, '/v1.0/security/alerts_v2/' + e.dataset.alerts[0].id).body as SecurityAlert;
      one.mitreTechniques.push('T0000');
      assert.equal(e.dataset.controlProfiles[0].controlStateUpdates.length, 1);
      assert.equal(e.dataset.controlProfiles[0].title, 'Control AdminMFAV2');
      assert.deepEqual(e.dataset.alerts[0].mitreTechniques, ['T1059.001']);
    });
  });

  describe('evolvable enums', () => {
    const e = engine();
    const sentinelId = e.dataset.alerts[9].id;

    it('substitutes unknownFutureValue unless Prefer: include-unknown-enum-members', () => {
      const plain = get(e, `/v1.0/security/alerts_v2/${sentinelId}`).body as SecurityAlert;
      assert.equal(plain.serviceSource, 'unknownFutureValue');
      assert.equal(plain.detectionSource, 'unknownFutureValue');
      const opted = get(e, `/v1.0/security/alerts_v2/${sentinelId}`, { headers: { prefer: 'return=minimal, include-unknown-enum-members' } }).body as SecurityAlert;
      assert.equal(opted.serviceSource, 'microsoftSentinel');
      assert.equal(opted.detectionSource, 'nrtAlerts');
      assert.equal(e.dataset.alerts[9].serviceSource, 'microsoftSentinel');
      const page = collection(get(e, '/v1.0/security/alerts_v2?$top=20'));
      assert.deepEqual(page.value.filter((a) => a.serviceSource === 'unknownFutureValue').map((a) => a.id), [e.dataset.alerts[9].id, e.dataset.alerts[19].id]);
    });

    it('filters on what the caller sees', () => {
      const url = (f: string) => `/v1.0/security/alerts_v2?$filter=${encodeURIComponent(f)}&$top=1000`;
      assert.equal(collection(get(e, url("serviceSource eq 'unknownFutureValue'"))).value.length, 25);
      assert.equal(collection(get(e, url("serviceSource eq 'microsoftSentinel'"))).value.length, 0);
      assert.equal(collection(get(e, url("serviceSource eq 'microsoftSentinel'"), { headers: PREFER_ENUMS })).value.length, 25);
      assert.equal(collection(get(e, url("serviceSource eq 'unknownFutureValue'"), { headers: PREFER_ENUMS })).value.length, 0);
    });
  });

  describe('$batch', () => {
    const batch = (e: GraphEngine, requests: unknown[], version = 'v1.0', init: { caller?: Caller } = {}) =>
      call(e, 'POST', `/${version}/$batch`, { body: { requests }, headers: { 'Content-Type': 'application/json' }, ...init });
    type Inner = { id: string; status: number; headers: Record<string, string>; body?: Record<string, unknown> };
    const responses = (res: EngineResponse) => {
      assertStatus(res, 200);
      return new Map((res.body as { responses: Inner[] }).responses.map((r) => [r.id, r]));
    };

    it('answers each inner request, correlated by id', () => {
      const e = engine();
      const out = responses(batch(e, [
        { id: '1', method: 'GET', url: '/security/secureScores?$top=1' },
        { id: '2', method: 'GET', url: 'security/secureScoreControlProfiles?$top=2' },
        { id: '3', method: 'PATCH', url: `/security/alerts_v2/${e.dataset.alerts[0].id}`, headers: { 'Content-Type': 'application/json' }, body: { status: 'inProgress' }, dependsOn: ['1'] },
        { id: '4', method: 'GET', url: '/security/alerts_v2?$filter=bogus eq 1' },
      ]));
      assert.equal(out.get('1')?.status, 200);
      assert.equal((out.get('1')?.body?.value as unknown[]).length, 1);
      assert.match(String(out.get('1')?.body?.['@odata.nextLink']), /^https:\/\/graph\.microsoft\.com\/v1\.0\/security\/secureScores\?\$top=1&\$skip=1$/);
      assert.equal((out.get('2')?.body?.value as unknown[]).length, 2);
      assert.equal(out.get('3')?.status, 200);
      assert.equal(out.get('3')?.body?.status, 'inProgress');
      assert.equal(out.get('4')?.status, 400);
      assert.equal(e.dataset.alerts[0].status, 'inProgress');
    });

    it('rejects more than 20 requests, duplicate ids and incomplete requests', () => {
      const e = engine();
      const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/security/secureScores' }));
      assertError(batch(e, many), 400, 'BadRequest', /20/);
      assert.equal(batch(e, many.slice(0, 20)).status, 200);
      assertError(batch(e, [{ id: 'a', method: 'GET', url: '/security/secureScores' }, { id: 'A', method: 'GET', url: '/security/secureScores' }]), 400, 'BadRequest', /unique/);
      assertError(batch(e, [{ id: 'a', method: 'GET' }]), 400, 'BadRequest');
      assertError(batch(e, [{ method: 'GET', url: '/security/secureScores' }]), 400, 'BadRequest');
      assertError(batch(e, [{ id: 'a', method: 'GET', url: '/security/secureScores', dependsOn: ['zz'] }]), 400, 'BadRequest', /zz/);
      assertError(batch(e, [{ id: 'a', method: 'PATCH', url: '/security/alerts_v2/x', body: { status: 'new' } }]), 400, 'BadRequest', /Content-Type/);
      assertError(call(e, 'POST', '/v1.0/$batch', { body: { nope: [] } }), 400, 'BadRequest', /batch/);
      assertError(call(e, 'GET', '/v1.0/$batch'), 405, 'Request_BadRequest');
    });

    it('runs dependencies first and answers 424 when one failed', () => {
      const e = engine();
      const out = responses(batch(e, [
        { id: 'c', method: 'GET', url: '/security/secureScores', dependsOn: ['b'] },
        { id: 'b', method: 'GET', url: '/security/alerts_v2/missing', dependsOn: ['a'] },
        { id: 'a', method: 'GET', url: '/security/secureScores?$top=1' },
      ]));
      assert.equal(out.get('a')?.status, 200);
      assert.equal(out.get('b')?.status, 404);
      assert.equal(out.get('c')?.status, 424);
      assertError(batch(e, [
        { id: 'x', method: 'GET', url: '/security/secureScores', dependsOn: ['y'] },
        { id: 'y', method: 'GET', url: '/security/secureScores', dependsOn: ['x'] },
      ]), 400, 'BadRequest', /circular/);
    });

    it('answers 405 for a beta-only path in a v1.0 batch, and serves it in a beta batch', () => {
      const e = engine();
      const req = [{ id: '1', method: 'GET', url: '/security/partner/securityScore' }];
      const inner = responses(batch(e, req)).get('1');
      assert.equal(inner?.status, 405);
      assert.equal((inner?.body as unknown as GraphErrorBody).error.code, 'Request_BadRequest');
      assert.equal(responses(batch(e, req, 'beta')).get('1')?.status, 200);
    });

    it('consults the interceptor for every inner request (inner 429 with Retry-After)', () => {
      const seen: { url: string; inBatch: boolean }[] = [];
      const e = engine({
        interceptor: (req, _caller, { inBatch }) => {
          seen.push({ url: req.url, inBatch });
          return req.url.includes('alerts_v2')
            ? { status: 429, headers: { 'Retry-After': '2.128', 'Content-Type': 'application/json' }, body: { error: { code: 'TooManyRequests', message: 'Please retry again later.' } } }
            : undefined;
        },
      });
      const out = responses(batch(e, [
        { id: '1', method: 'GET', url: '/security/alerts_v2?$top=1' },
        { id: '2', method: 'GET', url: '/security/secureScores?$top=1' },
      ]));
      assert.equal(out.get('1')?.status, 429);
      assert.equal(out.get('1')?.headers['Retry-After'], '2.128');
      assert.equal(out.get('2')?.status, 200);
      assert.deepEqual(seen, [
        { url: '/v1.0/$batch', inBatch: false },
        { url: '/v1.0/security/alerts_v2?$top=1', inBatch: true },
        { url: '/v1.0/security/secureScores?$top=1', inBatch: true },
      ]);
      const top = get(e, '/v1.0/security/alerts_v2');
      assert.equal(top.status, 429);
      assert.ok(top.headers['request-id']);
    });

    it('checks inner permissions per request', () => {
      const out = responses(batch(engine(), [{ id: '1', method: 'GET', url: '/security/alerts_v2' }, { id: '2', method: 'GET', url: '/security/secureScores' }], 'v1.0', {
        caller: { ...reader, permissions: ['SecurityEvents.Read.All'] },
      }));
      assert.equal(out.get('1')?.status, 403);
      assert.equal(out.get('2')?.status, 200);
    });
  });

  describe('with a generated tenant', () => {
    const data = generateTenant({ seed: 7, now: NOW, ...SCALES.medium });
    const e = new GraphEngine(data, { now: () => NOW });
    const caller: Caller = { ...writer, tenantId: data.tenantId, upn: data.signedInUser };
    const all = (url: string) => {
      const items: Record<string, unknown>[] = [];
      for (let next: string | undefined = url; next; ) {
        const page = collection(e.handle({ method: 'GET', url: next, headers: {} }, caller));
        items.push(...page.value);
        next = page['@odata.nextLink'];
      }
      return items;
    };

    it('serves every collection completely through nextLinks', () => {
      const scores = collection(e.handle({ method: 'GET', url: '/v1.0/security/secureScores', headers: {} }, caller));
      assert.equal(scores.value.length, data.secureScores.length);
      assert.equal(scores['@odata.nextLink'], undefined);
      assert.equal(all('/v1.0/security/secureScoreControlProfiles').length, data.controlProfiles.length);
      assert.equal(new Set(ids(all('/v1.0/security/alerts_v2?$top=500'))).size, data.alerts.length);
      assert.equal(all('/beta/security/partner/securityScore/customerInsights').length, data.customerInsights.length);
      assert.equal(all('/beta/security/partner/securityAlerts').length, data.partnerAlerts.length);
      const score = e.handle({ method: 'GET', url: '/beta/security/partner/securityScore?$expand=requirements,history', headers: {} }, caller);
      assert.equal((score.body as { requirements: unknown[] }).requirements.length, data.partnerRequirements.length);
    });

    it('never shows evolvable members without the Prefer header', () => {
      const base = new Set(['unknown', 'microsoftDefenderForEndpoint', 'microsoftDefenderForIdentity', 'microsoftDefenderForCloudApps', 'microsoftDefenderForOffice365', 'microsoft365Defender', 'azureAdIdentityProtection', 'microsoftAppGovernance', 'dataLossPrevention', 'unknownFutureValue']);
      assert.ok(all('/v1.0/security/alerts_v2?$top=2000&$select=serviceSource').every((a) => base.has(String(a.serviceSource))));
    });
  });

  describe('performance', () => {
    it('filters 20,000 alerts and returns a page of 2,000 quickly', () => {
      const e = engine({}, dataset(20_000));
      const url = `/v1.0/security/alerts_v2?$filter=${encodeURIComponent("(severity eq 'high' or severity eq 'medium') and createdDateTime ge 2023-01-01T00:00:00Z")}&$top=2000&$count=true`;
      get(e, url);
      const started = performance.now();
      const runs = 5;
      let page: Collection | undefined;
      for (let i = 0; i < runs; i++) {
        page = collection(get(e, url));
      }
      const perRequest = (performance.now() - started) / runs;
      assert.equal(page?.value.length, 2000);
      assert.equal(page?.['@odata.count'], 10_000);
      assert.ok(perRequest < 250, `${perRequest.toFixed(1)} ms per request`);
    });
  });
});
