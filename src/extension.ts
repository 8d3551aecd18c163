// Composition root: builds the services, registers views and commands, nothing else.
// Activation does no network I/O: cached data shows at once, the refresh starts afterwards.
import * as vscode from 'vscode';
import { Connection } from './connection';
import { registerAccountCommands } from './commands/account';
import { registerCustomerActionCommands } from './commands/customerActions';
import { registerCustomerCommands } from './commands/customers';
import type { Services } from './commands/command';
import { registerOpenCommands } from './commands/open';
import { registerPanelCommands } from './commands/panels';
import { registerPortfolioCommands } from './commands/portfolio';
import { registerPostureCommands } from './commands/posture';
import { createAlertQueries, registerQueryCommands } from './commands/query';
import { registerRawDataCommands } from './commands/raw';
import { registerReportCommands } from './commands/report';
import { registerUpdateCommands } from './commands/updates';
import { registerViewCommands } from './commands/view';
import { registerWatch } from './commands/watch';
import { projectScore } from './model/analytics';
import { HistoryService } from './model/historyStore';
import { PendingUpdates } from './model/pending';
import { PlanStore } from './model/plan';
import type { StoreView } from './model/store';
import { CurrentStore } from './tenant/current';
import { Portfolio } from './tenant/portfolio';
import { CustomersProvider } from './views/customersView';
import { affectsProtected, readSettings, SECTION, settingsProblemReporter, type Settings } from './settings';
import type { ViewContext } from './views/common';
import { entityOf, type Node } from './views/node';
import { PanelController } from './views/panels/controller';
import { PostureEditor } from './views/postureEditor';
import { honestyPanel } from './views/panels/honestyPanel';
import type { PanelContext } from './views/panels/panel';
import { partnerPanel } from './views/panels/partnerPanel';
import { portfolioPanel } from './views/panels/portfolioPanel';
import { secureScorePanel } from './views/panels/secureScorePanel';
import { whatChangedPanel } from './views/panels/whatChangedPanel';
import { whatIfPanel } from './views/panels/whatIfPanel';
import { PostureTreeProvider } from './views/provider';
import { VisibleScheduler } from './views/scheduler';
import { ScoreStatusBar } from './views/statusBar';
import { VIEWS, type ViewName } from './views/table';
import { registerLanguageModelTools, type PostureTools } from './tools/tools';

export interface SecurityPostureApi {
  store: StoreView;
  connection: Connection;
  providers: Record<ViewName, PostureTreeProvider>;
  treeViews: Record<ViewName, vscode.TreeView<Node>>;
  panels: PanelController;
  history: HistoryService;
  plan: PlanStore;
  customers: { portfolio: Portfolio; provider: CustomersProvider; view: vscode.TreeView<Node> };
  /** The language model tools as registered with VS Code (tests read their confirmations). */
  languageModelTools: PostureTools;
  /** Resolves when the current connection's first refresh has settled. */
  ready(): Promise<void>;
  /** What could leak if something registered per refresh: for the endurance test. */
  resourceCounts(): { storeListeners: number; subscriptions: number };
}

/**
 * What activate() hands to whoever asks for this extension's exports. Only our own tests get the
 * test surface: it holds the store and the authenticated Graph client, and any other extension
 * calling getExtension(...).exports would otherwise use our sign-in without VS Code asking the
 * user (VS Code's consent for Microsoft sign-in is per extension).
 */
export function exportsFor(mode: vscode.ExtensionMode, api: SecurityPostureApi): SecurityPostureApi | undefined {
  return mode === vscode.ExtensionMode.Test ? api : undefined;
}

