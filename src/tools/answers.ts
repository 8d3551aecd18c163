// What each language model tool answers, from the store's data and the model's engines (summary,
// what changed, what-if, customers, the write previews and reports). Lines hold only numbers and
// our own words; Graph strings go to `data`, which result.ts renders as an untrusted block.
// No `vscode` import: unit-tested in Node.
import type { CustomerInsight, PartnerSecurityAlert, SecureScore, SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { compareDays, projectScore } from '../model/analytics';
import { buildControlRows, type ControlRow } from '../model/controls';
import { ALERT_STATUS_NAMES, classificationName, COMPARISON_NAMES, CONTROL_STATE_NAMES, controlStateName, normalizeControlState, SEVERITY_NAMES, SEVERITY_ORDER } from '../model/format';
import type { ScoreHistory } from '../model/history';
import { customerRow } from '../model/partner';
import { CATEGORIES, sortSnapshots, summarizeSecureScore } from '../model/secureScore';
import {
  alertChangeProblem, assigneeProblem, commentProblem, CONTROL_STATES, controlRefusal, currentControlState, DETERMINATION_NAMES, previewAlertChanges,
  type AlertChange, type AlertPreview, type ControlStateChange, type ItemResult,
} from '../model/updates';
import type { AlertQuery } from '../model/alertQuery';
import type { CustomerPosture } from '../model/portfolio/posture';
import type { AlertScan } from './alertScan';
import { cleanText, countsText, type Tenant, type ToolAnswer } from './result';

const round2 = (n: number) => Math.round(n * 100) / 100;
const signed = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(round2(n))}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Where the data came from, for the answer's heading. */
export interface Source {
  tenant?: Tenant;
  asOf?: string;
  stale?: boolean;
}

function answer(source: Source, title: string, lines: string[], data?: unknown): ToolAnswer {
  return { title, tenant: source.tenant, asOf: source.asOf, stale: source.stale, lines, data };
}

/** Said instead of an answer when a section has no data yet. */
export function notLoaded(source: Source, title: string, what: string, reason?: string): ToolAnswer {
  return answer(source, title, [`No ${what} is loaded${reason ? `: ${reason}` : '.'}`]);
}

function actionItem(row: ControlRow & { available: number }) {
  return {
    id: cleanText(row.id, 120), title: cleanText(row.title), category: cleanText(row.category, 60), state: row.state in CONTROL_STATE_NAMES ? controlStateName(row.state) : cleanText(row.state, 60),
    pointsEarned: row.earned === undefined ? null : round2(row.earned), maxPoints: round2(row.max), pointsAvailable: row.available,
    userImpact: cleanText(row.userImpact, 40), implementationCost: cleanText(row.implementationCost, 40), tier: cleanText(row.tier, 40),
    updatable: row.updatable, deprecated: row.deprecated,
  };
}

function withAvailable(rows: ControlRow[]): (ControlRow & { available: number })[] {
  return rows.map(r => ({ ...r, available: r.state === 'Default' ? round2(Math.max(0, r.max - (r.earned ?? 0))) : 0 }));
}

// ---- Posture summary ------------------------------------------------------------------------------

