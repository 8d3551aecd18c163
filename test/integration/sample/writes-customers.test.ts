// Named to run after the read-only suites: it changes an improvement action and alerts in a few of
// the sample partner's customer tenants (never the partner's own data, which later suites count).
// Actions across customers in the real VS Code: rows selected in the Customers view, the command
// with its quick picks and input boxes answered by stand-ins, the preview with a heading per
// customer, the notification and the report document; each customer's data read back through
// that customer's own Graph client.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SecureScoreControlProfile, SecurityAlert } from '../../../src/graph/types';
import type { CustomerResult } from '../../../src/model/portfolio';
import type { Node } from '../../../src/views/node';
import { entityOf } from '../../../src/views/node';
import { getExtension, waitFor } from '../helpers';
import { stubPrompts, type Shown } from '../prompts';
import { api, walk } from '../trees';

const CONTROL = 'mdo_safeattachments';
const REPORT_SCHEME = 'security-posture-report';

interface Offered {
  title: string;
  items: { label: string; separator: boolean; picked: boolean; detail?: string }[];
}

async function customerRows(): Promise<{ node: Node; result: CustomerResult }[]> {
  const a = await api();
  if (a.customers.portfolio.customers.length === 0) {
    await vscode.commands.executeCommand('securityPosture.refreshCustomers');
  }
  return (await a.customers.provider.getChildren()).flatMap(node => {
    const entity = entityOf(node);
    return entity?.kind === 'portfolioCustomer' ? [{ node, result: entity.customer }] : [];
  });
}

/** The report documents opened so far (read-only virtual Markdown). */
const reports = () => vscode.workspace.textDocuments.filter(d => d.uri.scheme === REPORT_SCHEME).map(d => d.getText());