export function activate(context: vscode.ExtensionContext): SecurityPostureApi | undefined {
  const log = vscode.window.createOutputChannel('Security Posture', { log: true });
  const store = new CurrentStore(context.globalState);
  const pending = new PendingUpdates(context.globalState);
  const connection = new Connection(store, context, log);
  const history = new HistoryService(vscode.Uri.joinPath(context.globalStorageUri, 'history').fsPath, log);
  history.attach(store);
  const plan = new PlanStore(context.globalState);
  let current = readSettings();
  const settings = (): Settings => current.settings;
  const queries = createAlertQueries(context.globalState, { store, connection, settings });
  context.subscriptions.push(store.onDidPatchAlert(alert => queries.replaceAlert(alert)));

  // Posture files in the editor: diagnostics, drift, completion (and a marker on drifting rows).
  const postureEditor = new PostureEditor({ store, pending, context: () => connection.tenant, now: () => new Date() });
  const viewContext: ViewContext = {
    store,
    pending,
    settings,
    idPrefix: () => store.currentTenantKey ?? 'none',
    customerNames: () => connection.customerNames,
    now: () => new Date(),
    isPlanned: id => plan.has(store.currentTenantKey, id),
    postureDrift: id => postureEditor.driftFor(id),
  };
  const views = Object.fromEntries(VIEWS.map(spec => {
    const provider = new PostureTreeProvider(store, spec.sections, () => spec.roots(viewContext, queries));
    const view = vscode.window.createTreeView(`securityPosture.${spec.name}`, {
      treeDataProvider: provider, showCollapseAll: spec.showCollapseAll, canSelectMany: spec.canSelectMany,
      // "Planned" checkboxes are per action: ticking one never ticks its group.
      manageCheckboxStateManually: true,
    });
    context.subscriptions.push(provider, view);
    return [spec.name, { provider, view }];
  })) as Record<ViewName, { provider: PostureTreeProvider; view: vscode.TreeView<Node> }>;
  const portfolio = new Portfolio(context.globalState, { maxInFlight: () => current.settings.customersMaxInFlight });
  const customersProvider = new CustomersProvider(portfolio, { sort: 'worstScore', filter: '' });
  const customersView = vscode.window.createTreeView('securityPosture.customers', { treeDataProvider: customersProvider, showCollapseAll: false, canSelectMany: true });
  context.subscriptions.push(customersProvider, customersView, { dispose: () => portfolio.dispose() });
  const scheduler = new VisibleScheduler(Object.values(views).map(v => v.view));
  const projection = () => projectScore(store.get('scores').data ?? [], store.get('profiles').data ?? [], plan.get(store.currentTenantKey));
  const statusBar = new ScoreStatusBar(store, () => connection.label, projection);
  const panelContext: PanelContext = {
    store,
    history: () => history.current(),
    planned: () => plan.get(store.currentTenantKey),
    label: () => connection.label,
    now: () => new Date(),
  };
  let checkboxWrites = 0;
  const setPlanned = async (ids: string[], planned: boolean) => {
    if (store.currentTenantKey) {
      await plan.setPlanned(store.currentTenantKey, ids, planned);
    }
  };
  const panels = new PanelController(context.extensionUri, [secureScorePanel, partnerPanel, whatChangedPanel, whatIfPanel, honestyPanel, portfolioPanel(portfolio)], {
    store, history, plan, log, context: panelContext, setPlanned: (id, planned) => setPlanned([id], planned),
  });

  let firstRefresh: Promise<void> = Promise.resolve();
  // Each setContext is a round trip to the window; the view chrome is updated on every store
  // change, so only changes are sent (else a refresh queues dozens and the heap swells).
  const contexts = new Map<string, boolean>();
  const setContext = (key: string, value: boolean) => {
    if (contexts.get(key) !== value) {
      contexts.set(key, value);
      void vscode.commands.executeCommand('setContext', `securityPosture.${key}`, value);
    }
  };
  const applySettings = () => {
    const s = current.settings;
    store.configureAlerts({ statuses: s.alertStatuses, days: s.alertDays }, s.alertPageSize);
    statusBar.setEnabled(s.statusBar);
    setContext('showDeprecated', s.showDeprecated);
  };
  const updateViewChrome = () => {
    const state = connection.state;
    setContext('sample', state.kind === 'sample');
    setContext('signedIn', state.kind === 'graph');
    setContext('signedOut', state.kind === 'signedOut');
    setContext('appOnly', state.kind === 'graph' && !state.signIn.delegated);
    // The Customers view shows for a partner: one whose customer insights list customers, or whose portfolio does.
    setContext('hasCustomers', !!connection.portfolioSource && ((store.get('customers').data?.length ?? 0) > 0 || portfolio.customers.length > 0 || !!connection.openCustomer));
    setContext('customerOpen', !!connection.openCustomer);
    for (const { view, provider } of Object.values(views)) {
      // Assigned only when changed: each assignment is a message to the window too.
      const description = state.kind === 'signedOut' ? undefined : connection.label;
      // `undefined`, not null/empty: anything else keeps the welcome view from coming back.
      const message = state.kind === 'signedOut' && state.reason ? `Not connected: ${state.reason.message}` : provider.staleMessage();
      if (view.description !== description) {
        view.description = description;
      }
      if (view.message !== message) {
        view.message = message;
      }
    }
    statusBar.update();
  };
  const problemReporter = settingsProblemReporter(log);
  const reportProblems = () => void problemReporter(current.problems).catch(error => log.error(`Checking settings: ${error?.message ?? error}`));
  // One (re)connection at a time: a setting change and the command that made it both reconnect.
  let connecting: Promise<void> = Promise.resolve();
  const reconnect = (interactive: boolean): Promise<void> => {
    const next = connecting.catch(() => undefined).then(async () => {
      current = readSettings();
      applySettings();
      await connection.connect(current.settings, interactive);
      firstRefresh = store.refresh();
      await firstRefresh;
    });
    connecting = next;
    return next;
  };

  const services: Services = { context, store, pending, connection, log, settings, reconnect, views, scheduler, panels, history, plan };
  context.subscriptions.push(postureEditor, postureEditor.onDidChangeDrift(() => views.controls.provider.refresh()));
  context.subscriptions.push(
    log, connection, statusBar, panels, scheduler, { dispose: () => store.dispose() }, { dispose: () => history.dispose() },
    connection.onDidChange(state => {
      // The sample tenant's stored history starts with its older generated days (Graph serves 90).
      if (state.kind === 'sample' && state.dataset.secureScoreArchive && store.currentTenantKey) {
        void history.seed(store.currentTenantKey, state.dataset.secureScoreArchive);
      }
    }),
    plan.onDidChange(() => {
      // A checkbox the user just ticked already shows its state; re-rendering the tree then
      // would race the next click (a second tick could be drawn over and lost).
      if (checkboxWrites === 0) {
        views.controls.provider.refresh();
      }
      statusBar.update();
    }),
    views.controls.view.onDidChangeCheckboxState(event => {
      const byState = new Map<boolean, string[]>([[true, []], [false, []]]);
      for (const [node, checkbox] of event.items) {
        const entity = entityOf(node);
        if (entity?.kind === 'controlProfile') {
          byState.get(checkbox === vscode.TreeItemCheckboxState.Checked)!.push(entity.profile.id);
        }
      }
      checkboxWrites++;
      void Promise.all([...byState].filter(([, ids]) => ids.length).map(([planned, ids]) => setPlanned(ids, planned)))
        .catch(error => log.error(`Saving the plan failed: ${error?.message ?? error}`))
        .finally(() => checkboxWrites--);
    }),
    connection.onDidChange(updateViewChrome),
    connection.onDidChange(() => pending.setTenant(store.currentTenantKey)),
    pending.follow(store),
    pending.onDidChange(kinds => {
      if (kinds.includes('control')) {
        views.controls.provider.refresh();
      }
      if (kinds.includes('alert')) {
        views.alerts.provider.refresh();
      }
      if (kinds.includes('partnerAlert')) {
        views.partner.provider.refresh();
      }
    }),
    store.onDidChange(updateViewChrome),
    ...registerViewCommands(services),
    ...registerAccountCommands(services),
    ...registerCustomerCommands(services, portfolio, customersProvider, customersView),
    ...registerCustomerActionCommands(services, portfolio),
    portfolio.onDidChange(updateViewChrome),
    ...registerOpenCommands(services),
    ...registerPanelCommands(services),
    ...registerUpdateCommands(services),
    ...registerPostureCommands(services, portfolio),
    ...registerQueryCommands(services, queries),
    ...registerRawDataCommands(services),
    ...registerReportCommands(services),
    ...registerPortfolioCommands(services, portfolio),
    ...registerWatch(services),
    vscode.workspace.onDidChangeConfiguration(event => {
      if (!event.affectsConfiguration(SECTION)) {
        return;
      }
      const before = current.settings;
      current = readSettings();
      reportProblems();
      if (affectsProtected(event)) {
        void reconnect(false).catch(error => log.error(`Reconnect failed: ${error?.message ?? error}`));
        return;
      }
      applySettings();
      if (before.alertStatuses.join() !== current.settings.alertStatuses.join() || before.alertDays !== current.settings.alertDays || before.alertPageSize !== current.settings.alertPageSize) {
        void store.refresh(['alerts']);
      }
      views.controls.provider.refresh();
      if (before.autoRefreshMinutes !== current.settings.autoRefreshMinutes) {
        scheduler.reschedule();
      }
    }),
    vscode.authentication.onDidChangeSessions(event => {
      // Only our provider, and only when we rely on it: a broad listener loops (vscode-azuretools#2102).
      const state = connection.state;
      const provider = state.kind === 'graph' ? state.signIn.vscode && state.cloud.vscodeProviderId : undefined;
      if (provider && event.provider.id === provider) {
        void connection.accountChanged().then(async changed => {
          if (changed) {
            await reconnect(false);
          }
        });
      }
    }),
  );

  context.subscriptions.push(scheduler.every(() => current.settings.autoRefreshMinutes, () => void store.refresh()));

  applySettings();
  updateViewChrome();
  reportProblems();
  // Connect after activation returns: no network in activate().
  const started = new Promise<void>(resolve => setImmediate(resolve)).then(() => reconnect(false)).catch(error => log.error(`Start-up: ${error?.message ?? error}`));
  firstRefresh = started;
  const ready = async () => {
    await started;
    await firstRefresh;
  };
  const languageModelTools = registerLanguageModelTools({ ...services, ready, portfolio });
  context.subscriptions.push(...languageModelTools.disposables);

  return exportsFor(context.extensionMode, {
    store, connection, panels, history, plan, languageModelTools: languageModelTools.tools,
    customers: { portfolio, provider: customersProvider, view: customersView },
    providers: { secureScore: views.secureScore.provider, controls: views.controls.provider, alerts: views.alerts.provider, partner: views.partner.provider },
    treeViews: { secureScore: views.secureScore.view, controls: views.controls.view, alerts: views.alerts.view, partner: views.partner.view },
    ready,
    resourceCounts: () => ({ storeListeners: store.listenerCount, subscriptions: context.subscriptions.length }),
  });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
