// Tree nodes: each knows its stable id, its parent (for reveal) and how to render itself.
// Strings from Graph are hostile: labels go through safeLabel, tooltips are untrusted markdown
// built with appendText (which escapes), links are offered only for https URLs.
import * as vscode from 'vscode';
import type { PostureError } from '../graph/errors';
import type { PartnerSecurityAlert, SecureScoreControlProfile, SecurityAlert, SecurityRequirement } from '../graph/types';
import type { QueryResult } from '../model/alertQueries';
import { safeLabel } from '../model/format';
import type { CustomerRow } from '../model/partner';
import type { CustomerResult } from '../model/portfolio';
import { contextValue } from './contextValues';

/** What a row stands for, for the commands run on it. */
export type RowEntity =
  | { kind: 'controlProfile'; profile: SecureScoreControlProfile }
  | { kind: 'alert'; alert: SecurityAlert }
  | { kind: 'alertGroup'; severity: string }
  | { kind: 'alertQuery'; query: QueryResult }
  | { kind: 'partnerAlert'; alert: PartnerSecurityAlert }
  | { kind: 'requirement'; requirement: SecurityRequirement }
  | { kind: 'customer'; customer: CustomerRow }
  | { kind: 'portfolioCustomer'; customer: CustomerResult }
  | { kind: 'category'; category: string };

export abstract class Node {
  constructor(readonly id: string, readonly parent?: Node) {}
  abstract item(): vscode.TreeItem;
  children(): Node[] | Promise<Node[]> {
    return [];
  }
}

export interface RowOptions {
  label: string;
  description?: string;
  tooltip?: vscode.MarkdownString | string;
  icon?: vscode.ThemeIcon;
  contextValue?: string;
  collapsible?: vscode.TreeItemCollapsibleState;
  command?: vscode.Command;
  children?: (parent: Node) => Node[] | Promise<Node[]>;
  /** A value for "Copy". */
  copyValue?: string;
  /** What the row stands for, for commands. */
  entity?: RowEntity;
  /** A "planned" checkbox (improvement actions); undefined = no checkbox. */
  planned?: boolean;
}

/** A row built from options; most rows are this. */
export class Row extends Node {
  constructor(id: string, parent: Node | undefined, readonly options: RowOptions) {
    super(id, parent);
  }

  item(): vscode.TreeItem {
    const o = this.options;
    const item = new vscode.TreeItem(safeLabel(o.label), o.collapsible ?? (o.children ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None));
    item.id = this.id;
    if (o.description !== undefined) {
      item.description = safeLabel(o.description);
    }
    item.tooltip = o.tooltip;
    item.iconPath = o.icon;
    item.contextValue = o.contextValue;
    item.command = o.command;
    item.accessibilityInformation = { label: [safeLabel(o.label), o.description ? safeLabel(o.description) : ''].filter(Boolean).join(', ') };
    if (o.planned !== undefined) {
      item.checkboxState = {
        state: o.planned ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked,
        tooltip: o.planned ? 'Planned: counted in the what-if projection' : 'Plan this action (what-if projection)',
        accessibilityInformation: { label: 'Planned', role: 'checkbox' },
      };
    }
    return item;
  }

  override children(): Node[] | Promise<Node[]> {
    return this.options.children?.(this) ?? [];
  }
}

/** The entity of a row passed to a command, if it is one of our rows. */
export function entityOf(arg: unknown): RowEntity | undefined {
  return arg && typeof arg === 'object' ? (arg as Partial<Row>).options?.entity : undefined;
}

/** The Graph object behind a row, when it stands for one. */
export function graphObjectOf(entity: RowEntity | undefined): { id?: string; tenantId?: string } | undefined {
  switch (entity?.kind) {
    case 'controlProfile': return entity.profile;
    case 'alert': case 'partnerAlert': return entity.alert;
    case 'requirement': return entity.requirement;
    case 'customer': return entity.customer;
    default: return undefined;
  }
}

