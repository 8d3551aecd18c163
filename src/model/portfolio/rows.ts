// The Customers view's order and filter, apart from the view: worst score first by default,
// biggest drop, most open high alerts, or name; customers that cannot be read always last.
import type { CustomerResult } from './fetcher';

export type CustomerSort = 'worstScore' | 'biggestDrop' | 'mostHighAlerts' | 'name';

export const CUSTOMER_SORTS: { value: CustomerSort; label: string }[] = [
  { value: 'worstScore', label: 'Worst score first' },
  { value: 'biggestDrop', label: 'Biggest 30-day drop first' },
  { value: 'mostHighAlerts', label: 'Most open high-severity alerts first' },
  { value: 'name', label: 'Name' },
];

const byName = (a: CustomerResult, b: CustomerResult) => a.customer.name.localeCompare(b.customer.name) || a.customer.tenantId.localeCompare(b.customer.tenantId);

export function sortCustomerResults(results: Iterable<CustomerResult>, by: CustomerSort): CustomerResult[] {
  const key = (r: CustomerResult): number => {
    const p = r.posture;
    switch (by) {
      case 'worstScore': return p?.percent ?? Infinity;
      case 'biggestDrop': return p?.change30 ?? Infinity;
      case 'mostHighAlerts': return -(p?.openAlerts?.high ?? -1);
      case 'name': return 0;
    }
  };
  return [...results].sort((a, b) => Number(!a.posture) - Number(!b.posture) || key(a) - key(b) || byName(a, b));
}

/** Case-insensitive match on name, tenant id, domain, the reason and the MFA state. */
export function filterCustomerResults(results: CustomerResult[], text: string): CustomerResult[] {
  const terms = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) {
    return results;
  }
  return results.filter(r => {
    const haystack = [r.customer.name, r.customer.tenantId, r.customer.domain, r.reason?.message, r.reason?.kind,
      r.customer.mfa ? mfaText(r) : 'no mfa data'].filter(Boolean).join(' ').toLowerCase();
    return terms.every(t => haystack.includes(t));
  });
}

/** The MFA state from the partner's customer insights, in a word or two. */
export function mfaText(r: CustomerResult): string {
  const mfa = r.customer.mfa;
  if (!mfa) {
    return 'no MFA data';
  }
  const on = (v: unknown) => v === 'enabled';
  return on(mfa.securityDefaultsStatus) || on(mfa.mfaConditionalAccessPolicyStatus) || on(mfa.legacyPerUserMfaStatus) ? 'MFA on' : 'no MFA mechanism';
}
