// "Export Posture Report…": pick a format, pick where (showSaveDialog), write it, offer to open it.
import * as vscode from 'vscode';
import { PostureError } from '../graph/errors';
import { buildReport, reportInputFromStore, type ReportFormat, type ReportInput } from '../model/report';
import { registerCommand, type Services } from './command';

const FORMATS: { format: ReportFormat; label: string; detail: string; extension: string; filter: string; suffix: string }[] = [
  { format: 'markdown', label: 'Markdown report', detail: 'Score, weekly trend, categories, top actions, open alerts, partner requirements, customers without MFA', extension: 'md', filter: 'Markdown', suffix: 'report' },
  { format: 'controlsCsv', label: 'CSV: improvement actions (control profiles)', detail: 'One row per control profile with points, state, impact and cost', extension: 'csv', filter: 'CSV', suffix: 'improvement-actions' },
  { format: 'alertsCsv', label: 'CSV: alerts', detail: 'The alerts loaded in the Alerts view', extension: 'csv', filter: 'CSV', suffix: 'alerts' },
  { format: 'customersCsv', label: 'CSV: customer insights', detail: 'Each customer\'s MFA status (CSP partners)', extension: 'csv', filter: 'CSV', suffix: 'customers' },
  { format: 'json', label: 'JSON', detail: 'Everything above, for scripts', extension: 'json', filter: 'JSON', suffix: 'report' },
];

/** The store's data for a report; sections never loaded are loaded first. */
async function reportInput(s: Services, format: ReportFormat): Promise<ReportInput> {
  if (!s.store.connected) {
    await s.reconnect(false);
  }
  const { input, reasons } = await reportInputFromStore(s.store, format, { tenantLabel: s.connection.label, customerNames: s.connection.customerNames });
  if (!input) {
    throw new PostureError('notFound', `Nothing to export: ${Object.values(reasons)[0] ?? 'no data is loaded. Sign in or explore the sample tenant first.'}`);
  }
  return input;
}

export function registerReportCommands(s: Services): vscode.Disposable[] {
  return [
    registerCommand(s, 'securityPosture.exportReport', async (format?: ReportFormat, target?: vscode.Uri) => {
      const chosen = FORMATS.find(f => f.format === format) ?? await vscode.window.showQuickPick(FORMATS, { title: 'Export Posture Report' });
      if (!chosen) {
        return undefined;
      }
      const input = await reportInput(s, chosen.format);
      const name = `security-posture-${chosen.suffix}-${input.generatedAt.toISOString().slice(0, 10)}.${chosen.extension}`;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri = target ?? await vscode.window.showSaveDialog({
        title: 'Export Posture Report',
        defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
        filters: { [chosen.filter]: [chosen.extension] },
        saveLabel: 'Export',
      });
      if (!uri) {
        return undefined;
      }
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(buildReport(chosen.format, input)));
      if (!target) {
        const open = await vscode.window.showInformationMessage(`Exported ${chosen.label.toLowerCase()} to ${uri.scheme === 'file' ? uri.fsPath : uri.toString()}.`, chosen.format === 'markdown' ? 'Open Preview' : 'Open');
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
