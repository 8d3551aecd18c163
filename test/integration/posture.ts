// Posture as code in the real VS Code, shared by the sample and emulator profiles: export → edit →
// diagnostics (each kind, at its range) → completion, hover, quick fix → drift after a state
// changed outside the file → plan → apply → re-plan shows nothing to do. The emulator profile
// also checks its write log holds exactly the planned writes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SecureScoreControlProfile } from '../../src/graph/types';
import type { PostureApplyResult, PosturePlan, TenantPlan } from '../../src/posture';
import { waitFor } from './helpers';
import { stubPrompts } from './prompts';
import { api, children, roots } from './trees';

export interface WriteLog {
  /** Where the log is now. */
  mark(): Promise<number>;
  /** Writes (`PATCH path` / `POST path`) since a mark. */
  since(mark: number): Promise<string[]>;
}

const folder = () => vscode.workspace.workspaceFolders![0].uri;

async function setText(uri: vscode.Uri, text: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(0, 0, document.lineCount, 0), text);
  assert.equal(await vscode.workspace.applyEdit(edit), true);
  await document.save();
  await vscode.window.showTextDocument(document);
  return document;
}

/** The extension's diagnostics once they reflect the current text. */
async function diagnostics(uri: vscode.Uri, check: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return waitFor('diagnostics of the posture file', () => {
    const list = vscode.languages.getDiagnostics(uri).filter(d => d.source === 'Security Posture');
    return check(list) ? list : undefined;
  });
}

async function lenses(uri: vscode.Uri): Promise<{ line: number; title: string }[]> {
  const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
  return found.filter(l => l.command).map(l => ({ line: l.range.start.line, title: l.command!.title }));
}

const lineOf = (document: vscode.TextDocument, text: string) => document.getText().split('\n').findIndex(l => l.includes(text));

