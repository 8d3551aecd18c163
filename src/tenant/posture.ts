// A posture file's tenants, from the tenant contexts that exist: the current one, and a partner's
// customers from the portfolio, each read through a TenantContext of its own (its own credential)
// and each one that cannot be read named with the portfolio's reason; and which of them Apply may
// write (a GDAP role that can write). No `vscode` import.
import type { SecurityApi } from '../graph/security';
import type { SecurityAlert } from '../graph/types';
import type { AlertQuery } from '../model/alertQuery';
import { writeRefusal } from '../model/crossTenant';
import { reasonFromError, type CustomerResult } from '../model/portfolio';
import type { PendingUpdates } from '../model/pending';
import type { StoreView } from '../model/store';
import {
  CUSTOMERS_NOT_LOADED, NOT_SIGNED_IN, type LeftOut, type PosturePlan, type PostureTenant, type TenantLoader, type TenantTarget, type UnavailableTenant,
} from '../posture';
import type { TenantContext } from './context';

/** Alerts read per rule at most: a rule's plan names what it matched among them. */
export const MAX_ALERTS_PER_RULE = 1_000;

/** What Graph has for each rule's filter (its `$filter` part), paged up to MAX_ALERTS_PER_RULE. */
export async function fetchRuleAlerts(security: SecurityApi, queries: AlertQuery[], signal?: AbortSignal): Promise<SecurityAlert[]> {
  const out = new Map<string, SecurityAlert>();
  for (const query of queries) {
    let page = await security.alertsPage(query.odata, 200, signal);
    let count = 0;
    for (;;) {
      for (const alert of page.items) {
        if (count++ < MAX_ALERTS_PER_RULE) {
          out.set(alert.id, alert);
        }
      }
      if (!page.nextLink || count >= MAX_ALERTS_PER_RULE) {
        break;
      }
      page = await security.alertsNext(page.nextLink, signal);
    }
  }
  return [...out.values()];
}

/** The tenant as its store has it now (alerts: the loaded ones), with the changes awaiting Microsoft's sync. */
export function tenantFromStore(context: Pick<TenantContext, 'key' | 'tenantId' | 'displayName' | 'user'>, store: StoreView, pending?: PendingUpdates): PostureTenant {
  const profiles = store.get('profiles').data ?? [];
  const scores = store.get('scores').data ?? [];
  const pendingSync: PostureTenant['pendingSync'] = {};
  for (const profile of pending ? profiles : []) {
    const mark = pending!.awaitingSync(profile.id);
    if (mark) {
      pendingSync[profile.id] = mark;
    }
  }
  return {
    tenantId: context.tenantId ?? context.key, name: context.displayName, profiles, scores, pendingSync, me: context.user,
    alerts: (store.get('alerts').data?.groups ?? []).flatMap(g => g.items),
  };
}

/** A partner's customers as the portfolio last listed them, and a way into each one's tenant. */
export interface PostureCustomers {
  /** The Customers view's rows (discovery, access and the reason a customer cannot be read). */
  customers(): CustomerResult[];
  /** A context for one customer's tenant with a credential for that tenant only; the loader disposes it. */
  contextFor(tenantId: string, name: string): TenantContext;
  /** For the admin-consent link in a reason. */
  cloud: { authorityHost: string };
  clientId?: string;
}

/** Customers read at once for a plan: each reads three lists, within Graph's per-tenant limits. */
const CUSTOMERS_AT_ONCE = 4;

export const NO_CUSTOMERS = 'not available: this sign-in has no customers (sign in as a partner user, or with a multi-tenant app)';
export const NO_CUSTOMERS_LISTED = 'not available: no customers are listed yet; refresh the Customers view';

export interface LoaderOptions {
  context: TenantContext | undefined;
  /** The store the views show (the current context's). */
  store: StoreView;
  pending?: PendingUpdates;
  /** Queries of the file's rules: their alerts are read from Graph. Without them, the loaded alerts are used. */
  queries?: AlertQuery[];
  signal?: AbortSignal;
  /** A partner's customers, for `all customers` and customers named in the file. */
  customers?: PostureCustomers;
}

/** One customer's improvement actions, Secure Score and the alerts the rules select, read from its own tenant. */
async function readCustomer(source: PostureCustomers, row: CustomerResult, queries: AlertQuery[] | undefined, signal?: AbortSignal): Promise<PostureTenant | UnavailableTenant> {
  const { tenantId } = row.customer;
  const name = row.customer.name || tenantId;
  const readable = row.customer.access.canRead && !row.reason?.blocking;
  if (!readable) {
    return { target: name, reason: `not available: ${row.reason?.message ?? 'it cannot be read with this sign-in'}` };
  }
  const context = source.contextFor(tenantId, name);
  try {
    const security = context.security;
    const [profiles, scores, alerts] = await Promise.all([
      security.controlProfiles(signal), security.secureScores(7, signal), queries?.length ? fetchRuleAlerts(security, queries, signal) : Promise.resolve([]),
    ]);
    return { tenantId, name, profiles: profiles.data, scores: scores.data, alerts, me: context.user };
  } catch (error) {
    return { target: name, reason: `not available: ${reasonFromError(error, { cloud: source.cloud, clientId: source.clientId, tenantId }).message}` };
  } finally {
    context.dispose();
  }
}

