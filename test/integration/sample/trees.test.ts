// Each view's tree from the sample tenant, rendered by the real extension inside VS Code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TenantDataset } from '../../../src/sample/dataset';
import { api, children, find, roots, setSetting, VIEWS, walk } from '../trees';

async function dataset(): Promise<TenantDataset> {
  const state = (await api()).connection.state;
  assert.equal(state.kind, 'sample');
  return (state as { dataset: TenantDataset }).dataset;
}

describe('views from the sample tenant', function () {
  this.timeout(30_000);

  it('Secure Score shows today\'s points, the change, comparisons and five categories', async () => {
    // The sample's seed (for any "now"): today 249.72 of 419 points, yesterday 249.79.
    const rows = await roots('secureScore');
    const score = find(rows, 'Secure Score');
    assert.equal(score.description, '249.72 / 419 (59.6%)');
    assert.equal(score.icon, 'shield');
    const delta = find(rows, 'Change since previous day');
    assert.match(delta.description, /^−0\.07 points/);
    const comparisons = await children(find(rows, 'Compared with'));
    assert.deepEqual(comparisons.map(c => c.label).sort(), ['All tenants', 'Same industry', 'Similar seat count']);
    const categories = await children(find(rows, 'Categories'));
    assert.deepEqual(categories.map(c => c.label), ['Identity', 'Data', 'Device', 'Apps', 'Infrastructure']);
    for (const c of categories) {
      assert.match(c.description, /^\d+(\.\d+)? \/ \d+(\.\d+)? \(\d+(\.\d+)?%\)$/, c.label);
    }
    assert.ok(find(categories, 'Identity').description.startsWith('65.23 /'), find(categories, 'Identity').description);
    assert.ok((await vscode.commands.getCommands(true)).includes('securityPosture.secureScore.focus'));
  });

  it('Improvement Actions are grouped by category, ranked, with points, impact, cost and state', async () => {
    const data = await dataset();
    const groups = await roots('controls');
    assert.deepEqual(groups.map(g => g.label), ['Identity', 'Data', 'Device', 'Apps', 'Infrastructure']);
    const identity = await children(find(groups, 'Identity'));
    const profiles = data.controlProfiles.filter(p => p.controlCategory === 'Identity' && !p.deprecated).sort((a, b) => a.rank - b.rank);
    assert.deepEqual(identity.map(r => r.label), profiles.map(p => p.title));
    for (const row of identity) {
      assert.match(row.contextValue, /^controlProfile\+(updatable|readonly)\+state-[A-Za-z]+/);
      assert.match(row.description, /^(\d+(\.\d+)?|–) \/ \d+(\.\d+)? · \w+ impact · \w+ cost · /);
    }
    const device = await children(find(groups, 'Device'));
    assert.ok(device.some(r => r.contextValue.includes('+readonly')), 'Defender scid_ controls are marked read-only');
    // The sample's seed marks this one (and one more) ThirdParty.
    const all = (await Promise.all(groups.map(children))).flat();
    assert.match(find(all, 'Ensure that Zero-hour auto purge for spam is on').description, /Resolved through third party/);
    const tooltip = identity[0].item.tooltip as vscode.MarkdownString;
    assert.equal(tooltip.isTrusted, false);
    assert.match(tooltip.value, /Points: /);
  });

  it('hides deprecated actions by default, shows them on request, and regroups by state', async () => {
    const data = await dataset();
    const deprecated = data.controlProfiles.filter(p => p.deprecated);
    assert.ok(deprecated.length > 0, 'the sample tenant has deprecated controls');
    const count = async () => (await Promise.all((await roots('controls')).map(children))).flat().length;
    const visible = await count();
    assert.equal(visible, data.controlProfiles.length - deprecated.length);
    await setSetting('controls.showDeprecated', true, async () => (await count()) === data.controlProfiles.length);
    await setSetting('controls.showDeprecated', undefined, async () => (await count()) === visible);
    await setSetting('controls.groupBy', 'state', async () => (await roots('controls'))[0]?.label === 'To address');
    await setSetting('controls.groupBy', undefined, async () => (await roots('controls'))[0]?.label === 'Identity');
  });

  it('Alerts are grouped by severity with exact counts under the default filter', async () => {
    const rows = await roots('alerts');
    assert.equal(rows[0].label, 'Filter');
    assert.match(rows[0].description, /^not resolved, last 30 days/);
    // The sample's seed: of the alerts not resolved and created in the last 30 days, 4 are high,
    // 9 medium, 8 low and 11 informational.
    const group = find(rows, 'High (4)');
    const alerts = await children(group);
    assert.equal(alerts.length, 4);
    for (const alert of alerts) {
      assert.match(alert.contextValue, /^alert\+sev-high\+status-(new|inProgress)\+(assigned|unassigned)\+hasWebUrl/);
      assert.match(alert.description, / · (New|In progress) · /);
    }
    for (const label of ['Medium (9)', 'Low (8)', 'Informational (11)']) {
      find(rows, label);
    }
  });

  it('pages long lists with a "Load more" row that loads the next page of that group', async () => {
    const a = await api();
    const highGroup = async () => find(await roots('alerts'), /^High \(/);
    const loaded = async () => (await children(await highGroup())).filter(r => r.contextValue.startsWith('alert+')).length;
    const config = vscode.workspace.getConfiguration('securityPosture');
    await config.update('alerts.days', 365, vscode.ConfigurationTarget.Global);
    await config.update('alerts.statusFilter', ['new', 'inProgress', 'resolved'], vscode.ConfigurationTarget.Global);
    await setSetting('alerts.pageSize', 10, async () => a.store.get('alerts').status === 'ready' && a.store.alertsFilter.days === 365 && (await loaded()) === 10);
    try {
      let list = await children(await highGroup());
      const more = list[list.length - 1];
      assert.equal(more.label, 'Load more');
      assert.equal(more.contextValue, 'loadMore');
      assert.match(more.description, /^10 of \d+ shown$/);
      await vscode.commands.executeCommand(more.item.command!.command, ...(more.item.command!.arguments ?? []));
      list = await children(await highGroup());
      assert.equal(list.filter(r => r.contextValue.startsWith('alert+')).length, 20);
      assert.match(list[list.length - 1].description, /^20 of \d+ shown$/);
    } finally {
      await config.update('alerts.days', undefined, vscode.ConfigurationTarget.Global);
      await config.update('alerts.statusFilter', undefined, vscode.ConfigurationTarget.Global);
      await setSetting('alerts.pageSize', undefined, async () => a.store.get('alerts').status === 'ready' && a.store.alertsFilter.days === 30);
    }
  });

  it('Partner Security shows the score with requirements, history, customers and partner alerts', async () => {
    const data = await dataset();
    const [root] = await roots('partner');
    assert.equal(root.label, 'Partner security score');
    assert.ok(root.description.startsWith('63 / 100'), root.description);
    const sections = await children(root);
    assert.deepEqual(sections.map(s => s.label), ['Requirements', 'History', 'Customers', 'Partner alerts']);
    const requirements = await children(sections[0]);
    assert.equal(requirements.length, data.partnerRequirements.length);
    assert.ok(requirements.some(r => r.contextValue.startsWith('requirement+noncompliant') && /Not compliant/.test(r.description)), 'the misspelled noncomplaint shows as Not compliant');
    assert.ok(find(requirements, 'MFA enforced for admins').contextValue.includes('+hasActionUrl'));
    const history = await children(sections[1]);
    assert.equal(history.length, data.partnerHistory.length);
    const customers = await children(sections[2]);
    assert.equal(customers.length, data.customerInsights.length);
    const atRisk = customers.filter(c => c.contextValue === 'customer+atRisk');
    assert.ok(atRisk.length > 0);
    assert.equal(customers[0].contextValue, 'customer+atRisk', 'customers without MFA come first');
    const details = await children(atRisk[0]);
    assert.deepEqual(details.map(d => d.label), ['Admins with MFA', 'Non-admins with MFA', 'Security defaults', 'Conditional Access MFA', 'Legacy per-user MFA']);
    const alertGroups = await children(sections[3]);
    assert.ok(alertGroups.length >= 2);
    assert.match(alertGroups[0].label, /^Active \(\d+\)$/);
  });

  it('marks sample mode in every view and keeps ids unique', async () => {
    const a = await api();
    assert.equal(a.connection.label, 'Sample tenant');
    const ids = new Set<string>();
    for (const view of VIEWS) {
      for (const row of await walk(view)) {
        assert.ok(!ids.has(row.node.id), `duplicate id ${row.node.id}`);
        ids.add(row.node.id);
      }
    }
    assert.ok(ids.size > 300, `${ids.size} rows`);
  });
});
