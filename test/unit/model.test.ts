import * as assert from 'node:assert/strict';
import type { SecureScore, SecureScoreControlProfile } from '../../src/graph/types';
import { alertFilterOData, describeAlertFilter } from '../../src/model/alerts';
import { buildControlRows, groupControls, latestStateUpdate } from '../../src/model/controls';
import { age, complianceName, controlStateName, humanize, isNonCompliant, plainText, requirementName, safeLabel, serviceSourceName, signed } from '../../src/model/format';
import { customerRow, groupPartnerAlerts, sortCustomers } from '../../src/model/partner';
import { projectScore } from '../../src/model/analytics';
import { categoryCaveat, categoryPoints, categoryText, comparisonValue, comparisons, summarizeSecureScore } from '../../src/model/secureScore';

const TENANT = '7f4c2b1a-9e8d-4c6b-a5f4-3e2d1c0b9a87';

function profile(id: string, category: string, maxScore: number, extra: Partial<SecureScoreControlProfile> = {}): SecureScoreControlProfile {
  return {
    id, azureTenantId: TENANT, title: `Title of ${id}`, controlCategory: category, actionType: 'Config', service: 'AzureAD', tier: 'Core',
    userImpact: 'Low', implementationCost: 'Moderate', rank: 10, maxScore, threats: [], remediation: null, remediationImpact: null,
    actionUrl: null, deprecated: false, lastModifiedDateTime: null, complianceInformation: null,
    controlStateUpdates: [{ assignedTo: null, comment: null, state: 'Default', updatedBy: null, updatedDateTime: null }],
    vendorInformation: null, ...extra,
  };
}

function snapshot(date: string, current: number, max: number, controls: [string, string, number][] = []): SecureScore {
  return {
    id: `${TENANT}_${date}`, azureTenantId: TENANT, createdDateTime: `${date}T00:00:00Z`, currentScore: current, maxScore: max,
    activeUserCount: 180, licensedUserCount: 250, enabledServices: [],
    averageComparativeScores: [
      { basis: 'AllTenants', averageScore: 48.3 },
      { basis: 'TotalSeats', averageScore: 51.9, seatSizeRangeLowerValue: '100', seatSizeRangeUpperValue: '499' },
      { basis: 'IndustryTypes', averageScore: -1 },
    ],
    controlScores: controls.map(([controlName, controlCategory, score]) => ({ controlName, controlCategory, description: null, score })),
  };
}

describe('model: formatting', () => {
  it('names requirements, the misspelled compliance member and control states the portal way', () => {
    assert.equal(requirementName('mfaEnforcedForAdmins'), 'MFA enforced for admins');
    assert.equal(complianceName('noncomplaint'), 'Not compliant');
    assert.ok(isNonCompliant('noncomplaint'));
    assert.equal(controlStateName('ThirdParty'), 'Resolved through third party');
    assert.equal(controlStateName('ignored'), 'Risk accepted', 'camelCase states from other tools are understood');
  });

  it('falls back to a readable form for unknown enum members instead of failing', () => {
    assert.equal(requirementName('brandNewRequirement'), 'Brand new requirement');
    assert.equal(serviceSourceName('microsoftDefenderForQuantum'), 'Microsoft defender for quantum');
    assert.equal(humanize(undefined), '');
  });

  it('strips bidi and zero-width characters and bounds label length', () => {
    assert.equal(safeLabel('evil\u202Egnp.exe\u200B'), 'evilgnp.exe');
    assert.equal(safeLabel('x'.repeat(1000), 10), `${'x'.repeat(10)}…`);
    assert.equal(safeLabel(null), '');
  });

  it('shows remediation HTML as text', () => {
    assert.equal(plainText('Turn on <b>MFA</b>&nbsp;for &lt;admins&gt;<br>now'), 'Turn on MFA for <admins>\nnow');
  });

  it('formats ages and signed numbers', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    assert.equal(age('2026-11-22T11:59:30Z', now), 'just now');
    assert.equal(age('2026-11-22T09:00:00Z', now), '3 h ago');
    assert.equal(age('2026-11-20T12:00:00Z', now), '2 d ago');
    assert.equal(signed(3.456), '+3.46');
    assert.equal(signed(-2), '−2');
  });
});

