// What the extension accepts from outside its user's own settings: links from Graph data (https
// only, no disguises, and which ones are Microsoft's), text that ends up in notifications, and
// the keys a workspace's settings file sets.
import * as assert from 'node:assert/strict';
import { isHttpsUrl, isMicrosoftHost } from '../../src/graph/clouds';
import { humanize, safeLabel } from '../../src/model/format';
import { HOSTILE_TEXT, HOSTILE_URLS } from '../../src/sample/hostile';
import { settingKeys } from '../../src/settingsText';

/** The link syntax VS Code renders in notifications and prompts (its parseLinkedText). */
const LINKED_TEXT = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

describe('links from Graph data', () => {
  it('offers only plain https links', () => {
    assert.deepEqual(HOSTILE_URLS.filter(url => isHttpsUrl(url)), ['https://attacker.example/login']);
    for (const url of ['https://security.microsoft.com/alerts/da1?tid=x', 'https://portal.azure.com/#view/Microsoft_AAD_IAM', 'https://aka.ms/mfa']) {
      assert.ok(isHttpsUrl(url), url);
    }
    for (const url of ['https://user:pass@security.microsoft.com/', 'https://security.microsoft.com/\u202Etxt.exe', 'https://security.microsoft.com/a b', 'https:', '', undefined, null]) {
      assert.ok(!isHttpsUrl(url), String(url));
    }
    assert.ok(!isHttpsUrl(42 as unknown as string), 'a number where a link should be');
  });

  it('knows Microsoft\'s sites, in every cloud, and nothing that only looks like one', () => {
    for (const host of ['security.microsoft.com', 'partner.microsoft.com', 'portal.azure.com', 'security.microsoft.us', 'security.apps.mil', 'portal.azure.cn', 'aka.ms', 'PORTAL.AZURE.COM']) {
      assert.ok(isMicrosoftHost(host), host);
    }
    for (const host of ['attacker.example', 'security.microsoft.com.attacker.example', 'evilmicrosoft.com', 'microsoft.com-login.example', 'aka.ms.example']) {
      assert.ok(!isMicrosoftHost(host), host);
    }
  });
});

describe('Graph text in labels and notifications', () => {
  it('never leaves a link, a disguising character or a second line', () => {
    for (const payload of HOSTILE_TEXT) {
      for (const text of [safeLabel(payload), humanize(payload)]) {
        assert.deepEqual([...text.matchAll(LINKED_TEXT)], [], text);
        assert.doesNotMatch(text, /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF\n\r\u0000]/, text);
      }
    }
    assert.equal(safeLabel('[Open settings](command:workbench.action.openSettings)'), '[Open settings] (command:workbench.action.openSettings)');
    assert.equal(safeLabel('x'.repeat(100_000)).length, 301, '300 characters and an ellipsis');
    assert.ok(humanize('A'.repeat(100_000)).length <= 201, 'an unknown enum member is bounded too');
  });
});

describe('keys a settings file sets', () => {
  it('reads JSON with comments and trailing commas, flattening nested objects', () => {
    const text = `{
      // "securityPosture.tenantId": "commented out",
      "securityPosture.cloud": "Custom", /* block "securityPosture.authMethod": "x" */
      "securityPosture.customCloud": { "graphEndpoint": "https://attacker.example", },
      "editor.fontSize": 14,
      "note": "a string with // and /* and ,} inside",
    }`;
    assert.deepEqual(settingKeys(text), [
      'securityPosture.cloud', 'securityPosture.customCloud', 'securityPosture.customCloud.graphEndpoint', 'editor.fontSize', 'note',
    ]);
  });

  it('reads the settings of a .code-workspace file, and keys of a file it cannot parse', () => {
    assert.deepEqual(settingKeys('{ "folders": [], "settings": { "securityPosture": { "clientId": "x" } } }', 'settings'), ['securityPosture', 'securityPosture.clientId']);
    assert.deepEqual(settingKeys('{ "securityPosture.authMethod": "environment" "securityPosture.tenantId": '), ['securityPosture.authMethod', 'securityPosture.tenantId']);
    assert.deepEqual(settingKeys(''), []);
  });

  it('reads a large file in linear time', () => {
    const big = `{ ${Array.from({ length: 20_000 }, (_, i) => `"k${i}": "v, } // ${i}", /* c */`).join('\n')} }`;
    const started = Date.now();
    assert.equal(settingKeys(big).length, 20_000);
    assert.ok(Date.now() - started < 2_000, `${Date.now() - started} ms`);
  });
});
