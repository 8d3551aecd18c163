// Posture as code, outside VS Code: export, parse, every diagnostic at its place, the plan with
// its score effect (literal numbers from the sample tenant's seeded profiles), drift, apply
// through the HTTPS emulator (its write log holds exactly the planned writes; applying twice
// writes nothing), and hostile files that get problems, never an exception or a write.
import * as assert from 'node:assert/strict';
import { WriteApi } from '../../src/graph/writes';
import type { WriteTarget } from '../../src/model/writeFlow';
import {
  applyPosturePlan, CUSTOMERS_NOT_LOADED, driftOf, exportPosture, formatPlan, hasErrors, loadTenants, parsePosture, planPosture, validatePosture,
  type PostureDoc, type PostureProblem, type PostureTenant, type TenantPlan,
} from '../../src/posture';
import { generateTenant } from '../../src/sample/generator';
import { emulatorService, useEmulator } from './emulatorClient';

const NOW = new Date('2026-11-22T12:00:00Z');
const dataset = generateTenant({ now: NOW });

const tenantOf = (d = dataset): PostureTenant => ({ tenantId: d.tenantId, name: d.displayName, profiles: d.controlProfiles, alerts: d.alerts, scores: d.secureScores });

function parsed(text: string, fileName = 'team.posture.yaml'): PostureDoc {
  const result = parsePosture(text, fileName);
  assert.deepEqual(result.problems.map(p => p.message), []);
  return result.doc!;
}

/** The problems as `code@"text at its range"`, to show each lands where it should. */
const at = (text: string, problems: PostureProblem[]) => problems.map(p => `${p.code}@${text.slice(p.range.start, p.range.end)}`);

const SAMPLE = `version: 1
tenants: current
controls:
  mdo_safelinksforemail: { state: thirdParty, comment: "Mimecast URL rewriting", assignedTo: secops@contoso.com }
  IntegratedApps: { state: ignored, comment: "SEC-101: partner apps need user consent" }
  mdo_zapspam: { state: default }
  PWAgePolicyNew: { state: ignored, comment: "SEC-112", expires: 2026-10-31 }
  AdminMFAV2: { state: default }
alertRules:
  - name: benign informational Office alerts
    match: 'service:microsoftDefenderForOffice365 severity:informational'
    set: { status: resolved, classification: informationalExpectedActivity, determination: securityTesting, comment: "rule: benign" }
`;

