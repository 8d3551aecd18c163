// Asking questions from the Command Palette: "Query Alerts…" (the filter language with
// completion, recent and saved queries; results become query rows of the Alerts view), the query
// rows' own commands, and "Find Control Profile…", "Find Customer…", "Find Alert…".
import * as vscode from 'vscode';
import { PostureError } from '../graph/errors';
import type { SecurityAlert } from '../graph/types';
import { AlertQueries, type QueryResult } from '../model/alertQueries';
import { completeAlertQuery, markError, QuerySyntaxError, spanText } from '../model/alertQuery';
import { alertStatusName, controlStateName, safeLabel, serviceSourceName, severityName } from '../model/format';
import { customerRow, sortCustomers } from '../model/partner';
import type { CacheStorage } from '../model/store';
import { controlRows } from '../views/controlsView';
import type { ViewContext } from '../views/common';
import type { Node } from '../views/node';
import { queryNodeId } from '../views/queryView';
import { registerCommand, type Services } from './command';
import { entityOf } from '../views/node';

/** The query store of the extension: Graph through the current connection, history in globalState. */
export function createAlertQueries(storage: CacheStorage, s: Pick<Services, 'store' | 'connection' | 'settings'>): AlertQueries {
  return new AlertQueries(storage, {
    api: () => s.connection.tenant?.security,
    tenantKey: () => s.store.currentTenantKey,
    me: () => s.connection.userPrincipalName,
    now: () => new Date(),
    pageSize: () => s.settings().alertPageSize,
  });
}

type QueryItem = vscode.QuickPickItem & { action: 'run' | 'complete' | 'recent' | 'saved' | 'error'; text: string };

const TITLE = 'Query Alerts';
const PLACEHOLDER = 'e.g. severity:high,medium status:new since:7d assigned:me "ransom" (Enter runs; pick a suggestion to complete)';

/** The items for what is typed: run (or the error, pointing at the bad part), completions, recent and saved queries. */
function queryItems(queries: AlertQueries, value: string): QueryItem[] {
  const items: QueryItem[] = [];
  const text = value.trim();
  if (text) {
    try {
      const query = queries.compile(text);
      const parts = [query.odata ? `Graph: ${query.odata}` : 'Graph: every alert', query.local.length ? `here: ${query.local.join('; ')}` : ''].filter(Boolean);
      // The label is the text itself, so VS Code's filtering keeps this item first.
      items.push({ action: 'run', text, label: value, description: 'Run query', detail: parts.join(' · '), alwaysShow: true });
    } catch (error) {
      if (!(error instanceof QuerySyntaxError)) {
        throw error;
      }
      items.push({ action: 'error', text, label: value, description: `$(error) ${spanText(error.span)}`, detail: `${markError(text, error.span)} — ${error.message}`, alwaysShow: true });
    }
  }
  const completions: QueryItem[] = completeAlertQuery(value).map(c => ({ action: 'complete', text: c.text, label: c.label, description: c.description, alwaysShow: true }));
  const history = queries.history();
  const separator = (label: string): QueryItem => ({ action: 'complete', text: value, label, kind: vscode.QuickPickItemKind.Separator });
  const saved = history.saved.filter(q => q.text !== text);
  if (saved.length) {
    items.push(separator('saved'), ...saved.map(q => ({ action: 'saved' as const, text: q.text, label: `$(star-full) ${q.name}`, description: q.name !== q.text ? q.text : undefined, alwaysShow: true })));
  }
  const recent = history.recent.filter(t => t !== text && !saved.some(q => q.text === t));
  if (recent.length) {
    items.push(separator('recent'), ...recent.map(t => ({ action: 'recent' as const, text: t, label: `$(history) ${t}`, alwaysShow: true })));
  }
  // Nothing typed yet: saved and recent queries first; while typing, completions come right after "run".
  return text ? [...items.slice(0, 1), ...completions, ...items.slice(1)] : [...items, ...(items.length ? [separator('keys')] : []), ...completions];
}

