// "Export Posture Report…": Markdown for people (VS Code's preview, pull requests), CSV for
// spreadsheets and JSON for scripts, all from the store's data. Strings from Graph are hostile:
// in Markdown they are escaped so they cannot break a table, inject HTML, images or links; in CSV
// they cannot start a formula.
import type { PartnerData } from '../graph/security';
import type { CustomerInsight, SecureScore, SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { describeAlertFilter } from './alerts';
import { buildControlRows, type ControlRow } from './controls';
import {
  alertStatusName, complianceName, controlStateName, comparisonName, day, humanize, isNonCompliant, percent, points, requirementName,
  SEVERITY_ORDER, serviceSourceName, severityName, signed,
} from './format';
import { customerRow, sortCustomers, sortRequirements, type CustomerRow } from './partner';
import { num, sortSnapshots, summarizeSecureScore } from './secureScore';
import type { AlertsData } from './store';
import { round2 } from './numbers';

export interface ReportInput {
  generatedAt: Date;
  /** Who the data is of, e.g. "Sample tenant" or the account. */
  tenantLabel: string;
  scores?: SecureScore[];
  profiles?: SecureScoreControlProfile[];
  alerts?: AlertsData;
  partner?: PartnerData;
  customers?: CustomerInsight[];
  customerNames?: Record<string, string>;
  /** Why a section is missing (shown instead of its table). */
  missing?: Partial<Record<'scores' | 'profiles' | 'alerts' | 'partner' | 'customers', string>>;
}

export type ReportFormat = 'markdown' | 'controlsCsv' | 'alertsCsv' | 'customersCsv' | 'json';

export function buildReport(format: ReportFormat, input: ReportInput): string {
  switch (format) {
    case 'markdown': return markdownReport(input);
    case 'controlsCsv': return controlProfilesCsv(input);
    case 'alertsCsv': return alertsCsv(input);
    case 'customersCsv': return customersCsv(input);
    case 'json': return jsonReport(input);
  }
}

// ---- Markdown -----------------------------------------------------------------------------

const MD_SPECIAL = /[\\`*_{}[\]()#+!|~]/g;

/**
 * A Graph string as the text of a Markdown table cell: one line, no HTML (`<` `>` `&` as
 * entities), Markdown punctuation escaped (no links, images, emphasis or code), pipes escaped
 * (no extra columns), and domains and URLs broken up so no renderer turns them into links.
 */
export function mdCell(value: unknown, max = 200): string {
  const text = String(value ?? '')
    .replace(/[\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF\u0000-\u001F\u007F\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const bounded = text.length > max ? `${text.slice(0, max)}…` : text;
  return bounded
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(MD_SPECIAL, '\\$&')
    // `www.x.com`, `x.com`, `user@x.com`, `https://…`: an escaped dot or colon is not a link to any renderer.
    .replace(/([A-Za-z0-9-])\.(?=[A-Za-z0-9-])/g, '$1\\.')
    .replace(/:(?=\/\/)/g, '\\:');
}

function table(headers: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = headers.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [line(headers), line(rule), ...rows.map(line)].join('\n');
}

function unavailable(input: ReportInput, section: keyof NonNullable<ReportInput['missing']>, what: string): string {
  return `_${mdCell(`${what} is not available${input.missing?.[section] ? `: ${input.missing[section]}` : '.'}`)}_`;
}

/** One row per week (the latest snapshot and every 7th day before it), newest first. */
export function weeklyTrend(scores: SecureScore[]): { date: string; current: number; max: number; percent: number; change?: number }[] {
  const sorted = sortSnapshots(scores);
  const latest = sorted[0];
  if (!latest) {
    return [];
  }
  const newest = Date.parse(latest.createdDateTime);
  const weekly = sorted.filter(s => Math.round((newest - Date.parse(s.createdDateTime)) / 86_400_000) % 7 === 0);
  return weekly.map((s, i) => {
    const current = num(s.currentScore);
    const max = num(s.maxScore);
    const older = weekly[i + 1];
    return { date: day(s.createdDateTime), current, max, percent: max > 0 ? (current / max) * 100 : 0, change: older ? current - num(older.currentScore) : undefined };
  });
}

/** Improvement actions still to address, by points they would add. */
export function topActions(profiles: SecureScoreControlProfile[], scores: SecureScore[], limit = 10): (ControlRow & { available: number })[] {
  const latest = sortSnapshots(scores)[0];
  return buildControlRows(profiles, latest)
    .filter(r => !r.deprecated && r.state === 'Default')
    .map(r => ({ ...r, available: round2(r.max - (r.earned ?? 0)) }))
    .filter(r => r.available > 0)
    .sort((a, b) => b.available - a.available || a.rank - b.rank || a.title.localeCompare(b.title))
    .slice(0, limit);
}

export interface SeverityCounts {
  severity: string;
  new: number;
  inProgress: number;
  open: number;
}

/** Open (new or in progress) alerts per severity among those loaded. */
export function openAlertsBySeverity(alerts: AlertsData): SeverityCounts[] {
  const all = alerts.groups.flatMap(g => g.items);
  const severities = [...SEVERITY_ORDER, ...new Set(all.map(a => a.severity).filter(s => !(SEVERITY_ORDER as readonly string[]).includes(s)))];
  return severities.map(severity => {
    const mine = all.filter(a => a.severity === severity);
    const counts = { new: mine.filter(a => a.status === 'new').length, inProgress: mine.filter(a => a.status === 'inProgress').length };
    return { severity, ...counts, open: counts.new + counts.inProgress };
  }).filter(c => c.open > 0 || (SEVERITY_ORDER as readonly string[]).slice(0, 4).includes(c.severity));
}

function customersWithoutMfa(input: ReportInput): CustomerRow[] {
  return sortCustomers((input.customers ?? []).map(c => customerRow(c, input.customerNames))).filter(c => c.atRisk);
}

export function markdownReport(input: ReportInput): string {
  const out: string[] = [];
  const generated = input.generatedAt.toISOString().replace('T', ' ').slice(0, 16);
  out.push(`# Security posture report: ${mdCell(input.tenantLabel)}`, '', `Generated ${generated} UTC by the Security Posture extension for VS Code.`, '');

  out.push('## Microsoft Secure Score', '');
  const summary = input.scores && summarizeSecureScore(input.scores, input.profiles ?? []);
  if (!summary) {
    out.push(input.scores ? '_No Secure Score snapshot yet._' : unavailable(input, 'scores', 'Secure Score'), '');
  } else {
    out.push(table(['Measure', 'Value'], [
      ['Score', `${points(summary.current)} of ${points(summary.max)} points (${percent(summary.percent)})`],
      ['Snapshot', day(summary.date)],
      ['Change since previous day', summary.deltaPoints === undefined ? '–' : `${signed(summary.deltaPoints)} points (${signed(summary.deltaPercent ?? 0, '%')})`],
      ...summary.comparisons.map(c => [`Average of ${mdCell(comparisonName(c.basis).toLowerCase())}${c.detail ? ` (${mdCell(c.detail)})` : ''}`, `${percent(c.averagePercent)} (you ${signed(c.difference, ' pts')})`]),
      ['Active users', `${summary.activeUserCount} of ${summary.licensedUserCount} licensed`],
    ]), '');
    out.push('### Trend (weekly)', '');
    out.push(table(['Date', 'Points', 'Max', 'Percent', 'Change'], weeklyTrend(input.scores!).map(t => [
      t.date, points(t.current), points(t.max), percent(t.percent), t.change === undefined ? '–' : signed(t.change),
    ]), ['l', 'r', 'r', 'r', 'r']), '');
    out.push('### By category', '');
    out.push(table(['Category', 'Points', 'Max', 'Percent'], summary.categories.map(c => [mdCell(c.category), points(c.score), points(c.max), percent(c.percent)]), ['l', 'r', 'r', 'r']), '');
  }

  out.push('## Top improvement actions by points available', '');
  if (!input.profiles) {
    out.push(unavailable(input, 'profiles', 'Improvement actions'), '');
  } else {
    const top = topActions(input.profiles, input.scores ?? []);
    out.push(top.length === 0 ? '_Nothing left to address._' : table(
      ['#', 'Improvement action', 'Category', 'Points available', 'Earned', 'User impact', 'Cost'],
      top.map((r, i) => [String(i + 1), mdCell(r.title), mdCell(r.category), points(r.available), `${r.earned === undefined ? '–' : points(r.earned)} / ${points(r.max)}`, mdCell(r.userImpact), mdCell(r.implementationCost)]),
      ['r', 'l', 'l', 'r', 'r', 'l', 'l'],
    ), '');
  }

  out.push('## Open alerts by severity', '');
  if (!input.alerts) {
    out.push(unavailable(input, 'alerts', 'Alerts'), '');
  } else {
    const counts = openAlertsBySeverity(input.alerts);
    out.push(`Alerts loaded in the Alerts view (${mdCell(describeAlertFilter(input.alerts.filter))}).`, '');
    out.push(table(['Severity', 'New', 'In progress', 'Open'], counts.map(c => [mdCell(severityName(c.severity)), String(c.new), String(c.inProgress), String(c.open)]), ['l', 'r', 'r', 'r']), '');
    const notLoaded = input.alerts.groups.reduce((sum, g) => sum + Math.max(0, (g.count ?? g.items.length) - g.items.length), 0);
    if (notLoaded > 0) {
      out.push(`_${notLoaded} more alerts match the filter but were not loaded ("Load more" in the Alerts view)._`, '');
    }
    const high = input.alerts.groups.flatMap(g => g.items).filter(a => a.severity === 'high' && (a.status === 'new' || a.status === 'inProgress')).slice(0, 10);
    if (high.length > 0) {
      out.push('### Newest open high-severity alerts', '');
      out.push(table(['Created', 'Alert', 'Service', 'Status', 'Assigned to'], high.map(a => [
        day(a.createdDateTime), mdCell(a.title), mdCell(serviceSourceName(a.serviceSource)), mdCell(alertStatusName(a.status)), mdCell(a.assignedTo ?? 'nobody'),
      ])), '');
    }
  }

  out.push('## Partner security requirements', '');
  if (!input.partner) {
    out.push(unavailable(input, 'partner', 'The partner security score'), '');
  } else {
    const { score, requirements } = input.partner;
    out.push(`Partner security score: ${points(score.currentScore)} of ${points(score.maxScore)}.`, '');
    out.push(table(['Requirement', 'Compliance', 'Points', 'State'], sortRequirements(requirements).map(r => [
      mdCell(requirementName(r.requirementType)), `${isNonCompliant(r.complianceStatus) ? '⚠ ' : ''}${mdCell(complianceName(r.complianceStatus))}`, `${points(r.score)} / ${points(r.maxScore)}`, mdCell(humanize(r.state)),
    ]), ['l', 'l', 'r', 'l']), '');
  }

  out.push('## Customers without MFA', '');
  if (!input.customers) {
    out.push(unavailable(input, 'customers', 'Customer insights'), '');
  } else {
    const atRisk = customersWithoutMfa(input);
    out.push(`${atRisk.length} of ${input.customers.length} customers have no MFA mechanism enabled (no security defaults, no Conditional Access MFA, no per-user MFA).`, '');
    if (atRisk.length > 0) {
      out.push(table(['Customer', 'Tenant id', 'Admins with MFA', 'Users with MFA'], atRisk.map(c => [
        mdCell(c.name ?? '–'), mdCell(c.tenantId), String(c.adminsWithMfa), `${c.nonAdminsWithMfa} of ${c.totalUsers}`,
      ]), ['l', 'l', 'r', 'r']), '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

// ---- CSV ----------------------------------------------------------------------------------

/**
 * RFC 4180 field; a text field that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab,
 * CR) gets a leading apostrophe. Numbers are written as they are.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(headers: string[], rows: unknown[][]): string {
  return [headers, ...rows].map(r => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function controlProfilesCsv(input: ReportInput): string {
  const latest = sortSnapshots(input.scores ?? [])[0];
  const rows = buildControlRows(input.profiles ?? [], latest).sort((a, b) => a.rank - b.rank || a.id.localeCompare(b.id));
  return csv(
    ['id', 'title', 'category', 'service', 'tier', 'actionType', 'rank', 'pointsEarned', 'maxScore', 'pointsAvailable', 'state', 'stateName', 'userImpact', 'implementationCost', 'deprecated', 'updatableThroughGraph', 'threats', 'lastStateChange', 'assignedTo', 'actionUrl'],
    rows.map(r => [
      r.id, r.title, r.category, r.service, r.tier, r.actionType, r.rank === Number.MAX_SAFE_INTEGER ? null : r.rank, r.earned ?? null, r.max,
      round2(r.max - (r.earned ?? 0)), r.state, controlStateName(r.state), r.userImpact, r.implementationCost, r.deprecated, r.updatable,
      (r.profile.threats ?? []).join('; '), r.lastUpdate?.updatedDateTime ?? null, r.lastUpdate?.assignedTo ?? null, r.profile.actionUrl,
    ]),
  );
}

export function alertsCsv(input: ReportInput): string {
  const alerts: SecurityAlert[] = (input.alerts?.groups ?? []).flatMap(g => g.items);
  return csv(
    ['id', 'createdDateTime', 'lastUpdateDateTime', 'severity', 'status', 'title', 'serviceSource', 'productName', 'category', 'classification', 'determination', 'assignedTo', 'incidentId', 'mitreTechniques', 'alertWebUrl'],
    alerts.map(a => [
      a.id, a.createdDateTime, a.lastUpdateDateTime, a.severity, a.status, a.title, a.serviceSource, a.productName, a.category, a.classification, a.determination,
      a.assignedTo, a.incidentId, (a.mitreTechniques ?? []).join('; '), a.alertWebUrl,
    ]),
  );
}

export function customersCsv(input: ReportInput): string {
  const rows = sortCustomers((input.customers ?? []).map(c => customerRow(c, input.customerNames)));
  return csv(
    ['tenantId', 'name', 'noMfaMechanism', 'adminsWithMfa', 'nonAdminsWithMfa', 'totalUsers', 'securityDefaults', 'conditionalAccessMfa', 'legacyPerUserMfa', 'noData'],
    rows.map(c => [c.tenantId, c.name ?? null, c.atRisk, c.adminsWithMfa, c.nonAdminsWithMfa, c.totalUsers, c.securityDefaults, c.conditionalAccessMfa, c.legacyPerUserMfa, c.noData]),
  );
}

// ---- JSON ---------------------------------------------------------------------------------

export function jsonReport(input: ReportInput): string {
  const summary = input.scores ? summarizeSecureScore(input.scores, input.profiles ?? []) : undefined;
  const report = {
    $schema: 'security-posture-report/v1',
    generatedAt: input.generatedAt.toISOString(),
    tenant: input.tenantLabel,
    missing: input.missing ?? {},
    secureScore: summary ? { ...summary, trend: weeklyTrend(input.scores!) } : null,
    topImprovementActions: input.profiles ? topActions(input.profiles, input.scores ?? []).map(r => ({ id: r.id, title: r.title, category: r.category, pointsAvailable: r.available, earned: r.earned ?? null, max: r.max })) : null,
    alerts: input.alerts ? {
      filter: input.alerts.filter,
      openBySeverity: openAlertsBySeverity(input.alerts),
      countsBySeverity: Object.fromEntries(input.alerts.groups.map(g => [g.severity, g.count ?? g.items.length])),
      // Evidence and comments are large and not needed for a posture report.
      items: input.alerts.groups.flatMap(g => g.items).map(({ evidence: _e, comments: _c, ...alert }) => alert),
    } : null,
    partner: input.partner ? { score: input.partner.score, requirements: input.partner.requirements, history: input.partner.history } : null,
    customers: input.customers ? sortCustomers(input.customers.map(c => customerRow(c, input.customerNames))) : null,
    controlProfiles: input.profiles ?? null,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
