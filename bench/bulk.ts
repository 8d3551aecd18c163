// Bulk updates: alerts and improvement actions changed at once, through the extension's write path
// (src/graph/writes.ts: $batch, inner 429s retried) and through the Graph SDK peer (one PATCH per
// item, PEER_IN_FLIGHT at a time, the SDK's own retries), against the emulator with Graph's limits
// on: 4 concurrent control-profile requests, 150 alert requests a minute per app and tenant, and
// every request inside a $batch charged like a request of its own. What landed is checked in the
// emulator's data, for both sides.
import type { TenantDataset } from '../src/sample/dataset';
import { controlPatchBody, currentControlState, previewAlertChanges } from '../src/model/updates';
import { generateTenant, SCALES } from '../src/sample/generator';
import type { ServerCertificates } from '../test/emulator/certs';
import { GRAPH_LIMITS, type Emulator } from '../test/emulator/server';
import type { Mode } from './client';
import { address, alternate, graphTraffic, runJob, startGraph } from './graph';
import { medianBy } from './measure';
import { summarize, type Measure } from './report';

/** One severity group's first page (the `alerts.pageSize` default): what a user selects at once. */
const ALERTS = 200;
const PROFILES = 100;
const ASSIGNEE = 'bench.analyst@contoso-partners.example';
const COMMENT = 'Covered by a third-party MFA product (benchmark).';
/** Graph answers 429 to this share of the PATCHes (batched or not) in the "with 429s" run, on top of its limits. */
const THROTTLED_SHARE = 0.1;
const RETRY_AFTER = '0.5';
/** A round trip costs at least this much even with no injected latency (TLS, the emulator's own work). */
const MIN_ROUND_TRIP_MS = 20;

interface Target {
  name: string;
  kind: 'alerts' | 'profiles';
  count: number;
  items(dataset: TenantDataset): { id: string; body: Record<string, unknown> }[];
  /** How many of the items carry the change now. */
  landed(dataset: TenantDataset, ids: Set<string>): number;
  pathPattern: string;
  /** The per-minute limit these requests are charged to. */
  limit: { requests: number; perSeconds: number };
  /** Ours: HTTP requests, and wall time in injected latencies beyond what the per-minute limit forces. */
  budget: { requests: number; latencies: number };
  injected429s: boolean;
}

const alerts: Omit<Target, 'name' | 'injected429s'> = {
  kind: 'alerts', count: ALERTS, pathPattern: '/security/alerts_v2/', limit: GRAPH_LIMITS.rateLimits.alerts!,
  items: dataset => previewAlertChanges(dataset.alerts.filter(a => a.status !== 'inProgress').slice(0, ALERTS), { status: 'inProgress', assignedTo: ASSIGNEE }).map(p => ({ id: p.alert.id, body: p.patch })),
  landed: (dataset, ids) => dataset.alerts.filter(a => ids.has(a.id) && a.assignedTo === ASSIGNEE && a.status === 'inProgress').length,
  // 20 to a batch, the batches together.
  budget: { requests: Math.ceil(ALERTS / 20), latencies: 10 },
};
const profiles: Omit<Target, 'name' | 'injected429s'> = {
  kind: 'profiles', count: PROFILES, pathPattern: '/security/secureScoreControlProfiles/', limit: GRAPH_LIMITS.rateLimits.controlProfiles!,
  // Only profiles not in the new state already, so every one must change.
  items: dataset => dataset.controlProfiles.filter(p => currentControlState(p) !== 'ThirdParty').slice(0, PROFILES).map(p => ({ id: p.id, body: controlPatchBody(p, { state: 'ThirdParty', comment: COMMENT }) })),
  landed: (dataset, ids) => dataset.controlProfiles.filter(p => ids.has(p.id) && currentControlState(p) === 'ThirdParty').length,
  // Graph runs 4 control-profile requests at a time (graph-api.md §1.4), so 4 to a batch, one after another.
  budget: { requests: Math.ceil(PROFILES / 4), latencies: 50 },
};

