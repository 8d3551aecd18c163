// The Improvement Actions view: control profiles grouped (category / service / state), ranked,
// with points earned of max from today's snapshot and the current state.
import { buildControlRows, groupControls, type ControlRow } from '../model/controls';
import { controlStateName, dateTime, plainText, points, safeLabel } from '../model/format';
import { sortSnapshots } from '../model/secureScore';
import { isHttpsUrl } from '../graph/clouds';
import { icon, idPart, type Node, Row, tooltip } from './node';
import { asOfText, emptyRow, loadingRow, statusRows, type ViewContext } from './common';
import { categoryIcon } from './secureScoreView';
import { contextValue, valueFlag } from './contextValues';

export function controlRows(ctx: ViewContext): ControlRow[] {
  const profiles = ctx.store.get('profiles').data ?? [];
  const latest = sortSnapshots(ctx.store.get('scores').data ?? [])[0];
  return buildControlRows(profiles, latest);
}

export function controlNodeId(ctx: ViewContext, row: Pick<ControlRow, 'id'>): string {
  return `${ctx.idPrefix()}/controls/profile/${row.id}`;
}

export function controlsRoots(ctx: ViewContext): Node[] {
  const section = ctx.store.get('profiles');
  const id = `${ctx.idPrefix()}/controls`;
  const rows: Node[] = statusRows(section, 'Improvement actions', id);
  if (!section.data) {
    return rows.length ? rows : section.status === 'loading' ? [loadingRow(`${id}/loading`, undefined, 'improvement actions')] : [];
  }
  const settings = ctx.settings();
  // Today's snapshot, found once per render: every row joins with it.
  const latest = sortSnapshots(ctx.store.get('scores').data ?? [])[0];
  const groups = groupControls(buildControlRows(section.data, latest), settings.groupBy, settings.showDeprecated);
  if (groups.length === 0) {
    return [...rows, emptyRow(`${id}/empty`, undefined, 'No improvement actions', settings.showDeprecated ? undefined : 'deprecated ones are hidden')];
  }
  const asOf = asOfText(section, ctx.now());
  for (const group of groups) {
    rows.push(new Row(`${id}/group/${settings.groupBy}/${idPart(group.key)}`, undefined, {
      label: group.label,
      description: `${points(group.earned)} / ${points(group.max)} points · ${group.rows.length} action${group.rows.length === 1 ? '' : 's'}${asOf && section.stale ? ` · ${asOf}` : ''}`,
      icon: icon(settings.groupBy === 'category' ? categoryIcon(group.key) : settings.groupBy === 'state' ? stateIcon(group.key).id : 'symbol-namespace'),
      contextValue: contextValue('controlGroup'),
      children: parent => group.rows.map(row => controlNode(ctx, row, parent)),
    }));
  }
  return rows;
}

function stateIcon(state: string) {
  switch (state) {
    case 'Default': return icon('circle-large-outline');
    case 'Ignored': return icon('circle-slash', 'list.warningForeground');
    case 'ThirdParty': return icon('pass', 'testing.iconPassed');
    case 'Reviewed': return icon('pass-filled', 'testing.iconPassed');
    default: return icon('question');
  }
}

export function controlContextValue(row: ControlRow, awaitingSync = false): string {
  return contextValue('controlProfile', row.updatable ? 'updatable' : 'readonly', valueFlag('state', row.state), row.deprecated && 'deprecated',
    isHttpsUrl(row.profile.actionUrl) && 'hasActionUrl', awaitingSync && 'awaitingSync');
}

export function controlNode(ctx: ViewContext, row: ControlRow, parent: Node | undefined): Row {
  const earned = row.earned === undefined ? '–' : points(row.earned);
  const done = row.earned !== undefined && row.max > 0 && row.earned >= row.max;
  const update = row.lastUpdate;
  const inFlight = ctx.pending.get('control', row.id);
  const awaiting = inFlight ? undefined : ctx.pending.awaitingSync(row.id);
  const history = (row.profile.controlStateUpdates ?? []).filter(u => u.updatedDateTime || u.state !== 'Default');
  const id = controlNodeId(ctx, row);
  return new Row(id, parent, {
    label: row.title,
    description: inFlight
      ? `Updating… → ${inFlight.value}`
      : `${earned} / ${points(row.max)} · ${row.userImpact} impact · ${row.implementationCost} cost · ${controlStateName(row.state)}${awaiting ? ' · awaiting Microsoft sync' : ''}${row.deprecated ? ' · deprecated' : ''}`,
    icon: inFlight ? icon('loading~spin') : awaiting ? icon('sync', 'list.warningForeground') : row.state === 'Default' && done ? icon('pass', 'testing.iconPassed') : stateIcon(row.state),
    contextValue: controlContextValue(row, !!awaiting),
    children: history.length > 1 || (history.length === 1 && history[0].state !== 'Default')
      ? p => [...history].reverse().map((u, i) => new Row(`${id}/history/${history.length - 1 - i}`, p, {
        label: `${controlStateName(u.state)}`,
        description: [dateTime(u.updatedDateTime), u.updatedBy ? `by ${u.updatedBy}` : '', u.assignedTo ? `→ ${u.assignedTo}` : '', u.comment ? `"${u.comment}"` : ''].filter(Boolean).join(' · '),
        icon: icon('history'),
        contextValue: contextValue('detail'),
        copyValue: u.comment ?? '',
        tooltip: tooltip(t => t.heading(controlStateName(u.state)).field('When', dateTime(u.updatedDateTime)).field('By', u.updatedBy).field('Assigned to', u.assignedTo).field('Comment', u.comment)),
      }))
      : undefined,
    copyValue: row.id,
    entity: { kind: 'controlProfile', profile: row.profile },
    planned: row.deprecated ? undefined : ctx.isPlanned(row.id),
    tooltip: tooltip(t => {
      t.heading(row.title)
        .field('Points', `${earned} of ${points(row.max)}`)
        .field('State', controlStateName(row.state))
        .field('Category', row.category)
        .field('Service', row.service)
        .field('Tier', row.tier)
        .field('Rank', row.rank === Number.MAX_SAFE_INTEGER ? '' : row.rank)
        .field('User impact', row.userImpact)
        .field('Implementation cost', row.implementationCost)
        .field('Threats', (row.profile.threats ?? []).map(x => safeLabel(x)).join(', '))
        .field('Control id', row.id);
      if (!row.updatable) {
        t.field('Note', 'Defender for Endpoint controls cannot be changed through Microsoft Graph; use the Defender portal.');
      }
      if (awaiting) {
        t.field('Awaiting Microsoft sync', `set to ${controlStateName(awaiting.state)} ${dateTime(awaiting.since)}; the score reflects it within 24-48 hours`);
      }
      if (update && (update.comment || update.assignedTo || update.updatedBy)) {
        t.line().field('Last change', `${controlStateName(update.state)} · ${dateTime(update.updatedDateTime)}`)
          .field('By', update.updatedBy).field('Assigned to', update.assignedTo).field('Comment', update.comment);
      }
      t.line().paragraph(plainText(row.profile.remediation));
      if (row.profile.remediationImpact) {
        t.field('Impact on users', plainText(row.profile.remediationImpact, 500));
      }
    }),
  });
}
