// Endurance: 500 refreshes of the sample tenant through the Refresh command, with the views open
// so VS Code renders every one. The extension host's heap must not keep growing, and nothing may
// be registered per refresh (store listeners, subscriptions, timers) without being released.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import { api, children, roots, VIEWS } from '../trees';

const CYCLES = Number(process.env.SP_ENDURANCE_CYCLES ?? 500);

interface Counts {
  heap: number;
  timers: number;
  storeListeners: number;
  subscriptions: number;
}

/** What the bench reads (SP_BENCH_OUTPUT). */
export interface EnduranceResult {
  cycles: number;
  seconds: number;
  before: Counts;
  after: Counts;
}

function collectGarbage(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

async function settledHeap(gc: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  return process.memoryUsage().heapUsed;
}

const timers = () => process.getActiveResourcesInfo().filter(kind => kind === 'Timeout').length;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

describe('endurance on the sample tenant', function () {
  this.timeout(600_000);

  it(`refreshes ${CYCLES} times with bounded heap growth and no leaked listeners, subscriptions or timers`, async function () {
    const a = await api();
    await vscode.commands.executeCommand('workbench.view.extension.securityPosture');
    const gc = collectGarbage();
    const cycle = async () => {
      await vscode.commands.executeCommand('securityPosture.refresh');
      // What a user sees: every view's first two levels, as VS Code asks for them.
      for (const view of VIEWS) {
        for (const row of await roots(view)) {
          await children(row);
        }
      }
    };
    // Warm up: caches, lazy modules and JIT settle before the baseline.
    for (let i = 0; i < 20; i++) {
      await cycle();
    }
    const before = { heap: await settledHeap(gc), timers: timers(), ...a.resourceCounts() };
    const started = Date.now();
    for (let i = 0; i < CYCLES; i++) {
      await cycle();
    }
    const seconds = (Date.now() - started) / 1000;
    await new Promise(resolve => setTimeout(resolve, 200)); // let the last render's timers fire
    const after = { heap: await settledHeap(gc), timers: timers(), ...a.resourceCounts() };
    const growth = after.heap - before.heap;
    // The numbers go into the title: the extension host's console does not reach the runner.
    this.test!.title += ` [${seconds.toFixed(0)} s; heap ${mb(before.heap)} → ${mb(after.heap)} (${growth >= 0 ? '+' : ''}${mb(growth)}); `
      + `store listeners ${before.storeListeners} → ${after.storeListeners}, subscriptions ${before.subscriptions} → ${after.subscriptions}, timers ${before.timers} → ${after.timers}]`;
    // `npm run bench -- --only endurance` runs this test and reads the numbers from this file.
    if (process.env.SP_BENCH_OUTPUT) {
      fs.writeFileSync(process.env.SP_BENCH_OUTPUT, JSON.stringify({ cycles: CYCLES, seconds, before, after } satisfies EnduranceResult));
    }
    assert.equal(after.storeListeners, before.storeListeners, 'store listeners');
    assert.equal(after.subscriptions, before.subscriptions, 'subscriptions');
    assert.ok(after.timers <= before.timers + 2, `timers ${before.timers} → ${after.timers}`);
    assert.ok(growth < 16 * 1024 * 1024, `heap grew ${mb(growth)} over ${CYCLES} refreshes`);
    assert.ok(['scores', 'profiles', 'alerts', 'partner'].every(id => a.store.get(id as 'scores').status === 'ready'));
  });
});
