// `security-posture check | plan | apply FILE` and `export`: the posture file model run against
// the tenant of this run. One tenant per run: a file for several tenants (a list, or all
// customers of a CSP partner) is checked for the run's tenant, and a pipeline fans out with one
// job per tenant (`--tenant`), as the README's matrix example does.
import { promises as fs } from 'fs';
import { createInterface } from 'readline';
import { errorFromException } from '../graph/errors';
import { mdCell } from '../model/report';
import type { ItemResult } from '../model/updates';
import {
  applyPosturePlan, driftOf, exportPosture, formatPlan, hasErrors, loadTenants, parsePosture, planPosture, ruleQueries, validatePosture,
  type DriftMark, type PostureDoc, type PostureProblem, type PostureTenant, type TenantPlan, type TenantTarget, type UnavailableTenant,
} from '../posture';
import { fetchRuleAlerts } from '../tenant/posture';
import type { CommandContext } from './commands';
import { CliError, terminalBlock, terminalSafe } from './output';
import { openTenant, type CliTenant } from './tenant';

/** Reads and parses the file; a file with errors stops here, before any sign-in. */
async function readPosture(ctx: CommandContext): Promise<PostureDoc> {
  const file = ctx.positionals[0];
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`Cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message}.`);
  }
  const { doc, problems } = parsePosture(text, file);
  report(ctx, file, problems);
  if (!doc || hasErrors(problems)) {
    throw invalid(file, problems);
  }
  return doc;
}

const where = (file: string, p: PostureProblem) => `${file}:${p.line}:${p.column}`;

/** Warnings on stderr; with --verbose every error too (the failure line names the first). */
function report(ctx: CommandContext, file: string, problems: PostureProblem[]): void {
  for (const p of problems) {
    if (p.severity === 'warning' || (p.severity === 'error' && ctx.values.verbose)) {
      ctx.out[p.severity === 'warning' ? 'warn' : 'progress'](`${where(file, p)}: ${terminalSafe(p.message, 400)}`);
    }
  }
}

function invalid(file: string, problems: PostureProblem[]): CliError {
  const errors = problems.filter(p => p.severity === 'error');
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''}; --verbose lists them)` : '';
  return new CliError(first ? `Invalid posture file ${where(file, first)}: ${terminalSafe(first.message, 400)}${more}` : `Invalid posture file ${file}.`);
}

/** Which of the file's tenants this run is: the current one, all customers (this run is one of them), or a named one. */
function isThisRun(target: TenantTarget, tenant: CliTenant, given?: string): boolean {
  if (target.kind !== 'named') {
    return true;
  }
  const name = target.name.toLowerCase();
  return name === (tenant.context.tenantId ?? '').toLowerCase() || (given !== undefined && name === given.toLowerCase());
}

interface Planned {
  doc: PostureDoc;
  tenant: CliTenant;
  plan: ReturnType<typeof planPosture>;
  now: Date;
}

async function planFile(ctx: CommandContext): Promise<Planned> {
  const doc = await readPosture(ctx);
  const now = new Date();
  const tenant = await openTenant(ctx.values, ctx.io, ctx.out);
  const named = doc.tenants.kind === 'list' ? doc.tenants.names.map(n => n.name) : [];
  if (doc.tenants.kind === 'list' && !named.some(name => isThisRun({ kind: 'named', name }, tenant, ctx.values.tenant) || name.toLowerCase() === 'current')) {
    throw new CliError(`${doc.fileName} is not for ${tenant.label}: its tenants are ${named.map(n => terminalSafe(n, 80)).join(', ')}.`);
  }
  if (doc.tenants.kind === 'allCustomers') {
    ctx.out.progress(`${doc.fileName} is for all customers: checking ${tenant.label}, this run's tenant.`);
  }
  ctx.out.progress('Reading improvement actions, Secure Score and the alerts the rules select…');
  let data: PostureTenant;
  try {
    const security = tenant.context.security;
    const queries = ruleQueries(doc, { now, me: tenant.context.user }).map(q => q.query);
    const [profiles, scores, alerts] = await Promise.all([security.controlProfiles(), security.secureScores(7), fetchRuleAlerts(security, queries)]);
    data = { tenantId: tenant.context.tenantId ?? '', name: tenant.label, profiles: profiles.data, scores: scores.data, alerts, me: tenant.context.user };
  } catch (error) {
    throw new CliError(`Reading ${tenant.label} failed: ${errorFromException(error).message}`);
  }
  const problems = validatePosture(doc, { profiles: data.profiles, now, me: data.me });
  report(ctx, doc.fileName, problems);
  if (hasErrors(problems)) {
    throw invalid(doc.fileName, problems);
  }
  // Tenants of the file other than this run's are another job's: not planned here.
  const skipped: string[] = [];
  const tenants = await loadTenants(doc, async (target): Promise<(PostureTenant | UnavailableTenant)[]> => {
    if (isThisRun(target, tenant, ctx.values.tenant)) {
      return [data];
    }
    skipped.push(target.kind === 'named' ? target.name : target.kind);
    return [];
  });
  if (skipped.length > 0) {
    ctx.out.progress(`Not this run's tenant${skipped.length === 1 ? '' : 's'}, left to another run: ${skipped.map(s => terminalSafe(s, 80)).join(', ')}.`);
  }
  return { doc, tenant, plan: planPosture(doc, tenants, now), now };
}