export function summaryAnswer(source: Source, scores: SecureScore[], profiles: SecureScoreControlProfile[], top = 5): ToolAnswer {
  const title = 'Posture summary';
  const summary = summarizeSecureScore(scores, profiles);
  if (!summary) {
    return notLoaded(source, title, 'Secure Score snapshot');
  }
  const lines = [
    `Secure Score: ${round2(summary.current)} of ${round2(summary.max)} points (${summary.percent}%) on ${summary.date.slice(0, 10)}.`,
    summary.deltaPoints === undefined ? 'No earlier snapshot to compare with.'
      : `Change since ${summary.previousDate!.slice(0, 10)}: ${signed(summary.deltaPoints)} points (${signed(summary.deltaPercent ?? 0)} percentage points).`,
    `Snapshots loaded: ${summary.snapshotCount}. Active users: ${summary.activeUserCount}; licensed users: ${summary.licensedUserCount}.`,
  ];
  const compared = summary.comparisons.filter(c => c.basis in COMPARISON_NAMES);
  // An average whose unit is unknown (not a percentage) is given as sent, never compared.
  lines.push(compared.length ? `Compared with: ${compared.map(c => (c.difference === undefined
    ? `${COMPARISON_NAMES[c.basis].toLowerCase()} average ${c.averageScore ?? 'not sent'} (unit unknown, not compared)`
    : `${COMPARISON_NAMES[c.basis].toLowerCase()} average ${c.averagePercent}% (you: ${signed(c.difference)} percentage points, ${c.difference >= 0 ? 'above' : 'below'})`)).join('; ')}.`
    : 'No comparison averages in the latest snapshot.');
  const categories = summary.categories.filter(c => (CATEGORIES as readonly string[]).includes(c.category));
  lines.push(`Points per category: ${categories.map(c => `${c.category} ${c.score} of ${c.max} (${c.percent}%)`).join('; ')}.`);
  const rows = withAvailable(buildControlRows(profiles, sortSnapshots(scores)[0])).filter(r => !r.deprecated);
  const states = Object.fromEntries(Object.keys(CONTROL_STATE_NAMES).map(s => [s, rows.filter(r => r.state === s).length]));
  lines.push(`Improvement actions: ${rows.length} (${countsText(states, Object.keys(CONTROL_STATE_NAMES), Object.fromEntries(Object.entries(CONTROL_STATE_NAMES).map(([k, v]) => [k, v.toLowerCase()])))}).`);
  const open = rows.filter(r => r.available > 0).sort((a, b) => b.available - a.available || a.rank - b.rank);
  const topRows = open.slice(0, Math.max(1, Math.min(20, top)));
  lines.push(`Points available from actions still to address: ${round2(open.reduce((s, r) => s + r.available, 0))} in ${open.length} actions; the top ${topRows.length} by points available are in the data.`);
  return answer(source, title, lines, {
    comparisons: summary.comparisons.map(c => ({ basis: cleanText(c.basis, 40), averagePercent: c.averagePercent, differencePercentagePoints: c.difference, detail: cleanText(c.detail, 80) })),
    categories: summary.categories.map(c => ({ category: cleanText(c.category, 60), points: c.score, maxPoints: c.max, percent: c.percent })),
    topActionsByPointsAvailable: topRows.map(actionItem),
  });
}

// ---- Improvement actions --------------------------------------------------------------------------

export interface ActionsFilter {
  category?: string;
  state?: string;
  minPointsAvailable?: number;
  userImpact?: string[];
  implementationCost?: string[];
  text?: string;
  includeDeprecated?: boolean;
  sortBy?: 'pointsAvailable' | 'rank' | 'cost';
  limit?: number;
}

const COST_ORDER = ['Low', 'Moderate', 'High'];

export function actionsAnswer(source: Source, scores: SecureScore[], profiles: SecureScoreControlProfile[], filter: ActionsFilter): ToolAnswer {
  const title = 'Improvement actions';
  if (profiles.length === 0) {
    return notLoaded(source, title, 'improvement action');
  }
  const lower = (s: string) => s.toLowerCase();
  const state = filter.state ? normalizeControlState(filter.state) : undefined;
  const text = filter.text?.trim().toLowerCase();
  const all = withAvailable(buildControlRows(profiles, sortSnapshots(scores)[0]));
  const rows = all.filter(r => (filter.includeDeprecated || !r.deprecated)
    && (!filter.category || lower(r.category) === lower(filter.category))
    && (!state || r.state === state)
    && (filter.minPointsAvailable === undefined || r.available >= filter.minPointsAvailable)
    && (!filter.userImpact?.length || filter.userImpact.some(v => lower(v) === lower(r.userImpact)))
    && (!filter.implementationCost?.length || filter.implementationCost.some(v => lower(v) === lower(r.implementationCost)))
    && (!text || lower(r.title).includes(text) || lower(r.id).includes(text)));
  const costRank = (r: ControlRow) => (COST_ORDER.includes(r.implementationCost) ? COST_ORDER.indexOf(r.implementationCost) : COST_ORDER.length);
  const sortBy = filter.sortBy ?? 'pointsAvailable';
  rows.sort((a, b) => (sortBy === 'rank' ? a.rank - b.rank
    : sortBy === 'cost' ? costRank(a) - costRank(b) || b.available - a.available
      : b.available - a.available) || a.rank - b.rank || a.title.localeCompare(b.title));
  const limit = Math.max(1, Math.min(50, filter.limit ?? 10));
  const shown = rows.slice(0, limit);
  const conditions = [
    filter.category && `category ${JSON.stringify(filter.category)}`,
    state && `state ${state in CONTROL_STATE_NAMES ? controlStateName(state) : JSON.stringify(state)}`,
    filter.minPointsAvailable !== undefined && `at least ${filter.minPointsAvailable} points available`,
    filter.userImpact?.length && `user impact ${filter.userImpact.map(v => JSON.stringify(v)).join(' or ')}`,
    filter.implementationCost?.length && `cost ${filter.implementationCost.map(v => JSON.stringify(v)).join(' or ')}`,
    text && `text ${JSON.stringify(filter.text)}`,
    !filter.includeDeprecated && 'deprecated ones left out',
  ].filter(Boolean);
  return answer(source, title, [
    `${rows.length} of ${all.length} improvement actions match${conditions.length ? ` (${conditions.join('; ')})` : ''}; ${shown.length} shown, sorted by ${sortBy === 'rank' ? "Microsoft's rank" : sortBy === 'cost' ? 'implementation cost, then points available' : 'points available'}.`,
    `Points available in the matches: ${round2(rows.reduce((s, r) => s + r.available, 0))} (only actions still to address count; risk accepted and resolved ones have none).`,
    `Actions Graph cannot change (Defender for Endpoint, scid_…): ${rows.filter(r => !r.updatable).length} of the matches.`,
  ], { actions: shown.map(actionItem) });
}

