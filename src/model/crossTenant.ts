// The write flow across tenants (a partner's customers): which customers may be written (a GDAP
// role that can write), each tenant's change through that tenant's own WriteTarget, tenants side by
// side under a limit, one tenant's refusal or throttling reported on its own items without stopping
// the others, and the report grouped by tenant. No `vscode` import: prompts stay with the caller.
import { errorFromException, PostureError } from '../graph/errors';
import { ENTRA_ROLES } from '../graph/roles';
import type { ItemResult, Outcome } from './updates';
import { escapeCell } from './updates';

export interface TenantRef {
  tenantId: string;
  name: string;
}

/** What the portfolio knows of a customer's access; enough to decide whether it may be written. */
export interface WritableCustomer extends TenantRef {
  access: { canWrite: boolean; roles: string[] };
}

/** Why nothing may be sent to this customer, naming the role that would allow it; undefined when it may. */
export function writeRefusal(customer: WritableCustomer): string | undefined {
  if (customer.access.canWrite) {
    return undefined;
  }
  const needed = ENTRA_ROLES.securityAdministrator.name;
  return customer.access.roles.length
    ? `Read-only: its GDAP relationship grants ${customer.access.roles.join(', ')}; changing needs the ${needed} role.`
    : `No active GDAP relationship with a role; changing needs the ${needed} role.`;
}

/** A tenant left out of a change, and why (read-only role, could not be read, nothing matched). */
export interface TenantSkip {
  tenant: TenantRef;
  reason: string;
}

/** One tenant's per-item results. */
export interface TenantOutcome<T = unknown> {
  tenant: TenantRef;
  results: ItemResult<T>[];
}

export interface AcrossOptions {
  /** Tenants in flight at once. */
  maxInFlight: number;
  signal?: AbortSignal;
}

/**
 * Runs `work` for each tenant, at most `maxInFlight` at once. A tenant whose work throws (its token
 * refused, its writes forbidden, Graph throttling it past the retries) gets `failAll` with the reason
 * on every one of its items; the other tenants go on. Only a cancel stops the whole run.
 */
export async function acrossTenants<W extends { tenant: TenantRef }, T>(
  work: W[], run: (item: W, signal?: AbortSignal) => Promise<ItemResult<T>[]>, failAll: (item: W, reason: string) => ItemResult<T>[], options: AcrossOptions,
): Promise<TenantOutcome<T>[]> {
  const outcomes = new Array<TenantOutcome<T>>(work.length);
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const i = next++;
      if (options.signal?.aborted) {
        throw new PostureError('canceled', 'Canceled.');
      }
      try {
        outcomes[i] = { tenant: work[i].tenant, results: await run(work[i], options.signal) };
      } catch (raw) {
        const error = errorFromException(raw);
        if (error.kind === 'canceled') {
          throw error;
        }
        outcomes[i] = { tenant: work[i].tenant, results: failAll(work[i], error.message) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.maxInFlight, work.length)) }, worker));
  return outcomes;
}

/** Every item's result with its tenant, in tenant order. */
export function allResults<T>(outcomes: TenantOutcome<T>[]): ItemResult<T>[] {
  return outcomes.flatMap(o => o.results);
}

/** The failed items, per tenant (tenants with none left out): what "Retry Failed" redoes. */
export function failedByTenant<T>(outcomes: TenantOutcome<T>[]): { tenant: TenantRef; ids: string[] }[] {
  return outcomes.map(o => ({ tenant: o.tenant, ids: o.results.filter(r => r.outcome === 'failed').map(r => r.id) })).filter(f => f.ids.length > 0);
}

/** "14 updated, 1 failed in 12 customers (1 with failures)". */
export function summarizeAcross(outcomes: TenantOutcome[]): string {
  const count = (o: Outcome) => outcomes.reduce((n, t) => n + t.results.filter(r => r.outcome === o).length, 0);
  const parts = [`${count('updated')} updated`];
  if (count('unchanged')) {
    parts.push(`${count('unchanged')} unchanged`);
  }
  if (count('failed')) {
    parts.push(`${count('failed')} failed`);
  }
  const failing = outcomes.filter(o => o.results.some(r => r.outcome === 'failed')).length;
  return `${parts.join(', ')} in ${outcomes.length} customer${outcomes.length === 1 ? '' : 's'}${failing ? ` (${failing} with failures)` : ''}`;
}

/**
 * A Markdown report of a change across customers: a section per customer with a row per item, and
 * the customers nothing was sent to with the reason. Graph and directory strings are escaped.
 */
export function acrossReportMarkdown(title: string, outcomes: TenantOutcome[], skipped: TenantSkip[], when: Date): string {
  const lines = [`# ${escapeCell(title)}`, '', `${summarizeAcross(outcomes)} — ${when.toISOString().replace('T', ' ').slice(0, 16)} UTC`, ''];
  for (const o of outcomes) {
    const failed = o.results.filter(r => r.outcome === 'failed').length;
    lines.push(`## ${escapeCell(o.tenant.name)} (${escapeCell(o.tenant.tenantId)})${failed ? ` — ${failed} failed` : ''}`, '',
      '| Item | Id | Result | Reason |', '|---|---|---|---|',
      ...o.results.map(r => `| ${escapeCell(r.title)} | ${escapeCell(r.id)} | ${r.outcome} | ${escapeCell(r.reason ?? '')} |`), '');
  }
  if (skipped.length) {
    lines.push('## Not changed', '', '| Customer | Tenant id | Why nothing was sent |', '|---|---|---|',
      ...skipped.map(s => `| ${escapeCell(s.tenant.name)} | ${escapeCell(s.tenant.tenantId)} | ${escapeCell(s.reason)} |`), '');
  }
  return lines.join('\n');
}
