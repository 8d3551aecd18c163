// What the portfolio keeps of one customer: a few numbers per row (score, changes, comparison,
// open high/medium alerts, a 31-point trend, optionally points per category). Small on purpose:
// 1,000 customers must not hold 1,000 snapshot trees.

import type { BatchRequest } from '../../graph/client';
import type { SecureScore, SecureScoreControlProfile } from '../../graph/types';
import { categoryPoints, num, sortSnapshots, type CategoryPoints } from '../secureScore';

export interface CustomerPosture {
  tenantId: string;
  /** Date of the newest snapshot (ISO); absent when the tenant has no Secure Score. */
  asOf?: string;
  current?: number;
  max?: number;
  percent?: number;
  /** Points gained (+) or lost (−) since the snapshot 7 / 30 days before the newest one. */
  change7?: number;
  change30?: number;
  /** The "all tenants" comparison average, in percent. */
  allTenantsPercent?: number;
  /** Percent per day, oldest first (up to 31 days). */
  trend: number[];
  /** Only when asked for (the portfolio panel's heatmap). */
  categories?: CategoryPoints[];
  /** Open (new or in progress) alerts by severity; absent when alerts could not be read. */
  openAlerts?: { high: number; medium: number };
  /** Parts that could not be read while the rest could (e.g. alerts refused), one sentence each. */
  warnings: string[];
}

/** Days of snapshots for a 30-day change and trend: today and the 30 before. */
export const TREND_DAYS = 31;
const SCORE_FIELDS = 'id,createdDateTime,currentScore,maxScore,averageComparativeScores';
const OPEN = "(status eq 'new' or status eq 'inProgress')";

/**
 * The Graph requests behind one customer's row, all in one `$batch`: the last 31 snapshots with
 * only the fields a row needs, and an exact count of open high and of open medium alerts
 * (`$count=true&$top=1`). With `categories`, today's full snapshot and the control maxima too.
 * At most 3 Secure Score requests: within Graph's 4 concurrent per tenant.
 */
export function postureRequests(categories: boolean): BatchRequest[] {
  const alerts = (severity: string) => `/security/alerts_v2?$filter=${encodeURIComponent(`severity eq '${severity}' and ${OPEN}`)}&$count=true&$top=1`;
  const requests: BatchRequest[] = [
    { id: 'scores', method: 'GET', url: `/security/secureScores?$top=${TREND_DAYS}&$select=${SCORE_FIELDS}` },
    { id: 'high', method: 'GET', url: alerts('high') },
    { id: 'medium', method: 'GET', url: alerts('medium') },
  ];
  if (categories) {
    requests.push(
      { id: 'today', method: 'GET', url: '/security/secureScores?$top=1' },
      { id: 'profiles', method: 'GET', url: '/security/secureScoreControlProfiles?$top=500&$select=id,maxScore,controlCategory' },
    );
  }
  return requests;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const pct = (score: number, max: number) => (max > 0 ? (score / max) * 100 : 0);
const DAY = 86_400_000;

/** The row's numbers from the batch answers (bodies of 2xx answers by request id). */
export function summarizePosture(tenantId: string, bodies: Map<string, unknown>, warnings: string[]): CustomerPosture {
  const list = <T>(id: string): T[] | undefined => {
    const value = (bodies.get(id) as { value?: unknown } | undefined)?.value;
    return Array.isArray(value) ? (value as T[]) : undefined;
  };
  const count = (id: string): number | undefined => {
    const body = bodies.get(id) as { '@odata.count'?: unknown } | undefined;
    return body === undefined ? undefined : num(body['@odata.count']);
  };
  const posture: CustomerPosture = { tenantId, trend: [], warnings };
  const snapshots = sortSnapshots(list<SecureScore>('scores') ?? []);
  const latest = snapshots[0];
  if (latest) {
    const current = num(latest.currentScore);
    const max = num(latest.maxScore);
    posture.asOf = latest.createdDateTime;
    posture.current = round2(current);
    posture.max = round2(max);
    posture.percent = round2(pct(current, max));
    const at = Date.parse(latest.createdDateTime);
    const before = (days: number) => snapshots.find(s => Date.parse(s.createdDateTime) <= at - days * DAY + DAY / 2);
    const week = before(7);
    const month = before(30);
    posture.change7 = week ? round2(current - num(week.currentScore)) : undefined;
    posture.change30 = month ? round2(current - num(month.currentScore)) : undefined;
    const all = latest.averageComparativeScores?.find(c => c.basis === 'AllTenants');
    const average = num(all?.averageScore);
    posture.allTenantsPercent = average > 0 && average <= 100 ? round2(average) : undefined;
    posture.trend = snapshots.slice(0, TREND_DAYS).reverse().map(s => round2(pct(num(s.currentScore), num(s.maxScore))));
  }
  const today = list<SecureScore>('today')?.[0];
  if (today) {
    posture.categories = categoryPoints(today, list<SecureScoreControlProfile>('profiles') ?? []);
  }
  const high = count('high');
  const medium = count('medium');
  if (high !== undefined && medium !== undefined) {
    posture.openAlerts = { high, medium };
  }
  return posture;
}
