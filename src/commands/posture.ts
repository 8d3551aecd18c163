// Posture as code: Export Current Posture as Code, Plan Posture (a read-only plan document with
// the Secure Score effect) and Apply Posture (a modal confirmation naming each tenant and its
// counts, then the batched writes with a per-item report and Retry Failed). A posture file is
// workspace content: in Restricted Mode nothing is planned against Graph or applied, and nothing
// is ever applied on save or refresh, only by this command after the confirmation.
import * as vscode from 'vscode';
import { PostureError } from '../graph/errors';
import { safeLabel } from '../model/format';
import { reportMarkdown, summarize, type ItemResult } from '../model/updates';
import {
  applyCounts, applyPosturePlan, applyResults, exportPosture, formatPlan, hasErrors, loadTenants, parsePosture, planPosture, ruleQueries,
  validatePosture, type PostureApplyResult, type PostureDoc, type PosturePlan,
} from '../posture';
import type { Portfolio } from '../tenant/portfolio';
import { tenantLoader, type PostureCustomers } from '../tenant/posture';
import { isPostureDocument } from '../views/postureEditor';
import { registerCommand, type Services } from './command';
import { writeTarget } from './updates';

const PLAN_SCHEME = 'security-posture-plan';

export const RESTRICTED_MESSAGE = 'This folder is in Restricted Mode. A posture file is workspace content, so it is not planned against Microsoft Graph or applied until you trust the folder (Manage Workspace Trust). Nothing was read or changed.';

/** Plans and reports live in read-only virtual documents. */
class ReadOnlyDocuments implements vscode.TextDocumentContentProvider {
  private readonly documents = new Map<string, string>();
  private counter = 0;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.documents.get(uri.path) ?? '';
  }
  async show(name: string, markdown: string): Promise<vscode.TextDocument> {
    const path = `/${++this.counter}/${name.replace(/[^\w.-]+/g, '-')}.md`;
    this.documents.set(path, markdown);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: PLAN_SCHEME, path }));
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  }
}

function refuseUntrusted(): void {
  if (!vscode.workspace.isTrusted) {
    throw new PostureError('badRequest', RESTRICTED_MESSAGE);
  }
}

/** The posture document a command is about: its argument, the active editor, or the only open one. */
async function postureDocument(target: unknown): Promise<vscode.TextDocument> {
  if (target instanceof vscode.Uri) {
    return vscode.workspace.openTextDocument(target);
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active && isPostureDocument(active)) {
    return active;
  }
  const open = vscode.workspace.textDocuments.filter(isPostureDocument);
  if (open.length === 1) {
    return open[0];
  }
  throw new PostureError('badRequest', 'Open a posture file (*.posture.yaml or *.posture.json) first, or create one with "Export Current Posture as Code".');
}

function fileName(document: vscode.TextDocument): string {
  return document.uri.path.split('/').pop() ?? 'posture';
}

/** Parses and checks the file; refuses when it has errors (they are in the Problems panel), or for a plan, when it cannot be read at all. */
function readChecked(s: Services, document: vscode.TextDocument, what: 'planned' | 'applied'): PostureDoc {
  const now = new Date();
  const parsed = parsePosture(document.getText(), fileName(document));
  const problems = [...parsed.problems, ...(parsed.doc ? validatePosture(parsed.doc, { profiles: s.store.get('profiles').data, now, me: s.connection.tenant?.user }) : [])];
  if (!parsed.doc || (what === 'applied' && hasErrors(problems))) {
    const errors = problems.filter(p => p.severity === 'error');
    const first = errors[0];
    throw new PostureError('badRequest', `${fileName(document)} has ${errors.length} error${errors.length === 1 ? '' : 's'} (see Problems); nothing was ${what}. First: line ${first?.line}: ${first?.message}`);
  }
  return parsed.doc;
}

/** A partner's customers for `all customers` (or customers named in the file): listed first if the Customers view has not been read yet. */
async function postureCustomers(s: Services, doc: PostureDoc, portfolio: Portfolio | undefined): Promise<PostureCustomers | undefined> {
  const source = s.connection.portfolioSource;
  if (!source || !portfolio || doc.tenants.kind === 'current') {
    return undefined;
  }
  if (!portfolio.connected) {
    portfolio.connect(source);
  }
  if (portfolio.customers.length === 0 && !portfolio.isRunning) {
    await portfolio.refresh(false);
  }
  return { customers: () => portfolio.customers, contextFor: (tenantId, name) => s.connection.customerContext(tenantId, name), cloud: source.cloud, clientId: source.clientId };
}

async function makePlan(s: Services, doc: PostureDoc, portfolio?: Portfolio): Promise<PosturePlan> {
  const now = new Date();
  const context = s.connection.tenant;
  const queries = ruleQueries(doc, { now, me: context?.user }).map(q => q.query);
  const customers = await postureCustomers(s, doc, portfolio);
  const tenants = await loadTenants(doc, tenantLoader({ context, store: s.store, pending: s.pending, queries, customers }));
  return planPosture(doc, tenants, now);
}

export const OTHER_TENANT = 'not applied here: Apply changes only the tenant the views show; open this customer from the Customers view to apply its changes';

/** Apply writes only to the tenant the views show: the plan's other tenants are left out, saying how to apply there. */
function onlyShownTenant(plan: PosturePlan, shown: string | undefined): PosturePlan {
  const tenants = plan.tenants.map(t => (!t.available || t.tenantId === shown ? t : { available: false as const, target: t.name, reason: OTHER_TENANT }));
  return { ...plan, tenants, writes: tenants.reduce((n, t) => n + (t.available ? t.counts.change + t.counts.alertChanges : 0), 0) };
}