describe('posture: export and parse', () => {
  it('exports the current states as a file that parses clean and plans nothing', () => {
    const text = exportPosture(dataset.controlProfiles, { name: dataset.displayName, tenantId: dataset.tenantId }, NOW);
    assert.match(text, /^# Left out: 19 Defender for Endpoint controls \(scid_…\), which Graph cannot change; 4 deprecated\.$/m);
    assert.match(text, /^ {2}mdo_zapspam: \{ state: thirdParty, comment: "Mail filtered by the Mimecast gateway", assignedTo: "adele.vance@contoso-partners.example" \} {2}# Ensure that Zero-hour auto purge for spam is on \(4 points\)$/m);
    const doc = parsed(text);
    assert.equal(doc.controls.length, 72);
    assert.deepEqual(validatePosture(doc, { profiles: dataset.controlProfiles, now: NOW }), []);
    const plan = planPosture(doc, [tenantOf()], NOW);
    assert.equal(plan.writes, 0);
    assert.deepEqual((plan.tenants[0] as TenantPlan).counts, { change: 0, inSync: 72, awaitingSync: 0, cannotChange: 0, alertChanges: 0 });
  });

  it('reads JSON with the same ranges', () => {
    const text = '{ "version": 1, "controls": { "AdminMFAV3": { "state": "default" } } }';
    const doc = parsed(text, 'x.posture.json');
    const problems = validatePosture(doc, { profiles: dataset.controlProfiles, now: NOW });
    assert.deepEqual(at(text, problems), ['unknownControl@"AdminMFAV3"']);
    assert.deepEqual(problems[0].fixes![0].edits, [{ start: 30, end: 42, text: '"AdminMFAV2"' }]);
  });

  it('reads tenants: current, all customers and lists', () => {
    assert.deepEqual(parsed('version: 1\ntenants: all customers\n').tenants, { kind: 'allCustomers' });
    assert.deepEqual(parsed('version: 1\n').tenants, { kind: 'current' });
    const doc = parsed('version: 1\ntenants: [current, Fabrikam]\n');
    assert.deepEqual(doc.tenants.kind === 'list' && doc.tenants.names.map(n => n.name), ['current', 'Fabrikam']);
  });
});

describe('posture: diagnostics, each at its place', () => {
  const text = `version: 1
controls:
  AdminMFAV3: { state: default }
  scid_2000: { state: default }
  mdo_dkim: { state: ignored }
  mdo_zapspam: { state: thirdParty, comment: Mimecast, assignedTo: bob }
  PWAgePolicyNew: { state: ignored, comment: "SEC-112", expires: 2026-10-31 }
  IntegratedApps: { state: reviewd, coment: x }
  OneAdmin: { state: default, expires: 2026-02-30 }
alertRules:
  - name: typo
    match: 'service:microsoftDefenderForOffice365 sevrity:informational'
    set: { status: closed }
`;
  const result = parsePosture(text, 'bad.posture.yaml');
  const problems = [...result.problems, ...validatePosture(result.doc!, { profiles: dataset.controlProfiles, now: NOW })];

  it('says what is wrong where it is wrong', () => {
    assert.deepEqual(at(text, problems), [
      'unknownKey@coment', 'state@reviewd',
      'unknownControl@AdminMFAV3', 'readOnlyControl@scid_2000', 'commentRequired@ignored', 'assignee@bob', 'expired@2026-10-31',
      'expires@2026-02-30', 'ruleMatch@sevrity', 'ruleSet@{ status: closed }',
    ]);
    const byCode = new Map(problems.map(p => [p.code, p]));
    assert.equal(byCode.get('unknownControl')!.message, '"AdminMFAV3" is not an improvement action of this tenant. Did you mean "AdminMFAV2" (Ensure multifactor authentication is enabled for all users in administrative rol…)?');
    assert.equal(byCode.get('ruleMatch')!.message, 'Unknown key "sevrity"; did you mean severity?');
    assert.deepEqual([byCode.get('ruleMatch')!.line, byCode.get('ruleMatch')!.column], [12, 51]);
    assert.equal(byCode.get('expired')!.message, 'This exception expired on 2026-10-31: the plan returns "PWAgePolicyNew" to To address until it is renewed.');
    assert.equal(hasErrors(problems), true);
  });

  it('offers the obvious fixes', () => {
    const fix = (code: string) => problems.find(p => p.code === code)!.fixes!.map(f => `${f.title}: ${f.edits.map(e => `${text.slice(e.start, e.end)} → ${e.text}`).join('; ')}`);
    assert.deepEqual(fix('unknownControl'), ['Change to "AdminMFAV2": AdminMFAV3 → AdminMFAV2']);
    assert.deepEqual(fix('state'), ['Change to "reviewed": reviewd → reviewed']);
    assert.deepEqual(fix('unknownKey'), ['Change to "comment": coment → comment']);
    assert.deepEqual(fix('commentRequired'), ['Add a comment:  → , comment: "TODO: why?"']);
    assert.deepEqual(fix('expired'), [
      'Extend to 2027-02-20: 2026-10-31 → 2027-02-20',
      'Return to To address (state: default): { state: ignored, comment: "SEC-112", expires: 2026-10-31 } → { state: default }',
    ]);
  });

  it('keeps the placeholder comment an error until it is replaced', () => {
    const fixed = text.replace('{ state: ignored }', '{ state: ignored, comment: "TODO: why?" }');
    const again = validatePosture(parsePosture(fixed, 'bad.posture.yaml').doc!, { profiles: dataset.controlProfiles, now: NOW });
    assert.deepEqual(at(fixed, again.filter(p => p.code === 'commentRequired')), ['commentRequired@"TODO: why?"']);
  });

  it('adds a comment to a block mapping on its own line', () => {
    const block = 'version: 1\ncontrols:\n  mdo_dkim:\n    state: ignored\n';
    const doc = parsed(block);
    const [problem] = validatePosture(doc, { profiles: dataset.controlProfiles, now: NOW });
    const edit = problem.fixes![0].edits[0];
    assert.equal(block.slice(0, edit.start) + edit.text + block.slice(edit.end), 'version: 1\ncontrols:\n  mdo_dkim:\n    state: ignored\n    comment: "TODO: why?"\n');
  });

  it('plans none of the entries with errors', () => {
    const plan = planPosture(result.doc!, [tenantOf()], NOW);
    const t = plan.tenants[0] as TenantPlan;
    assert.deepEqual(t.controls.map(c => `${c.id}:${c.status}`), ['AdminMFAV3:cannotChange', 'scid_2000:inSync', 'PWAgePolicyNew:change']);
    assert.equal(plan.skipped, 5);
    assert.deepEqual(t.rules.map(r => r.error), ['Unknown key "sevrity"; did you mean severity?']);
  });
});

describe('posture: plan, score effect and drift', () => {
  const doc = parsed(SAMPLE);

  it('plans each control from → to with the score effect of the what-if engine', () => {
    const plan = planPosture(doc, [tenantOf()], NOW);
    const t = plan.tenants[0] as TenantPlan;
    assert.deepEqual(t.controls.map(c => `${c.id}: ${c.current.state} → ${c.desired.state} (${c.status}${c.expired ? `, expired ${c.expired}` : ''})`), [
      'mdo_safelinksforemail: Default → ThirdParty (change)',
      'IntegratedApps: Default → Ignored (change)',
      'mdo_zapspam: ThirdParty → Default (change)',
      'PWAgePolicyNew: Ignored → Default (change, expired 2026-10-31)',
      'AdminMFAV2: Default → Default (inSync)',
    ]);
    assert.equal(t.controls[3].desired.comment, 'Exception expired on 2026-10-31 (was: SEC-112)');
    assert.deepEqual(t.score && { ...t.score, lines: t.score.lines.map(l => `${l.id} ${l.points}${l.uncertain ? '?' : ''}`) }, {
      current: 226.02, max: 419, percent: 53.94, projected: 231.02, projectedPercent: 55.14, gain: 9, loss: 4, atRisk: 4,
      lines: ['mdo_safelinksforemail 9', 'PWAgePolicyNew 0', 'IntegratedApps -4', 'mdo_zapspam -4?'],
    });
    assert.match(formatPlan(plan, 'markdown'), /53\.94% → 55\.14% \(226\.02 → 231\.02 of 419 points\), \+9 from marks, −4 from risk acceptance; up to −4 more where a mark returns to To address/);
  });

  it('matches alert rules and says what changes; the first matching rule wins', () => {
    const twice = parsed(`${SAMPLE}  - name: all informational\n    match: severity:informational\n    set: { status: inProgress }\n`);
    const t = planPosture(twice, [tenantOf()], NOW).tenants[0] as TenantPlan;
    const office = dataset.alerts.filter(a => a.serviceSource === 'microsoftDefenderForOffice365' && a.severity === 'informational');
    const info = dataset.alerts.filter(a => a.severity === 'informational');
    assert.equal(t.rules[0].matched, office.length);
    assert.equal(t.rules[0].changes.length, office.length, 'every one gets at least the comment');
    assert.equal(t.rules[1].matched, info.length);
    assert.equal(t.rules[1].claimed, office.length);
    assert.equal(t.rules[1].changes.length + t.rules[1].inSync, info.length - office.length);
    assert.ok(office.length > 0 && info.length > office.length, `${office.length} of ${info.length}`);
  });

  it('reads drift off the plan: changed by whom and when, expired, in sync', () => {
    const marks = driftOf(doc, planPosture(doc, [tenantOf()], NOW));
    const zap = dataset.controlProfiles.find(p => p.id === 'mdo_zapspam')!.controlStateUpdates.at(-1)!;
    assert.deepEqual(marks.map(m => m.text), [
      'drift: Graph says To address',
      'drift: Graph says To address',
      `drift: Graph says Resolved through third party, changed by ${zap.updatedBy} on ${zap.updatedDateTime!.slice(0, 10)}`,
      'expired 2026-10-31: the plan returns it to To address',
      'in sync',
      `drift: ${dataset.alerts.filter(a => a.serviceSource === 'microsoftDefenderForOffice365' && a.severity === 'informational').length} of ${dataset.alerts.filter(a => a.serviceSource === 'microsoftDefenderForOffice365' && a.severity === 'informational').length} matching alerts differ`,
    ]);
  });

  it('does not call a change awaiting Microsoft sync drift', () => {
    const pendingSync = { mdo_safelinksforemail: { state: 'ThirdParty', since: '2026-11-22T08:00:00Z' } };
    const plan = planPosture(doc, [{ ...tenantOf(), pendingSync }], NOW);
    const item = (plan.tenants[0] as TenantPlan).controls[0];
    assert.deepEqual([item.status, item.awaitingSince], ['awaitingSync', '2026-11-22T08:00:00Z']);
    assert.equal(driftOf(doc, plan)[0].text, 'applied 2026-11-22, awaiting Microsoft sync');
  });

  it('plans tenants it has no data for as "not available" rows', async () => {
    const list = parsed('version: 1\ntenants: [current, Fabrikam, all customers]\ncontrols:\n  AdminMFAV2: { state: default }\n');
    const tenants = await loadTenants(list, async target => (target.kind === 'current' ? [tenantOf()]
      : [{ target: target.kind === 'named' ? target.name : 'all customers', reason: CUSTOMERS_NOT_LOADED }]));
    const plan = planPosture(list, tenants, NOW);
    assert.deepEqual(plan.tenants.map(t => (t.available ? `${t.name}: ${t.counts.inSync} in sync` : `${t.target}: ${t.reason}`)), [
      'Contoso Advisory Partners: 1 in sync', 'Fabrikam: not available: customers are not loaded', 'all customers: not available: customers are not loaded',
    ]);
    assert.match(formatPlan(plan, 'text'), /^Fabrikam: not available: customers are not loaded$/m);
  });
});

describe('posture: apply through the HTTPS emulator', function () {
  this.timeout(60_000);
  const emulator = useEmulator(() => ({ dataset: generateTenant({ now: NOW }) }));
  const writes = () => emulator().requests.filter(r => (r.method === 'PATCH' || r.method === 'POST') && !r.path.endsWith('$batch') && !/token/.test(r.path));
  const live = (): PostureTenant => tenantOf(emulator().engine.dataset);

  it('writes exactly the planned changes, and nothing the second time', async () => {
    const doc = parsed(SAMPLE);
    const plan = planPosture(doc, [live()], NOW);
    const t = plan.tenants[0] as TenantPlan;
    const alertIds = t.rules.flatMap(r => r.changes.map(c => c.alert.id));
    const stored: string[] = [];
    const target: WriteTarget = {
      writes: new WriteApi(emulatorService(emulator()).graph),
      store: { replaceProfile: p => stored.push(p.id), patchAlert: a => stored.push(a.id), replacePartnerAlert: () => undefined },
      ensureWriteAccess: async () => undefined,
    };
    const result = await applyPosturePlan(plan, () => target);
    assert.deepEqual(result.tenants[0].controls.map(r => `${r.id} ${r.outcome}`), ['mdo_safelinksforemail updated', 'IntegratedApps updated', 'mdo_zapspam updated', 'PWAgePolicyNew updated']);
    assert.deepEqual(result.tenants[0].alerts.filter(r => r.outcome !== 'updated'), []);
    const expected = [
      ...['mdo_safelinksforemail', 'IntegratedApps', 'mdo_zapspam', 'PWAgePolicyNew'].map(id => `PATCH /v1.0/security/secureScoreControlProfiles/${id}`),
      ...alertIds.map(id => `PATCH /v1.0/security/alerts_v2/${id}`), ...alertIds.map(id => `POST /v1.0/security/alerts_v2/${id}/comments`),
    ].sort();
    assert.deepEqual(writes().map(r => `${r.method} ${r.path.split('?')[0]}`).sort(), expected);
    const last = emulator().engine.dataset.controlProfiles.find(p => p.id === 'mdo_safelinksforemail')!.controlStateUpdates.at(-1)!;
    assert.deepEqual([last.state, last.comment, last.assignedTo], ['ThirdParty', 'Mimecast URL rewriting', 'secops@contoso.com']);
    assert.deepEqual(stored.sort(), [...['mdo_safelinksforemail', 'IntegratedApps', 'mdo_zapspam', 'PWAgePolicyNew'], ...alertIds].sort(), 'Graph\'s copies went to the store');

    const before = writes().length;
    const again = planPosture(doc, [live()], NOW);
    assert.equal(again.writes, 0, formatPlan(again, 'text'));
    await applyPosturePlan(again, () => target);
    assert.equal(writes().length, before);
  });
});

describe('posture: hostile files get problems, never an exception or a write', () => {
  const profiles = dataset.controlProfiles;
  const check = (text: string, expect: RegExp) => {
    const started = Date.now();
    const result = parsePosture(text, 'hostile.posture.yaml');
    const problems = [...result.problems, ...(result.doc ? validatePosture(result.doc, { profiles, now: NOW }) : [])];
    const plan = result.doc ? planPosture(result.doc, [tenantOf()], NOW) : undefined;
    assert.ok(problems.some(p => expect.test(p.message)), problems.slice(0, 3).map(p => p.message).join('\n'));
    assert.ok(problems.length <= 501, `${problems.length} problems`);
    return { problems, plan, ms: Date.now() - started };
  };

  it('refuses a huge file unread', () => {
    const { plan } = check(`version: 1\ncontrols:\n${'  # padding\n'.repeat(500_000)}`, /posture files of more than 5,000,000 are not read/);
    assert.equal(plan, undefined);
  });

  it('refuses deeply nested brackets unparsed', () => {
    check(`version: 1\ncontrols: ${'['.repeat(100_000)}`, /nested more than 64 deep/);
  });

  it('reports wrong types at every level', () => {
    const { plan } = check('version: "two"\ntenants: { a: 1 }\ncontrols: [1, 2]\nalertRules: { name: x }\n', /version 1 of the posture format/);
    assert.equal(plan!.writes, 0);
    check('version: 1\ncontrols:\n  AdminMFAV2: [default]\n  OneAdmin: { state: 7 }\n  ? [a]\n  : { state: default }\nalertRules:\n  - 12\n  - { name: [x], match: { a: 1 }, set: 3 }\n', /needs a mapping like \{ state: default \}, not a list/);
    check('- just\n- a list\n', /A posture file is a mapping/);
    check('version: 1\ncontrols: &a { AdminMFAV2: *a }\n', /needs a mapping like \{ state: default \}, not an alias/);
  });

  it('gives 10,000 unknown entries 500 problems and a summary, and plans nothing', () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `  Control${i}: { state: ignored }`);
    const { problems, plan, ms } = check(`version: 1\ncontrols:\n${lines.join('\n')}\n`, /is not an improvement action of this tenant/);
    assert.equal(problems.at(-1)!.code, 'tooManyProblems');
    assert.equal(plan!.writes, 0);
    // Generous: the test machine's cores are shared; the time goes to the YAML parser.
    assert.ok(ms < 30_000, `${ms} ms`);
  });

  it('keeps markup in control ids as plain, bounded text', () => {
    const id = `<img src=x onerror=alert(1)>[click](command:workbench.action.terminal.new)${'x'.repeat(5000)}`;
    const { problems, plan } = check(`version: 1\ncontrols:\n  "${id}": { state: ignored, comment: "x" }\n`, /is not an improvement action/);
    assert.ok(problems.every(p => p.message.length < 400 && !p.message.includes('](')), problems[0].message);
    assert.equal(plan!.writes, 0);
  });
});
