// OData query handling for the in-memory Graph engine: system query options, $filter (parsed once
// into a predicate), $select, $orderby, $expand and opaque skip tokens. Messages follow the wording
// Graph / OData Web API use, so a client sees what it would see from the real service.

import { badRequest } from './errors';
import type { ComparisonOp, FilterField, ResourceSchema } from './schema';

export type QueryOption = 'top' | 'skip' | 'count' | 'filter' | 'select' | 'orderby' | 'expand' | 'skiptoken' | 'search';

/** Spelling used when the engine writes an option back into a nextLink or a message. */
export const OPTION_NAMES: Readonly<Record<QueryOption, string>> = {
  top: '$top',
  skip: '$skip',
  count: '$count',
  filter: '$filter',
  select: '$select',
  orderby: '$orderby',
  expand: '$expand',
  skiptoken: '$skipToken',
  search: '$search',
};

/** Reads a property as the caller sees it (evolvable enums already substituted). */
export type ValueReader = (item: object, prop: string) => unknown;

/**
 * System query options of a query string (without `?`), keyed case-insensitively.
 * Custom (non-`$`) parameters are ignored, as OData allows; unknown `$` options and repeats are 400.
 */
export function parseQuery(query: string): Map<QueryOption, string> {
  const options = new Map<QueryOption, string>();
  for (const [rawName, value] of new URLSearchParams(query)) {
    if (!rawName.startsWith('$')) {
      continue;
    }
    const name = rawName.slice(1).toLowerCase();
    if (!(name in OPTION_NAMES)) {
      throw badRequest(`The query parameter '${rawName}' is not supported.`);
    }
    const option = name as QueryOption;
    if (options.has(option)) {
      throw badRequest(`Query option '${OPTION_NAMES[option]}' was specified more than once, but it must be specified at most once.`);
    }
    options.set(option, value);
  }
  return options;
}

export function parseNonNegativeInt(option: 'top' | 'skip', raw: string): number {
  const value = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(value <= 2 ** 31 - 1)) {
    const name = OPTION_NAMES[option];
    throw badRequest(`Invalid value '${raw}' for ${name} query option found. The ${name} query option requires a non-negative integer value.`);
  }
  return value;
}

export function parseCount(raw: string): boolean {
  const value = raw.toLowerCase();
  if (value !== 'true' && value !== 'false') {
    throw badRequest(`Invalid value '${raw}' for $count query option found. Valid values are 'true' and 'false'.`);
  }
  return value === 'true';
}

function unknownProperty(name: string, schema: ResourceSchema): Error {
  return badRequest(`Could not find a property named '${name}' on type '${schema.typeName}'.`);
}

/** Case-insensitive lookup of a property name, returning its schema spelling. */
function resolveProperty(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  return candidates.find((candidate) => candidate.toLowerCase() === lower);
}

function splitList(raw: string, option: QueryOption): string[] {
  const items = raw.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw badRequest(`Syntax error in ${OPTION_NAMES[option]}: empty item in '${raw}'.`);
  }
  return items;
}

/** `$select`: the listed properties (schema spelling, key first); undefined for `*`. */
export function parseSelect(raw: string, schema: ResourceSchema): string[] | undefined {
  const items = splitList(raw, 'select');
  if (items.includes('*')) {
    return undefined;
  }
  const selected = new Set([schema.key]);
  for (const item of items) {
    const prop = resolveProperty(item, schema.properties);
    if (!prop) {
      throw unknownProperty(item, schema);
    }
    selected.add(prop);
  }
  return [...selected];
}

/** `$expand`: navigation properties out of `allowed`; nested options are not supported. */
export function parseExpand(raw: string, allowed: readonly string[], schema: ResourceSchema): string[] {
  return splitList(raw, 'expand').map((item) => {
    if (item.includes('(')) {
      throw badRequest(`Query options inside $expand are not supported: '${item}'.`);
    }
    const nav = resolveProperty(item, allowed);
    if (!nav) {
      throw badRequest(`Could not find a navigation property named '${item}' on type '${schema.typeName}'.`);
    }
    return nav;
  });
}

// ---- dates --------------------------------------------------------------------------------

const DATE_TIME_OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,7})\d*)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A DateTimeOffset as a fixed-width UTC string (`yyyy-MM-ddTHH:mm:ss.fffffff`) that orders correctly
 * under string comparison at Graph's 100 ns precision; null if not a DateTimeOffset.
 */