/**
 * A value from Graph (an enum member, a category) as part of a row id: kept when short and plain,
 * else a short hash of it, so ids stay small and unique whatever Graph sends.
 */
export function idPart(value: unknown): string {
  const text = String(value ?? '');
  if (/^[\w.@:-]{0,64}$/.test(text)) {
    return text;
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  return `~${(hash >>> 0).toString(36)}-${text.length}`;
}

export function icon(id: string, color?: string): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

/** Untrusted markdown: no command links, no HTML, text escaped. */
export function tooltip(build: (md: TooltipBuilder) => void): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', false);
  md.isTrusted = false;
  md.supportHtml = false;
  build(new TooltipBuilder(md));
  return md;
}

export class TooltipBuilder {
  constructor(private readonly md: vscode.MarkdownString) {}

  heading(text: string): this {
    this.md.appendMarkdown('**');
    this.text(safeLabel(text, 500));
    this.md.appendMarkdown('**\n\n');
    return this;
  }

  field(name: string, value: unknown): this {
    const text = value === null || value === undefined || value === '' ? '' : safeLabel(String(value), 500);
    if (text) {
      this.md.appendMarkdown(`${name}: `);
      this.text(text);
      this.md.appendMarkdown('  \n');
    }
    return this;
  }

  paragraph(text: string | null | undefined, max = 1500): this {
    if (text) {
      this.md.appendMarkdown('\n');
      this.text(text.length > max ? `${text.slice(0, max)}…` : text);
      this.md.appendMarkdown('\n\n');
    }
    return this;
  }

  /**
   * appendText escapes markdown but not HTML, which the hover then drops: `<img onerror…>` would
   * vanish from the tooltip instead of showing. As entities, tags and entities show as typed.
   */
  private text(value: string): void {
    this.md.appendText(value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  }

  line(): this {
    this.md.appendMarkdown('\n\n---\n\n');
    return this;
  }
}

/** The row that stands for a failed section: says what happened and offers the way out. */
/** `signInArgs` go to the Sign In command (the partner view asks for its own permission). */
export function errorRow(id: string, parent: Node | undefined, error: PostureError, what: string, signInArgs: unknown[] = []): Row {
  const common = { tooltip: tooltip(t => t.heading(`${what}: ${error.message}`).field('Details', error.details.graphMessage).field('Request id', error.details.requestId)) };
  switch (error.kind) {
    case 'signIn':
      return new Row(id, parent, { ...common, label: 'Sign in to Microsoft', description: error.message, icon: icon('sign-in'), contextValue: contextValue('signIn'), command: { command: 'securityPosture.signIn', title: 'Sign In', arguments: signInArgs } });
    case 'forbidden':
    case 'notPartner':
      return new Row(id, parent, { ...common, label: error.kind === 'notPartner' ? 'Not available for this account' : 'Access denied', description: error.message, icon: icon('lock'), contextValue: contextValue('error') });
    case 'unavailable':
      return new Row(id, parent, { ...common, label: 'Not offered in this cloud', description: error.message, icon: icon('info'), contextValue: contextValue('error') });
    case 'offline':
      return new Row(id, parent, { ...common, label: 'Offline', description: error.message, icon: icon('cloud-offline', 'list.warningForeground'), contextValue: contextValue('error'), command: retry() });
    case 'throttled':
      return new Row(id, parent, { ...common, label: 'Throttled by Microsoft Graph', description: error.message, icon: icon('watch', 'list.warningForeground'), contextValue: contextValue('error'), command: retry() });
    default:
      return new Row(id, parent, { ...common, label: `Could not load ${what.toLowerCase()}`, description: error.message, icon: icon('error', 'list.errorForeground'), contextValue: contextValue('error'), command: retry() });
  }
}

function retry(): vscode.Command {
  return { command: 'securityPosture.refresh', title: 'Retry' };
}
