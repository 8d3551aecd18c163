// Bulk updates: 500 alerts and 100 improvement actions changed at once, through the extension's
// write path (src/graph/writes.ts: $batch) and through the baseline (one PATCH per item, one after
// another), with and without injected 429s. What landed is checked in the emulator's data.
import type { TenantDataset } from '../src/sample/dataset';
import { controlPatchBody, currentControlState, previewAlertChanges } from '../src/model/updates';
import { generateTenant, SCALES } from '../src/sample/generator';
import type { ServerCertificates } from '../test/emulator/certs';
import type { Emulator } from '../test/emulator/server';
import type { Mode } from './client';
import { address, graphTraffic, OUR_RUNS, runJob, startGraph } from './graph';
import { medianBy } from './measure';
import type { Measure } from './report';

const ALERTS = 500;
const PROFILES = 100;
const ASSIGNEE = 'bench.analyst@contoso-partners.example';
const COMMENT = 'Covered by a third-party MFA product (benchmark).';
/** Graph answers 429 to this share of the PATCHes (batched or not) in the "with 429s" runs. */
const THROTTLED_SHARE = 0.1;
const RETRY_AFTER = '0.5';
/** A round trip costs at least this much even with no injected latency (TLS, the emulator's own work). */
const MIN_ROUND_TRIP_MS = 20;

interface Target {
  name: string;
  kind: 'alerts' | 'profiles';
  items(dataset: TenantDataset): { id: string; body: Record<string, unknown> }[];
  /** How many of the items carry the change now. */
  landed(dataset: TenantDataset, ids: Set<string>): number;
  pathPattern: string;
  /** Wall time in units of the injected latency. */
  budget: { requests: number; latencies: number };
}

const TARGETS: Target[] = [
  {
    name: `${ALERTS} alerts`, kind: 'alerts', pathPattern: '/security/alerts_v2/',
    items: dataset => previewAlertChanges(dataset.alerts.slice(0, ALERTS), { status: 'inProgress', assignedTo: ASSIGNEE }).map(p => ({ id: p.alert.id, body: p.patch })),
    landed: (dataset, ids) => dataset.alerts.filter(a => ids.has(a.id) && a.assignedTo === ASSIGNEE && a.status === 'inProgress').length,
    // As long as the 25 batches would take one after another; they go out together.
    budget: { requests: Math.ceil(ALERTS / 20), latencies: 25 },
  },
  {
    name: `${PROFILES} improvement actions`, kind: 'profiles', pathPattern: '/security/secureScoreControlProfiles/',
    items: dataset => dataset.controlProfiles.slice(0, PROFILES).map(p => ({ id: p.id, body: controlPatchBody(p, { state: 'ThirdParty', comment: COMMENT }) })),
    landed: (dataset, ids) => dataset.controlProfiles.filter(p => ids.has(p.id) && currentControlState(p) === 'ThirdParty').length,
    // Graph runs 4 control-profile requests at a time (graph-api.md §1.4), so 4 per batch.
    budget: { requests: Math.ceil(PROFILES / 4), latencies: 50 },
  },
];

async function measure(emulator: Emulator, target: Target, mode: Mode, throttled: boolean) {
  await emulator.reset();
  if (throttled) {
    emulator.faults.add({ method: 'PATCH', path: target.pathPattern, probability: THROTTLED_SHARE, fault: { kind: 'status', status: 429, retryAfter: RETRY_AFTER } });
  }
  const items = target.items(emulator.engine.dataset);
  const result = await runJob({ kind: 'bulk', mode, target: target.kind, items, emulator: address(emulator) });
  const landed = target.landed(emulator.engine.dataset, new Set(items.map(i => i.id)));
  return { ...result, ...graphTraffic(emulator), missing: items.length - landed };
}

export async function bulkScenarios(latencyMs: number, certificates: ServerCertificates): Promise<Measure[]> {
  const emulator = await startGraph(generateTenant(SCALES.medium), { latencyMs, certificates, writableScid: true });
  const measures: Measure[] = [];
  try {
    for (const target of TARGETS) {
      for (const throttled of [false, true]) {
        const oursRuns = [];
        for (let i = 0; i < OUR_RUNS; i++) {
          oursRuns.push(await measure(emulator, target, 'ours', throttled));
        }
        const ours = medianBy(oursRuns, r => r.wallMs);
        // Any run that left items unchanged fails the measure, not only the median one.
        const worst = oursRuns.reduce((a, b) => (b.missing > a.missing ? b : a));
        const baseline = await measure(emulator, target, 'baseline', throttled);
        const scale = throttled ? `${target.name}, ${THROTTLED_SHARE * 100}% 429s` : target.name;
        const failure = worst.missing > 0 ? `${worst.missing} not applied (${worst.failed.slice(0, 3).join('; ')}${worst.failed.length > 3 ? '; …' : ''})` : undefined;
        const slack = throttled ? 2 : 1;
        measures.push(
          { scenario: 'bulk update', scale, measure: 'HTTP requests', ours: ours.http, baseline: baseline.http, budget: { op: '<=', value: target.budget.requests * slack }, note: `${ours.throttled} answered 429` },
          { scenario: 'bulk update', scale, measure: `wall time (ms, median of ${OUR_RUNS})`, ours: ours.wallMs, baseline: baseline.wallMs, budget: { op: '<=', value: target.budget.latencies * Math.max(latencyMs, MIN_ROUND_TRIP_MS) * slack }, failure },
        );
      }
    }
  } finally {
    await emulator.stop();
  }
  return measures;
}
