// Named to run after the other emulator suites: it signs in with a multi-tenant app's client secret
// (the way a partner reaches customers app-only) and writes to customer tenants; it goes back to
// the environment sign-in afterwards.
// "Set Improvement Action State in Customers…" in the real VS Code over HTTPS and real MSAL: the
// selected Customers rows, the preview, one customer's write refused by Graph and redone by "Retry
// Failed", the report; the emulator's request log proves each write went to its own tenant with a
// token of that tenant, and that a customer whose sign-in is refused was sent nothing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ConnectionState } from '../../../src/connection';
import type { CustomerResult } from '../../../src/model/portfolio';
import { entityOf, type Node } from '../../../src/views/node';
import { emulatorCall, faults, requestLog } from '../emulatorControl';
import { waitFor } from '../helpers';
import { stubPrompts, type Shown } from '../prompts';
import { api } from '../trees';

const CONTROL = 'mdo_safeattachments';
const config = () => vscode.workspace.getConfiguration('securityPosture');
const reports = () => vscode.workspace.textDocuments.filter(d => d.uri.scheme === 'security-posture-report').map(d => d.getText());

async function reconnected(action: () => Thenable<unknown>): Promise<void> {
  const a = await api();
  let seen = false;
  const listener = a.connection.onDidChange((state: ConnectionState) => void (seen ||= state.kind === 'graph'));
  try {
    await action();
    await waitFor('the connection', () => seen, 30_000);
  } finally {
    listener.dispose();
  }
}

describe('actions across customers over HTTPS (emulator)', function () {
  this.timeout(300_000);

  before(async () => {
    await emulatorCall('POST', '/_emulator/reset');
    const a = await api();
    const prompts = stubPrompts({ input: () => process.env.AZURE_CLIENT_SECRET, message: () => 'Use Client Secret' });
    try {
      await reconnected(() => vscode.commands.executeCommand('securityPosture.setClientSecret'));
    } finally {
      prompts.restore();
    }
    assert.equal(config().get('authMethod'), 'clientSecret');
    await a.ready();
  });

  after(async () => {
    await faults({ clear: true });
    await reconnected(() => config().update('authMethod', 'environment', vscode.ConfigurationTarget.Global));
  });

  it('writes each selected customer with its own token, skips the one whose sign-in is refused, and retries the refused write', async () => {
    const a = await api();
    const info = await emulatorCall<{ tenantId: string }>('GET', '/_emulator/info');
    await vscode.commands.executeCommand('securityPosture.refreshCustomers');
    const rows = (await a.customers.provider.getChildren()).flatMap(node => {
      const entity = entityOf(node);
      return entity?.kind === 'portfolioCustomer' ? [{ node, result: entity.customer }] : [];
    });
    assert.equal(rows.length, 36);
    const readable = rows.filter(r => r.result.posture?.percent !== undefined && !r.result.reason);
    const writers = readable.slice(0, 4);
    const consent = rows.find(r => r.result.reason?.kind === 'consentMissing')!;
    assert.equal(writers.length, 4);
    assert.ok(consent, 'a customer that has not consented to the app');
    const name = (r: { result: CustomerResult }) => r.result.customer.name;

    const mark = Math.max(0, ...(await requestLog()).map(r => r.seq));
    // Graph refuses the first write it gets (whichever customer's that is); the others go on.
    await faults({ add: [{ method: 'PATCH', path: `secureScoreControlProfiles/${CONTROL}`, count: 1, fault: { kind: 'status', status: 403 } }] });
    const offered: { title: string; items: string[]; detail?: string }[] = [];
    const before = reports().length;
    const prompts = stubPrompts({
      quickPick: (items, options) => {
        offered.push({ title: options?.title ?? '', items: items.map(i => `${i.kind === vscode.QuickPickItemKind.Separator ? '── ' : i.picked ? '[x] ' : '[ ] '}${i.label}`), detail: items.at(-1)?.detail });
        if (options?.title === 'Set Improvement Action State in Customers: choose the action') {
          return items.find(i => i.detail === CONTROL) ?? items.find(i => i.label === 'Enter an improvement action id…');
        }
        if (options?.title?.startsWith('Set State of')) {
          return items.find(i => i.label === 'Resolved through alternate mitigation');
        }
        return items.filter(i => i.picked);
      },
      input: options => (options?.title === 'Improvement action id' ? CONTROL : options?.title?.endsWith(': comment') ? 'Covered by the partner\'s mail gateway' : ''),
      message: (shown: Shown) => (shown.items.includes('Retry Failed') ? 'Retry Failed' : shown.items.includes('Show Report') ? 'Show Report' : undefined),
    });
    const selection: Node[] = [...writers, consent].map(r => r.node);
    try {
      await vscode.commands.executeCommand('securityPosture.setControlStateInCustomers', selection[0], selection);
      await waitFor('the retry\'s report', () => reports().length > before, 60_000);
    } finally {
      prompts.restore();
    }

    const preview = offered.find(o => o.title.startsWith('Preview:'))!;
    assert.equal(preview.title, 'Preview: "Turn on Safe Attachments in block mode" → Resolved through alternate mitigation in 4 customers, 1 not changed — Enter applies to the checked ones');
    assert.deepEqual(preview.items.slice(0, 8), writers.flatMap(w => [`── ${name(w)}`, '[x] Turn on Safe Attachments in block mode']));
    assert.deepEqual(preview.items.slice(8), ['── Not changed', `[ ] ${name(consent)}`]);
    assert.match(preview.detail!, /^Could not be read: .*AADSTS/);
    const first = prompts.shown.find(s => s.message.startsWith('Set state to'))!;
    assert.equal(first.message, 'Set state to Resolved through alternate mitigation in customers: 3 updated, 1 failed in 4 customers (1 with failures); 1 customer not changed.');
    assert.deepEqual(first.items, ['Show Report', 'Retry Failed']);

    // The write log: one PATCH per customer with a token of its tenant, the refused one once more.
    const writes = (await requestLog(mark)).filter(r => r.method === 'PATCH');
    const refused = writes.find(w => w.status === 403)!;
    assert.ok(refused?.fault, 'the injected refusal fired');
    const byTenant = new Map(writers.map(w => [w.result.customer.tenantId, writes.filter(x => x.tenantId === w.result.customer.tenantId).map(x => `${x.path} ${x.status}`)]));
    for (const [tenantId, seen] of byTenant) {
      const path = `/v1.0/security/secureScoreControlProfiles/${CONTROL}`;
      assert.deepEqual(seen, tenantId === refused.tenantId ? [`${path} 403`, `${path} 200`] : [`${path} 200`], tenantId);
    }
    assert.equal(writes.length, 5, 'four customers, one retried; nothing else written');
    assert.equal(writes.filter(w => w.tenantId === consent.result.customer.tenantId || w.tenantId === info.tenantId).length, 0, 'nothing for the refused sign-in, nor with the partner\'s token');

    const report = reports().at(-1)!;
    const retried = writers.find(w => w.result.customer.tenantId === refused.tenantId)!;
    assert.match(report, /^# Set state to Resolved through alternate mitigation in customers\n\n1 updated in 1 customer — /);
    assert.ok(report.includes(`## ${name(retried)} (${retried.result.customer.tenantId})\n`), 'the retry\'s report names the customer retried');
  });
});
