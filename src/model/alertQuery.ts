// The "Query Alerts…" filter language: `severity:high,medium status:new since:7d assigned:me "ransom"`.
// Terms are ANDed, comma-separated values of one term are ORed. What alerts_v2 can filter on
// (graph-api.md §4.2: assignedTo, classification, determination, createdDateTime,
// lastUpdateDateTime, severity, serviceSource, status; eq, and/or, date comparisons) compiles to
// `$filter`; everything else (free text, negation, fields Graph refuses) is filtered here.
import type { SecurityAlert } from '../graph/types';
import { alertCategories } from './alerts';
import { CLASSIFICATION_NAMES, SERVICE_SOURCE_NAMES, SEVERITY_NAMES, ALERT_STATUS_NAMES, humanize } from './format';

/** Characters [start, end) of the query text. */
export interface Span {
  start: number;
  end: number;
}

export class QuerySyntaxError extends Error {
  constructor(message: string, readonly span: Span) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}

type KeyKind = 'enum' | 'user' | 'date' | 'text';
type DateOp = 'gt' | 'ge' | 'lt' | 'le' | 'eq';

interface KeyDef {
  key: string;
  aliases: readonly string[];
  kind: KeyKind;
  description: string;
  /** The alerts_v2 property the key reads. */
  field: keyof SecurityAlert | 'text';
  /** Graph can filter on it (positive terms only). */
  server: boolean;
  values?: readonly string[];
  valueNames?: Record<string, string>;
  /** `since:` and `before:` are `created:` with a fixed operator. */
  impliedOp?: DateOp;
}

const DETERMINATIONS = [
  'apt', 'malware', 'securityPersonnel', 'securityTesting', 'unwantedSoftware', 'other', 'multiStagedAttack', 'compromisedAccount',
  'phishing', 'maliciousUserActivity', 'notMalicious', 'notEnoughDataToValidate', 'confirmedActivity', 'lineOfBusinessApplication', 'unknown',
] as const;
// serviceSource members of the v1.0 metadata (see ServiceSource in graph/types.ts: the docs' enum
// page lacks microsoftInsiderRiskManagement and microsoftSecurityForAI; the metadata has both).
const SERVICES = [
  'microsoftDefenderForEndpoint', 'microsoftDefenderForIdentity', 'microsoftDefenderForCloudApps', 'microsoftDefenderForOffice365',
  'microsoft365Defender', 'azureAdIdentityProtection', 'microsoftAppGovernance', 'dataLossPrevention', 'microsoftDefenderForCloud',
  'microsoftSentinel', 'microsoftInsiderRiskManagement', 'microsoftThreatIntelligence', 'microsoftSecurityForAI', 'unknown',
] as const;

export const QUERY_KEYS: readonly KeyDef[] = [
  { key: 'severity', aliases: ['sev'], kind: 'enum', field: 'severity', server: true, values: ['high', 'medium', 'low', 'informational', 'unknown'], valueNames: SEVERITY_NAMES, description: 'Severity' },
  { key: 'status', aliases: [], kind: 'enum', field: 'status', server: true, values: ['new', 'inProgress', 'resolved', 'unknown'], valueNames: ALERT_STATUS_NAMES, description: 'Status' },
  { key: 'service', aliases: ['source'], kind: 'enum', field: 'serviceSource', server: true, values: SERVICES, valueNames: SERVICE_SOURCE_NAMES, description: 'Service that raised it' },
  { key: 'classification', aliases: ['class'], kind: 'enum', field: 'classification', server: true, values: ['truePositive', 'falsePositive', 'informationalExpectedActivity', 'unknown'], valueNames: CLASSIFICATION_NAMES, description: 'Classification' },
  { key: 'determination', aliases: [], kind: 'enum', field: 'determination', server: true, values: DETERMINATIONS, description: 'Determination' },
  { key: 'assigned', aliases: ['assignedTo', 'assignee'], kind: 'user', field: 'assignedTo', server: true, values: ['me', 'none'], description: 'Assigned to: me, none or a user principal name' },
  { key: 'created', aliases: [], kind: 'date', field: 'createdDateTime', server: true, description: 'Created, e.g. created:>=2026-11-01 or created:>24h' },
  { key: 'since', aliases: [], kind: 'date', field: 'createdDateTime', server: true, impliedOp: 'ge', description: 'Created since, e.g. since:7d or since:2026-11-01' },
  { key: 'before', aliases: ['until'], kind: 'date', field: 'createdDateTime', server: true, impliedOp: 'lt', description: 'Created before, e.g. before:2026-11-01' },
  { key: 'updated', aliases: [], kind: 'date', field: 'lastUpdateDateTime', server: true, description: 'Last updated, e.g. updated:>=24h' },
  { key: 'title', aliases: [], kind: 'text', field: 'title', server: false, description: 'Title contains (filtered here)' },
  // Matches `categories` or the deprecated `category` (Graph cannot filter either).
  { key: 'category', aliases: ['categories'], kind: 'text', field: 'categories', server: false, description: 'Category contains, e.g. category:ransomware (filtered here)' },
  { key: 'detection', aliases: [], kind: 'text', field: 'detectionSource', server: false, description: 'Detection source (Graph cannot filter it; filtered here)' },
  { key: 'product', aliases: [], kind: 'text', field: 'productName', server: false, description: 'Product name contains (filtered here)' },
  { key: 'incident', aliases: [], kind: 'text', field: 'incidentId', server: false, description: 'Incident id (filtered here)' },
  { key: 'mitre', aliases: ['technique'], kind: 'text', field: 'mitreTechniques', server: false, description: 'MITRE technique, e.g. mitre:T1059 (filtered here)' },
  { key: 'investigation', aliases: [], kind: 'text', field: 'investigationState', server: false, description: 'Investigation state (Graph answers 400 to it; filtered here)' },
  { key: 'id', aliases: [], kind: 'text', field: 'id', server: false, description: 'Alert id (filtered here)' },
];

