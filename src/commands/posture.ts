// Posture as code: Export Current Posture as Code, Plan Posture (a read-only plan document with
// the Secure Score effect) and Apply Posture (a modal confirmation naming each tenant and its
// counts, then the batched writes with a per-item report and Retry Failed; across a partner's
// customers, each customer whose role can write through its own client, a few at once, with
// Cancel, and the report by customer). A posture file is
// workspace content: in Restricted Mode nothing is planned against Graph or applied, and nothing
// is ever applied on save or refresh, only by this command after the confirmation.
import * as vscode from 'vscode';
import { PostureError } from '../graph/errors';
import { safeLabel } from '../model/format';
import { acrossReportMarkdown, summarizeAcross, type TenantOutcome, type TenantSkip } from '../model/crossTenant';
import { reportMarkdown, summarize } from '../model/updates';
import type { WriteTarget } from '../model/writeFlow';
import {
  applyConfirmation, applyPosturePlan, applyResults, exportPosture, formatPlan, hasErrors, loadTenants, parsePosture, planPosture, ruleQueries,
  validatePosture, type PostureApplyResult, type PostureDoc, type PosturePlan, type TenantPlan,
} from '../posture';
import type { Portfolio } from '../tenant/portfolio';
import { applyScope, tenantLoader, type ApplyScope, type PostureCustomers } from '../tenant/posture';
import { isPostureDocument } from '../views/postureEditor';
import { registerCommand, type Services } from './command';
import { customerPort } from './customerActions';
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
async function postureCustomers(s: Services, doc: PostureDoc, portfolio: Portfolio | undefined, retry?: Retry): Promise<PostureCustomers | undefined> {
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
  // A retry reads only the customers it retries.
  const customers = () => (retry ? portfolio.customers.filter(r => retry.only.has(r.customer.tenantId)) : portfolio.customers);
  return { customers, contextFor: (tenantId, name) => s.connection.customerContext(tenantId, name), cloud: source.cloud, clientId: source.clientId };
}

async function makePlan(s: Services, doc: PostureDoc, portfolio?: Portfolio, retry?: Retry): Promise<PosturePlan> {
  const now = new Date();
  const context = s.connection.tenant;
  const queries = ruleQueries(doc, { now, me: context?.user }).map(q => q.query);
  const customers = await postureCustomers(s, doc, portfolio, retry);
  const tenants = await loadTenants(doc, tenantLoader({ context, store: s.store, pending: s.pending, queries, customers }));
  return planPosture(doc, tenants, now);
}

/** A Retry Failed: the failed items per tenant id, and the tenants' names (to keep a retried customer that cannot be read now). */
interface Retry {
  only: Map<string, Set<string>>;
  names: Set<string>;
}

