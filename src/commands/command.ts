// One wrapper around every command: cancellation is silent; errors are logged in full and shown
// as one short notification with "Show Log".
import * as vscode from 'vscode';
import { errorFromException, isCancellation, PostureError } from '../graph/errors';
import type { Connection } from '../connection';
import { safeLabel } from '../model/format';
import type { HistoryService } from '../model/historyStore';
import type { PendingUpdates } from '../model/pending';
import type { PlanStore } from '../model/plan';
import type { StoreView } from '../model/store';
import type { Settings } from '../settings';
import type { Node } from '../views/node';
import type { PanelController } from '../views/panels/controller';
import type { PostureTreeProvider } from '../views/provider';
import type { VisibleScheduler } from '../views/scheduler';
import type { ViewName } from '../views/table';

export interface Services {
  context: vscode.ExtensionContext;
  store: StoreView;
  /** Writes in flight and changes awaiting Microsoft's sync, shown on rows. */
  pending: PendingUpdates;
  connection: Connection;
  log: vscode.LogOutputChannel;
  settings(): Settings;
  /** Re-reads settings and reconnects (after a setting or the account changed). */
  reconnect(interactive: boolean): Promise<void>;
  views: Record<ViewName, { provider: PostureTreeProvider; view: vscode.TreeView<Node> }>;
  /** Runs what should happen only while a view is visible. */
  scheduler: VisibleScheduler;
  /** The webview panels (score history and analytics). */
  panels: PanelController;
  /** Score history beyond Graph's 90 days, per tenant. */
  history: HistoryService;
  /** The what-if plan, per tenant. */
  plan: PlanStore;
}

export function registerCommand(services: Services, id: string, handler: (...args: never[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await (handler as (...a: unknown[]) => unknown)(...args);
    } catch (raw) {
      if (isCancellation(raw)) {
        return undefined;
      }
      const error = errorFromException(raw);
      services.log.error(`${id}: ${error.logText}`);
      if (error.details.cause && !(error.details.cause instanceof PostureError)) {
        services.log.debug(String((error.details.cause as Error)?.stack ?? error.details.cause));
      }
      // Messages can quote Graph (titles, its own error text): shown as plain text, never as links.
      void vscode.window.showErrorMessage(safeLabel(error.message, 1000), 'Show Log').then(choice => choice && services.log.show(true));
      return undefined;
    }
  });
}

