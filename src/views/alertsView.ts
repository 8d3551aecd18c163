// The Alerts view: the filter in force, then one group per severity with its exact count,
// "Load more" rows holding the next page link.
import type { SecurityAlert } from '../graph/types';
import { isHttpsUrl } from '../graph/clouds';
import { describeAlertFilter, alertDescription } from '../model/alerts';
import { age, alertStatusName, classificationName, dateTime, serviceSourceName, severityName } from '../model/format';
import type { AlertGroup } from '../model/store';
import { icon, type Node, Row, tooltip } from './node';
import { asOfText, emptyRow, loadingRow, statusRows, type ViewContext } from './common';
import { contextValue, valueFlag } from './contextValues';

const SEVERITY_ICON: Record<string, [string, string | undefined]> = {
  high: ['flame', 'charts.red'],
  medium: ['warning', 'charts.orange'],
  low: ['info', 'charts.yellow'],
  informational: ['comment', 'charts.blue'],
  unknown: ['question', undefined],
};

export function alertNodeId(ctx: ViewContext, alert: Pick<SecurityAlert, 'id'>): string {
  return `${ctx.idPrefix()}/alerts/alert/${alert.id}`;
}

export function alertsRoots(ctx: ViewContext): Node[] {
  const section = ctx.store.get('alerts');
  const id = `${ctx.idPrefix()}/alerts`;
  const rows: Node[] = statusRows(section, 'Alerts', id);
  const data = section.data;
  if (!data) {
    return rows.length ? rows : section.status === 'loading' ? [loadingRow(`${id}/loading`, undefined, 'alerts')] : [];
  }
  const asOf = asOfText(section, ctx.now());
  rows.unshift(new Row(`${id}/filter`, undefined, {
    label: 'Filter',
    description: `${describeAlertFilter(data.filter)}${asOf ? ` · ${asOf}` : ''}`,
    icon: icon('filter'),
    contextValue: contextValue('alertFilter'),
    command: { command: 'securityPosture.setAlertFilter', title: 'Filter Alerts…' },
    tooltip: tooltip(t => t.heading('Alerts shown').field('Filter', describeAlertFilter(data.filter)).paragraph('Click to change the filter.')),
  }));
  const groups = data.groups.filter(g => g.items.length > 0 || (g.count ?? 0) > 0 || g.error);
  if (groups.length === 0) {
    rows.push(emptyRow(`${id}/empty`, undefined, 'No alerts match', describeAlertFilter(data.filter)));
    return rows;
  }
  for (const group of groups) {
    const total = group.count ?? group.items.length;
    const [iconId, color] = SEVERITY_ICON[group.severity] ?? ['question', undefined];
    rows.push(new Row(`${id}/severity/${group.severity}`, undefined, {
      label: `${severityName(group.severity)} (${total})`,
      description: group.items.length < total ? `${group.items.length} loaded` : '',
      icon: icon(iconId, color),
      contextValue: contextValue('alertGroup', valueFlag('sev', group.severity)),
      entity: { kind: 'alertGroup', severity: group.severity },
      children: parent => groupChildren(ctx, group, parent),
    }));
  }
  return rows;
}

function groupChildren(ctx: ViewContext, group: AlertGroup, parent: Node): Node[] {
  const now = ctx.now();
  const nodes: Node[] = group.items.map(alert => alertNode(ctx, alert, parent, now));
  if (group.error) {
    nodes.push(new Row(`${parent.id}/more-error`, parent, { label: 'Could not load more', description: group.error.message, icon: icon('error', 'list.errorForeground'), contextValue: contextValue('error') }));
  }
  if (group.nextLink) {
    const total = group.count;
    nodes.push(new Row(`${parent.id}/more`, parent, {
      label: group.loadingMore ? 'Loading…' : 'Load more',
      description: total !== undefined ? `${group.items.length} of ${total} shown` : `${group.items.length} shown`,
      icon: icon(group.loadingMore ? 'loading~spin' : 'more'),
      contextValue: contextValue('loadMore'),
      command: group.loadingMore ? undefined : { command: 'securityPosture.loadMore', title: 'Load More', arguments: [group.severity] },
    }));
  }
  return nodes;
}

export function alertContextValue(alert: SecurityAlert): string {
  return contextValue('alert', valueFlag('sev', alert.severity), valueFlag('status', alert.status), alert.assignedTo ? 'assigned' : 'unassigned',
    isHttpsUrl(alert.alertWebUrl) && 'hasWebUrl', isHttpsUrl(alert.incidentWebUrl) && 'hasIncidentUrl');
}

/** `id` differs from alertNodeId where one alert shows twice (query rows). */
export function alertNode(ctx: ViewContext, alert: SecurityAlert, parent: Node | undefined, now = ctx.now(), id = alertNodeId(ctx, alert)): Row {
  const [iconId, color] = SEVERITY_ICON[alert.severity] ?? ['question', undefined];
  const inFlight = ctx.pending.get('alert', alert.id);
  return new Row(id, parent, {
    label: alert.title || '(untitled alert)',
    description: inFlight ? `Updating… ${inFlight.value}` : alertDescription(alert, serviceSourceName(alert.serviceSource), alertStatusName(alert.status), age(alert.createdDateTime, now)),
    icon: inFlight ? icon('loading~spin') : alert.status === 'resolved' ? icon('pass', 'testing.iconPassed') : icon(iconId, color),
    contextValue: alertContextValue(alert),
    copyValue: alert.id,
    entity: { kind: 'alert', alert },
    tooltip: tooltip(t => t.heading(alert.title || '(untitled alert)')
      .field('Severity', severityName(alert.severity))
      .field('Status', alertStatusName(alert.status))
      .field('Classification', alert.classification && alert.classification !== 'unknown' ? `${classificationName(alert.classification)} (${alert.determination ?? 'unknown'})` : '')
      .field('Service', serviceSourceName(alert.serviceSource))
      .field('Product', alert.productName)
      .field('Category', alert.category)
      .field('Assigned to', alert.assignedTo ?? 'nobody')
      .field('Created', dateTime(alert.createdDateTime))
      .field('Last activity', alert.lastActivityDateTime ? dateTime(alert.lastActivityDateTime) : '')
      .field('Incident', alert.incidentId)
      .field('MITRE techniques', (alert.mitreTechniques ?? []).join(', '))
      .field('Alert id', alert.id)
      .line()
      .paragraph(alert.description, 1000)
      .paragraph(alert.recommendedActions ? `Recommended: ${alert.recommendedActions}` : '', 800)),
  });
}