// ---- Alerts ---------------------------------------------------------------------------------------

export function alertItem(alert: SecurityAlert) {
  return {
    id: cleanText(alert.id, 120), title: cleanText(alert.title), severity: cleanText(alert.severity, 40), status: cleanText(alert.status, 40),
    createdDateTime: cleanText(alert.createdDateTime, 40), serviceSource: cleanText(alert.serviceSource, 60), category: cleanText(alert.category, 80),
    assignedTo: cleanText(alert.assignedTo, 120), classification: cleanText(alert.classification, 60), determination: cleanText(alert.determination, 60),
    incidentId: cleanText(alert.incidentId, 60), mitreTechniques: (alert.mitreTechniques ?? []).slice(0, 5).map(t => cleanText(t, 40)),
  };
}

const SEVERITY_RANK = (s: string) => {
  const i = (SEVERITY_ORDER as readonly string[]).indexOf(s);
  return i < 0 ? SEVERITY_ORDER.length : i;
};

export function alertsAnswer(source: Source, query: AlertQuery, scan: AlertScan, limit = 10): ToolAnswer {
  const matched = scan.matched;
  const count = (key: (a: SecurityAlert) => string) => matched.reduce<Record<string, number>>((acc, a) => {
    const k = key(a);
    acc[k] = (acc[k] ?? 0) + 1;
    return acc;
  }, {});
  const exact = query.local.length === 0 && scan.serverCount !== undefined;
  const total = exact ? scan.serverCount! : matched.length;
  const lines = [
    `Query: ${JSON.stringify(query.text)}. Graph filtered ${query.odata ? 'with $filter' : 'nothing (every alert)'}; filtered here: ${query.local.length ? query.local.length : 'nothing'}.`,
    exact ? `${total} alerts match (Graph's exact count); ${matched.length} read.`
      : `${matched.length} alerts match among ${scan.scanned} read${scan.complete ? ' (all there are)' : ` (Graph has ${scan.serverCount ?? 'more'} for the $filter part; reading stopped at ${scan.scanned}, so this is a lower bound)`}.`,
    `Of those read: by severity ${countsText(count(a => a.severity), SEVERITY_ORDER, SEVERITY_NAMES)}; by status ${countsText(count(a => a.status), ['new', 'inProgress', 'resolved'], ALERT_STATUS_NAMES)}; ${matched.filter(a => !a.assignedTo).length} unassigned.`,
  ];
  const top = [...matched].sort((a, b) => SEVERITY_RANK(a.severity) - SEVERITY_RANK(b.severity) || Date.parse(b.createdDateTime) - Date.parse(a.createdDateTime))
    .slice(0, Math.max(1, Math.min(25, limit)));
  lines.push(`The ${top.length} shown are the most severe, newest first.`);
  return answer(source, 'Query alerts', lines, { alerts: top.map(alertItem) });
}

