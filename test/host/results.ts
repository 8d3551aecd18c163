/**
 * The results file every suite writes: the shape of mocha's JSON reporter, so the unit,
 * integration and e2e suites (and a single step such as lint) are counted the same way.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface TestResult {
  title: string;
  fullTitle: string;
  file?: string;
  duration?: number;
  err: { message?: string; stack?: string } | Record<string, never>;
}

export interface Results {
  stats: {
    suites: number;
    tests: number;
    passes: number;
    pending: number;
    failures: number;
    start: string;
    end: string;
    duration: number;
  };
  tests: TestResult[];
  passes: TestResult[];
  failures: TestResult[];
  pending: TestResult[];
}

/** A results file for a run that failed before its tests could report, e.g. a crash. */
export function failedRun(title: string, error: unknown, started = new Date()): Results {
  const err = error instanceof Error ? { message: error.message, stack: error.stack } : { message: String(error) };
  const failure: TestResult = { title, fullTitle: title, err };
  const end = new Date();
  return {
    stats: {
      suites: 1, tests: 1, passes: 0, pending: 0, failures: 1,
      start: started.toISOString(), end: end.toISOString(), duration: end.getTime() - started.getTime(),
    },
    tests: [failure],
    passes: [],
    failures: [failure],
    pending: [],
  };
}

/** A results file for one check made outside mocha (e.g. after a run) that passed. */
export function passedRun(title: string, started = new Date()): Results {
  const end = new Date();
  const test: TestResult = { title, fullTitle: title, duration: end.getTime() - started.getTime(), err: {} };
  return {
    stats: {
      suites: 1, tests: 1, passes: 1, pending: 0, failures: 0,
      start: started.toISOString(), end: end.toISOString(), duration: end.getTime() - started.getTime(),
    },
    tests: [test],
    passes: [test],
    failures: [],
    pending: [],
  };
}

export function writeResults(file: string, results: Results): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, undefined, 2));
}

export function readResults(file: string): Results | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Results;
    return parsed?.stats ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Merges several runs (e.g. integration profiles) into one results object. */
export function mergeResults(runs: Results[]): Results {
  const start = runs.map(r => r.stats.start).sort()[0] ?? new Date().toISOString();
  const end = runs.map(r => r.stats.end).sort().reverse()[0] ?? start;
  const sum = (pick: (r: Results) => number) => runs.reduce((total, r) => total + pick(r), 0);
  return {
    stats: {
      suites: sum(r => r.stats.suites),
      tests: sum(r => r.stats.tests),
      passes: sum(r => r.stats.passes),
      pending: sum(r => r.stats.pending),
      failures: sum(r => r.stats.failures),
      start,
      end,
      duration: sum(r => r.stats.duration),
    },
    tests: runs.flatMap(r => r.tests),
    passes: runs.flatMap(r => r.passes),
    failures: runs.flatMap(r => r.failures),
    pending: runs.flatMap(r => r.pending),
  };
}

/** Prints one line per test, like mocha's spec reporter, then the failures in full. */
export function printResults(results: Results, indent = '  ', log: (line: string) => void = console.log): void {
  const failed = new Set(results.failures.map(f => f.fullTitle));
  const pending = new Set(results.pending.map(p => p.fullTitle));
  for (const test of results.tests) {
    const mark = failed.has(test.fullTitle) ? '✗' : pending.has(test.fullTitle) ? '-' : '✓';
    log(`${indent}${mark} ${test.fullTitle}${test.duration ? ` (${test.duration}ms)` : ''}`);
  }
  // Hook failures have no test entry of their own.
  for (const failure of results.failures.filter(f => !results.tests.some(t => t.fullTitle === f.fullTitle))) {
    log(`${indent}✗ ${failure.fullTitle}`);
  }
  printFailures(results, log);
}

/** Prints the failures of a results file (the extension host's console does not reach us). */
export function printFailures(results: Results, log: (line: string) => void = console.log): void {
  for (const [index, failure] of results.failures.entries()) {
    log(`  ${index + 1}) ${failure.fullTitle}`);
    const text = ('stack' in failure.err && failure.err.stack) || ('message' in failure.err && failure.err.message) || '';
    for (const line of String(text).split('\n').slice(0, 12)) {
      log(`     ${line}`);
    }
  }
}