const DRIFTED = new Set(['drift', 'expired', 'cannotChange']);

/** Every entry that is not simply in sync, then the count of those that are. */
function driftText(marks: DriftMark[], doc: PostureDoc, ctx: CommandContext): string {
  const lines = marks.filter(m => m.kind !== 'inSync').map(m => {
    const what = m.target.kind === 'control' ? m.target.id : `rule "${doc.alertRules[m.target.index]?.name ?? m.target.index}"`;
    const sign = DRIFTED.has(m.kind) ? ctx.out.style('red', '~') : ctx.out.style('yellow', '…');
    return `${sign} ${terminalSafe(what, 120)}: ${terminalSafe(m.text, 300)}`;
  });
  const drifted = marks.filter(m => DRIFTED.has(m.kind)).length;
  lines.push(`${marks.filter(m => m.kind === 'inSync').length} of ${marks.length} entries in sync${drifted ? `, ${ctx.out.style('red', `${drifted} drifted`)}` : ''}.`);
  return `${lines.join('\n')}\n`;
}

function driftMarkdown(marks: DriftMark[], doc: PostureDoc, tenant: CliTenant, drifted: DriftMark[]): string {
  const head = drifted.length === 0
    ? `**In sync**: ${tenant.context.tenantId ? `tenant \`${mdCell(tenant.context.tenantId)}\`` : mdCell(tenant.label)} matches all ${marks.length} entries of the file.`
    : `**${drifted.length} of ${marks.length} entries drifted** in ${mdCell(tenant.label)}.`;
  const rows = drifted.map(m => {
    const what = m.target.kind === 'control' ? `\`${mdCell(m.target.id, 120)}\`` : `rule ${mdCell(doc.alertRules[m.target.index]?.name ?? '', 120)}`;
    return `| ${what} | ${mdCell(m.kind)} | ${mdCell(m.text, 300)} |`;
  });
  return [`### Posture check: ${mdCell(doc.fileName.split(/[\\/]/).pop())}`, '', head, '',
    ...(rows.length ? ['| Entry | Kind | Drift |', '|---|---|---|', ...rows, ''] : [])].join('\n');
}

export async function check(ctx: CommandContext): Promise<number> {
  const summary = ctx.values['job-summary'] === true ? ctx.io.env.GITHUB_STEP_SUMMARY : undefined;
  if (ctx.values['job-summary'] === true && !summary) {
    throw new CliError('--job-summary appends to the file GITHUB_STEP_SUMMARY names, and it is not set (GitHub Actions sets it).');
  }
  const { doc, tenant, plan } = await planFile(ctx);
  const marks = driftOf(doc, plan);
  const drifted = marks.filter(m => DRIFTED.has(m.kind));
  const markdown = driftMarkdown(marks, doc, tenant, drifted);
  switch (ctx.format) {
    case 'json': {
      const t = plan.tenants.find((p): p is TenantPlan => p.available);
      ctx.out.result(`${JSON.stringify({
        file: doc.fileName, tenantId: tenant.context.tenantId ?? null, checkedAt: plan.createdAt, inSync: drifted.length === 0,
        counts: t?.counts ?? null,
        entries: marks.map(m => ({ ...m.target, kind: m.kind, text: m.text, line: lineOf(doc, m.range.start) })),
      }, null, 2)}\n`);
      break;
    }
    case 'md':
      ctx.out.result(markdown);
      break;
    default:
      ctx.out.result(driftText(marks, doc, ctx));
  }
  if (summary) {
    await fs.appendFile(summary, `${markdown}\n`);
  }
  tenant.context.dispose();
  return drifted.length === 0 ? 0 : 2;
}

function lineOf(doc: PostureDoc, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < doc.text.length; i++) {
    if (doc.text.charCodeAt(i) === 10) {
      line++;
    }
  }
  return line;
}

