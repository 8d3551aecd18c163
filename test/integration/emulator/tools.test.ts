// The language model tools against the HTTPS Graph emulator (app-only sign-in through real MSAL):
// each read tool through vscode.lm.invokeTool with the emulator tenant's seeded values, and the
// write tools (confirmation recorded, then the write) checked in the emulator's request log and read back.
import * as assert from 'node:assert/strict';
import type { SecureScoreControlProfile, SecurityAlert } from '../../../src/graph/types';
import { requestLog } from '../emulatorControl';
import { answerParts, invokeTool, invokeWrite, messageText } from '../tools';
import { api } from '../trees';

const TENANT_ID = 'badf77fe-dcc0-4277-a982-af676055b80a';

async function readBack<T>(path: string): Promise<T> {
  const graph = (await api()).connection.tenant!.graph;
  return (await graph.get<T>(path, { area: path.includes('alerts') ? 'alerts' : 'controls' })).data;
}

describe('language model tools on the Graph emulator', function () {
  this.timeout(90_000);

  it('read tools answer from Graph with the tenant id and the seeded numbers', async () => {
    const summary = await invokeTool('securityPosture_summary', {});
    assert.match(summary, new RegExp(`^Tenant: ".+" \\(tenant id "${TENANT_ID}"\\)$`, 'm'));
    assert.match(summary, /^Secure Score: 226\.02 of 419 points \(53\.94%\) on \d{4}-\d{2}-\d{2}\.$/m);
    assert.match(summary, /same industry average 54\.06% \(you: −0\.12 percentage points, below\)/);
    assert.doesNotMatch(summary, /sample tenant/);

    const actions = await invokeTool('securityPosture_improvementActions', { sortBy: 'pointsAvailable', limit: 2 });
    assert.deepEqual((answerParts(actions).data as { actions: { id: string }[] }).actions.map(a => a.id), ['DLPEnabled', 'mdo_safelinksforemail']);

    const alerts = await invokeTool('securityPosture_queryAlerts', { query: 'severity:high' });
    assert.match(alerts, /^43 alerts match \(Graph's exact count\); 43 read\.$/m);

    const projection = await invokeTool('securityPosture_projectActions', { actionIds: ['DLPEnabled', 'mdo_safelinksforemail'] });
    assert.match(projection, /If they were completed: 226\.02 → 245\.02 of 419 points \(53\.94% → 58\.48%\), \+19 points\./);
    assert.match(projection, /same industry average 54\.06%: now −0\.12 \(below\), projected \+4\.42 \(above\)/);

    const change = await invokeTool('securityPosture_explainScoreChange', {});
    assert.match(change, /: 225\.73 → 226\.02 points \(\+0\.29\)/);

    const customers = await invokeTool('securityPosture_customersAtRisk', {});
    assert.match(customers, /^36 customers: 4 with no MFA mechanism enabled/m);
  });

  it('set improvement action state: confirmation asked first, sent as one $batch, read back from Graph', async () => {
    const since = (await requestLog()).reduce((max, r) => Math.max(max, r.seq), 0);
    const input = { actionIds: ['mdo_safelinksforemail', 'mdo_antiphishingpolicies'], state: 'ThirdParty', comment: 'Mail flows through our secure gateway' };
    const { prepared, text: report } = await invokeWrite('securityPosture_setImprovementActionState', input);
    assert.match(prepared[0].confirmationMessages!.title, /^Change 2 improvement actions in .+\?$/);
    const message = messageText(prepared[0].confirmationMessages!.message);
    assert.ok(message.includes(`tenant id ${TENANT_ID.replace(/-/g, '\\-')}`), message);
    assert.match(message, /Create Safe Links policies for email messages \(id mdo\\_safelinksforemail\): state\\: To address → Resolved through third party/);
    assert.match(message, /\(id mdo\\_antiphishingpolicies\): state\\: To address → Resolved through third party/);
    assert.match(report, /^2 updated, 0 unchanged, 0 failed or refused, of 2\.$/m);
    const writes = (await requestLog(since)).filter(r => r.method === 'PATCH');
    assert.deepEqual(writes.map(w => [w.path.replace(/^.*secureScoreControlProfiles\//, ''), w.status, w.inBatch]).sort(),
      [['mdo_antiphishingpolicies', 200, true], ['mdo_safelinksforemail', 200, true]]);
    const profile = await readBack<SecureScoreControlProfile>('/security/secureScoreControlProfiles/mdo_safelinksforemail');
    assert.equal(profile.controlStateUpdates.at(-1)!.state, 'ThirdParty');
    assert.equal(profile.controlStateUpdates.at(-1)!.comment, 'Mail flows through our secure gateway');
  });

  it('triage alerts: confirmation asked first, one PATCH and one comment, the report per item', async () => {
    const list = await invokeTool('securityPosture_queryAlerts', { query: 'severity:medium status:new', limit: 1 });
    const [target] = (answerParts(list).data as { alerts: { id: string; title: string }[] }).alerts;
    const since = (await requestLog()).reduce((max, r) => Math.max(max, r.seq), 0);
    const input = { alertIds: [target.id, 'no-such-alert'], status: 'inProgress', classification: 'truePositive', determination: 'phishing', comment: 'Looking into it (from chat)' };
    const { prepared, text: report } = await invokeWrite('securityPosture_triageAlerts', input);
    assert.match(prepared[0].confirmationMessages!.title, /^Change 1 alert in .+\?$/);
    const message = messageText(prepared[0].confirmationMessages!.message);
    assert.match(message, /status\\: New → In progress; classification\\: Not classified → True positive; determination\\: Unknown → Phishing; add comment \\"Looking into it \\\(from chat\\\)\\"/);
    assert.match(message, /id no\\-such\\-alert: not found, will be skipped/);
    assert.match(report, /^1 updated, 0 unchanged, 1 failed or refused, of 2\.$/m);
    const log = await requestLog(since);
    const path = `/v1.0/security/alerts_v2/${encodeURIComponent(target.id)}`;
    // The $batch POSTs carry reads (the unknown id is looked up); the writes are these two.
    assert.deepEqual(log.filter(r => r.method !== 'GET' && !r.path.endsWith('/$batch')).map(r => [r.method, r.path, r.status]), [['PATCH', path, 200], ['POST', `${path}/comments`, 200]]);
    assert.ok(log.some(r => r.inBatch && r.method === 'GET' && r.path.endsWith('/alerts_v2/no-such-alert') && r.status === 404), 'the unknown id was looked up and not found');
    const alert = await readBack<SecurityAlert>(path.replace('/v1.0', ''));
    assert.equal(alert.status, 'inProgress');
    assert.equal(alert.determination, 'phishing');
    assert.ok(alert.comments.some(c => c.comment === 'Looking into it (from chat)'));
  });
});
