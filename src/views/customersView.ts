// The Customers view: one row per customer tenant of a CSP partner, streaming in as tenants
// answer, and a row with the reason for every customer that cannot be read. Names come from
// Graph and customers' own directories: hostile, so they go through safeLabel and tooltips.
import * as vscode from 'vscode';
import { isHttpsUrl } from '../graph/clouds';
import { age, percent, points, safeLabel } from '../model/format';
import { filterCustomerResults, mfaText, sortCustomerResults, type CustomerResult, type CustomerSort } from '../model/portfolio';
import type { Portfolio } from '../tenant/portfolio';
import { contextValue } from './contextValues';
import { emptyRow } from './common';
import { icon, type Node, Row, tooltip } from './node';

export interface CustomersViewState {
  sort: CustomerSort;
  filter: string;
}

const signed = (n: number | undefined) => (n === undefined ? '–' : `${n > 0 ? '+' : n < 0 ? '−' : '±'}${points(Math.abs(n))}`);

export function customerRowId(tenantId: string): string {
  return `customers/${tenantId.toLowerCase()}`;
}

export function customerDescription(r: CustomerResult): string {
  const p = r.posture;
  if (!p || p.percent === undefined) {
    return r.reason?.message ?? (r.status === 'cached' ? 'waiting for the tenant' : 'no Secure Score data');
  }
  const parts = [
    `${percent(p.percent)} · ${points(p.current)} / ${points(p.max)} points`,
    `7d ${signed(p.change7)} · 30d ${signed(p.change30)}`,
    p.allTenantsPercent !== undefined ? `all tenants ${percent(p.allTenantsPercent)}` : '',
    p.openAlerts ? `${p.openAlerts.high} high · ${p.openAlerts.medium} medium open` : 'alerts not readable',
    mfaText(r),
    r.customer.access.endsAt ? `GDAP ends ${r.customer.access.endsAt.slice(0, 10)}` : '',
    r.stale && r.fetchedAt ? `${age(new Date(r.fetchedAt).toISOString())} old` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

function customerNode(r: CustomerResult): Row {
  const c = r.customer;
  const name = c.name || c.tenantId;
  const readable = !!r.posture && r.posture.percent !== undefined;
  const blocking = !readable && !!r.reason?.blocking;
  const consentUrl = r.reason?.action?.url && isHttpsUrl(r.reason.action.url) ? r.reason.action.url : undefined;
  return new Row(customerRowId(c.tenantId), undefined, {
    label: name,
    description: customerDescription(r),
    icon: !readable ? icon(blocking ? 'lock' : 'info', blocking ? 'list.warningForeground' : undefined)
      : r.reason && !r.reason.blocking ? icon('warning', 'list.warningForeground')
        : (r.posture!.percent! < 40 ? icon('shield', 'list.errorForeground') : icon('shield')),
    contextValue: contextValue('portfolioCustomer', readable ? 'readable' : 'blocked', c.access.canWrite && 'canWrite', !!consentUrl && 'hasConsentLink'),
    copyValue: c.tenantId,
    entity: { kind: 'portfolioCustomer', customer: r },
    command: readable ? { command: 'securityPosture.openCustomer', title: 'Open Customer', arguments: [c.tenantId] } : undefined,
    tooltip: tooltip(t => {
      t.heading(name).field('Tenant id', c.tenantId).field('Domain', c.domain)
        .field('Roles', c.access.roles.join(', ') || 'none').field('GDAP ends', c.access.endsAt?.slice(0, 10))
        .field('Can change', c.access.canWrite ? 'yes' : 'no (read-only role)');
      if (r.reason) {
        t.line().field(r.reason.blocking ? 'Not read' : 'Note', r.reason.message).field('Code', r.reason.code).field('Next step', r.reason.action?.label);
      }
      for (const w of r.posture?.warnings ?? []) {
        t.field('Partly read', w);
      }
    }),
  });
}

/** The rows in the chosen order and filter; an empty or filtered-out list says so. */
export function customersRoots(portfolio: Portfolio, state: CustomersViewState): Node[] {
  if (portfolio.error) {
    return [emptyRow('customers/error', undefined, 'Could not list customers', safeLabel(portfolio.error.message, 300))];
  }
  const all = portfolio.customers;
  if (all.length === 0) {
    return portfolio.isRunning ? [] : [emptyRow('customers/none', undefined, 'No customers', 'no GDAP relationships, contracts or customer insights were found')];
  }
  const shown = filterCustomerResults(sortCustomerResults(all, state.sort), state.filter);
  return shown.length ? shown.map(customerNode) : [emptyRow('customers/filtered', undefined, 'No customer matches the filter', `"${safeLabel(state.filter, 80)}"`)];
}

export class CustomersProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private timer?: NodeJS.Timeout;
  private readonly subscription: { dispose(): void };

  constructor(private readonly portfolio: Portfolio, readonly state: CustomersViewState) {
    this.subscription = portfolio.onDidChange(() => this.refresh());
  }

  /** Rows stream in one by one: render at most every 150 ms. */
  refresh(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.emitter.fire(undefined);
    }, 150);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return node.item();
  }

  getChildren(node?: Node): Node[] | Promise<Node[]> {
    return node ? node.children() : customersRoots(this.portfolio, this.state);
  }

  getParent(node: Node): Node | undefined {
    return node.parent;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
