// Sign-in secrets and signing out, through the real commands: the client secret goes to VS Code's
// secret storage and nowhere in settings; error messages carry no token; "Sign Out" holds for an
// app-only sign-in too, and "Sign Out and Forget Saved Data" leaves nothing to restore.
// (After the whole profile, the runner searches every file VS Code wrote for tokens and the
// secret: test/host/secrets.ts.)
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ConnectionState } from '../../../src/connection';
import { SECTIONS } from '../../../src/model/store';
import { faults } from '../emulatorControl';
import { manifest, waitFor } from '../helpers';
import { stubPrompts } from '../prompts';
import { api, VIEWS, walk } from '../trees';

const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\./;

function config() {
  return vscode.workspace.getConfiguration('securityPosture');
}

/** Runs `action` and returns what `capture` saw at the next connection to Graph (sections are restored by then). */
async function atNextConnect<T>(action: () => Thenable<unknown>, capture: () => T): Promise<T> {
  const a = await api();
  let seen: { value: T } | undefined;
  const listener = a.connection.onDidChange((state: ConnectionState) => {
    if (state.kind === 'graph') {
      seen ??= { value: capture() };
    }
  });
  try {
    await action();
    return (await waitFor('the connection', () => seen)).value;
  } finally {
    listener.dispose();
  }
}

describe('sign-in secrets and signing out', function () {
  this.timeout(120_000);

  it('keeps a client secret set with "Set Client Secret…" in secret storage only, and signs in with it', async () => {
    const a = await api();
    const secret = process.env.AZURE_CLIENT_SECRET!;
    assert.ok(secret, 'the emulator profile provides the app\'s secret');
    const prompts = stubPrompts({ input: () => secret, message: () => 'Use Client Secret' });
    try {
      await vscode.commands.executeCommand('securityPosture.setClientSecret');
      await waitFor('sign-in with the client secret', () => a.connection.state.kind === 'graph' && config().get('authMethod') === 'clientSecret');
      await a.ready();
      await a.store.refresh();
      assert.ok(SECTIONS.every(id => a.store.get(id).status === 'ready'), 'Graph answered the client secret\'s tokens');
      const properties = Object.keys((manifest.contributes as { configuration?: { properties?: object } }).configuration?.properties ?? {});
      for (const key of properties) {
        assert.ok(!JSON.stringify(vscode.workspace.getConfiguration().inspect(key)).includes(secret), `${key} does not hold the secret`);
      }
      assert.ok(!prompts.shown.some(s => s.message.includes(secret)), 'no message shows it');
    } finally {
      prompts.restore();
      await atNextConnect(() => config().update('authMethod', 'environment', vscode.ConfigurationTarget.Global), () => undefined);
    }
  });

  it('puts no token in what it shows or logs when Graph refuses', async () => {
    const a = await api();
    await faults({
      add: [
        { path: 'secureScores', fault: { kind: 'status', status: 401, message: 'Bearer token rejected' } },
        { path: 'secureScoreControlProfiles', fault: { kind: 'status', status: 403 } },
        { path: 'alerts_v2', fault: { kind: 'status', status: 500 } },
        { path: 'partner', fault: { kind: 'malformed' } },
      ],
    });
    try {
      await a.store.refresh();
    } finally {
      await faults({ clear: true });
    }
    const texts = SECTIONS.flatMap(id => {
      const error = a.store.get(id).error;
      return error ? [error.message, error.logText] : [];
    });
    assert.ok(texts.length >= 4, texts.join('\n'));
    for (const view of VIEWS) {
      for (const row of await walk(view)) {
        texts.push(row.label, row.description, typeof row.item.tooltip === 'string' ? row.item.tooltip : row.item.tooltip?.value ?? '');
      }
    }
    assert.deepEqual(texts.filter(t => JWT.test(t) || /Bearer ey/i.test(t)), []);
  });

  it('stays signed out after "Sign Out", even with an app-only sign-in, until the user signs in', async () => {
    const a = await api();
    await a.store.refresh();
    const prompts = stubPrompts({ message: shown => (shown.modal ? 'Sign Out' : undefined) });
    try {
      await vscode.commands.executeCommand('securityPosture.signOut');
      assert.equal(a.connection.state.kind, 'signedOut');
      await vscode.commands.executeCommand('securityPosture.refresh');
      assert.equal(a.connection.state.kind, 'signedOut', 'a refresh does not sign in again');
      // A change of a sign-in setting reconnects (without asking): still signed out.
      await config().update('clientCertificatePath', '', vscode.ConfigurationTarget.Global);
      await config().update('clientCertificatePath', undefined, vscode.ConfigurationTarget.Global);
      await a.ready();
      assert.equal(a.connection.state.kind, 'signedOut', 'nor does a settings change');
    } finally {
      prompts.restore();
    }
    const restored = await atNextConnect(() => vscode.commands.executeCommand('securityPosture.signIn'), () => SECTIONS.map(id => a.store.get(id).data !== undefined));
    assert.deepEqual(restored, SECTIONS.map(() => true), 'the saved data was kept and shows at once');
  });

  it('forgets the tenant\'s saved data on "Sign Out and Forget Saved Data"', async () => {
    const a = await api();
    await a.ready();
    await a.store.refresh();
    const prompts = stubPrompts({ message: shown => (shown.modal ? 'Sign Out and Forget Saved Data' : undefined) });
    try {
      await vscode.commands.executeCommand('securityPosture.signOut');
    } finally {
      prompts.restore();
    }
    assert.equal(a.connection.state.kind, 'signedOut');
    const restored = await atNextConnect(() => vscode.commands.executeCommand('securityPosture.signIn'), () => SECTIONS.map(id => a.store.get(id).data !== undefined));
    assert.deepEqual(restored, SECTIONS.map(() => false), 'nothing saved of the tenant is left to show');
    await a.ready();
    await a.store.refresh();
    assert.ok(SECTIONS.every(id => a.store.get(id).status === 'ready'));
  });
});
