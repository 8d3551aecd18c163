// Runs a "Query Alerts…" text for a language model tool: Graph filters what it can ($filter, with
// an exact @odata.count), the rest is filtered here over a bounded number of pages. Unlike the
// Query Alerts command it adds no row to the Alerts view and remembers nothing. No `vscode` import.
import type { SecurityApi } from '../graph/security';
import type { SecurityAlert } from '../graph/types';
import type { AlertQuery } from '../model/alertQuery';

export interface AlertScan {
  /** Matching alerts read (newest first as Graph returns them). */
  matched: SecurityAlert[];
  /** Alerts read from Graph before the local filter. */
  scanned: number;
  /** Graph's count of alerts matching the `$filter` part. */
  serverCount?: number;
  /** Every page was read: `matched` is all there is. */
  complete: boolean;
  asOf: string;
}

/** Enough to count and rank a busy tenant's open alerts, few enough to answer quickly. */
export const MAX_SCAN = 1000;
const PAGE_SIZE = 500;

export async function scanAlerts(api: Pick<SecurityApi, 'alertsPage' | 'alertsNext'>, query: AlertQuery, now: () => Date, signal?: AbortSignal, maxScan = MAX_SCAN): Promise<AlertScan> {
  const matched: SecurityAlert[] = [];
  const seen = new Set<string>();
  let scanned = 0;
  let page = await api.alertsPage(query.odata, Math.min(PAGE_SIZE, maxScan), signal);
  const serverCount = page.count;
  for (let guard = 0; ; guard++) {
    scanned += page.items.length;
    for (const alert of page.items) {
      if (alert?.id && !seen.has(alert.id) && query.matchesLocally(alert)) {
        seen.add(alert.id);
        matched.push(alert);
      }
    }
    const next = page.nextLink;
    if (!next || scanned >= maxScan || guard > maxScan) {
      return { matched, scanned, serverCount, complete: !next, asOf: now().toISOString() };
    }
    page = await api.alertsNext(next, signal);
    // A nextLink that points back at itself would never end.
    if (page.nextLink === next) {
      page = { ...page, nextLink: undefined };
    }
  }
}
