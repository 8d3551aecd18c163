// The emulated Graph the refresh and bulk scenarios run against, and the measured client
// processes they start: loopback HTTPS, a fixed latency per request, Graph's concurrency limits.
import { fork } from 'node:child_process';
import * as path from 'node:path';
import type { TenantDataset } from '../src/sample/dataset';
import type { ServerCertificates } from '../test/emulator/certs';
import { isBatchPath } from '../test/emulator/faults';
import { GRAPH_LIMITS, startEmulator, type Emulator } from '../test/emulator/server';
import type { EmulatorAddress, Job, JobResult, Mode } from './client';

export interface GraphOptions {
  latencyMs: number;
  certificates: ServerCertificates;
  /** Graph's per-minute budgets too (the refresh stays far below them). */
  rateLimits?: boolean;
  /** Let Defender (`scid_`) control profiles be patched: the bench needs 100 profiles. */
  writableScid?: boolean;
}

export function startGraph(dataset: TenantDataset, options: GraphOptions): Promise<Emulator> {
  return startEmulator({
    dataset,
    certificates: options.certificates,
    latencyMs: options.latencyMs,
    concurrency: GRAPH_LIMITS.concurrency,
    rateLimits: options.rateLimits ? GRAPH_LIMITS.rateLimits : undefined,
    engine: options.writableScid ? { rejectScid: false } : undefined,
  });
}

export function address(emulator: Emulator): EmulatorAddress {
  return { url: emulator.url, tenantId: emulator.tenantId, caCertPath: emulator.caCertPath, clients: emulator.clients };
}

const JOB_TIMEOUT_MS = 300_000;

/**
 * Runs a job in a fresh process of `script` (with `gc` exposed so memory starts clean), which
 * answers with one message: its result or `{ error }`.
 */
export function runInChild<J, R>(script: string, job: J, name: string, options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, script), [], { execArgv: ['--expose-gc'], env: options.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const timer = setTimeout(() => child.kill(), options.timeoutMs ?? JOB_TIMEOUT_MS);
    let answer: R | { error: string } | undefined;
    child.on('message', message => (answer = message as R | { error: string }));
    child.on('error', reject);
    child.on('exit', code => {
      clearTimeout(timer);
      if (answer && !(typeof answer === 'object' && 'error' in answer)) {
        resolve(answer as R);
      } else {
        reject(new Error(`${name} failed: ${(answer as { error?: string } | undefined)?.error ?? `the client process ended with code ${code}`}`));
      }
    });
    child.send(job as object);
  });
}

/** Runs one job in a fresh client process. */
export function runJob(job: Job): Promise<JobResult> {
  return runInChild<Job, JobResult>('client.js', job, `${job.kind} (${job.mode})`, { env: { ...process.env, NODE_EXTRA_CA_CERTS: job.emulator.caCertPath } });
}

/** What the emulator saw: HTTP requests (a $batch counts once) and Graph requests (each page, inner ones included). */
export function graphTraffic(emulator: Emulator): { http: number; graph: number; throttled: number; tokens: number } {
  const log = emulator.requests.filter(r => /^\/(v1\.0|beta)\//i.test(r.path));
  return {
    http: log.filter(r => !r.inBatch).length,
    graph: log.filter(r => r.inBatch || !isBatchPath(r.path)).length,
    throttled: log.filter(r => r.status === 429).length,
    tokens: emulator.requests.filter(r => /\/oauth2\/v2\.0\/token$/.test(r.path.split('?')[0])).length,
  };
}

/** Runs each side `runs` times, alternating, so both meet the same noise; returns the runs of each. */
export async function alternate<T>(runs: number, run: (mode: Mode) => Promise<T>): Promise<Record<Mode, T[]>> {
  const out: Record<Mode, T[]> = { ours: [], baseline: [] };
  for (let i = 0; i < runs; i++) {
    out.ours.push(await run('ours'));
    out.baseline.push(await run('baseline'));
  }
  return out;
}
