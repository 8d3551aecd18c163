// `security-posture report`: the posture report the extension exports, on stdout.
import { buildReport, reportInputFromStore, type ReportFormat } from '../model/report';
import type { SectionId } from '../model/store';
import { CliError } from './output';
import type { CommandContext } from './commands';
import { openTenant } from './tenant';

export const REPORT_TABLES = ['controls', 'alerts', 'customers'] as const;
/** Sections a tenant may lack without anything being wrong: not a CSP partner, not in this cloud. */
const EXPECTED_GAPS = new Set(['notPartner', 'unavailable']);

export async function report(ctx: CommandContext): Promise<number> {
  const table = ctx.values.table as string | undefined;
  if (table !== undefined && !(REPORT_TABLES as readonly string[]).includes(table)) {
    throw new CliError(`--table takes ${REPORT_TABLES.join(', ')}.`);
  }
  if (table !== undefined && ctx.format !== 'csv') {
    throw new CliError('--table goes with --format csv.');
  }
  const format: ReportFormat = ctx.format === 'csv' ? `${(table ?? 'controls') as typeof REPORT_TABLES[number]}Csv` : ctx.format === 'json' ? 'json' : 'markdown';
  const tenant = await openTenant(ctx.values, ctx.io, ctx.out);
  const store = tenant.context.store;
  ctx.out.progress('Reading Secure Score, improvement actions, alerts and partner data…');
  const { input, reasons } = await reportInputFromStore(store, format, {
    tenantLabel: tenant.label, customerNames: tenant.customerNames, generator: 'the security-posture command line',
  });
  if (!input) {
    throw new CliError(`Nothing to report: ${Object.values(reasons)[0] ?? 'no data'}`);
  }
  ctx.out.result(buildReport(format, input));
  const failed = (Object.keys(reasons) as SectionId[]).filter(id => !EXPECTED_GAPS.has(store.get(id).error?.kind ?? ''));
  for (const id of failed) {
    ctx.out.warn(`${id}: ${reasons[id as keyof typeof reasons]}`);
  }
  tenant.context.dispose();
  return failed.length > 0 ? 1 : 0;
}
