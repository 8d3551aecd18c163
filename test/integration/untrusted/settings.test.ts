// An untrusted folder (workspace trust on, never granted) whose .vscode/settings.json points every
// setting that decides where tokens go at someone else (test/host/profiles.ts, `untrusted`). The
// extension works in restricted mode with the user's own settings (the HTTPS emulator), sends
// nothing anywhere else, and tells the user, once, which workspace values it ignored.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PROTECTED_KEYS } from '../../../src/settings';
import { SECTIONS } from '../../../src/model/store';
import { emulatorUrl } from '../emulatorControl';
import { describeAttempts, recordNetwork, waitFor } from '../helpers';
import { stubPrompts } from '../prompts';
import { api } from '../trees';

const WARNING = /^This workspace sets (.+)\. Those decide where sign-in tokens are sent/;

/** The extension's own log file (its output channel), as the extension host wrote it. */
function extensionLog(): string {
  const logs = path.join(process.env.SP_USER_DATA_DIR ?? '', 'logs');
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        visit(full);
      } else if (full.endsWith(path.join('security-posture.security-posture', 'Security Posture.log'))) {
        found.push(full);
      }
    }
  };
  visit(logs);
  return found.map(file => fs.readFileSync(file, 'utf8')).join('\n');
}

describe('an untrusted workspace that sets where tokens go', function () {
  this.timeout(90_000);
  // Before the extension activates: the warning comes with activation.
  const prompts = stubPrompts();
  const network = recordNetwork();

  after(() => {
    prompts.restore();
    network.stop();
  });

  it('runs in restricted mode and signs in with the user\'s settings only', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the folder is not trusted');
    const a = await api();
    assert.equal(a.connection.state.kind, 'graph');
    assert.equal(a.connection.tenant!.graph.cloud.graphEndpoint, emulatorUrl, 'Graph is the user\'s endpoint');
    await a.store.refresh();
    assert.ok(SECTIONS.every(id => a.store.get(id).status === 'ready'), SECTIONS.map(id => `${id}: ${a.store.get(id).error?.message ?? 'ok'}`).join('; '));
    const elsewhere = network.attempts.filter(attempt => !/^(127\.0\.0\.1|localhost)(:|$)/.test(attempt.target));
    assert.deepEqual(elsewhere.map(x => x.target), [], describeAttempts(elsewhere));
  });

  it('still takes the workspace\'s other settings', async () => {
    const a = await api();
    assert.equal(a.store.alertsFilter.days, 7, 'alerts.days from the workspace');
  });

  it('names every ignored setting, in one notification and in the log', async () => {
    const expected = PROTECTED_KEYS.map(key => `securityPosture.${key}`).sort();
    const warning = await waitFor('the warning', () => prompts.shown.find(s => WARNING.test(s.message)));
    assert.deepEqual(WARNING.exec(warning.message)![1].split(', ').sort(), expected);
    const line = await waitFor('the log line', () => /Ignored workspace values of user-only settings: ([^\n]+)\./.exec(extensionLog()), 15_000);
    assert.deepEqual(line[1].split(', ').sort(), expected);
  });

  it('does not tell again on every later settings change', async () => {
    // Each settings change checks the settings again and logs the ignored values again: two more
    // log lines prove both changes were checked before "no second notification" is asserted.
    const checks = () => extensionLog().match(/Ignored workspace values of user-only settings: /g)?.length ?? 0;
    const before = await waitFor('the first check in the log', () => checks(), 15_000);
    const config = vscode.workspace.getConfiguration('securityPosture');
    await config.update('statusBar.enabled', false, vscode.ConfigurationTarget.Global);
    await config.update('statusBar.enabled', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('both changes checked', () => checks() >= before + 2, 15_000);
    assert.equal(prompts.shown.filter(s => WARNING.test(s.message)).length, 1, JSON.stringify(prompts.shown));
  });
});