/** The customers a target names, read a few at a time, in the portfolio's name order. */
async function loadCustomers(options: LoaderOptions, target: Exclude<TenantTarget, { kind: 'current' }>): Promise<(PostureTenant | UnavailableTenant)[]> {
  const label = target.kind === 'named' ? target.name : 'all customers';
  const source = options.customers;
  if (!source) {
    return [{ target: label, reason: target.kind === 'named' ? CUSTOMERS_NOT_LOADED : NO_CUSTOMERS }];
  }
  const all = source.customers();
  const wanted = target.kind === 'allCustomers' ? all
    : all.filter(r => [r.customer.tenantId, r.customer.name, r.customer.domain].some(v => v && v.toLowerCase() === target.name.trim().toLowerCase()));
  if (wanted.length === 0) {
    return [{ target: label, reason: all.length ? `not available: not one of the ${all.length} customers listed` : NO_CUSTOMERS_LISTED }];
  }
  const sorted = [...wanted].sort((a, b) => a.customer.name.localeCompare(b.customer.name, 'en') || a.customer.tenantId.localeCompare(b.customer.tenantId));
  const out: (PostureTenant | UnavailableTenant)[] = new Array(sorted.length);
  let next = 0;
  const worker = async () => {
    while (next < sorted.length) {
      const i = next++;
      out[i] = await readCustomer(source, sorted[i], options.queries, options.signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CUSTOMERS_AT_ONCE, sorted.length) }, worker));
  return out;
}

/** Gets the data of the tenants a file names; the current tenant is read fresh from Graph first. */
export function tenantLoader(options: LoaderOptions): TenantLoader {
  const { context } = options;
  const current = async (): Promise<PostureTenant | UnavailableTenant> => {
    if (!context) {
      return { target: 'current', reason: NOT_SIGNED_IN };
    }
    await options.store.refresh(['profiles', 'scores']);
    const error = options.store.get('profiles').error;
    if (error || !options.store.get('profiles').data) {
      return { target: context.displayName, reason: `not available: ${error?.message ?? 'improvement actions could not be read'}` };
    }
    const tenant = tenantFromStore(context, options.store, options.pending);
    if (options.queries) {
      tenant.alerts = options.queries.length ? await fetchRuleAlerts(context.security, options.queries, options.signal) : [];
    }
    return tenant;
  };
  return async target => {
    if (target.kind === 'current') {
      return [await current()];
    }
    if (target.kind === 'named' && context && [context.tenantId, context.displayName, context.key].some(v => v && v.toLowerCase() === target.name.toLowerCase())) {
      return [await current()];
    }
    return loadCustomers(options, target);
  };
}

/** What Apply writes of a plan: the tenant the views show and the customers whose role can write. */
export interface ApplyScope {
  /** The plan without the customers that cannot be written (its `writes` counted again). */
  plan: PosturePlan;
  /** Customers with changes that are left out, with the role that would allow it. */
  cannotWrite: (LeftOut & { tenantId: string })[];
  /** The plan's customers Apply writes, by tenant id: each is reached through its own writer. */
  customers: Map<string, { tenantId: string; name: string }>;
}

const same = (a: string | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/**
 * Splits a plan by who may be written: a customer of the Customers view goes through its own
 * writer if its GDAP relationship has a role that can write (app-only: consent decides, so every
 * customer may); one that cannot is left out and named. The tenant the views show is written as
 * today (a customer shown is checked like the others); any other tenant has no writer here.
 */
export function applyScope(plan: PosturePlan, shown: string | undefined, rows: CustomerResult[]): ApplyScope {
  const cannotWrite: ApplyScope['cannotWrite'] = [];
  const customers: ApplyScope['customers'] = new Map();
  const tenants = plan.tenants.filter(t => {
    if (!t.available) {
      return true;
    }
    const row = rows.find(r => same(r.customer.tenantId, t.tenantId));
    if (!row) {
      return true;
    }
    const refusal = writeRefusal({ ...row.customer, name: t.name });
    if (refusal) {
      if (t.counts.change + t.counts.alertChanges > 0) {
        cannotWrite.push({ tenantId: t.tenantId, name: t.name, reason: refusal });
      }
      return false;
    }
    if (!same(t.tenantId, shown)) {
      customers.set(t.tenantId, { tenantId: t.tenantId, name: t.name });
    }
    return true;
  });
  const writes = tenants.reduce((n, t) => n + (t.available ? t.counts.change + t.counts.alertChanges : 0), 0);
  return { plan: { ...plan, tenants, writes }, cannotWrite, customers };
}
