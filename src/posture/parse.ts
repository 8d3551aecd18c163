// Reading a posture file (YAML or JSON, one parser: JSON is YAML) into a PostureDoc with source
// ranges, and the problems of its shape: syntax, wrong types, unknown keys, missing fields. Only
// the known shape is walked, so a hostile file (huge, deeply nested, wrong types, aliases) costs
// bounded work and yields problems, never an exception.
import type { Alias, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type * as Yaml from './yaml';
import { CONTROL_STATES, type AlertChange, type ControlStateValue } from '../model/updates';
import { closest, clip } from './text';
import type { AlertRule, ControlEntry, PostureDoc, PostureProblem, ProblemCode, ProblemSeverity, TenantSelector, TextRange } from './types';

let yamlModule: typeof Yaml | undefined;
/** The YAML parser, loaded on first use (dist/yaml.js in the bundles). */
function yaml(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (yamlModule ??= require('./yaml') as typeof Yaml);
}
const isMap = (node: unknown): node is YAMLMap => yaml().isMap(node);
const isSeq = (node: unknown): node is YAMLSeq => yaml().isSeq(node);
const isScalar = (node: unknown): node is Scalar => yaml().isScalar(node);
const isAlias = (node: unknown): node is Alias => yaml().isAlias(node);

export const POSTURE_VERSION = 1;
/** Larger files are refused unread: a posture of every control of every customer is far smaller. */
export const MAX_FILE_CHARS = 5_000_000;
/** Flow collections nested deeper than this are refused unparsed (the file's shape is three deep). */
export const MAX_FLOW_DEPTH = 64;
/** Problems beyond this are summed up in one, so the Problems panel stays usable. */
export const MAX_PROBLEMS = 500;

export const TOP_KEYS = ['version', 'tenants', 'controls', 'alertRules'] as const;
export const CONTROL_KEYS = ['state', 'comment', 'assignedTo', 'expires'] as const;
export const RULE_KEYS = ['name', 'match', 'set'] as const;
export const SET_KEYS = ['status', 'classification', 'determination', 'assignedTo', 'comment'] as const;

/** States as written in the file: Graph's names with a lower-case first letter. */
export const FILE_STATES: Record<ControlStateValue, string> = { Default: 'default', Ignored: 'ignored', ThirdParty: 'thirdParty', Reviewed: 'reviewed' };
export const stateFromFile = (text: string): ControlStateValue | undefined => CONTROL_STATES.find(s => s.toLowerCase() === text.trim().toLowerCase());

export const TENANTS_CURRENT = 'current';
export const TENANTS_ALL_CUSTOMERS = 'all customers';

export interface ParseResult {
  doc?: PostureDoc;
  problems: PostureProblem[];
}

/** Finds line and column of offsets; built once per text. */
export class Positions {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        this.starts.push(i + 1);
      }
    }
  }
  /** 1-based line and column. */
  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

/** Collects problems with positions, up to MAX_PROBLEMS. */
export class ProblemSink {
  readonly problems: PostureProblem[] = [];
  private dropped = 0;
  constructor(private readonly positions: Positions) {}

  add(severity: ProblemSeverity, code: ProblemCode, message: string, range: TextRange, fixes?: PostureProblem['fixes']): void {
    if (this.problems.length >= MAX_PROBLEMS) {
      this.dropped++;
      return;
    }
    this.problems.push({ severity, code, message, range, ...this.positions.at(range.start), ...(fixes?.length ? { fixes } : {}) });
  }

  done(): PostureProblem[] {
    if (this.dropped > 0) {
      const last = this.problems[this.problems.length - 1];
      this.problems.push({ ...last, severity: 'warning', code: 'tooManyProblems', message: `${this.dropped} more problems are not shown; fix these first.`, fixes: undefined });
      this.dropped = 0;
    }
    return this.problems;
  }
}

const rangeOf = (node: Node | null | undefined, fallback: TextRange): TextRange =>
  node?.range ? { start: node.range[0], end: Math.max(node.range[0], node.range[1]) } : fallback;

