// The UI port on VS Code's own UI: quick picks, input boxes, modal dialogs, notifications,
// progress, and reports as read-only virtual Markdown documents.
import * as vscode from 'vscode';
import type { Choice, InputOptions, PickOptions, Severity, Ui } from './ui';

const REPORT_SCHEME = 'security-posture-report';

/** Reports live in a read-only virtual document, so a long bulk report never floods notifications. */
class Reports implements vscode.TextDocumentContentProvider {
  private readonly documents = new Map<string, string>();
  private counter = 0;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.documents.get(uri.path) ?? '';
  }
  async show(markdown: string): Promise<void> {
    const path = `/update-report-${++this.counter}.md`;
    this.documents.set(path, markdown);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: REPORT_SCHEME, path }));
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}

type Item<T> = vscode.QuickPickItem & { value: T };

/** Choices as quick pick items, with a separator where a group (a tenant) begins. */
function items<T>(choices: Choice<T>[]): Item<T>[] {
  const out: Item<T>[] = [];
  let group: string | undefined;
  for (const c of choices) {
    if (c.group !== undefined && c.group !== group) {
      out.push({ label: c.group, kind: vscode.QuickPickItemKind.Separator } as Item<T>);
    }
    group = c.group;
    out.push({ label: c.label, description: c.description, detail: c.detail, picked: c.picked, value: c.value });
  }
  return out;
}

const isChoice = <T>(item: Item<T>) => item.kind !== vscode.QuickPickItemKind.Separator;

const shared = new WeakMap<vscode.LogOutputChannel, { ui: Ui; registration: vscode.Disposable }>();

/** One UI per log for every command file: one report provider for the scheme, one report numbering. */
export function vscodeUi(log: vscode.LogOutputChannel): { ui: Ui; registration: vscode.Disposable } {
  let made = shared.get(log);
  if (!made) {
    made = createUi(log);
    shared.set(log, made);
  }
  return made;
}

function createUi(log: vscode.LogOutputChannel): { ui: Ui; registration: vscode.Disposable } {
  const reports = new Reports();
  const ui: Ui = {
    async pick<T>(choices: Choice<T>[], options: PickOptions) {
      const picked = await vscode.window.showQuickPick(items(choices), { title: options.title, placeHolder: options.placeholder, ignoreFocusOut: true, matchOnDescription: true, matchOnDetail: true });
      return picked?.value;
    },
    async pickMany<T>(choices: Choice<T>[], options: PickOptions) {
      const picked = await vscode.window.showQuickPick(items(choices), { title: options.title, placeHolder: options.placeholder, canPickMany: true, ignoreFocusOut: true, matchOnDescription: true, matchOnDetail: true });
      return picked?.filter(isChoice).map(p => p.value);
    },
    input(options: InputOptions) {
      return Promise.resolve(vscode.window.showInputBox({ title: options.title, prompt: options.prompt, value: options.value, validateInput: options.validate, ignoreFocusOut: true }));
    },
    async confirm(message, options) {
      return (await vscode.window.showWarningMessage(message, { modal: true, detail: options.detail }, options.action)) === options.action;
    },
    notify(severity: Severity, message: string, ...actions: string[]) {
      const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      return Promise.resolve(show(message, ...actions));
    },
    status(message) {
      void vscode.window.setStatusBarMessage(message, 5000);
    },
    progress(title, many, task) {
      return Promise.resolve(vscode.window.withProgress({ location: many ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title }, () => task(new AbortController().signal)));
    },
    showReport: markdown => reports.show(markdown),
    log: { warn: m => log.warn(m), error: m => log.error(m) },
    showLog: () => log.show(true),
  };
  return { ui, registration: vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports) };
}
