// The editor side of posture files (`*.posture.yaml|yml|json`): the extension's own diagnostics
// (they work without the YAML extension), drift on every refresh as Problems and CodeLenses,
// completion, hover and quick fixes. Drift compares with the current tenant's loaded data only
// (no Graph request of its own) and only in a trusted workspace: the file is workspace content.
import * as vscode from 'vscode';
import { completeAlertQuery, describeTerm, parseAlertQuery } from '../model/alertQuery';
import { latestStateUpdate } from '../model/controls';
import { controlStateName, dateTime, points, safeLabel } from '../model/format';
import type { PendingUpdates } from '../model/pending';
import { sortSnapshots, num } from '../model/secureScore';
import type { StoreView } from '../model/store';
import { ALERT_STATUSES, DETERMINATIONS } from '../model/updates';
import {
  driftOf, FILE_STATES, parsePosture, planPosture, TENANTS_ALL_CUSTOMERS, TENANTS_CURRENT, TOP_KEYS, validatePosture,
  type DriftMark, type ParseResult, type PostureProblem, type TextRange,
} from '../posture';
import type { TenantContext } from '../tenant/context';
import { tenantFromStore } from '../tenant/posture';
import { tooltip } from './node';

export const POSTURE_FILES: vscode.DocumentSelector = [{ pattern: '**/*.posture.yaml' }, { pattern: '**/*.posture.yml' }, { pattern: '**/*.posture.json' }];
export const isPostureDocument = (document: vscode.TextDocument) => /\.posture\.(ya?ml|json)$/i.test(document.uri.path);

const DEBOUNCE_MS = 250;
const SOURCE = 'Security Posture';

interface Analysis {
  version: number;
  parsed: ParseResult;
  problems: PostureProblem[];
  marks: DriftMark[];
  /** Why no drift is shown (Restricted Mode, signed out), when that is the case. */
  noDrift?: { text: string; command?: vscode.Command };
}

export interface PostureEditorDeps {
  store: StoreView;
  pending: PendingUpdates;
  context(): TenantContext | undefined;
  now(): Date;
}

const severity: Record<PostureProblem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information,
};

const toRange = (document: vscode.TextDocument, range: TextRange) => new vscode.Range(document.positionAt(range.start), document.positionAt(Math.max(range.start, range.end)));

export class PostureEditor implements vscode.Disposable, vscode.CodeLensProvider, vscode.HoverProvider, vscode.CompletionItemProvider, vscode.CodeActionProvider {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('securityPosture.posture');
  private readonly analyses = new Map<string, Analysis>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lensChanged = new vscode.EventEmitter<void>();
  private readonly driftChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensChanged.event;
  /** Fired when the drift of open files changed (the Improvement Actions view marks rows). */
  readonly onDidChangeDrift = this.driftChanged.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The drifting control ids last announced, so the tree re-renders only when they change. */
  private driftKey = '';