function pairRange(pair: Pair, fallback: TextRange): TextRange {
  const key = rangeOf(pair.key as Node, fallback);
  const value = rangeOf(pair.value as Node, key);
  return { start: key.start, end: Math.max(key.end, value.end) };
}

function kindOf(node: unknown): string {
  if (isMap(node)) {
    return 'a mapping';
  }
  if (isSeq(node)) {
    return 'a list';
  }
  if (isAlias(node)) {
    return 'an alias';
  }
  if (isScalar(node)) {
    const v = node.value;
    return v === null ? 'empty' : typeof v === 'string' ? 'text' : typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? 'true/false' : 'a value';
  }
  return 'empty';
}

/** The deepest nesting of flow collections (`[`, `{`), outside quotes and comments; stops counting past the limit. */
function flowDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') {
        i++;
      } else if (c === quote) {
        quote = '';
      }
    } else if (c === '"' || (c === "'" && (i === 0 || /[\s[{,:]/.test(text[i - 1])))) {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '[' || c === '{') {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) {
          return max;
        }
      }
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return max;
}

/**
 * For each character of a scalar's value, where it sits in the file. Quoted scalars shift by
 * their quote and escapes; when the mapping cannot be made exact (folded lines, block scalars),
 * every character maps to the scalar's start.
 */
function offsetMapper(text: string, node: Scalar): (index: number) => number {
  const [start, end] = node.range ?? [0, 0];
  const value = String(node.value ?? '');
  const source = text.slice(start, end);
  const map: number[] = [];
  if (node.type === 'PLAIN') {
    if (source === value) {
      return i => start + Math.min(i, value.length);
    }
  } else if (node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') {
    const double = node.type === 'QUOTE_DOUBLE';
    for (let i = 1; i < source.length - 1; i++) {
      map.push(start + i);
      if (source[i] === '\n') {
        map.length = 0;
        break;
      }
      if (!double && source[i] === "'" && source[i + 1] === "'") {
        i++;
      } else if (double && source[i] === '\\') {
        const kind = source[i + 1];
        i += kind === 'x' ? 3 : kind === 'u' ? 5 : kind === 'U' ? 9 : 1;
      }
    }
    if (map.length === value.length) {
      return i => (i < map.length ? map[i] : end - 1);
    }
  }
  return () => start;
}

interface Walk {
  text: string;
  sink: ProblemSink;
  whole: TextRange;
}

function scalarText(w: Walk, pair: Pair, field: string, required = false): { value?: string; range?: TextRange } {
  const node = pair.value as Node | null;
  const range = rangeOf(node, rangeOf(pair.key as Node, w.whole));
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) {
    if (required) {
      w.sink.add('error', 'missing', `"${field}" needs a value.`, range);
    }
    return { range };
  }
  if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
    w.sink.add('error', 'type', `"${field}" must be text, not ${kindOf(node)}.`, range);
    return { range };
  }
  return { value: String(node.value), range };
}

function checkKeys(w: Walk, map: YAMLMap, known: readonly string[], where: string): Map<string, Pair> {
  const found = new Map<string, Pair>();
  for (const pair of map.items) {
    const keyNode = pair.key as Node;
    const range = rangeOf(keyNode, w.whole);
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      w.sink.add('error', 'type', `Keys of ${where} are names, not ${kindOf(keyNode)}.`, range);
      continue;
    }
    const key = keyNode.value;
    if (known.includes(key)) {
      if (found.has(key)) {
        w.sink.add('error', 'duplicate', `"${key}" appears twice in ${where}; say it once.`, range);
      } else {
        found.set(key, pair);
      }
      continue;
    }
    const suggestion = closest(key, known, { ignoreCase: true });
    w.sink.add('warning', 'unknownKey', `Unknown key "${clip(key, 60)}" in ${where}; it is ignored.${suggestion ? ` Did you mean "${suggestion}"?` : ` Known: ${known.join(', ')}.`}`, range,
      suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ ...range, text: suggestion }], preferred: true }] : undefined);
  }
  return found;
}

