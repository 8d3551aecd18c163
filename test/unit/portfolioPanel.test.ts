// The portfolio panel's data (heatmap rows, cells, order, the list of customers it cannot read)
// and the portfolio report, on the sample partner's 36 customers read with categories (the same
// fetcher the panel's Portfolio service uses) at a fixed time. Expected values are the sample
// seed's literals; one category is also summed here straight from the customer's own snapshot.
import * as assert from 'node:assert/strict';
import { GraphService } from '../../src/graph/client';
import { resolveCloud } from '../../src/graph/clouds';
import { PortfolioFetcher, discoverCustomers, type CustomerResult } from '../../src/model/portfolio';
import { portfolioCsv, portfolioMarkdown } from '../../src/model/portfolio/report';
import { generateCustomerTenant } from '../../src/sample/customers';
import { GraphEngine } from '../../src/sample/engine';
import { generateTenant } from '../../src/sample/generator';
import { sampleCustomerConnection } from '../../src/sample/portfolio';
import { samplePartnerGraph } from './inProcessStore';
import { portfolioPanel, shapePortfolio, type PortfolioPanelSource } from '../../src/views/panels/portfolioPanel';
import { toCsv } from '../../src/webview/protocol';

const NOW = new Date('2026-11-22T09:30:00Z');
const dataset = generateTenant({ now: NOW });

async function sampleResults(): Promise<CustomerResult[]> {
  const engine = new GraphEngine(dataset, { now: () => NOW });
  const cloud = resolveCloud('AzureCloud');
  const partner = samplePartnerGraph(engine, dataset);
  const { customers } = await discoverCustomers(partner, { mode: 'gdap', now: NOW, names: dataset.customerNames });
  const fetcher = new PortfolioFetcher({
    cloud, categories: true, now: () => NOW.getTime(),
    graphFor: tenantId => new GraphService({ cloud, ...sampleCustomerConnection(engine, tenantId, dataset.signedInUser)! }),
  });
  const rows: CustomerResult[] = [];
  await fetcher.run(customers, { onCustomer: r => rows.push(r) });
  return rows;
}

/** A readable customer with hand-made numbers (a hostile name, an unknown maximum). */
function handMade(name: string, categories: NonNullable<CustomerResult['posture']>['categories'], extra: Partial<CustomerResult> = {}): CustomerResult {
  return {
    customer: { tenantId: '00000000-0000-0000-0000-00000000000a', name, sources: ['gdap'], access: { canRead: true, canWrite: false, roles: ['Security Reader'] } } as unknown as CustomerResult['customer'],
    status: 'read',
    posture: { tenantId: '00000000-0000-0000-0000-00000000000a', percent: 50, current: 50, max: 100, change30: -4, trend: [54, 52, 50], categories, warnings: [] },
    ...extra,
  };
}

