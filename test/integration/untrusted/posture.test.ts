// A posture file in an untrusted folder: its shape is still checked, but nothing is planned
// against Graph or applied, and the user is told why (Restricted Mode).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { RESTRICTED_MESSAGE } from '../../../src/commands/posture';
import { requestLog } from '../emulatorControl';
import { waitFor } from '../helpers';
import { stubPrompts } from '../prompts';
import { api } from '../trees';

describe('a posture file in Restricted Mode', function () {
  this.timeout(90_000);

  it('gets diagnostics, but Plan and Apply refuse with a clear message and nothing is written', async () => {
    const a = await api();
    assert.equal(vscode.workspace.isTrusted, false);
    const profile = a.store.get('profiles').data!.find(p => !p.id.startsWith('scid_') && !p.deprecated)!;
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'sent-to-you.posture.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`version: 1\ncontrols:\n  ${profile.id}: { state: ignored, comment: "apply me" }\n  OneAdmin: { state: reviewd }\n`));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const found = await waitFor('diagnostics', () => {
      const list = vscode.languages.getDiagnostics(uri).filter(d => d.source === 'Security Posture');
      return list.length ? list : undefined;
    });
    assert.deepEqual(found.map(d => `${d.code}@${document.getText(d.range)}`), ['state@reviewd']);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
    assert.ok(lenses.some(l => l.command?.title === 'Restricted Mode: trust this folder to compare the file with a tenant'), lenses.map(l => l.command?.title).join(', '));
    assert.ok(!lenses.some(l => /in sync|drift/.test(l.command?.title ?? '')));

    const before = Math.max(0, ...(await requestLog()).map(r => r.seq));
    const prompts = stubPrompts({ message: () => 'Apply' });
    try {
      assert.equal(await vscode.commands.executeCommand('securityPosture.planPosture', uri), undefined);
      assert.equal(await vscode.commands.executeCommand('securityPosture.applyPosture', uri), undefined);
      assert.deepEqual(prompts.shown.map(s => `${s.kind}: ${s.message}`), [`error: ${RESTRICTED_MESSAGE}`, `error: ${RESTRICTED_MESSAGE}`]);
    } finally {
      prompts.restore();
    }
    assert.deepEqual((await requestLog(before)).map(r => `${r.method} ${r.path}`), [], 'not even a read');
  });
});