describe('actions across customers (sample partner)', function () {
  // A first read of the Customers view generates each sample customer's tenant: minutes on a loaded machine.
  this.timeout(300_000);

  it('from an improvement action\'s row: offered on its context menu, asks for customers and not for the action (canceled at the state: nothing sent)', async () => {
    await customerRows();
    const menus = (getExtension().packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } }).contributes.menus;
    assert.ok(menus['view/item/context'].some(m => m.command === 'securityPosture.setControlStateInCustomers' && /\^controlProfile/.test(m.when ?? '')), 'on the improvement action rows');
    const row = (await walk('controls')).find(r => r.contextValue.startsWith('controlProfile') && r.label === 'Turn on Safe Attachments in block mode');
    assert.ok(row, 'the Safe Attachments row');
    const titles: string[] = [];
    const prompts = stubPrompts({
      quickPick: (items, options) => {
        titles.push(options?.title ?? '');
        // The customers: the first that can change; then Escape at the state.
        return options?.canPickMany ? [items.find(i => i.description === 'can change')!] : undefined;
      },
    });
    try {
      await vscode.commands.executeCommand('securityPosture.setControlStateInCustomers', row.node, [row.node]);
    } finally {
      prompts.restore();
    }
    assert.equal(titles.length, 2, titles.join(' | '));
    assert.equal(titles[0], 'Set Improvement Action State in Customers: choose customers');
    assert.match(titles[1], /^Set State of .*Turn on Safe Attachments in block mode/);
  });

  it('sets an improvement action in the selected customers: preview by customer, read-only one not sent to, notification and report', async () => {
    const a = await api();
    const rows = await customerRows();
    const plain = rows.filter(r => r.result.posture?.percent !== undefined && !r.result.reason);
    const writers = plain.filter(r => r.result.customer.access.canWrite).slice(0, 2);
    const reader = plain.find(r => !r.result.customer.access.canWrite && r.result.customer.access.roles.includes('Security Reader'))!;
    assert.equal(writers.length, 2);
    assert.ok(reader, 'a customer whose relationship only reads');
    const name = (r: { result: CustomerResult }) => r.result.customer.name;
    const profileOf = async (r: { result: CustomerResult }) =>
      (await a.connection.customerGraph(r.result.customer.tenantId).get<SecureScoreControlProfile>(`/security/secureScoreControlProfiles/${CONTROL}`, { area: 'controls' })).data;
    const readerBefore = JSON.stringify((await profileOf(reader)).controlStateUpdates);

    const offered: Offered[] = [];
    const inputs: string[] = [];
    const reportsBefore = reports().length;
    const prompts = stubPrompts({
      quickPick: (items, options) => {
        const list = items.map(i => ({ label: i.label, separator: i.kind === vscode.QuickPickItemKind.Separator, picked: !!i.picked, detail: i.detail }));
        offered.push({ title: options?.title ?? '', items: list });
        if (options?.title === 'Set Improvement Action State in Customers: choose the action') {
          return items.find(i => i.detail === CONTROL) ?? items.find(i => i.label === 'Enter an improvement action id…');
        }
        if (options?.title?.startsWith('Set State of')) {
          return items.find(i => i.label === 'Resolved through third party');
        }
        // The preview: Enter with what is checked.
        return items.filter(i => i.picked);
      },
      input: options => {
        inputs.push(options?.title ?? '');
        return options?.title === 'Improvement action id' ? CONTROL : options?.title?.endsWith(': comment') ? 'Mimecast covers attachments for these customers' : '';
      },
      message: (shown: Shown) => (shown.items.includes('Show Report') ? 'Show Report' : undefined),
    });
    try {
      const selection = [...writers, reader].map(r => r.node);
      await vscode.commands.executeCommand('securityPosture.setControlStateInCustomers', selection[0], selection);
      await waitFor('the report document', () => reports().length > reportsBefore, 30_000);
    } finally {
      prompts.restore();
    }

    // The preview: each customer's heading with its action under it, then the one not changed and why.
    const preview = offered.find(o => o.title.startsWith('Preview:'))!;
    assert.equal(preview.title, 'Preview: "Turn on Safe Attachments in block mode" → Resolved through third party in 2 customers, 1 not changed — Enter applies to the checked ones');
    assert.deepEqual(preview.items.map(i => `${i.separator ? '── ' : i.picked ? '[x] ' : '[ ] '}${i.label}`), [
      `── ${name(writers[0])}`, '[x] Turn on Safe Attachments in block mode',
      `── ${name(writers[1])}`, '[x] Turn on Safe Attachments in block mode',
      '── Not changed', `[ ] ${name(reader)}`,
    ]);
    assert.match(preview.items.at(-1)!.detail!, /^Read-only: its GDAP relationship grants .*Security Reader.*; changing needs the Security Administrator role\.$/);
    assert.deepEqual(inputs, ['Resolved through third party: comment', 'Resolved through third party: assignee']);

    // The notification and the report, grouped by customer.
    const notice = prompts.shown.find(s => s.message.startsWith('Set state to'))!;
    assert.equal(notice.message, 'Set state to Resolved through third party in customers: 2 updated in 2 customers; 1 customer not changed.');
    assert.equal(notice.kind, 'info');
    const report = reports().at(-1)!;
    assert.match(report, /^# Set state to Resolved through third party in customers\n\n2 updated in 2 customers — /);
    for (const w of writers) {
      assert.ok(report.includes(`## ${name(w)} (${w.result.customer.tenantId})\n`), `a section for ${name(w)}`);
    }
    assert.match(report, new RegExp(`## Not changed\\n\\n.*\\n.*\\n\\| ${name(reader)} \\| ${reader.result.customer.tenantId} \\| Read-only: `));

    // Each writer's tenant has the change; the read-only one has nothing new.
    for (const w of writers) {
      const last = (await profileOf(w)).controlStateUpdates.at(-1)!;
      assert.deepEqual([last.state, last.comment], ['ThirdParty', 'Mimecast covers attachments for these customers'], name(w));
    }
    assert.equal(JSON.stringify((await profileOf(reader)).controlStateUpdates), readerBefore, `${name(reader)} unchanged`);
  });

  it('updates alerts across customers by a filter: a comment on each matching alert of the customers that can be changed', async () => {
    const a = await api();
    const rows = await customerRows();
    const alertsOf = async (r: { result: CustomerResult }) =>
      (await a.connection.customerGraph(r.result.customer.tenantId).getAll<SecurityAlert>('/security/alerts_v2?$top=500', { area: 'alerts' })).items;
    // The filter written out on the customers' own data, not through the query parser.
    const matching = (alerts: SecurityAlert[]) => alerts.filter(x => x.severity === 'medium' && x.status !== 'resolved');
    // Two customers that can be changed (not the two of the test before) with open medium alerts.
    const candidates = rows.filter(r => r.result.posture?.percent !== undefined && !r.result.reason && r.result.customer.access.canWrite).slice(2);
    const before = new Map(await Promise.all(candidates.map(async w => [w.result.customer.tenantId, await alertsOf(w)] as const)));
    const writers = candidates.filter(w => matching(before.get(w.result.customer.tenantId)!).length > 0).slice(0, 2);
    assert.equal(writers.length, 2);
    const expected = writers.reduce((n, w) => n + matching(before.get(w.result.customer.tenantId)!).length, 0);
    assert.ok(expected > 0, 'open medium alerts to triage');

    const offered: Offered[] = [];
    const reportsBefore = reports().length;
    const comment = `Seen by the partner SOC ${Date.now()}`;
    const prompts = stubPrompts({
      quickPick: (items, options) => {
        offered.push({ title: options?.title ?? '', items: items.map(i => ({ label: i.label, separator: i.kind === vscode.QuickPickItemKind.Separator, picked: !!i.picked })) });
        return options?.title?.startsWith('Update ') && !options.canPickMany ? items.find(i => i.label === 'Add comment…') : items.filter(i => i.picked);
      },
      input: options => (options?.title === 'Update Alerts in Customers: which alerts?' ? 'severity:medium -status:resolved' : options?.title === 'Add Comment' ? comment : undefined),
      message: (shown: Shown) => (shown.items.includes('Show Report') ? 'Show Report' : undefined),
    });
    try {
      await vscode.commands.executeCommand('securityPosture.updateAlertsInCustomers', writers[0].node, writers.map(w => w.node));
      await waitFor('the report document', () => reports().length > reportsBefore, 30_000);
    } finally {
      prompts.restore();
    }
    const preview = offered.find(o => o.title.startsWith('Preview:'))!;
    assert.equal(preview.title, `Preview: ${expected} of ${expected} alerts change in 2 customers — Enter applies to the checked ones`);
    assert.deepEqual(preview.items.filter(i => i.separator).map(i => i.label), writers.map(w => w.result.customer.name));
    assert.match(reports().at(-1)!, new RegExp(`^# Update alerts in customers\\n\\n${expected} updated in 2 customers — `));
    for (const w of writers) {
      const after = await alertsOf(w);
      for (const alert of matching(before.get(w.result.customer.tenantId)!)) {
        assert.equal(after.find(x => x.id === alert.id)!.comments.filter(c => c.comment === comment).length, 1, `${w.result.customer.name}: ${alert.id} commented once`);
      }
      assert.equal(after.filter(x => x.comments.some(c => c.comment === comment)).length, matching(before.get(w.result.customer.tenantId)!).length, 'only the matching alerts');
    }
  });
});
