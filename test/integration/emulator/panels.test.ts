// The analytics panels through the HTTPS emulator: Graph's 90 days go into the stored history
// and every panel gets its numbers.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { parseHistory } from '../../../src/model/history';
import type { PanelKind } from '../../../src/webview/protocol';
import { waitFor } from '../helpers';
import { PANEL_COMMANDS } from '../panels';
import { api } from '../trees';


describe('analytics panels through the HTTPS emulator', function () {
  this.timeout(60_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('stores Graph\'s snapshots per tenant and sends every panel its numbers', async () => {
    const a = await api();
    await a.store.refresh();
    await a.history.settled();
    const tenantKey = a.store.currentTenantKey!;
    const stored = parseHistory(JSON.parse(fs.readFileSync(a.history.fileFor(tenantKey), 'utf8')));
    assert.equal(stored.days.length, 90);
    assert.ok(stored.partner.length > 0, 'the partner score history is stored too');
    for (const kind of Object.keys(PANEL_COMMANDS) as PanelKind[]) {
      await vscode.commands.executeCommand(PANEL_COMMANDS[kind]);
      const model = await waitFor(`${kind} model`, () => a.panels.snapshots().find(s => s.kind === kind && s.ready)?.model, 30_000);
      if (kind === 'portfolio') {
        // Customers stream in (notices say how far): the sample suite checks its rows.
        assert.ok(model.heatmap, 'the portfolio panel draws a heatmap, not chart cards');
        continue;
      }
      assert.ok(model.cards.length > 0, kind);
      for (const card of model.cards) {
        assert.equal(card.empty, undefined, `${kind}/${card.id} has data`);
      }
      assert.deepEqual(model.notices, [], `${kind}: no notices`);
    }
  });
});
