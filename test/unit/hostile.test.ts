// Hostile tenant data through the data layer and the model: the generator seeds every string an
// attacker could write, the store loads it all, and what the model hands to views is bounded,
// single-line text without disguising characters or link syntax. (The views themselves are
// walked inside VS Code by the `hostile` integration profile.)
import * as assert from 'node:assert/strict';
import { isHttpsUrl } from '../../src/graph/clouds';
import type { TenantDataset } from '../../src/sample/dataset';
import { alertDescription } from '../../src/model/alerts';
import { honestyMeter, projectScore } from '../../src/model/analytics';
import { buildControlRows, groupControls } from '../../src/model/controls';
import {
  age, alertStatusName, classificationName, complianceName, controlStateName, partnerAlertStatusName, plainText, requirementName, safeLabel,
  serviceSourceName, severityName,
} from '../../src/model/format';
import { customerRow, groupPartnerAlerts, sortCustomers, sortRequirements } from '../../src/model/partner';
import { categoryPoints, comparisons, sortSnapshots, summarizeSecureScore } from '../../src/model/secureScore';
import { generateTenant } from '../../src/sample/generator';
import { HOSTILE_TEXT, HOSTILE_URLS, HUGE_TEXT, hostileTenant } from '../../src/sample/hostile';
import { inProcessStore } from './inProcessStore';

