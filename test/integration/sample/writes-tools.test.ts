// Named to run after the read-only suites: its write tools change alerts and actions of the shared sample tenant.
// The language model tools in the real VS Code on the sample tenant, called through
// vscode.lm.invokeTool as a chat model's call would be. Write tools: VS Code asks the tool for its
// confirmation before invoking it (recorded here; a test host answers dialogs "yes" by itself).
// Expected numbers are the sample's seeded values.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TenantDataset } from '../../../src/sample/dataset';
import { waitFor } from '../helpers';
import { answerParts, invokeTool, invokeWrite, messageText, READ_TOOLS, WRITE_TOOLS } from '../tools';
import { api } from '../trees';

async function dataset(): Promise<TenantDataset> {
  return ((await api()).connection.state as { dataset: TenantDataset }).dataset;
}

const day = (iso: string, back = 0) => new Date(Date.parse(iso.slice(0, 10)) - back * 86_400_000).toISOString().slice(0, 10);

describe('language model tools on the sample tenant', function () {
  this.timeout(60_000);

  it('registers every tool with VS Code, listed for models with its tags', async () => {
    await api();
    const ours = await waitFor('the tools in vscode.lm.tools', () => {
      const list = vscode.lm.tools.filter(t => t.name.startsWith('securityPosture_'));
      return list.length === 8 ? list : undefined;
    });
    assert.deepEqual(ours.map(t => t.name).sort(), [...READ_TOOLS, ...WRITE_TOOLS].sort());
    assert.ok(ours.find(t => t.name === 'securityPosture_triageAlerts')!.tags.includes('writes'));
    assert.ok(ours.find(t => t.name === 'securityPosture_summary')!.tags.includes('read-only'));
  });

  it('posture summary: score, change, comparisons, categories, top actions, tenant and "as of"', async () => {
    const data = await dataset();
    const text = await invokeTool('securityPosture_summary', { topActions: 3 });
    const { outside, data: block } = answerParts(text);
    const today = day(data.secureScores[0].createdDateTime);
    assert.equal(outside[0], 'Security Posture — Posture summary');
    assert.equal(outside[1], 'Tenant: "Contoso Advisory Partners" (the built-in fictional sample tenant) (tenant id "badf77fe-dcc0-4277-a982-af676055b80a")');
    assert.match(outside[2], new RegExp(`^Data as of ${today} \\d\\d:\\d\\d UTC\\.$`));
    assert.equal(outside[3], `Secure Score: 249.72 of 419 points (59.6%) on ${today}.`);
    assert.equal(outside[4], `Change since ${day(today, 1)}: −0.07 points (−0.02 percentage points).`);
    assert.match(text, /all tenants average 47\.11% \(you: \+12\.49 percentage points, above\); similar seat count average 50\.92% \(you: \+8\.68 percentage points, above\); same industry average 54\.28% \(you: \+5\.32 percentage points, above\)/);
    assert.match(text, /Points per category: Identity 65\.23 of 103 \(63\.33%\); Data 19\.69 of 35 \(56\.26%\); Device 64\.12 of 132 \(48\.58%\); Apps 86\.88 of 129 \(67\.35%\); Infrastructure 13\.8 of 20 \(69%\)\./);
    assert.equal((block as { topActionsByPointsAvailable: unknown[] }).topActionsByPointsAvailable.length, 3);
  });

  it('improvement actions: filtered by category and cost, sorted by points available', async () => {
    const text = await invokeTool('securityPosture_improvementActions', { category: 'Identity', implementationCost: ['Low'], limit: 3 });
    assert.match(text, /^16 of 95 improvement actions match \(category "Identity"; cost "Low"; deprecated ones left out\); 3 shown, sorted by points available\.$/m);
    const { data } = answerParts(text);
    assert.deepEqual((data as { actions: { id: string; pointsAvailable: number }[] }).actions.map(a => [a.id, a.pointsAvailable]),
      [['mdi_unsecure_account_attributes', 3.36], ['aad_admin_consent_workflow', 2], (data as { actions: { id: string; pointsAvailable: number }[] }).actions.map(a => [a.id, a.pointsAvailable])[2]]);
    // The third depends on what earlier suites changed in the shared sample tenant; it still comes after the second.
    assert.ok((data as { actions: { pointsAvailable: number }[] }).actions[2].pointsAvailable <= 2);
  });

  it('query alerts: Graph\'s exact count and the top items; invalid text gets the parser\'s own message', async () => {
    const text = await invokeTool('securityPosture_queryAlerts', { query: 'severity:high', limit: 5 });
    assert.match(text, /^43 alerts match \(Graph's exact count\); 43 read\.$/m);
    const alerts = (answerParts(text).data as { alerts: { severity: string }[] }).alerts;
    assert.equal(alerts.length, 5);
    assert.ok(alerts.every(a => a.severity === 'high'));
    const invalid = await invokeTool('securityPosture_queryAlerts', { query: 'severity:high sevrity:low' });
    assert.match(invalid, /The query is not valid, so nothing was read: Unknown key "sevrity"; did you mean severity\? The bad part is marked: "severity:high ⟪sevrity⟫:low"/);
  });

  it('explain a change: the last two days by default, or the days asked for, by cause', async () => {
    const today = day((await dataset()).secureScores[0].createdDateTime);
    const latest = await invokeTool('securityPosture_explainScoreChange', {});
    assert.match(latest, new RegExp(`From ${day(today, 1)} to ${today}: 249\\.79 → 249\\.72 points \\(−0\\.07\\)`));
    const month = await invokeTool('securityPosture_explainScoreChange', { from: day(today, 30), to: today });
    assert.match(month, new RegExp(`From ${day(today, 30)} to ${today}: 236\\.85 → 249\\.72 points \\(\\+12\\.87\\); maximum 415 → 419 \\(\\+4\\)\\.`));
    assert.match(month, /Microsoft's side \(controls added or removed, maximum changed\) \+4 points in 2 actions; configuration \+8\.87 points in 14 actions/);
    const microsoft = (answerParts(month).data as { causes: { cause: string; changes: { id: string; reason: string }[] }[] }).causes.find(c => c.cause === 'microsoft')!;
    assert.deepEqual(microsoft.changes.map(c => [c.id, c.reason]), [['mip_dlp_teams', 'Added by Microsoft'], ['spo_guest_user_resharing', 'Added by Microsoft']]);
    assert.match(await invokeTool('securityPosture_explainScoreChange', { from: '1999-01-01' }), /No snapshot is stored for 1999-01-01\. Stored days run from /);
  });

  it('what-if: the actions named, or the saved plan, against the comparisons', async () => {
    const named = await invokeTool('securityPosture_projectActions', { actionIds: ['DLPEnabled', 'mdo_safelinksforemail'] });
    // DLPEnabled earns its 10 of 10 already; Safe Links 0 of 9 (seeded snapshot).
    assert.match(named, /If they were completed: 249\.72 → 258\.72 of 419 points \(59\.6% → 61\.75%\), \+9 points\./);
    const a = await api();
    await a.plan.replace('sample', ['mdo_safelinksforemail']);
    try {
      const planned = await invokeTool('securityPosture_projectActions', {});
      assert.match(planned, /The saved what-if plan: 1 known improvement action\./);
      assert.match(planned, /249\.72 → 258\.72/);
    } finally {
      await a.plan.forget('sample');
    }
  });

  it('customers at risk: MFA status and open high-severity partner alerts', async () => {
    // From the partner's own data only: the portfolio the Customers view read (if that suite ran) is
    // set aside for this test and restored after it.
    const a = await api();
    a.customers.portfolio.connect(undefined);
    let text: string;
    try {
      text = await invokeTool('securityPosture_customersAtRisk', { limit: 50 });
    } finally {
      a.customers.portfolio.connect(a.connection.portfolioSource);
    }
    assert.match(text, /^36 customers: 4 with no MFA mechanism enabled \(no security defaults, no Conditional Access MFA, no per-user MFA\), 0 with no MFA data, 1 with open high-severity alerts\.$/m);
    const customers = (answerParts(text).data as { customers: { name: string; atRiskBecause: string[]; mfa: { totalUsers: number } }[] }).customers;
    assert.equal(customers.length, 5);
    assert.deepEqual(customers.find(c => c.name === 'Clearwater Brewing Company')?.atRiskBecause, ['openHighAlerts']);
    assert.equal(customers.find(c => c.name === 'Parnell Dermatology')?.mfa.totalUsers, 134);
  });

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