export function dateKey(value: string): string | null {
  const match = DATE_TIME_OFFSET.exec(value);
  if (!match) {
    return null;
  }
  const [, minutes, seconds = '00', fraction = '', zone] = match;
  const fixedFraction = fraction.padEnd(7, '0');
  if (zone.toUpperCase() === 'Z') {
    return `${minutes}:${seconds}.${fixedFraction}`;
  }
  const utc = new Date(`${minutes}:${seconds}${zone}`);
  return Number.isNaN(utc.getTime()) ? null : `${utc.toISOString().slice(0, 19)}.${fixedFraction}`;
}

// ---- $filter ------------------------------------------------------------------------------

type Literal =
  | { edm: 'Edm.String'; value: string }
  | { edm: 'enum'; type: string; value: string }
  | { edm: 'Edm.DateTimeOffset'; value: string }
  | { edm: 'Edm.Double' | 'Edm.Int32'; value: number }
  | { edm: 'Edm.Boolean'; value: boolean }
  | { edm: 'null'; value: null }
  // Valid OData literals that no filterable property here accepts (they only produce type errors).
  | { edm: 'Edm.Date' | 'Edm.Guid'; value: string };

type Token =
  | { kind: 'name'; text: string; pos: number }
  | { kind: 'literal'; literal: Literal; pos: number }
  | { kind: '(' | ')' | ','; pos: number };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/i;
const DATE_TOKEN = /^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?(?![\w:.+-])/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}(?![\w:.+-])/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?(?![\w.-])/;
const NAME = /^[A-Za-z_$@][\w.$@/]*/;

function syntaxError(text: string, pos: number): Error {
  return badRequest(`Invalid filter clause: Syntax error at position ${pos} in '${text}'.`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    const ch = text[pos];
    const rest = text.slice(pos);
    let match: RegExpExecArray | null;
    if (/\s/.test(ch)) {
      pos++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch, pos });
      pos++;
      continue;
    }
    if (ch === "'") {
      const { value, end } = readString(text, pos);
      tokens.push({ kind: 'literal', literal: { edm: 'Edm.String', value }, pos });
      pos = end;
      continue;
    }
    if ((match = GUID.exec(rest))) {
      tokens.push({ kind: 'literal', literal: { edm: 'Edm.Guid', value: match[0] }, pos });
    } else if ((match = DATE_TOKEN.exec(rest))) {
      const key = dateKey(match[0]);
      if (key === null) {
        throw badRequest(`Invalid filter clause: Unrecognized 'Edm.DateTimeOffset' literal '${match[0]}' at '${pos}' in '${text}'.`);
      }
      tokens.push({ kind: 'literal', literal: { edm: 'Edm.DateTimeOffset', value: key }, pos });
    } else if ((match = DATE_ONLY.exec(rest))) {
      tokens.push({ kind: 'literal', literal: { edm: 'Edm.Date', value: match[0] }, pos });
    } else if ((match = NUMBER.exec(rest))) {
      const edm = match[1] || match[2] ? 'Edm.Double' : 'Edm.Int32';
      tokens.push({ kind: 'literal', literal: { edm, value: Number(match[0]) }, pos });
    } else if ((match = NAME.exec(rest))) {
      const name = match[0];
      if (text[pos + name.length] === "'" && name.includes('.')) {
        // Qualified enum literal, e.g. microsoft.graph.security.alertSeverity'high'.
        const { value, end } = readString(text, pos + name.length);
        tokens.push({ kind: 'literal', literal: { edm: 'enum', type: name, value }, pos });
        pos = end;
        continue;
      }
      tokens.push(keywordLiteral(name, pos) ?? { kind: 'name', text: name, pos });
    } else {
      throw badRequest(`Invalid filter clause: Syntax error: character '${ch}' is not valid at position ${pos} in '${text}'.`);
    }
    pos += match[0].length;
  }
  return tokens;
}

function keywordLiteral(name: string, pos: number): Token | undefined {
  switch (name) {
    case 'true':
    case 'false':
      return { kind: 'literal', literal: { edm: 'Edm.Boolean', value: name === 'true' }, pos };
    case 'null':
      return { kind: 'literal', literal: { edm: 'null', value: null }, pos };
    default:
      return undefined;
  }
}

/** A single-quoted OData string starting at `start` ('' escapes a quote). */
function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let pos = start + 1;
  while (pos < text.length) {
    if (text[pos] === "'") {
      if (text[pos + 1] !== "'") {
        return { value, end: pos + 1 };
      }
      pos++;
    }
    value += text[pos];
    pos++;
  }
  throw badRequest(`Invalid filter clause: There is an unterminated string literal at position ${start} in '${text}'.`);
}

const OPERATOR_KIND: Readonly<Record<ComparisonOp, string>> = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
  in: 'In',
};

