// One controller for every webview panel: it writes the HTML (strict CSP, a fresh nonce from
// crypto.randomBytes, scripts and styles only from dist/webview), waits for the page's "ready"
// before sending anything, sends each panel the numbers its descriptor computes, acts on the
// page's messages after checking them, and restores panels after a reload through a serializer
// that sets the webview options again.
import { randomBytes } from 'crypto';
import * as os from 'os';
import * as vscode from 'vscode';
import { dayOf } from '../../model/history';
import type { HistoryService } from '../../model/historyStore';
import type { PlanStore } from '../../model/plan';
import type { StoreView, SectionId } from '../../model/store';
import { points, safeLabel } from '../../model/format';
import {
  parsePageMessage, parseViewState, type HostMessage, type PageMessage, type PageState, type PanelKind, type PanelModel, type PanelViewState, type ToolbarAction,
} from '../../webview/protocol';
import { effectiveHistory, type PanelContext, type PanelDescriptor } from './panel';

interface Instance {
  panel: vscode.WebviewPanel;
  descriptor: PanelDescriptor;
  state: PanelViewState;
  /** The page said "ready" since it was last (re)loaded. */
  ready: boolean;
  /** First of two clicked days (What changed). */
  pendingDay?: string;
  lastModel?: PanelModel;
  timer?: NodeJS.Timeout;
  subscriptions: vscode.Disposable[];
}

export interface PanelSources {
  store: StoreView;
  history: HistoryService;
  plan: PlanStore;
  context: PanelContext;
  log: vscode.LogOutputChannel;
  /** Plan or unplan an improvement action of the current tenant. */
  setPlanned(id: string, planned: boolean): Promise<void>;
}

/** What the page last rendered, for tests and the log. */
export interface PanelSnapshot {
  kind: PanelKind;
  ready: boolean;
  visible: boolean;
  model?: PanelModel;
}

const SCRIPT = 'panels.main.js';
const STYLE = 'panels.main.css';

export class PanelController implements vscode.Disposable {
  private readonly instances = new Map<PanelKind, Instance>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly root: vscode.Uri;
  private readonly icon: vscode.Uri;
  private readonly posted = new vscode.EventEmitter<PanelSnapshot>();
  /** Fires after a model is posted to a page. */
  readonly onDidPost = this.posted.event;

  constructor(extensionUri: vscode.Uri, private readonly descriptors: PanelDescriptor[], private readonly sources: PanelSources) {
    this.root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.icon = vscode.Uri.joinPath(extensionUri, 'media', 'shield.svg');
    const { store, history, plan } = sources;
    this.subscriptions.push(
      this.posted,
      toDisposable(store.onDidChange(ids => this.updateWhere(d => d.sections.some(s => ids.includes(s as SectionId))))),
      toDisposable(history.onDidChange(() => this.updateWhere(d => d.usesHistory))),
      toDisposable(plan.onDidChange(() => this.updateWhere(d => d.usesPlan))),
      vscode.window.onDidChangeActiveColorTheme(() => this.broadcast({ type: 'theme' })),
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('workbench.reduceMotion')) {
          this.updateWhere(() => true);
        }
      }),
    );
    for (const descriptor of descriptors) {
      if (descriptor.watch) {
        this.subscriptions.push(toDisposable(descriptor.watch(() => this.updateWhere(d => d === descriptor))));
      }
      this.subscriptions.push(vscode.window.registerWebviewPanelSerializer(descriptor.viewType, {
        deserializeWebviewPanel: async (panel, saved) => {
          const state = parseViewState((saved as PageState | undefined)?.viewState, descriptor.kind);
          this.attach(panel, descriptor, state);
        },
      }));
    }
  }

  /** Opens (or reveals) the panel of a kind; `patch` changes what it shows (a category, a range). */
  open(kind: PanelKind, patch: Partial<Omit<PanelViewState, 'kind'>> = {}): vscode.WebviewPanel {
    const existing = this.instances.get(kind);
    if (existing) {
      existing.state = { ...existing.state, ...patch, kind };
      existing.panel.reveal(undefined, false);
      this.schedule(existing, 0);
      return existing.panel;
    }
    const descriptor = this.descriptor(kind);
    const panel = vscode.window.createWebviewPanel(descriptor.viewType, descriptor.title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
      ...this.webviewOptions(),
      // No retained context: a hidden panel is rebuilt from its state and the host's numbers.
      retainContextWhenHidden: false,
      enableFindWidget: true,
    });
    this.attach(panel, descriptor, { ...patch, kind });
    return panel;
  }

  snapshots(): PanelSnapshot[] {
    return [...this.instances.values()].map(i => ({ kind: i.descriptor.kind, ready: i.ready, visible: i.panel.visible, model: i.lastModel }));
  }

  panel(kind: PanelKind): vscode.WebviewPanel | undefined {
    return this.instances.get(kind)?.panel;
  }

  dispose(): void {
    for (const instance of [...this.instances.values()]) {
      instance.panel.dispose();
    }
    this.subscriptions.forEach(s => s.dispose());
  }

  private descriptor(kind: PanelKind): PanelDescriptor {
    const descriptor = this.descriptors.find(d => d.kind === kind);
    if (!descriptor) {
      throw new Error(`no panel ${kind}`);
    }
    return descriptor;
  }

  private webviewOptions(): vscode.WebviewOptions {
    return { enableScripts: true, enableCommandUris: false, enableForms: false, localResourceRoots: [this.root] };
  }

  private attach(panel: vscode.WebviewPanel, descriptor: PanelDescriptor, state: PanelViewState): void {
    this.instances.get(descriptor.kind)?.panel.dispose();
    const instance: Instance = { panel, descriptor, state, ready: false, subscriptions: [] };
    this.instances.set(descriptor.kind, instance);
    // Restored panels keep the options they were saved with: set them again, or a changed
    // extension folder leaves them blank.
    panel.webview.options = this.webviewOptions();
    panel.iconPath = this.icon;
    panel.webview.html = this.html(panel.webview, descriptor);
    const held = descriptor.attach?.();
    if (held) {
      instance.subscriptions.push(toDisposable(held));
    }
    instance.subscriptions.push(
      panel.webview.onDidReceiveMessage(raw => {
        const message = parsePageMessage(raw);
        if (!message) {
          this.sources.log.warn(`Panel ${descriptor.kind}: ignored a malformed message from the page.`);
          return;
        }
        void this.handle(instance, message).catch(error => this.report(error));
      }),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) {
          // Without retained context the page is torn down; it says "ready" again when shown.
          instance.ready = false;
        }
      }),
      panel.onDidDispose(() => {
        clearTimeout(instance.timer);
        instance.subscriptions.forEach(s => s.dispose());
        if (this.instances.get(descriptor.kind) === instance) {
          this.instances.delete(descriptor.kind);
        }
      }),
    );
  }

  private html(webview: vscode.Webview, descriptor: PanelDescriptor): string {
    const nonce = randomBytes(18).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.root, SCRIPT));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.root, STYLE));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
      "connect-src 'none'",
      "img-src 'none'",
      "font-src 'none'",
      "frame-src 'none'",
      "worker-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString(true)}">
