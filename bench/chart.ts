// Chart: the Secure Score panel for 365 days drawn by the production webview bundle in Chromium,
// from the model the extension builds (src/views/panels/secureScorePanel.ts). The baseline draws the
// same series with Chart.js's defaults. Each is measured on fresh pages; the median is reported.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { resolveCloud } from '../src/graph/clouds';
import { GraphService } from '../src/graph/client';
import { SecurityApi } from '../src/graph/security';
import { emptyHistory, mergeSnapshots } from '../src/model/history';
import { PostureStore } from '../src/model/store';
import { GraphEngine } from '../src/sample/engine';
import { generateTenant } from '../src/sample/generator';
import { secureScorePanel } from '../src/views/panels/secureScorePanel';
import type { PanelModel } from '../src/webview/protocol';
import { launchBrowser } from '../test/host/browser';
import type { Build } from './bundle';
import type { BaselineChart } from './chartBaseline';
import { median } from './measure';
import type { Measure } from './report';
import { inProcessConnection } from '../src/sample/transport';

const repoRoot = path.resolve(__dirname, '..', '..');
const DAYS = 365;
const RUNS = 5;

/** The panel's model as the extension builds it, over a year of daily snapshots. */
async function secureScoreModel(): Promise<PanelModel> {
  const dataset = generateTenant({ scoreDays: DAYS });
  const caller = { tenantId: dataset.tenantId, upn: dataset.signedInUser, appOnly: false, permissions: ['SecurityEvents.Read.All'] };
  const store = new PostureStore();
  store.connect(new SecurityApi(new GraphService({ cloud: resolveCloud('AzureCloud'), ...inProcessConnection(new GraphEngine(dataset), caller) })), 'bench');
  await store.refresh(['scores', 'profiles']);
  const history = mergeSnapshots(emptyHistory(dataset.tenantId), dataset.secureScores).history;
  const context = { store, history: () => history, planned: () => [], label: () => 'Sample tenant', now: () => new Date() };
  return secureScorePanel.build(context, { kind: 'secureScore', range: 'all' }, {});
}

async function openPage(browser: Browser, file: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  // Only the page's own files load.
  await page.route('**/*', route => (route.request().url().startsWith('file:') ? route.continue() : route.abort('blockedbyclient')));
  await page.goto(`file://${file}`);
  return page;
}

/** From the model arriving to the next frame after the panel drew it. */
async function drawOurs(browser: Browser, html: string, model: PanelModel): Promise<number> {
  const page = await openPage(browser, html);
  try {
    await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some(m => m.type === 'ready'));
    const ms = await page.evaluate(m => new Promise<number>(resolve => {
      const started = performance.now();
      // Registered after the page's own listener, so it runs once the page has drawn.
      window.addEventListener('message', () => requestAnimationFrame(() => resolve(performance.now() - started)), { once: true });
      window.postMessage({ type: 'model', model: m, motion: 'reduce' }, '*');
    }), model);
    const drawn = await page.evaluate(() => ({ draws: document.body.dataset.chartDraws, canvases: document.querySelectorAll('canvas').length }));
    if (drawn.draws !== '1' || drawn.canvases === 0) {
      throw new Error(`the panel did not draw its charts (${JSON.stringify(drawn)})`);
    }
    return ms;
  } finally {
    await page.close();
  }
}

async function drawBaseline(browser: Browser, html: string, charts: BaselineChart[]): Promise<number> {
  const page = await openPage(browser, html);
  try {
    return await page.evaluate(c => window.drawBaseline(c), charts);
  } finally {
    await page.close();
  }
}

export async function chartScenario(build: Build, work: string): Promise<Measure[]> {
  const measure: Measure = {
    scenario: 'chart', scale: `${DAYS} days`, measure: `draw the Secure Score panel's charts (ms, Chromium, median of ${RUNS}; baseline: Chart.js defaults, animated)`,
    ours: null, budget: { op: '<=', value: 750 },
  };
  const bundle = path.join(build.dist, 'webview', 'panels.main.js');
  if (!fs.existsSync(bundle)) {
    return [{ ...measure, failure: 'no Secure Score chart in this build (dist/webview/panels.main.js)' }];
  }
  const dir = path.join(work, 'chart');
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(build.dist, 'webview'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ours.html'), `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="panels.main.css"></head>
<body><main id="app" aria-busy="true"></main>
<script>window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: m => window.posted.push(m), getState: () => undefined, setState: () => undefined });</script>
<script src="panels.main.js"></script></body></html>\n`);
  await esbuild.build({ entryPoints: [path.join(repoRoot, 'bench', 'chartBaseline.ts')], outfile: path.join(dir, 'baseline.js'), bundle: true, platform: 'browser', format: 'iife', minify: true, logLevel: 'warning' });
  fs.writeFileSync(path.join(dir, 'baseline.html'), '<!doctype html><html><head><meta charset="utf-8"></head><body style="width:1150px"><script src="baseline.js"></script></body></html>\n');

  const model = await secureScoreModel();
  const yearCharts = model.cards.filter(c => c.chart.type === 'line' && c.chart.labels.length === DAYS);
  if (yearCharts.length === 0) {
    return [{ ...measure, failure: `the panel has no line chart of ${DAYS} days` }];
  }
  const charts = yearCharts.map(c => ({ labels: c.chart.labels, series: c.chart.series.map(s => ({ label: s.label, values: s.values })) }));
  const browser = await launchBrowser();
  try {
    const ours: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(await drawOurs(browser, path.join(dir, 'ours.html'), model));
      baseline.push(await drawBaseline(browser, path.join(dir, 'baseline.html'), charts));
    }
    return [{ ...measure, ours: median(ours), baseline: median(baseline), note: `${yearCharts.length} charts of ${DAYS} days, tables included` }];
  } finally {
    await browser.close();
  }
}
