// Writes against the HTTPS emulator, which checks bodies like Graph: each update kind, single
// and bulk; batches of 1, 20, 21 and 250; inner 429 and 424; a 5xx after the write happened;
// consent refused; scid_ refused.
import * as assert from 'node:assert/strict';
import { WriteApi } from '../../src/graph/writes';
import { applyAlertPreviews, applyControlChange } from '../../src/model/apply';
import { previewAlertChanges } from '../../src/model/updates';
import { generateTenant } from '../../src/sample/generator';
import { emulatorService, useEmulator } from './emulatorClient';

describe('writes through the HTTPS emulator', function () {
  this.timeout(60_000);
  const now = new Date();
  const emulator = useEmulator(() => ({ dataset: generateTenant({ now, alerts: 600 }) }));

  const api = () => new WriteApi(emulatorService(emulator()).graph);
  const data = () => emulator().engine.dataset;
  const outer = () => emulator().requests.filter(r => !r.inBatch && /^\/(v1\.0|beta)\//.test(r.path));
  const profiles = () => data().controlProfiles.filter(p => !p.deprecated && !p.id.startsWith('scid_'));

  it('sets one control\'s state with a plain PATCH and gets the profile back with the new history entry', async () => {
    const [profile] = profiles();
    const results = await applyControlChange(api(), [profile], { state: 'ThirdParty', comment: 'Handled by our gateway', assignedTo: 'secops@contoso.example' }, { now });
    assert.equal(results[0].outcome, 'updated');
    const last = results[0].updated!.controlStateUpdates.at(-1)!;
    assert.deepEqual([last.state, last.comment, last.assignedTo], ['ThirdParty', 'Handled by our gateway', 'secops@contoso.example']);
    assert.equal(data().controlProfiles.find(p => p.id === profile.id)!.controlStateUpdates.at(-1)!.state, 'ThirdParty');
    assert.deepEqual(outer().map(r => `${r.method} ${r.status}`), ['PATCH 200']);
  });

  it('refuses Defender scid_ controls before sending anything', async () => {
    const scid = data().controlProfiles.find(p => p.id.startsWith('scid_'))!;
    const results = await applyControlChange(api(), [scid], { state: 'Ignored', comment: 'x' }, { now });
    assert.equal(results[0].outcome, 'failed');
    assert.match(results[0].reason!, /Defender for Endpoint control.*Defender portal/);
    assert.equal(outer().length, 0);
  });

  for (const size of [20, 21]) {
    it(`sets ${size} controls in ${Math.ceil(size / 4)} batch requests (Graph runs 4 at a time), each with its own answer`, async () => {
      const chosen = profiles().slice(0, size);
      const results = await applyControlChange(api(), chosen, { state: 'Reviewed', comment: 'Compensating control documented in ISMS-42' }, { now });
      assert.equal(results.filter(r => r.outcome === 'updated').length, size);
      assert.deepEqual(results.map(r => r.id), chosen.map(p => p.id));
      assert.equal(outer().length, Math.ceil(size / 4));
      assert.ok(outer().every(r => r.path.endsWith('$batch')));
    });
  }

  it('reports the empty-code 400 Graph sends for a rejected body, per item', async () => {
    const chosen = profiles().slice(0, 3);
    emulator().faults.add({ path: `secureScoreControlProfiles/${chosen[1].id}`, inBatch: true, fault: { kind: 'status', status: 400, code: '', message: 'Http request failed with statusCode=BadRequest' } });
    const results = await applyControlChange(api(), chosen, { state: 'Ignored', comment: 'Accepted by the CISO' }, { now });
    assert.deepEqual(results.map(r => r.outcome), ['updated', 'failed', 'updated']);
    assert.match(results[1].reason!, /statusCode=BadRequest/);
  });

  it('updates 250 alerts in 13 batches under throttling, and reports every one exactly once', async () => {
    const alerts = data().alerts.slice(0, 250);
    emulator().faults.add({ path: 'alerts_v2', inBatch: true, count: 30, probability: 0.5, fault: { kind: 'status', status: 429, retryAfter: '0.2' } });
    const plans = previewAlertChanges(alerts, { status: 'inProgress', assignedTo: 'analyst@contoso-partners.example' });
    const results = await applyAlertPreviews(api(), plans);
    assert.equal(results.length, 250);
    assert.deepEqual(results.map(r => r.id), alerts.map(a => a.id));
    const changed = plans.filter(p => !p.unchanged).length;
    assert.equal(results.filter(r => r.outcome === 'updated').length, changed);
    assert.equal(results.filter(r => r.outcome === 'unchanged').length, 250 - changed);
    assert.equal(results.filter(r => r.outcome === 'failed').length, 0);
    const stored = new Map(data().alerts.map(a => [a.id, a]));
    assert.ok(alerts.every(a => stored.get(a.id)!.status === 'inProgress' && stored.get(a.id)!.assignedTo === 'analyst@contoso-partners.example'));
    const batches = outer().filter(r => r.path.endsWith('$batch')).length;
    assert.ok(batches >= 13 && batches <= 13 + 4, `${batches} batch requests (13 plus the re-sends of throttled items)`);
    assert.ok(emulator().requests.some(r => r.inBatch && r.status === 429), 'some inner requests were throttled');
  });

  it('updates 500 alerts in at most 25 HTTP requests', async () => {
    const alerts = data().alerts.slice(0, 500);
    const results = await applyAlertPreviews(api(), previewAlertChanges(alerts, { assignedTo: 'tier1@contoso-partners.example' }));
    assert.equal(results.filter(r => r.outcome === 'failed').length, 0);
    assert.ok(outer().length <= 25, `${outer().length} requests`);
  });

  it('retries an inner 424 and 503 for idempotent PATCHes', async () => {
    const alerts = data().alerts.slice(0, 5);
    emulator().faults.add({ path: `alerts_v2/${alerts[1].id}`, inBatch: true, count: 1, fault: { kind: 'status', status: 424 } });
    emulator().faults.add({ path: `alerts_v2/${alerts[3].id}`, inBatch: true, count: 1, fault: { kind: 'status', status: 503 } });
    const results = await applyAlertPreviews(api(), previewAlertChanges(alerts, { classification: 'falsePositive', determination: 'notMalicious' }));
    assert.ok(results.every(r => r.outcome !== 'failed'), JSON.stringify(results.filter(r => r.outcome === 'failed')));
  });

  it('classifies, comments and reports a deleted alert (404) by name', async () => {
    const alerts = data().alerts.slice(0, 3);
    const gone = { ...alerts[2], id: 'da000000000000000000_-1', title: 'Deleted meanwhile' };
    const plans = previewAlertChanges([alerts[0], alerts[1], gone], { status: 'resolved', classification: 'truePositive', determination: 'phishing', comment: 'Confirmed with the user' });
    const results = await applyAlertPreviews(api(), plans);
    assert.deepEqual(results.map(r => r.outcome), ['updated', 'updated', 'failed']);
    assert.match(results[2].reason!, /no longer exists/);
    for (const alert of alerts.slice(0, 2)) {
      const stored = data().alerts.find(a => a.id === alert.id)!;
      assert.equal(stored.determination, 'phishing');
      assert.equal(stored.comments.filter(c => c.comment === 'Confirmed with the user').length, 1);
    }
  });

  it('never writes a comment twice after a 5xx that came after the write', async () => {
    const alerts = data().alerts.slice(0, 4);
    emulator().faults.add({ method: 'POST', path: `alerts_v2/${alerts[0].id}/comments`, inBatch: true, count: 1, fault: { kind: 'failAfterWrite', status: 503 } });
    emulator().faults.add({ method: 'POST', path: `alerts_v2/${alerts[2].id}/comments`, inBatch: true, count: 1, fault: { kind: 'status', status: 503 } });
    const results = await applyAlertPreviews(api(), previewAlertChanges(alerts, { comment: 'Escalated to tier 2' }));
    assert.ok(results.every(r => r.outcome === 'updated'), JSON.stringify(results));
    for (const alert of alerts) {
      assert.equal(data().alerts.find(a => a.id === alert.id)!.comments.filter(c => c.comment === 'Escalated to tier 2').length, 1, alert.id);
    }
    // Both faults fired inside the batch: the landed comment was read back, not sent again; the refused one was sent again.
    const posts = (id: string) => emulator().requests.filter(r => r.method === 'POST' && r.path === `/v1.0/security/alerts_v2/${id}/comments`)
      .map(r => [r.inBatch, r.status, r.fault]);
    assert.deepEqual(posts(alerts[0].id), [[true, 503, 'failAfterWrite']]);
    assert.deepEqual(posts(alerts[2].id), [[true, 503, 'status'], [false, 200, undefined]]);
    assert.deepEqual(posts(alerts[1].id), [[true, 200, undefined]]);
    assert.deepEqual(emulator().faults.rules, [], 'both rules used up');
  });

  it('never writes a single comment twice after a timeout-like ambiguous answer', async () => {
    const [alert] = data().alerts;
    emulator().faults.add({ method: 'POST', path: 'comments', count: 1, fault: { kind: 'failAfterWrite', status: 504 } });
    const results = await applyAlertPreviews(api(), previewAlertChanges([alert], { comment: 'Single and ambiguous' }));
    assert.equal(results[0].outcome, 'updated');
    assert.equal(data().alerts[0].comments.filter(c => c.comment === 'Single and ambiguous').length, 1);
  });

  it('reports refused consent as access denied with the write permission, changing nothing', async () => {
    const alerts = data().alerts.slice(0, 2);
    const before = alerts.map(a => a.status);
    const writes = api();
    await writes.patchAlerts([{ id: alerts[0].id, patch: {} }]).catch(() => undefined);
    emulator().faults.revokeConsent(emulator().clients[0].clientId);
    const results = await applyAlertPreviews(writes, previewAlertChanges(alerts, { status: alerts[0].status === 'new' ? 'inProgress' : 'new' }));
    assert.ok(results.every(r => r.outcome === 'failed' && /SecurityAlert\.ReadWrite\.All/.test(r.reason!)), JSON.stringify(results));
    assert.deepEqual(data().alerts.slice(0, 2).map(a => a.status), before);
  });

  it('sets a partner alert to resolved with a reason and gets the activity log entry', async () => {
    const alert = data().partnerAlerts.find(a => a.status === 'active')!;
    const result = await api().patchPartnerAlert(alert.id, { status: 'resolved', resolvedReason: 'legitimate' });
    assert.equal(result.ok, true);
    assert.equal(result.body!.status, 'resolved');
    assert.equal(result.body!.resolvedReason, 'legitimate');
    assert.deepEqual(result.body!.activityLogs.at(-1)!.statusTo, 'resolved');
    assert.match(outer()[0].path, /^\/beta\/security\/partner\/securityAlerts\//);
  });
});