const NOW = new Date('2026-11-22T10:00:00Z');
const DISGUISE = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF\u0000-\u001F]/;
/** What notifications and prompts render as a link. */
const LINK = /\[[^\]]+\]\((?:https?:|command:|file:)/i;

/** Every string leaf with its field path (`alerts[].title`). */
function strings(value: unknown, field = ''): Array<[string, string | null]> {
  if (typeof value === 'string' || value === null) {
    return [[field, value]];
  }
  if (Array.isArray(value)) {
    return value.flatMap(v => strings(v, `${field}[]`));
  }
  if (value && typeof value === 'object') {
    // Keys that are data (names by tenant id, alert details) count as one field, as hostileTenant counts them.
    const byData = field === 'customerNames' || field.endsWith('additionalDetails');
    return Object.entries(value).flatMap(([k, v]) => strings(v, byData ? `${field}.*` : field ? `${field}.${k}` : k));
  }
  return [];
}

function assertShownAsText(text: string, where: string, max = 301): void {
  assert.ok(text.length <= max, `${where}: ${text.length} characters`);
  assert.doesNotMatch(text, DISGUISE, where);
  assert.doesNotMatch(text, LINK, where);
}

describe('hostile tenant data', function () {
  this.timeout(60_000);
  let original: TenantDataset;
  let hostile: TenantDataset;

  before(() => {
    original = generateTenant({ now: NOW, partnerAlerts: 16 });
    hostile = hostileTenant(original);
  });

  it('seeds every string an attacker could write: each field gets a 100 KB string, then every payload and null in turn', () => {
    const hostileStrings = strings(hostile);
    const seededByField = new Map<string, Array<string | null>>();
    strings(original).forEach(([field, value], i) => {
      assert.equal(hostileStrings[i][0], field, 'same shape');
      if (value !== null) {
        seededByField.set(field, [...(seededByField.get(field) ?? []), hostileStrings[i][1]]);
      }
    });
    const kept = /(^|\.)(id|tenantId|azureTenantId|customerTenantId|controlName|@odata\.type|\w+DateTime)$|^alerts\[\]\.(severity|status)$/;
    const resources = /^(partnerScore|partnerRequirements|partnerHistory|customerInsights|customerNames|partnerAlerts|secureScores|controlProfiles|alerts)\b/;
    let seeded = 0;
    for (const [field, values] of seededByField) {
      if (!resources.test(field) || kept.test(field)) {
        continue;
      }
      seeded++;
      const payloads = /url$/i.test(field) ? HOSTILE_URLS : HOSTILE_TEXT;
      assert.deepEqual(values, values.map((_, n) => (n === 0 ? HUGE_TEXT : payloads[(n - 1) % payloads.length])), field);
    }
    assert.ok(seeded > 100, `${seeded} fields seeded`);
    for (const field of ['alerts[].title', 'alerts[].alertWebUrl', 'alerts[].comments[].comment', 'alerts[].evidence[].fileDetails.fileName', 'controlProfiles[].title', 'partnerAlerts[].displayName', 'customerNames.*']) {
      assert.ok((seededByField.get(field)?.length ?? 0) > HOSTILE_TEXT.length, `${field} meets every payload`);
    }
    assert.deepEqual(hostile.alerts.map(a => [a.id, a.severity, a.status, a.createdDateTime]), original.alerts.map(a => [a.id, a.severity, a.status, a.createdDateTime]));
  });

  it('loads every section of a hostile tenant through the Graph client', async () => {
    const { store } = inProcessStore(hostile, () => NOW);
    await store.refresh();
    for (const id of ['scores', 'profiles', 'alerts', 'partner', 'customers', 'partnerAlerts'] as const) {
      assert.equal(store.get(id).status, 'ready', `${id}: ${store.get(id).error?.logText}`);
    }
    const loaded = store.get('alerts').data!.groups.flatMap(g => g.items);
    assert.ok(loaded.some(a => a.title === HUGE_TEXT), 'the 100 KB title arrived whole');
    assert.ok(loaded.some(a => a.title === null), 'null where a string is expected arrived as null');
  });

  it('turns hostile data into bounded, plain, single-line names in the model', () => {
    const scores = hostile.secureScores;
    const profiles = hostile.controlProfiles;
    const summary = summarizeSecureScore(scores, profiles);
    assert.ok(summary, 'a summary despite hostile enum members');
    const latest = sortSnapshots(scores)[0];
    for (const c of categoryPoints(latest, profiles)) {
      assertShownAsText(safeLabel(c.category), 'category');
    }
    for (const c of comparisons(latest, 50)) {
      assertShownAsText(c.label, 'comparison', 201);
    }
    for (const groupBy of ['category', 'service', 'state'] as const) {
      for (const group of groupControls(buildControlRows(profiles, latest), groupBy, true)) {
        assertShownAsText(safeLabel(group.label), `group ${groupBy}`);
        for (const row of group.rows) {
          assertShownAsText(safeLabel(row.title), 'control title');
          assertShownAsText(controlStateName(row.state), 'control state', 201);
          assertShownAsText(row.userImpact, 'user impact', 201);
          assert.ok(plainText(row.profile.remediation).length <= 2001);
        }
      }
    }
    for (const row of sortCustomers(hostile.customerInsights.map(c => customerRow(c, hostile.customerNames)))) {
      assertShownAsText(safeLabel(row.name ?? row.tenantId), 'customer');
    }
    for (const r of sortRequirements(hostile.partnerRequirements)) {
      assertShownAsText(requirementName(r.requirementType), 'requirement', 201);
      assertShownAsText(complianceName(r.complianceStatus), 'compliance', 201);
    }
    for (const group of groupPartnerAlerts(hostile.partnerAlerts)) {
      assertShownAsText(group.label, 'partner alert group', 201);
      group.alerts.forEach(a => assertShownAsText(partnerAlertStatusName(a.status), 'partner alert status', 201));
    }
    for (const alert of hostile.alerts) {
      const text = alertDescription(alert, serviceSourceName(alert.serviceSource), alertStatusName(alert.status), age(alert.createdDateTime, NOW));
      assertShownAsText(safeLabel(text), 'alert description');
      assertShownAsText(severityName(alert.severity), 'severity', 201);
      assertShownAsText(classificationName(alert.classification), 'classification', 201);
      assert.equal(isHttpsUrl(alert.alertWebUrl), alert.alertWebUrl === 'https://attacker.example/login', String(alert.alertWebUrl));
    }
    assert.ok(projectScore(scores, profiles, profiles.slice(0, 5).map(p => p.id)));
    assert.ok(honestyMeter(scores, profiles));
  });
});