describe('model: Secure Score', () => {
  const profiles = [profile('AdminMFAV2', 'Identity', 10), profile('DLPEnabled', 'Data', 10), profile('scid_2000', 'Device', 5)];
  const today = snapshot('2026-11-22', 16, 25, [['AdminMFAV2', 'Identity', 10], ['DLPEnabled', 'Data', 6], ['scid_2000', 'Device', 0]]);
  const yesterday = snapshot('2026-11-21', 12, 25);

  it('summarises the newest snapshot whatever the order, with the change since the previous one', () => {
    const s = summarizeSecureScore([yesterday, today], profiles)!;
    assert.equal(s.current, 16);
    assert.equal(s.max, 25);
    assert.equal(s.percent, 64);
    assert.equal(s.deltaPoints, 4);
    assert.equal(s.deltaPercent, 16);
    assert.equal(s.previousDate, '2026-11-21T00:00:00Z');
  });

  it('sums points per category from controlScores with maxima from the profiles', () => {
    const cats = Object.fromEntries(categoryPoints(today, profiles).map(c => [c.category, c]));
    assert.deepEqual([cats.Identity.score, cats.Identity.max], [10, 10]);
    assert.deepEqual([cats.Data.score, cats.Data.max, cats.Data.percent], [6, 10, 60]);
    assert.deepEqual([cats.Device.score, cats.Device.max], [0, 5]);
    assert.deepEqual([cats.Apps.score, cats.Infrastructure.max], [0, 0]);
  });

  it('derives a control maximum from scoreInPercentage when no profile is loaded', () => {
    const s = snapshot('2026-11-22', 5, 10, []);
    s.controlScores = [{ controlName: 'X', controlCategory: 'Apps', description: null, score: 5, scoreInPercentage: 50 }];
    assert.equal(categoryPoints(s, []).find(c => c.category === 'Apps')!.max, 10);
  });

  it('compares real averages and keeps, without comparing, the -1 the service has sent', () => {
    const rows = comparisons(today, 64);
    assert.deepEqual(rows.map(r => r.basis), ['AllTenants', 'TotalSeats', 'IndustryTypes']);
    assert.equal(rows[0].difference, 15.7);
    assert.equal(rows[1].detail, '100–499 seats');
    assert.deepEqual([rows[2].averageScore, rows[2].averagePercent, rows[2].difference], [-1, undefined, undefined]);
    assert.equal(comparisonValue(rows[2]), 'averageScore -1 (unit unknown)');
    assert.equal(rows[2].caveat, 'Microsoft sent -1, which is not an average score; it is not compared.');
  });

  it('shows the docs example\'s averageScore of 109 (697 points) with its basis, saying it cannot be a percentage', () => {
    const docs = { ...snapshot('2026-11-22', 697, 1200), averageComparativeScores: [{ basis: 'AllTenants', averageScore: 109 }, { basis: 'TotalSeats', averageScore: null as unknown as number }] };
    const [all, seats] = comparisons(docs, 58.08);
    assert.deepEqual([all.basis, all.label, all.averageScore, all.averagePercent, all.difference], ['AllTenants', 'All tenants', 109, undefined, undefined]);
    assert.equal(comparisonValue(all), 'averageScore 109 (unit unknown)');
    assert.equal(all.caveat, 'Microsoft sent 109, which cannot be a percentage; Graph does not document the unit of averageScore, so it is shown as sent and not compared.');
    assert.deepEqual([seats.basis, comparisonValue(seats), seats.caveat], ['TotalSeats', 'no average sent', 'Microsoft sent no average for this group.']);
    assert.deepEqual(projectScore([docs], [], [])!.comparisons, [], 'the what-if places us only against percentages');
  });

  it('says "maximum unknown" for a category whose controls have no profile, instead of a false 0 %', () => {
    const orphan = snapshot('2026-11-22', 35, 60, [['NoProfileA', 'Apps', 20], ['NoProfileB', 'Apps', 15]]);
    const apps = categoryPoints(orphan, []).find(c => c.category === 'Apps')!;
    assert.deepEqual([apps.score, apps.max, apps.percent, apps.unknownMax, apps.controls], [35, undefined, undefined, 2, 2]);
    assert.equal(categoryText(apps), '35 points, maximum unknown');
    assert.equal(categoryCaveat(apps), 'The maximum is unknown: 2 of 2 controls of this category have no improvement action and no scoreInPercentage to tell it.');
    const identity = categoryPoints(today, profiles).find(c => c.category === 'Identity')!;
    assert.equal(categoryText(identity), '10 / 10 (100%)');
    assert.equal(categoryCaveat(identity), undefined);
  });

  it('has no summary without snapshots', () => {
    assert.equal(summarizeSecureScore([], profiles), undefined);
  });
});

