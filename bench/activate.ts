// Child process of bundle.ts: requires an extension bundle with `vscode` stubbed, optionally
// activates it on the sample tenant, and prints what that cost as one JSON line.
//
//   node out/bench/activate.js <extension.js> require|activate
import * as path from 'node:path';
import { createExtensionContext, createVscodeStub, installVscodeStub } from './vscodeStub';

export interface ActivationSample {
  requireMs: number;
  /** Until `activate()` returned. */
  activateMs?: number;
  /** From the call of `activate()` until its first refresh settled (the views' first rows). */
  readyMs?: number;
  /** TCP connections and DNS look-ups from activation until the first refresh settled. */
  networkAttempts?: string[];
}

interface Api {
  ready(): Promise<void>;
}

async function main(): Promise<ActivationSample> {
  const [bundle, mode] = process.argv.slice(2);
  installVscodeStub(createVscodeStub({ 'securityPosture.dataSource': 'sample' }));
  // Loaded after the stub: it imports `vscode`.
  const { recordNetwork } = await import('../test/integration/helpers');
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const extension = require(path.resolve(bundle)) as { activate(context: object): Api };
  const requireMs = performance.now() - t0;
  if (mode === 'require') {
    return { requireMs };
  }
  const network = recordNetwork();
  const t1 = performance.now();
  const api = extension.activate(createExtensionContext(path.dirname(path.dirname(path.resolve(bundle)))));
  const activateMs = performance.now() - t1;
  await api.ready();
  const readyMs = performance.now() - t1;
  network.stop();
  return { requireMs, activateMs, readyMs, networkAttempts: network.attempts.map(a => `${a.kind} ${a.target}`) };
}

main().then(sample => {
  process.stdout.write(`${JSON.stringify(sample)}\n`);
  process.exit(0);
}, error => {
  console.error(error);
  process.exit(1);
});
