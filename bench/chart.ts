// Chart: the Secure Score panel for 365 days drawn by the panel page in Chromium, from the model the
// extension builds (src/views/panels/secureScorePanel.ts). The baseline is the same page, built the
// same way, with createChart swapped for Chart.js's defaults (bench/chartDefaults.ts): same model,
// tables, motion setting and timing point. Fresh pages, alternating; the medians are reported.
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
import { median } from './measure';
import type { Measure } from './report';
import { inProcessConnection } from '../src/sample/transport';

const repoRoot = path.resolve(__dirname, '..', '..');
// The production build's banner (V8's compile hint), on both pages.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { webviewBanner } = require(path.join(repoRoot, 'esbuild.js')) as { webviewBanner: { js: string } };
const DAYS = 365;
const RUNS = 5;
/** As VS Code sends it with reduced motion; the same for both pages. */
const MOTION = 'reduce';

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
async function draw(browser: Browser, html: string, model: PanelModel, charts: number): Promise<number> {
  const page = await openPage(browser, html);
  try {
    await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some(m => m.type === 'ready'));
    const ms = await page.evaluate(({ m, motion }) => new Promise<number>(resolve => {
      const started = performance.now();
      // Registered after the page's own listener, so it runs once the page has drawn.
      window.addEventListener('message', () => requestAnimationFrame(() => resolve(performance.now() - started)), { once: true });
      window.postMessage({ type: 'model', model: m, motion }, '*');
    }), { m: model, motion: MOTION });
    const drawn = await page.evaluate(() => ({ draws: document.body.dataset.chartDraws, motion: document.body.dataset.motion, canvases: document.querySelectorAll('canvas').length }));
    if (drawn.draws !== '1' || drawn.canvases < charts || drawn.motion !== MOTION) {
      throw new Error(`the panel did not draw its ${charts} charts with motion "${MOTION}" (${JSON.stringify(drawn)})`);
    }
    return ms;
  } finally {
    await page.close();
  }
}

/**
 * The panel page (src/webview/panels.main.ts) bundled as the production build bundles it, into
 * `dir`; with `defaults`, its `./charts` import is bench/chartDefaults.ts. Returns the page.
 */
async function buildPage(dir: string, defaults: boolean): Promise<string> {
  let swapped = 0;
  const swap: esbuild.Plugin = {
    name: 'chart-defaults',
    setup(build) {
      build.onResolve({ filter: /^\.\/charts$/ }, args => {
        if (!defaults || !args.importer.endsWith(path.join('webview', 'panels.main.ts'))) {
          return undefined;
        }
        swapped++;
        return { path: path.join(repoRoot, 'bench', 'chartDefaults.ts') };
      });
    },
  };
  await esbuild.build({
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, legalComments: 'none', logLevel: 'warning',
    entryPoints: [path.join(repoRoot, 'src', 'webview', 'panels.main.ts')], outdir: dir, entryNames: '[name]', plugins: [swap], banner: webviewBanner,
  });
  if (defaults && swapped !== 1) {
    throw new Error(`the baseline page could not swap the panel's chart drawing (./charts imported ${swapped} times from panels.main.ts)`);
  }
  const html = path.join(dir, 'panel.html');
  fs.writeFileSync(html, `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="panels.main.css"></head>
<body><main id="app" aria-busy="true"></main>
<script>window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: m => window.posted.push(m), getState: () => undefined, setState: () => undefined });</script>
<script src="panels.main.js"></script></body></html>\n`);
  return html;
}

export async function chartScenario(work: string): Promise<Measure[]> {
  const measure: Measure = {
    scenario: 'chart', scale: `${DAYS} days`,
    measure: `draw the Secure Score panel's charts in view, the rest following after that frame (ms, Chromium, motion "${MOTION}" on both, median of ${RUNS} each; baseline: the same page with Chart.js defaults)`,
    ours: null, budget: { op: '<=', value: 150 },
  };
  const model = await secureScoreModel();
  const yearCharts = model.cards.filter(c => c.chart.type === 'line' && c.chart.labels.length === DAYS);
  if (yearCharts.length === 0) {
    return [{ ...measure, failure: `the panel has no line chart of ${DAYS} days` }];
  }
  const charts = model.cards.length;
  const pages = { ours: await buildPage(path.join(work, 'chart-ours'), false), baseline: await buildPage(path.join(work, 'chart-baseline'), true) };
  const browser = await launchBrowser();
  try {
    // A page that fails to draw is reported, for either side.
    const runs = { ours: [] as number[], baseline: [] as number[] };
    const failures: { ours?: string; baseline?: string } = {};
    for (let i = 0; i < RUNS; i++) {
      for (const side of ['ours', 'baseline'] as const) {
        await draw(browser, pages[side], model, charts).then(ms => runs[side].push(ms), (error: unknown) => {
          failures[side] = error instanceof Error ? error.message : String(error);
        });
      }
    }
    const result = (side: 'ours' | 'baseline') => (runs[side].length === RUNS ? median(runs[side]) : null);
    return [{
      ...measure, ours: result('ours'), baseline: result('baseline'), failure: failures.ours, baselineFailure: failures.baseline,
      note: `${charts} charts, ${yearCharts.length} of them ${DAYS} days, tables included`,
    }];
  } finally {
    await browser.close();
  }
}
