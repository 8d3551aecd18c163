// "Export Portfolio Report": every customer of the partner in one table, as Markdown for people
// and CSV for spreadsheets: score, points, 7- and 30-day change, the all-tenants comparison, open
// high / medium alerts, MFA, the GDAP end date, and the reason for each one that cannot be read.
// Names and reasons come from Graph and customers' directories: escaped in Markdown (mdCell), and
// unable to start a formula in CSV (csvField), like the posture report.
import { dateTime, day, percent, points, signed } from '../format';
import { csvField, mdCell } from '../report';
import type { CustomerResult } from './fetcher';
import { mfaText, sortCustomerResults } from './rows';

export type PortfolioReportFormat = 'markdown' | 'csv';

export interface PortfolioReportInput {
  generatedAt: Date;
  /** The partner tenant, e.g. "Sample tenant" or the account. */
  partnerLabel: string;
  results: CustomerResult[];
  /** Discovery could list the customers only in part (one sentence each). */
  warnings?: string[];
  /** What wrote the report (default: the extension). */
  generator?: string;
}

/** One customer's line, in the report's terms (numbers stay numbers for the CSV). */
export interface PortfolioReportRow {
  name: string;
  tenantId: string;
  scorePercent?: number;
  points?: number;
  maxPoints?: number;
  change7?: number;
  change30?: number;
  allTenantsPercent?: number;
  openHigh?: number;
  openMedium?: number;
  mfa: string;
  gdapEnds?: string;
  /** Day of the newest Secure Score snapshot. */
  asOf?: string;
  readable: boolean;
  /** Why it is not read, or a note beside its numbers (relationship ending, parts not readable). */
  reason?: string;
}

export function portfolioReportRows(results: CustomerResult[]): PortfolioReportRow[] {
  return sortCustomerResults(results, 'worstScore').map(r => {
    const p = r.posture;
    const readable = p?.percent !== undefined;
    const notes = [
      r.reason?.message ?? (readable ? undefined : r.status === 'cached' ? 'Waiting for the tenant to answer.' : 'The tenant has no Secure Score data.'),
      ...(readable ? p!.warnings : []),
    ].filter((n): n is string => !!n);
    return {
      name: r.customer.name || r.customer.tenantId,
      tenantId: r.customer.tenantId,
      scorePercent: readable ? p!.percent : undefined,
      points: readable ? p!.current : undefined,
      maxPoints: readable ? p!.max : undefined,
      change7: readable ? p!.change7 : undefined,
      change30: readable ? p!.change30 : undefined,
      allTenantsPercent: readable ? p!.allTenantsPercent : undefined,
      openHigh: readable ? p!.openAlerts?.high : undefined,
      openMedium: readable ? p!.openAlerts?.medium : undefined,
      mfa: mfaText(r),
      gdapEnds: r.customer.access.endsAt ? day(r.customer.access.endsAt) : undefined,
      asOf: readable && p!.asOf ? day(p!.asOf) : undefined,
      readable,
      reason: notes.length ? notes.join(' ') : undefined,
    };
  });
}

const change = (n: number | undefined) => (n === undefined ? '–' : signed(n));
const count = (n: number | undefined) => (n === undefined ? '–' : String(n));

export function portfolioMarkdown(input: PortfolioReportInput): string {
  const rows = portfolioReportRows(input.results);
  const read = rows.filter(r => r.readable);
  const average = read.length ? read.reduce((sum, r) => sum + r.scorePercent!, 0) / read.length : undefined;
  const withHigh = read.filter(r => (r.openHigh ?? 0) > 0).length;
  const noMfa = rows.filter(r => r.mfa === 'no MFA mechanism').length;
  const lines = [
    '# Customer portfolio report',
    '',
    `**Partner:** ${mdCell(input.partnerLabel)}  `,
    `**Generated:** ${dateTime(input.generatedAt.toISOString())} by ${mdCell(input.generator ?? 'Security Posture for VS Code')}`,
    '',
    rows.length
      ? `${rows.length} customer${rows.length === 1 ? '' : 's'}: ${read.length} with a Secure Score${average !== undefined ? ` (average ${percent(average)})` : ''}, ${rows.length - read.length} not read. `
        + `${withHigh} with open high-severity alerts; ${noMfa} with no MFA mechanism.`
      : '_No customers: no GDAP relationships, contracts or customer insights were found._',
  ];
  for (const warning of input.warnings ?? []) {
    lines.push('', `_${mdCell(`Partly listed: ${warning}`, 500)}_`);
  }
  if (rows.length) {
    const header = ['Customer', 'Tenant id', 'Score', 'Points', '7 days', '30 days', 'All tenants', 'Open high', 'Open medium', 'MFA', 'GDAP ends', 'As of', 'Reason or note'];
    const align = ['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---', '---', '---'];
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    lines.push('', '## Customers', '', line(header), line(align));
    for (const r of rows) {
      lines.push(line([
        mdCell(r.name, 120), mdCell(r.tenantId, 40),
        r.readable ? percent(r.scorePercent) : '–',
        r.readable ? `${points(r.points)} / ${points(r.maxPoints)}` : '–',
        change(r.change7), change(r.change30),
        r.allTenantsPercent === undefined ? '–' : percent(r.allTenantsPercent),
        count(r.openHigh), count(r.openMedium),
        mdCell(r.mfa), r.gdapEnds ?? '–', r.asOf ?? '–', r.reason ? mdCell(r.reason, 400) : '',
      ]));
    }
    lines.push('', 'Score: the newest Secure Score snapshot. Changes: points since the snapshot 7 and 30 days before it. '
      + 'All tenants: Microsoft\'s average Secure Score of all tenants, in percent. Open alerts: new or in progress. MFA: from the partner\'s customer insights.');
  }
  return `${lines.join('\n')}\n`;
}

export function portfolioCsv(input: PortfolioReportInput): string {
  const header = ['customer', 'tenantId', 'scorePercent', 'points', 'maxPoints', 'change7', 'change30', 'allTenantsPercent', 'openHighAlerts', 'openMediumAlerts', 'mfa', 'gdapEnds', 'asOf', 'readable', 'reason'];
  const rows = portfolioReportRows(input.results).map(r => [
    r.name, r.tenantId, r.scorePercent, r.points, r.maxPoints, r.change7, r.change30, r.allTenantsPercent, r.openHigh, r.openMedium, r.mfa, r.gdapEnds, r.asOf, r.readable, r.reason,
  ]);
  return [header, ...rows].map(r => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function buildPortfolioReport(format: PortfolioReportFormat, input: PortfolioReportInput): string {
  return format === 'markdown' ? portfolioMarkdown(input) : portfolioCsv(input);
}
