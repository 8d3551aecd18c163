// Standalone emulator for trying the extension by hand or from another harness:
//   node out/test/emulator/cli.js [--port N] [--scale sample|medium|large] [--latency ms]
// Prints what the extension needs (settings, environment, CA) and serves until Ctrl+C.

import { generateTenant, SCALES } from '../../src/sample/generator';
import { extensionEnvironment, extensionSettings, startEmulator } from './server';

type Scale = keyof typeof SCALES;

interface Args {
  port: number;
  scale: Scale;
  latencyMs: number;
}

const USAGE = 'Usage: node out/test/emulator/cli.js [--port N] [--scale sample|medium|large] [--latency ms]';

function parseArgs(argv: string[]): Args {
  const args: Args = { port: 0, scale: 'sample' as Scale, latencyMs: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (value === undefined) {
      fail(`${flag} needs a value.`);
    }
    i++;
    if (flag === '--port' || flag === '--latency') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || (flag === '--port' && n > 65535)) {
        fail(`${flag} needs a non-negative integer, got '${value}'.`);
      }
      args[flag === '--port' ? 'port' : 'latencyMs'] = n;
    } else if (flag === '--scale') {
      if (!Object.prototype.hasOwnProperty.call(SCALES, value)) {
        fail(`--scale must be one of ${Object.keys(SCALES).join(', ')}.`);
      }
      args.scale = value as Scale;
    } else {
      fail(`Unknown option ${flag}.`);
    }
  }
  return args;
}

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dataset = generateTenant(SCALES[args.scale]);
  const emulator = await startEmulator({ port: args.port, dataset, latencyMs: args.latencyMs });
  const client = emulator.clients[0];
  const env = extensionEnvironment(emulator);
  const u = emulator.url;
  console.log([
    `Graph emulator on ${u} (tenant ${dataset.displayName}, ${emulator.tenantId}; scale ${args.scale}: ` +
      `${dataset.alerts.length} alerts, ${dataset.controlProfiles.length} control profiles; latency ${args.latencyMs} ms)`,
    '',
    `  Graph:          ${u}/v1.0  ${u}/beta`,
    `  Authority:      ${u}/${emulator.tenantId}  (token scope ${u}/.default)`,
    `  Client id:      ${client.clientId}`,
    `  Client secret:  ${client.secret ?? '(none)'}`,
    `  CA certificate: ${emulator.caCertPath}`,
    '',
    'Environment for the process that starts VS Code (authMethod "environment"):',
    ...Object.entries(env).map(([k, v]) => `  export ${k}='${v}'`),
    '',
    'User settings (settings.json):',
    JSON.stringify(extensionSettings(emulator), null, 2).replace(/^/gm, '  '),
    '',
    'Faults and inspection (JSON over HTTPS, trust the CA above):',
    `  POST ${u}/_emulator/faults   e.g. {"add":[{"path":"alerts_v2","count":1,"fault":{"kind":"status","status":429,"retryAfter":"0.25"}}]}`,
    `  POST ${u}/_emulator/reset    GET ${u}/_emulator/requests    GET ${u}/_emulator/info`,
    '',
    'Ctrl+C to stop.',
  ].join('\n'));

  const shutdown = () => {
    emulator.stop().then(() => process.exit(0), (err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
