// Query rows at the end of the Alerts view: one per "Query Alerts…" result, with its alerts,
// "Load more" and its state. Ids are stable per tenant and query, and distinct from the severity
// groups' alert rows, since one alert may show in both.
import type { AlertQueries, QueryResult } from '../model/alertQueries';
import { age, dateTime } from '../model/format';
import { alertNode } from './alertsView';
import { asOfText, emptyRow, Expanded, loadingRow, type ViewContext } from './common';
import { errorRow, icon, type Node, Row, tooltip } from './node';
import { contextValue } from './contextValues';

export function queryNodeId(ctx: Pick<ViewContext, 'idPrefix'>, result: Pick<QueryResult, 'id'>): string {
  return `${ctx.idPrefix()}/alerts/query/${result.id}`;
}

export function queryRows(ctx: ViewContext, queries: AlertQueries): Node[] {
  return queries.results.map(result => queryNode(ctx, result));
}

function matchesText(result: QueryResult): string {
  if (result.status === 'loading' && result.items.length === 0) {
    return 'running…';
  }
  const n = result.items.length;
  return `${n}${result.nextLink ? '+' : ''} match${n === 1 ? '' : 'es'}`;
}

export function queryNode(ctx: ViewContext, result: QueryResult): Row {
  const id = queryNodeId(ctx, result);
  const asOf = result.asOf ? asOfText({ asOf: result.asOf, stale: false, status: 'ready', warnings: [] }, ctx.now()) : '';
  return new Row(id, undefined, {
    label: result.name ?? result.text,
    description: [result.name ? result.text : '', matchesText(result), result.status === 'error' ? 'failed' : asOf].filter(Boolean).join(' · '),
    icon: result.status === 'loading' ? icon('loading~spin') : icon(result.saved ? 'star-full' : 'search'),
    contextValue: contextValue('alertQuery', result.saved ? 'saved' : 'unsaved'),
    collapsible: Expanded,
    copyValue: result.text,
    entity: { kind: 'alertQuery', query: result },
    tooltip: tooltip(t => t.heading(result.name ?? 'Alert query')
      .field('Query', result.text)
      .field('Graph $filter', result.odata || '(none: every alert)')
      .field('Filtered here', result.local.join('; '))
      .field('Alerts read', result.scanned)
      .field('Ran', result.asOf ? `${dateTime(result.asOf)} (${age(result.asOf, ctx.now())})` : '')
      .field('Saved', result.saved ? 'yes' : '')),
    children: parent => queryChildren(ctx, result, parent),
  });
}

function queryChildren(ctx: ViewContext, result: QueryResult, parent: Node): Node[] {
  const now = ctx.now();
  const nodes: Node[] = result.items.map(alert => alertNode(ctx, alert, parent, now, `${parent.id}/alert/${alert.id}`));
  if (result.error) {
    nodes.push(errorRow(`${parent.id}/error`, parent, result.error, 'Query'));
  }
  if (result.status === 'loading') {
    nodes.push(loadingRow(`${parent.id}/loading`, parent, 'alerts'));
  } else if (result.nextLink) {
    nodes.push(new Row(`${parent.id}/more`, parent, {
      label: 'Load more',
      description: `${result.items.length} shown of ${result.scanned} read`,
      icon: icon('more'),
      contextValue: contextValue('loadMore'),
      command: { command: 'securityPosture.loadMoreQueryResults', title: 'Load More', arguments: [result.id] },
    }));
  } else if (result.items.length === 0 && !result.error) {
    nodes.push(emptyRow(`${parent.id}/empty`, parent, 'No alerts match', result.local.length ? `${result.scanned} read, none passed: ${result.local.join('; ')}` : undefined));
  }
  return nodes;
}
