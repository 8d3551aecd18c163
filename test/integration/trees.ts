// Reading the real tree providers of the running extension, as VS Code would render them.
import * as vscode from 'vscode';
import type { SecurityPostureApi } from '../../src/extension';
import type { Node } from '../../src/views/node';
import { getExtension } from './helpers';

export type ViewName = 'secureScore' | 'controls' | 'alerts' | 'partner';

export interface RenderedRow {
  node: Node;
  item: vscode.TreeItem;
  label: string;
  description: string;
  contextValue: string;
  icon: string;
}

export async function api(): Promise<SecurityPostureApi> {
  const extension = getExtension();
  const exports = (extension.isActive ? extension.exports : await extension.activate()) as SecurityPostureApi;
  await exports.ready();
  return exports;
}

export function render(node: Node): RenderedRow {
  const item = node.item();
  const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
  return {
    node, item, label,
    description: typeof item.description === 'string' ? item.description : '',
    contextValue: item.contextValue ?? '',
    icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '',
  };
}

export async function roots(view: ViewName): Promise<RenderedRow[]> {
  const a = await api();
  return (await a.providers[view].getChildren()).map(render);
}

export async function children(row: RenderedRow | Node): Promise<RenderedRow[]> {
  const node = 'node' in row ? row.node : row;
  return (await node.children()).map(render);
}

export const VIEWS: ViewName[] = ['secureScore', 'controls', 'alerts', 'partner'];

/** Every row of a view, depth first, as a user who expands everything sees them. */
export async function walk(view: ViewName): Promise<RenderedRow[]> {
  const all: RenderedRow[] = [];
  const visit = async (rows: RenderedRow[]) => {
    for (const row of rows) {
      all.push(row);
      await visit(await children(row));
    }
  };
  await visit(await roots(view));
  return all;
}

export function find(rows: RenderedRow[], label: string | RegExp): RenderedRow {
  const row = rows.find(r => (typeof label === 'string' ? r.label === label : label.test(r.label)));
  if (!row) {
    throw new Error(`no row ${label} among: ${rows.map(r => `${r.label} [${r.description}]`).join(' | ')}`);
  }
  return row;
}

/** Updates a user setting and waits until `settled` says the views caught up. */
export async function setSetting(key: string, value: unknown, settled: () => Promise<boolean>): Promise<void> {
  await vscode.workspace.getConfiguration('securityPosture').update(key, value, vscode.ConfigurationTarget.Global);
  const deadline = Date.now() + 15_000;
  while (!(await settled())) {
    if (Date.now() > deadline) {
      throw new Error(`views did not follow the setting ${key}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}
