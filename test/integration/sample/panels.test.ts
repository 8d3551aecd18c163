// The analytics panels from the extension host's side, on the sample tenant: each opens with a
// strict CSP and only dist/webview as resource root, sends the numbers of the store and the stored
// history, keeps the history in global storage (export / import), and follows the what-if plan.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseHistory } from '../../../src/model/history';
import { sortSnapshots } from '../../../src/model/secureScore';
import type { TenantDataset } from '../../../src/sample/dataset';
import type { PanelKind, PanelModel } from '../../../src/webview/protocol';
import { waitFor } from '../helpers';
import { PANEL_COMMANDS } from '../panels';
import { api, children, roots } from '../trees';


/** Runs the panel's command and waits for the model its page was sent. */
async function open(kind: PanelKind, args: unknown[] = []): Promise<PanelModel> {
  const a = await api();
  await vscode.commands.executeCommand(PANEL_COMMANDS[kind], ...args);
  return waitFor(`the ${kind} panel to get its model`, () => a.panels.snapshots().find(s => s.kind === kind && s.ready)?.model, 30_000);
}

/** Waits for the next model posted to a panel that satisfies `check`. */
async function nextModel(kind: PanelKind, check: (m: PanelModel) => boolean, change: () => unknown): Promise<PanelModel> {
  const a = await api();
  const seen = new Promise<PanelModel>(resolve => {
    const sub = a.panels.onDidPost(s => {
      if (s.kind === kind && s.model && check(s.model)) {
        sub.dispose();
        resolve(s.model);
      }
    });
  });
  await change();
  return Promise.race([seen, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no matching ${kind} model`)), 20_000))]);
}

async function dataset(): Promise<TenantDataset> {
  const state = (await api()).connection.state;
  assert.equal(state.kind, 'sample');
  return (state as { dataset: TenantDataset }).dataset;
}

const card = (model: PanelModel, id: string) => {
  const found = model.cards.find(c => c.id === id);
  assert.ok(found, `card ${id} in ${model.cards.map(c => c.id).join(', ')}`);
  return found;
};
const series = (model: PanelModel, cardId: string, seriesId: string) => {
  const found = card(model, cardId).chart.series.find(s => s.id === seriesId);
  assert.ok(found, `series ${seriesId} of ${cardId}`);
  return found.values;
};

describe('analytics panels (extension host)', function () {
  this.timeout(60_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await (await api()).plan.forget('sample');
  });

  it('open from their commands with a strict CSP, a fresh nonce each, and only dist/webview as resource root', async () => {
    const a = await api();
    const nonces = new Set<string>();
    const root = vscode.Uri.joinPath(vscode.extensions.getExtension('security-posture.security-posture')!.extensionUri, 'dist', 'webview');
    for (const kind of Object.keys(PANEL_COMMANDS) as PanelKind[]) {
      const model = await open(kind);
      assert.equal(model.kind, kind);
      const panel = a.panels.panel(kind)!;
      assert.deepEqual(panel.webview.options.localResourceRoots?.map(u => u.toString()), [root.toString()]);
      assert.equal(panel.webview.options.enableScripts, true);
      assert.equal(panel.webview.options.enableCommandUris, false);
      const html = panel.webview.html;
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
      for (const directive of ["default-src 'none'", "connect-src 'none'", "img-src 'none'", "base-uri 'none'", `style-src ${panel.webview.cspSource}`]) {
        assert.ok(csp.includes(directive), `${kind}: ${directive} in ${csp}`);
      }
      assert.doesNotMatch(csp, /unsafe-|(^|\s)\*(\s|;|$)|data:|blob:/, 'no unsafe-*, no bare wildcard, no data: or blob:');
      const nonce = /script-src 'nonce-([A-Za-z0-9+/=]{24,})'/.exec(csp)?.[1];
      assert.ok(nonce, `${kind}: a nonce in ${csp}`);
      assert.ok(!nonces.has(nonce), 'every page gets its own nonce');
      nonces.add(nonce);
      const scripts = [...html.matchAll(/<script([^>]*)>/g)].map(m => m[1]);
      assert.equal(scripts.length, 1);
      assert.match(scripts[0], new RegExp(`nonce="${nonce.replace(/[+/]/g, c => `\\${c}`)}"`));
      assert.match(scripts[0], /dist\/webview\/panels\.main\.js/);
    }
  });

  it('Secure Score: 90 days of points and percent from Graph, "all" from the stored history, categories summed from controls', async () => {
    const data = await dataset();
    const today = sortSnapshots(data.secureScores)[0];
    const model = await open('secureScore', [undefined]);
    assert.equal(model.viewState.range, '90');
    const labels = card(model, 'score-points').chart.labels;
    assert.equal(labels.length, 90);
    assert.equal(labels[89], today.createdDateTime.slice(0, 10));
    // The sample's seed gives today 249.72 of 419 points, by category as its controls add up.
    assert.equal(series(model, 'score-points', 'current')[89], 249.72);
    assert.equal(series(model, 'score-points', 'max')[89], 419);
    assert.deepEqual(card(model, 'score-percent').chart.series.map(s => s.id), ['percent', 'AllTenants', 'TotalSeats', 'IndustryTypes']);
    const categories = { Identity: 65.23, Data: 19.69, Device: 64.12, Apps: 86.88, Infrastructure: 13.8 };
    for (const [category, score] of Object.entries(categories)) {
      assert.equal(series(model, 'categories', category)[89], score, category);
    }
    const identity = await nextModel('secureScore', m => m.viewState.category === 'Identity',
      () => vscode.commands.executeCommand('securityPosture.showScoreHistory', 'Identity'));
    assert.deepEqual(card(identity, 'categories').chart.series.map(s => s.id), ['Identity'], 'opened for a category, it shows that one');
    assert.ok(identity.actions.some(a => a.action === 'showAllCategories'));
    await nextModel('secureScore', m => m.viewState.category === undefined, () => vscode.commands.executeCommand('securityPosture.showScoreHistory'));
    const all = await nextModel('secureScore', m => m.viewState.range === 'all', () => (api().then(a => a.panels.open('secureScore', { range: 'all' }))));
    const allLabels = card(all, 'score-points').chart.labels;
    assert.equal(allLabels.length, 400, 'Graph\'s 90 days and the 310 older stored ones');
    assert.equal(allLabels[0], data.secureScoreArchive!.at(-1)!.createdDateTime.slice(0, 10));
  });

  it('keeps the history in a file in global storage, exports it and imports days it lacks', async () => {
    const a = await api();
    await a.history.settled();
    const file = a.history.fileFor('sample');
    const stored = parseHistory(JSON.parse(fs.readFileSync(file, 'utf8')));
    assert.equal(stored.days.length, 400);
    assert.ok(file.includes('globalStorage') || file.includes('security-posture'), file);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-history-'));
    const exported = vscode.Uri.file(path.join(dir, 'history.json'));
    await vscode.commands.executeCommand('securityPosture.exportHistory', exported);
    const history = parseHistory(JSON.parse(fs.readFileSync(exported.fsPath, 'utf8')));
    assert.equal(history.days.length, 400);

    // A day from before anything stored, as another machine might have it.
    const older = { ...history.days[0], date: '2020-01-01' };
    fs.writeFileSync(exported.fsPath, JSON.stringify({ ...history, days: [older] }));
    const model = await nextModel('secureScore', m => card(m, 'score-points').chart.labels[0] === '2020-01-01',
      () => vscode.commands.executeCommand('securityPosture.importHistory', exported));
    assert.equal(card(model, 'score-points').chart.labels.length, 401);

    // Not a history: refused, nothing changes.
    fs.writeFileSync(exported.fsPath, JSON.stringify({ format: 'security-posture-history', version: 1, days: 'x' }));
    await vscode.commands.executeCommand('securityPosture.importHistory', exported);
    assert.equal(a.history.current().days.length, 401);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('What changed compares the newest day with one 30 days before, split by cause, each row naming its control', async () => {
    const data = await dataset();
    const model = await open('whatChanged');
    const { from, to } = model.viewState;
    assert.equal(to, sortSnapshots(data.secureScores)[0].createdDateTime.slice(0, 10));
    assert.equal((Date.parse(to!) - Date.parse(from!)) / 86_400_000, 30);
    assert.deepEqual(model.lists.map(l => l.id), ['changes-stateMark', 'changes-microsoft', 'changes-configuration']);
    const ids = new Set(data.controlProfiles.map(p => p.id));
    for (const list of model.lists) {
      for (const row of list.rows) {
        assert.ok(row.control && ids.has(row.control), `${list.id}: ${row.cells[0]}`);
      }
    }
    const earlier = data.secureScores[60].createdDateTime.slice(0, 10);
    const days = await nextModel('whatChanged', m => m.viewState.from === earlier, () => api().then(a => a.panels.open('whatChanged', { from: earlier, to })));
    assert.match(days.subtitle, new RegExp(`^${days.viewState.from} → ${to}: `));
  });

  it('the what-if plan drives the projection, the tree checkboxes and the honesty meter numbers are the model\'s', async () => {
    const a = await api();
    // From the sample's seed (any "now"): today 249.72 of 419 points; these three earn 8.33 of 10,
    // 6.7 of 9 and 0 of 9, so planning them adds 12.97 points: 59.60 % → 262.69 / 419 = 62.69 %.
    const candidates = ['AdminMFAV2', 'MFARegistrationV2', 'mdo_safelinksforemail'];
    const model = await nextModel('whatIf', m => m.lists.find(l => l.id === 'whatif-planned')?.rows.length === 3, async () => {
      await open('whatIf');
      await a.plan.replace('sample', candidates);
    });
    assert.deepEqual(series(model, 'projection', 'percent').slice(0, 2), [59.6, 62.69]);
    const rows = (await Promise.all((await roots('controls')).map(children))).flat();
    const checked = rows.filter(r => r.item.checkboxState && typeof r.item.checkboxState === 'object' && r.item.checkboxState.state === vscode.TreeItemCheckboxState.Checked);
    assert.deepEqual(checked.map(r => (r.node as unknown as { options: { entity: { profile: { id: string } } } }).options.entity.profile.id).sort(), [...candidates].sort());

    // From the seed: of today's 249.72 points, 7 are granted by two "third party" marks and 5 by one
    // "alternate mitigation" mark; nine more controls are marked "risk accepted" (0 points), 12 in all.
    const honesty = await open('honesty');
    assert.deepEqual(card(honesty, 'honesty').chart.series.map(s => s.values[0]), [237.72, 7, 5]);
    assert.equal(honesty.lists.find(l => l.id === 'honesty-controls')!.rows.length, 12);
  });

  it('reveals a control\'s tree row for the links of the panels', async () => {
    const a = await api();
    const data = await dataset();
    const target = data.controlProfiles.find(p => !p.deprecated && p.controlCategory === 'Device')!;
    await vscode.commands.executeCommand('securityPosture.revealControl', target.id);
    const view = a.treeViews.controls;
    await waitFor('the row to be selected', () => view.selection.some(n => n.id.endsWith(`/controls/profile/${target.id}`)));
    assert.ok(view.visible);
  });
});
