// Calling the extension's language model tools as a chat model would, through vscode.lm.invokeTool
// (code-server 4.100.3 runs it with no chat extension installed), and reading the answers.
import * as assert from 'node:assert/strict';
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

/**
 * Invokes a write tool through VS Code and records what VS Code asked the tool to prepare. A
 * normal window then shows the confirmation (inline in chat, or a modal dialog) and runs the tool
 * only on "Continue"/"Yes"; an extension test host answers every dialog "yes" by itself
 * (VS Code's DialogService skips dialogs when extensionTestsPath is set), so here the call goes
 * on to the write, and what the user would have been shown is checked through `prepared`.
 */
export async function invokeWrite(name: string, input: object): Promise<{ prepared: vscode.PreparedToolInvocation[]; text: string }> {
  const tool = (await api()).languageModelTools[name];
  const original = tool.prepareInvocation!;
  const prepared: vscode.PreparedToolInvocation[] = [];
  tool.prepareInvocation = async (options, token) => {
    const result = (await original.call(tool, options, token))!;
    prepared.push(result);
    return result;
  };
  try {
    const text = await invokeTool(name, input);
    return { prepared, text };
  } finally {
    tool.prepareInvocation = original;
  }
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
