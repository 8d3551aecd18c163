/**
 * Mocha reporter: spec output on the console plus a JSON results file (mocha's JSON
 * reporter shape), written to the `output` reporter option or to $SP_TEST_RESULTS.
 * Used by the unit, integration (inside the extension host) and e2e suites.
 */
import * as Mocha from 'mocha';
import { TestResult, writeResults } from './results';

class SpecJsonReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const output: string | undefined = (options?.reporterOptions as { output?: string } | undefined)?.output
      ?? (options as { reporterOption?: { output?: string } } | undefined)?.reporterOption?.output
      ?? process.env.SP_TEST_RESULTS;
    const tests: Mocha.Test[] = [];
    const passes: Mocha.Test[] = [];
    const failures: Mocha.Test[] = [];
    const pending: Mocha.Test[] = [];
    runner.on(Mocha.Runner.constants.EVENT_TEST_END, test => tests.push(test));
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, test => passes.push(test));
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, test => failures.push(test));
    runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, test => pending.push(test));
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      if (!output) {
        return;
      }
      const stats = this.stats;
      writeResults(output, {
        stats: {
          suites: stats.suites,
          tests: stats.tests,
          passes: stats.passes,
          pending: stats.pending,
          failures: stats.failures,
          start: (stats.start ?? new Date()).toISOString(),
          end: (stats.end ?? new Date()).toISOString(),
          duration: stats.duration ?? 0,
        },
        tests: tests.map(clean),
        passes: passes.map(clean),
        failures: failures.map(clean),
        pending: pending.map(clean),
      });
    });
  }
}

function clean(test: Mocha.Test): TestResult {
  const err = (test as Mocha.Test & { err?: Error }).err;
  return {
    title: test.title,
    fullTitle: test.fullTitle(),
    file: test.file,
    duration: test.duration,
    err: err ? { message: err.message, stack: err.stack } : {},
  };
}

export = SpecJsonReporter;
