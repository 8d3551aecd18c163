// Named to run after the other emulator suites: it signs in as the partner's user (device code, so
// GDAP roles decide who may be written) and applies a posture file to customer tenants; it goes
// back to the environment sign-in afterwards.
// Apply Posture across customers in the real VS Code over HTTPS and real MSAL: a file naming three
// customers whose role can write and one whose role only reads; the confirmation names each with
// its counts and the read-only one with the role it lacks; one customer's write is refused by Graph
// and redone by Retry Failed alone; Cancel after the first customer leaves the rest unwritten. The
// emulator's request log proves which tenant each PATCH went to, with a token of that tenant.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ConnectionState } from '../../../src/connection';
import type { CustomerResult } from '../../../src/model/portfolio';
import type { PostureApplyResult } from '../../../src/posture';
import { entityOf } from '../../../src/views/node';
import { emulatorCall, faults, requestLog, type LoggedRequest } from '../emulatorControl';
import { waitFor } from '../helpers';
import { stubPrompts, type Shown } from '../prompts';
import { api } from '../trees';

const CONTROL = 'mdo_safeattachments';
const PATH = `/v1.0/security/secureScoreControlProfiles/${CONTROL}`;
const config = () => vscode.workspace.getConfiguration('securityPosture');
const reports = () => vscode.workspace.textDocuments.filter(d => d.uri.scheme === 'security-posture-plan' && d.getText().startsWith('# Apply ')).map(d => d.getText());

async function signInWith(method: string, delegated: boolean): Promise<void> {
  const a = await api();
  await config().update('authMethod', method, vscode.ConfigurationTarget.Global);
  await waitFor(`a ${method} sign-in`, () => {
    const state: ConnectionState = a.connection.state;
    return state.kind === 'graph' && state.signIn.delegated === delegated;
  }, 30_000);
  await a.ready();
}