describe('model: improvement actions', () => {
  it('joins points by controlName = profile id and reads the state from the newest update', () => {
    const p = profile('BlockLegacyAuthentication', 'Identity', 8, {
      controlStateUpdates: [
        { assignedTo: null, comment: null, state: 'Default', updatedBy: null, updatedDateTime: '2026-01-02T10:00:00Z' },
        { assignedTo: 'secops@contoso.example', comment: 'Gateway', state: 'ThirdParty', updatedBy: 'admin@contoso.example', updatedDateTime: '2026-02-20T14:31:09Z' },
      ],
    });
    const rows = buildControlRows([p, profile('scid_2001', 'Device', 3)], snapshot('2026-11-22', 8, 11, [['BlockLegacyAuthentication', 'Identity', 8]]));
    assert.equal(rows[0].earned, 8);
    assert.equal(rows[0].state, 'ThirdParty');
    assert.equal(rows[0].lastUpdate?.comment, 'Gateway');
    assert.equal(rows[1].earned, undefined, 'a control not in the snapshot is not scored');
    assert.equal(rows[1].updatable, false, 'Defender scid_ controls cannot be changed through Graph');
  });

  it('takes the newest update by date even when the history is out of order', () => {
    const u = latestStateUpdate([
      { assignedTo: null, comment: 'new', state: 'Ignored', updatedBy: null, updatedDateTime: '2026-05-01T00:00:00Z' },
      { assignedTo: null, comment: 'old', state: 'Reviewed', updatedBy: null, updatedDateTime: '2026-01-01T00:00:00Z' },
    ]);
    assert.equal(u?.comment, 'new');
  });

  it('groups by category in the portal order, ranks rows, hides deprecated ones unless asked', () => {
    const rows = buildControlRows([
      profile('a', 'Data', 5, { rank: 3 }), profile('b', 'Identity', 5, { rank: 9 }), profile('c', 'Identity', 5, { rank: 1 }),
      profile('d', 'Identity', 5, { rank: 2, deprecated: true }),
    ], undefined);
    const groups = groupControls(rows, 'category', false);
    assert.deepEqual(groups.map(g => g.key), ['Identity', 'Data']);
    assert.deepEqual(groups[0].rows.map(r => r.id), ['c', 'b']);
    assert.deepEqual(groupControls(rows, 'category', true)[0].rows.map(r => r.id), ['c', 'd', 'b']);
    assert.deepEqual(groupControls(rows, 'state', false).map(g => g.label), ['To address']);
  });
});

describe('model: alerts filter', () => {
  const now = new Date('2026-11-22T15:30:00Z');
  it('compiles the default filter (not resolved, last 30 days) per severity to OData', () => {
    assert.equal(alertFilterOData({ statuses: ['new', 'inProgress'], days: 30 }, 'high', now),
      "(status eq 'new' or status eq 'inProgress') and severity eq 'high' and createdDateTime ge 2026-10-23T00:00:00Z");
    assert.equal(describeAlertFilter({ statuses: ['new', 'inProgress'], days: 30 }), 'not resolved, last 30 days');
  });

  it('never puts anything but plain tokens into the filter', () => {
    assert.equal(alertFilterOData({ statuses: ["new' or 1 eq 1 or status eq '"], days: 0 }, undefined, now), '');
  });
});

describe('model: partner', () => {
  it('flags customers with no MFA mechanism and lists them first', () => {
    const mfa = (sd: string, ca: string, legacy: string) => ({
      compliantAdminsCount: 1, compliantNonAdminsCount: 2, totalUsersCount: 10,
      securityDefaultsStatus: sd, mfaConditionalAccessPolicyStatus: ca, legacyPerUserMfaStatus: legacy,
    });
    const rows = [
      customerRow({ tenantId: 'b', mfa: mfa('enabled', 'disabled', 'disabled') }, { b: 'Beta' }),
      customerRow({ tenantId: 'a', mfa: mfa('disabled', 'disabled', 'disabled') }, { a: 'Zulu' }),
      customerRow({ tenantId: 'c', mfa: null }),
      customerRow({ tenantId: 'd', mfa: mfa('disabled', 'unknownFutureValue', 'disabled') }),
    ];
    assert.deepEqual(rows.map(r => r.atRisk), [false, true, false, true]);
    assert.equal(rows[2].noData, true);
    assert.deepEqual(sortCustomers(rows).map(r => r.tenantId), ['d', 'a', 'b', 'c']);
  });

  it('groups partner alerts active, investigating, resolved', () => {
    const a = (id: string, status: string) => ({ id, status, detectedDateTime: '2026-11-01T00:00:00Z' }) as never;
    assert.deepEqual(groupPartnerAlerts([a('1', 'resolved'), a('2', 'active'), a('3', 'investigating'), a('4', 'weird')]).map(g => g.status),
      ['active', 'investigating', 'resolved', 'weird']);
  });
});
