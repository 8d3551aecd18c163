// Full refresh and first paint at three scales: the store's refresh against the emulator, and the
// baseline's sequential reads of the same data, each in a client process of its own.
import type { TenantDataset } from '../src/sample/dataset';
import { ALERT_SEVERITIES } from '../src/model/alerts';
import { PAGE_SIZES } from '../src/sample/engine';
import { generateTenant, SCALES } from '../src/sample/generator';
import type { ServerCertificates } from '../test/emulator/certs';
import type { Mode } from './client';
import { address, graphTraffic, OUR_RUNS, runJob, startGraph } from './graph';
import { criticalPath, median, medianBy } from './measure';
import type { Measure } from './report';

export const BENCH_SCALES = { small: SCALES.sample, medium: SCALES.medium, large: SCALES.large };
export type Scale = keyof typeof BENCH_SCALES;

/** Alerts per severity group before "Load more" (the `alerts.pageSize` default). */
const ALERT_PAGE = 200;

/**
 * The fewest Graph requests that can fill the views: one per page at the largest page size each
 * API allows, and one query per severity (each group needs its own exact count). The longest
 * chain is the collection with the most pages, since each page needs the previous nextLink.
 */
export function lowerBound(dataset: TenantDataset): { requests: number; chain: number } {
  const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));
  const collections = [
    pages(Math.min(90, dataset.secureScores.length), PAGE_SIZES.secureScores.max),
    pages(dataset.controlProfiles.length, PAGE_SIZES.controlProfiles.max),
    ...ALERT_SEVERITIES.map(() => 1),
    // Requirements and history come inside the score through $expand.
    1,
    pages(dataset.customerInsights.length, PAGE_SIZES.customerInsights.default),
    pages(dataset.partnerAlerts.length, PAGE_SIZES.partnerAlerts.max),
  ];
  return { requests: collections.reduce((a, b) => a + b, 0), chain: Math.max(...collections) };
}

export async function refreshScenarios(scales: Scale[], latencyMs: number, certificates: ServerCertificates): Promise<Measure[]> {
  const measures: Measure[] = [];
  for (const scale of scales) {
    const dataset = generateTenant(BENCH_SCALES[scale]);
    const bound = lowerBound(dataset);
    const emulator = await startGraph(dataset, { latencyMs, certificates, rateLimits: true });
    try {
      const run = async (mode: Mode) => {
        await emulator.reset();
        return { ...await runJob({ kind: 'refresh', mode, emulator: address(emulator) }), ...graphTraffic(emulator) };
      };
      const oursRuns = [];
      for (let i = 0; i < OUR_RUNS; i++) {
        oursRuns.push(await run('ours'));
      }
      const baseline = await run('baseline');
      const ours = medianBy(oursRuns, r => r.wallMs);
      const failed = [...new Set(oursRuns.flatMap(r => r.failed))];
      const failure = failed.length > 0 ? `sections failed: ${failed.join(', ')}` : undefined;
      const firstPaint = (firstRows: Record<string, number> = {}) => Math.max(...Object.values(firstRows));
      const row = (measure: string, o: number, b: number, extra: Partial<Measure> = {}): Measure =>
        ({ scenario: 'full refresh', scale, measure, ours: o, baseline: b, ...extra });
      measures.push(
        { scenario: 'first paint', scale, measure: `ms until every view has its first rows (median of ${OUR_RUNS})`, ours: median(oursRuns.map(r => firstPaint(r.firstRows))), baseline: firstPaint(baseline.firstRows), budget: { op: '<=', value: 1000 }, failure },
        row('HTTP requests', ours.http, baseline.http, { budget: { op: '<=', value: bound.requests }, note: `lower bound ${bound.requests}` }),
        row('Graph requests (pages, batched ones included)', ours.graph, baseline.graph, { budget: { op: '=', value: bound.requests } }),
        row('round trips on the critical path', criticalPath(ours.intervals), criticalPath(baseline.intervals), { budget: { op: '<=', value: bound.chain + 1 }, note: `longest paging chain ${bound.chain}` }),
        row(`wall time (ms, median of ${OUR_RUNS})`, ours.wallMs, baseline.wallMs, { budget: { op: '<=', value: 0.75, ratio: true }, failure }),
        row('peak memory growth (MB)', ours.memoryMB, baseline.memoryMB, { budget: { op: '<=', value: 150 } }),
        row(`alerts loaded (of ${dataset.alerts.length.toLocaleString('en-US')})`, ours.alertsLoaded ?? 0, baseline.alertsLoaded ?? 0,
          { budget: { op: '<=', value: ALERT_SEVERITIES.length * ALERT_PAGE }, note: 'first page per severity' }),
      );
    } finally {
      await emulator.stop();
    }
  }
  return measures;
}