const FIELD_EDM: Readonly<Record<Exclude<FilterField['kind'], 'enum'>, string>> = {
  string: 'Edm.String',
  date: 'Edm.DateTimeOffset',
  bool: 'Edm.Boolean',
  number: 'Edm.Double',
};

type Predicate = (item: object) => boolean;
/** A comparable form of a value: strings compare case-insensitively, dates as {@link dateKey}. */
type Key = string | number | boolean | null;

function keyOf(field: FilterField, value: unknown): Key {
  if (value === null || value === undefined) {
    return null;
  }
  switch (field.kind) {
    case 'string':
      return String(value).toLowerCase();
    case 'date':
      return typeof value === 'string' ? dateKey(value) : null;
    default:
      return value as Key;
  }
}

class FilterParser {
  private index = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly schema: ResourceSchema,
    private readonly read: ValueReader,
  ) {}

  parse(): Predicate {
    const predicate = this.parseOr();
    const extra = this.tokens[this.index];
    if (extra) {
      throw syntaxError(this.text, extra.pos);
    }
    return predicate;
  }

  private peekName(word: string): boolean {
    const token = this.tokens[this.index];
    return token?.kind === 'name' && token.text.toLowerCase() === word;
  }

  private next(): Token {
    const token = this.tokens[this.index++];
    if (!token) {
      throw syntaxError(this.text, this.text.length);
    }
    return token;
  }

  private expect(kind: '(' | ')' | ','): void {
    const token = this.next();
    if (token.kind !== kind) {
      throw syntaxError(this.text, token.pos);
    }
  }

  private parseOr(): Predicate {
    let left = this.parseAnd();
    while (this.peekName('or')) {
      this.index++;
      const [a, b] = [left, this.parseAnd()];
      left = (item) => a(item) || b(item);
    }
    return left;
  }

  private parseAnd(): Predicate {
    let left = this.parsePrimary();
    while (this.peekName('and')) {
      this.index++;
      const [a, b] = [left, this.parsePrimary()];
      left = (item) => a(item) && b(item);
    }
    return left;
  }

  private parsePrimary(): Predicate {
    const token = this.next();
    if (token.kind === '(') {
      const inner = this.parseOr();
      this.expect(')');
      return inner;
    }
    if (token.kind !== 'name') {
      throw syntaxError(this.text, token.pos);
    }
    if (this.tokens[this.index]?.kind === '(' || token.text.toLowerCase() === 'not') {
      throw badRequest(`Invalid filter clause: '${token.text}' is not supported in $filter on this resource.`);
    }
    const prop = token.text;
    const field = this.filterField(prop);
    const opToken = this.next();
    const op = opToken.kind === 'name' ? (opToken.text.toLowerCase() as ComparisonOp) : undefined;
    if (!op || !(op in OPERATOR_KIND)) {
      throw syntaxError(this.text, opToken.pos);
    }
    if (!field.ops.includes(op)) {
      throw badRequest(`Invalid filter clause: the '${op}' operator is not supported on property '${prop}'.`);
    }
    const literals = op === 'in' ? this.parseLiteralList() : [this.parseLiteral()];
    const keys = literals.map((literal) => this.literalKey(field, op, literal));
    return compare(op, keys, (item) => keyOf(field, this.read(item, prop)));
  }

  private filterField(prop: string): FilterField {
    const field = this.schema.filter[prop];
    if (field) {
      return field;
    }
    if (!this.schema.properties.includes(prop)) {
      throw unknownProperty(prop, this.schema);
    }
    const supported = Object.keys(this.schema.filter).join(', ') || 'none';
    throw badRequest(`Invalid filter clause: filtering on property '${prop}' is not supported. Filterable properties: ${supported}.`);
  }

  private parseLiteral(): Literal {
    const token = this.next();
    if (token.kind !== 'literal') {
      throw syntaxError(this.text, token.pos);
    }
    return token.literal;
  }

  private parseLiteralList(): Literal[] {
    this.expect('(');
    const literals = [this.parseLiteral()];
    while (this.tokens[this.index]?.kind === ',') {
      this.index++;
      literals.push(this.parseLiteral());
    }
    this.expect(')');
    return literals;
  }

  /** Type-checks a literal against the property, as OData does, and returns its comparable key. */
  private literalKey(field: FilterField, op: ComparisonOp, literal: Literal): Key {
    if (literal.edm === 'null') {
      return null;
    }
    if (field.kind === 'enum' && (literal.edm === 'Edm.String' || literal.edm === 'enum')) {
      const member = resolveProperty(literal.value, field.enum?.members ?? []);
      if (!member) {
        throw badRequest(`Invalid filter clause: The string '${literal.value}' is not a valid enumeration type constant.`);
      }
      return member;
    }
    const expected = field.kind === 'enum' ? field.enum?.name : FIELD_EDM[field.kind];
    const compatible =
      (field.kind === 'string' && literal.edm === 'Edm.String') ||
      (field.kind === 'date' && literal.edm === 'Edm.DateTimeOffset') ||
      (field.kind === 'bool' && literal.edm === 'Edm.Boolean') ||
      (field.kind === 'number' && (literal.edm === 'Edm.Int32' || literal.edm === 'Edm.Double'));
    if (!compatible) {
      const found = literal.edm === 'enum' ? literal.type : literal.edm;
      throw badRequest(
        `Invalid filter clause: A binary operator with incompatible types was detected. ` +
          `Found operand types '${expected}' and '${found}' for operator kind '${OPERATOR_KIND[op]}'.`,
      );
    }
    // Date literals are already keys; strings compare case-insensitively.
    return typeof literal.value === 'string' && field.kind === 'string' ? literal.value.toLowerCase() : literal.value;
  }
}