const TEXT_KEY: KeyDef = { key: 'text', aliases: [], kind: 'text', field: 'text', server: false, description: 'Title or description contains' };

export interface DateBound {
  op: DateOp;
  /** ISO instant, or for `eq` the start of the day. */
  at: string;
}

export interface Term {
  key: string;
  negated: boolean;
  /** Enum, user and text terms: ORed values (canonical spelling for enums). */
  values: string[];
  /** Date terms. */
  date?: DateBound;
  span: Span;
  /** Compiled to `$filter` (else filtered here). */
  server: boolean;
}

export interface AlertQuery {
  text: string;
  terms: Term[];
  /** `$filter` for alerts_v2; '' when Graph filters nothing. */
  odata: string;
  /** The terms filtered here, as short text (for tooltips and copy-as comments). */
  local: string[];
  /** Applies the terms Graph did not filter. */
  matchesLocally(alert: SecurityAlert): boolean;
  /** Applies every term (what Graph and the local filter do together). */
  matches(alert: SecurityAlert): boolean;
}

export interface QueryContext {
  now: Date;
  /** The signed-in user's principal name, for `assigned:me` (none for app-only sign-in). */
  me?: string;
}

interface RawToken {
  negated: boolean;
  key?: { text: string; span: Span };
  /** Raw value text (quotes removed), and its span (quotes included). */
  value: string;
  valueSpan: Span;
  span: Span;
  quoted: boolean;
}

/** Splits into terms: `[-]key:value`, `[-]key:"quoted value"`, `[-]"free text"`, `[-]word`. */
function tokenize(text: string): RawToken[] {
  const tokens: RawToken[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    const start = i;
    let negated = false;
    if (text[i] === '-' && i + 1 < text.length && !/\s/.test(text[i + 1])) {
      negated = true;
      i++;
    }
    let key: RawToken['key'];
    const keyMatch = /^([A-Za-z][\w.]*):/.exec(text.slice(i));
    if (keyMatch) {
      key = { text: keyMatch[1], span: { start: i, end: i + keyMatch[1].length } };
      i += keyMatch[0].length;
    }
    const valueStart = i;
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      const close = text.indexOf('"', i + 1);
      if (close < 0) {
        throw new QuerySyntaxError('This quote is never closed: add a closing ".', { start: i, end: text.length });
      }
      value = text.slice(i + 1, close);
      i = close + 1;
      if (i < text.length && !/\s/.test(text[i])) {
        throw new QuerySyntaxError('Put a space after the closing quote.', { start: i, end: i + 1 });
      }
    } else {
      while (i < text.length && !/\s/.test(text[i])) {
        if (text[i] === '"') {
          throw new QuerySyntaxError('A quote can only start a value: write key:"two words" or "free text".', { start: i, end: i + 1 });
        }
        i++;
      }
      value = text.slice(valueStart, i);
    }
    tokens.push({ negated, key, value, valueSpan: { start: valueStart, end: i }, span: { start, end: i }, quoted });
  }
  return tokens;
}

export function findKey(name: string): KeyDef | undefined {
  const lower = name.toLowerCase();
  return QUERY_KEYS.find(k => k.key.toLowerCase() === lower || k.aliases.some(a => a.toLowerCase() === lower));
}

