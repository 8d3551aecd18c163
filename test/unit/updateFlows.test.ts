// The write commands' flows without VS Code: the prompts through a scripted UI port, the model's
// write flow, the HTTPS emulator as Graph. What a user would see (prompts, notifications, the
// report) and what Graph received (the emulator's request log and data) are both checked.
import * as assert from 'node:assert/strict';
import { askAlertChange, runAlertChange, setControlStateFlow } from '../../src/commands/updateFlows';
import type { SecureScoreControlProfile, SecurityAlert } from '../../src/graph/types';
import { WriteApi } from '../../src/graph/writes';
import { PendingUpdates } from '../../src/model/pending';
import type { WriteTarget } from '../../src/model/writeFlow';
import { generateTenant } from '../../src/sample/generator';
import { emulatorService, useEmulator } from './emulatorClient';
import { ScriptedUi } from './scriptedUi';

describe('write flows through the UI port (no VS Code)', function () {
  this.timeout(60_000);
  const now = new Date();
  const emulator = useEmulator(() => ({ dataset: generateTenant({ now, alerts: 60 }) }));
  const data = () => emulator().engine.dataset;
  const graphRequests = () => emulator().requests.filter(r => /^\/(v1\.0|beta)\//.test(r.path)).map(r => `${r.inBatch ? '  ' : ''}${r.method} ${r.path.replace(/\?.*$/, '')} ${r.status}${r.fault ? ` (${r.fault})` : ''}`);

  /** A target that records what the flow did to the store, the pending marks and the permission ask. */
  function target() {
    const replaced: SecureScoreControlProfile[] = [];
    const patched: SecurityAlert[] = [];
    const asked: string[] = [];
    const pending = new PendingUpdates();
    const marks: string[] = [];
    pending.onDidChange(kinds => marks.push(kinds.join()));
    const t: WriteTarget = {
      writes: new WriteApi(emulatorService(emulator()).graph),
      store: { replaceProfile: p => replaced.push(p), patchAlert: a => patched.push(a), replacePartnerAlert: () => undefined },
      pending,
      user: 'admin@contoso-partners.example',
      ensureWriteAccess: async area => void asked.push(area),
      now: () => now,
    };
    return { t, replaced, patched, asked, pending, marks };
  }

  it('sets an improvement action\'s state: state, comment, assignee, then one PATCH and the row\'s new state', async () => {
    const profile = data().controlProfiles.find(p => p.id === 'mdo_safeattachments')!;
    const { t, replaced, asked, pending, marks } = target();
    const ui = new ScriptedUi().script(
      { pick: 'Resolved through third party' },
      { input: '' }, // refused: a comment is required for this state
    );
    await assert.rejects(setControlStateFlow(ui, t, [profile], () => data().controlProfiles), /Canceled/);
    assert.equal(ui.shown.find(s => s.kind === 'input')?.problem, 'A comment is required for "Resolved through third party": say why, for the next admin and the auditors.');
    assert.deepEqual(graphRequests(), [], 'nothing sent for refused input');

    ui.script({ pick: 'Resolved through third party' }, { input: 'Mimecast covers attachments' }, { input: 'secops@contoso.example' });
    const change = await setControlStateFlow(ui, t, [profile], () => data().controlProfiles);
    assert.deepEqual(change, { state: 'ThirdParty', comment: 'Mimecast covers attachments', assignedTo: 'secops@contoso.example' });
    assert.deepEqual(graphRequests(), ['PATCH /v1.0/security/secureScoreControlProfiles/mdo_safeattachments 200']);
    assert.deepEqual(asked, ['controls']);
    const last = data().controlProfiles.find(p => p.id === 'mdo_safeattachments')!.controlStateUpdates.at(-1)!;
    assert.deepEqual([last.state, last.comment, last.assignedTo], ['ThirdParty', 'Mimecast covers attachments', 'secops@contoso.example']);
    assert.deepEqual(replaced.map(p => p.controlStateUpdates.at(-1)!.state), ['ThirdParty']);
    assert.deepEqual(marks, ['control', 'control', 'control'], 'in flight, awaiting sync, done');
    assert.equal(pending.awaitingSync('mdo_safeattachments')?.state, 'ThirdParty');
    assert.equal(ui.shown.at(-1)?.kind, 'status');
    assert.match(ui.shown.at(-1)!.text, /Set state to Resolved through third party: "Turn on Safe Attachments in block mode" updated/);
  });

  it('triages alerts with a comment: preview, one unchecked, PATCH then comment for the rest, and the report', async () => {
    const alerts = data().alerts.filter(a => a.status !== 'resolved' && a.classification !== 'truePositive').slice(0, 3);
    const { t, patched } = target();
    const ui = new ScriptedUi()
      .script({ pick: 'True positive' }, { pick: 'Phishing' })
      .answerNotifications('Show Report');
    const change = await askAlertChange(ui, 'classify', alerts, {});
    assert.deepEqual(change, { classification: 'truePositive', determination: 'phishing' });
    assert.deepEqual(ui.shown.find(s => s.text === 'Classify Alert (2/2): True positive because…')?.choices,
      ['Multi-staged attack', 'Malicious user activity', 'Compromised account', 'Malware', 'Phishing', 'Unwanted software', 'Advanced persistent threat', 'Other']);

    ui.script({ pickMany: labels => labels.filter(l => l !== alerts[1].title) });
    const results = await runAlertChange(ui, t, alerts, { ...change, comment: 'Phishing kit, user reset' }, true);
    assert.deepEqual(results.map(r => r.outcome), ['updated', 'unchanged', 'updated']);
    for (const [i, alert] of alerts.entries()) {
      const stored = data().alerts.find(a => a.id === alert.id)!;
      assert.equal(stored.comments.filter(c => c.comment === 'Phishing kit, user reset').length, i === 1 ? 0 : 1, alert.id);
      assert.equal(stored.classification, i === 1 ? alert.classification : 'truePositive', alert.id);
    }
    assert.deepEqual(patched.map(a => a.id), [alerts[0].id, alerts[2].id]);
    const report = await ui.next(s => s.kind === 'report');
    assert.match(report.text, /^# Update alerts\n\n2 updated, 1 unchanged — /);
    assert.equal(ui.shown.find(s => s.kind === 'notify')?.text, 'Update alerts: 2 updated, 1 unchanged.');
  });

  it('reads an alert back after a 5xx that came after the comment was written, and does not send it again', async () => {
    const [alert] = data().alerts;
    emulator().faults.add({ method: 'POST', path: `alerts_v2/${alert.id}/comments`, count: 1, fault: { kind: 'failAfterWrite', status: 503 } });
    const { t } = target();
    const ui = new ScriptedUi();
    const results = await runAlertChange(ui, t, [alert], { comment: 'Seen by tier 1' }, false);
    assert.equal(results[0].outcome, 'updated');
    assert.deepEqual(graphRequests(), [
      `POST /v1.0/security/alerts_v2/${alert.id}/comments 503 (failAfterWrite)`,
      'POST /v1.0/$batch 200',
      `  GET /v1.0/security/alerts_v2/${alert.id} 200`,
    ]);
    assert.equal(data().alerts[0].comments.filter(c => c.comment === 'Seen by tier 1').length, 1);
  });

  it('"Retry" after an unconfirmed comment reads the alert first, then sends it once', async () => {
    const [alert] = data().alerts;
    emulator().faults.add({ method: 'POST', path: `alerts_v2/${alert.id}/comments`, count: 1, fault: { kind: 'reset' } });
    const { t } = target();
    const ui = new ScriptedUi().answerNotifications('Retry');
    const results = await runAlertChange(ui, t, [alert], { comment: 'Contained' }, false);
    assert.equal(results[0].outcome, 'failed');
    const failure = await ui.next(s => s.kind === 'notify');
    assert.match(failure.text, /was not changed\. The comment could not be confirmed and may still be added, so it was not sent again/);
    assert.deepEqual(failure.choices, ['Retry', 'Show Log']);
    const done = await ui.next(s => s.kind === 'status');
    assert.match(done.text, /Update alerts: ".*" updated\./);
    assert.equal(data().alerts[0].comments.filter(c => c.comment === 'Contained').length, 1);
    const posts = emulator().requests.filter(r => r.method === 'POST' && r.path.endsWith('/comments'));
    assert.deepEqual(posts.map(r => r.status), [0, 200], 'the dropped one, then the retry');
  });
});
