// One measured client in a process of its own, so its memory and connections are its own. It
// signs in to the emulator app-only (the token is fetched before the clock starts), runs one
// job, ours or the baseline (bulk: the Graph SDK peer), and sends back what it measured.
// Started by refresh.ts and bulk.ts.
import { Client } from '@microsoft/microsoft-graph-client';
import { resolveCloud } from '../src/graph/clouds';
import { GraphService } from '../src/graph/client';
import { SecurityApi } from '../src/graph/security';
import { WriteApi } from '../src/graph/writes';
import { PostureStore, SECTIONS, type SectionData, type SectionId } from '../src/model/store';
import type { Emulator } from '../test/emulator/server';
import { EmulatorCredential, trustEmulator } from '../test/unit/emulatorClient';
import { baselineRefresh, sdkClient, sdkPatch, type ItemsRead } from './baseline';
import { memoryPeak, recordGraphFetches, type Interval } from './measure';

export type Mode = 'ours' | 'baseline';
export type EmulatorAddress = Pick<Emulator, 'url' | 'tenantId' | 'caCertPath' | 'clients'>;

export type Job =
  | { kind: 'refresh'; mode: Mode; emulator: EmulatorAddress; alertPage: number }
  | { kind: 'bulk'; mode: Mode; emulator: EmulatorAddress; target: 'alerts' | 'profiles'; items: { id: string; body: Record<string, unknown> }[] };

export interface JobResult {
  wallMs: number;
  /** Each Graph HTTP request as the client saw it (start to response headers). */
  intervals: Interval[];
  memoryMB: number;
  /** What failed: sections of a refresh, items of a bulk update (with Graph's status). */
  failed: string[];
  /** Refresh: ms from the start until each view could render its first rows. */
  firstRows?: Record<string, number>;
  /** Refresh: items read per section. */
  items?: ItemsRead;
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
  const credential = new EmulatorCredential(job.emulator);
  const scopes = [`${job.emulator.url}/.default`];
  await credential.getToken(scopes);
  const cloud = resolveCloud('Custom', { graphEndpoint: job.emulator.url, authorityHost: job.emulator.url });
  const graph = new GraphService({ cloud, credential, scopesFor: () => scopes });
  const peer = sdkClient(job.emulator.url, async () => (await credential.getToken(scopes)).token);

  const fetches = recordGraphFetches();
  const memory = memoryPeak();
  const started = performance.now();
  const partial = job.kind === 'refresh' ? await refresh(graph, job, started) : await bulk(job.mode === 'ours' ? graph : peer, job);
  const wallMs = performance.now() - started;
  const memoryMB = memory.stop();
  fetches.stop();
  return { wallMs, memoryMB, intervals: fetches.intervals, ...partial };
}

/** Items per section as the views hold them. */
function itemsRead(store: PostureStore): ItemsRead {
  const items: ItemsRead = {};
  for (const id of SECTIONS) {
    const data = store.get(id).data as SectionData[SectionId] | undefined;
    if (data) {
      items[id] = id === 'alerts' ? (data as SectionData['alerts']).groups.reduce((n, g) => n + g.items.length, 0)
        : id === 'partner' ? (data as SectionData['partner']).requirements.length + (data as SectionData['partner']).history.length
          : (data as unknown[]).length;
    }
  }
  return items;
}

async function refresh(graph: GraphService, job: Extract<Job, { kind: 'refresh' }>, started: number): Promise<Omit<JobResult, 'wallMs' | 'memoryMB' | 'intervals'>> {
  const firstRows: Record<string, number> = {};
  const landed = (id: SectionId) => {
    for (const [view, ids] of Object.entries(VIEW_SECTIONS)) {
      if (ids.includes(id)) {
        firstRows[view] ??= performance.now() - started;
      }
    }
  };
  if (job.mode === 'baseline') {
    return { firstRows, ...await baselineRefresh(graph, job.alertPage, landed) };
  }
  const store = new PostureStore();
  store.connect(new SecurityApi(graph), 'bench');
  store.configureAlerts(store.alertsFilter, job.alertPage);
  store.onDidChange(ids => ids.filter(id => store.get(id).status !== 'loading').forEach(landed));
  await store.refresh();
  return {
    firstRows, items: itemsRead(store),
    failed: SECTIONS.filter(id => store.get(id).status !== 'ready').map(id => `${id}: ${store.get(id).error?.message ?? store.get(id).status}`),
  };
}

async function bulk(client: GraphService | Client, job: Extract<Job, { kind: 'bulk' }>): Promise<Pick<JobResult, 'failed'>> {
  const alerts = job.target === 'alerts';
  if (client instanceof Client) {
    const path = alerts ? '/security/alerts_v2/' : '/security/secureScoreControlProfiles/';
    // The docs' example asks for the updated profile, as ours does.
    const headers = alerts ? undefined : { Prefer: 'return=representation' };
    return { failed: await sdkPatch(client, job.items.map(i => ({ id: i.id, url: path + encodeURIComponent(i.id), body: i.body, headers }))) };
  }
  const writes = new WriteApi(client);
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
