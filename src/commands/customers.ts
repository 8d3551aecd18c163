// The Customers view's commands: refresh (with progress on the view and Cancel), sort, filter,
// open a customer's tenant in the four posture views and come back, the admin-consent link
// of a customer whose tenant has not consented to the app, and the user's own list: customers
// added by tenant id (app-only multi-tenant apps without GDAP) and hidden ones.
import * as vscode from 'vscode';
import { PostureError } from '../graph/errors';
import { safeLabel } from '../model/format';
import { CUSTOMER_SORTS, isTenantId, progressText } from '../model/portfolio';
import type { Portfolio } from '../tenant/portfolio';
import type { CustomersProvider } from '../views/customersView';
import { entityOf, type Node } from '../views/node';
import { registerCommand, type Services } from './command';

const SORT_KEY = 'securityPosture.customers.sort';

export function registerCustomerCommands(s: Services, portfolio: Portfolio, provider: CustomersProvider, view: vscode.TreeView<Node>): vscode.Disposable[] {
  let shown = false;
  const refresh = (force: boolean) => {
    const run = portfolio.refresh(force);
    void vscode.window.withProgress({ location: { viewId: 'securityPosture.customers' } }, () => run);
    return run;
  };
  const describe = () => {
    const hidden = portfolio.connected ? portfolio.hidden.length : 0;
    view.description = [provider.state.filter ? `filter: ${safeLabel(provider.state.filter, 40)}` : '', CUSTOMER_SORTS.find(x => x.value === provider.state.sort)!.label,
      hidden ? `${hidden} hidden` : ''].filter(Boolean).join(' · ');
    view.message = portfolio.progress ? `Reading customers: ${progressText(portfolio.progress)}` : portfolio.warnings.length ? `Partly listed: ${safeLabel(portfolio.warnings.join(' '), 300)}` : undefined;
    void vscode.commands.executeCommand('setContext', 'securityPosture.customersRunning', portfolio.isRunning);
    void vscode.commands.executeCommand('setContext', 'securityPosture.portfolioConnected', portfolio.connected);
    void vscode.commands.executeCommand('setContext', 'securityPosture.customersHidden', portfolio.connected && portfolio.hidden.length > 0);
  };
  const requireConnected = () => {
    if (!portfolio.connected) {
      connect();
    }
    if (!portfolio.connected) {
      throw new PostureError('signIn', 'Customers need a partner sign-in (VS Code or device code) or a multi-tenant app (client secret or certificate); nothing was changed.');
    }
  };
  /** Tenant ids a command was given: a row, the rows selected with it, a tenant id or a list of them. */
  const tenantIdsOf = (target: unknown, selected: unknown): string[] => {
    const all = Array.isArray(selected) && selected.length ? selected : Array.isArray(target) ? target : [target];
    return all.flatMap(t => {
      const entity = entityOf(t);
      return entity?.kind === 'portfolioCustomer' ? [entity.customer.customer.tenantId] : typeof t === 'string' && isTenantId(t) ? [t.trim().toLowerCase()] : [];
    });
  };
  const readable = () => portfolio.customers.filter(r => r.posture?.percent !== undefined);
  const connect = () => {
    portfolio.connect(s.connection.portfolioSource);
    shown = false;
    if (view.visible && portfolio.connected) {
      shown = true;
      void refresh(false);
    }
  };
  provider.state.sort = s.context.globalState.get(SORT_KEY) ?? provider.state.sort;
  describe();
  return [
    portfolio.onDidChange(describe),
    // A new sign-in is a new partner; opening a customer is not.
    s.connection.onDidChange(() => {
      if (!s.connection.openCustomer && portfolio.connected !== !!s.connection.portfolioSource) {
        connect();
      }
    }),
    view.onDidChangeVisibility(event => {
      if (event.visible && !shown && portfolio.connected) {
        shown = true;
        void refresh(false);
      }
    }),
    registerCommand(s, 'securityPosture.refreshCustomers', async () => {
      if (!portfolio.connected) {
        connect();
      }
      await refresh(true);
    }),
    registerCommand(s, 'securityPosture.cancelCustomers', () => portfolio.cancel()),
    registerCommand(s, 'securityPosture.sortCustomers', async (by?: unknown) => {
      const value = CUSTOMER_SORTS.find(x => x.value === by)?.value ?? (await vscode.window.showQuickPick(CUSTOMER_SORTS.map(x => ({
        label: x.label, value: x.value, description: x.value === provider.state.sort ? 'current' : undefined,
      })), { title: 'Sort Customers' }))?.value;
      if (value) {
        provider.state.sort = value;
        await s.context.globalState.update(SORT_KEY, value);
        describe();
        provider.refresh();
      }
    }),
    registerCommand(s, 'securityPosture.filterCustomers', async (text?: unknown) => {
      const value = typeof text === 'string' ? text : await vscode.window.showInputBox({
        title: 'Filter Customers', prompt: 'Words in the name, tenant id, domain, reason or MFA state (e.g. "no MFA", "consent"); empty shows all',
        value: provider.state.filter,
      });
      if (value !== undefined) {
        provider.state.filter = value.trim();
        describe();
        provider.refresh();
      }
    }),
    registerCommand(s, 'securityPosture.openCustomer', async (target?: unknown) => {
      const entity = entityOf(target);
      let result = entity?.kind === 'portfolioCustomer' ? entity.customer : typeof target === 'string' ? portfolio.get(target) : undefined;
      if (!result) {
        const choices = readable();
        if (choices.length === 0) {
          throw new PostureError('notFound', 'No customer can be opened yet: refresh the Customers view first.');
        }
        result = (await vscode.window.showQuickPick(choices.map(r => ({ label: safeLabel(r.customer.name || r.customer.tenantId), description: r.customer.tenantId, r })), { title: 'Open Customer', matchOnDescription: true }))?.r;
        if (!result) {
          return undefined;
        }
      }
      if (!result.customer.access.canRead) {
        throw new PostureError('forbidden', `${safeLabel(result.customer.name, 80)} cannot be opened: ${result.reason?.message ?? 'no access'}`);
      }
      const context = s.connection.openCustomerTenant(result.customer.tenantId, result.customer.name || result.customer.tenantId);
      await vscode.commands.executeCommand('securityPosture.secureScore.focus');
      await context.store.refresh();
      return context.key;
    }),
    registerCommand(s, 'securityPosture.backToMyTenant', async () => {
      s.connection.showHome();
    }),
    registerCommand(s, 'securityPosture.addCustomer', async (tenantArg?: unknown, nameArg?: unknown) => {
      requireConnected();
      const tenantId = typeof tenantArg === 'string' ? tenantArg : await vscode.window.showInputBox({
        title: 'Add Customer by Tenant ID',
        prompt: 'The customer\'s tenant id (a GUID from its Entra admin center, Overview). For a multi-tenant app consented there, or a customer GDAP does not list.',
        placeHolder: '00000000-0000-0000-0000-000000000000',
        ignoreFocusOut: true,
        validateInput: value => (value.trim() === '' || isTenantId(value) ? undefined : 'A tenant id is a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47.'),
      });
      if (!tenantId?.trim()) {
        return undefined;
      }
      const name = typeof nameArg === 'string' ? nameArg : typeof tenantArg === 'string' ? undefined : await vscode.window.showInputBox({
        title: 'Add Customer by Tenant ID', prompt: 'A name for the row (optional; Enter keeps the tenant id)', ignoreFocusOut: true,
      });
      const added = await portfolio.addCustomer(tenantId, name);
      if (!added) {
        void vscode.window.showInformationMessage(`${safeLabel(portfolio.get(tenantId)?.customer.name ?? tenantId.trim(), 80)} is already in the Customers view.`);
        return tenantId.trim().toLowerCase();
      }
      describe();
      // Its row, or the reason it cannot be read, comes with this read (only stale customers are read again).
      await refresh(false);
      return tenantId.trim().toLowerCase();
    }),
    registerCommand(s, 'securityPosture.hideCustomer', async (target?: unknown, selected?: unknown) => {
      requireConnected();
      let ids = tenantIdsOf(target, selected);
      if (ids.length === 0) {
        const picks = await vscode.window.showQuickPick(portfolio.customers.map(r => ({
          label: safeLabel(r.customer.name || r.customer.tenantId, 120), description: r.customer.tenantId, id: r.customer.tenantId,
        })), { title: 'Hide Customers', canPickMany: true, matchOnDescription: true, placeHolder: 'Hidden customers are not read or shown until "Show Hidden Customers…"' });
        ids = picks?.map(p => p.id) ?? [];
      }
      if (ids.length) {
        await portfolio.hideCustomers(ids);
        describe();
      }
      return ids;
    }),
    registerCommand(s, 'securityPosture.showHiddenCustomers', async (target?: unknown) => {
      requireConnected();
      if (portfolio.hidden.length === 0) {
        void vscode.window.showInformationMessage('No customer is hidden.');
        return [];
      }
      let ids = tenantIdsOf(target, undefined);
      if (ids.length === 0) {
        const picks = await vscode.window.showQuickPick(portfolio.hidden.map(c => ({
          label: safeLabel(c.name || c.tenantId, 120), description: c.tenantId, id: c.tenantId,
        })), { title: 'Show Hidden Customers', canPickMany: true, matchOnDescription: true, placeHolder: 'The customers to show (and read) again' });
        ids = picks?.map(p => p.id) ?? [];
      }
      if (ids.length) {
        await portfolio.unhideCustomers(ids);
        describe();
        await refresh(false);
      }
      return ids;
    }),
    registerCommand(s, 'securityPosture.openAdminConsent', async (target?: unknown) => {
      const entity = entityOf(target);
      const url = entity?.kind === 'portfolioCustomer' ? entity.customer.reason?.action?.url : undefined;
      if (!url || !/^https:\/\//i.test(url)) {
        throw new PostureError('notFound', 'This customer has no admin-consent link.');
      }
      await vscode.env.openExternal(vscode.Uri.parse(url));
    }),
  ];
}
