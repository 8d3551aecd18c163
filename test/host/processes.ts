/**
 * Every process the test host starts is registered here and stopped when the run ends,
 * whether it passes, fails, is interrupted (SIGINT/SIGTERM) or crashes.
 */

type Cleanup = () => void | Promise<void>;

const cleanups = new Set<Cleanup>();
/** Process groups to kill synchronously if Node exits before the async cleanups ran. */
const groups = new Set<number>();
let installed = false;
let shuttingDown: Promise<void> | undefined;

/** Registers an async cleanup; returns a function that unregisters it. */
export function onShutdown(cleanup: Cleanup): () => void {
  installHandlers();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Remembers a detached child's process group so it is killed even on a hard exit. */
export function trackProcessGroup(pid: number): () => void {
  installHandlers();
  groups.add(pid);
  return () => groups.delete(pid);
}

/** Sends a signal to a whole process group; ignores groups that are already gone. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group has exited already.
  }
}

/** True once the run is being stopped: nothing new may be started. */
export function isShuttingDown(): boolean {
  return shuttingDown !== undefined;
}

/** Runs every registered cleanup (latest first), once. */
export function shutdown(): Promise<void> {
  shuttingDown ??= (async () => {
    for (const cleanup of [...cleanups].reverse()) {
      cleanups.delete(cleanup);
      try {
        await cleanup();
      } catch (err) {
        console.error('[test-host] cleanup failed:', err);
      }
    }
  })();
  return shuttingDown;
}

function installHandlers(): void {
  if (installed) {
    return;
  }
  installed = true;
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    console.error(`[test-host] ${signal}: stopping everything this run started`);
    void shutdown().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));
  process.once('SIGHUP', () => onSignal('SIGHUP', 129));
  process.on('uncaughtException', err => {
    console.error('[test-host] uncaught exception:', err);
    void shutdown().finally(() => process.exit(1));
  });
  process.on('unhandledRejection', reason => {
    console.error('[test-host] unhandled rejection:', reason);
    void shutdown().finally(() => process.exit(1));
  });
  // Last resort: 'exit' handlers can only do synchronous work.
  process.on('exit', () => {
    for (const pid of groups) {
      killGroup(pid, 'SIGKILL');
    }
  });
}
