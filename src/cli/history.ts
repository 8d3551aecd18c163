// `security-posture history export|import`: Secure Score history beyond Graph's 90 days, kept in
// a file a pipeline commits or stores as an artifact. The file is the extension's export format
// (security-posture-history v1), one day to a line so a nightly run adds one line to the diff.
import { promises as fs } from 'fs';
import * as path from 'path';
import { errorFromException } from '../graph/errors';
import {
  emptyHistory, historySpan, HistoryFormatError, mergeHistories, mergePartnerHistory, mergeSnapshots, parseHistory, type ScoreHistory,
} from '../model/history';
import type { CommandContext } from './commands';
import { CliError } from './output';
import { openTenant } from './tenant';

/** Reads a history file; a missing one is undefined when `optional`. */
async function readHistory(file: string, optional: boolean): Promise<ScoreHistory | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new CliError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  try {
    return parseHistory(JSON.parse(text));
  } catch (error) {
    const reason = error instanceof HistoryFormatError ? error.message : 'it is not JSON.';
    throw new CliError(`${file} is not a usable history file: ${reason.replace(/^Not a Security Posture history file: /, '')}`);
  }
}

/** JSON with each control, day and partner entry on a line of its own. */
export function formatHistory(history: ScoreHistory): string {
  const list = (items: unknown[]) => (items.length === 0 ? '[]' : `[\n${items.map(i => `    ${JSON.stringify(i)}`).join(',\n')}\n  ]`);
  const { controls, days, partner, ...head } = history;
  const fields = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${[...fields, `  "controls": ${list(controls)}`, `  "days": ${list(days)}`, `  "partner": ${list(partner)}`].join(',\n')}\n}\n`;
}

/** Writes next to the target, then renames: a failed run never leaves half a file. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  await fs.writeFile(temporary, text, 'utf8');
  await fs.rename(temporary, file);
}

function sameTenant(a: ScoreHistory, tenantId: string, what: string): void {
  if (a.tenantId && tenantId && a.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
    throw new CliError(`${what} belongs to tenant ${a.tenantId}, not to ${tenantId}; nothing was written.`);
  }
}

function describe(history: ScoreHistory, added: number): string {
  const span = historySpan(history);
  return `${span.days} days${span.first ? ` (${span.first} to ${span.last})` : ''}, ${added} new`;
}

async function emit(ctx: CommandContext, history: ScoreHistory, added: number): Promise<void> {
  const out = ctx.values.out as string | undefined;
  if (out) {
    await writeAtomically(out, formatHistory(history));
    ctx.out.progress(`Wrote ${out}: ${describe(history, added)}.`);
  } else {
    ctx.out.result(formatHistory(history));
    ctx.out.progress(`History: ${describe(history, added)}.`);
  }
}

export async function historyExport(ctx: CommandContext): Promise<number> {
  const target = ctx.values.out as string | undefined;
  // Read (and check) the file first: a broken one must fail before any sign-in.
  const stored = target ? await readHistory(target, true) : undefined;
  const tenant = await openTenant(ctx.values, ctx.io, ctx.out);
  ctx.out.progress('Reading the Secure Score history (Graph keeps 90 days) and the partner score history…');
  const scores = await tenant.context.security.secureScores(90);
  let history = stored ?? emptyHistory();
  sameTenant(history, scores.data[0]?.azureTenantId ?? '', target ?? 'The history');
  let added = 0;
  if (tenant.archive) {
    const seeded = mergeSnapshots(history, tenant.archive);
    history = seeded.history;
    added += seeded.added;
  }
  const merged = mergeSnapshots(history, scores.data);
  history = merged.history;
  added += merged.added;
  try {
    const partner = await tenant.context.security.partner();
    history = mergePartnerHistory(history, partner.data.history).history;
  } catch (raw) {
    const error = errorFromException(raw);
    if (error.kind !== 'notPartner' && error.kind !== 'unavailable') {
      ctx.out.warn(`Partner score history left out: ${error.message}`);
    }
  }
  await emit(ctx, history, added);
  return 0;
}

export async function historyImport(ctx: CommandContext): Promise<number> {
  const target = ctx.values.out as string | undefined;
  let history = (target ? await readHistory(target, true) : undefined) ?? emptyHistory();
  const tenant = ctx.values.tenant as string | undefined;
  let added = 0;
  for (const file of ctx.positionals) {
    const incoming = (await readHistory(file, false))!;
    sameTenant(incoming, history.tenantId, file);
    if (tenant && /^[0-9a-f-]{36}$/i.test(tenant)) {
      sameTenant(incoming, tenant, file);
    }
    const merged = mergeHistories(history, incoming);
    history = merged.history;
    added += merged.added;
  }
  await emit(ctx, history, added);
  return 0;
}