function compare(op: ComparisonOp, keys: Key[], keyOfItem: (item: object) => Key): Predicate {
  const [literal] = keys;
  switch (op) {
    case 'eq':
      return (item) => keyOfItem(item) === literal;
    case 'ne':
      return (item) => keyOfItem(item) !== literal;
    case 'in': {
      const set = new Set(keys);
      return (item) => set.has(keyOfItem(item));
    }
    default: {
      // Ordering comparisons are never true against null (OData semantics).
      const test = ORDERING[op];
      return (item) => {
        const key = keyOfItem(item);
        return key !== null && literal !== null && test(key, literal);
      };
    }
  }
}

const ORDERING: Readonly<Record<'gt' | 'ge' | 'lt' | 'le', (a: NonNullable<Key>, b: NonNullable<Key>) => boolean>> = {
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
};

/** Compiles `$filter` into a predicate over items as `read` presents them. */
export function parseFilter(text: string, schema: ResourceSchema, read: ValueReader): Predicate {
  const tokens = tokenize(text);
  if (tokens.length === 0) {
    throw badRequest('Invalid filter clause: the $filter expression is empty.');
  }
  return new FilterParser(text, tokens, schema, read).parse();
}

// ---- $orderby -----------------------------------------------------------------------------

export interface OrderClause {
  prop: string;
  descending: boolean;
}

export function parseOrderBy(raw: string, schema: ResourceSchema): OrderClause[] {
  return splitList(raw, 'orderby').map((clause) => {
    const match = /^(\S+)(?:\s+(asc|desc))?$/i.exec(clause);
    if (!match) {
      throw badRequest(`Syntax error in $orderby: '${clause}'.`);
    }
    const prop = resolveProperty(match[1], schema.properties);
    if (!prop) {
      throw unknownProperty(match[1], schema);
    }
    if (!schema.orderBy.includes(prop)) {
      const supported = schema.orderBy.join(', ') || 'none';
      throw badRequest(`Invalid $orderby: sorting by property '${prop}' is not supported. Sortable properties: ${supported}.`);
    }
    return { prop, descending: match[2]?.toLowerCase() === 'desc' };
  });
}

/** A sorted copy of `items` (stable; nulls first ascending, as OData orders them). */
export function sortItems<T extends object>(items: readonly T[], clauses: OrderClause[], schema: ResourceSchema, read: ValueReader): T[] {
  const decorated = items.map((item) => ({
    item,
    keys: clauses.map((clause) => keyOf(schema.filter[clause.prop] ?? { kind: 'string', ops: [] }, read(item, clause.prop))),
  }));
  decorated.sort((x, y) => {
    for (let i = 0; i < clauses.length; i++) {
      const [a, b] = [x.keys[i], y.keys[i]];
      if (a !== b) {
        const ascending = a === null || (b !== null && a < b) ? -1 : 1;
        return clauses[i].descending ? -ascending : ascending;
      }
    }
    return 0;
  });
  return decorated.map((entry) => entry.item);
}

// ---- server-driven paging -----------------------------------------------------------------

/** Opaque continuation token: base64url of `{"p":offset}` (the shape seen in Graph's examples). */
export function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ p: offset })).toString('base64url');
}

export function decodeSkipToken(raw: string): number {
  try {
    const { p } = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { p?: unknown };
    if (typeof p === 'number' && Number.isInteger(p) && p >= 0) {
      return p;
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest('The $skipToken value is invalid or has expired. Restart paging from the first page.');
}
