import * as assert from 'node:assert/strict';
import type { SecureScore, SecurityAlert } from '../../src/graph/types';
import { PendingUpdates } from '../../src/model/pending';
import {
  alertChangeProblem, assigneeProblem, commentProblem, controlPatchBody, controlRefusal, describeDiffs, hasComment, partnerChangeProblem,
  previewAlertChanges, reportMarkdown, summarize,
} from '../../src/model/updates';

const alert = (extra: Partial<SecurityAlert>): SecurityAlert => ({
  id: 'a1', title: 'Suspicious sign-in', status: 'new', severity: 'high', classification: 'unknown', determination: 'unknown', assignedTo: null,
  comments: [], serviceSource: 'azureAdIdentityProtection', ...extra,
}) as SecurityAlert;

describe('updates: checks before anything is sent', () => {
  it('requires a comment for every state but Default', () => {
    assert.match(commentProblem('Ignored', '  ')!, /comment is required for "Risk accepted"/);
    assert.equal(commentProblem('ThirdParty', 'Gateway does it'), undefined);
    assert.equal(commentProblem('Default', ''), undefined);
  });

  it('accepts UPNs and e-mail addresses as assignees, and nothing else', () => {
    assert.equal(assigneeProblem('megan.bowen@contoso.com'), undefined);
    assert.equal(assigneeProblem(''), undefined);
    for (const bad of ['megan', 'megan@', '@contoso.com', 'a b@contoso.com', 'x@contoso', '<script>@x.com']) {
      assert.ok(assigneeProblem(bad), bad);
    }
  });

  it('offers only valid classification / determination pairs', () => {
    assert.equal(alertChangeProblem({ classification: 'truePositive', determination: 'phishing' }), undefined);
    assert.match(alertChangeProblem({ classification: 'falsePositive', determination: 'phishing' })!, /not a determination of False positive/);
    assert.match(alertChangeProblem({ classification: 'bogus', determination: 'other' })!, /not a classification/);
    assert.match(alertChangeProblem({ status: 'closed' })!, /not an alert status/);
    assert.match(alertChangeProblem({ comment: '  ' })!, /empty/);
    assert.match(alertChangeProblem({})!, /Nothing to change/);
  });

  it('refuses Defender scid_ controls and sends vendorInformation with every PATCH', () => {
    assert.match(controlRefusal({ id: 'scid_2010', title: 'Turn on PUA protection' })!, /Defender for Endpoint/);
    assert.equal(controlRefusal({ id: 'AdminMFAV2', title: 'MFA' }), undefined);
    const body = controlPatchBody({ vendorInformation: null } as never, { state: 'Reviewed', comment: ' Done elsewhere ', assignedTo: '' });
    assert.deepEqual(body, { state: 'Reviewed', comment: 'Done elsewhere', vendorInformation: { provider: 'SecureScore', providerVersion: null, subProvider: null, vendor: 'Microsoft' } });
  });

  it('checks partner alert changes', () => {
    const a = { status: 'active', displayName: 'Mining' };
    assert.match(partnerChangeProblem(a, { status: 'resolved' })!, /needs a reason/);
    assert.equal(partnerChangeProblem(a, { status: 'resolved', resolvedReason: 'fraud' }), undefined);
    assert.match(partnerChangeProblem(a, { status: 'investigating', resolvedReason: 'fraud' })!, /only with the resolved status/);
    assert.match(partnerChangeProblem(a, { status: 'active' })!, /already active/);
  });
});

describe('updates: dry run and report', () => {
  it('plans only what changes, from what to what', () => {
    const plans = previewAlertChanges([alert({}), alert({ id: 'a2', status: 'resolved', assignedTo: 'me@contoso.com' })], { status: 'resolved', assignedTo: 'me@contoso.com' });
    assert.deepEqual(plans[0].patch, { status: 'resolved', assignedTo: 'me@contoso.com' });
    assert.equal(describeDiffs(plans[0].diffs), 'status: New → Resolved · assignedTo: unassigned → me@contoso.com');
    assert.equal(plans[1].unchanged, true);
  });

  it('unassigns with null and keeps comments apart from the PATCH', () => {
    const [plan] = previewAlertChanges([alert({ assignedTo: 'x@contoso.com' })], { assignedTo: '', comment: 'handing back' });
    assert.deepEqual(plan.patch, { assignedTo: null });
    assert.equal(plan.comment, 'handing back');
  });

  it('recognises a comment that already landed', () => {
    const a = alert({ comments: [{ comment: 'Escalated', createdByDisplayName: 'me', createdDateTime: '2026-11-22T10:00:00Z' }] });
    assert.equal(hasComment(a, 'Escalated', Date.parse('2026-11-22T10:00:30Z')), true);
    assert.equal(hasComment(a, 'Escalated', Date.parse('2026-11-22T11:00:00Z')), false);
  });

  it('writes a per-item Markdown report that escapes hostile titles', () => {
    const results = [
      { id: 'a1', title: 'ok | <img src=x onerror=alert(1)>', outcome: 'updated' as const },
      { id: 'a2', title: 'gone', outcome: 'failed' as const, reason: 'The item no longer exists.' },
      { id: 'a3', title: 'same', outcome: 'unchanged' as const },
    ];
    assert.equal(summarize(results), '1 updated, 1 unchanged, 1 failed');
    const md = reportMarkdown('Update alerts', results, new Date('2026-11-22T10:00:00Z'));
    assert.ok(md.includes('| ok \\| \\<img src=x onerror=alert(1)\\> | a1 | updated |  |'), md);
    assert.ok(md.includes('| gone | a2 | failed | The item no longer exists. |'));
  });
});

describe('pending updates', () => {
  const snapshot = (date: string, score: number): SecureScore => ({ createdDateTime: date, controlScores: [{ controlName: 'X', controlCategory: 'Identity', description: null, score }] }) as SecureScore;

  it('keeps a control "awaiting Microsoft sync" until a newer snapshot shows its points', () => {
    const pending = new PendingUpdates();
    pending.markAwaitingSync('X', 'ThirdParty', new Date('2026-11-22T14:00:00Z'));
    assert.deepEqual(pending.reconcile(snapshot('2026-11-22T00:00:00Z', 0), () => 10), []);
    assert.ok(pending.awaitingSync('X'), 'today\'s snapshot is older than the change');
    assert.deepEqual(pending.reconcile(snapshot('2026-11-23T00:00:00Z', 0), () => 10), []);
    assert.ok(pending.awaitingSync('X'), 'a newer snapshot without the points');
    assert.deepEqual(pending.reconcile(snapshot('2026-11-24T00:00:00Z', 10), () => 10), ['X'], 'reflected');
    assert.equal(pending.awaitingSync('X'), undefined, 'and forgotten');
  });

  it('shows in-flight values and tells listeners', () => {
    const pending = new PendingUpdates();
    const heard: string[] = [];
    pending.onDidChange(kinds => heard.push(...kinds));
    pending.begin('alert', ['a1'], 'Resolved');
    assert.equal(pending.get('alert', 'a1')?.value, 'Resolved');
    pending.end('alert', ['a1']);
    assert.equal(pending.get('alert', 'a1'), undefined);
    assert.deepEqual(heard, ['alert', 'alert']);
  });
});