/** Asks for a query in a quick pick with completion; undefined when dismissed. */
function askQuery(queries: AlertQueries, initial = ''): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<QueryItem>();
  pick.title = TITLE;
  pick.placeholder = PLACEHOLDER;
  pick.matchOnDescription = false;
  pick.ignoreFocusOut = true;
  pick.value = initial;
  const update = () => {
    pick.items = queryItems(queries, pick.value);
    const first = pick.items.find(i => i.kind !== vscode.QuickPickItemKind.Separator);
    pick.activeItems = first ? [first] : [];
  };
  update();
  return new Promise(resolve => {
    const done = (value: string | undefined) => {
      resolve(value);
      pick.dispose();
    };
    pick.onDidChangeValue(update);
    pick.onDidAccept(() => {
      const item = pick.activeItems[0];
      if (!item) {
        return;
      }
      if (item.action === 'complete') {
        pick.value = item.text;
        update();
      } else if (item.action !== 'error') {
        done(item.text);
      }
    });
    pick.onDidHide(() => done(undefined));
    pick.show();
  });
}

async function revealQuery(s: Services, result: QueryResult): Promise<void> {
  const { view, provider } = s.views.alerts;
  const id = queryNodeId(viewContext(s), result);
  const node = (await provider.getChildren()).find(n => n.id === id);
  if (node) {
    await view.reveal(node, { expand: true, select: true, focus: true });
  }
}

function viewContext(s: Services): Pick<ViewContext, 'idPrefix'> {
  return { idPrefix: () => s.store.currentTenantKey ?? 'none' };
}

/** Runs a query and shows its row; invalid text is refused with the bad part marked, before any request. */
async function runQuery(s: Services, queries: AlertQueries, text: string): Promise<QueryResult> {
  if (!s.store.connected) {
    await s.reconnect(false);
  }
  try {
    queries.compile(text);
  } catch (error) {
    if (error instanceof QuerySyntaxError) {
      throw new PostureError('badRequest', `Query not run: ${error.message} At ${spanText(error.span)}: ${markError(text.trim(), error.span)}`);
    }
    throw error;
  }
  await vscode.commands.executeCommand('securityPosture.alerts.focus');
  const running = queries.run(text);
  // The row shows "running…" while the first page loads.
  await new Promise(resolve => setTimeout(resolve, 0));
  const first = queries.results.find(r => r.text === text.trim());
  if (first) {
    await revealQuery(s, first).catch(() => undefined);
  }
  const result = await running;
  await revealQuery(s, result).catch(() => undefined);
  return result;
}

/** A query row from a command's argument (the row, or its id), or one picked from the rows. */
async function queryTarget(queries: AlertQueries, arg: unknown, title: string): Promise<QueryResult | undefined> {
  const entity = entityOf(arg);
  const data = entity?.kind === 'alertQuery' ? entity.query : typeof arg === 'string' ? queries.get(arg) : undefined;
  if (data) {
    return queries.get(data.id) ?? data;
  }
  if (queries.results.length === 0) {
    throw new PostureError('notFound', 'There is no alert query in the Alerts view. Run "Security Posture: Query Alerts…" first.');
  }
  return (await vscode.window.showQuickPick(queries.results.map(r => ({ label: r.name ?? r.text, description: r.name ? r.text : undefined, result: r })), { title }))?.result;
}

type AlertItem = vscode.QuickPickItem & { alert?: SecurityAlert; lookup?: string };

