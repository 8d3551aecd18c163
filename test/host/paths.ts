import * as os from 'os';
import * as path from 'path';

/** Repository root: this file runs from out/test/host/. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Where suites leave results, screenshots and the logs of failed runs. */
export const resultsDir = path.resolve(process.env.SP_TEST_RESULTS_DIR ?? path.join(repoRoot, 'test-results'));

export const codeServerVersion = '4.100.3';

/** The code-server build installed by scripts/install-test-host.sh. */
export function codeServerBinary(): string {
  const root = process.env.SP_TEST_HOST_DIR
    ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'security-posture');
  return path.join(root, `code-server-${codeServerVersion}`, 'node_modules', '.bin', 'code-server');
}

export const chromiumPath = process.env.SP_CHROMIUM ?? '/usr/bin/chromium';

/** A file-system-safe name for a test title or profile. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'unnamed';
}
