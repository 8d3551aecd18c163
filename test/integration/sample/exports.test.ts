// Only the extension's own tests see its test surface (store, connection, Graph client): a
// normally installed extension exports nothing that holds a credential.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { exportsFor, type SecurityPostureApi } from '../../../src/extension';
import { getExtension } from '../helpers';

describe('What the extension exports', () => {
  it('hands the test surface only to tests, and nothing to other extensions in normal use', async () => {
    const extension = getExtension();
    const api = (extension.isActive ? extension.exports : await extension.activate()) as SecurityPostureApi;
    assert.ok(api?.connection, 'this suite runs in test mode and gets the test surface');
    assert.equal(exportsFor(vscode.ExtensionMode.Production, api), undefined, 'an installed extension exports nothing');
    assert.equal(exportsFor(vscode.ExtensionMode.Development, api), undefined, 'nor one run from its folder (F5)');
    assert.equal(exportsFor(vscode.ExtensionMode.Test, api), api);
  });
});
