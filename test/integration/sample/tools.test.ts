// Named to run before the suites that write (u-posture, updates, writes-tools): sample suites share one
// in-memory sample tenant per VS Code run and run in file-name order, so the seeded numbers below hold.
// The language model tools in the real VS Code on the sample tenant, called through
// vscode.lm.invokeTool as a chat model's call would be. Write tools: VS Code asks the tool for its
// confirmation before invoking it (recorded here; a test host answers dialogs "yes" by itself).
// Expected numbers are the sample's seeded values.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TenantDataset } from '../../../src/sample/dataset';
import { waitFor } from '../helpers';
import { answerParts, invokeTool, READ_TOOLS, WRITE_TOOLS } from '../tools';
import { api } from '../trees';

async function dataset(): Promise<TenantDataset> {
  return ((await api()).connection.state as { dataset: TenantDataset }).dataset;
}

const day = (iso: string, back = 0) => new Date(Date.parse(iso.slice(0, 10)) - back * 86_400_000).toISOString().slice(0, 10);

describe('language model tools on the sample tenant: the read tools', function () {
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
      // Seeded; the posture suite (u-posture) later marks AdminMFAV2 as third party, so this suite runs before it.
      [['mdi_unsecure_account_attributes', 3.36], ['aad_admin_consent_workflow', 2], ['AdminMFAV2', 1.67]]);
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

});
