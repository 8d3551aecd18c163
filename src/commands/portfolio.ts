// The portfolio panel and "Export Portfolio Report": every customer of a CSP partner in one
// heatmap, and in one Markdown or CSV table, from the Portfolio service behind the Customers view.
import * as vscode from 'vscode';
import { PostureError } from '../graph/errors';
import { buildPortfolioReport, type PortfolioReportFormat } from '../model/portfolio/report';
import type { Portfolio } from '../tenant/portfolio';
import { registerCommand, type Services } from './command';

const FORMATS: { format: PortfolioReportFormat; label: string; detail: string; extension: string; filter: string }[] = [
  { format: 'markdown', label: 'Markdown report', detail: 'One row per customer: score, changes, comparison, open alerts, MFA, GDAP end, reason', extension: 'md', filter: 'Markdown' },
  { format: 'csv', label: 'CSV', detail: 'The same rows for spreadsheets', extension: 'csv', filter: 'CSV' },
];

export function registerPortfolioCommands(s: Services, portfolio: Portfolio): vscode.Disposable[] {
  return [
    registerCommand(s, 'securityPosture.showPortfolio', () => {
      s.panels.open('portfolio');
      // A panel already open reads the customers that went stale since.
      void portfolio.readCategories(true);
    }),
    registerCommand(s, 'securityPosture.exportPortfolioReport', async (format?: unknown, target?: unknown) => {
      if (!portfolio.connected) {
        throw new PostureError('notFound', 'No customers to report: the portfolio is for CSP partners. Sign in with a partner tenant, or explore the sample tenant.');
      }
      const chosen = FORMATS.find(f => f.format === format) ?? await vscode.window.showQuickPick(FORMATS, { title: 'Export Portfolio Report' });
      if (!chosen) {
        return undefined;
      }
      // Every customer: a read under way is waited for, and a portfolio never read is read first.
      if (portfolio.isRunning || portfolio.customers.length === 0) {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Reading customers for the portfolio report', cancellable: true }, async (_progress, token) => {
          const cancel = token.onCancellationRequested(() => portfolio.cancel());
          try {
            await (portfolio.isRunning ? portfolio.whenIdle() : portfolio.refresh(false));
          } finally {
            cancel.dispose();
          }
          if (token.isCancellationRequested) {
            throw new vscode.CancellationError();
          }
        });
      }
      if (portfolio.error && portfolio.customers.length === 0) {
        throw portfolio.error;
      }
      const generatedAt = new Date();
      const text = buildPortfolioReport(chosen.format, {
        generatedAt, results: portfolio.customers, warnings: portfolio.warnings,
        partnerLabel: s.connection.openCustomer ? 'The partner tenant' : s.connection.label,
      });
      const name = `security-posture-portfolio-${generatedAt.toISOString().slice(0, 10)}.${chosen.extension}`;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri = target instanceof vscode.Uri ? target : await vscode.window.showSaveDialog({
        title: 'Export Portfolio Report',
        defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
        filters: { [chosen.filter]: [chosen.extension] },
        saveLabel: 'Export',
      });
      if (!uri) {
        return undefined;
      }
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      if (!(target instanceof vscode.Uri)) {
        const open = await vscode.window.showInformationMessage(`Exported the portfolio report (${portfolio.customers.length} customers) to ${uri.scheme === 'file' ? uri.fsPath : uri.toString()}.`, chosen.format === 'markdown' ? 'Open Preview' : 'Open');
        if (open === 'Open Preview') {
          await vscode.commands.executeCommand('markdown.showPreview', uri);
        } else if (open) {
          await vscode.window.showTextDocument(uri);
        }
      }
      return uri;
    }),
  ];
}
