// Who the partner's customers are and what the partner may do in each: GDAP relationships grouped
// by customer tenant (active ones decide; roles give read/write), merged by tenant id with
// contracts, the partner customer insights and customers added by hand; hidden ones stay hidden.

import type { GraphService } from '../../graph/client';
import { PostureError, errorFromException } from '../../graph/errors';
import { canReadSecurity, canWriteSecurity, roleName } from '../../graph/roles';
import type { Contract, CustomerInsight, CustomerMfaInsight, DelegatedAdminRelationship } from '../../graph/types';
import { ENDING_WINDOW_DAYS, noRelationship, noSecurityRole, relationshipEnding, relationshipExpired, type Reason } from './reasons';

export type CustomerSource = 'gdap' | 'contract' | 'insights' | 'manual';

/**
 * How customers are read: `gdap` (a partner user's delegated sign-in: GDAP roles decide) or `app`
 * (a multi-tenant app signs in app-only: its consent in each tenant decides, GDAP is shown only).
 */
export type AccessMode = 'gdap' | 'app';

export interface CustomerAccess {
  canRead: boolean;
  canWrite: boolean;
  /** Role names of the customer's active relationships. */
  roles: string[];
  /** Latest end of an active relationship (ISO), if any. */
  endsAt?: string;
  autoExtends: boolean;
}

export interface PortfolioCustomer {
  tenantId: string;
  name: string;
  domain?: string;
  sources: CustomerSource[];
  access: CustomerAccess;
  /** Why it will not be read, or a warning (relationship ending) when it will. */
  reason?: Reason;
  mfa?: CustomerMfaInsight | null;
}

export interface DiscoveryInput {
  relationships: DelegatedAdminRelationship[];
  contracts: Contract[];
  insights: CustomerInsight[];
  /** Tenant ids added by hand (e.g. app-only customers without GDAP), with an optional name. */
  manual?: { tenantId: string; name?: string }[];
  /** Tenant ids the user hid. */
  hidden?: Iterable<string>;
  /** Names for tenants that only the insights know (the sample's `customerNames`). */
  names?: Record<string, string>;
  mode: AccessMode;
  now: Date;
}

const ACTIVE = new Set(['active', 'expiring']);
const DAY = 86_400_000;
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isTenantId(value: string): boolean {
  return TENANT_ID.test(value.trim());
}

/** Pure merge of what discovery read; customers come out sorted by name. */
export function mergeCustomers(input: DiscoveryInput): PortfolioCustomer[] {
  const hidden = new Set([...(input.hidden ?? [])].map(t => t.toLowerCase()));
  const byTenant = new Map<string, PortfolioCustomer & { relationships: DelegatedAdminRelationship[] }>();
  const entry = (tenantId: string, name: string | undefined, source: CustomerSource) => {
    const key = tenantId.toLowerCase();
    let c = byTenant.get(key);
    if (!c) {
      c = { tenantId: key, name: '', sources: [], access: { canRead: false, canWrite: false, roles: [], autoExtends: false }, relationships: [] };
      byTenant.set(key, c);
    }
    if (!c.sources.includes(source)) {
      c.sources.push(source);
    }
    if (!c.name && name) {
      c.name = name;
    }
    return c;
  };
  for (const r of input.relationships) {
    if (r.customer?.tenantId && isTenantId(r.customer.tenantId)) {
      entry(r.customer.tenantId, r.customer.displayName, 'gdap').relationships.push(r);
    }
  }
  for (const contract of input.contracts) {
    if (contract.customerId && isTenantId(contract.customerId) && !contract.deletedDateTime) {
      const c = entry(contract.customerId, contract.displayName, 'contract');
      c.domain ??= contract.defaultDomainName || undefined;
    }
  }
  for (const insight of input.insights) {
    if (insight.tenantId && isTenantId(insight.tenantId)) {
      entry(insight.tenantId, input.names?.[insight.tenantId], 'insights').mfa = insight.mfa;
    }
  }
  for (const m of input.manual ?? []) {
    if (isTenantId(m.tenantId)) {
      entry(m.tenantId, m.name, 'manual');
    }
  }

  const customers: PortfolioCustomer[] = [];
  for (const { relationships, ...c } of byTenant.values()) {
    if (hidden.has(c.tenantId)) {
      continue;
    }
    c.name ||= c.domain ?? c.tenantId;
    c.access = accessOf(relationships, input.now);
    c.reason = reasonFor(c, relationships, input.mode, input.now);
    if (input.mode === 'app' || c.sources.includes('manual')) {
      // App-only reads need no GDAP: consent in the tenant decides, so try every customer.
      c.access.canRead = true;
      c.access.canWrite = true;
      if (c.reason?.blocking) {
        c.reason = undefined;
      }
    }
    customers.push(c);
  }
  return customers.sort((a, b) => a.name.localeCompare(b.name, 'en') || a.tenantId.localeCompare(b.tenantId));
}

