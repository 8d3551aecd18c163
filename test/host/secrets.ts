/**
 * After a full run against the emulator: looks for every access token the emulator issued and
 * every client secret in everything the run left behind: VS Code's logs, settings, global and
 * workspace storage, caches, the server log, the browser's storage (VS Code for the web keeps its
 * global state and, encrypted, its secret storage there) and test-results/.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Emulator } from '../emulator/server';
import type { Workbench } from './browser';
import type { CodeServer } from './codeServer';
import { resultsDir } from './paths';
import { failedRun, passedRun, type Results } from './results';

const TITLE = 'secrets: no access token the emulator issued, nor the client secret, in any log, setting, storage or result file';

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? files(full) : entry.isFile() ? [full] : [];
  });
}

/** A file's bytes as text; empty when it went away meanwhile (VS Code removes its lock files). */
function readIfThere(file: string): string {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return '';
  }
}

export async function verifyNoSecrets(emulator: Emulator, { server, workbench }: { server: CodeServer; workbench: Workbench }): Promise<Results> {
  const started = new Date();
  const secrets = [
    ...emulator.issuedTokens.map((value, i) => ({ what: `access token #${i + 1}`, value })),
    ...emulator.clients.flatMap(c => (c.secret ? [{ what: `client secret of ${c.clientId}`, value: c.secret }] : [])),
  ];
  // A log line that cut a token short still leaks its signature: look for the tail too.
  const needles = secrets.flatMap(s => [s, { what: `${s.what} (its last 24 characters)`, value: s.value.slice(-24) }]);
  const storage = JSON.stringify(await workbench.context.storageState({ indexedDB: true }));
  const sources = [
    ...[...files(server.runDir), ...files(resultsDir)].map(file => ({ name: file, text: () => readIfThere(file) })),
    { name: 'browser storage (cookies, local storage, IndexedDB)', text: () => storage },
  ];
  const hits: string[] = [];
  for (const source of sources) {
    const text = source.text();
    for (const needle of needles) {
      if (text.includes(needle.value)) {
        hits.push(`${needle.what} in ${source.name}`);
      }
    }
  }
  const checked = `${emulator.issuedTokens.length} tokens and ${secrets.length - emulator.issuedTokens.length} client secret(s) in ${sources.length} files`;
  const missed = emulator.issuedTokens.length === 0 ? 'the emulator issued no token: nothing was checked'
    // The extension's cache lives in global state: if it is not in what was searched, the search missed the storage.
    : !storage.includes('securityPosture.cache/') ? 'the browser storage searched holds no global state of the extension'
      : undefined;
  if (missed || hits.length > 0) {
    return failedRun(TITLE, new Error(missed ?? `found ${hits.length}:\n${[...new Set(hits)].join('\n')}`), started);
  }
  return passedRun(`${TITLE} [${checked}]`, started);
}
