// Calling the extension's language model tools as a chat model would: through vscode.lm.invokeTool
// (no chat request, so VS Code confirms a write tool with a modal dialog, which the runner answers
// in Chromium when asked: test/host/dialogs.ts), and reading the answers.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as vscode from 'vscode';
import { api } from './trees';

export async function invokeTool(name: string, input: object, token?: vscode.CancellationToken): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, token);
  return result.content.map(part => (part instanceof vscode.LanguageModelTextPart ? part.value : (part as { value?: unknown })?.value ?? '')).join('');
}

/** The confirmation a write tool asks VS Code to show, straight from the tool object. */
export async function prepare(name: string, input: object): Promise<vscode.PreparedToolInvocation> {
  const tool = (await api()).languageModelTools[name];
  const source = new vscode.CancellationTokenSource();
  try {
    return (await tool.prepareInvocation!({ input: input as Record<string, unknown> }, source.token))!;
  } finally {
    source.dispose();
  }
}

export function messageText(message: string | vscode.MarkdownString | undefined): string {
  return typeof message === 'string' ? message : message?.value ?? '';
}

export interface Dialog {
  title: string;
  detail: string;
  buttons: string[];
}

/** Waits for VS Code's modal dialog in the workbench, reads it and presses `button` (the runner does it in Chromium). */
export function answerDialog(button: string): Promise<Dialog> {
  const url = process.env.SP_DIALOGS_URL;
  assert.ok(url, 'the runner passes SP_DIALOGS_URL');
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/answer`, { method: 'POST', headers: { 'content-type': 'application/json' } }, res => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', chunk => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as Dialog) : reject(new Error(`dialog desk ${res.statusCode}: ${text}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ button }));
  });
}

/** Invokes a write tool, presses `button` in VS Code's confirmation, and returns both. */
export async function invokeConfirmed(name: string, input: object, button: 'Yes' | 'Cancel'): Promise<{ dialog: Dialog; result: Promise<string> }> {
  const result = invokeTool(name, input);
  // Either the dialog shows, or the call fails before it (then that failure is the answer).
  const dialog = await Promise.race([answerDialog(button), result.then(text => Promise.reject(new Error(`no confirmation was asked; the tool answered: ${text.slice(0, 500)}`)))]);
  return { dialog, result };
}

/** The answer's lines outside the untrusted block, and the block's JSON. */
export function answerParts(text: string): { outside: string[]; data: unknown; dataLine: string } {
  const lines = text.split('\n');
  const open = lines.findIndex(l => /^<<<untrusted-graph-data [0-9a-f]{12}>>>$/.test(l));
  assert.ok(open > 0, `a data block in:\n${text.slice(0, 1500)}`);
  const nonce = lines[open].slice('<<<untrusted-graph-data '.length, -3);
  assert.equal(lines[open + 3], `<<<end untrusted-graph-data ${nonce}>>>`, 'one JSON line between the markers');
  assert.equal(lines.filter(l => l.startsWith('<<<')).length, 2, 'no other line starts like a marker');
  return { outside: [...lines.slice(0, open), ...lines.slice(open + 4)], data: JSON.parse(lines[open + 2]), dataLine: lines[open + 2] };
}

export const READ_TOOLS = [
  'securityPosture_summary', 'securityPosture_improvementActions', 'securityPosture_queryAlerts', 'securityPosture_explainScoreChange',
  'securityPosture_projectActions', 'securityPosture_customersAtRisk',
];
export const WRITE_TOOLS = ['securityPosture_setImprovementActionState', 'securityPosture_triageAlerts'];
