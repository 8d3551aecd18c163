// Actions across customers from the Customers view (its selected rows) or the palette (a pick of
// customers): one improvement action's state in many customers, and alert triage across customers.
// This file finds the customers and the action and reaches each customer through a Graph client for
// its tenant alone; the prompts are in crossFlows.ts and the writing in the model's write flow.
import type * as vscode from 'vscode';
import { PostureError } from '../graph/errors';
import { SecurityApi } from '../graph/security';
import type { SecureScoreControlProfile } from '../graph/types';
import { WriteApi } from '../graph/writes';
import { controlStateName, safeLabel } from '../model/format';
import type { CustomerResult, PortfolioCustomer } from '../model/portfolio';
import { controlRefusal, currentControlState, type AlertChange, type ControlStateChange } from '../model/updates';
import type { WriteTarget } from '../model/writeFlow';
import type { Portfolio } from '../tenant/portfolio';
import { entityOf } from '../views/node';
import { registerCommand, type Services } from './command';
import { setControlStateAcrossFlow, updateAlertsAcrossFlow, type CustomerPort } from './crossFlows';
import { cancel, required, type Ui } from './ui';
import { vscodeUi } from './vscodeUi';

const NO_STORE: WriteTarget['store'] = { patchAlert: () => undefined, replaceProfile: () => undefined, replacePartnerAlert: () => undefined };

/** Each customer through its own Graph client (its own credential: a token for that tenant only). */
export function customerPort(s: Services): CustomerPort {
  return {
    maxInFlight: s.settings().customersMaxInFlight,
    open: tenant => {
      const graph = s.connection.customerGraph(tenant.tenantId);
      // The customer shown in the views gets its rows updated and marked like any change there.
      const shown = s.connection.openCustomer?.tenantId?.toLowerCase() === tenant.tenantId.toLowerCase() ? s.connection.openCustomer : undefined;
      return {
        tenant, graph, security: new SecurityApi(graph),
        target: {
          writes: new WriteApi(graph), store: shown?.store ?? NO_STORE, pending: shown ? s.pending : undefined, user: s.connection.userPrincipalName,
          // VS Code may ask for each customer's write permission in turn: the reason names the customer asked for.
          ensureWriteAccess: (area, why) => s.connection.ensureWriteAccess(area, `${why.replace(/\.$/, '')} in ${safeLabel(tenant.name || tenant.tenantId, 80)}.`, tenant.tenantId),
        },
      };
    },
  };
}

const asCustomer = (r: CustomerResult): PortfolioCustomer => ({ ...r.customer, name: r.customer.name || r.customer.tenantId });

/** The customers an action applies to: the selected Customers rows, tenant ids from code, or a pick. */
async function customerTargets(ui: Ui, portfolio: Portfolio, node: unknown, nodes: unknown, title: string): Promise<PortfolioCustomer[]> {
  const rows = Array.isArray(nodes) && nodes.length > 0 ? nodes : node !== undefined ? [node] : [];
  const fromRows = rows.flatMap(n => {
    const entity = entityOf(n as never);
    return entity?.kind === 'portfolioCustomer' ? [entity.customer] : typeof n === 'string' && portfolio.get(n) ? [portfolio.get(n)!] : [];
  });
  if (fromRows.length > 0) {
    return fromRows.map(asCustomer);
  }
  const readable = portfolio.customers.filter(r => r.customer.access.canRead).sort((a, b) => a.customer.name.localeCompare(b.customer.name));
  if (readable.length === 0) {
    throw new PostureError('notFound', 'No customer can be changed yet: refresh the Customers view first.');
  }
  const picked = await required(ui.pickMany(readable.map(r => ({
    label: safeLabel(r.customer.name || r.customer.tenantId, 80),
    // A customer the last read could not reach says so: its role alone does not make it changeable.
    description: r.reason?.blocking ? `not read: ${safeLabel(r.reason.message, 100)}` : r.customer.access.canWrite ? 'can change' : 'read-only: needs Security Administrator',
    detail: `${r.customer.tenantId} · ${safeLabel(r.customer.access.roles.join(', ') || 'no role', 120)}`,
    value: r,
  })), { title: `${title}: choose customers` }));
  return picked.length ? picked.map(asCustomer) : cancel();
}

/** The improvement action: an id from code, one of the loaded actions, or an id typed in. */
async function controlTarget(ui: Ui, loaded: SecureScoreControlProfile[], given: unknown): Promise<{ id: string; title?: string }> {
  if (typeof given === 'string' && given.trim()) {
    return { id: given.trim(), title: loaded.find(p => p.id === given.trim())?.title };
  }
  const TYPED = { id: '' };
  const profiles = loaded.filter(p => !p.deprecated && !controlRefusal(p));
  const chosen = profiles.length === 0 ? TYPED : await required(ui.pick<{ id: string; title?: string }>([
    ...profiles.map(p => ({ label: safeLabel(p.title || p.id, 120), description: `${p.controlCategory} · here: ${controlStateName(currentControlState(p))}`, detail: safeLabel(p.id, 80), value: { id: p.id, title: p.title } })),
    { label: 'Enter an improvement action id…', description: 'e.g. mdo_safeattachments', value: TYPED },
  ], { title: 'Set Improvement Action State in Customers: choose the action' }));
  if (chosen !== TYPED) {
    return chosen;
  }
  const id = await required(ui.input({
    title: 'Improvement action id', prompt: 'The control profile id, the same in every tenant (e.g. mdo_safeattachments)',
    validate: text => (/^[A-Za-z0-9_.-]{1,120}$/.test(text.trim()) ? controlRefusal({ id: text.trim(), title: text.trim() }) : 'An id has letters, digits, "_", "." or "-" only.'),
  }));
  return { id: id.trim() };
}

export function registerCustomerActionCommands(s: Services, portfolio: Portfolio): vscode.Disposable[] {
  // The UI the update commands registered (its report provider included).
  const { ui } = vscodeUi(s.log);
  let lastControl: ControlStateChange | undefined;
  let lastAlert: AlertChange | undefined;
  let lastFilter: string | undefined;
  return [
    registerCommand(s, 'securityPosture.setControlStateInCustomers', async (node?: unknown, nodes?: unknown, controlId?: unknown) => {
      // From an improvement action's row: that action, in customers chosen next.
      const row = entityOf(node as never);
      const fromControl = row?.kind === 'controlProfile' ? row.profile : undefined;
      const customers = await customerTargets(ui, portfolio, fromControl ? undefined : node, fromControl ? undefined : nodes, 'Set Improvement Action State in Customers');
      const control = fromControl ? { id: fromControl.id, title: fromControl.title } : await controlTarget(ui, s.store.get('profiles').data ?? [], controlId);
      const { change, outcomes } = await setControlStateAcrossFlow(ui, customerPort(s), customers, control, lastControl);
      lastControl = change;
      return outcomes;
    }),
    registerCommand(s, 'securityPosture.updateAlertsInCustomers', async (node?: unknown, nodes?: unknown) => {
      const customers = await customerTargets(ui, portfolio, node, nodes, 'Update Alerts in Customers');
      const { change, filter, outcomes } = await updateAlertsAcrossFlow(ui, customerPort(s), customers, { me: s.connection.userPrincipalName, previous: lastAlert, previousFilter: lastFilter });
      lastAlert = change;
      lastFilter = filter;
      return outcomes;
    }),
  ];
}