/** The retried tenants of a plan made again: the others are not written and not reported. */
function retriedPart(plan: PosturePlan, retry: Retry): PosturePlan {
  return { ...plan, tenants: plan.tenants.filter(t => (t.available ? retry.only.has(t.tenantId) : retry.names.has(t.target))) };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function registerPostureCommands(s: Services, portfolio?: Portfolio): vscode.Disposable[] {
  const documents = new ReadOnlyDocuments();

  const apply = async (document: vscode.TextDocument, retry?: Retry): Promise<PostureApplyResult | undefined> => {
    refuseUntrusted();
    const file = fileName(document);
    const doc = readChecked(s, document, 'applied');
    const context = s.connection.tenant;
    const shown = context && (context.tenantId ?? context.key);
    const planned = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Planning ${file}` }, () => makePlan(s, doc, portfolio, retry));
    const scope = applyScope(retry ? retriedPart(planned, retry) : planned, shown, portfolio?.customers ?? []);
    const { plan, cannotWrite } = scope;
    if (plan.writes === 0) {
      if (cannotWrite.length > 0) {
        throw new PostureError('forbidden', `Nothing was changed: ${cannotWrite.length === 1 ? 'the customer with changes cannot' : `none of the ${cannotWrite.length} customers with changes can`} be written. ${safeLabel(cannotWrite[0].name, 80)}: ${cannotWrite[0].reason}`);
      }
      void vscode.window.showInformationMessage(`${file}: nothing to do; every tenant is in sync with the file${plan.tenants.some(t => !t.available) ? ' (tenants that are not available were left out)' : ''}.`);
      return undefined;
    }
    const writing = plan.tenants.filter((t): t is TenantPlan => t.available && t.counts.change + t.counts.alertChanges > 0);
    const noun = writing.every(t => scope.customers.has(t.tenantId)) ? 'customer' : 'tenant';
    if (!retry) {
      const { message, detail } = applyConfirmation(file, plan, { noun, cannotWrite });
      const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Apply');
      if (choice !== 'Apply') {
        throw new PostureError('canceled', 'Canceled.');
      }
    }
    // The tenant the views show goes through the views' write flow (write access asked, rows marked
    // in flight, Graph's copies in the store, "awaiting Microsoft sync"); each customer through its
    // own client and credential, as the actions across customers do.
    const port = scope.customers.size > 0 ? customerPort(s) : undefined;
    const targetFor = (tenantId: string): WriteTarget | undefined => {
      const customer = scope.customers.get(tenantId);
      return customer && port ? port.open(customer).target : shown?.toLowerCase() === tenantId.toLowerCase() ? writeTarget(s) : undefined;
    };
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Applying ${file}`, cancellable: writing.length > 1 }, (progress, token) => {
      // Cancel stops starting tenants; the writes in flight finish and are reported.
      const stop = new AbortController();
      token.onCancellationRequested(() => stop.abort());
      if (writing.length > 1) {
        progress.report({ message: `0 of ${plural(writing.length, noun)}` });
      }
      return applyPosturePlan(plan, targetFor, {
        only: retry?.only, stop: stop.signal, maxInFlight: port?.maxInFlight ?? 1,
        onTenantDone: (done, total) => {
          if (total > 1) {
            progress.report({ message: `${done} of ${plural(total, noun)}`, increment: 100 / total });
          }
        },
      });
    });
    report(document, result, doc.tenants.kind !== 'current' || writing.length > 1 ? { cannotWrite, noun } : undefined);
    return result;
  };

  const report = (document: vscode.TextDocument, result: PostureApplyResult, across?: { cannotWrite: ApplyScope['cannotWrite']; noun: string }) => {
    const file = fileName(document);
    const failed = result.tenants.flatMap(t => [...t.controls.map(r => ({ t, key: `control:${r.id}`, r })), ...t.alerts.map(r => ({ t, key: `alert:${r.id}`, r }))]).filter(x => x.r.outcome === 'failed');
    for (const f of failed) {
      s.log.warn(`Apply ${file}: ${f.t.name}: "${f.r.title}" (${f.r.id}) failed: ${f.r.reason}`);
    }
    let text: string;
    let markdown: () => string;
    if (across) {
      const outcomes: TenantOutcome[] = result.tenants.map(t => ({ tenant: { tenantId: t.tenantId, name: t.name }, results: [...t.controls, ...t.alerts] }));
      const notChanged: TenantSkip[] = [
        ...across.cannotWrite.map(c => ({ tenant: { tenantId: c.tenantId, name: c.name }, reason: c.reason })),
        ...result.notAttempted.map(n => ({ tenant: n, reason: `Not attempted: Apply was canceled before this ${across.noun} was started (${plural(n.items, 'change')} not sent).` })),
        // An unavailable tenant is known by the name or id the file gave; the Customers view knows its id.
        ...result.skipped.map(k => ({
          tenant: { tenantId: portfolio?.customers.find(r => [r.customer.tenantId, r.customer.name].includes(k.target))?.customer.tenantId ?? '', name: k.target }, reason: k.reason,
        })),
      ];
      const parts = [
        across.cannotWrite.length ? `${plural(across.cannotWrite.length, across.noun)} not changed (role cannot write)` : '',
        result.notAttempted.length ? `${plural(result.notAttempted.length, across.noun)} not attempted (canceled)` : '',
        result.skipped.length ? `${result.skipped.length} not available` : '',
      ].filter(Boolean);
      text = `Apply ${safeLabel(file, 80)}: ${summarizeAcross(outcomes)}${parts.length ? `; ${parts.join('; ')}` : ''}.`;
      markdown = () => acrossReportMarkdown(`Apply ${file}`, outcomes, notChanged, new Date());
    } else {
      const skipped = result.skipped.length ? ` ${result.skipped.length} tenant${result.skipped.length === 1 ? ' was' : 's were'} not available and left out.` : '';
      text = `Apply ${safeLabel(file, 80)}: ${summarize(applyResults(result))}.${skipped}`;
      markdown = () => reportMarkdown(`Apply ${file}`, applyResults(result), new Date());
    }
    const actions = failed.length ? ['Show Report', 'Retry Failed'] : ['Show Report'];
    void (failed.length ? vscode.window.showWarningMessage(text, ...actions) : vscode.window.showInformationMessage(text, ...actions)).then(choice => {
      if (choice === 'Show Report') {
        void documents.show(`apply-${file}`, markdown());
      } else if (choice === 'Retry Failed') {
        const again: Retry = { only: new Map(), names: new Set(failed.map(f => f.t.name)) };
        for (const f of failed) {
          again.only.set(f.t.tenantId, (again.only.get(f.t.tenantId) ?? new Set()).add(f.key));
        }
        // Planned again from what Graph has now: an item that did change meanwhile is not written twice.
        void apply(document, again).catch(error => {
          if ((error as PostureError)?.kind !== 'canceled') {
            void vscode.window.showErrorMessage(safeLabel(`Retry failed: ${error?.message ?? error}`, 500));
          }
        });
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
