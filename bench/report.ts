// The bench's one table: every measure with ours, the baseline of the same run, the ratio and the
// budget it must meet. Printed as Markdown, written as JSON, and pasted into the README.
import * as fs from 'node:fs';

export interface Budget {
  op: '<=' | '=';
  value: number;
  /** The budget bounds ours/baseline instead of ours. */
  ratio?: boolean;
}

export interface Measure {
  scenario: string;
  /** `small`, `medium`, `large`, or empty when the measure has no scale. */
  scale: string;
  measure: string;
  /** null: not measured (the note says why). */
  ours: number | null;
  baseline?: number | null;
  budget?: Budget;
  note?: string;
  /** Set when the run itself went wrong (sections or items failed): the budget counts as missed. */
  failure?: string;
  /** Set when the baseline's run went wrong: reported next to the result, so its number is read with that. */
  baselineFailure?: string;
}

export function withinBudget(m: Measure): boolean {
  if (m.failure || (m.budget && m.ours === null)) {
    return false;
  }
  if (!m.budget || m.ours === null) {
    return true;
  }
  const value = m.budget.ratio ? m.ours / (m.baseline ?? NaN) : m.ours;
  return m.budget.op === '=' ? value === m.budget.value : value <= m.budget.value;
}

function num(n: number | null | undefined): string {
  if (n === null || n === undefined) {
    return '–';
  }
  if (Number.isInteger(n) || Math.abs(n) >= 100) {
    return Math.round(n).toLocaleString('en-US');
  }
  return n.toFixed(Math.abs(n) >= 10 ? 1 : 2);
}

function ratio(m: Measure): string {
  return m.ours !== null && m.baseline ? (m.ours / m.baseline).toFixed(2) : '–';
}

function status(m: Measure): string {
  const baseline = m.baselineFailure ? `; **baseline failed**: ${m.baselineFailure}` : '';
  if (m.failure) {
    return `**failed**: ${m.failure}${baseline}`;
  }
  if (!m.budget) {
    return `${m.note ?? ''}${baseline}`;
  }
  const verdict = withinBudget(m) ? 'ok' : '**over**';
  return `${m.note ? `${verdict} (${m.note})` : verdict}${baseline}`;
}

/** A failure list short enough for a table cell: the first few, then how many more. */
export function summarize(failed: string[], max = 3): string {
  return failed.length <= max ? failed.join('; ') : `${failed.slice(0, max).join('; ')}; and ${failed.length - max} more`;
}

export function markdownTable(measures: Measure[]): string {
  const lines = [
    '| scenario | scale | measure | ours | baseline | ours/baseline | budget | result |',
    '|---|---|---|---:|---:|---:|---|---|',
  ];
  for (const m of measures) {
    const budget = m.budget ? `${m.budget.op === '=' ? '=' : '≤'} ${num(m.budget.value)}${m.budget.ratio ? ' × baseline' : ''}` : '';
    lines.push(`| ${m.scenario} | ${m.scale} | ${m.measure} | ${num(m.ours)} | ${num(m.baseline)} | ${ratio(m)} | ${budget} | ${status(m)} |`);
  }
  return lines.join('\n');
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Replaces the table between the README's bench markers (nothing else in the file changes). */
export function updateReadme(readmePath: string, table: string, summary: string): boolean {
  const text = fs.readFileSync(readmePath, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) {
    return false;
  }
  fs.writeFileSync(readmePath, `${text.slice(0, start + START.length)}\n${summary}\n\n${table}\n${text.slice(end)}`);
  return true;
}
