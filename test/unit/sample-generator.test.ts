import assert from 'node:assert/strict';
import type { TenantDataset } from '../../src/sample/dataset';
import { CONTROL_CATALOG } from '../../src/sample/catalog';
import { SCALES, generateTenant } from '../../src/sample/generator';

const NOW = new Date('2026-11-22T09:30:00Z');
const DAY = 86_400_000;
const round2 = (n: number) => Math.round(n * 100) / 100;
const isNewestFirst = (dates: string[]) => dates.every((d, i) => i === 0 || Date.parse(dates[i - 1]) >= Date.parse(d));
const lastState = (p: TenantDataset['controlProfiles'][number]) => p.controlStateUpdates[p.controlStateUpdates.length - 1].state;

const VALID_DETERMINATIONS: Record<string, string[]> = {
  truePositive: ['malware', 'phishing', 'compromisedAccount', 'multiStagedAttack', 'apt', 'maliciousUserActivity', 'unwantedSoftware', 'other'],
  falsePositive: ['notMalicious', 'notEnoughDataToValidate', 'other'],
  informationalExpectedActivity: ['securityTesting', 'lineOfBusinessApplication', 'confirmedActivity', 'securityPersonnel', 'other'],
  unknown: ['unknown'],
};

describe('sample tenant generator', () => {
  const data = generateTenant({ now: NOW });

  it('is deterministic for the same options and varies with the seed', () => {
    assert.deepEqual(generateTenant({ now: NOW }), data);
    const other = generateTenant({ now: NOW, seed: 7 });
    assert.notEqual(other.tenantId, data.tenantId);
  });

  it('keeps each part stable when another part is resized', () => {
    const more = generateTenant({ now: NOW, alerts: 10, customers: 3 });
    assert.deepEqual(more.secureScores, data.secureScores);
    assert.deepEqual(more.controlProfiles, data.controlProfiles);
    assert.equal(more.tenantId, data.tenantId);
  });

  it('describes the Contoso partner tenant', () => {
    assert.equal(data.displayName, 'Contoso Advisory Partners');
    assert.equal(data.domain, 'contoso-partners.example');
    assert.equal(data.signedInUser, 'megan.bowen@contoso-partners.example');
    assert.equal(data.isPartner, true);
    assert.equal(data.now, NOW.toISOString());
    assert.match(data.tenantId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('has the default sizes', () => {
    assert.equal(data.customerInsights.length, 36);
    assert.equal(Object.keys(data.customerNames).length, 36);
    assert.equal(data.alerts.length, 240);
    assert.equal(data.partnerAlerts.length, 8);
    assert.equal(data.secureScores.length, 90);
    assert.equal(data.controlProfiles.length, CONTROL_CATALOG.length);
    assert.ok(data.controlProfiles.length >= 60);
  });

  describe('partner security score', () => {
    const reqs = data.partnerRequirements;

    it('has all five requirement types, mixed compliance and one preview', () => {
      assert.deepEqual(new Set(reqs.map((r) => r.requirementType)), new Set([
        'mfaEnforcedForAdmins', 'mfaEnforcedForAdminsOfCustomers', 'securityAlertsPromptlyResolved',
        'securityContactProvided', 'spendingBudgetSetForCustomerAzureSubscriptions',
      ]));
      assert.ok(reqs.some((r) => r.complianceStatus === 'noncomplaint'));
      assert.ok(reqs.some((r) => r.complianceStatus === 'compliant'));
      assert.equal(reqs.filter((r) => r.state === 'preview').length, 1);
      for (const r of reqs) {
        assert.equal(r.complianceStatus, r.score === r.maxScore ? 'compliant' : 'noncomplaint');
        assert.ok(r.score >= 0 && r.score <= r.maxScore);
        assert.match(r.actionUrl ?? '', /^https:\/\//);
        assert.match(r.helpUrl ?? '', /^https:\/\//);
        assert.ok(Date.parse(r.updatedDateTime ?? '') <= NOW.getTime());
      }
    });

    it('scores the sum of the requirements out of 100', () => {
      assert.equal(data.partnerScore.maxScore, 100);
      assert.equal(reqs.reduce((s, r) => s + r.maxScore, 0), 100);
      assert.equal(data.partnerScore.currentScore, reqs.reduce((s, r) => s + r.score, 0));
      assert.equal(data.partnerScore.lastRefreshDateTime, '2026-11-22T06:00:00.000Z');
    });

    it('keeps a year of change-only history, newest first, matching today', () => {
      const h = data.partnerHistory;
      assert.ok(h.length >= 20 && h.length <= 40, `history has ${h.length} entries`);
      assert.ok(isNewestFirst(h.map((e) => e.createdDateTime)));
      assert.equal(data.partnerScore.updatedDateTime, h[0].createdDateTime);
      assert.equal(h[0].score, data.partnerScore.currentScore);
      assert.equal(h[0].compliantRequirementsCount, reqs.filter((r) => r.complianceStatus === 'compliant').length);
      const span = Date.parse(h[0].createdDateTime) - Date.parse(h[h.length - 1].createdDateTime);
      assert.ok(span > 300 * DAY && span <= 366 * DAY);
      for (let i = 0; i < h.length; i++) {
        assert.equal(h[i].totalRequirementsCount, 5);
        assert.ok(h[i].compliantRequirementsCount <= 5);
        if (i > 0) {
          const same = h[i].score === h[i - 1].score && h[i].compliantRequirementsCount === h[i - 1].compliantRequirementsCount;
          assert.ok(!same, 'an entry is written only when something changed');
        }
      }
    });
  });

  describe('customers', () => {
    it('have plausible MFA insights with ~10–15% unprotected', () => {
      let none = 0;
      for (const c of data.customerInsights) {
        assert.equal(c['@odata.type'], '#microsoft.graph.partner.security.customerInsight');
        const m = c.mfa!;
        assert.equal(m['@odata.type'], 'microsoft.graph.partner.security.customerMfaInsight');
        assert.ok(m.totalUsersCount >= 5 && m.totalUsersCount <= 5000);
        assert.ok(m.compliantAdminsCount + m.compliantNonAdminsCount <= m.totalUsersCount);
        assert.ok(!(m.securityDefaultsStatus === 'enabled' && m.mfaConditionalAccessPolicyStatus === 'enabled'));
        const statuses = [m.securityDefaultsStatus, m.mfaConditionalAccessPolicyStatus, m.legacyPerUserMfaStatus];
        if (statuses.every((s) => s === 'disabled')) {
          none++;
          assert.equal(m.compliantAdminsCount + m.compliantNonAdminsCount, 0);
        }
      }
      const share = none / data.customerInsights.length;
      assert.ok(share >= 0.1 && share <= 0.15, `unprotected share ${share}`);
      const insights = data.customerInsights.map((c) => c.mfa!);
      assert.ok(insights.some((m) => m.securityDefaultsStatus === 'enabled'));
      assert.ok(insights.some((m) => m.mfaConditionalAccessPolicyStatus === 'enabled'));
      assert.ok(insights.some((m) => m.legacyPerUserMfaStatus === 'enabled' && m.mfaConditionalAccessPolicyStatus === 'disabled'));
    });

    it('have a name per tenant id, distinct even for 5,000 customers', () => {
      for (const c of data.customerInsights) {
        assert.ok(data.customerNames[c.tenantId]);
      }
      const big = generateTenant({ now: NOW, customers: 5000, alerts: 0, scoreDays: 0 });
      assert.equal(new Set(big.customerInsights.map((c) => c.tenantId)).size, 5000);
      assert.equal(new Set(Object.values(big.customerNames)).size, 5000);
    });
  });

  describe('partner security alerts', () => {
    it('cover every status with a consistent activity log', () => {
      const customers = new Set(data.customerInsights.map((c) => c.tenantId));
      assert.deepEqual(new Set(data.partnerAlerts.map((a) => a.status)), new Set(['active', 'investigating', 'resolved']));
      assert.ok(isNewestFirst(data.partnerAlerts.map((a) => a.detectedDateTime)));
      for (const a of data.partnerAlerts) {
        assert.ok(customers.has(a.customerTenantId));
        assert.ok(a.affectedResources.length > 0);
        for (const v of Object.values(a.additionalDetails)) {
          assert.equal(typeof v, 'string');
        }
        const last = a.activityLogs[a.activityLogs.length - 1];
        // No log entry: the alert never left "active".
        assert.equal(last?.statusTo ?? 'active', a.status);
        a.activityLogs.forEach((l, i) => i > 0 && assert.equal(l.statusFrom, a.activityLogs[i - 1].statusTo));
        if (a.status === 'resolved') {
          assert.ok(a.resolvedReason && a.resolvedBy && a.resolvedOnDateTime);
          assert.equal(a.resolvedOnDateTime, last.updatedDateTime);
        } else {
          assert.equal(a.resolvedReason, null);
          assert.equal(a.resolvedOnDateTime, null);
        }
        for (const l of a.activityLogs) {
          assert.ok(Date.parse(l.updatedDateTime) >= Date.parse(a.detectedDateTime));
          assert.ok(Date.parse(l.updatedDateTime) <= NOW.getTime());
        }
      }
    });
  });

  describe('secure score', () => {
    const profiles = new Map(data.controlProfiles.map((p) => [p.id, p]));
    const active = data.controlProfiles.filter((p) => !p.deprecated);
    const today = data.secureScores[0];

    it('has one snapshot per day, newest first, starting today', () => {
      data.secureScores.forEach((s, i) => {
        const date = new Date(Date.parse('2026-11-22T00:00:00Z') - i * DAY).toISOString();
        assert.equal(s.createdDateTime, date);
        assert.equal(s.id, `${data.tenantId}_${date.slice(0, 10)}`);
        assert.equal(s.azureTenantId, data.tenantId);
      });
    });

    it('sums the control scores into currentScore and the profiles into maxScore', () => {
      for (const s of data.secureScores) {
        assert.equal(s.currentScore, round2(s.controlScores.reduce((sum, c) => sum + c.score, 0)));
        assert.equal(s.maxScore, round2(s.controlScores.reduce((sum, c) => sum + profiles.get(c.controlName)!.maxScore, 0)));
      }
      assert.equal(today.maxScore, round2(active.reduce((sum, p) => sum + p.maxScore, 0)));
      assert.deepEqual(today.controlScores.map((c) => c.controlName).sort(), active.map((p) => p.id).sort());
    });

    it('has control scores that match their profiles', () => {
      for (const s of data.secureScores) {
        for (const c of s.controlScores) {
          const p = profiles.get(c.controlName);
          assert.ok(p, `${c.controlName} has a profile`);
          assert.ok(!p.deprecated);
          assert.equal(c.controlCategory, p.controlCategory);
          assert.ok(c.score >= 0 && c.score <= p.maxScore);
        }
      }
    });

    it('gives third-party and alternate-mitigation controls full points today, risk accepted none', () => {
      const marked = active.filter((p) => lastState(p) !== 'Default');
      assert.ok(marked.some((p) => lastState(p) === 'Ignored') && marked.some((p) => lastState(p) !== 'Ignored'));
      for (const p of marked) {
        assert.equal(today.controlScores.find((c) => c.controlName === p.id)!.score, lastState(p) === 'Ignored' ? 0 : p.maxScore, `${p.id} ${lastState(p)}`);
      }
    });

    it('trends upward with realistic counts and comparisons', () => {
      const oldest = data.secureScores[data.secureScores.length - 1];
      assert.ok(today.currentScore / today.maxScore > oldest.currentScore / oldest.maxScore);
      assert.ok(data.secureScores.some((s, i) => i > 0 && s.currentScore > data.secureScores[i - 1].currentScore), 'has dips');
      assert.ok(new Set(data.secureScores.map((s) => s.maxScore)).size > 1, 'maxScore changes when controls are added');
      for (const s of data.secureScores) {
        assert.ok(s.activeUserCount > 150 && s.activeUserCount <= s.licensedUserCount);
        assert.ok(s.enabledServices.includes('HasExchange'));
      }
      assert.deepEqual(today.averageComparativeScores.map((a) => a.basis), ['AllTenants', 'TotalSeats', 'IndustryTypes']);
      for (const a of today.averageComparativeScores) {
        assert.equal(typeof a.identityScore, 'string');
      }
      assert.equal(today.averageComparativeScores[2].categoryValue, 'professionalServices');
    });
  });

  describe('control profiles', () => {
    it('span all categories with a realistic state history', () => {
      const p = data.controlProfiles;
      assert.deepEqual(new Set(p.map((x) => x.controlCategory)), new Set(['Identity', 'Data', 'Device', 'Apps', 'Infrastructure']));
      assert.equal(new Set(p.map((x) => x.id)).size, p.length);
      assert.ok(p.some((x) => x.deprecated));
      for (const id of ['AdminMFAV2', 'BlockLegacyAuthentication', 'DLPEnabled', 'mdo_safelinksforemail', 'scid_2000']) {
        assert.ok(p.some((x) => x.id === id), id);
      }
      for (const x of p) {
        assert.equal(x.azureTenantId, data.tenantId);
        assert.deepEqual(x.vendorInformation, { provider: 'SecureScore', providerVersion: null, subProvider: null, vendor: 'Microsoft' });
        assert.equal(x.controlStateUpdates[0].state, 'Default');
        assert.match(x.actionUrl ?? '', /^https:\/\//);
        assert.ok(['Low', 'Moderate', 'High'].includes(x.userImpact ?? ''));
        for (const u of x.controlStateUpdates.slice(1)) {
          assert.ok(u.updatedBy && u.updatedDateTime && u.comment);
          assert.ok(Date.parse(u.updatedDateTime) < Date.parse('2026-11-22T00:00:00Z'));
        }
      }
      const withHistory = p.filter((x) => x.controlStateUpdates.length > 1).length / p.length;
      assert.ok(withHistory >= 0.1 && withHistory <= 0.2, `share with history ${withHistory}`);
      assert.ok(p.some((x) => x.controlStateUpdates.length > 2 && lastState(x) === 'Default'), 'some went back to Default');
    });

    it('adds synthetic scid_ controls beyond the catalogue', () => {
      const big = generateTenant({ now: NOW, controlProfiles: 400, customers: 0, alerts: 0 });
      assert.equal(big.controlProfiles.length, 400);
      assert.equal(new Set(big.controlProfiles.map((p) => p.id)).size, 400);
      assert.equal(new Set(big.controlProfiles.map((p) => p.title)).size, 400);
      const ids = new Set(big.controlProfiles.map((p) => p.id));
      for (const c of big.secureScores[0].controlScores) {
        assert.ok(ids.has(c.controlName));
      }
    });
  });

  describe('alerts v2', () => {
    const alerts = data.alerts;

    it('cover every severity, status and service source', () => {
      assert.deepEqual(new Set(alerts.map((a) => a.severity)), new Set(['informational', 'low', 'medium', 'high', 'unknown']));
      assert.deepEqual(new Set(alerts.map((a) => a.status)), new Set(['new', 'inProgress', 'resolved']));
      assert.deepEqual(new Set(alerts.map((a) => a.serviceSource)), new Set([
        'microsoftDefenderForEndpoint', 'microsoftDefenderForIdentity', 'microsoftDefenderForCloudApps',
        'microsoftDefenderForOffice365', 'microsoft365Defender', 'azureAdIdentityProtection', 'microsoftAppGovernance',
        'dataLossPrevention', 'microsoftDefenderForCloud', 'microsoftSentinel',
      ]));
    });

    it('have unique, realistically shaped ids and links', () => {
      assert.equal(new Set(alerts.map((a) => a.id)).size, alerts.length);
      for (const a of alerts) {
        if (a.serviceSource === 'microsoftDefenderForEndpoint') {
          assert.match(a.id, /^da\d{18}_-?\d+$/);
        }
        if (a.serviceSource === 'microsoftDefenderForOffice365') {
          assert.match(a.id, /^fa[0-9a-f-]{36}$/);
        }
        assert.equal(a.alertWebUrl, `https://security.microsoft.com/alerts/${a.id}?tid=${data.tenantId}`);
        assert.equal(a.incidentWebUrl, `https://security.microsoft.com/incidents/${a.incidentId}?tid=${data.tenantId}`);
        assert.equal(a.tenantId, data.tenantId);
      }
      assert.ok(new Set(alerts.map((a) => a.incidentId)).size < alerts.length, 'some incidents hold several alerts');
    });

    it('pair classifications and determinations sensibly', () => {
      assert.ok(alerts.some((a) => a.classification === null) && alerts.some((a) => a.classification !== null), 'both kinds are there');
      for (const a of alerts) {
        if (a.classification === null) {
          assert.equal(a.determination, null);
          continue;
        }
        assert.ok(VALID_DETERMINATIONS[a.classification].includes(a.determination ?? ''), `${a.classification}/${a.determination}`);
        if (a.status === 'resolved') {
          assert.notEqual(a.classification, 'unknown');
          assert.ok(a.resolvedDateTime);
        } else {
          assert.equal(a.resolvedDateTime, null);
        }
      }
    });

    it('are newest first within the last 120 days with ordered timestamps', () => {
      assert.ok(isNewestFirst(alerts.map((a) => a.createdDateTime)));
      const now = NOW.getTime();
      for (const a of alerts) {
        const created = Date.parse(a.createdDateTime);
        assert.ok(created <= now && created >= now - 120 * DAY);
        assert.ok(Date.parse(a.firstActivityDateTime!) <= Date.parse(a.lastActivityDateTime!));
        assert.ok(Date.parse(a.lastActivityDateTime!) <= created);
        assert.ok(Date.parse(a.lastUpdateDateTime) >= created && Date.parse(a.lastUpdateDateTime) <= now);
        if (a.resolvedDateTime) {
          assert.ok(Date.parse(a.resolvedDateTime) <= now);
        }
        for (const c of a.comments) {
          assert.ok(Date.parse(c.createdDateTime) <= Date.parse(a.lastUpdateDateTime));
        }
      }
      const lastWeek = alerts.filter((a) => Date.parse(a.createdDateTime) > now - 7 * DAY).length;
      assert.ok(lastWeek / 7 > alerts.length / 120, 'recent alerts are denser');
    });

    it('carry typed evidence', () => {
      const types = new Set<string>();
      for (const a of alerts) {
        assert.ok(a.evidence.length > 0);
        for (const e of a.evidence) {
          types.add(e['@odata.type']);
          assert.ok(Array.isArray(e.roles) && typeof e.verdict === 'string' && typeof e.remediationStatus === 'string');
        }
      }
      for (const t of ['deviceEvidence', 'userEvidence', 'urlEvidence', 'fileEvidence', 'ipEvidence', 'mailboxEvidence']) {
        assert.ok(types.has(`#microsoft.graph.security.${t}`), t);
      }
    });
  });

  it('generates the large scale in well under 5 s', function () {
    this.timeout(30_000);
    const started = Date.now();
    const big = generateTenant({ ...SCALES.large, now: NOW });
    const elapsed = Date.now() - started;
    assert.equal(big.customerInsights.length, 5000);
    assert.equal(big.alerts.length, 20000);
    assert.equal(big.controlProfiles.length, 400);
    assert.ok(elapsed < 5000, `took ${elapsed} ms`);
  });
});