describe('Portfolio panel and report (sample partner)', function () {
  this.timeout(120_000);
  let results: CustomerResult[];

  before(async () => {
    results = await sampleResults();
  });

  it('puts the 29 customers with a Secure Score in the heatmap, worst first, with each category\'s percent and a 31-day trend', () => {
    const { heatmap } = shapePortfolio(results, 'score', false, false);
    assert.equal(heatmap.rows.length, 29);
    assert.deepEqual(heatmap.categories, ['Identity', 'Data', 'Device', 'Apps', 'Infrastructure']);
    assert.deepEqual(heatmap.rows.slice(0, 3).map(r => [r.name, r.score]), [['Wexford Capital Partners', 42.65], ['Granite Peak Plastics', 43.34], ['Foxglove Construction', 44.3]]);
    const elmhurst = heatmap.rows.at(-1)!;
    assert.deepEqual([elmhurst.name, elmhurst.score, elmhurst.points, elmhurst.change30], ['Elmhurst Pediatrics', 68.71, '287.91 / 419', 38.04]);
    assert.deepEqual(elmhurst.cells.map(c => c.text), ['66%', '85%', '69%', '64%', '87%']);
    assert.equal(elmhurst.trend.length, 31);
    assert.ok(elmhurst.trend[30] > elmhurst.trend[0], 'an improving customer\'s line rises');
    const trey = heatmap.rows.find(r => r.name === 'Trey Home Health')!;
    assert.deepEqual(trey.cells.map(c => c.title), ['Identity: 65.5 / 103 (63.6%)', 'Data: 14.88 / 35 (42.5%)', 'Device: 65.77 / 132 (49.8%)', 'Apps: 78.5 / 129 (60.9%)', 'Infrastructure: 17.5 / 20 (87.5%)']);
    assert.equal(trey.note, 'The GDAP relationship ends on 2026-12-04 (in 12 days) and does not renew itself. Extend it before then.');
  });

  it('agrees with the customer\'s own snapshot: Elmhurst\'s Identity points summed here from its controls', () => {
    const spec = dataset.customerTenants!.find(c => c.name === 'Elmhurst Pediatrics')!;
    const tenant = generateCustomerTenant(spec, NOW.getTime());
    const latest = [...tenant.secureScores].sort((a, b) => b.createdDateTime.localeCompare(a.createdDateTime))[0];
    const maxById = new Map(tenant.controlProfiles.map(p => [p.id, p.maxScore ?? 0]));
    const identity = latest.controlScores.filter(c => c.controlCategory === 'Identity' || c.controlCategory === 'Account');
    const earned = identity.reduce((s, c) => s + (c.score ?? 0), 0);
    const max = identity.reduce((s, c) => s + (maxById.get(c.controlName) ?? 0), 0);
    const cell = shapePortfolio(results, 'score', false, false).heatmap.rows.find(r => r.name === 'Elmhurst Pediatrics')!.cells[0];
    assert.equal(cell.percent, Math.round((earned / max) * 10_000) / 100);
    assert.equal(cell.text, '66%');
  });

  it('lists the seven customers it cannot draw below the heatmap, by name, each with its reason', () => {
    const { blocked } = shapePortfolio(results, 'score', false, false);
    assert.deepEqual(blocked.rows.map(r => r.cells[0]), ['Contour Orthodontics', 'Glenwood Pediatrics', 'Litware Environmental Services', 'Litware Travel', 'Pinecrest Solar', 'VanArsdel Printing', 'Wexford Architects']);
    const reason = (name: string) => String(blocked.rows.find(r => r.cells[0] === name)!.cells[2]);
    assert.match(reason('Contour Orthodontics'), /Add Security Reader to read/);
    assert.match(reason('Glenwood Pediatrics'), /no Secure Score data/);
    assert.match(reason('Litware Environmental Services'), /ended on 2026-11-02/);
    assert.match(reason('Litware Travel'), /AADSTS53003/);
    assert.match(reason('Pinecrest Solar'), /No GDAP relationship/);
    assert.equal(reason('VanArsdel Printing'), 'Microsoft Graph is throttling this tenant; it will be tried again after 09:40 UTC.');
    assert.match(reason('Wexford Architects'), /AADSTS65001/);
  });

  it('sorts by name, by a category, and by the 30-day change, either way', () => {
    const first = (sort: Parameters<typeof shapePortfolio>[1], descending: boolean) => shapePortfolio(results, sort, descending, false).heatmap.rows[0].name;
    assert.equal(first('name', false), 'Alpine Ski House Pharmacy');
    assert.equal(first('name', true), 'Yarrow Consulting');
    assert.equal(first('Identity', true), 'Consolidated Nonprofit Foundation');
    assert.equal(first('Data', false), 'Northgate Pharmacy');
    assert.equal(first('Infrastructure', false), 'City Power Dermatology');
    assert.equal(first('change30', false), 'City Power Dermatology');
    assert.equal(first('change30', true), 'Elmhurst Pediatrics');
    assert.equal(first('score', true), 'Elmhurst Pediatrics');
  });

  it('gives the table and its CSV the same numbers as the heatmap', () => {
    const { heatmap } = shapePortfolio(results, 'score', false, false);
    assert.deepEqual(heatmap.table.columns.map(c => c.label).slice(0, 8), ['Customer', 'Tenant id', 'Score', 'Points', 'Maximum', 'Identity %', 'Identity points', 'Identity maximum']);
    assert.deepEqual(heatmap.table.rows[0], ['Wexford Capital Partners', '793dd18b-8d79-4030-a7e3-8aa2ac74e67c', 42.65, 178.72, 419, 41.57, 42.82, 103, 35.23, 12.33, 35, 60.01, 79.21, 132, 29.89, 38.56, 129, 29, 5.8, 20, -7]);
    const csv = toCsv(heatmap.table.columns.map(c => c.label), heatmap.table.rows);
    assert.equal(csv.split('\r\n')[1], 'Wexford Capital Partners,793dd18b-8d79-4030-a7e3-8aa2ac74e67c,42.65,178.72,419,41.57,42.82,103,35.23,12.33,35,60.01,79.21,132,29.89,38.56,129,29,5.8,20,-7');
  });

  it('says "max unknown" rather than 0% for a category whose maximum is unknown, and "reading…" before categories arrive', () => {
    const unknown = handMade('Unknown Max Ltd', [
      { category: 'Identity', score: 12, unknownMax: 2, controls: 5 },
      { category: 'Data', score: 0, max: 20, percent: 0, unknownMax: 0, controls: 2 },
      { category: 'Device', score: 0, max: 0, percent: 0, unknownMax: 0, controls: 0 },
    ]);
    const row = shapePortfolio([unknown], 'score', false, false).heatmap.rows[0];
    assert.deepEqual(row.cells.map(c => [c.text, c.percent]), [['max unknown', null], ['0%', 0], ['–', null], ['–', null], ['–', null]]);
    assert.match(row.cells[0].title, /12 points\. The maximum is unknown: 2 of 5 controls/);
    const waiting = shapePortfolio([handMade('Not Yet Inc', undefined)], 'score', false, true).heatmap.rows[0];
    assert.deepEqual(waiting.cells.map(c => c.text), ['reading…', 'reading…', 'reading…', 'reading…', 'reading…']);
    const refused = handMade('Refused Co', undefined);
    refused.posture!.warnings = ['Categories could not be read (HTTP 403).'];
    assert.deepEqual(shapePortfolio([refused], 'score', false, false).heatmap.rows[0].cells[0], { percent: null, text: 'not readable', title: 'Categories could not be read (HTTP 403).' });
  });

  it('keeps a hostile name as data: text in the model, defused in the CSV and escaped in the Markdown report', () => {
    const hostile = handMade('=HYPERLINK("https://evil.example/x","<img src=x onerror=alert(1)>")', []);
    const { heatmap } = shapePortfolio([hostile], 'score', false, false);
    assert.equal(heatmap.rows[0].name, '=HYPERLINK("https://evil.example/x","<img src=x onerror=alert(1)>")');
    assert.match(toCsv(['Customer'], [[heatmap.rows[0].name]]), /^Customer\r\n"'=HYPERLINK/);
    const report = { generatedAt: NOW, partnerLabel: 'Partner <b>x</b>', results: [hostile] };
    assert.match(portfolioCsv(report).split('\r\n')[1], /^"'=HYPERLINK\(""https:\/\/evil/);
    const md = portfolioMarkdown(report);
    assert.ok(!md.includes('<img') && !md.includes('<b>'), 'no HTML from Graph in the Markdown');
    assert.ok(md.includes('&lt;img src=x onerror=alert\\(1\\)&gt;'));
    assert.ok(!/https:\/\/evil/.test(md), 'no link a renderer would follow');
  });

  it('builds the panel\'s model from the service: notices while reading, the heatmap and the blocked list', () => {
    let on: boolean | undefined;
    const source: PortfolioPanelSource = {
      connected: true, isRunning: true, customers: results, progress: { done: 12, total: 36 }, warnings: [],
      onDidChange: () => ({ dispose() { /* nothing to stop */ } }),
      readCategories: async value => {
        on = value;
      },
    };
    const panel = portfolioPanel(source);
    const held = panel.attach!();
    assert.equal(on, true, 'opening the panel asks for categories');
    const ctx = { now: () => NOW } as Parameters<typeof panel.build>[0];
    const model = panel.build(ctx, { kind: 'portfolio', sort: 'name', descending: false }, {});
    assert.equal(model.subtitle, '36 customers · 29 read, average 52%, 12 lower than 30 days ago · 7 not read');
    assert.deepEqual(model.notices, ['Reading customers: 12 of 36 customers.']);
    assert.equal(model.heatmap!.rows[0].name, 'Alpine Ski House Pharmacy');
    assert.deepEqual(model.viewState, { kind: 'portfolio', sort: 'name', descending: false });
    assert.equal(model.lists[0].rows.length, 7);
    held.dispose();
    assert.equal(on, false, 'closing it stops asking');
    const signedOut = portfolioPanel({ ...source, connected: false, customers: [], progress: undefined }).build(ctx, { kind: 'portfolio' }, {});
    assert.match(signedOut.notices[0], /the portfolio is for CSP partners/);
    assert.equal(signedOut.heatmap!.empty, 'Reading customers…');
  });

  it('reports every customer in Markdown and CSV: one row each, worst score first, unreadable ones with their reason', () => {
    const input = { generatedAt: NOW, partnerLabel: 'Sample tenant', results };
    const md = portfolioMarkdown(input);
    assert.ok(md.startsWith('# Customer portfolio report\n\n**Partner:** Sample tenant  \n**Generated:** 2026-11-22 09:30 UTC by Security Posture for VS Code\n'));
    assert.ok(md.includes('36 customers: 29 with a Secure Score (average 52%), 7 not read. 12 with open high-severity alerts; 4 with no MFA mechanism.'));
    const tableRows = md.split('\n').filter(l => l.startsWith('| ') && !l.startsWith('| Customer') && !l.startsWith('| ---'));
    assert.equal(tableRows.length, 36);
    assert.equal(tableRows[0], '| Wexford Capital Partners | 793dd18b-8d79-4030-a7e3-8aa2ac74e67c | 42.6% | 178.72 / 419 | ±0 | −7 | 46.9% | 0 | 0 | MFA on | 2027-02-12 | 2026-11-22 |  |');
    assert.equal(tableRows[28], '| Elmhurst Pediatrics | f9bdec8a-9320-4f9b-866e-c7886847f3b6 | 68.7% | 287.91 / 419 | +9.19 | +38.04 | 47.2% | 0 | 3 | MFA on | 2028-06-06 | 2026-11-22 |  |');
    assert.equal(tableRows.find(l => l.startsWith('| VanArsdel Printing')), '| VanArsdel Printing | 6e1f6868-cdfd-471f-9122-2d4113213143 | – | – | – | – | – | – | – | MFA on | 2027-06-16 | – | Microsoft Graph is throttling this tenant; it will be tried again after 09:40 UTC. |');
    assert.match(tableRows.find(l => l.startsWith('| Trey Home Health'))!, /\| 2026-12-04 \| 2026-11-22 \| The GDAP relationship ends on 2026-12-04 \\\(in 12 days\\\)/);

    const csv = portfolioCsv(input).split('\r\n');
    assert.equal(csv[0], 'customer,tenantId,scorePercent,points,maxPoints,change7,change30,allTenantsPercent,openHighAlerts,openMediumAlerts,mfa,gdapEnds,asOf,readable,reason');
    assert.equal(csv.length, 38, 'a header, 36 rows and the final line break');
    assert.equal(csv[1], 'Wexford Capital Partners,793dd18b-8d79-4030-a7e3-8aa2ac74e67c,42.65,178.72,419,0,-7,46.93,0,0,MFA on,2027-02-12,2026-11-22,true,');
    assert.equal(csv.find(l => l.startsWith('Wexford Architects')), 'Wexford Architects,53b9953a-0c34-47bd-8bfa-0d89c1840ca5,,,,,,,,,no MFA mechanism,2027-08-17,,false,The app has no admin consent in this customer\'s tenant (AADSTS65001). A Global or Privileged Role Administrator of the customer can grant it.');
  });
});
