// A stand-in for the `vscode` module so the extension bundle can be required and activated in a
// plain Node process (bench only). It implements what activation touches; anything else is a
// no-op that returns a disposable, so new API use elsewhere does not break the measurement.
import Module from 'node:module';
import * as path from 'node:path';

const disposable = () => ({ dispose: () => undefined });

class EventEmitter<T> {
  private readonly listeners = new Set<(e: T) => void>();
  readonly event = (listener: (e: T) => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(e: T): void {
    this.listeners.forEach(l => l(e));
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class Disposable {
  constructor(private readonly onDispose?: () => void) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach(i => i.dispose()));
  }
  dispose(): void {
    this.onDispose?.();
  }
}

class TreeItem {
  constructor(readonly label: unknown, readonly collapsibleState?: number) {}
}

class ThemeIcon {
  constructor(readonly id: string, readonly color?: unknown) {}
}

class ThemeColor {
  constructor(readonly id: string) {}
}

class MarkdownString {
  isTrusted = false;
  supportThemeIcons = false;
  constructor(public value = '') {}
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
  appendText(text: string): this {
    this.value += text;
    return this;
  }
  appendCodeblock(text: string): this {
    this.value += `\n\`\`\`\n${text}\n\`\`\`\n`;
    return this;
  }
}

const uri = (value: string) => ({ fsPath: value, path: value, scheme: 'file', toString: () => value, with: () => uri(value) });

/** Unknown members: a function that returns a disposable (registrations, events, UI calls). */
function lenient<T extends object>(target: T): T {
  return new Proxy(target, { get: (t, key) => (key in t ? t[key as keyof T] : disposable) });
}

function memento() {
  const values = new Map<string, unknown>();
  return {
    get: <T>(key: string, fallback?: T) => (values.has(key) ? values.get(key) : fallback) as T,
    update: async (key: string, value: unknown) => void (value === undefined ? values.delete(key) : values.set(key, value)),
    keys: () => [...values.keys()],
    setKeysForSync: () => undefined,
  };
}

/** The module, answering `getConfiguration` from `settings` (full keys, e.g. `securityPosture.dataSource`). */
export function createVscodeStub(settings: Record<string, unknown>): object {
  const configuration = (section?: string) => {
    const full = (key: string) => (section ? `${section}.${key}` : key);
    return {
      get: <T>(key: string, fallback?: T) => (settings[full(key)] ?? fallback) as T,
      has: (key: string) => full(key) in settings,
      inspect: (key: string) => ({ key: full(key), globalValue: settings[full(key)] }),
      update: async () => undefined,
    };
  };
  const resolved = async () => undefined;
  return lenient({
    EventEmitter, Disposable, TreeItem, ThemeIcon, ThemeColor, MarkdownString,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    CodeActionKind: { QuickFix: { value: 'quickfix' } },
    CompletionItemKind: { Value: 11, Property: 9, Field: 4, EnumMember: 19 },
    TreeItemCheckboxState: { Unchecked: 0, Checked: 1 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    Uri: { parse: uri, file: uri, joinPath: (base: { path: string }, ...parts: string[]) => uri(path.join(base.path, ...parts)) },
    window: lenient({
      createOutputChannel: () => lenient({ name: 'Security Posture', logLevel: 2, onDidChangeLogLevel: disposable }),
      createTreeView: () => lenient({ visible: false, onDidChangeVisibility: disposable, reveal: resolved }),
      createStatusBarItem: () => lenient({ show: () => undefined, hide: () => undefined }),
      showInformationMessage: resolved, showWarningMessage: resolved, showErrorMessage: resolved, showQuickPick: resolved, showInputBox: resolved,
    }),
    commands: lenient({ executeCommand: resolved, getCommands: async () => [] }),
    workspace: lenient({ getConfiguration: configuration, workspaceFolders: undefined, textDocuments: [], isTrusted: true }),
    authentication: lenient({ getSession: resolved, getAccounts: async () => [] }),
    env: lenient({ clipboard: { writeText: resolved, readText: async () => '' }, openExternal: async () => false, language: 'en', uiKind: 1 }),
    extensions: lenient({ all: [], getExtension: () => undefined }),
    lm: lenient({}),
    // The posture file's diagnostics (Problems panel) and editor providers.
    languages: lenient({ createDiagnosticCollection: () => lenient({ set: () => undefined, delete: () => undefined, clear: () => undefined }) }),
  });
}

/** An ExtensionContext for `activate()`: empty state, the extension at `extensionPath`. */
export function createExtensionContext(extensionPath: string, options: { mode?: number; storagePath?: string } = {}): object {
  const storage = options.storagePath ?? extensionPath;
  return lenient({
    subscriptions: [] as { dispose(): unknown }[],
    globalState: memento(),
    workspaceState: memento(),
    secrets: lenient({ get: async () => undefined, store: async () => undefined, delete: async () => undefined }),
    extensionPath,
    extensionUri: uri(extensionPath),
    asAbsolutePath: (p: string) => path.join(extensionPath, p),
    globalStorageUri: uri(path.join(storage, '.global')),
    logUri: uri(path.join(storage, '.log')),
    // Test mode by default, as the tests run it: only then does activate() return the API whose
    // ready() the bench awaits (1 is an installed extension, 2 one run from its folder).
    extensionMode: options.mode ?? 3,
  });
}

/** Makes `require('vscode')` return `stub` in this process. */
export function installVscodeStub(stub: object): void {
  const loader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
  const load = loader._load;
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? stub : load.call(this, request, ...rest);
  };
}
