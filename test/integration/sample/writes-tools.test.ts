// Named to run after the read-only suites (the read tools are in tools.test.ts): its write tools change
// alerts and actions of the shared sample tenant.
// The language model tools in the real VS Code on the sample tenant, called through
// vscode.lm.invokeTool as a chat model's call would be. Write tools: VS Code asks the tool for its
// confirmation before invoking it (recorded here; a test host answers dialogs "yes" by itself).
// Expected numbers are the sample's seeded values.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TenantDataset } from '../../../src/sample/dataset';
import { waitFor } from '../helpers';
import { answerParts, invokeTool, invokeWrite, messageText } from '../tools';
import { api } from '../trees';

async function dataset(): Promise<TenantDataset> {
  return ((await api()).connection.state as { dataset: TenantDataset }).dataset;
}

describe('language model tools on the sample tenant: the write tools', function () {
  this.timeout(60_000);

  it('set improvement action state: VS Code gets a confirmation naming the tenant and each change, then the write and its report', async () => {
    const a = await api();
    const input = { actionIds: ['aad_admin_consent_workflow', 'scid_2000'], state: 'Ignored', comment: 'Consent requests go through our IdP workflow' };
    const { prepared, text: report } = await invokeWrite('securityPosture_setImprovementActionState', input);
    assert.equal(prepared.length, 1, 'VS Code asked for the confirmation once, before invoking');
    assert.equal(prepared[0].confirmationMessages?.title, 'Change 1 improvement action in Contoso Advisory Partners (sample tenant)?');
    const message = messageText(prepared[0].confirmationMessages?.message);
    assert.match(message, /^\*\*Tenant:\*\* Contoso Advisory Partners \(sample tenant\) — tenant id badf77fe\\-dcc0\\-4277\\-a982\\-af676055b80a$/m);
    assert.match(message, /^- Ensure the admin consent workflow is enabled \(id aad\\_admin\\_consent\\_workflow\): state\\: To address → Risk accepted$/m);
    assert.match(message, /^- Turn on real\\-time protection \(id scid\\_2000\): not changed\\: Graph cannot change Defender for Endpoint controls$/m);
    assert.match(report, /^1 updated, 0 unchanged, 1 failed or refused, of 2\.$/m);
    const items = (answerParts(report).data as { items: { id: string; outcome: string }[] }).items;
    assert.deepEqual(items.map(i => [i.id, i.outcome]), [['aad_admin_consent_workflow', 'updated'], ['scid_2000', 'failed']]);
    const stored = (await dataset()).controlProfiles.find(p => p.id === 'aad_admin_consent_workflow')!.controlStateUpdates.at(-1)!;
    assert.equal(stored.state, 'Ignored', 'the sample tenant has the change');
    assert.equal(stored.comment, 'Consent requests go through our IdP workflow');
    assert.equal(a.store.get('profiles').data!.find(p => p.id === 'aad_admin_consent_workflow')!.controlStateUpdates.at(-1)!.state, 'Ignored', 'the view\'s data too');
  });

  it('triage alerts: the confirmation lists each alert from → to; bad input is still confirmed and then refused, changing nothing', async () => {
    const data = await dataset();
    const alert = data.alerts.find(x => x.status === 'new' && x.severity === 'high')!;
    const { prepared, text } = await invokeWrite('securityPosture_triageAlerts', { alertIds: [alert.id], status: 'resolved', classification: 'falsePositive', determination: 'notMalicious', comment: 'Expected: travel to the Lisbon office' });
    assert.equal(prepared[0].confirmationMessages?.title, 'Change 1 alert in Contoso Advisory Partners (sample tenant)?');
    assert.match(messageText(prepared[0].confirmationMessages?.message), /status\\: New → Resolved; classification\\: Not classified → False positive; determination\\: Unknown → Not malicious; add comment \\"Expected\\: travel to the Lisbon office\\"/);
    assert.match(text, /^1 updated, 0 unchanged, 0 failed or refused, of 1\.$/m);
    const stored = data.alerts.find(x => x.id === alert.id)!;
    assert.equal(stored.status, 'resolved');
    assert.equal(stored.determination, 'notMalicious');
    assert.equal(stored.comments.at(-1)?.comment, 'Expected: travel to the Lisbon office');

    const other = data.alerts.find(x => x.status === 'new' && x.id !== alert.id)!;
    const bad = await invokeWrite('securityPosture_triageAlerts', { alertIds: [other.id], classification: 'falsePositive', determination: 'malware' });
    assert.equal(bad.prepared[0].confirmationMessages?.title, 'Nothing will be changed in Contoso Advisory Partners (sample tenant)');
    assert.match(bad.text, /Nothing was changed: "malware" is not a determination of False positive/);
    assert.equal(data.alerts.find(x => x.id === other.id)!.status, 'new');
  });

  it('a write tool called without VS Code asking the user first changes nothing', async () => {
    const data = await dataset();
    const alert = data.alerts.find(x => x.status === 'new')!;
    const tool = (await api()).languageModelTools.securityPosture_triageAlerts;
    const source = new vscode.CancellationTokenSource();
    const result = await tool.invoke({ input: { alertIds: [alert.id], status: 'resolved' }, toolInvocationToken: undefined }, source.token);
    const text = (result!.content[0] as vscode.LanguageModelTextPart).value;
    assert.match(text, /^Security Posture — Triage security alerts\nNothing was changed: the user was not asked to confirm this change\. Call the tool again so VS Code asks the user\.$/);
    assert.equal(data.alerts.find(x => x.id === alert.id)!.status, 'new');
  });

  it('turned off by the setting: models no longer see the tools, and a call is refused with the reason', async () => {
    const config = vscode.workspace.getConfiguration('securityPosture');
    await config.update('languageModelTools.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      await waitFor('the tools gone from vscode.lm.tools', () => !vscode.lm.tools.some(t => t.name.startsWith('securityPosture_')));
      const refused = await invokeTool('securityPosture_summary', {});
      assert.equal(refused, 'Security Posture\'s language model tools are turned off (setting "securityPosture.languageModelTools.enabled"). Nothing was read or changed. The user can turn them on in the settings.');
    } finally {
      await config.update('languageModelTools.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('the tools back in vscode.lm.tools', () => vscode.lm.tools.filter(t => t.name.startsWith('securityPosture_')).length === 8);
  });

});
