// One measured client in a process of its own, so its memory and connections are its own. It
// signs in to the emulator app-only (the token is fetched before the clock starts), runs one
// job, ours or the baseline, and sends back what it measured. Started by refresh.ts and bulk.ts.
import { clientSecret } from '../src/auth/identity';
import type { TokenCredential } from '../src/auth/tokenCredential';
import { resolveCloud } from '../src/graph/clouds';
import { GraphService } from '../src/graph/client';
import { SecurityApi } from '../src/graph/security';
import { WriteApi } from '../src/graph/writes';
import { PostureStore, SECTIONS, type SectionId } from '../src/model/store';
import type { Emulator } from '../test/emulator/server';
import { EmulatorCredential, trustEmulator } from '../test/unit/emulatorClient';
import { baselinePatch, baselineRefresh } from './baseline';
import { memoryPeak, recordGraphFetches, type Interval } from './measure';

export type Mode = 'ours' | 'baseline';
export type EmulatorAddress = Pick<Emulator, 'url' | 'tenantId' | 'caCertPath' | 'clients'>;

export type Job =
  /** `coldToken`: sign in with the real MSAL credential and no token fetched beforehand (to count token requests). */
  | { kind: 'refresh'; mode: Mode; emulator: EmulatorAddress; coldToken?: boolean }
  | { kind: 'bulk'; mode: Mode; emulator: EmulatorAddress; target: 'alerts' | 'profiles'; items: { id: string; body: Record<string, unknown> }[] };

export interface JobResult {
  wallMs: number;
  /** Each Graph HTTP request as the client saw it (start to response headers). */
  intervals: Interval[];
  memoryMB: number;
  /** What failed: sections of a refresh, items of a bulk update. */
  failed: string[];
  /** Refresh: ms from the start until each view could render its first rows. */
  firstRows?: Record<string, number>;
  alertsLoaded?: number;
}

/** The sections behind each view, as src/extension.ts wires them; a view renders once one of them lands. */
const VIEW_SECTIONS: Record<string, SectionId[]> = {
  'Secure Score': ['scores', 'profiles'],
  'Improvement Actions': ['profiles', 'scores'],
  Alerts: ['alerts'],
  'Partner Security': ['partner', 'customers', 'partnerAlerts'],
};

async function run(job: Job): Promise<JobResult> {
  trustEmulator(job.emulator.caCertPath);
  const scopes = [`${job.emulator.url}/.default`];
  let credential: TokenCredential;
  if (job.kind === 'refresh' && job.coldToken) {
    // MSAL reads the emulator's CA from NODE_EXTRA_CA_CERTS, which graph.ts sets for this process.
    const [client] = job.emulator.clients;
    credential = clientSecret({ tenantId: job.emulator.tenantId, clientId: client.clientId, authorityHost: job.emulator.url, disableInstanceDiscovery: true }, client.secret!);
  } else {
    credential = new EmulatorCredential(job.emulator);
    await credential.getToken(scopes);
  }
  const cloud = resolveCloud('Custom', { graphEndpoint: job.emulator.url, authorityHost: job.emulator.url });
  const graph = new GraphService({ cloud, credential, scopesFor: () => scopes });

  const fetches = recordGraphFetches();
  const memory = memoryPeak();
  const started = performance.now();
  const partial = job.kind === 'refresh' ? await refresh(graph, job.mode, started) : await bulk(graph, job);
  const wallMs = performance.now() - started;
  const memoryMB = memory.stop();
  fetches.stop();
  return { wallMs, memoryMB, intervals: fetches.intervals, ...partial };
}

async function refresh(graph: GraphService, mode: Mode, started: number): Promise<Omit<JobResult, 'wallMs' | 'memoryMB' | 'intervals'>> {
  const firstRows: Record<string, number> = {};
  const landed = (id: SectionId) => {
    for (const [view, ids] of Object.entries(VIEW_SECTIONS)) {
      if (ids.includes(id)) {
        firstRows[view] ??= performance.now() - started;
      }
    }
  };
  if (mode === 'baseline') {
    const { alertsLoaded } = await baselineRefresh(graph, landed);
    return { firstRows, alertsLoaded, failed: [] };
  }
  const store = new PostureStore();
  store.connect(new SecurityApi(graph), 'bench');
  store.onDidChange(ids => ids.filter(id => store.get(id).status !== 'loading').forEach(landed));
  await store.refresh();
  const alertsLoaded = store.get('alerts').data?.groups.reduce((n, g) => n + g.items.length, 0) ?? 0;
  return { firstRows, alertsLoaded, failed: SECTIONS.filter(id => store.get(id).status !== 'ready') };
}

async function bulk(graph: GraphService, job: Extract<Job, { kind: 'bulk' }>): Promise<Pick<JobResult, 'failed'>> {
  const alerts = job.target === 'alerts';
  if (job.mode === 'baseline') {
    const path = alerts ? '/security/alerts_v2/' : '/security/secureScoreControlProfiles/';
    return { failed: await baselinePatch(graph, job.items.map(i => ({ url: path + encodeURIComponent(i.id), body: i.body })), alerts ? 'alerts' : 'controls') };
  }
  const writes = new WriteApi(graph);
  const results = alerts
    ? await writes.patchAlerts(job.items.map(i => ({ id: i.id, patch: i.body })))
    : await writes.patchControlProfiles(job.items);
  return { failed: [...results].filter(([, r]) => !r.ok).map(([id, r]) => `${id}: HTTP ${r.status}`) };
}

process.once('message', (job: Job) => {
  run(job).then(
    result => process.send!(result, () => process.exit(0)),
    (error: unknown) => process.send!({ error: error instanceof Error ? error.stack ?? error.message : String(error) }, () => process.exit(1)),
  );
});
