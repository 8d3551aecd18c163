/**
 * Integration profiles: which test files run inside VS Code, with which user settings and
 * which environment for the extension host. Shared by the code-server runner
 * (runIntegration.ts) and the Electron runner (test/electron/runTest.ts).
 */
import { onShutdown } from './processes';

export interface PreparedProfile {
  settings: Record<string, unknown>;
  /** Environment of the extension host. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export interface Profile {
  name: string;
  /** Compiled test files, relative to the repository root. */
  glob: string;
  prepare(): Promise<PreparedProfile>;
}

export const profiles: Profile[] = [
  {
    name: 'sample',
    glob: 'out/test/integration/sample/**/*.test.js',
    prepare: async () => ({
      settings: { 'securityPosture.dataSource': 'sample' },
      env: {},
      dispose: async () => undefined,
    }),
  },
  {
    name: 'emulator',
    glob: 'out/test/integration/emulator/**/*.test.js',
    prepare: async () => {
      // Loaded only when this profile runs, in this (the runner's) process.
      const { startEmulator, extensionEnvironment, extensionSettings } = await import('../emulator/server');
      const emulator = await startEmulator();
      const unregister = onShutdown(() => emulator.stop());
      return {
        settings: extensionSettings(emulator),
        env: {
          ...extensionEnvironment(emulator),
          // The tests drive faults through the emulator's /_emulator/* endpoints.
          SP_EMULATOR_URL: emulator.url,
        },
        dispose: async () => {
          unregister();
          await emulator.stop();
        },
      };
    },
  },
];
