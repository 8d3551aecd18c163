// The baseline every Graph scenario is compared with: Graph used the way the public samples use
// it, one request after another, default page sizes, every nextLink followed (the SDK's page
// iterator), one PATCH per item. Same client and middleware as ours, so only the usage differs.
import type { GraphService, GraphVersion } from '../src/graph/client';
import type { ApiArea } from '../src/graph/errors';
import { alertFilterOData, DEFAULT_ALERT_FILTER } from '../src/model/alerts';
import type { SectionId } from '../src/model/store';

/** Reads what the four views show, section after section; `landed` is told as each one arrives. */
export async function baselineRefresh(graph: GraphService, landed: (id: SectionId) => void): Promise<{ alertsLoaded: number }> {
  await graph.getAll('/security/secureScores', { area: 'secureScore' });
  landed('scores');
  await graph.getAll('/security/secureScoreControlProfiles', { area: 'controls' });
  landed('profiles');
  // Grouped by severity on the client, so every matching alert is read.
  const filter = encodeURIComponent(alertFilterOData(DEFAULT_ALERT_FILTER, undefined, new Date()));
  const alerts = await graph.getAll(`/security/alerts_v2?$filter=${filter}`, { area: 'alerts' });
  landed('alerts');
  const beta = { area: 'partner' as const, version: 'beta' as const };
  await graph.get('/security/partner/securityScore', beta);
  await graph.getAll('/security/partner/securityScore/requirements', beta);
  await graph.getAll('/security/partner/securityScore/history', beta);
  landed('partner');
  await graph.getAll('/security/partner/securityScore/customerInsights', beta);
  landed('customers');
  await graph.getAll('/security/partner/securityAlerts', beta);
  landed('partnerAlerts');
  return { alertsLoaded: alerts.items.length };
}

/** One PATCH per item, one after another; returns the ids that failed. */
export async function baselinePatch(graph: GraphService, items: { url: string; body: unknown }[], area: ApiArea, version: GraphVersion = 'v1.0'): Promise<string[]> {
  const failed: string[] = [];
  for (const item of items) {
    await graph.patch(item.url, item.body, { area, version }).catch(() => failed.push(item.url));
  }
  return failed;
}