<title>${escapeHtml(descriptor.title)}</title>
</head>
<body data-panel="${descriptor.kind}">
<main id="app" aria-busy="true"><p class="loading">Loading…</p></main>
<script nonce="${nonce}" src="${script.toString(true)}"></script>
</body>
</html>`;
  }

  private async handle(instance: Instance, message: PageMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        instance.ready = true;
        this.schedule(instance, 0);
        return;
      case 'setRange':
        instance.state = { ...instance.state, range: message.range };
        this.schedule(instance, 0);
        return;
      case 'pickDay':
        this.pickDay(instance, message.date);
        return;
      case 'action':
        await this.action(instance, message.action);
        return;
      case 'openPanel':
        this.open(message.panel);
        return;
      case 'revealControl':
        await vscode.commands.executeCommand('securityPosture.revealControl', message.id);
        return;
      case 'setPlanned':
        await this.sources.setPlanned(message.id, message.planned);
        return;
      case 'setSort':
        instance.state = { ...instance.state, sort: message.sort, descending: message.descending };
        this.schedule(instance, 0);
        return;
      case 'save':
        await this.save(instance, message.format, message.name, message.data);
        return;
      case 'cspViolation':
        this.sources.log.warn(`Panel ${instance.descriptor.kind}: the content security policy blocked ${message.blocked} (${message.directive}).`);
        return;
    }
  }

  private pickDay(instance: Instance, date: string): void {
    if (!instance.pendingDay || instance.pendingDay === date) {
      instance.pendingDay = date;
    } else {
      instance.state = { ...instance.state, from: instance.pendingDay, to: date };
      instance.pendingDay = undefined;
    }
    this.schedule(instance, 0);
  }

  private async action(instance: Instance, action: ToolbarAction): Promise<void> {
    switch (action) {
      case 'pickDays': {
        const days = await this.pickDays();
        if (days) {
          instance.state = { ...instance.state, ...days };
          instance.pendingDay = undefined;
          this.schedule(instance, 0);
        }
        return;
      }
      case 'exportHistory':
        await vscode.commands.executeCommand('securityPosture.exportHistory');
        return;
      case 'importHistory':
        await vscode.commands.executeCommand('securityPosture.importHistory');
        return;
      case 'planControls':
        await vscode.commands.executeCommand('securityPosture.planControls');
        return;
      case 'refresh':
        await this.sources.store.refresh();
        return;
      case 'refreshCustomers':
        await vscode.commands.executeCommand('securityPosture.refreshCustomers');
        return;
      case 'exportPortfolioReport':
        await vscode.commands.executeCommand('securityPosture.exportPortfolioReport');
        return;
      case 'showAllCategories':
        instance.state = { ...instance.state, category: undefined };
        this.schedule(instance, 0);
        return;
    }
  }

  /** Two quick picks over the stored days, newest first. */
  private async pickDays(): Promise<{ from: string; to: string } | undefined> {
    const days = [...effectiveHistory(this.sources.context).days].reverse();
    if (days.length < 2) {
      void vscode.window.showInformationMessage('Two days of Secure Score are needed to compare.');
      return undefined;
    }
    const items = days.map(d => ({ label: d.date, description: `${points(d.current)} / ${points(d.max)} points` }));
    const first = await vscode.window.showQuickPick(items, { title: 'What Changed (1/2): the earlier day', placeHolder: 'Type a date, e.g. 2026-10-01' });
    if (!first) {
      return undefined;
    }
    const second = await vscode.window.showQuickPick(items.filter(i => i.label !== first.label), { title: `What Changed (2/2): compare ${first.label} with` });
    if (!second) {
      return undefined;
    }
    return first.label < second.label ? { from: first.label, to: second.label } : { from: second.label, to: first.label };
  }

  private async save(instance: Instance, format: 'png' | 'csv', name: string, data: string): Promise<void> {
    let bytes: Buffer;
    if (format === 'png') {
      const match = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/.exec(data);
      bytes = Buffer.from(match?.[1] ?? '', 'base64');
      if (!match || bytes.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') {
        throw new Error('The chart image is not a PNG.');
      }
    } else {
      bytes = Buffer.from(data, 'utf8');
    }
    const base = `${instance.descriptor.kind}-${name}`.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80);
    const day = dayOf(new Date().toISOString());
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const target = await vscode.window.showSaveDialog({
      title: format === 'png' ? 'Save Chart as PNG' : 'Save Table as CSV',
      defaultUri: vscode.Uri.joinPath(folder, `${base}-${day}.${format}`),
      filters: format === 'png' ? { 'PNG image': ['png'] } : { 'CSV (comma-separated values)': ['csv'] },
    });
    if (!target) {
      return;
    }
    await vscode.workspace.fs.writeFile(target, bytes);
    vscode.window.setStatusBarMessage(`Saved ${vscode.workspace.asRelativePath(target)}`, 5_000);
  }

  private updateWhere(match: (d: PanelDescriptor) => boolean): void {
    for (const instance of this.instances.values()) {
      // A post already due reads the newest data: a stream of changes (customers answering one
      // by one) redraws every 50 ms instead of waiting for the stream to pause.
      if (match(instance.descriptor) && !instance.timer) {
        this.schedule(instance, 50);
      }
    }
  }

  /** Batches bursts of changes (one refresh fires several sections) into one model. */
  private schedule(instance: Instance, delay: number): void {
    clearTimeout(instance.timer);
    instance.timer = setTimeout(() => {
      instance.timer = undefined;
      this.post(instance);
    }, delay);
  }

  private post(instance: Instance): void {
    if (!instance.ready || !this.instances.has(instance.descriptor.kind)) {
      return;
    }
    let model: PanelModel;
    try {
      model = instance.descriptor.build(this.sources.context, instance.state, { pendingDay: instance.pendingDay });
    } catch (error) {
      this.report(error);
      return;
    }
    instance.state = model.viewState;
    instance.lastModel = model;
    const motion = vscode.workspace.getConfiguration('workbench').get<string>('reduceMotion');
    const message: HostMessage = { type: 'model', model, motion: motion === 'on' ? 'reduce' : motion === 'off' ? 'full' : 'auto' };
    void instance.panel.webview.postMessage(message).then(delivered => {
      if (delivered) {
        this.posted.fire({ kind: instance.descriptor.kind, ready: instance.ready, visible: instance.panel.visible, model });
      }
    });
  }

  private broadcast(message: HostMessage): void {
    for (const instance of this.instances.values()) {
      if (instance.ready) {
        void instance.panel.webview.postMessage(message);
      }
    }
  }

  private report(error: unknown): void {
    const text = error instanceof Error ? error.message : String(error);
    this.sources.log.error(`Panel: ${text}`);
    // Plain text: a message may quote Graph, and notifications would render its links.
    void vscode.window.showErrorMessage(safeLabel(text, 1000), 'Show Log').then(choice => choice && this.sources.log.show(true));
  }
}

function toDisposable(d: { dispose(): void }): vscode.Disposable {
  return new vscode.Disposable(() => d.dispose());
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}