function parseTenants(w: Walk, node: Node | null): { tenants: TenantSelector; range?: TextRange } {
  const range = rangeOf(node, w.whole);
  if (node === null || (isScalar(node) && node.value === null)) {
    return { tenants: { kind: 'current' }, range };
  }
  if (isScalar(node) && typeof node.value === 'string') {
    const value = node.value.trim().toLowerCase().replace(/\s+/g, ' ');
    if (value === TENANTS_CURRENT) {
      return { tenants: { kind: 'current' }, range };
    }
    if (value === TENANTS_ALL_CUSTOMERS || value === 'allcustomers') {
      return { tenants: { kind: 'allCustomers' }, range };
    }
    return { tenants: { kind: 'list', names: [{ name: node.value.trim(), range }] }, range };
  }
  if (isSeq(node)) {
    const names: { name: string; range: TextRange }[] = [];
    for (const item of node.items as Node[]) {
      const itemRange = rangeOf(item, range);
      if (isScalar(item) && (typeof item.value === 'string' || typeof item.value === 'number') && String(item.value).trim()) {
        names.push({ name: String(item.value).trim(), range: itemRange });
      } else {
        w.sink.add('error', 'tenants', `Each tenant is a tenant id or name, not ${kindOf(item)}.`, itemRange);
      }
    }
    if (names.length === 0) {
      w.sink.add('error', 'tenants', 'The list of tenants is empty: nothing would be planned.', range);
    }
    return { tenants: { kind: 'list', names }, range };
  }
  w.sink.add('error', 'tenants', `"tenants" is "${TENANTS_CURRENT}", "${TENANTS_ALL_CUSTOMERS}" or a list of tenant ids or names, not ${kindOf(node)}.`, range);
  return { tenants: { kind: 'list', names: [] }, range };
}

function parseControl(w: Walk, pair: Pair): ControlEntry | undefined {
  const keyNode = pair.key as Node;
  const key = rangeOf(keyNode, w.whole);
  if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
    w.sink.add('error', 'type', `A control id is a name like AdminMFAV2, not ${kindOf(keyNode)}.`, key);
    return undefined;
  }
  const id = String(keyNode.value);
  const valueNode = pair.value as Node | null;
  const value = rangeOf(valueNode, key);
  const entry: ControlEntry = { id, ranges: { entry: pairRange(pair, key), key, value } };
  if (!isMap(valueNode)) {
    const state = isScalar(valueNode) && typeof valueNode.value === 'string' ? stateFromFile(valueNode.value) : undefined;
    w.sink.add('error', 'type', `"${clip(id, 60)}" needs a mapping like { state: ${state ? FILE_STATES[state] : 'default'} }, not ${kindOf(valueNode)}.`, value,
      state ? [{ title: `Write { state: ${FILE_STATES[state]} }`, edits: [{ ...value, text: `{ state: ${FILE_STATES[state]} }` }], preferred: true }] : undefined);
    return entry;
  }
  const fields = checkKeys(w, valueNode, CONTROL_KEYS, `control "${clip(id, 60)}"`);
  const statePair = fields.get('state');
  if (!statePair) {
    w.sink.add('error', 'missing', `"${clip(id, 60)}" needs a state: ${Object.values(FILE_STATES).join(', ')}.`, key);
  } else {
    const { value: text, range } = scalarText(w, statePair, 'state', true);
    entry.ranges.state = range;
    if (text !== undefined) {
      entry.state = stateFromFile(text);
      if (!entry.state) {
        const suggestion = closest(text, Object.values(FILE_STATES), { ignoreCase: true });
        w.sink.add('error', 'state', `"${clip(text, 60)}" is not a state: use ${Object.values(FILE_STATES).join(', ')}.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`, range!,
          suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ ...range!, text: suggestion }], preferred: true }] : undefined);
      }
    }
  }
  for (const field of ['comment', 'assignedTo', 'expires'] as const) {
    const p = fields.get(field);
    if (p) {
      const { value: text, range } = scalarText(w, p, field);
      entry.ranges[field] = range;
      if (text !== undefined) {
        entry[field] = text;
      }
    }
  }
  return entry;
}

