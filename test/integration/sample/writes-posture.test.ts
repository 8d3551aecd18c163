// Named to run after the read-only suites: it changes an improvement action in a few of the sample
// partner's customer tenants (never the partner's own data, which later suites count).
// Apply Posture across customers in the real VS Code with the sample partner: a file naming two
// customers whose role can write and one whose role only reads; the confirmation names each, the
// read-only one with the role it lacks; each customer's data is read back through its own client.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SecureScoreControlProfile } from '../../../src/graph/types';
import type { CustomerResult } from '../../../src/model/portfolio';
import type { PostureApplyResult } from '../../../src/posture';
import { entityOf } from '../../../src/views/node';
import { waitFor } from '../helpers';
import { stubPrompts, type Shown } from '../prompts';
import { api } from '../trees';

const CONTROL = 'mdo_safeattachments';
const reports = () => vscode.workspace.textDocuments.filter(d => d.uri.scheme === 'security-posture-plan' && d.getText().startsWith('# Apply ')).map(d => d.getText());

describe('Apply Posture across customers (sample partner)', function () {
  // A first read of a sample customer generates its tenant: slow on a loaded machine.
  this.timeout(300_000);

  it('writes the customers whose role can write, each through its own client, and leaves the read-only one unchanged', async () => {
    const a = await api();
    if (a.customers.portfolio.customers.length === 0) {
      await vscode.commands.executeCommand('securityPosture.refreshCustomers');
    }
    const rows = (await a.customers.provider.getChildren()).flatMap(node => {
      const entity = entityOf(node);
      return entity?.kind === 'portfolioCustomer' ? [entity.customer] : [];
    });
    const plain = rows.filter(r => r.posture?.percent !== undefined && !r.reason);
    const writers = plain.filter(r => r.customer.access.canWrite).slice(-2);
    const reader = plain.find(r => !r.customer.access.canWrite && r.customer.access.roles.includes('Security Reader'))!;
    assert.equal(writers.length, 2);
    assert.ok(reader, 'a customer whose relationship only reads');
    const name = (c: CustomerResult) => c.customer.name;
    const profileOf = async (c: CustomerResult) =>
      (await a.connection.customerGraph(c.customer.tenantId).get<SecureScoreControlProfile>(`/security/secureScoreControlProfiles/${CONTROL}`, { area: 'controls' })).data;
    const readerBefore = JSON.stringify((await profileOf(reader)).controlStateUpdates);

    const comment = `Reviewed with the customer ${Date.now()}`;
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'customers.posture.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode([
      'version: 1', 'tenants:', ...[...writers, reader].map(c => `  - ${c.customer.tenantId}`), 'controls:', `  ${CONTROL}: { state: reviewed, comment: "${comment}" }`, '',
    ].join('\n')));
    const before = reports().length;
    const prompts = stubPrompts({ message: (shown: Shown) => (shown.modal ? 'Apply' : shown.items.includes('Show Report') ? 'Show Report' : undefined) });
    let result: PostureApplyResult;
    try {
      result = (await vscode.commands.executeCommand<PostureApplyResult>('securityPosture.applyPosture', uri))!;
      await waitFor('the report', () => reports().length > before, 60_000);
    } finally {
      prompts.restore();
    }

    const modal = prompts.shown.find(s => s.modal)!;
    assert.equal(modal.message, `Apply customers.posture.yaml to ${writers.map(w => `${name(w)}: 1 improvement action, 0 alerts`).join('; ')}?`);
    assert.ok(modal.detail!.startsWith(`Not changed, 1 customer that cannot be written:\n${name(reader)}: Read-only: its GDAP relationship grants `), modal.detail);
    assert.deepEqual(result!.tenants.map(t => `${t.name}: ${t.controls.map(r => r.outcome).join()}`), writers.map(w => `${name(w)}: updated`));
    assert.ok(prompts.shown.some(s => s.message === 'Apply customers.posture.yaml: 2 updated in 2 customers; 1 customer not changed (role cannot write).'),
      prompts.shown.map(s => s.message).join('\n'));
    const report = reports().at(-1)!;
    for (const w of writers) {
      assert.ok(report.includes(`## ${name(w)} (${w.customer.tenantId})\n`), `a section for ${name(w)}`);
      const last = (await profileOf(w)).controlStateUpdates.at(-1)!;
      assert.deepEqual([last.state, last.comment], ['Reviewed', comment], name(w));
    }
    assert.equal(JSON.stringify((await profileOf(reader)).controlStateUpdates), readerBefore, `${name(reader)} unchanged`);
  });
});
