// Partner security: requirement ordering, customer MFA risk, alert groups.
import type { CustomerInsight, PartnerSecurityAlert, SecurityRequirement } from '../graph/types';
import { isNonCompliant, PARTNER_ALERT_STATUS_NAMES, humanize } from './format';
import { num } from './secureScore';

export interface CustomerRow {
  tenantId: string;
  name?: string;
  adminsWithMfa: number;
  nonAdminsWithMfa: number;
  totalUsers: number;
  securityDefaults: string;
  conditionalAccessMfa: string;
  legacyPerUserMfa: string;
  /** No MFA mechanism at all is enabled. */
  atRisk: boolean;
  /** The service sent no MFA insight for this customer. */
  noData: boolean;
}

export function customerRow(insight: CustomerInsight, names: Record<string, string> = {}): CustomerRow {
  const mfa = insight.mfa;
  const enabled = (s: string | null | undefined) => s === 'enabled';
  return {
    tenantId: insight.tenantId,
    name: names[insight.tenantId],
    adminsWithMfa: num(mfa?.compliantAdminsCount),
    nonAdminsWithMfa: num(mfa?.compliantNonAdminsCount),
    totalUsers: num(mfa?.totalUsersCount),
    securityDefaults: mfa?.securityDefaultsStatus ?? 'unknown',
    conditionalAccessMfa: mfa?.mfaConditionalAccessPolicyStatus ?? 'unknown',
    legacyPerUserMfa: mfa?.legacyPerUserMfaStatus ?? 'unknown',
    atRisk: !!mfa && !enabled(mfa.securityDefaultsStatus) && !enabled(mfa.mfaConditionalAccessPolicyStatus) && !enabled(mfa.legacyPerUserMfaStatus),
    noData: !mfa,
  };
}

/** Customers at risk first, then by name (or tenant id). */
export function sortCustomers(rows: CustomerRow[]): CustomerRow[] {
  return [...rows].sort((a, b) => Number(b.atRisk) - Number(a.atRisk) || (a.name ?? a.tenantId).localeCompare(b.name ?? b.tenantId));
}

/** Not-compliant requirements first, then by points at stake. */
export function sortRequirements(requirements: SecurityRequirement[]): SecurityRequirement[] {
  return [...requirements].sort((a, b) => Number(isNonCompliant(b.complianceStatus)) - Number(isNonCompliant(a.complianceStatus))
    || (num(b.maxScore) - num(b.score)) - (num(a.maxScore) - num(a.score)));
}

const PARTNER_STATUS_ORDER = ['active', 'investigating', 'resolved'];

export function groupPartnerAlerts(alerts: PartnerSecurityAlert[]): { status: string; label: string; alerts: PartnerSecurityAlert[] }[] {
  const groups = new Map<string, PartnerSecurityAlert[]>();
  for (const alert of alerts) {
    const key = alert.status || 'unknown';
    groups.set(key, [...(groups.get(key) ?? []), alert]);
  }
  const rank = (s: string) => (PARTNER_STATUS_ORDER.includes(s) ? PARTNER_STATUS_ORDER.indexOf(s) : PARTNER_STATUS_ORDER.length);
  return [...groups]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([status, list]) => ({
      status,
      label: PARTNER_ALERT_STATUS_NAMES[status] ?? humanize(status),
      alerts: list.sort((x, y) => Date.parse(y.detectedDateTime) - Date.parse(x.detectedDateTime)),
    }));
}
