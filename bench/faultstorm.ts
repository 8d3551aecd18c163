// Fault storm: the store's refresh over HTTPS while the emulator fails about 30% of requests with
// the faults Graph is known for (test/emulator/storm.ts), seeds 1 to 8, as test/unit/faults.test.ts
// runs it. Each section must end as a fault-free refresh has it or with an error row; the figures
// (requests hit, error rows, partial-results rows) are the ones the README quotes.
import type { Section, SectionData, SectionId } from '../src/model/store';
import { PostureStore, SECTIONS } from '../src/model/store';
import { SecurityApi } from '../src/graph/security';
import { generateTenant } from '../src/sample/generator';
import type { ServerCertificates } from '../test/emulator/certs';
import { startEmulator } from '../test/emulator/server';
import { faultStorm } from '../test/emulator/storm';
import { emulatorService, trustEmulator } from '../test/unit/emulatorClient';
import { median } from './measure';
import { summarize, type Measure } from './report';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
/** The client's timeout in the storm: the storm's slow answers (2.5 s) must run into it. */
const TIMEOUT_MS = 1_500;

/** What a view is built from: the section's items by id, in order (or its error). */
function shape(id: SectionId, section: Section<unknown>): string {
  if (section.status === 'error') {
    return `error:${section.error?.kind}`;
  }
  const ids = (list: { id?: string; tenantId?: string }[]) => list.map(x => x.id ?? x.tenantId).join(',');
  switch (id) {
    case 'alerts': return (section.data as SectionData['alerts']).groups.map(g => `${g.severity}=${g.count}:${ids(g.items)}${g.nextLink ? ' +more' : ''}`).join('|');
    case 'partner': return `${ids((section.data as SectionData['partner']).requirements)}|${ids((section.data as SectionData['partner']).history)}`;
    default: return ids(section.data as { id?: string; tenantId?: string }[]);
  }
}

export async function faultStormScenario(certificates: ServerCertificates): Promise<Measure[]> {
  const now = new Date();
  const emulator = await startEmulator({ dataset: generateTenant({ now, alerts: 300, customers: 150 }), certificates });
  const untrust = trustEmulator(emulator.caCertPath);
  const connect = (timeoutMs?: number) => {
    const store = new PostureStore(undefined, () => now);
    store.connect(new SecurityApi(emulatorService(emulator, { timeoutMs }).graph), 'tenant');
    return store;
  };
  try {
    // The reference, with the client's default timeout: a busy machine must not change it.
    const clean = connect();
    await clean.refresh();
    const notReady = SECTIONS.filter(id => clean.get(id).status !== 'ready');
    if (notReady.length > 0) {
      return [{ scenario: 'fault storm', scale: '', measure: 'a fault-free refresh', ours: null, failure: `sections failed without faults: ${summarize(notReady.map(id => `${id}: ${clean.get(id).error?.message}`))}` }];
    }
    const expected = new Map(SECTIONS.map(id => [id, shape(id, clean.get(id))]));
    let requests = 0;
    let hit = 0;
    let errors = 0;
    let partial = 0;
    const silent: string[] = [];
    const wall: number[] = [];
    for (const seed of SEEDS) {
      await emulator.reset();
      await emulator.faults.apply({ seed, add: faultStorm() });
      const store = connect(TIMEOUT_MS);
      const started = performance.now();
      await store.refresh();
      wall.push(performance.now() - started);
      requests += emulator.requests.length;
      hit += emulator.requests.filter(r => r.fault || (r.inBatch && r.status >= 429)).length;
      for (const id of SECTIONS) {
        const section = store.get(id);
        if (section.status === 'error' && section.error?.message && section.error.kind !== 'canceled') {
          errors++;
        } else if (section.status === 'ready' && shape(id, section) === expected.get(id)) {
          partial += section.warnings.length > 0 ? 1 : 0;
        } else {
          silent.push(`seed ${seed} ${id} (${section.status})`);
        }
      }
    }
    const sections = SEEDS.length * SECTIONS.length;
    const scale = `${SEEDS.length} refreshes`;
    return [
      // A storm that did not hit proves nothing.
      { scenario: 'fault storm', scale, measure: 'requests hit by a fault', ours: hit, note: `of ${requests} (${(100 * hit / requests).toFixed(0)}%)`,
        failure: hit < requests / 5 ? `only ${hit} of ${requests} requests were hit; the storm aims at about 30%` : undefined },
      { scenario: 'fault storm', scale, measure: `sections ended with an error row (of ${sections})`, ours: errors },
      { scenario: 'fault storm', scale, measure: `sections with the fault-free data and a partial-results row (of ${sections})`, ours: partial },
      { scenario: 'fault storm', scale, measure: `sections neither as without faults nor with an error row (of ${sections})`, ours: silent.length, budget: { op: '=', value: 0 },
        failure: silent.length > 0 ? summarize(silent) : undefined },
      { scenario: 'fault storm', scale, measure: `refresh wall time (ms, median of ${SEEDS.length})`, ours: median(wall), note: `client timeout ${TIMEOUT_MS} ms, no injected latency` },
    ];
  } finally {
    untrust();
    await emulator.stop();
  }
}
