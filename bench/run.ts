// `npm run bench`: bundle, activation, first paint, full refresh, bulk update and chart, each
// against a baseline in the same run, and the endurance and fault-storm figures, as one Markdown
// table (also bench/results/latest.json). Exits non-zero when a measure is over its budget or a
// run failed. Graph is the loopback HTTPS emulator.
//
//   node out/bench/run.js [--latency 80] [--runs 3] [--only a,b | --skip a,b] [--scales small,medium,large] [--readme]
//
// Scenarios: bundle, activation, vscode (activation inside code-server), refresh, bulk, chart,
// endurance (500 refreshes inside code-server), faultstorm, portfolio (36 / 300 / 1,000
// customers of a partner, against a naive peer).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createServerCertificates } from '../test/emulator/certs';
import { bulkScenarios } from './bulk';
import { activationScenario, bundleScenario, productionBuild } from './bundle';
import { chartScenario } from './chart';
import { BENCH_SCALES, refreshScenarios, type Scale } from './refresh';
import { portfolioScenario } from './portfolio';
import { markdownTable, updateReadme, withinBudget, type Measure } from './report';
import { faultStormScenario } from './faultstorm';
import { enduranceScenario, vscodeScenario } from './vscode';

const SCENARIOS = ['bundle', 'activation', 'vscode', 'refresh', 'bulk', 'chart', 'endurance', 'faultstorm', 'portfolio'] as const;
type Scenario = typeof SCENARIOS[number];

const repoRoot = path.resolve(__dirname, '..', '..');

interface Options {
  latencyMs: number;
  /** Runs of each side of a Graph scenario; the median counts. */
  runs: number;
  scenarios: Scenario[];
  scales: Scale[];
  readme: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { latencyMs: 80, runs: 3, scenarios: [...SCENARIOS], scales: Object.keys(BENCH_SCALES) as Scale[], readme: false };
  const list = <T extends string>(value: string | undefined, known: readonly T[]): T[] => {
    const items = (value ?? '').split(',').filter(Boolean);
    const unknown = items.filter(i => !(known as readonly string[]).includes(i));
    if (unknown.length > 0 || items.length === 0) {
      throw new Error(`expected a comma-separated list of ${known.join(', ')}; got "${value ?? ''}"`);
    }
    return items as T[];
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--latency': options.latencyMs = Number(argv[++i]); break;
      case '--runs': options.runs = Number(argv[++i]); break;
      case '--only': options.scenarios = list(argv[++i], SCENARIOS); break;
      case '--skip': { const skip = list(argv[++i], SCENARIOS); options.scenarios = options.scenarios.filter(s => !skip.includes(s)); break; }
      case '--scales': options.scales = list(argv[++i], Object.keys(BENCH_SCALES) as Scale[]); break;
      case '--readme': options.readme = true; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!(options.latencyMs >= 0 && options.latencyMs <= 2000)) {
    throw new Error('--latency takes milliseconds from 0 to 2000');
  }
  if (!(Number.isInteger(options.runs) && options.runs >= 1 && options.runs <= 21)) {
    throw new Error('--runs takes a whole number from 1 to 21');
  }
  return options;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const loadAtStart = os.loadavg();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-bench-'));
  const certificates = await createServerCertificates();
  const measures: Measure[] = [];
  const step = async (scenario: Scenario, run: () => Promise<Measure[]>) => {
    if (options.scenarios.includes(scenario)) {
      const t = Date.now();
      console.log(`[bench] ${scenario}…`);
      measures.push(...await run());
      console.log(`[bench] ${scenario} done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  };
  try {
    const needsBuild = options.scenarios.some(s => s === 'bundle' || s === 'activation' || s === 'vscode' || s === 'endurance');
    const build = needsBuild ? await productionBuild(work) : undefined;
    await step('bundle', async () => bundleScenario(build!));
    await step('activation', async () => activationScenario(build!));
    await step('vscode', async () => vscodeScenario(build!, work));
    await step('refresh', () => refreshScenarios(options.scales, options.latencyMs, options.runs, certificates));
    await step('bulk', () => bulkScenarios(options.latencyMs, options.runs, certificates));
    await step('chart', () => chartScenario(work));
    await step('endurance', async () => enduranceScenario(build!, work));
    await step('faultstorm', () => faultStormScenario(certificates));
    await step('portfolio', () => portfolioScenario(options.latencyMs, certificates));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(certificates.dir, { recursive: true, force: true });
  }

  const seconds = (Date.now() - started) / 1000;
  const table = markdownTable(measures);
  // Other work on the machine slows every timing: the load average says how much there was.
  const load = { start: loadAtStart, end: os.loadavg() };
  const summary = `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, `
    + `${options.latencyMs} ms injected latency per request, Graph's concurrency and per-minute limits, ${options.runs} runs of each side; the run took ${seconds.toFixed(0)} s. `
    + `Load average (1 / 5 / 15 min) ${load.start.map(n => n.toFixed(1)).join(' / ')} at the start, ${load.end.map(n => n.toFixed(1)).join(' / ')} at the end`
    + `${load.start[0] > os.cpus().length ? ': the machine was busy with other work, so timings are slower and noisier than on an idle one' : ''}.`;
  console.log(`\n${summary}\n\n${table}\n`);
  const results = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(results, { recursive: true });
  fs.writeFileSync(path.join(results, 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), latencyMs: options.latencyMs, runs: options.runs, cpus: os.cpus().length, loadAverage: load, node: process.version, seconds, summary, measures }, null, 2)}\n`);
  if (options.readme && !updateReadme(path.join(repoRoot, 'README.md'), table, summary)) {
    console.error('[bench] README.md has no <!-- bench:start --> / <!-- bench:end --> markers; not updated');
  }
  const over = measures.filter(m => !withinBudget(m));
  for (const m of over) {
    console.error(`[bench] over budget: ${m.scenario} ${m.scale} ${m.measure}: ${m.ours}${m.failure ? ` (${m.failure})` : ''}`);
  }
  console.log(`[bench] ${measures.length - over.length} within budget, ${over.length} over; results in bench/results/latest.json`);
  return over.length > 0 ? 1 : 0;
}

main().then(code => process.exit(code), error => {
  console.error('[bench]', error);
  process.exit(2);
});