  constructor(private readonly deps: PostureEditorDeps) {
    this.subscriptions.push(
      this.diagnostics, this.lensChanged, this.driftChanged,
      vscode.workspace.onDidOpenTextDocument(d => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument(e => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument(d => this.forget(d)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refreshAll()),
      // Drift on every refresh: the store changed, or a write awaits Microsoft's sync.
      deps.store.onDidChange(ids => ids.some(id => id === 'profiles' || id === 'scores' || id === 'alerts') && this.refreshAll()),
      deps.pending.onDidChange(kinds => kinds.includes('control') && this.refreshAll()),
      vscode.languages.registerCodeLensProvider(POSTURE_FILES, this),
      vscode.languages.registerHoverProvider(POSTURE_FILES, this),
      vscode.languages.registerCompletionItemProvider(POSTURE_FILES, this, ':', ' ', '"', ','),
      vscode.languages.registerCodeActionsProvider(POSTURE_FILES, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    );
    vscode.workspace.textDocuments.forEach(d => this.schedule(d, 0));
  }

  /** The analysis of a document as it is now (computed at once if a change is pending). */
  analysis(document: vscode.TextDocument): Analysis | undefined {
    if (!isPostureDocument(document)) {
      return undefined;
    }
    const known = this.analyses.get(document.uri.toString());
    return known && known.version === document.version ? known : this.analyze(document);
  }

  /** The drift text of a control in any open posture file, for its tree row. */
  driftFor(controlId: string): string | undefined {
    for (const analysis of this.analyses.values()) {
      const mark = analysis.marks.find(m => m.target.kind === 'control' && m.target.id === controlId && (m.kind === 'drift' || m.kind === 'expired'));
      if (mark) {
        return mark.text;
      }
    }
    return undefined;
  }

  private announceDrift(): void {
    const key = [...this.analyses.values()].flatMap(a => a.marks.filter(m => m.target.kind === 'control' && (m.kind === 'drift' || m.kind === 'expired')).map(m => `${m.target.kind === 'control' ? m.target.id : ''}=${m.text}`)).sort().join('\n');
    if (key !== this.driftKey) {
      this.driftKey = key;
      this.driftChanged.fire();
    }
  }

  private refreshAll(): void {
    vscode.workspace.textDocuments.forEach(d => this.schedule(d, 0));
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!isPostureDocument(document)) {
      return;
    }
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (!document.isClosed) {
        this.analyze(document);
      }
    }, delay));
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.diagnostics.delete(document.uri);
    if (this.analyses.delete(key)) {
      this.announceDrift();
    }
  }

  private analyze(document: vscode.TextDocument): Analysis {
    const text = document.getText();
    const now = this.deps.now();
    const parsed = parsePosture(text, document.uri.path.split('/').pop() ?? 'posture');
    const context = this.deps.context();
    const trusted = vscode.workspace.isTrusted;
    const profiles = trusted && context ? this.deps.store.get('profiles').data : undefined;
    const problems = [...parsed.problems, ...(parsed.doc ? validatePosture(parsed.doc, { profiles, now, me: context?.user }) : [])];
    let marks: DriftMark[] = [];
    let noDrift: Analysis['noDrift'];
    if (!trusted) {
      noDrift = { text: 'Restricted Mode: trust this folder to compare the file with a tenant', command: { title: '', command: 'workbench.trust.manage' } };
    } else if (!context) {
      noDrift = { text: 'Sign in to compare the file with a tenant', command: { title: '', command: 'securityPosture.signIn' } };
    } else if (parsed.doc && profiles) {
      const plan = planPosture(parsed.doc, [tenantFromStore(context, this.deps.store, this.deps.pending)], now);
      marks = driftOf(parsed.doc, plan);
    }
    const analysis: Analysis = { version: document.version, parsed, problems, marks, noDrift };
    this.analyses.set(document.uri.toString(), analysis);
    this.diagnostics.set(document.uri, [
      ...problems.map(p => {
        const d = new vscode.Diagnostic(toRange(document, p.range), p.message, severity[p.severity]);
        d.source = SOURCE;
        d.code = p.code;
        return d;
      }),
      ...marks.filter(m => m.kind === 'drift').map(m => {
        const d = new vscode.Diagnostic(toRange(document, m.range), m.text, m.target.kind === 'control' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
        d.source = SOURCE;
        d.code = 'drift';
        return d;
      }),
    ]);
    this.lensChanged.fire();
    this.announceDrift();
    return analysis;
  }

  // ---- CodeLens ------------------------------------------------------------------------------

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const analysis = this.analysis(document);
    if (!analysis?.parsed.doc) {
      return [];
    }
    const top = new vscode.Range(0, 0, 0, 0);
    const uri = document.uri;
    const lenses = [
      new vscode.CodeLens(top, { title: '$(checklist) Plan Posture', command: 'securityPosture.planPosture', arguments: [uri] }),
      new vscode.CodeLens(top, { title: 'Apply Posture…', command: 'securityPosture.applyPosture', arguments: [uri] }),
    ];
    if (analysis.noDrift) {
      lenses.push(new vscode.CodeLens(top, { ...analysis.noDrift.command!, title: analysis.noDrift.text }));
    }
    for (const mark of analysis.marks) {
      const icon = mark.kind === 'inSync' ? '$(pass) ' : mark.kind === 'drift' || mark.kind === 'expired' ? '$(warning) ' : mark.kind === 'awaitingSync' ? '$(sync) ' : '$(info) ';
      // Lens titles render theme icons: a `$(` from the file or Graph must not become one.
      const title = icon + safeLabel(mark.text, 200).replace(/\$\(/g, '$\u200b(');
      const command = mark.target.kind === 'control'
        ? { title, command: 'securityPosture.revealControl', arguments: [mark.target.id], tooltip: 'Show it in Improvement Actions' }
        : { title, command: '' };
      lenses.push(new vscode.CodeLens(toRange(document, mark.range), command));
    }
    return lenses;
  }

  // ---- Hover -----------------------------------------------------------------------------------

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const doc = this.analysis(document)?.parsed.doc;
    if (!doc) {
      return undefined;
    }
    const offset = document.offsetAt(position);
    const inside = (r?: TextRange) => r !== undefined && offset >= r.start && offset <= r.end;
    const entry = doc.controls.find(e => inside(e.ranges.key));
    if (entry) {
      const profile = (this.deps.store.get('profiles').data ?? []).find(p => p.id === entry.id);
      if (!profile) {
        return new vscode.Hover(tooltip(t => t.heading(entry.id).paragraph('Not an improvement action of the current tenant (or the tenant is not loaded).')), toRange(document, entry.ranges.key));
      }
      const latest = sortSnapshots(this.deps.store.get('scores').data ?? [])[0];
      const earned = latest?.controlScores?.find(c => c.controlName === profile.id)?.score;
      const last = latestStateUpdate(profile.controlStateUpdates);
      const tenant = this.deps.context()?.displayName ?? 'Current tenant';
      return new vscode.Hover(tooltip(t => {
        t.heading(profile.title || profile.id)
          .field('Points', `${earned === undefined ? '–' : points(num(earned))} of ${points(num(profile.maxScore))} (${points(Math.max(0, num(profile.maxScore) - num(earned)))} available)`)
          .field('Category', profile.controlCategory)
          .line()
          .field(tenant, `${controlStateName(last?.state)}${last?.updatedBy ? ` · by ${last.updatedBy}` : ''}${last?.updatedDateTime ? ` · ${dateTime(last.updatedDateTime)}` : ''}`)
          .field('Comment', last?.comment)
          .field('Assigned to', last?.assignedTo);
      }), toRange(document, entry.ranges.key));
    }
    const rule = doc.alertRules.find(r => inside(r.ranges.match));
    if (rule) {
      let terms: string[];
      try {
        terms = parseAlertQuery(rule.match, { now: this.deps.now(), me: this.deps.context()?.user }).terms.map(describeTerm);
      } catch {
        return undefined;
      }
      return new vscode.Hover(tooltip(t => {
        t.heading(`Alert rule: ${rule.name}`);
        terms.forEach((term, i) => t.field(`Term ${i + 1}`, term));
      }), toRange(document, rule.ranges.match!));
    }
    return undefined;
  }

  // ---- Completion ------------------------------------------------------------------------------

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const prefix = document.lineAt(position.line).text.slice(0, position.character);
    const json = /\.json$/i.test(document.uri.path);
    const word = (typed: string) => new vscode.Range(position.translate(0, -typed.length), position);
    const values = (typed: string, list: readonly string[], detail: (v: string) => string, kind = vscode.CompletionItemKind.EnumMember) =>
      list.map(v => Object.assign(new vscode.CompletionItem(v, kind), { detail: detail(v), range: word(typed) }));

    const match = /\bmatch"?\s*:\s*(['"])(.*)$/.exec(prefix);
    if (match) {
      const typed = match[2];
      return completeAlertQuery(typed).map((c, i) => Object.assign(new vscode.CompletionItem(c.label, vscode.CompletionItemKind.Value), {
        detail: c.description, insertText: c.text.trimEnd(), filterText: c.text.trimEnd(), range: word(typed), sortText: String(i).padStart(4, '0'),
      }));
    }
    const state = /\bstate"?\s*:\s*["']?([A-Za-z]*)$/.exec(prefix);
    if (state) {
      const names = Object.fromEntries(Object.entries(FILE_STATES).map(([graph, file]) => [file, graph]));
      return values(state[1], Object.values(FILE_STATES), v => controlStateName(names[v]));
    }
    const setValue = /\b(status|classification|determination)"?\s*:\s*["']?([A-Za-z]*)$/.exec(prefix);
    if (setValue) {
      const list = setValue[1] === 'status' ? ALERT_STATUSES : setValue[1] === 'classification' ? Object.keys(DETERMINATIONS).filter(k => k !== 'unknown')
        : [...new Set(Object.values(DETERMINATIONS).flat())];
      return values(setValue[2], list, v => v);
    }
    const tenants = /^tenants"?\s*:\s*["']?([a-z ]*)$/i.exec(prefix.trimStart());
    if (tenants) {
      return values(tenants[1], [TENANTS_CURRENT, TENANTS_ALL_CUSTOMERS], v => (v === TENANTS_CURRENT ? 'the signed-in tenant' : "a CSP partner's customers"), vscode.CompletionItemKind.Value);
    }
    if (!json && /^[A-Za-z]*$/.test(prefix)) {
      return values(prefix, TOP_KEYS, k => `posture file: ${k}`, vscode.CompletionItemKind.Property);
    }
    const key = json ? /^\s*"([\w.-]*)$/.exec(prefix) : /^\s+([\w.-]*)$/.exec(prefix);
    if (key && this.underControls(document, position, json)) {
      return this.controlIdItems(document, key[1], word(json ? `"${key[1]}` : key[1]), json);
    }
    return [];
  }

  /** Whether the line being typed is a key of the `controls` mapping (by indentation, or by braces in JSON). */
  private underControls(document: vscode.TextDocument, position: vscode.Position, json: boolean): boolean {
    if (json) {
      const before = document.getText(new vscode.Range(new vscode.Position(0, 0), position));
      let depth = 0;
      for (let i = before.length - 1; i >= 0; i--) {
        const c = before[i];
        if (c === '}') {
          depth++;
        } else if (c === '{') {
          if (depth === 0) {
            return /"controls"\s*:\s*$/.test(before.slice(0, i));
          }
          depth--;
        }
      }
      return false;
    }
    const indent = /^\s*/.exec(document.lineAt(position.line).text)![0].length;
    for (let line = position.line - 1; line >= 0; line--) {
      const text = document.lineAt(line).text;
      if (!text.trim() || text.trimStart().startsWith('#')) {
        continue;
      }
      const own = /^\s*/.exec(text)![0].length;
      if (own < indent) {
        return /^controls\s*:\s*(#.*)?$/.test(text.trim());
      }
    }
    return false;
  }

  private controlIdItems(document: vscode.TextDocument, typed: string, range: vscode.Range, json: boolean): vscode.CompletionItem[] {
    const profiles = this.deps.store.get('profiles').data ?? [];
    // While an id is being typed the file may not parse; offer every id then.
    const present = new Set((this.analysis(document)?.parsed.doc?.controls ?? []).map(c => c.id));
    const latest = sortSnapshots(this.deps.store.get('scores').data ?? [])[0];
    const scores = new Map((latest?.controlScores ?? []).map(c => [c.controlName, num(c.score)]));
    return profiles.filter(p => !p.deprecated && !present.has(p.id) && !/^scid_/i.test(p.id) && p.id.toLowerCase().startsWith(typed.toLowerCase())).map(p => {
      const item = new vscode.CompletionItem({ label: p.id, description: safeLabel(p.title, 100) }, vscode.CompletionItemKind.Field);
      const earned = scores.get(p.id);
      item.detail = `${earned === undefined ? '–' : points(earned)} of ${points(num(p.maxScore))} points · ${controlStateName(latestStateUpdate(p.controlStateUpdates)?.state)}`;
      item.documentation = tooltip(t => t.heading(p.title || p.id).field('Category', p.controlCategory).field('Service', p.service));
      item.filterText = json ? `"${p.id}` : p.id;
      item.insertText = json
        ? new vscode.SnippetString(`"${p.id}": { "state": "\${1|default,ignored,thirdParty,reviewed|}" }`)
        : new vscode.SnippetString(`${p.id}: { state: \${1|default,ignored,thirdParty,reviewed|} }`);
      item.range = range;
      // The most points left to earn first.
      item.sortText = String(10_000 - Math.round((num(p.maxScore) - (earned ?? 0)) * 100)).padStart(6, '0');
      return item;
    });
  }

  // ---- Quick fixes ---------------------------------------------------------------------------

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const analysis = this.analysis(document);
    if (!analysis) {
      return [];
    }
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics.filter(d => d.source === SOURCE)) {
      const problem = analysis.problems.find(p => p.code === diagnostic.code && toRange(document, p.range).isEqual(diagnostic.range));
      for (const fix of problem?.fixes ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        for (const edit of fix.edits) {
          action.edit.replace(document.uri, toRange(document, edit), edit.text);
        }
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred;
        actions.push(action);
      }
    }
    return actions;
  }

  dispose(): void {
    this.timers.forEach(clearTimeout);
    this.subscriptions.forEach(s => s.dispose());
  }
}