async function writeFile(name: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

/** A file naming the customers by tenant id, setting the one action with a comment of its own (so every customer has a change). */
const postureFile = (customers: CustomerResult[], comment: string) => [
  'version: 1',
  'tenants:',
  ...customers.map(c => `  - ${c.customer.tenantId}`),
  'controls:',
  `  ${CONTROL}: { state: thirdParty, comment: "${comment}" }`,
  '',
].join('\n');

const patches = async (mark: number): Promise<LoggedRequest[]> => (await requestLog(mark)).filter(r => r.method === 'PATCH' && r.path.startsWith('/v1.0/security/'));
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const mark = async () => Math.max(0, ...(await requestLog()).map(r => r.seq));

describe('Apply Posture across customers over HTTPS (emulator, partner user through GDAP)', function () {
  this.timeout(300_000);
  let partner: string;
  let writers: CustomerResult[];
  let reader: CustomerResult;
  const name = (c: CustomerResult) => c.customer.name;

  before(async () => {
    await emulatorCall('POST', '/_emulator/reset');
    await signInWith('deviceCode', true);
    const a = await api();
    partner = a.connection.tenant!.tenantId!;
    await vscode.commands.executeCommand('securityPosture.refreshCustomers');
    const rows = (await a.customers.provider.getChildren()).flatMap(node => {
      const entity = entityOf(node);
      return entity?.kind === 'portfolioCustomer' ? [entity.customer] : [];
    });
    const readable = rows.filter(r => r.posture?.percent !== undefined && !r.reason).sort((x, y) => name(x).localeCompare(name(y)));
    writers = readable.filter(r => r.customer.access.canWrite).slice(0, 3);
    reader = readable.find(r => !r.customer.access.canWrite && r.customer.access.roles.includes('Security Reader'))!;
    assert.equal(writers.length, 3);
    assert.ok(reader, 'a customer whose relationship only reads');
  });

  after(async () => {
    await faults({ clear: true });
    await config().update('customers.maxInFlight', undefined, vscode.ConfigurationTarget.Global);
    await (await api()).connection.showHome();
    await signInWith('environment', false);
  });

  it('writes each customer whose role can write with its own token, names the read-only one in the confirmation, and Retry Failed writes only the refused one', async () => {
    const uri = await writeFile('customers.posture.yaml', postureFile([...writers, reader], 'Mimecast covers attachments for our customers'));
    const start = await mark();
    // Graph refuses the first write it gets (whichever customer's that is); the others go on.
    await faults({ add: [{ method: 'PATCH', path: `secureScoreControlProfiles/${CONTROL}`, count: 1, fault: { kind: 'status', status: 403 } }] });
    const before = reports().length;
    const prompts = stubPrompts({
      message: (shown: Shown) => (shown.modal ? 'Apply' : shown.items.includes('Retry Failed') ? 'Retry Failed' : shown.items.includes('Show Report') ? 'Show Report' : undefined),
    });
    let result: PostureApplyResult;
    try {
      result = (await vscode.commands.executeCommand<PostureApplyResult>('securityPosture.applyPosture', uri))!;
      await waitFor('the retry\'s report', () => reports().length > before, 120_000);
    } finally {
      prompts.restore();
    }

    // The confirmation: each customer that will be written with its counts, the read-only one left out with the role it lacks.
    const modal = prompts.shown.filter(s => s.modal);
    assert.equal(modal.length, 1, 'one confirmation; Retry Failed asks no second one');
    assert.equal(modal[0].message, `Apply customers.posture.yaml to ${writers.map(w => `${name(w)}: 1 improvement action, 0 alerts`).join('; ')}?`);
    assert.match(modal[0].detail!, new RegExp(`^Not changed, 1 customer that cannot be written:\\n${escaped(name(reader))}: Read-only: its GDAP relationship grants .*Security Reader.*; changing needs the Security Administrator role\\.\\n\\nEach change is written`));

    // The first run: one failed, reported per customer, with Retry Failed.
    assert.deepEqual(result!.tenants.map(t => t.tenantId), writers.map(w => w.customer.tenantId));
    const first = prompts.shown.find(s => s.message.startsWith('Apply customers.posture.yaml: '))!;
    assert.equal(first.message, 'Apply customers.posture.yaml: 2 updated, 1 failed in 3 customers (1 with failures); 1 customer not changed (role cannot write).');
    assert.deepEqual(first.items, ['Show Report', 'Retry Failed']);

    // The request log: one PATCH per writable customer with a token of its own tenant, the refused one once more; nothing else.
    const writes = await patches(start);
    const refused = writes.find(w => w.status === 403)!;
    assert.ok(refused?.fault, 'the injected refusal fired');
    for (const w of writers) {
      const seen = writes.filter(x => x.tenantId === w.customer.tenantId).map(x => `${x.path} ${x.status}`);
      assert.deepEqual(seen, w.customer.tenantId === refused.tenantId ? [`${PATH} 403`, `${PATH} 200`] : [`${PATH} 200`], name(w));
    }
    assert.equal(writes.length, 4, 'three customers, the refused one retried; nothing else written');
    assert.equal(writes.filter(w => w.tenantId === reader.customer.tenantId || w.tenantId === partner).length, 0, 'nothing to the read-only customer, nor with the partner\'s token');

    // The retry's notification and report: the retried customer alone.
    const retried = writers.find(w => w.customer.tenantId === refused.tenantId)!;
    assert.ok(prompts.shown.some(s => s.message === 'Apply customers.posture.yaml: 1 updated in 1 customer.'), prompts.shown.map(s => s.message).join('\n'));
    const report = reports().at(-1)!;
    assert.match(report, /^# Apply customers\.posture\.yaml\n\n1 updated in 1 customer — /);
    assert.ok(report.includes(`## ${name(retried)} (${retried.customer.tenantId})\n`), 'a section for the retried customer');
    assert.equal(report.match(/^## /gm)!.length, 1, 'only the retried customer');
  });

  it('Retry Failed plans again from what Graph has now: a write that landed behind an error is not sent twice', async () => {
    const uri = await writeFile('landed.posture.yaml', postureFile(writers, 'Covered by the partner mail gateway'));
    const start = await mark();
    // The write lands, then Graph answers with an error: the report says failed, the customer has the change.
    await faults({ add: [{ method: 'PATCH', path: `secureScoreControlProfiles/${CONTROL}`, count: 1, fault: { kind: 'failAfterWrite', status: 409 } }] });
    const prompts = stubPrompts({ message: (shown: Shown) => (shown.modal ? 'Apply' : shown.items.includes('Retry Failed') ? 'Retry Failed' : undefined) });
    try {
      await vscode.commands.executeCommand('securityPosture.applyPosture', uri);
      await waitFor('the retry\'s answer', () => prompts.shown.some(s => s.message.startsWith('landed.posture.yaml: nothing to do')), 120_000);
    } finally {
      prompts.restore();
    }
    assert.ok(prompts.shown.some(s => s.message === 'Apply landed.posture.yaml: 2 updated, 1 failed in 3 customers (1 with failures).'), prompts.shown.map(s => s.message).join('\n'));
    const writes = await patches(start);
    const failed = writes.find(w => w.status === 409)!;
    assert.ok(failed?.fault, 'the injected failure fired');
    assert.deepEqual(writes.map(w => w.tenantId).sort(), writers.map(w => w.customer.tenantId).sort(), 'one PATCH per customer: the retry found the change already there');
  });

  it('Cancel after the first customer: the one in flight finishes, the rest is not attempted and named in the report', async () => {
    await config().update('customers.maxInFlight', 2, vscode.ConfigurationTarget.Global);
    const uri = await writeFile('cancel.posture.yaml', postureFile([...writers, reader], 'Reviewed with the customer in December'));
    const start = await mark();
    // Stands in for the user at the progress notification: Cancel once the first customer is done.
    const window = vscode.window as unknown as { withProgress: typeof vscode.window.withProgress };
    const original = window.withProgress;
    const progress: { cancellable?: boolean; messages: string[] } = { messages: [] };
    window.withProgress = ((options, task) => {
      if (typeof options.title !== 'string' || !options.title.startsWith('Applying ')) {
        return original(options, task);
      }
      const source = new vscode.CancellationTokenSource();
      progress.cancellable = options.cancellable;
      return task({
        report: value => {
          progress.messages.push(value.message ?? '');
          if (value.message?.startsWith('1 of ')) {
            source.cancel();
          }
        },
      }, source.token);
    }) as typeof vscode.window.withProgress;
    const before = reports().length;
    const prompts = stubPrompts({ message: (shown: Shown) => (shown.modal ? 'Apply' : shown.items.includes('Show Report') ? 'Show Report' : undefined) });
    let result: PostureApplyResult;
    try {
      result = (await vscode.commands.executeCommand<PostureApplyResult>('securityPosture.applyPosture', uri))!;
      await waitFor('the report', () => reports().length > before, 60_000);
    } finally {
      prompts.restore();
      window.withProgress = original;
    }

    assert.equal(progress.cancellable, true);
    assert.deepEqual(progress.messages, ['0 of 3 customers', '1 of 3 customers', '2 of 3 customers']);
    // Two started side by side; Cancel came when the first finished, so the third was never started.
    assert.deepEqual(result!.tenants.map(t => t.tenantId), writers.slice(0, 2).map(w => w.customer.tenantId));
    assert.deepEqual(result!.notAttempted.map(n => n.tenantId), [writers[2].customer.tenantId]);
    const writes = await patches(start);
    assert.deepEqual(writes.map(w => `${w.tenantId} ${w.status}`).sort(), writers.slice(0, 2).map(w => `${w.customer.tenantId} 200`).sort());

    const notice = prompts.shown.find(s => s.message.startsWith('Apply cancel.posture.yaml: '))!;
    assert.equal(notice.message, 'Apply cancel.posture.yaml: 2 updated in 2 customers; 1 customer not changed (role cannot write); 1 customer not attempted (canceled).');
    const report = reports().at(-1)!;
    assert.ok(report.includes(`| ${name(writers[2])} | ${writers[2].customer.tenantId} | Not attempted: Apply was canceled before this customer was started (1 change not sent). |`), report);
    assert.ok(report.includes(`| ${name(reader)} | ${reader.customer.tenantId} | Read-only: `), report);
  });
});
