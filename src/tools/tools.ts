// The language model tools (VS Code's Language Model Tools API): read-only answers over the
// posture data, and two write tools that VS Code confirms with the user before every call.
// Answers come from answers.ts and result.ts (no `vscode` there); this file reads the store,
// asks Graph where needed, runs writes, and adapts to the API.
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { errorFromException, isCancellation, PostureError } from '../graph/errors';
import type { SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { parseAlertQuery, QuerySyntaxError, markError } from '../model/alertQuery';
import { setControlStates, updateAlerts } from '../model/writeFlow';
import { writeTarget } from '../commands/updates';
import { mergePartnerHistory, mergeSnapshots } from '../model/history';
import { sortSnapshots } from '../model/secureScore';
import type { SectionId } from '../model/store';
import { controlStateName } from '../model/format';
import type { AlertChange, AlertPreview, ControlStateChange, ControlStateValue, ItemResult } from '../model/updates';
import type { Services } from '../commands/command';
import type { Portfolio } from '../tenant/portfolio';
import { scanAlerts } from './alertScan';
import {
  actionsAnswer, alertChangePreview, alertsAnswer, changeAnswer, controlChangePreview, customersAnswer, describeAlertChange,
  projectionAnswer, summaryAnswer, writeReport, type ActionsFilter, type Source, type WritePreview,
} from './answers';
import { inputProblem, TOOL_DEFINITIONS, type ToolDefinition } from './catalog';
import { cleanText, markdownText, renderAnswer, type Tenant, type ToolAnswer } from './result';

export const TOOLS_SETTING = 'languageModelTools.enabled';
const DISABLED = 'Security Posture\'s language model tools are turned off (setting "securityPosture.languageModelTools.enabled"). Nothing was read or changed. The user can turn them on in the settings.';
/** How long a tool waits for a refresh that is under way before answering with what it has. */
const WAIT_FOR_DATA_MS = 60_000;

export interface ToolServices extends Services {
  /** Resolves when the first refresh after start-up has settled. */
  ready(): Promise<void>;
  /** The Customers view's portfolio: what it has read so far (the tool starts no reads). */
  portfolio: Pick<Portfolio, 'customers'>;
}

type Input = Record<string, unknown>;

interface Prepared {
  invocationMessage?: string;
  confirmation?: { title: string; message: vscode.MarkdownString };
}

interface ToolImpl {
  prepare?(input: Input, signal: AbortSignal): Promise<Prepared>;
  run(input: Input, signal: AbortSignal): Promise<ToolAnswer>;
}

export function toolsEnabled(): boolean {
  return vscode.workspace.getConfiguration('securityPosture').get<unknown>(TOOLS_SETTING, true) !== false;
}

export type PostureTools = Record<string, vscode.LanguageModelTool<Input>>;

/**
 * Registers every tool package.json contributes; each one refuses while the setting is off (and
 * package.json's `when` hides them from models then). Returns the tool objects too: tests call
 * prepareInvocation on them to read the confirmation without a dialog.
 */
export function registerLanguageModelTools(s: ToolServices): { tools: PostureTools; disposables: vscode.Disposable[] } {
  const impls = implementations(s);
  const tools: PostureTools = Object.fromEntries(TOOL_DEFINITIONS.map(d => [d.name, adapt(s, d, impls[d.name])]));
  return { tools, disposables: TOOL_DEFINITIONS.map(d => vscode.lm.registerTool<Input>(d.name, tools[d.name])) };
}

function adapt(s: ToolServices, definition: ToolDefinition, impl: ToolImpl): vscode.LanguageModelTool<Input> {
  // VS Code asks for the confirmation (prepareInvocation) before every invoke. A write runs only
  // after one, and only on the tenant that confirmation named: switching tenants in between, or
  // a call that skipped it, changes nothing.
  const confirmedFor: (string | undefined)[] = [];
  return {
    prepareInvocation: async (options, token) => {
      if (!toolsEnabled()) {
        return { invocationMessage: 'Security Posture tools are turned off' };
      }
      const problem = inputProblem(definition.inputSchema, options.input);
      if (definition.writes) {
        // Every call of a write tool is confirmed, even one that will be refused.
        const refused = (why: string): Prepared => ({ confirmation: { title: `${definition.displayName}: nothing will be changed`, message: markdown(`Nothing will be sent: ${markdownText(why, 400)}`) } });
        const prepared = problem ? refused(`the request is not valid: ${problem}`)
          : await withSignal(token, signal => impl.prepare!(options.input, signal)).catch(error => {
            if (isCancellation(error)) {
              throw new vscode.CancellationError();
            }
            return refused(errorFromException(error).message);
          });
        confirmedFor.push(s.store.currentTenantKey);
        confirmedFor.splice(0, Math.max(0, confirmedFor.length - 10));
        return { invocationMessage: prepared.invocationMessage ?? definition.displayName, confirmationMessages: prepared.confirmation };
      }
      return { invocationMessage: `${definition.displayName}…` };
    },
    invoke: async (options, token) => {
      const nonce = randomBytes(6).toString('hex');
      if (!toolsEnabled()) {
        return textResult(DISABLED);
      }
      if (definition.writes) {
        const confirmed = confirmedFor.indexOf(s.store.currentTenantKey);
        if (confirmed < 0 || !s.store.currentTenantKey) {
          return textResult(`Security Posture — ${definition.displayName}\nNothing was changed: ${confirmedFor.length ? 'the tenant changed after the user was asked to confirm' : 'the user was not asked to confirm this change'}. Call the tool again so VS Code asks the user.`);
        }
        confirmedFor.splice(confirmed, 1);
      }
      const problem = inputProblem(definition.inputSchema, options.input);
      if (problem) {
        return textResult(`Security Posture — ${definition.displayName}\nThe input is not valid, so nothing was read or changed: ${problem}`);
      }
      try {
        return textResult(renderAnswer(await withSignal(token, signal => impl.run(options.input, signal)), nonce));
      } catch (raw) {
        if (isCancellation(raw) || token.isCancellationRequested) {
          throw new vscode.CancellationError();
        }
        const error = errorFromException(raw);
        s.log.warn(`Language model tool ${definition.name}: ${error.logText}`);
        return textResult(`Security Posture — ${definition.displayName}\nIt failed: ${cleanText(error.message, 600)}${definition.writes ? ' No per-item report was made; the Security Posture views show what the tenant has now.' : ''}`);
      }
    },
  };
}

function textResult(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}

function markdown(text: string): vscode.MarkdownString {
  // Untrusted: no command links, no HTML, no theme icons; Graph text in it is escaped besides.
  const md = new vscode.MarkdownString(text, false);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

async function withSignal<T>(token: vscode.CancellationToken, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const listener = token.onCancellationRequested(() => controller.abort());
  try {
    return await run(controller.signal);
  } finally {
    listener.dispose();
  }
}

// ---- Reading what the store has ---------------------------------------------------------------------

/** The tenant the tools act on: the current one, the same the views show. */
function tenantOf(s: ToolServices): Tenant | undefined {
  const tenant = s.connection.tenant;
  if (!tenant) {
    return undefined;
  }
  const state = s.connection.state;
  if (tenant.sample && state.kind === 'sample') {
    return { name: state.dataset.displayName, id: state.dataset.tenantId, sample: true };
  }
  const latest = sortSnapshots(s.store.get('scores').data ?? [])[0];
  const configured = tenant.tenantId && !/^(organizations|common|consumers)$/i.test(tenant.tenantId) ? tenant.tenantId : undefined;
  return { name: tenant.displayName, id: latest?.azureTenantId || configured, sample: tenant.sample };
}

/** Waits for the first refresh, or one under way that has nothing yet, then says where the data stands. */
async function sections(s: ToolServices, ids: SectionId[], signal: AbortSignal): Promise<Source & { reason?: string }> {
  await s.ready();
  const loading = () => ids.some(id => s.store.get(id).status === 'loading' && s.store.get(id).data === undefined);
  if (loading()) {
    await new Promise<void>(resolve => {
      const done = () => {
        clearTimeout(timer);
        listener.dispose();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const listener = s.store.onDidChange(() => !loading() && done());
      const timer = setTimeout(done, WAIT_FOR_DATA_MS);
      signal.addEventListener('abort', done, { once: true });
    });
  }
  if (signal.aborted) {
    throw new PostureError('canceled', 'Canceled.');
  }
  const parts = ids.map(id => s.store.get(id));
  const times = parts.map(p => p.asOf).filter((t): t is string => !!t).sort();
  const failed = parts.find(p => p.error && p.data === undefined)?.error;
  const reason = !s.store.connected ? 'not connected: sign in to Microsoft, or explore the sample tenant, in the Security Posture views' : failed ? cleanText(failed.message, 400) ?? undefined : undefined;
  return { tenant: tenantOf(s), asOf: times[0], stale: parts.some(p => p.stale), reason };
}

function notReady(source: Source & { reason?: string }, title: string): ToolAnswer | undefined {
  return source.reason ? { title, tenant: source.tenant, asOf: source.asOf, lines: [`No data: ${source.reason}`] } : undefined;
}

function tenantContext(s: ToolServices) {
  const tenant = s.connection.tenant;
  if (!tenant) {
    throw new PostureError('signIn', 'Not connected: sign in to Microsoft, or explore the sample tenant, in the Security Posture views. Nothing was changed.');
  }
  return tenant;
}

// ---- The tools ---------------------------------------------------------------------------------------

function implementations(s: ToolServices): Record<string, ToolImpl> {
  const profiles = () => s.store.get('profiles').data ?? [];
  const scores = () => s.store.get('scores').data ?? [];
  return {
    securityPosture_summary: {
      run: async (input, signal) => {
        const source = await sections(s, ['scores', 'profiles'], signal);
        return notReady(source, 'Posture summary') ?? summaryAnswer(source, scores(), profiles(), input.topActions as number | undefined);
      },
    },
    securityPosture_improvementActions: {
      run: async (input, signal) => {
        const source = await sections(s, ['profiles', 'scores'], signal);
        return notReady(source, 'Improvement actions') ?? actionsAnswer(source, scores(), profiles(), input as ActionsFilter);
      },
    },
    securityPosture_queryAlerts: {
      run: async (input, signal) => {
        const text = String(input.query ?? '').trim();
        await s.ready();
        const source: Source = { tenant: tenantOf(s) };
        let query;
        try {
          query = parseAlertQuery(text, { now: new Date(), me: s.connection.userPrincipalName });
        } catch (error) {
          if (error instanceof QuerySyntaxError) {
            return { ...source, title: 'Query alerts', lines: [`The query is not valid, so nothing was read: ${error.message} The bad part is marked: ${JSON.stringify(markError(text, error.span))}`] };
          }
          throw error;
        }
        const scan = await scanAlerts(tenantContext(s).security, query, () => new Date(), signal);
        return alertsAnswer({ ...source, asOf: scan.asOf }, query, scan, input.limit as number | undefined);
      },
    },
    securityPosture_explainScoreChange: {
      run: async (input, signal) => {
        const source = await sections(s, ['scores', 'profiles'], signal);
        await s.history.settled();
        // The stored history and whatever the store fetched since it was last written.
        let history = mergeSnapshots(s.history.current(), scores()).history;
        const partner = s.store.get('partner').data;
        if (partner?.history.length) {
          history = mergePartnerHistory(history, partner.history).history;
        }
        return notReady(source, 'What changed between two days') ?? changeAnswer(source, history, profiles(), input.from as string | undefined, input.to as string | undefined);
      },
    },
    securityPosture_projectActions: {
      run: async (input, signal) => {
        const source = await sections(s, ['scores', 'profiles'], signal);
        const ids = input.actionIds as string[] | undefined;
        const fromPlan = ids === undefined;
        return notReady(source, 'What-if projection') ?? projectionAnswer(source, scores(), profiles(), ids ?? s.plan.get(s.store.currentTenantKey), fromPlan);
      },
    },
    securityPosture_customersAtRisk: {
      run: async (input, signal) => {
        const source = await sections(s, ['customers', 'partnerAlerts'], signal);
        return notReady(source, 'Customers at risk') ?? customersAnswer(source, {
          insights: s.store.get('customers').data ?? [],
          names: s.connection.customerNames,
          partnerAlerts: s.store.get('partnerAlerts').data ?? [],
          portfolio: s.portfolio.customers.flatMap(r => (r.posture
            ? [{ tenantId: r.customer.tenantId, name: r.customer.name, percent: r.posture.percent, change7: r.posture.change7, openAlerts: r.posture.openAlerts }] : [])),
        }, input.onlyAtRisk !== false, input.limit as number | undefined);
      },
    },
    securityPosture_setImprovementActionState: {
      prepare: async (input, signal) => {
        const source = await sections(s, ['profiles'], signal);
        const change = controlChange(input);
        const preview = controlChangePreview(profiles(), input.actionIds as string[], change);
        return confirmation(source, preview, 'improvement action',
          `set the state to **${markdownText(controlStateName(change.state))}**`
          + `${change.comment ? ` with the comment "${markdownText(change.comment, 300)}"` : ''}${change.assignedTo ? `, assigned to ${markdownText(change.assignedTo)}` : ''}`,
          'PATCH /security/secureScoreControlProfiles/{id}');
      },
      run: async (input, signal) => {
        const source = await sections(s, ['profiles'], signal);
        const change = controlChange(input);
        const ids = input.actionIds as string[];
        const preview = controlChangePreview(profiles(), ids, change);
        const title = 'Set improvement action state';
        if (preview.problem) {
          return { ...source, title, lines: [`Nothing was changed: ${preview.problem}`] };
        }
        // In the order asked for, so the report reads like the confirmation.
        const byId = new Map(profiles().map(p => [p.id, p]));
        const targets = [...new Set(ids)].flatMap(id => byId.get(id) ?? []);
        const results = await writeControls(s, targets, change, signal);
        return writeReport({ ...source, asOf: new Date().toISOString(), stale: false }, title, results, preview.unknown.map(id => ({ id, reason: 'Not an improvement action of this tenant.' })));
      },
    },
    securityPosture_triageAlerts: {
      prepare: async (input, signal) => {
        const source: Source = { tenant: tenantOf(s) };
        await s.ready();
        const ids = input.alertIds as string[];
        const change = alertChange(s, input);
        const preview = alertChangePreview(await findAlerts(s, ids, signal), ids, change);
        return confirmation(source, preview, 'alert', `change ${markdownText(describeAlertChange(change), 200)}`, 'PATCH /security/alerts_v2/{id}, POST …/comments');
      },
      run: async (input, signal) => {
        await s.ready();
        const source: Source = { tenant: tenantOf(s) };
        const ids = input.alertIds as string[];
        const change = alertChange(s, input);
        const preview = alertChangePreview(await findAlerts(s, ids, signal), ids, change);
        const title = 'Triage alerts';
        if (preview.problem) {
          return { ...source, title, lines: [`Nothing was changed: ${preview.problem}`] };
        }
        const results = await writeAlerts(s, preview.previews, signal);
        return writeReport({ ...source, asOf: new Date().toISOString() }, title, results, preview.unknown.map(id => ({ id, reason: 'No alert with this id was found.' })));
      },
    },
  };
}

function controlChange(input: Input): ControlStateChange {
  return { state: input.state as ControlStateValue, comment: input.comment as string | undefined, assignedTo: input.assignedTo as string | undefined };
}

function alertChange(s: ToolServices, input: Input): AlertChange {
  const assignedTo = typeof input.assignedTo === 'string' && input.assignedTo.trim().toLowerCase() === 'me' ? s.connection.userPrincipalName ?? input.assignedTo : input.assignedTo;
  const change: AlertChange = {};
  for (const [key, value] of Object.entries({ status: input.status, classification: input.classification, determination: input.determination, assignedTo, comment: input.comment })) {
    if (typeof value === 'string') {
      change[key as keyof AlertChange] = key === 'assignedTo' || key === 'comment' ? value.trim() : value;
    }
  }
  return change;
}

/** The alerts as loaded in the Alerts view, and the rest read from Graph (a GET: no side effect). */
async function findAlerts(s: ToolServices, ids: string[], signal: AbortSignal): Promise<SecurityAlert[]> {
  const loaded = new Map((s.store.get('alerts').data?.groups ?? []).flatMap(g => g.items).map(a => [a.id, a]));
  const missing = [...new Set(ids)].filter(id => !loaded.has(id));
  const read = missing.length ? await tenantContext(s).writes.readAlerts(missing, signal) : new Map<string, SecurityAlert>();
  return [...new Set(ids)].map(id => loaded.get(id) ?? read.get(id)).filter((a): a is SecurityAlert => !!a);
}

/** The confirmation VS Code shows: the tenant, every item with its change from → to, and what is refused. */
function confirmation(source: Source, preview: WritePreview, noun: string, what: string, request: string): Prepared {
  const tenant = source.tenant ? `${markdownText(source.tenant.name)}${source.tenant.sample ? ' (sample tenant)' : ''}${source.tenant.id ? ` — tenant id ${markdownText(source.tenant.id, 64)}` : ''}` : 'no tenant (not connected)';
  const tenantTitle = source.tenant ? `${cleanText(source.tenant.name, 60)}${source.tenant.sample ? ' (sample tenant)' : ''}` : 'no tenant';
  const lines = [`**Tenant:** ${tenant}`, ''];
  if (preview.problem) {
    lines.push(`Nothing will be changed: ${markdownText(preview.problem, 400)}`);
  } else {
    lines.push(`A language model asks to ${what} for ${preview.writes} ${noun}${preview.writes === 1 ? '' : 's'}:`, '');
  }
  for (const item of preview.items) {
    lines.push(`- ${markdownText(item.title, 120)} (id ${markdownText(item.id, 80)}): ${markdownText(item.change, 400)}`);
  }
  for (const id of preview.unknown.slice(0, 50)) {
    lines.push(`- id ${markdownText(id, 80)}: not found, will be skipped`);
  }
  if (!preview.problem) {
    lines.push('', `Sent to Microsoft Graph (${markdownText(request)}) in batches of at most 20. Check that you asked for this: titles and comments in tenant data can carry instructions meant for the model.`);
  }
  return {
    invocationMessage: `Changing ${preview.writes} ${noun}${preview.writes === 1 ? '' : 's'}`,
    confirmation: {
      title: preview.problem ? `Nothing will be changed in ${tenantTitle}` : `Change ${preview.writes} ${noun}${preview.writes === 1 ? '' : 's'} in ${tenantTitle}?`,
      message: markdown(lines.join('\n')),
    },
  };
}

// ---- Writes: the commands' write flow ------------------------------------------------------------
// Write access asked for at first use, rows marked while in flight, batches, the store updated from
// Graph's answers, control changes marked awaiting Microsoft's sync: model/writeFlow.ts.

function writeControls(s: ToolServices, profiles: SecureScoreControlProfile[], change: ControlStateChange, signal: AbortSignal): Promise<ItemResult<SecureScoreControlProfile>[]> {
  return setControlStates(writeTarget(s), profiles, change, signal);
}

function writeAlerts(s: ToolServices, previews: AlertPreview[], signal: AbortSignal): Promise<ItemResult<SecurityAlert>[]> {
  return updateAlerts(writeTarget(s), previews, signal);
}