export function postureScenario(name: string, log?: WriteLog): void {
  describe(`posture as code (${name})`, function () {
    this.timeout(120_000);
    const uri = () => vscode.Uri.joinPath(folder(), `${name}.posture.yaml`);
    let profiles: SecureScoreControlProfile[];
    let toChange: SecureScoreControlProfile;
    let untouched: SecureScoreControlProfile;

    before(async () => {
      const a = await api();
      await a.store.refresh(['profiles', 'scores', 'alerts']);
      profiles = a.store.get('profiles').data!;
      const state = (p: SecureScoreControlProfile) => p.controlStateUpdates.at(-1)?.state ?? 'Default';
      const candidates = profiles.filter(p => !p.deprecated && !p.id.startsWith('scid_') && state(p) === 'Default');
      [toChange, untouched] = [candidates[0], candidates[1]];
    });

    it('exports the current posture as a file with no problems, every entry in sync', async () => {
      const written = await vscode.commands.executeCommand<vscode.Uri>('securityPosture.exportPosture', uri());
      assert.equal(written.toString(), uri().toString());
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri()));
      assert.match(text, /^version: 1$/m);
      assert.match(text, new RegExp(`^ {2}${untouched.id}: \\{ state: default \\}`, 'm'));
      const entries = text.split('\n').filter(l => /^ {2}[\w.-]+: \{ state: /.test(l)).length;
      const expected = profiles.filter(p => !p.deprecated && !p.id.startsWith('scid_')).length;
      assert.equal(entries, expected);
      await diagnostics(uri(), d => d.length === 0);
      const all = await waitFor('a CodeLens per entry', async () => {
        const list = await lenses(uri());
        return list.filter(l => /in sync/.test(l.title)).length === expected ? list : undefined;
      });
      assert.deepEqual(all.slice(0, 2).map(l => l.title), ['$(checklist) Plan Posture', 'Apply Posture…']);
    });

    it('reports each kind of problem at its place, with quick fixes, completion and hover', async () => {
      const scid = profiles.find(p => p.id.startsWith('scid_'))!;
      const typo = `${untouched.id.slice(0, -1)}${untouched.id.endsWith('X') ? 'Y' : 'X'}`;
      const document = await setText(uri(), [
        'version: 1',
        'tenants: current',
        'controls:',
        `  ${typo}: { state: default }`,
        `  ${scid.id}: { state: default }`,
        `  ${toChange.id}: { state: ignored }`,
        `  ${profiles[2].id}: { state: thirdParty, comment: "Mimecast", assignedTo: bob }`,
        `  ${profiles[3].id}: { state: ignored, comment: "SEC-112", expires: 2020-01-31 }`,
        'alertRules:',
        '  - name: typo',
        "    match: 'severity:informational sevrity:low'",
        '    set: { status: resolved }',
        '',
      ].join('\n'));
      const found = await diagnostics(uri(), d => d.length >= 6);
      assert.deepEqual(found.map(d => `${d.code}@${document.getText(d.range)}`).sort(), [
        `assignee@bob`, `commentRequired@ignored`, `expired@2020-01-31`, `readOnlyControl@${scid.id}`, 'ruleMatch@sevrity', `unknownControl@${typo}`,
      ].sort());
      assert.match(found.find(d => d.code === 'unknownControl')!.message, new RegExp(`Did you mean "${untouched.id}"`));

      const typoRange = found.find(d => d.code === 'unknownControl')!.range;
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri(), typoRange);
      const fix = actions.find(x => x.title === `Change to "${untouched.id}"`);
      assert.ok(fix, actions.map(x => x.title).join(', '));
      const commentFix = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri(), found.find(d => d.code === 'commentRequired')!.range))
        .find(x => x.title === 'Add a comment');
      assert.ok(commentFix);
      await vscode.workspace.applyEdit(fix!.edit!);
      await vscode.workspace.applyEdit(commentFix!.edit!);
      assert.equal(document.lineAt(3).text, `  ${untouched.id}: { state: default }`);
      assert.equal(document.lineAt(5).text, `  ${toChange.id}: { state: ignored, comment: "TODO: why?" }`);
      await diagnostics(uri(), d => !d.some(x => x.code === 'unknownControl') && d.some(x => x.code === 'commentRequired' && document.getText(x.range) === '"TODO: why?"'));

      const hover = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri(), new vscode.Position(3, 4));
      // Markdown as the hover renders it: escaped punctuation and non-breaking spaces back to plain text.
      const hoverText = hover.flatMap(h => h.contents.map(c => (typeof c === 'string' ? c : c.value))).join('\n').replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
      assert.ok(hoverText.includes(`**${untouched.title}**`), hoverText);
      assert.match(hoverText, /Points: .* of \d+/);
      assert.match(hoverText, /To address/);

      // An action the file does not name yet (words of the file come from VS Code's own completion).
      const offered = profiles.find(p => !p.deprecated && !p.id.startsWith('scid_') && !document.getText().includes(p.id) && (p.controlStateUpdates.at(-1)?.state ?? 'Default') === 'Default')!;
      const typed = offered.id.slice(0, 4);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(uri(), new vscode.Position(8, 0), `  ${typed}\n`);
      await vscode.workspace.applyEdit(edit);
      const ids = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri(), new vscode.Position(8, 2 + typed.length));
      const item = ids.items.find(i => typeof i.label !== 'string' && i.label.label === offered.id);
      assert.ok(item, ids.items.slice(0, 5).map(i => JSON.stringify(i.label)).join(', '));
      assert.ok((item!.label as vscode.CompletionItemLabel).description?.startsWith(offered.title.slice(0, 50)), JSON.stringify(item!.label));
      assert.match(item!.detail ?? '', /^(–|[\d.]+) of \d+ points · To address$/);
      const states = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri(), new vscode.Position(3, document.lineAt(3).text.indexOf('default')));
      assert.deepEqual(states.items.filter(i => i.kind === vscode.CompletionItemKind.EnumMember).map(i => i.label).sort(), ['default', 'ignored', 'reviewed', 'thirdParty']);
      // Filter keys at the start of the match text (a key already used in the same text is not offered again).
      const matchLine = lineOf(document, 'match:');
      const keys = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri(), new vscode.Position(matchLine, document.lineAt(matchLine).text.indexOf("'severity") + 4));
      assert.ok(keys.items.some(i => i.label === 'severity:'), keys.items.map(i => JSON.stringify(i.label)).join(', '));
    });

    it('shows drift after a state changed outside the file, in Problems, CodeLens and on the row', async () => {
      const a = await api();
      const document = await setText(uri(), [
        'version: 1',
        'tenants: current',
        'controls:',
        `  ${toChange.id}: { state: thirdParty, comment: "Mimecast covers it", assignedTo: secops@contoso.example }`,
        `  ${untouched.id}: { state: default }`,
        'alertRules:',
        '  - name: informational triage',
        "    match: 'severity:informational status:new'",
        '    set: { status: inProgress, comment: "posture rule: informational triage" }',
        '',
      ].join('\n'));
      await waitFor('in sync lens', async () => (await lenses(uri())).some(l => l.line === 4 && l.title === '$(pass) in sync'));
      // Someone changes it in the portal: the file is not touched.
      const answers = await a.connection.tenant!.writes.patchControlProfiles([{ id: untouched.id, body: {
        state: 'Ignored', comment: 'changed in the portal', vendorInformation: { provider: 'SecureScore', providerVersion: null, subProvider: null, vendor: 'Microsoft' },
      } }]);
      assert.equal(answers.get(untouched.id)!.ok, true);
      await a.store.refresh(['profiles']);
      const last = a.store.get('profiles').data!.find(p => p.id === untouched.id)!.controlStateUpdates.at(-1)!;
      const drift = `drift: Graph says Risk accepted${last.updatedBy ? `, changed by ${last.updatedBy}` : ''} on ${last.updatedDateTime!.slice(0, 10)}`;
      await waitFor('drift lens', async () => (await lenses(uri())).some(l => l.line === 4 && l.title === `$(warning) ${drift}`));
      const problems = await diagnostics(uri(), d => d.some(x => x.code === 'drift' && x.range.start.line === 4));
      assert.equal(problems.find(x => x.range.start.line === 4)!.message, drift);
      assert.equal(document.getText(problems.find(x => x.range.start.line === 4)!.range), untouched.id);
      const row = await waitFor('the row marked', async () => {
        for (const group of await roots('controls')) {
          const found = (await children(group)).find(r => r.node.id.endsWith(`/profile/${untouched.id}`));
          if (found && found.description.includes('≠ posture file')) {
            return found;
          }
        }
        return undefined;
      });
      assert.match(row.contextValue, /\+postureDrift/);
    });

    it('plans, applies exactly the plan after a confirmation naming the tenant, and has nothing to do the second time', async () => {
      const a = await api();
      const plan = (await vscode.commands.executeCommand<PosturePlan>('securityPosture.planPosture', uri()))!;
      const tenant = plan.tenants[0] as TenantPlan;
      assert.deepEqual(tenant.controls.map(c => `${c.id}:${c.status}`), [`${toChange.id}:change`, `${untouched.id}:change`]);
      assert.equal(vscode.window.activeTextEditor?.document.uri.scheme, 'security-posture-plan');
      const planText = vscode.window.activeTextEditor!.document.getText();
      assert.match(planText, /^# Posture plan: /);
      assert.match(planText, /### Secure Score effect/);
      assert.match(planText, /### Improvement actions that change \(2\)/);
      const alertIds = tenant.rules[0].changes.map(c => c.alert.id);
      assert.ok(alertIds.length > 0, 'the rule matches new informational alerts');

      const prompts = stubPrompts({ message: shown => (shown.modal ? 'Apply' : undefined) });
      try {
        const mark = await log?.mark();
        const result = (await vscode.commands.executeCommand<PostureApplyResult>('securityPosture.applyPosture', uri()))!;
        const modal = prompts.shown.find(x => x.modal)!;
        assert.equal(modal.message, `Apply ${name}.posture.yaml to ${tenant.name}: 2 improvement actions, ${alertIds.length} alert${alertIds.length === 1 ? '' : 's'}?`);
        assert.deepEqual(modal.items, ['Apply']);
        assert.deepEqual(result.tenants[0].controls.map(r => `${r.id}:${r.outcome}`), [`${toChange.id}:updated`, `${untouched.id}:updated`]);
        assert.equal(result.tenants[0].alerts.filter(r => r.outcome === 'updated').length, alertIds.length);
        await waitFor('the report', () => prompts.shown.some(x => x.message === `Apply ${name}.posture.yaml: ${2 + alertIds.length} updated.`));
        if (log) {
          const expected = [
            ...[toChange.id, untouched.id].map(id => `PATCH /v1.0/security/secureScoreControlProfiles/${id}`),
            ...alertIds.flatMap(id => [`PATCH /v1.0/security/alerts_v2/${id}`, `POST /v1.0/security/alerts_v2/${id}/comments`]),
          ].sort();
          assert.deepEqual((await log.since(mark!)).sort(), expected);
        }
        const stored = a.store.get('profiles').data!.find(p => p.id === toChange.id)!.controlStateUpdates.at(-1)!;
        assert.deepEqual([stored.state, stored.comment, stored.assignedTo], ['ThirdParty', 'Mimecast covers it', 'secops@contoso.example']);

        const again = (await vscode.commands.executeCommand<PosturePlan>('securityPosture.planPosture', uri()))!;
        assert.equal(again.writes, 0, vscode.window.activeTextEditor!.document.getText());
        const mark2 = await log?.mark();
        assert.equal(await vscode.commands.executeCommand('securityPosture.applyPosture', uri()), undefined);
        assert.ok(prompts.shown.some(x => x.message === `${name}.posture.yaml: nothing to do; every tenant is in sync with the file.`), prompts.shown.map(x => x.message).join('\n'));
        assert.equal(prompts.shown.filter(x => x.modal).length, 1, 'no second confirmation: nothing to confirm');
        if (log) {
          assert.deepEqual(await log.since(mark2!), []);
        }
        await waitFor('in sync lenses above both entries', async () => (await lenses(uri())).filter(l => (l.line === 3 || l.line === 4) && /^\$\(pass\) in sync/.test(l.title)).length === 2);
      } finally {
        prompts.restore();
      }
    });
  });
}
