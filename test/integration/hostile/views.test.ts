// Hostile Graph data in the real VS Code (every string of every resource a payload: see
// src/sample/hostile.ts), through HTTPS and MSAL: every row of every view is plain, bounded text;
// tooltips are untrusted markdown without links, images or HTML; "Open" actions open only https
// links and say where they go first; messages and pickers quoting Graph text carry no links;
// the webview panels get their models without failing. (The pages themselves are checked in
// Chromium: test/e2e/hostile.test.ts.)
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { isHttpsUrl, isMicrosoftHost } from '../../../src/graph/clouds';
import { SECTIONS } from '../../../src/model/store';
import { PANEL_KINDS } from '../../../src/webview/protocol';
import { entityOf, graphObjectOf } from '../../../src/views/node';
import { faults } from '../emulatorControl';
import { waitFor } from '../helpers';
import { stubPrompts, type Shown } from '../prompts';
import { api, VIEWS, walk, type RenderedRow } from '../trees';

const DISGUISE = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF\u0000-\u001F]/;
/** `[text](target)` as notifications, prompts and pickers render it. */
const LINK = /\[[^\]]+\]\((?:https?:|command:|file:)/i;

/** Markdown with backslash escapes removed: what is left is markup the renderer would act on. */
const unescaped = (markdown: string) => markdown.replace(/\\./g, '');

function assertPlain(text: string | undefined, where: string): void {
  assert.ok((text ?? '').length <= 301, `${where}: ${text?.length} characters`);
  assert.doesNotMatch(text ?? '', DISGUISE, where);
  assert.doesNotMatch(text ?? '', LINK, where);
}

function assertMessages(shown: Shown[]): void {
  for (const s of shown) {
    assert.doesNotMatch(s.message, LINK, s.message);
    assert.doesNotMatch(s.message, DISGUISE, s.message);
  }
}

describe('hostile Graph data in the views', function () {
  this.timeout(180_000);
  const rows = new Map<string, RenderedRow[]>();

  before(async () => {
    const a = await api();
    await a.store.refresh();
    for (const view of VIEWS) {
      rows.set(view, await walk(view));
    }
  });

  it('loads every section and renders every row of every view', async () => {
    const a = await api();
    for (const id of SECTIONS) {
      assert.equal(a.store.get(id).status, 'ready', `${id}: ${a.store.get(id).error?.logText}`);
    }
    const ids = new Set<string>();
    for (const view of VIEWS) {
      const all = rows.get(view)!;
      assert.ok(all.length > 5, `${view}: ${all.length} rows`);
      for (const row of all) {
        assert.ok(!ids.has(row.node.id), `duplicate id ${row.node.id}`);
        assert.ok(row.node.id.length < 400, `a small id: ${row.node.id.slice(0, 200)}…`);
        ids.add(row.node.id);
      }
    }
    const alerts = rows.get('alerts')!.filter(r => r.contextValue.startsWith('alert+'));
    assert.ok(alerts.some(r => r.label.includes('<script>')), 'the hostile titles are there, as text');
  });

  it('shows labels, descriptions and accessibility labels as bounded plain text', () => {
    for (const [view, all] of rows) {
      for (const row of all) {
        const where = `${view} ${row.node.id}`;
        assertPlain(row.label, `${where} label`);
        assertPlain(row.description, `${where} description`);
        assertPlain(row.item.accessibilityInformation?.label.slice(0, 300), `${where} accessibility label`);
        assert.ok(!row.item.command || row.item.command.command.startsWith('securityPosture.'), `${where} runs only our commands`);
      }
    }
  });

  it('builds every tooltip as untrusted markdown without HTML, links, images or icons', () => {
    let tooltips = 0;
    for (const [view, all] of rows) {
      for (const row of all) {
        const tip = row.item.tooltip;
        if (tip === undefined) {
          continue;
        }
        const where = `${view} ${row.node.id} tooltip`;
        assert.ok(tip instanceof vscode.MarkdownString, `${where} is markdown built by the tooltip helper`);
        tooltips++;
        assert.notEqual(tip.isTrusted, true, where);
        assert.notEqual(tip.supportHtml, true, where);
        assert.notEqual(tip.supportThemeIcons, true, where);
        const markup = unescaped(tip.value);
        assert.doesNotMatch(markup, /\]\(|!\[|<\w/, `${where}: ${markup.slice(0, 300)}`);
        assert.ok(tip.value.length < 12_000, `${where}: ${tip.value.length} characters`);
      }
    }
    assert.ok(tooltips > 100, `${tooltips} tooltips`);
  });

  it('opens only https links, and says where a link goes before opening it', async () => {
    const env = vscode.env as unknown as { openExternal: (uri: vscode.Uri) => Thenable<boolean> };
    const openExternal = env.openExternal;
    const opened: string[] = [];
    env.openExternal = async uri => {
      opened.push(uri.toString(true));
      return true;
    };
    const prompts = stubPrompts({ message: shown => (shown.modal ? 'Open' : undefined) });
    const targets: Array<{ command: string; row: RenderedRow; url: unknown }> = [];
    for (const row of [...rows.values()].flat()) {
      const data = graphObjectOf(entityOf(row.node)) as Record<string, unknown> | undefined;
      if (row.contextValue.startsWith('alert+')) {
        targets.push({ command: 'securityPosture.openAlertInPortal', row, url: data?.alertWebUrl }, { command: 'securityPosture.openIncidentInPortal', row, url: data?.incidentWebUrl });
      } else if (/^(controlProfile|requirement)\b/.test(row.contextValue)) {
        targets.push({ command: 'securityPosture.openActionUrl', row, url: data?.actionUrl });
        if (row.contextValue.startsWith('requirement')) {
          targets.push({ command: 'securityPosture.openHelpUrl', row, url: data?.helpUrl });
        }
      }
    }
    const seen = { refused: 0, asked: 0, opened: 0 };
    try {
      for (const { command, row, url } of targets) {
        const before = { opened: opened.length, shown: prompts.shown.length };
        await vscode.commands.executeCommand(command, row.node);
        const said = prompts.shown.slice(before.shown);
        if (!isHttpsUrl(url as string)) {
          seen.refused++;
          assert.equal(opened.length, before.opened, `${command} refused ${String(url).slice(0, 60)}`);
          assert.ok(said.some(s => s.kind === 'error' && /has no https link/.test(s.message)), `${command}: says why`);
          continue;
        }
        assert.deepEqual(opened.slice(before.opened), [new URL(url as string).toString()], `${command} opened ${url}`);
        const host = new URL(url as string).host;
        const asked = said.some(s => s.modal && s.message.includes(host));
        assert.equal(asked, !isMicrosoftHost(host), `${command}: ${asked ? 'asked' : 'did not ask'} before opening ${host}`);
        seen[asked ? 'asked' : 'opened']++;
      }
    } finally {
      env.openExternal = openExternal;
      prompts.restore();
    }
    assert.ok(targets.length > 50, `${targets.length} links tried`);
    // Both ways a hostile link can go happened (every https link here is to another site, so
    // none opens without the question), so each branch above asserted something.
    assert.ok(seen.refused > 0 && seen.asked > 0, JSON.stringify(seen));
    assert.ok(opened.includes('https://attacker.example/login'), 'the https link to another site opened, after the question');
    assert.ok(opened.every(u => u.startsWith('https://')), opened.join('\n'));
    assertMessages(prompts.shown);
  });

  it('quotes Graph text in pickers and messages without links or disguises', async () => {
    const a = await api();
    const alerts = a.store.get('alerts').data!.groups.flatMap(g => g.items).filter(x => x.title).slice(0, 3);
    const picked: vscode.QuickPickItem[] = [];
    const prompts = stubPrompts({
      quickPick: items => {
        picked.push(...items);
        return undefined;
      },
    });
    await faults({ add: [{ method: 'PATCH', path: 'alerts_v2', fault: { kind: 'status', status: 400, code: '', message: '[Fix it](command:workbench.action.terminal.new) \u202Eexe' } }] });
    try {
      await vscode.commands.executeCommand('securityPosture.openAlertInPortal');
      await vscode.commands.executeCommand('securityPosture.setAlertStatus', alerts[0], alerts[0].status === 'new' ? 'inProgress' : 'new');
      await waitFor('the failure message', () => prompts.shown.some(s => s.kind === 'error'));
    } finally {
      prompts.restore();
      await faults({ clear: true });
    }
    assert.ok(picked.length > 10, `${picked.length} alerts offered`);
    for (const item of picked) {
      assertPlain(item.label, `picker label ${item.detail}`);
      assertPlain(item.description, `picker description ${item.detail}`);
    }
    assertMessages(prompts.shown);
    assert.ok(prompts.shown.some(s => s.message.includes('[Fix it] (command:')), 'Graph\'s message shows, as text');
  });

  it('gives every webview panel its model from hostile data', async () => {
    const a = await api();
    for (const kind of PANEL_KINDS) {
      a.panels.open(kind);
      await waitFor(`the ${kind} panel's model`, () => a.panels.snapshots().find(s => s.kind === kind && s.model), 60_000);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

