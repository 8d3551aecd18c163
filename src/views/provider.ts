// A tree data provider over the store. Each view names the sections it shows and how to build
// its rows; the provider handles refresh batching, "pending while loading" and reveal.
import * as vscode from 'vscode';
import type { StoreView, Section, SectionId } from '../model/store';
import { age } from '../model/format';
import type { Node } from './node';

export class PostureTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private waitingRoot?: () => void;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: StoreView,
    readonly sections: SectionId[],
    private readonly buildRoots: () => Node[],
  ) {
    this.subscriptions.push(this.store.onDidChange(ids => {
      if (ids.some(id => this.sections.includes(id))) {
        this.scheduleRefresh();
      }
    }));
  }

  /** Re-render the whole view (settings changed, tenant switched). */
  refresh(): void {
    this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    if (this.waitingRoot && !this.isLoadingWithoutData()) {
      // The view is waiting on getChildren: answer that promise instead of firing a change.
      const resolve = this.waitingRoot;
      this.waitingRoot = undefined;
      resolve();
      return;
    }
    if (this.waitingRoot) {
      return;
    }
    // Batch the bursts of section changes of one refresh into one render.
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.emitter.fire(undefined), 30);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return node.item();
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node) {
      return node.children();
    }
    if (this.isLoadingWithoutData()) {
      // Leave the promise pending: VS Code shows its progress bar instead of an empty view.
      await new Promise<void>(resolve => (this.waitingRoot = resolve));
    }
    return this.buildRoots();
  }

  getParent(node: Node): Node | undefined {
    return node.parent;
  }

  private isLoadingWithoutData(): boolean {
    return this.sections.every(id => {
      const s = this.store.get(id);
      return s.status === 'loading' && s.data === undefined;
    });
  }

  /** One line for the view's message: what is stale and since when. */
  staleMessage(): string | undefined {
    const states = this.sections.map(id => this.store.get(id) as Section<unknown>);
    const stale = states.filter(s => s.stale && s.asOf);
    if (stale.length === 0) {
      return undefined;
    }
    const oldest = stale.map(s => s.asOf!).sort()[0];
    const refreshing = states.some(s => s.status === 'loading');
    const failed = states.find(s => s.status === 'error' && s.error);
    return `Showing saved data from ${age(oldest)}${refreshing ? ' — refreshing…' : failed ? ` — refresh failed: ${failed.error!.message}` : ''}`;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.waitingRoot?.();
    this.emitter.dispose();
    this.subscriptions.forEach(s => s.dispose());
  }
}