// ---- What changed between two days ---------------------------------------------------------------

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function changeAnswer(source: Source, history: ScoreHistory, profiles: SecureScoreControlProfile[], from?: string, to?: string, limit = 8): ToolAnswer {
  const title = 'What changed between two days';
  const dates = history.days.map(d => d.date);
  if (dates.length < 2) {
    return answer(source, title, ['Fewer than two days of Secure Score are stored: nothing to compare yet.']);
  }
  for (const day of [from, to]) {
    if (day !== undefined && !DAY.test(day)) {
      return answer(source, title, [`${JSON.stringify(day)} is not a day: write YYYY-MM-DD. Stored days run from ${dates[0]} to ${dates[dates.length - 1]}.`]);
    }
  }
  const end = to ?? dates[dates.length - 1];
  const start = from ?? dates[Math.max(0, dates.indexOf(end) - 1)];
  const missing = [start, end].filter(d => !dates.includes(d));
  if (missing.length) {
    return answer(source, title, [`No snapshot is stored for ${missing.join(' and ')}. Stored days run from ${dates[0]} to ${dates[dates.length - 1]} (${dates.length} days).`]);
  }
  if (start === end) {
    return answer(source, title, ['The two days are the same day: pick two different days.']);
  }
  const c = compareDays(history, start, end, profiles)!;
  const lines = [
    `From ${c.from} to ${c.to}: ${round2(c.before.current)} → ${round2(c.after.current)} points (${signed(c.delta)}); maximum ${round2(c.before.max)} → ${round2(c.after.max)} (${signed(c.maxDelta)}).`,
    `By cause: ${c.groups.map(g => `${g.kind === 'stateMark' ? 'state marks (risk accepted, third party, alternate mitigation)' : g.kind === 'microsoft' ? "Microsoft's side (controls added or removed, maximum changed)" : 'configuration'} ${signed(g.points)} points in ${plural(g.changes.length, 'action')}`).join('; ')}; not explained by controls ${signed(c.unexplained)}.`,
    `Up to ${limit} changes per cause, largest first, are in the data.`,
  ];
  return answer(source, title, lines, {
    causes: c.groups.map(g => ({
      cause: g.kind, points: g.points, actions: g.changes.length,
      changes: g.changes.slice(0, limit).map(ch => ({
        id: cleanText(ch.id, 120), title: cleanText(ch.title), category: cleanText(ch.category, 60), reason: cleanText(ch.reason, 120),
        pointsBefore: ch.before ?? null, pointsAfter: ch.after ?? null, delta: ch.delta,
      })),
    })),
  });
}

// ---- What-if projection --------------------------------------------------------------------------

export function projectionAnswer(source: Source, scores: SecureScore[], profiles: SecureScoreControlProfile[], ids: string[], fromPlan: boolean): ToolAnswer {
  const title = 'What-if projection';
  const projection = projectScore(scores, profiles, ids);
  if (!projection) {
    return notLoaded(source, title, 'Secure Score snapshot');
  }
  const knownIds = new Set(projection.controls.map(c => c.id));
  const unknown = [...new Set(ids)].filter(id => !knownIds.has(id));
  const lines = [
    `${fromPlan ? 'The saved what-if plan' : 'The actions asked about'}: ${plural(projection.controls.length, 'known improvement action')}${unknown.length ? `, ${unknown.length} unknown id${unknown.length === 1 ? '' : 's'} ignored` : ''}.`,
    `If they were completed: ${projection.current} → ${projection.projected} of ${projection.max} points (${projection.percent}% → ${projection.projectedPercent}%), ${signed(projection.gain)} points${projection.capped ? ' (capped at the maximum)' : ''}.`,
    'Each adds its remaining points (maximum minus points earned today); Microsoft shows a change 24–48 hours after it is made.',
  ];
  const compared = projection.comparisons.filter(c => c.basis in COMPARISON_NAMES);
  if (compared.length) {
    lines.push(`Against the comparisons: ${compared.map(c => `${COMPARISON_NAMES[c.basis].toLowerCase()} average ${c.averagePercent}%: now ${signed(c.now)} (${c.now >= 0 ? 'above' : 'below'}), projected ${signed(c.projected)} (${c.projected >= 0 ? 'above' : 'below'})`).join('; ')}.`);
  }
  return answer(source, title, lines, {
    actions: projection.controls.map(c => ({ id: cleanText(c.id, 120), title: cleanText(c.title), category: cleanText(c.category, 60), state: c.state in CONTROL_STATE_NAMES ? controlStateName(c.state) : cleanText(c.state, 40), pointsEarned: c.earned, maxPoints: c.max, pointsAdded: c.gain, scoredToday: c.scored })),
    unknownIds: unknown.slice(0, 20).map(id => cleanText(id, 120)),
  });
}