/** The confirmation names every tenant with its counts (in the message itself, which every dialog shows) and what is left out. */
function confirmation(file: string, plan: PosturePlan): { message: string; detail: string } {
  const tenants = applyCounts(plan).filter(c => c.controls + c.alerts > 0)
    .map(c => `${safeLabel(c.name, 80)}: ${c.controls} improvement action${c.controls === 1 ? '' : 's'}, ${c.alerts} alert${c.alerts === 1 ? '' : 's'}`);
  const left = plan.tenants.flatMap(t => (t.available ? [] : [safeLabel(t.target, 80)]));
  return {
    message: `Apply ${safeLabel(file, 80)} to ${tenants.join('; ')}?`,
    detail: `${left.length ? `Not available, left out: ${left.join(', ')}.\n\n` : ''}Each change is written to Microsoft Graph now; Secure Score reflects state changes after 24–48 hours.`,
  };
}

export function registerPostureCommands(s: Services, portfolio?: Portfolio): vscode.Disposable[] {
  const documents = new ReadOnlyDocuments();

  const apply = async (document: vscode.TextDocument, only?: Map<string, Set<string>>): Promise<PostureApplyResult | undefined> => {
    refuseUntrusted();
    const doc = readChecked(s, document, 'applied');
    const context = s.connection.tenant;
    const plan = onlyShownTenant(await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Planning ${fileName(document)}` }, () => makePlan(s, doc, portfolio)),
      context && (context.tenantId ?? context.key));
    if (plan.writes === 0) {
      void vscode.window.showInformationMessage(`${fileName(document)}: nothing to do; every tenant is in sync with the file${plan.tenants.some(t => !t.available) ? ' (tenants that are not available were left out)' : ''}.`);
      return undefined;
    }
    if (!only) {
      const { message, detail } = confirmation(fileName(document), plan);
      const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Apply');
      if (choice !== 'Apply') {
        throw new PostureError('canceled', 'Canceled.');
      }
    }
    // The write flow asks for write access, marks rows in flight, puts Graph's copies in the store
    // and marks control changes as awaiting Microsoft's sync.
    const target = writeTarget(s);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Applying ${fileName(document)}` },
      () => applyPosturePlan(plan, tenantId => (context && (context.tenantId ?? context.key) === tenantId ? target : undefined), { only }));
    report(document, result);
    return result;
  };

  const report = (document: vscode.TextDocument, result: PostureApplyResult) => {
    const results: ItemResult[] = applyResults(result);
    const failed = result.tenants.flatMap(t => [...t.controls.map(r => ({ t, key: `control:${r.id}`, r })), ...t.alerts.map(r => ({ t, key: `alert:${r.id}`, r }))]).filter(x => x.r.outcome === 'failed');
    for (const f of failed) {
      s.log.warn(`Apply ${fileName(document)}: "${f.r.title}" (${f.r.id}) failed: ${f.r.reason}`);
    }
    const skipped = result.skipped.length ? ` ${result.skipped.length} tenant${result.skipped.length === 1 ? ' was' : 's were'} not available and left out.` : '';
    const text = `Apply ${safeLabel(fileName(document), 80)}: ${summarize(results)}.${skipped}`;
    const actions = failed.length ? ['Show Report', 'Retry Failed'] : ['Show Report'];
    void (failed.length ? vscode.window.showWarningMessage(text, ...actions) : vscode.window.showInformationMessage(text, ...actions)).then(choice => {
      if (choice === 'Show Report') {
        void documents.show(`apply-${fileName(document)}`, reportMarkdown(`Apply ${fileName(document)}`, results, new Date()));
      } else if (choice === 'Retry Failed') {
        const only = new Map<string, Set<string>>();
        for (const f of failed) {
          only.set(f.t.tenantId, (only.get(f.t.tenantId) ?? new Set()).add(f.key));
        }
        // Planned again from what Graph has now: an item that did change meanwhile is not written twice.
        void apply(document, only).catch(error => void vscode.window.showErrorMessage(safeLabel(`Retry failed: ${error?.message ?? error}`, 500)));
      }
    });
  };

  return [
    vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, documents),
    registerCommand(s, 'securityPosture.exportPosture', async (target?: unknown) => {
      const context = s.connection.tenant;
      if (!context) {
        throw new PostureError('signIn', 'Sign in (or explore the sample tenant) first: the export reads the current tenant\'s improvement actions.');
      }
      if (!s.store.get('profiles').data) {
        await s.store.refresh(['profiles']);
      }
      const profiles = s.store.get('profiles').data;
      if (!profiles) {
        throw s.store.get('profiles').error ?? new PostureError('notFound', 'The improvement actions could not be read; nothing was exported.');
      }
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const slug = context.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'tenant';
      const uri = target instanceof vscode.Uri ? target : await vscode.window.showSaveDialog({
        title: 'Export Current Posture as Code', saveLabel: 'Export',
        defaultUri: folder ? vscode.Uri.joinPath(folder, `${slug}.posture.yaml`) : undefined,
        filters: { 'Posture file': ['yaml', 'yml'] },
      });
      if (!uri) {
        throw new PostureError('canceled', 'Canceled.');
      }
      const text = exportPosture(profiles, { name: context.displayName, tenantId: context.tenantId ?? context.key }, new Date());
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      return uri;
    }),
    registerCommand(s, 'securityPosture.planPosture', async (target?: unknown) => {
      refuseUntrusted();
      const document = await postureDocument(target);
      const doc = readChecked(s, document, 'planned');
      const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Planning ${fileName(document)}` }, () => makePlan(s, doc, portfolio));
      await documents.show(`plan-${fileName(document)}`, formatPlan(plan, 'markdown'));
      return plan;
    }),
    registerCommand(s, 'securityPosture.applyPosture', async (target?: unknown) => apply(await postureDocument(target))),
  ];
}