export async function plan(ctx: CommandContext): Promise<number> {
  const planned = await planFile(ctx);
  const format = ctx.format === 'md' ? 'markdown' : ctx.format === 'json' ? 'json' : 'text';
  ctx.out.result(format === 'text' ? terminalBlock(formatPlan(planned.plan, format)) : formatPlan(planned.plan, format));
  planned.tenant.context.dispose();
  return 0;
}

/** Asks on the terminal; anything but yes is no. */
async function confirm(ctx: CommandContext, question: string): Promise<boolean> {
  const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stderr });
  try {
    const answer = await new Promise<string>(resolve => {
      rl.question(`${question} [y/N] `, resolve);
      rl.once('close', () => resolve(''));
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function resultsText(results: ItemResult[], ctx: CommandContext): string {
  const mark = { updated: ctx.out.style('green', 'updated  '), unchanged: 'unchanged', failed: ctx.out.style('red', 'failed   ') };
  return results.map(r => `${mark[r.outcome]} ${terminalSafe(r.title, 120)} (${terminalSafe(r.id, 120)})${r.reason ? `: ${terminalSafe(r.reason, 300)}` : ''}`).join('\n');
}

export async function apply(ctx: CommandContext): Promise<number> {
  const planned = await planFile(ctx);
  const { plan: thePlan, tenant, now } = planned;
  if (thePlan.writes === 0) {
    ctx.out.progress('Nothing to do: the tenant already matches the file.');
    ctx.out.result(ctx.format === 'json' ? '{ "writes": 0, "results": [] }\n' : '');
    tenant.context.dispose();
    return 0;
  }
  // The plan goes to stderr so a person (or the job log) sees what is about to change.
  ctx.io.stderr.write(terminalBlock(formatPlan(thePlan, 'text')));
  if (!ctx.values.yes) {
    if (!ctx.io.stdin.isTTY || !ctx.io.stderr.isTTY) {
      throw new CliError(`apply would make ${thePlan.writes} change${thePlan.writes === 1 ? '' : 's'} to ${tenant.label}: pass --yes to confirm (there is no terminal to ask). Nothing was changed.`);
    }
    if (!(await confirm(ctx, `Make these ${thePlan.writes} change${thePlan.writes === 1 ? '' : 's'} to ${tenant.label}?`))) {
      throw new CliError('Not confirmed. Nothing was changed.');
    }
  }
  ctx.out.progress(`Applying ${thePlan.writes} change${thePlan.writes === 1 ? '' : 's'}…`);
  const { context } = tenant;
  // App-only: the app's permissions are what they are; there is no consent to ask for here (a
  // refusal comes back per item as 403 with the permission it needs).
  const target = { writes: context.writes, store: context.store, user: context.user, ensureWriteAccess: async () => undefined, now: () => now };
  const result = await applyPosturePlan(thePlan, () => target);
  const items: ItemResult[] = result.tenants.flatMap(t => [...t.controls, ...t.alerts]);
  const failed = items.filter(r => r.outcome === 'failed');
  switch (ctx.format) {
    case 'json':
      ctx.out.result(`${JSON.stringify({ writes: thePlan.writes, results: items.map(({ updated: _u, ...r }) => r) }, null, 2)}\n`);
      break;
    case 'md':
      ctx.out.result(['| Result | Item | Id | Reason |', '|---|---|---|---|',
        ...items.map(r => `| ${r.outcome} | ${mdCell(r.title)} | \`${mdCell(r.id, 120)}\` | ${mdCell(r.reason ?? '')} |`), ''].join('\n'));
      break;
    default:
      ctx.out.result(resultsText(items, ctx));
  }
  const updated = items.filter(r => r.outcome === 'updated').length;
  ctx.out.progress(`${updated} updated, ${failed.length} failed. State changes reach the Secure Score after Microsoft's sync (24–48 hours).`);
  tenant.context.dispose();
  if (failed.length > 0) {
    throw new CliError(`${failed.length} of ${items.length} change${items.length === 1 ? '' : 's'} failed (see above); run apply again to retry them.`);
  }
  return 0;
}

export async function exportFile(ctx: CommandContext): Promise<number> {
  const tenant = await openTenant(ctx.values, ctx.io, ctx.out);
  const profiles = await tenant.context.security.controlProfiles();
  ctx.out.result(exportPosture(profiles.data, { name: tenant.label, tenantId: tenant.context.tenantId ?? '' }, new Date()));
  tenant.context.dispose();
  return 0;
}