function parseRule(w: Walk, node: Node, index: number): AlertRule {
  const range = rangeOf(node, w.whole);
  const rule: AlertRule = { index, name: '', match: '', set: {}, ranges: { entry: range }, matchOffset: () => range.start, wellFormed: false };
  if (!isMap(node)) {
    w.sink.add('error', 'type', `Alert rule ${index + 1} needs a mapping with name, match and set, not ${kindOf(node)}.`, range);
    return rule;
  }
  const fields = checkKeys(w, node, RULE_KEYS, `alert rule ${index + 1}`);
  let ok = true;
  const name = fields.get('name');
  if (name) {
    const r = scalarText(w, name, 'name', true);
    rule.name = r.value ?? '';
    rule.ranges.name = r.range;
  }
  if (!rule.name.trim()) {
    w.sink.add('warning', 'ruleName', `Alert rule ${index + 1} has no name; the plan and the comments it writes are clearer with one.`, rule.ranges.name ?? range);
    rule.name = `rule ${index + 1}`;
  }
  const match = fields.get('match');
  if (!match) {
    w.sink.add('error', 'missing', `Alert rule "${clip(rule.name, 60)}" needs "match": a filter such as 'severity:informational title:"test"'.`, rule.ranges.name ?? range);
    ok = false;
  } else {
    const r = scalarText(w, match, 'match', true);
    rule.ranges.match = r.range;
    if (r.value === undefined) {
      ok = false;
    } else {
      rule.match = r.value;
      const matchNode = match.value as Node;
      rule.matchOffset = isScalar(matchNode) ? offsetMapper(w.text, matchNode) : () => r.range!.start;
    }
  }
  const set = fields.get('set');
  const setNode = set?.value as Node | null | undefined;
  if (!set) {
    w.sink.add('error', 'missing', `Alert rule "${clip(rule.name, 60)}" needs "set": what to change, e.g. { status: resolved }.`, rule.ranges.name ?? range);
    ok = false;
  } else if (!isMap(setNode)) {
    rule.ranges.set = rangeOf(setNode, range);
    w.sink.add('error', 'type', `"set" needs a mapping of ${SET_KEYS.join(', ')}, not ${kindOf(setNode)}.`, rule.ranges.set);
    ok = false;
  } else {
    rule.ranges.set = rangeOf(setNode, range);
    const setFields = checkKeys(w, setNode, SET_KEYS, `"set" of "${clip(rule.name, 60)}"`);
    const change: AlertChange = {};
    for (const [key, pair] of setFields) {
      const r = scalarText(w, pair, key);
      if (r.value === undefined) {
        ok = false;
      } else {
        change[key as keyof AlertChange] = r.value.trim();
      }
    }
    rule.set = change;
  }
  rule.wellFormed = ok;
  return rule;
}