const TARGETS: Target[] = [
  { ...alerts, name: `${ALERTS} alerts`, injected429s: false },
  { ...profiles, name: `${PROFILES} improvement actions`, injected429s: false },
  { ...profiles, name: `${PROFILES} improvement actions, ${THROTTLED_SHARE * 100}% more 429s`, injected429s: true },
];

/** The least time any client needs under the per-minute limit, from a full bucket. */
function limitFloorMs(target: Target): number {
  return Math.max(0, target.count - target.limit.requests) / target.limit.requests * target.limit.perSeconds * 1000;
}

async function measure(emulator: Emulator, target: Target, mode: Mode) {
  await emulator.reset();
  if (target.injected429s) {
    emulator.faults.add({ method: 'PATCH', path: target.pathPattern, probability: THROTTLED_SHARE, fault: { kind: 'status', status: 429, retryAfter: RETRY_AFTER } });
  }
  const items = target.items(emulator.engine.dataset);
  const result = await runJob({ kind: 'bulk', mode, target: target.kind, items, emulator: address(emulator) });
  const landed = target.landed(emulator.engine.dataset, new Set(items.map(i => i.id)));
  return { ...result, ...graphTraffic(emulator), missing: items.length - landed };
}

type Run = Awaited<ReturnType<typeof measure>>;

/** Items a run left unchanged, in the worst run, with what the client said about them. */
function notApplied(runs: Run[], count: number): string | undefined {
  const worst = runs.reduce((a, b) => (b.missing > a.missing ? b : a));
  return worst.missing === 0 ? undefined : `${worst.missing} of ${count} not applied in the worst of ${runs.length} runs (${summarize(worst.failed)})`;
}

export async function bulkScenarios(latencyMs: number, runs: number, certificates: ServerCertificates): Promise<Measure[]> {
  const emulator = await startGraph(generateTenant(SCALES.medium), { latencyMs, certificates, rateLimits: true, writableScid: true });
  const measures: Measure[] = [];
  try {
    for (const target of TARGETS) {
      const all = await alternate(runs, mode => measure(emulator, target, mode));
      const ours = medianBy(all.ours, r => r.wallMs);
      const peer = medianBy(all.baseline, r => r.wallMs);
      const failure = notApplied(all.ours, target.count);
      const baselineFailure = notApplied(all.baseline, target.count);
      const floor = limitFloorMs(target);
      const row = (measure: string, o: number, b: number, extra: Partial<Measure> = {}): Measure =>
        ({ scenario: 'bulk update', scale: target.name, measure, ours: o, baseline: b, baselineFailure, ...extra });
      measures.push(
        row('HTTP requests (median run)', ours.http, peer.http, { budget: { op: '<=', value: target.budget.requests * (target.injected429s ? 2 : 1) * (floor > 0 ? 4 : 1) } }),
        row('Graph requests, inner ones and 429s included', ours.graph, peer.graph, { note: `${target.limit.requests} per ${target.limit.perSeconds} s` }),
        row('answered 429 (inner ones included)', ours.throttled, peer.throttled),
        row(`wall time (ms, median of ${runs} each)`, ours.wallMs, peer.wallMs, {
          budget: { op: '<=', value: floor + target.budget.latencies * Math.max(latencyMs, MIN_ROUND_TRIP_MS) * (target.injected429s ? 2 : 1) },
          // A client that gave up early is quick: its time counts only with every item applied.
          note: floor > 0 ? `the limit alone forces ${(floor / 1000).toFixed(0)} s` : undefined, failure,
        }),
        row(`items not applied (worst of ${runs} each)`, Math.max(...all.ours.map(r => r.missing)), Math.max(...all.baseline.map(r => r.missing)),
          { budget: { op: '=', value: 0 }, failure }),
      );
    }
  } finally {
    await emulator.stop();
  }
  return measures;
}