/** Loaded alerts by title or id; an id that is not loaded can be looked up in Graph. */
async function pickAlert(loaded: SecurityAlert[]): Promise<AlertItem | undefined> {
  const ids = new Set(loaded.map(a => a.id));
  const items: AlertItem[] = loaded.map(a => ({ label: safeLabel(a.title || '(untitled alert)'), description: `${severityName(a.severity)} · ${alertStatusName(a.status)} · ${serviceSourceName(a.serviceSource)}`, detail: a.id, alert: a }));
  const pick = vscode.window.createQuickPick<AlertItem>();
  Object.assign(pick, { title: 'Find Alert', placeholder: 'Title or alert id (an id that is not loaded is looked up in Microsoft Graph)', matchOnDescription: true, matchOnDetail: true, items });
  pick.onDidChangeValue(v => {
    const value = v.trim();
    const lookup: AlertItem[] = /^[\w.-]{6,}$/.test(value) && !ids.has(value) ? [{ label: `$(search) Look up alert ${value} in Microsoft Graph`, lookup: value, alwaysShow: true }] : [];
    pick.items = [...lookup, ...items];
  });
  const picked = await new Promise<AlertItem | undefined>(resolve => {
    pick.onDidAccept(() => resolve(pick.activeItems[0]));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  return picked;
}

/** Walks from the roots down to the node with `id`, expanding the nodes whose ids are in `path`. */
async function findNode(roots: Node[], id: string, path: (node: Node) => boolean): Promise<Node | undefined> {
  for (const node of roots) {
    if (node.id === id) {
      return node;
    }
    if (path(node)) {
      const found = await findNode(await node.children(), id, path);
      if (found) {
        return found;
      }
    }
  }
  return undefined;
}

export function registerQueryCommands(s: Services, queries: AlertQueries): vscode.Disposable[] {
  const prefix = () => s.store.currentTenantKey ?? 'none';
  return [
    queries.onDidChange(() => s.views.alerts.provider.refresh()),
    // Triage changes alerts in the store; the query rows show the same alerts.
    s.store.onDidChange(ids => ids.includes('alerts') && queries.sync((s.store.get('alerts').data?.groups ?? []).flatMap(g => g.items))),
    { dispose: () => queries.dispose() },
    registerCommand(s, 'securityPosture.queryAlerts', async (text?: unknown) => {
      const query = typeof text === 'string' ? text : await askQuery(queries);
      return query === undefined ? undefined : runQuery(s, queries, query);
    }),
    registerCommand(s, 'securityPosture.editAlertQuery', async (arg?: unknown) => {
      const result = await queryTarget(queries, arg, 'Edit Alert Query');
      const text = result && await askQuery(queries, result.text);
      if (text !== undefined) {
        await runQuery(s, queries, text);
      }
    }),
    registerCommand(s, 'securityPosture.rerunAlertQuery', async (arg?: unknown) => {
      const result = await queryTarget(queries, arg, 'Run Alert Query Again');
      if (result) {
        await queries.rerun(result.id);
      }
    }),
    registerCommand(s, 'securityPosture.loadMoreQueryResults', (id: string) => queries.loadMore(id)),
    registerCommand(s, 'securityPosture.renameAlertQuery', async (arg?: unknown, newName?: unknown) => {
      const result = await queryTarget(queries, arg, 'Rename Alert Query');
      const name = typeof newName === 'string' ? newName : result && await vscode.window.showInputBox({ title: 'Rename Alert Query', value: result.name ?? result.text, prompt: `Name for: ${result.text}`, validateInput: v => (v.trim().length > 100 ? 'At most 100 characters.' : undefined) });
      if (result && name !== undefined) {
        await queries.rename(result.id, name);
      }
    }),
    registerCommand(s, 'securityPosture.saveAlertQuery', async (arg?: unknown, newName?: unknown) => {
      const result = await queryTarget(queries, arg, 'Save Alert Query');
      if (!result) {
        return;
      }
      const name = typeof newName === 'string' ? newName : result.name ?? await vscode.window.showInputBox({ title: 'Save Alert Query', value: result.text, prompt: 'A name for the saved query (offered by "Query Alerts…" next time)' });
      if (name !== undefined) {
        await queries.save(result.id, name);
      }
    }),
    registerCommand(s, 'securityPosture.deleteAlertQuery', async (arg?: unknown, forgetSaved?: unknown) => {
      const result = await queryTarget(queries, arg, 'Delete Alert Query');
      if (!result) {
        return;
      }
      let forget = forgetSaved === true;
      if (result.saved && typeof forgetSaved !== 'boolean') {
        const choice = await vscode.window.showWarningMessage(`"${safeLabel(result.name ?? result.text, 80)}" is a saved query.`, { modal: true, detail: 'Remove it from the view only, or also delete the saved query?' }, 'Remove from View', 'Delete Saved Query');
        if (!choice) {
          return;
        }
        forget = choice === 'Delete Saved Query';
      }
      await queries.remove(result.id, forget);
    }),
    registerCommand(s, 'securityPosture.findControlProfile', async (controlId?: unknown) => {
      const rows = controlRows({ store: s.store } as ViewContext);
      if (rows.length === 0) {
        throw new PostureError('notFound', 'No improvement actions are loaded. Refresh the Improvement Actions view first.');
      }
      const picked = typeof controlId === 'string' ? { id: controlId } : await vscode.window.showQuickPick(rows.map(r => ({
        label: safeLabel(r.title),
        description: [r.category, r.service, controlStateName(r.state), r.deprecated ? 'deprecated' : ''].filter(Boolean).join(' · '),
        detail: [(r.profile.threats ?? []).map(t => safeLabel(t)).join(', '), r.id].filter(Boolean).join(' · '),
        id: r.id,
      })), { title: 'Find Control Profile', placeHolder: 'Title, category, service, threat or state', matchOnDescription: true, matchOnDetail: true });
      if (!picked) {
        return undefined;
      }
      const { view, provider } = s.views.controls;
      const node = await findNode(await provider.getChildren(), `${prefix()}/controls/profile/${picked.id}`, n => n.id.startsWith(`${prefix()}/controls/group/`));
      if (!node) {
        throw new PostureError('notFound', rows.find(r => r.id === picked.id)?.deprecated
          ? 'That improvement action is deprecated: run "Show Deprecated Improvement Actions" to see it.'
          : 'That improvement action is not in the Improvement Actions view.');
      }
      await view.reveal(node, { select: true, focus: true, expand: true });
      return node.id;
    }),
    registerCommand(s, 'securityPosture.findCustomer', async (tenantId?: unknown) => {
      const data = s.store.get('customers').data;
      if (!data?.length) {
        throw new PostureError('notFound', s.store.get('customers').error?.message ?? 'No customers are loaded (the Partner Security view lists them for CSP partners).');
      }
      const mfa = (c: ReturnType<typeof customerRow>) => c.noData ? 'no MFA data'
        : c.atRisk ? 'no MFA mechanism'
          : ['security defaults', 'Conditional Access MFA', 'per-user MFA'].filter((_, i) => [c.securityDefaults, c.conditionalAccessMfa, c.legacyPerUserMfa][i] === 'enabled').join(', ');
      const picked = typeof tenantId === 'string' ? { tenantId } : await vscode.window.showQuickPick(sortCustomers(data.map(c => customerRow(c, s.connection.customerNames))).map(c => ({
        label: `${c.atRisk ? '$(warning) ' : ''}${safeLabel(c.name ?? c.tenantId)}`,
        description: mfa(c),
        detail: `${c.tenantId} · ${c.adminsWithMfa} admins with MFA · ${c.nonAdminsWithMfa} of ${c.totalUsers} users`,
        tenantId: c.tenantId,
      })), { title: 'Find Customer', placeHolder: 'Name, tenant id or MFA status (e.g. "no MFA")', matchOnDescription: true, matchOnDetail: true });
      if (!picked) {
        return;
      }
      const id = `${prefix()}/partner/customer/${picked.tenantId}`;
      const { view, provider } = s.views.partner;
      const node = await findNode(await provider.getChildren(), id, n => n.id === `${prefix()}/partner/score` || n.id === `${prefix()}/partner/customers`);
      if (!node) {
        throw new PostureError('notFound', 'That customer is not in the Partner Security view.');
      }
      await view.reveal(node, { select: true, focus: true, expand: true });
      return node.id;
    }),
    registerCommand(s, 'securityPosture.findAlert', async (text?: unknown) => {
      const loaded = new Map<string, SecurityAlert>();
      for (const alert of [...(s.store.get('alerts').data?.groups ?? []).flatMap(g => g.items), ...queries.results.flatMap(r => r.items)]) {
        loaded.set(alert.id, alert);
      }
      const given = typeof text === 'string' ? text.trim() : '';
      const picked: AlertItem | undefined = given ? (loaded.has(given) ? { label: '', alert: loaded.get(given) } : { label: '', lookup: given }) : await pickAlert([...loaded.values()]);
      if (!picked) {
        return;
      }
      let alert = picked.alert;
      if (!alert && picked.lookup) {
        const graph = s.connection.tenant?.graph;
        if (!graph) {
          throw new PostureError('signIn', 'Sign in to look up an alert.');
        }
        alert = (await graph.get<SecurityAlert>(`/security/alerts_v2/${encodeURIComponent(picked.lookup)}`, { area: 'alerts' })).data;
      }
      if (!alert) {
        return;
      }
      const { view, provider } = s.views.alerts;
      const inGroup = `${prefix()}/alerts/alert/${alert.id}`;
      let node = await findNode(await provider.getChildren(), inGroup, n => n.id === `${prefix()}/alerts/severity/${alert!.severity}`);
      if (!node) {
        // Not in the view's filter (or not loaded): show it as a query row of its own.
        const result = queries.addAlert(alert);
        await new Promise(resolve => setTimeout(resolve, 50));
        node = await findNode(await provider.getChildren(), `${queryNodeId(viewContext(s), result)}/alert/${alert.id}`, n => n.id === queryNodeId(viewContext(s), result));
      }
      if (node) {
        await view.reveal(node, { select: true, focus: true, expand: true });
      }
      return alert;
    }),
  ];
}