/** The closest known key, for "did you mean". */
function suggestKey(name: string): string | undefined {
  const lower = name.toLowerCase();
  let best: { key: string; distance: number } | undefined;
  for (const def of QUERY_KEYS) {
    for (const candidate of [def.key, ...def.aliases]) {
      const distance = editDistance(lower, candidate.toLowerCase());
      if (!best || distance < best.distance) {
        best = { key: def.key, distance };
      }
    }
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}

const RELATIVE = /^(\d{1,5})(m|h|d|w)$/i;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A date value: `7d`/`24h`/`30m`/`2w` ago, `today`, `yesterday`, `YYYY-MM-DD` (UTC) or an ISO instant. */
function parseDateValue(raw: string, now: Date, span: Span): { at: Date; wholeDay: boolean } {
  const lower = raw.toLowerCase();
  const relative = RELATIVE.exec(lower);
  if (relative) {
    // Whole seconds: a shorter $filter, and the same one for queries run within a second.
    const at = now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]];
    return { at: new Date(at - (at % 1000)), wholeDay: false };
  }
  if (lower === 'today' || lower === 'yesterday') {
    const day = new Date(now);
    day.setUTCHours(0, 0, 0, 0);
    return { at: new Date(day.getTime() - (lower === 'yesterday' ? UNIT_MS.d : 0)), wholeDay: true };
  }
  const day = DAY.exec(raw);
  if (day) {
    const at = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    if (at.getUTCDate() !== Number(day[3]) || at.getUTCMonth() !== Number(day[2]) - 1) {
      throw new QuerySyntaxError(`${raw} is not a date in the calendar.`, span);
    }
    return { at, wholeDay: true };
  }
  if (INSTANT.test(raw) && !Number.isNaN(Date.parse(raw))) {
    return { at: new Date(raw), wholeDay: false };
  }
  throw new QuerySyntaxError(`"${raw}" is not a date: use 7d, 24h, 30m, 2w, today, 2026-11-01 or 2026-11-01T08:00Z.`, span);
}

const DATE_OPS: [string, DateOp][] = [['>=', 'ge'], ['<=', 'le'], ['>', 'gt'], ['<', 'lt'], ['=', 'eq']];

