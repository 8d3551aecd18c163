// Full refresh and first paint at three scales: the store's refresh against the emulator, and the
// baseline's sequential reads of the same items, each in a client process of its own, the same
// number of runs on each side (alternating); the items each side read are compared.
import type { TenantDataset } from '../src/sample/dataset';
import { ALERT_SEVERITIES } from '../src/model/alerts';
import { PAGE_SIZES } from '../src/sample/engine';
import { SECTIONS } from '../src/model/store';
import { generateTenant, SCALES } from '../src/sample/generator';
import type { ServerCertificates } from '../test/emulator/certs';
import type { ItemsRead } from './baseline';
import { address, alternate, graphTraffic, runJob, startGraph } from './graph';
import { criticalPath, median, medianBy } from './measure';
import { summarize, type Measure } from './report';

export const BENCH_SCALES = { small: SCALES.sample, medium: SCALES.medium, large: SCALES.large };
export type Scale = keyof typeof BENCH_SCALES;

/** Alerts per severity group before "Load more" (the `alerts.pageSize` default); both sides read this many. */
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

const describeItems = (items: ItemsRead = {}) => SECTIONS.map(id => `${id} ${items[id] ?? '–'}`).join(', ');
const total = (items: ItemsRead = {}) => Object.values(items).reduce((a, b) => a + (b ?? 0), 0);

export async function refreshScenarios(scales: Scale[], latencyMs: number, runs: number, certificates: ServerCertificates): Promise<Measure[]> {
  const measures: Measure[] = [];
  for (const scale of scales) {
    const dataset = generateTenant(BENCH_SCALES[scale]);
    const bound = lowerBound(dataset);
    const emulator = await startGraph(dataset, { latencyMs, certificates, rateLimits: true });
    try {
      const all = await alternate(runs, async mode => {
        await emulator.reset();
        return { ...await runJob({ kind: 'refresh', mode, emulator: address(emulator), alertPage: ALERT_PAGE }), ...graphTraffic(emulator) };
      });
      const ours = medianBy(all.ours, r => r.wallMs);
      const baseline = medianBy(all.baseline, r => r.wallMs);
      const failedIn = (side: typeof all.ours) => {
        const failed = [...new Set(side.flatMap(r => r.failed))];
        return failed.length > 0 ? `sections failed: ${summarize(failed)}` : undefined;
      };
      const failure = failedIn(all.ours);
      const baselineFailure = failedIn(all.baseline);
      // Both sides should read the same items; when they do not, the table says so.
      const sameItems = SECTIONS.every(id => ours.items?.[id] === baseline.items?.[id]);
      const itemsNote = sameItems ? describeItems(ours.items) : `**not the same data**: ours ${describeItems(ours.items)}; baseline ${describeItems(baseline.items)}`;
      const firstPaint = (firstRows: Record<string, number> = {}) => Math.max(...Object.values(firstRows));
      const row = (measure: string, o: number, b: number, extra: Partial<Measure> = {}): Measure =>
        ({ scenario: 'full refresh', scale, measure, ours: o, baseline: b, baselineFailure, ...extra });
      measures.push(
        { scenario: 'first paint', scale, measure: `ms until every view has its first rows (median of ${runs} each)`, ours: median(all.ours.map(r => firstPaint(r.firstRows))),
          baseline: median(all.baseline.map(r => firstPaint(r.firstRows))), budget: { op: '<=', value: 1000 }, failure, baselineFailure },
        row('HTTP requests', ours.http, baseline.http, { budget: { op: '<=', value: bound.requests }, note: `lower bound ${bound.requests}` }),
        row('Graph requests (pages, batched ones included)', ours.graph, baseline.graph, { budget: { op: '=', value: bound.requests } }),
        row('round trips on the critical path', criticalPath(ours.intervals), criticalPath(baseline.intervals), { budget: { op: '<=', value: bound.chain + 1 }, note: `longest paging chain ${bound.chain}` }),
        row(`wall time (ms, median of ${runs} each)`, ours.wallMs, baseline.wallMs, { budget: { op: '<=', value: 0.75, ratio: true }, failure }),
        row('peak memory growth (MB, median run)', ours.memoryMB, baseline.memoryMB, { budget: { op: '<=', value: 150 } }),
        row(`alerts loaded (of ${dataset.alerts.length.toLocaleString('en-US')})`, ours.items?.alerts ?? 0, baseline.items?.alerts ?? 0,
          { budget: { op: '<=', value: ALERT_SEVERITIES.length * ALERT_PAGE }, note: 'first page per severity' }),
        row('items read, all sections', total(ours.items), total(baseline.items), { note: itemsNote }),
      );
    } finally {
      await emulator.stop();
    }
  }
  return measures;
}
