/**
 * Stands in for the user at notifications, input boxes and quick picks inside the extension
 * host, and records every notification. The `vscode` API object is one per extension, and the
 * tests are loaded from the extension's own folder, so the extension calls these stand-ins.
 */
import * as vscode from 'vscode';

export interface Shown {
  kind: 'error' | 'warning' | 'info';
  message: string;
  /** Buttons offered (strings; the options object of a modal is left out). */
  items: string[];
  modal: boolean;
  /** A modal's detail text. */
  detail?: string;
}

export interface Answers {
  /** The button to press; undefined dismisses. May wait, as a user would. */
  message?(shown: Shown): string | undefined | Promise<string | undefined>;
  input?(options: vscode.InputBoxOptions | undefined): string | undefined;
  /** What a quick pick returns: by default the items picked beforehand (canPickMany) or nothing. */
  quickPick?(items: readonly vscode.QuickPickItem[], options: vscode.QuickPickOptions | undefined): unknown;
}

type Window = Record<'showErrorMessage' | 'showWarningMessage' | 'showInformationMessage' | 'showInputBox' | 'showQuickPick', unknown>;

export function stubPrompts(answers: Answers = {}): { shown: Shown[]; restore(): void } {
  const window = vscode.window as unknown as Window;
  const original: Window = {
    showErrorMessage: window.showErrorMessage, showWarningMessage: window.showWarningMessage, showInformationMessage: window.showInformationMessage,
    showInputBox: window.showInputBox, showQuickPick: window.showQuickPick,
  };
  const shown: Shown[] = [];
  const message = (kind: Shown['kind']) => async (text: string, ...rest: unknown[]) => {
    const modal = typeof rest[0] === 'object' && rest[0] !== null && (rest[0] as vscode.MessageOptions).modal === true;
    const entry = { kind, message: text, items: rest.filter((r): r is string => typeof r === 'string'), modal, ...(modal ? { detail: (rest[0] as vscode.MessageOptions).detail } : {}) };
    shown.push(entry);
    return answers.message?.(entry);
  };
  window.showErrorMessage = message('error');
  window.showWarningMessage = message('warning');
  window.showInformationMessage = message('info');
  window.showInputBox = async (options?: vscode.InputBoxOptions) => answers.input?.(options);
  window.showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
    const list = await items;
    return answers.quickPick ? answers.quickPick(list, options) : options?.canPickMany ? list.filter(i => i.picked) : undefined;
  };
  return { shown, restore: () => Object.assign(window, original) };
}
