// The Secure Score view: today's score, the change since the previous snapshot, comparisons
// with other organisations and points per category.
import { percent, points, signed, day, comparisonName } from '../model/format';
import { summarizeSecureScore } from '../model/secureScore';
import { icon, idPart, type Node, Row, tooltip } from './node';
import { asOfText, asOfTooltip, Collapsed, Expanded, emptyRow, loadingRow, statusRows, type ViewContext } from './common';
import { contextValue } from './contextValues';

export function secureScoreRoots(ctx: ViewContext): Node[] {
  const scores = ctx.store.get('scores');
  const profiles = ctx.store.get('profiles');
  const id = `${ctx.idPrefix()}/secureScore`;
  const rows: Node[] = statusRows(scores, 'Secure Score', id);
  if (!scores.data) {
    return rows.length ? rows : scores.status === 'loading' ? [loadingRow(`${id}/loading`, undefined, 'Secure Score')] : [];
  }
  const summary = summarizeSecureScore(scores.data, profiles.data ?? []);
  if (!summary) {
    return [...rows, emptyRow(`${id}/empty`, undefined, 'No Secure Score yet', 'Microsoft computes the first score within a day of licensing')];
  }
  const now = ctx.now();
  rows.push(new Row(`${id}/score`, undefined, {
    label: 'Secure Score',
    description: `${points(summary.current)} / ${points(summary.max)} (${percent(summary.percent)})`,
    icon: icon('shield'),
    contextValue: contextValue('score', 'secureScore'),
    copyValue: `${points(summary.current)} / ${points(summary.max)} (${percent(summary.percent)})`,
    tooltip: tooltip(t => t.heading(`Microsoft Secure Score: ${percent(summary.percent)}`)
      .field('Points', `${points(summary.current)} of ${points(summary.max)}`)
      .field('Snapshot', day(summary.date))
      .field('Active users', `${summary.activeUserCount} of ${summary.licensedUserCount} licensed`)
      .field('Data', asOfTooltip(scores))),
  }));
  if (summary.deltaPoints !== undefined) {
    const d = summary.deltaPoints;
    rows.push(new Row(`${id}/delta`, undefined, {
      label: 'Change since previous day',
      description: `${signed(d)} points (${signed(summary.deltaPercent ?? 0, '%')})`,
      icon: icon(d > 0 ? 'arrow-up' : d < 0 ? 'arrow-down' : 'arrow-right', d > 0 ? 'testing.iconPassed' : d < 0 ? 'testing.iconFailed' : undefined),
      contextValue: contextValue('score', 'delta'),
      tooltip: tooltip(t => t.field('Compared with', day(summary.previousDate)).field('Points then', points(summary.current - d))),
    }));
  }
  if (summary.comparisons.length > 0) {
    rows.push(new Row(`${id}/comparisons`, undefined, {
      label: 'Compared with',
      description: `${summary.comparisons.length} group${summary.comparisons.length === 1 ? '' : 's'}`,
      icon: icon('organization'),
      collapsible: Expanded,
      children: parent => summary.comparisons.map(c => new Row(`${id}/comparisons/${idPart(c.basis)}`, parent, {
        label: comparisonName(c.basis),
        description: `avg ${percent(c.averagePercent)} · you ${signed(c.difference, ' pts')}${c.detail ? ` · ${c.detail}` : ''}`,
        icon: icon(c.difference >= 0 ? 'pass' : 'warning', c.difference >= 0 ? 'testing.iconPassed' : 'list.warningForeground'),
        contextValue: contextValue('score'),
        tooltip: tooltip(t => t.heading(`${c.label}: average ${percent(c.averagePercent)}`).field('Your score', percent(summary.percent)).field('Group', c.detail)),
      })),
    }));
  } else {
    rows.push(emptyRow(`${id}/comparisons-none`, undefined, 'Compared with', 'Microsoft sent no comparison data'));
  }
  rows.push(new Row(`${id}/categories`, undefined, {
    label: 'Categories',
    description: profiles.data ? '' : 'maximums estimated until improvement actions load',
    icon: icon('symbol-folder'),
    collapsible: Expanded,
    children: parent => summary.categories.map(c => new Row(`${id}/categories/${idPart(c.category)}`, parent, {
      label: c.category,
      description: `${points(c.score)} / ${points(c.max)} (${percent(c.percent)})`,
      icon: icon(categoryIcon(c.category)),
      contextValue: contextValue('score', 'category'),
      entity: { kind: 'category', category: c.category },
      command: { command: 'securityPosture.revealCategory', title: 'Show improvement actions', arguments: [c.category] },
    })),
  }));
  rows.push(new Row(`${id}/asof`, undefined, {
    label: 'Data',
    description: `${summary.snapshotCount} daily snapshots · ${asOfText(scores, now)}`,
    icon: icon(scores.stale ? 'history' : 'clock'),
    tooltip: tooltip(t => t.field('Data', asOfTooltip(scores)).field('Latest snapshot', day(summary.date))),
    collapsible: Collapsed,
    children: parent => scores.data!.slice(0, 14).map(s => new Row(`${id}/asof/${s.id}`, parent, {
      label: day(s.createdDateTime),
      description: `${points(s.currentScore)} / ${points(s.maxScore)}`,
      icon: icon('calendar'),
    })),
  }));
  return rows;
}

export function categoryIcon(category: string): string {
  switch (category) {
    case 'Identity': return 'person';
    case 'Data': return 'database';
    case 'Device': return 'device-desktop';
    case 'Apps': return 'extensions';
    case 'Infrastructure': return 'server';
    default: return 'symbol-misc';
  }
}