// ---- Customers at risk -----------------------------------------------------------------------------

/** A customer's row of the portfolio (model/portfolio), when the extension has one: what it adds to MFA data. */
export type PortfolioEntry = Pick<CustomerPosture, 'tenantId' | 'percent' | 'change7' | 'openAlerts'> & { name?: string };

export interface CustomersInput {
  insights: CustomerInsight[];
  names: Record<string, string>;
  partnerAlerts: PartnerSecurityAlert[];
  portfolio?: PortfolioEntry[];
}

export function customersAnswer(source: Source, input: CustomersInput, onlyAtRisk = true, limit = 10): ToolAnswer {
  const title = 'Customers at risk';
  const portfolio = new Map((input.portfolio ?? []).map(p => [p.tenantId, p]));
  const ids = [...new Set([...input.insights.map(i => i.tenantId), ...portfolio.keys()])];
  if (ids.length === 0) {
    return notLoaded(source, title, 'customer', 'no customer insights (is this a CSP partner tenant?)');
  }
  const insights = new Map(input.insights.map(i => [i.tenantId, i]));
  const openPartnerAlerts = (id: string) => input.partnerAlerts.filter(a => a.customerTenantId === id && a.status !== 'resolved');
  const customers = ids.map(id => {
    const insight = insights.get(id);
    const row = insight ? customerRow(insight, input.names) : undefined;
    const entry = portfolio.get(id);
    const open = openPartnerAlerts(id);
    const high = entry?.openAlerts?.high ?? open.filter(a => a.severity === 'high').length;
    const drop = entry?.change7 !== undefined && entry.change7 < 0;
    const reasons = [row?.atRisk && 'noMfaMechanism', (!row || row.noData) && 'noMfaData', high > 0 && 'openHighAlerts', drop && 'scoreDropped'].filter((r): r is string => !!r);
    return {
      risk: reasons.length,
      high,
      item: {
        tenantId: cleanText(id, 64), name: cleanText(entry?.name ?? row?.name, 120), atRiskBecause: reasons,
        mfa: row && !row.noData ? {
          securityDefaults: cleanText(row.securityDefaults, 40), conditionalAccessMfa: cleanText(row.conditionalAccessMfa, 40), legacyPerUserMfa: cleanText(row.legacyPerUserMfa, 40),
          adminsWithMfa: row.adminsWithMfa, nonAdminsWithMfa: row.nonAdminsWithMfa, totalUsers: row.totalUsers,
        } : null,
        openPartnerAlerts: open.length, openHighAlerts: high,
        secureScorePercent: entry?.percent ?? null, secureScoreChange7Days: entry?.change7 ?? null,
      },
    };
  });
  const atRisk = customers.filter(c => c.risk > 0);
  const pool = onlyAtRisk ? atRisk : customers;
  pool.sort((a, b) => b.risk - a.risk || b.high - a.high || (a.item.name ?? a.item.tenantId ?? '').localeCompare(b.item.name ?? b.item.tenantId ?? ''));
  const shown = pool.slice(0, Math.max(1, Math.min(50, limit)));
  const has = (reason: string) => customers.filter(c => c.item.atRiskBecause.includes(reason)).length;
  const lines = [
    `${plural(customers.length, 'customer')}: ${has('noMfaMechanism')} with no MFA mechanism enabled (no security defaults, no Conditional Access MFA, no per-user MFA), ${has('noMfaData')} with no MFA data, ${has('openHighAlerts')} with open high-severity alerts${portfolio.size ? `, ${has('scoreDropped')} whose Secure Score dropped in 7 days` : ''}.`,
    `${atRisk.length} at risk in all; ${shown.length} shown (${onlyAtRisk ? 'at-risk customers only' : 'all customers'}), the most reasons first.`,
    portfolio.size ? 'Secure Score per customer comes from the Customers portfolio.'
      : 'Secure Score per customer and score drops are not available: they need the Customers portfolio (one sign-in per customer tenant); open alerts are the partner security alerts.',
  ];
  return answer(source, title, lines, { customers: shown.map(c => c.item) });
}

// ---- Writes: previews (the confirmation) and reports ------------------------------------------------

export interface ConfirmationItem {
  id: string;
  title: string;
  /** What changes, as "field: from → to" parts, or why it will not. */
  change: string;
  willChange: boolean;
}