function accessOf(relationships: DelegatedAdminRelationship[], now: Date): CustomerAccess {
  const active = relationships.filter(r => ACTIVE.has(r.status) && !(r.endDateTime && Date.parse(r.endDateTime) <= now.getTime()));
  const ids = [...new Set(active.flatMap(r => r.accessDetails?.unifiedRoles?.map(u => u.roleDefinitionId.toLowerCase()) ?? []))];
  const ends = active.map(r => r.endDateTime).filter((d): d is string => !!d && !Number.isNaN(Date.parse(d))).sort();
  return {
    canRead: ids.some(canReadSecurity),
    canWrite: ids.some(canWriteSecurity),
    roles: ids.map(roleName).sort(),
    endsAt: ends.at(-1),
    // `PT0S` (or any zero duration) means it does not renew itself.
    autoExtends: active.some(r => !!r.autoExtendDuration && !/^PT?0+[DHMS]$/i.test(r.autoExtendDuration)),
  };
}

function reasonFor(c: PortfolioCustomer, relationships: DelegatedAdminRelationship[], mode: AccessMode, now: Date): Reason | undefined {
  if (c.access.roles.length === 0) {
    if (relationships.length === 0) {
      return mode === 'gdap' ? noRelationship() : undefined;
    }
    const ended = relationships.map(r => r.endDateTime).filter((d): d is string => !!d).sort().at(-1);
    return relationshipExpired(ended);
  }
  if (!c.access.canRead) {
    return noSecurityRole(c.access.roles);
  }
  if (c.access.endsAt && !c.access.autoExtends) {
    const days = Math.ceil((Date.parse(c.access.endsAt) - now.getTime()) / DAY);
    if (days <= ENDING_WINDOW_DAYS) {
      return relationshipEnding(c.access.endsAt, days);
    }
  }
  return undefined;
}

export interface Discovery {
  customers: PortfolioCustomer[];
  /** Sources that could not be read (the others still count), e.g. contracts without Directory.Read.All. */
  warnings: { source: CustomerSource; message: string }[];
  /** Graph requests discovery made (pages). */
  requests: number;
}

/**
 * Reads relationships (`$top=300`, every page), contracts and customer insights from the partner
 * tenant, together, and merges them. A source that fails is a warning; all three failing is an error.
 */
export async function discoverCustomers(partner: GraphService, options: Omit<DiscoveryInput, 'relationships' | 'contracts' | 'insights'> & { signal?: AbortSignal }): Promise<Discovery> {
  const warnings: Discovery['warnings'] = [];
  let requests = 0;
  const read = async <T>(source: CustomerSource, path: string, area: 'relationships' | 'contracts' | 'partner', version: 'v1.0' | 'beta', key: (item: T) => string): Promise<T[] | undefined> => {
    try {
      const result = await partner.getAll<T>(path, { area, version, signal: options.signal, key });
      requests += result.pages;
      return result.items;
    } catch (raw) {
      const error = errorFromException(raw);
      if (error.kind === 'canceled') {
        throw error;
      }
      warnings.push({ source, message: error.message });
      return undefined;
    }
  };
  const [relationships, contracts, insights] = await Promise.all([
    read<DelegatedAdminRelationship>('gdap', '/tenantRelationships/delegatedAdminRelationships?$top=300', 'relationships', 'v1.0', r => r.id),
    read<Contract>('contract', '/contracts?$top=999', 'contracts', 'v1.0', c => c.id),
    read<CustomerInsight>('insights', '/security/partner/securityScore/customerInsights', 'partner', 'beta', i => i.tenantId),
  ]);
  if (!relationships && !contracts && !insights && !(options.manual?.length)) {
    throw new PostureError('forbidden', `No customers could be read: ${warnings.map(w => w.message).join(' ')}`);
  }
  const customers = mergeCustomers({ ...options, relationships: relationships ?? [], contracts: contracts ?? [], insights: insights ?? [] });
  return { customers, warnings, requests };
}
