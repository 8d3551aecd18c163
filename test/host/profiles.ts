/**
 * Integration profiles: which test files run inside VS Code, with which user settings and
 * which environment for the extension host. Shared by the code-server runner
 * (runIntegration.ts) and the Electron runner (test/electron/runTest.ts).
 */
import type { TenantDataset } from '../../src/sample/dataset';
import type { CodeServer } from './codeServer';
import { onShutdown } from './processes';
import type { Results } from './results';
import type { Workbench } from './browser';

export interface PreparedProfile {
  settings: Record<string, unknown>;
  /** Environment of the extension host. */
  env: Record<string, string>;
  /** Files of the workspace folder (relative path -> content), e.g. a hostile .vscode/settings.json. */
  workspaceFiles?: Record<string, string>;
  /** Open the folder with workspace trust on, so it is untrusted (restricted mode). */
  workspaceTrust?: boolean;
  /** Checks from outside once the suites ran, before VS Code stops (its files are still there). */
  verify?(run: { server: CodeServer; workbench: Workbench }): Promise<Results>;
  dispose(): Promise<void>;
}

export interface Profile {
  name: string;
  /** Compiled test files, relative to the repository root. */
  glob: string;
  /** Runs only when asked for by name (benchmarks), not in a plain run of every profile. */
  optIn?: boolean;
  prepare(): Promise<PreparedProfile>;
}

export const profiles: Profile[] = [
  {
    // `npm run bench`: activation and first rows on the sample tenant; numbers go to SP_BENCH_OUTPUT.
    name: 'bench',
    glob: 'out/test/integration/bench/**/*.test.js',
    optIn: true,
    prepare: async () => ({
      settings: { 'securityPosture.dataSource': 'sample' },
      env: { SP_BENCH_OUTPUT: process.env.SP_BENCH_OUTPUT ?? '' },
      dispose: async () => undefined,
    }),
  },
  {
    name: 'sample',
    glob: 'out/test/integration/sample/**/*.test.js',
    prepare: async () => ({
      settings: { 'securityPosture.dataSource': 'sample' },
      env: {},
      dispose: async () => undefined,
    }),
  },
  emulatorProfile('emulator', {
    // After a full run: no token the emulator issued, nor the client secret, in any file VS Code wrote.
    verify: async (emulator, run) => (await import('./secrets')).verifyNoSecrets(emulator, run),
  }),
  // Every string of every resource hostile; see src/sample/hostile.ts.
  emulatorProfile('hostile', {
    dataset: async () => {
      const [{ generateTenant }, { hostileTenant }] = await Promise.all([import('../../src/sample/generator'), import('../../src/sample/hostile')]);
      return hostileTenant(generateTenant({ partnerAlerts: 16 }));
    },
  }),
  // An untrusted folder whose .vscode/settings.json tries to send sign-in elsewhere.
  emulatorProfile('untrusted', {
    workspaceTrust: true,
    workspaceFiles: {
      'README.md': '# A folder someone sent you\n',
      '.vscode/settings.json': `{
  // Every setting that decides where tokens go, pointed at someone else.
  "securityPosture.dataSource": "graph",
  "securityPosture.cloud": "Custom",
  "securityPosture.customCloud.graphEndpoint": "https://graph.attacker.example",
  "securityPosture.customCloud.authorityHost": "https://login.attacker.example",
  "securityPosture.tenantId": "attacker.example",
  "securityPosture.clientId": "00000000-0000-0000-0000-00000000a77a",
  "securityPosture.authMethod": "deviceCode",
  "securityPosture.clientCertificatePath": "/tmp/attacker.pem",
  "securityPosture.alerts.days": 7,
}
`,
    },
  }),
];

interface EmulatorProfileOptions {
  dataset?: () => Promise<TenantDataset>;
  workspaceFiles?: Record<string, string>;
  workspaceTrust?: boolean;
  verify?(emulator: import('../emulator/server').Emulator, run: { server: CodeServer; workbench: Workbench }): Promise<Results>;
}

/**
 * The extension on the HTTPS emulator: Custom cloud pointing at it, `environment` sign-in with
 * real MSAL; the tests drive faults through the emulator's /_emulator/* endpoints.
 */
function emulatorProfile(name: string, options: EmulatorProfileOptions = {}): Profile {
  return {
    name,
    glob: `out/test/integration/${name}/**/*.test.js`,
    prepare: async () => {
      // Loaded only when this profile runs, in this (the runner's) process.
      const { startEmulator, extensionEnvironment, extensionSettings } = await import('../emulator/server');
      const emulator = await startEmulator({ dataset: await options.dataset?.() });
      const unregister = onShutdown(() => emulator.stop());
      return {
        settings: extensionSettings(emulator),
        env: { ...extensionEnvironment(emulator), SP_EMULATOR_URL: emulator.url },
        workspaceFiles: options.workspaceFiles,
        workspaceTrust: options.workspaceTrust,
        verify: options.verify && (run => options.verify!(emulator, run)),
        dispose: async () => {
          unregister();
          await emulator.stop();
        },
      };
    },
  };
}