function isoZ(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

function parseTerm(token: RawToken, ctx: QueryContext): Term {
  const def = token.key ? findKey(token.key.text) : TEXT_KEY;
  if (!def) {
    const suggestion = suggestKey(token.key!.text);
    throw new QuerySyntaxError(`Unknown key "${token.key!.text}"${suggestion ? `; did you mean ${suggestion}?` : `. Keys: ${QUERY_KEYS.map(k => k.key).join(', ')}.`}`, token.key!.span);
  }
  if (token.value === '') {
    throw new QuerySyntaxError(token.key ? `"${token.key.text}:" needs a value.` : 'Empty quotes: write some text between them.', token.span);
  }
  const base = { key: def.key, negated: token.negated, span: token.span };
  switch (def.kind) {
    case 'date': {
      let raw = token.value;
      let op: DateOp | undefined = def.impliedOp;
      const written = DATE_OPS.find(([symbol]) => raw.startsWith(symbol));
      if (written) {
        if (def.impliedOp) {
          throw new QuerySyntaxError(`${def.key}: takes no comparison; use created:${written[0]}… instead.`, { start: token.valueSpan.start, end: token.valueSpan.start + written[0].length });
        }
        op = written[1];
        raw = raw.slice(written[0].length);
      }
      const valueSpan = { start: token.valueSpan.end - raw.length, end: token.valueSpan.end };
      const { at, wholeDay } = parseDateValue(raw, ctx.now, valueSpan);
      // No operator: a day means that day, a duration means "since then".
      op ??= wholeDay ? 'eq' : 'ge';
      if (op === 'eq' && !wholeDay) {
        throw new QuerySyntaxError(`"=" compares whole days: write ${def.key}:=2026-11-01, or use >= with a time.`, valueSpan);
      }
      return { ...base, values: [], date: { op, at: isoZ(at) }, server: def.server && !token.negated };
    }
    case 'enum': {
      const values = splitValues(token).map(({ text, span }) => {
        const match = def.values!.find(v => v.toLowerCase() === text.toLowerCase());
        if (!match) {
          throw new QuerySyntaxError(`"${text}" is not a ${def.key}: use ${def.values!.join(', ')}.`, span);
        }
        return match;
      });
      return { ...base, values: [...new Set(values)], server: def.server && !token.negated };
    }
    case 'user': {
      const values = splitValues(token).map(({ text, span }) => {
        const lower = text.toLowerCase();
        if (lower === 'me') {
          if (!ctx.me) {
            throw new QuerySyntaxError('assigned:me needs a signed-in user; app-only sign-in has none. Write the user principal name instead.', span);
          }
          return ctx.me;
        }
        if (lower === 'none' || lower === 'nobody' || lower === 'unassigned') {
          return '';
        }
        return text;
      });
      // "Nobody" is `assignedTo eq null` for Graph, which alerts_v2 does not document: filter it here.
      return { ...base, values: [...new Set(values)], server: def.server && !token.negated && !values.includes('') };
    }
    case 'text':
      return { ...base, values: token.quoted || !token.key ? [token.value] : splitValues(token).map(v => v.text), server: false };
  }
}

function splitValues(token: RawToken): { text: string; span: Span }[] {
  const parts: { text: string; span: Span }[] = [];
  let offset = token.valueSpan.start + (token.quoted ? 1 : 0);
  for (const part of token.value.split(',')) {
    const span = { start: offset, end: offset + part.length };
    if (part === '') {
      throw new QuerySyntaxError('Empty value between commas.', { start: Math.max(token.valueSpan.start, span.start - 1), end: span.start + 1 });
    }
    parts.push({ text: part, span });
    offset += part.length + 1;
  }
  return parts;
}

function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function termOData(term: Term): string {
  const def = findKey(term.key)!;
  if (term.date) {
    if (term.date.op === 'eq') {
      const next = isoZ(new Date(Date.parse(term.date.at) + UNIT_MS.d));
      return `(${def.field} ge ${term.date.at} and ${def.field} lt ${next})`;
    }
    return `${def.field} ${term.date.op} ${term.date.at}`;
  }
  const clauses = term.values.map(v => `${def.field} eq ${odataString(v)}`);
  return clauses.length === 1 ? clauses[0] : `(${clauses.join(' or ')})`;
}

function fieldText(alert: SecurityAlert, field: KeyDef['field']): string[] {
  if (field === 'text') {
    return [alert.title ?? '', alert.description ?? ''];
  }
  if (field === 'categories') {
    return alertCategories(alert);
  }
  const value = (alert as unknown as Record<string, unknown>)[field];
  return Array.isArray(value) ? value.map(String) : [value === null || value === undefined ? '' : String(value)];
}

function termMatches(term: Term, alert: SecurityAlert): boolean {
  const def = findKey(term.key) ?? TEXT_KEY;
  let result: boolean;
  if (term.date) {
    const value = Date.parse(String(alert[def.field as keyof SecurityAlert] ?? ''));
    const at = Date.parse(term.date.at);
    result = !Number.isNaN(value) && (
      term.date.op === 'gt' ? value > at : term.date.op === 'ge' ? value >= at : term.date.op === 'lt' ? value < at
        : term.date.op === 'le' ? value <= at : value >= at && value < at + UNIT_MS.d);
  } else if (def.kind === 'enum') {
    result = term.values.includes(String(alert[def.field as keyof SecurityAlert]));
  } else if (def.kind === 'user') {
    const assignee = (alert.assignedTo ?? '').toLowerCase();
    result = term.values.some(v => v.toLowerCase() === assignee);
  } else {
    const haystacks = fieldText(alert, def.field).map(s => s.toLowerCase());
    const exact = def.key === 'id' || def.key === 'incident';
    result = term.values.some(v => haystacks.some(h => (exact ? h === v.toLowerCase() : h.includes(v.toLowerCase()))));
  }
  return term.negated ? !result : result;
}

/** Short text of a term for tooltips: `not status new`, `title or description contains "ransom"`. */
export function describeTerm(term: Term): string {
  const def = findKey(term.key) ?? TEXT_KEY;
  const not = term.negated ? 'not ' : '';
  if (term.date) {
    const ops: Record<DateOp, string> = { gt: 'after', ge: 'at or after', lt: 'before', le: 'at or before', eq: 'on' };
    return `${not}${def.key === 'updated' ? 'updated' : 'created'} ${ops[term.date.op]} ${term.date.op === 'eq' ? term.date.at.slice(0, 10) : term.date.at}`;
  }
  if (def.kind === 'text') {
    const what = def.key === 'text' ? 'title or description' : def.key;
    return `${what} ${term.negated ? 'does not contain' : def.key === 'id' || def.key === 'incident' ? 'is' : 'contains'} ${term.values.map(v => JSON.stringify(v)).join(' or ')}`;
  }
  const values = term.values.map(v => (v === '' ? 'nobody' : v)).join(' or ');
  return `${not}${def.key} ${values}`;
}

/**
 * Parses and compiles a query; throws QuerySyntaxError (with the span of the bad part) before
 * anything is sent anywhere.
 */
export function parseAlertQuery(text: string, ctx: QueryContext): AlertQuery {
  const terms = tokenize(text).map(token => parseTerm(token, ctx));
  const server = terms.filter(t => t.server);
  const local = terms.filter(t => !t.server);
  return {
    text,
    terms,
    odata: server.map(termOData).join(' and '),
    local: local.map(describeTerm),
    matchesLocally: alert => local.every(t => termMatches(t, alert)),
    matches: alert => terms.every(t => termMatches(t, alert)),
  };
}

/** The query text with the bad part marked, for one-line messages: `severity:high ⟪sevrity⟫:low`. */
export function markError(text: string, span: Span): string {
  const end = Math.max(span.end, span.start + 1);
  return `${text.slice(0, span.start)}⟪${text.slice(span.start, end) || ' '}⟫${text.slice(end)}`;
}

/** "characters 15–21" for messages. */
export function spanText(span: Span): string {
  return span.end - span.start <= 1 ? `character ${span.start + 1}` : `characters ${span.start + 1}–${span.end}`;
}

export interface Completion {
  /** What the user sees. */
  label: string;
  description: string;
  /** The whole query text after picking it. */
  text: string;
}

/** Completions for the term being typed at the end of `text`: keys, then values of the key. */
export function completeAlertQuery(text: string): Completion[] {
  const start = currentTermStart(text);
  const before = text.slice(0, start);
  const term = text.slice(start);
  const negation = term.startsWith('-') ? '-' : '';
  const body = term.slice(negation.length);
  const colon = body.indexOf(':');
  if (colon < 0) {
    if (body.startsWith('"')) {
      return [];
    }
    const typed = body.toLowerCase();
    const used = new Set(keysUsed(before));
    return QUERY_KEYS
      .filter(k => (k.key.toLowerCase().startsWith(typed) || k.aliases.some(a => a.toLowerCase().startsWith(typed))) && (k.kind === 'date' || !used.has(k.key)))
      .map(k => ({ label: `${negation}${k.key}:`, description: k.description, text: `${before}${negation}${k.key}:` }));
  }
  const def = findKey(body.slice(0, colon));
  if (!def) {
    return [];
  }
  const valueText = body.slice(colon + 1);
  const lastComma = valueText.lastIndexOf(',');
  const done = lastComma >= 0 ? valueText.slice(0, lastComma).split(',').map(v => v.toLowerCase()) : [];
  const typed = valueText.slice(lastComma + 1).toLowerCase();
  const prefix = `${before}${negation}${body.slice(0, colon + 1)}${valueText.slice(0, lastComma + 1)}`;
  const candidates: { value: string; description: string }[] = def.kind === 'date'
    ? (def.impliedOp ? ['24h', '7d', '30d', 'today'] : ['>=24h', '>=7d', '>=30d', '>=today', '<7d']).map(value => ({ value, description: dateHint(value) }))
    : (def.values ?? []).map(value => ({ value, description: def.valueNames?.[value] ?? (def.kind === 'user' ? (value === 'me' ? 'the signed-in user' : 'not assigned') : humanize(value)) }));
  return candidates
    .filter(c => c.value.toLowerCase().startsWith(typed) && !done.includes(c.value.toLowerCase()))
    .map(c => ({ label: `${def.key}:${valueText.slice(0, lastComma + 1)}${c.value}`, description: c.description, text: `${prefix}${c.value} ` }));
}

function dateHint(value: string): string {
  const m = /^([<>]=?)?(\d+)([hdw])$/.exec(value);
  if (value.endsWith('today')) {
    return 'since midnight UTC';
  }
  if (!m) {
    return '';
  }
  const unit = { h: 'hours', d: 'days', w: 'weeks' }[m[3] as 'h' | 'd' | 'w'];
  return `${m[1]?.startsWith('<') ? 'more than' : 'within the last'} ${m[2]} ${unit}${m[1]?.startsWith('<') ? ' ago' : ''}`;
}

/** Where the term under the cursor (at the end) starts; a quoted value keeps its spaces. */
function currentTermStart(text: string): number {
  let inQuote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') {
      inQuote = !inQuote;
    } else if (!inQuote && /\s/.test(text[i])) {
      start = i + 1;
    }
  }
  return start;
}

function keysUsed(text: string): string[] {
  try {
    return tokenize(text).filter(t => t.key).map(t => findKey(t.key!.text)?.key ?? '');
  } catch {
    return [];
  }
}
