// Opening the analytics panels, the what-if plan, and exporting / importing the score history.
import * as os from 'os';
import * as vscode from 'vscode';
import { PostureError } from '../graph/errors';
import { buildControlRows } from '../model/controls';
import { points, safeLabel } from '../model/format';
import { dayOf } from '../model/history';
import { sortSnapshots } from '../model/secureScore';
import { entityOf } from '../views/node';
import { registerCommand, type Services } from './command';

/** A category row, a category name (from code), or nothing (the palette). */
function categoryOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') {
    return arg;
  }
  const entity = entityOf(arg);
  return entity?.kind === 'category' ? entity.category : undefined;
}

function defaultFolder(): vscode.Uri {
  return vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
}

export function registerPanelCommands(s: Services): vscode.Disposable[] {
  const tenantKey = () => {
    const key = s.store.currentTenantKey;
    if (!key) {
      throw new PostureError('signIn', 'Sign in to Microsoft, or explore the sample tenant, first.');
    }
    return key;
  };
  return [
    registerCommand(s, 'securityPosture.showScoreHistory', (arg?: unknown) => {
      s.panels.open('secureScore', { category: categoryOf(arg) });
    }),
    registerCommand(s, 'securityPosture.showPartnerHistory', () => s.panels.open('partner')),
    registerCommand(s, 'securityPosture.showWhatChanged', () => s.panels.open('whatChanged')),
    registerCommand(s, 'securityPosture.showWhatIf', () => s.panels.open('whatIf')),
    registerCommand(s, 'securityPosture.showHonestyMeter', () => s.panels.open('honesty')),

    registerCommand(s, 'securityPosture.exportHistory', async (target?: unknown) => {
      tenantKey();
      const text = await s.history.exportJson();
      const uri = target instanceof vscode.Uri ? target : await vscode.window.showSaveDialog({
        title: 'Export Score History',
        defaultUri: vscode.Uri.joinPath(defaultFolder(), `secure-score-history-${dayOf(new Date().toISOString())}.json`),
        filters: { 'JSON': ['json'] },
      });
      if (!uri) {
        return;
      }
      await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
      const days = s.history.current().days.length;
      void vscode.window.showInformationMessage(`Exported ${days} day${days === 1 ? '' : 's'} of score history to ${vscode.workspace.asRelativePath(uri)}.`);
    }),
    registerCommand(s, 'securityPosture.importHistory', async (source?: unknown) => {
      tenantKey();
      const uri = source instanceof vscode.Uri ? source : (await vscode.window.showOpenDialog({
        title: 'Import Score History', canSelectMany: false, defaultUri: defaultFolder(), filters: { 'JSON': ['json'] },
      }))?.[0];
      if (!uri) {
        return;
      }
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (bytes.byteLength > 50 * 1024 * 1024) {
        throw new PostureError('badRequest', 'That file is larger than 50 MB; it is not a score history.');
      }
      const { added, total } = await s.history.importJson(Buffer.from(bytes).toString('utf8'));
      void vscode.window.showInformationMessage(added
        ? `Imported ${added} day${added === 1 ? '' : 's'} of score history; ${total} days are stored now.`
        : 'Nothing new: every day in that file is already stored.');
    }),

    registerCommand(s, 'securityPosture.planControls', async () => {
      const key = tenantKey();
      const latest = sortSnapshots(s.store.get('scores').data ?? [])[0];
      const rows = buildControlRows(s.store.get('profiles').data ?? [], latest).filter(r => !r.deprecated);
      if (rows.length === 0) {
        throw new PostureError('notFound', 'No improvement actions are loaded. Refresh the Improvement Actions view first.');
      }
      const planned = new Set(s.plan.get(key));
      const items = rows
        .map(r => ({ remaining: Math.max(0, r.max - (r.earned ?? 0)), row: r }))
        .sort((a, b) => b.remaining - a.remaining || a.row.rank - b.row.rank)
        .map(({ remaining, row }) => ({
          label: safeLabel(row.title),
          description: `+${points(remaining)} points · ${row.category} · ${row.userImpact} impact`,
          picked: planned.has(row.id),
          id: row.id,
        }));
      const picked = await vscode.window.showQuickPick(items, {
        title: 'Plan Improvement Actions (what-if projection)', canPickMany: true, matchOnDescription: true,
        placeHolder: 'Tick the actions you plan to complete',
      });
      if (picked) {
        await s.plan.replace(key, picked.map(p => p.id));
      }
    }),
    registerCommand(s, 'securityPosture.clearPlan', async () => {
      await s.plan.forget(tenantKey());
    }),

    registerCommand(s, 'securityPosture.revealControl', async (id: unknown) => {
      if (typeof id !== 'string') {
        return;
      }
      const { view, provider } = s.views.controls;
      // Show the view first: a reveal in a collapsed view selects nothing.
      await vscode.commands.executeCommand('securityPosture.controls.focus');
      for (const group of await provider.getChildren()) {
        const node = (await provider.getChildren(group)).find(n => n.id.endsWith(`/controls/profile/${id}`));
        if (node) {
          await view.reveal(node, { select: true, focus: true, expand: true });
          return;
        }
      }
      const deprecated = s.store.get('profiles').data?.some(p => p.id === id && p.deprecated);
      throw new PostureError('notFound', deprecated
        ? 'That improvement action is deprecated: show deprecated actions in the Improvement Actions view to see it.'
        : 'That improvement action is not in the Improvement Actions view (Microsoft may have removed it).');
    }),
  ];
}
