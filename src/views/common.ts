// What every view shares: the context its rows are built from, and the status rows of a section.
import * as vscode from 'vscode';
import type { Section } from '../model/store';
import type { Settings } from '../settings';
import { age, dateTime } from '../model/format';
import { errorRow, icon, Node, Row, tooltip } from './node';
import type { StoreView } from '../model/store';
import type { PendingUpdates } from '../model/pending';
import { contextValue } from './contextValues';

export interface ViewContext {
  store: StoreView;
  pending: PendingUpdates;
  settings(): Settings;
  /** Prefix of every node id: data source + tenant, so ids never collide across tenants. */
  idPrefix(): string;
  /** Customer display names, when known (the sample tenant knows them). */
  customerNames(): Record<string, string>;
  now(): Date;
  /** Whether an improvement action is in the what-if plan of the current tenant. */
  isPlanned(id: string): boolean;
}

/**
 * Rows that say how a section stands: nothing while it has data and no trouble; an error row
 * when it failed (kept above stale data); a warning row for 206 partial results.
 */
export function statusRows(section: Section<unknown>, what: string, id: string, parent?: Node, signInArgs?: unknown[]): Row[] {
  const rows: Row[] = [];
  if (section.error && section.status === 'error') {
    rows.push(errorRow(`${id}/error`, parent, section.error, what, signInArgs));
  }
  if (section.warnings.length > 0) {
    const names = [...new Set(section.warnings.map(w => (w.status ? `${w.provider} (HTTP ${w.status})` : w.provider)))];
    rows.push(new Row(`${id}/partial`, parent, {
      label: 'Partial results',
      description: `${names.join(', ')} did not answer; the rest is shown`,
      icon: icon('warning', 'list.warningForeground'),
      contextValue: contextValue('warning'),
      tooltip: tooltip(t => t.heading('Microsoft Graph returned partial results (206)').paragraph(`These providers failed: ${names.join(', ')}. Refresh to try again.`)),
    }));
  }
  return rows;
}

/** "as of" text for a section: when its data was fetched, and whether it is stale. */
export function asOfText(section: Section<unknown>, now: Date): string {
  if (!section.asOf) {
    return '';
  }
  return section.stale ? `saved ${age(section.asOf, now)} (stale)` : `as of ${age(section.asOf, now)}`;
}

export function asOfTooltip(section: Section<unknown>): string {
  return section.asOf ? `${section.stale ? 'Saved data from' : 'Refreshed'} ${dateTime(section.asOf)}` : '';
}

export function loadingRow(id: string, parent: Node | undefined, what: string): Row {
  return new Row(id, parent, { label: `Loading ${what}…`, icon: icon('loading~spin') });
}

export function emptyRow(id: string, parent: Node | undefined, label: string, description?: string): Row {
  return new Row(id, parent, { label, description, icon: icon('info'), contextValue: contextValue('empty') });
}

export const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
export const Expanded = vscode.TreeItemCollapsibleState.Expanded;
