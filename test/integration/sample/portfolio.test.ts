// The portfolio panel and "Export Portfolio Report" on the sample partner's 36 customers, in the
// real VS Code: "Show Portfolio" opens the panel, the Portfolio service reads each customer's
// points per category while it is open, the page is sent the heatmap (29 customers × 5
// categories with their trends) and the seven it cannot read with their reasons; the report
// holds every customer. The sample dates its customers from the real clock: scores and category
// percents of today are its seed's, changes vary by a few hundredths and are matched by shape.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PanelModel } from '../../../src/webview/protocol';
import { waitFor } from '../helpers';
import { api } from '../trees';

/** The newest model the portfolio page was sent that satisfies `check`. */
async function portfolioModel(check: (m: PanelModel) => boolean, what: string): Promise<PanelModel> {
  const a = await api();
  return waitFor(what, () => {
    const model = a.panels.snapshots().find(s => s.kind === 'portfolio' && s.ready)?.model;
    return model && !a.customers.portfolio.isRunning && check(model) ? model : undefined;
  }, 240_000);
}

const complete = (m: PanelModel) => !!m.heatmap && m.heatmap.rows.length === 29 && m.heatmap.rows.every(r => r.cells.every(c => c.percent !== null));

describe('Portfolio panel and report (sample partner)', function () {
  // A first read generates each sample customer's tenant: minutes on a loaded 2-core machine.
  this.timeout(300_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens from "Show Portfolio" with the 29 readable customers × 5 categories, worst first, each with its 30-day trend', async () => {
    const a = await api();
    await vscode.commands.executeCommand('securityPosture.showPortfolio');
    assert.equal(a.customers.portfolio.readsCategories, true, 'the open panel asks for points per category');
    const model = await portfolioModel(complete, 'the heatmap with every customer\'s categories');
    const heatmap = model.heatmap!;
    assert.equal(model.title, 'Customer portfolio');
    assert.match(model.subtitle, /^36 customers · 29 read, average 5\d(\.\d)?%, \d+ lower than 30 days ago · 7 not read$/);
    assert.deepEqual(heatmap.categories, ['Identity', 'Data', 'Device', 'Apps', 'Infrastructure']);
    assert.deepEqual([heatmap.sort, heatmap.descending], ['score', false]);
    const scores = heatmap.rows.map(r => r.score);
    assert.deepEqual([...scores].sort((x, y) => x - y), scores, 'worst score first');
    const elmhurst = heatmap.rows.find(r => r.name === 'Elmhurst Pediatrics')!;
    assert.equal(heatmap.rows.at(-1), elmhurst);
    assert.equal(elmhurst.score, 68.71);
    assert.deepEqual(elmhurst.cells.map(c => c.text), ['66%', '85%', '69%', '64%', '87%']);
    assert.match(elmhurst.cells[1].title, /^Data: [\d.]+ \/ 35 \(8[45]\.\d%\)$/);
    assert.equal(elmhurst.trend.length, 31);
    assert.ok(elmhurst.trend[30] > elmhurst.trend[0], 'Elmhurst improves over the month');
    assert.match(String(elmhurst.change30), /^3[78]\.\d+$/);
    assert.match(heatmap.rows.find(r => r.name === 'Trey Home Health')!.note ?? '', /^The GDAP relationship ends on \d{4}-\d{2}-\d{2} \(in \d+ days\)/);
    assert.equal(heatmap.table.rows.length, 29, 'the Table and Export CSV hold the same rows');
  });

  it('lists the seven customers it cannot draw below the heatmap, each with its reason', async () => {
    const model = await portfolioModel(complete, 'the portfolio model');
    const blocked = model.lists.find(l => l.id === 'portfolio-blocked')!;
    assert.deepEqual(blocked.rows.map(r => r.cells[0]), ['Contour Orthodontics', 'Glenwood Pediatrics', 'Litware Environmental Services', 'Litware Travel', 'Pinecrest Solar', 'VanArsdel Printing', 'Wexford Architects']);
    const reason = (name: string) => String(blocked.rows.find(r => r.cells[0] === name)!.cells[2]);
    assert.match(reason('Contour Orthodontics'), /Security Reader/);
    assert.match(reason('Wexford Architects'), /AADSTS65001/);
    assert.match(reason('Litware Travel'), /AADSTS53003/);
    assert.match(reason('VanArsdel Printing'), /throttling/);
    assert.match(reason('Glenwood Pediatrics'), /no Secure Score data/);
  });

  it('sorts by a category and by name, and keeps the order through a redraw', async () => {
    const a = await api();
    a.panels.open('portfolio', { sort: 'Identity', descending: true });
    const byIdentity = await portfolioModel(m => complete(m) && m.viewState.sort === 'Identity', 'the heatmap by Identity');
    const identity = byIdentity.heatmap!.rows.map(r => r.cells[0].percent!);
    assert.deepEqual([...identity].sort((x, y) => y - x), identity, 'highest Identity percent first');
    a.panels.open('portfolio', { sort: 'name', descending: false });
    const byName = await portfolioModel(m => complete(m) && m.viewState.sort === 'name', 'the heatmap by name');
    assert.deepEqual(byName.heatmap!.rows.slice(0, 2).map(r => r.name), ['Alpine Ski House Pharmacy', 'Beaumont Tool & Die']);
    a.panels.open('portfolio', { sort: 'score', descending: false });
    await portfolioModel(m => m.viewState.sort === 'score', 'the heatmap back in score order');
  });

  it('posts customers to the open panel as they answer during a refresh, not only at the end', async () => {
    const a = await api();
    // What the host last posted to the page, sampled while the refresh runs.
    const posted = new Set<string>();
    const sample = setInterval(() => {
      const notice = a.panels.snapshots().find(x => x.kind === 'portfolio')?.model?.notices.find(n => n.startsWith('Reading customers:'));
      if (notice) {
        posted.add(notice);
      }
    }, 20);
    try {
      await vscode.commands.executeCommand('securityPosture.refreshCustomers');
    } finally {
      clearInterval(sample);
    }
    const done = [...posted].map(n => Number(/: (\d+) of 36 customers/.exec(n)?.[1] ?? -1));
    assert.ok(done.some(d => d > 0 && d < 36), `models posted during the refresh: ${[...posted].join(' | ')}`);
    const final = await portfolioModel(m => complete(m) && !m.notices.some(n => n.startsWith('Reading customers:')), 'the model after the refresh');
    assert.equal(final.heatmap!.rows.length, 29);
  });

  it('exports the portfolio report in Markdown and CSV with one row per customer', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-portfolio-'));
    const mdUri = vscode.Uri.file(path.join(dir, 'portfolio.md'));
    const csvUri = vscode.Uri.file(path.join(dir, 'portfolio.csv'));
    await vscode.commands.executeCommand('securityPosture.exportPortfolioReport', 'markdown', mdUri);
    await vscode.commands.executeCommand('securityPosture.exportPortfolioReport', 'csv', csvUri);
    const md = fs.readFileSync(mdUri.fsPath, 'utf8');
    assert.match(md, /^# Customer portfolio report\n\n\*\*Partner:\*\* Sample tenant {2}\n/);
    assert.match(md, /36 customers: 29 with a Secure Score \(average 5\d(\.\d)?%\), 7 not read\./);
    const rows = md.split('\n').filter(l => l.startsWith('| ') && !l.startsWith('| Customer') && !l.startsWith('| ---'));
    assert.equal(rows.length, 36);
    assert.match(rows[28], /^\| Elmhurst Pediatrics \| [0-9a-f-]{36} \| 68\.7% \| [\d.]+ \/ 419 \| \+9\.\d+ \| \+3[78]\.\d+ \| [\d.]+% \| 0 \| 3 \| MFA on \| \d{4}-\d{2}-\d{2} \| \d{4}-\d{2}-\d{2} \| {2}\|$/);
    assert.match(rows.find(l => l.startsWith('| Wexford Architects'))!, /\| – \| – \| .*AADSTS65001/);
    const csv = fs.readFileSync(csvUri.fsPath, 'utf8').split('\r\n');
    assert.equal(csv[0], 'customer,tenantId,scorePercent,points,maxPoints,change7,change30,allTenantsPercent,openHighAlerts,openMediumAlerts,mfa,gdapEnds,asOf,readable,reason');
    assert.equal(csv.filter(Boolean).length, 37);
    assert.match(csv.find(l => l.startsWith('Contour Orthodontics'))!, /,false,"?The GDAP relationship has no role that can read security data/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops reading categories once the panel is closed', async () => {
    const a = await api();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the portfolio panel to close', () => !a.panels.panel('portfolio'));
    assert.equal(a.customers.portfolio.readsCategories, false);
  });
});
