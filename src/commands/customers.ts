// The Customers view's commands: refresh (with progress on the view and Cancel), sort, filter,
// open a customer's tenant in the four posture views and come back, and the admin-consent link
// of a customer whose tenant has not consented to the app.
import * as vscode from 'vscode';
import { PostureError } from '../graph/errors';
import { safeLabel } from '../model/format';
import { CUSTOMER_SORTS, progressText } from '../model/portfolio';
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
    view.description = [provider.state.filter ? `filter: ${safeLabel(provider.state.filter, 40)}` : '', CUSTOMER_SORTS.find(x => x.value === provider.state.sort)!.label].filter(Boolean).join(' · ');
    view.message = portfolio.progress ? `Reading customers: ${progressText(portfolio.progress)}` : portfolio.warnings.length ? `Partly listed: ${safeLabel(portfolio.warnings.join(' '), 300)}` : undefined;
    void vscode.commands.executeCommand('setContext', 'securityPosture.customersRunning', portfolio.isRunning);
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
