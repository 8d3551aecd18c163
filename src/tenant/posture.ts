// A posture file's tenants, from the tenant contexts that exist: the current one today; customers
// once the portfolio lands (until then they are "not available" rows). No `vscode` import.
import type { SecurityApi } from '../graph/security';
import type { SecurityAlert } from '../graph/types';
import type { AlertQuery } from '../model/alertQuery';
import type { PendingUpdates } from '../model/pending';
import type { StoreView } from '../model/store';
import { CUSTOMERS_NOT_LOADED, NOT_SIGNED_IN, type PostureTenant, type TenantLoader, type UnavailableTenant } from '../posture';
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

export interface LoaderOptions {
  context: TenantContext | undefined;
  /** The store the views show (the current context's). */
  store: StoreView;
  pending?: PendingUpdates;
  /** Queries of the file's rules: their alerts are read from Graph. Without them, the loaded alerts are used. */
  queries?: AlertQuery[];
  signal?: AbortSignal;
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
    return [{ target: target.kind === 'named' ? target.name : 'all customers', reason: CUSTOMERS_NOT_LOADED }];
  };
}