/** Reads a posture file. `fileName` only names it in plans; YAML and JSON are read alike. */
export function parsePosture(text: string, fileName: string): ParseResult {
  const positions = new Positions(text.length > MAX_FILE_CHARS ? '' : text);
  const sink = new ProblemSink(positions);
  const whole = { start: 0, end: Math.min(text.length, 1) };
  if (text.length > MAX_FILE_CHARS) {
    sink.add('error', 'tooLarge', `The file has ${text.length.toLocaleString('en-US')} characters; posture files of more than ${MAX_FILE_CHARS.toLocaleString('en-US')} are not read.`, whole);
    return { problems: sink.done() };
  }
  if (flowDepth(text, MAX_FLOW_DEPTH) > MAX_FLOW_DEPTH) {
    sink.add('error', 'tooDeep', `Brackets are nested more than ${MAX_FLOW_DEPTH} deep; a posture file is three levels deep, so it is not read.`, whole);
    return { problems: sink.done() };
  }
  // Duplicate keys are found here, in one pass: the parser's own check is quadratic.
  const lineCounter = new (yaml().LineCounter)();
  let parsed;
  try {
    parsed = yaml().parseDocument(text, { prettyErrors: false, lineCounter, uniqueKeys: false, strict: true });
  } catch (error) {
    sink.add('error', 'syntax', `The file cannot be read: ${clip(String((error as Error)?.message ?? error), 200)}`, whole);
    return { problems: sink.done() };
  }
  for (const e of [...parsed.errors, ...parsed.warnings]) {
    const [start, end] = e.pos;
    sink.add(parsed.errors.includes(e as never) ? 'error' : 'warning', 'syntax', clip(e.message.split('\n')[0], 300), { start, end: Math.max(end, start + 1) });
  }
  const w: Walk = { text, sink, whole };
  const doc: PostureDoc = { fileName, text, tenants: { kind: 'current' }, controls: [], alertRules: [] };
  const root = parsed.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) {
    sink.add('error', 'missing', `The file is empty. Start with "version: ${POSTURE_VERSION}", then "tenants:", "controls:" and "alertRules:".`, whole);
    return { doc, problems: sink.done() };
  }
  if (!isMap(root)) {
    sink.add('error', 'type', `A posture file is a mapping with version, tenants, controls and alertRules, not ${kindOf(root)}.`, rangeOf(root, whole));
    return { doc, problems: sink.done() };
  }
  const top = checkKeys(w, root, TOP_KEYS, 'the file');
  const version = top.get('version');
  const versionNode = version?.value as Node | null | undefined;
  if (!version) {
    sink.add('error', 'version', `Say which version of the format this is: add "version: ${POSTURE_VERSION}".`, { start: 0, end: 0 },
      [{ title: `Add "version: ${POSTURE_VERSION}"`, edits: [{ start: 0, end: 0, text: `version: ${POSTURE_VERSION}\n` }], preferred: true }]);
  } else if (!isScalar(versionNode) || Number(versionNode.value) !== POSTURE_VERSION) {
    sink.add('error', 'version', `This extension reads version ${POSTURE_VERSION} of the posture format, not ${isScalar(versionNode) ? `"${clip(String(versionNode.value), 20)}"` : kindOf(versionNode)}.`, rangeOf(versionNode, rangeOf(version.key as Node, whole)));
  } else {
    doc.version = POSTURE_VERSION;
  }
  const tenants = top.get('tenants');
  if (tenants) {
    const t = parseTenants(w, tenants.value as Node | null);
    doc.tenants = t.tenants;
    doc.tenantsRange = t.range;
  }
  const controls = top.get('controls');
  if (controls) {
    doc.controlsRange = rangeOf(controls.key as Node, whole);
    const node = controls.value as Node | null;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const entry = parseControl(w, pair);
        if (entry && seen.has(entry.id)) {
          w.sink.add('error', 'duplicate', `"${clip(entry.id, 60)}" appears twice in controls; only the first is planned.`, entry.ranges.key);
        } else if (entry) {
          seen.add(entry.id);
          doc.controls.push(entry);
        }
      }
    } else if (!(isScalar(node) && node.value === null) && node !== null) {
      sink.add('error', 'type', `"controls" is a mapping of control ids, like "AdminMFAV2: { state: default }", not ${kindOf(node)}.`, rangeOf(node, whole));
    }
  }
  const rules = top.get('alertRules');
  if (rules) {
    const node = rules.value as Node | null;
    if (isSeq(node)) {
      (node.items as Node[]).forEach((item, i) => doc.alertRules.push(parseRule(w, item, i)));
    } else if (!(isScalar(node) && node.value === null) && node !== null) {
      sink.add('error', 'type', `"alertRules" is a list of rules ("- name: …"), not ${kindOf(node)}.`, rangeOf(node, whole));
    }
  }
  return { doc, problems: sink.done() };
}
