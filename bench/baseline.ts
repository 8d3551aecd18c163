// The baselines the Graph scenarios are compared with.
// Refresh: Graph read the way the public samples read it, one request after another, default page
// sizes, every nextLink followed, through the same client and middleware as ours; it reads the same
// items ours shows (90 days of scores, the first page of each severity group with its count), so
// only the way of reading differs.
// Bulk: a naive client as Microsoft's samples write one, the Graph SDK (`Client.initWithMiddleware`
// with its default middleware: auth, retry honouring Retry-After up to 3 times, redirect,
// telemetry) sending one PATCH per item, a few in flight.
import { Client, GraphError } from '@microsoft/microsoft-graph-client';
import type { GraphService } from '../src/graph/client';
import { ALERT_SEVERITIES, alertFilterOData, DEFAULT_ALERT_FILTER } from '../src/model/alerts';
import type { SectionId } from '../src/model/store';

/** What a refresh read, per section; compared between ours and the baseline. */
export type ItemsRead = Partial<Record<SectionId, number>>;

/** Days of Secure Score ours asks for (the store's refresh). */
const SCORE_DAYS = 90;

/**
 * Reads what the four views show, section after section; `landed` is told as each one arrives.
 * A section that fails is recorded and the next one is read, as ours does.
 */
export async function baselineRefresh(graph: GraphService, alertPage: number, landed: (id: SectionId) => void): Promise<{ items: ItemsRead; failed: string[] }> {
  const items: ItemsRead = {};
  const failed: string[] = [];
  const section = async (id: SectionId, read: () => Promise<number>) => {
    try {
      items[id] = await read();
      landed(id);
    } catch (error) {
      failed.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const beta = { area: 'partner' as const, version: 'beta' as const };
  await section('scores', async () => (await graph.getAll(`/security/secureScores?$top=${SCORE_DAYS}`, { area: 'secureScore' })).items.length);
  await section('profiles', async () => (await graph.getAll('/security/secureScoreControlProfiles', { area: 'controls' })).items.length);
  // Each severity group with its exact count and its first `alertPage` alerts, at the default page size.
  const now = new Date();
  await section('alerts', async () => {
    let read = 0;
    for (const severity of ALERT_SEVERITIES) {
      let page = await graph.getPage(`/security/alerts_v2?$count=true&$filter=${encodeURIComponent(alertFilterOData(DEFAULT_ALERT_FILTER, severity, now))}`, { area: 'alerts' });
      let group = page.items.length;
      while (page.nextLink && group < alertPage) {
        page = await graph.getPage(page.nextLink, { area: 'alerts' });
        group += page.items.length;
      }
      read += Math.min(group, alertPage);
    }
    return read;
  });
  await section('partner', async () => {
    await graph.get('/security/partner/securityScore', beta);
    const requirements = await graph.getAll('/security/partner/securityScore/requirements', beta);
    const history = await graph.getAll('/security/partner/securityScore/history', beta);
    return requirements.items.length + history.items.length;
  });
  await section('customers', async () => (await graph.getAll('/security/partner/securityScore/customerInsights', beta)).items.length);
  await section('partnerAlerts', async () => (await graph.getAll('/security/partner/securityAlerts', beta)).items.length);
  return { items, failed };
}

/** PATCHes the SDK peer keeps in flight. */
export const PEER_IN_FLIGHT = 4;

/**
 * The Graph SDK as the samples set it up: default middleware, a token from the app's credential.
 * The emulator's host is named as a custom host, or the SDK sends no token to it.
 */
export function sdkClient(graphEndpoint: string, token: () => Promise<string>): Client {
  return Client.initWithMiddleware({
    authProvider: { getAccessToken: token }, baseUrl: `${graphEndpoint}/`, defaultVersion: 'v1.0', customHosts: new Set([new URL(graphEndpoint).hostname]),
  });
}

/** One PATCH per item, `inFlight` at a time; returns the items that failed, with Graph's status. */
export async function sdkPatch(client: Client, items: { id: string; url: string; body: unknown; headers?: Record<string, string> }[], inFlight = PEER_IN_FLIGHT): Promise<string[]> {
  const failed: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await client.api(item.url).headers(item.headers ?? {}).patch(item.body);
      } catch (error) {
        failed.push(`${item.id}: HTTP ${error instanceof GraphError ? error.statusCode : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return failed;
}