export interface WritePreview {
  /** Why nothing will be sent (bad input), or undefined. */
  problem?: string;
  items: ConfirmationItem[];
  /** Ids asked for that are not known (not loaded / not found). */
  unknown: string[];
  /** Items that will be written. */
  writes: number;
}

export function controlChangePreview(profiles: SecureScoreControlProfile[], ids: string[], change: ControlStateChange): WritePreview {
  const byId = new Map(profiles.map(p => [p.id, p]));
  const unique = [...new Set(ids)];
  const unknown = unique.filter(id => !byId.has(id));
  const problem = !(CONTROL_STATES as readonly string[]).includes(change.state) ? `"${cleanText(change.state, 40)}" is not a state: use Default, Ignored, ThirdParty or Reviewed.`
    : commentProblem(change.state, change.comment) ?? assigneeProblem(change.assignedTo)
      ?? (unique.length === 0 ? 'No improvement actions were named.' : undefined)
      ?? (unknown.length === unique.length ? 'None of the named improvement actions is known in this tenant.' : undefined);
  const items = unique.filter(id => byId.has(id)).map((id): ConfirmationItem => {
    const profile = byId.get(id)!;
    const refusal = controlRefusal(profile);
    const from = controlStateName(currentControlState(profile));
    return {
      id, title: profile.title || id,
      change: refusal ? 'not changed: Graph cannot change Defender for Endpoint controls' : `state: ${from} → ${controlStateName(change.state)}`,
      willChange: !refusal,
    };
  });
  return { problem, items, unknown, writes: problem ? 0 : items.filter(i => i.willChange).length };
}

const ALERT_FIELD_NAMES: Record<string, string> = { status: 'status', classification: 'classification', determination: 'determination', assignedTo: 'assigned to', comment: 'comment' };

export function alertChangePreview(alerts: SecurityAlert[], ids: string[], change: AlertChange): WritePreview & { previews: AlertPreview[] } {
  const byId = new Map(alerts.map(a => [a.id, a]));
  const unique = [...new Set(ids)];
  const unknown = unique.filter(id => !byId.has(id));
  const problem = alertChangeProblem(change) ?? (unique.length === 0 ? 'No alerts were named.' : undefined)
    ?? (unknown.length === unique.length ? 'None of the named alerts was found in this tenant.' : undefined);
  const previews = previewAlertChanges(unique.filter(id => byId.has(id)).map(id => byId.get(id)!), change);
  const items = previews.map((p): ConfirmationItem => ({
    id: p.alert.id, title: p.alert.title || p.alert.id,
    change: p.unchanged ? 'no change: already so' : p.diffs.map(d => (d.field === 'comment' ? `add comment ${JSON.stringify(cleanText(d.to, 200))}` : `${ALERT_FIELD_NAMES[d.field]}: ${d.from} → ${d.to}`)).join('; '),
    willChange: !p.unchanged,
  }));
  return { problem, items, unknown, writes: problem ? 0 : items.filter(i => i.willChange).length, previews };
}

/** Words for an alert change, for the confirmation title: "set status to Resolved". */
export function describeAlertChange(change: AlertChange): string {
  const parts = [
    change.status && `status ${ALERT_STATUS_NAMES[change.status] ?? change.status}`,
    change.classification && `classification ${classificationName(change.classification)}${change.determination ? ` (${DETERMINATION_NAMES[change.determination] ?? change.determination})` : ''}`,
    change.assignedTo !== undefined && (change.assignedTo ? 'assignee' : 'unassign'),
    change.comment && 'a comment',
  ].filter(Boolean);
  return parts.join(', ') || 'nothing';
}

export function writeReport(source: Source, title: string, results: ItemResult[], refused: { id: string; reason: string }[] = []): ToolAnswer {
  const n = (o: string) => results.filter(r => r.outcome === o).length;
  return answer(source, title, [
    `${n('updated')} updated, ${n('unchanged')} unchanged, ${n('failed') + refused.length} failed or refused, of ${results.length + refused.length}.`,
    'Improvement action states show in the Secure Score 24–48 hours after the change (awaiting Microsoft sync).',
  ], {
    items: [
      ...results.map(r => ({ id: cleanText(r.id, 120), title: cleanText(r.title), outcome: r.outcome, reason: cleanText(r.reason, 300) })),
      ...refused.map(r => ({ id: cleanText(r.id, 120), title: null, outcome: 'refused', reason: cleanText(r.reason, 300) })),
    ],
  });
}
