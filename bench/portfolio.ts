// The customers portfolio at 36, 300 and 1,000 customers against the HTTPS emulator with latency
// and Graph's per-tenant limits on: ours (PortfolioFetcher) against a naive peer that reads tenant
// by tenant with full 90-day Secure Score lists, in the same run, each in a process of its own.
import { generateTenant } from '../src/sample/generator';
import type { ServerCertificates } from '../test/emulator/certs';
import { isBatchPath } from '../test/emulator/faults';
import { GRAPH_LIMITS, startEmulator, type Emulator } from '../test/emulator/server';
import { address, runInChild } from './graph';
import type { PortfolioJob, PortfolioJobResult, PortfolioMode } from './portfolioClient';
import type { Measure } from './report';

export const PORTFOLIO_SIZES = [36, 300, 1000] as const;
/** The naive peer takes minutes per hundred customers; it runs up to this size. */
const NAIVE_UP_TO = 300;
/** Graph requests per customer read: the last 31 snapshots (selected fields), open high count, open medium count. */
export const REQUESTS_PER_CUSTOMER = 3;
const JOB_TIMEOUT_MS = 20 * 60_000;

function runPortfolioJob(job: PortfolioJob): Promise<PortfolioJobResult> {
  return runInChild<PortfolioJob, PortfolioJobResult>('portfolioClient.js', job, `portfolio (${job.mode})`, { timeoutMs: JOB_TIMEOUT_MS });
}

/** What the emulator saw of the customer tenants: Graph requests (inner ones counted), round trips, 429s. */
function customerTraffic(emulator: Emulator): { tenants: number; graph: number; http: number; throttled: number } {
  const log = emulator.requests.filter(r => /^\/(v1\.0|beta)\//i.test(r.path) && r.tenantId && r.tenantId !== emulator.tenantId);
  return {
    tenants: new Set(log.map(r => r.tenantId)).size,
    graph: log.filter(r => r.inBatch || !isBatchPath(r.path)).length,
    http: log.filter(r => !r.inBatch).length,
    throttled: log.filter(r => r.status === 429).length,
  };
}

export async function portfolioScenario(latencyMs: number, certificates: ServerCertificates, sizes: readonly number[] = PORTFOLIO_SIZES): Promise<Measure[]> {
  const measures: Measure[] = [];
  for (const size of sizes) {
    const dataset = generateTenant({ customers: size, alerts: 20, partnerAlerts: 4 });
    // Every customer tenant kept once generated: Graph's data is at rest, the sample's is generated
    // on first request, which on one emulator thread was most of our side's wall time.
    const emulator = await startEmulator({
      dataset, certificates, latencyMs, concurrency: GRAPH_LIMITS.concurrency, rateLimits: GRAPH_LIMITS.rateLimits,
      engine: { customerCacheSize: size },
    });
    const scale = `${size.toLocaleString('en-US')} customers`;
    try {
      const measure = async (mode: PortfolioMode) => {
        await emulator.reset();
        // Generated before the clock starts, the same for both sides.
        for (const customer of dataset.customerTenants ?? []) {
          emulator.engine.customer(customer.tenantId);
        }
        const result = await runPortfolioJob({ mode, emulator: address(emulator), now: dataset.now });
        return { ...result, traffic: customerTraffic(emulator) };
      };
      const ours = await measure('ours');
      console.log(`[bench] portfolio ${scale}: ours ${(ours.wallMs / 1000).toFixed(1)} s, ${ours.read} read, ${ours.blocked} with a reason`);
      const naive = size <= NAIVE_UP_TO ? await measure('naive') : undefined;
      if (naive) {
        console.log(`[bench] portfolio ${scale}: naive ${(naive.wallMs / 1000).toFixed(1)} s`);
      }
      const failure = ours.read + ours.blocked !== ours.customers ? `${ours.customers - ours.read - ours.blocked} customers without a row` : undefined;
      const perCustomer = (t: { graph: number; tenants: number }) => (t.tenants > 0 ? t.graph / t.tenants : 0);
      const row = (measure: string, o: number | null, b: number | null | undefined, extra: Partial<Measure> = {}): Measure =>
        ({ scenario: 'portfolio', scale, measure, ours: o, baseline: b ?? null, ...extra });
      measures.push(
        row('Graph requests per customer tenant', perCustomer(ours.traffic), naive ? perCustomer(naive.traffic) : null,
          { budget: { op: '=', value: REQUESTS_PER_CUSTOMER }, note: `lower bound ${REQUESTS_PER_CUSTOMER}, in 1 $batch` }),
        row('HTTP requests per customer tenant', ours.traffic.tenants ? ours.traffic.http / ours.traffic.tenants : 0, naive?.traffic.tenants ? naive.traffic.http / naive.traffic.tenants : null,
          { budget: { op: '<=', value: 1 } }),
        row('wall time (s), discovery included', ours.wallMs / 1000, naive ? naive.wallMs / 1000 : null,
          size === 300 ? { budget: { op: '<=', value: 0.1, ratio: true }, note: 'at least 10× faster', failure }
            : { note: naive ? undefined : `naive peer not run above ${NAIVE_UP_TO} customers`, failure }),
        row('requests retried (%)', ours.graphRequests ? (100 * ours.retried) / ours.graphRequests : 0, null,
          { budget: { op: '<=', value: 1 }, note: `${ours.traffic.throttled} answered 429 (the sample's throttled tenant included)` }),
        row('peak memory growth (MB)', ours.memoryMB, naive?.memoryMB ?? null, { budget: { op: '<=', value: 150 } }),
        row('customers read / with a reason row', ours.read, naive?.read ?? null, { note: `${ours.blocked} with a reason row` }),
      );
    } finally {
      await emulator.stop();
    }
  }
  return measures;
}
