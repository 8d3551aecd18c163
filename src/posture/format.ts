// Plans as text (command line), Markdown (the read-only plan document, pull requests) and JSON
// (pipelines), and the posture file made from a tenant's current states. Strings from Graph and
// from the file are escaped for Markdown and bounded everywhere.
import type { SecureScoreControlProfile } from '../graph/types';
import { latestStateUpdate } from '../model/controls';
import { controlStateName, normalizeControlState } from '../model/format';
import { describeDiffs, type ControlStateChange } from '../model/updates';
import { FILE_STATES, POSTURE_VERSION, TENANTS_CURRENT } from './parse';
import type { ControlPlanItem, PosturePlan, RulePlan, ScoreEffect, TenantPlan } from './plan';
import { clip } from './text';

export type PlanFormat = 'text' | 'markdown' | 'json';

const md = (s: unknown, max = 200) => clip(s, max).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>[\]`*_#&!]/g, c => `\\${c}`);
const when = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;
const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${Math.abs(n)}` : '±0');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function changeText(change: ControlStateChange): string {
  const parts = [controlStateName(change.state)];
  if (change.comment) {
    parts.push(`comment "${clip(change.comment, 80)}"`);
  }
  if (change.assignedTo) {
    parts.push(`assigned to ${clip(change.assignedTo, 80)}`);
  }
  return parts.join(', ');
}

function fromText(item: ControlPlanItem): string {
  const parts = [controlStateName(item.current.state)];
  if (item.differs.includes('comment')) {
    parts.push(item.current.comment ? `comment "${clip(item.current.comment, 80)}"` : 'no comment');
  }
  if (item.differs.includes('assignedTo')) {
    parts.push(item.current.assignedTo ? `assigned to ${clip(item.current.assignedTo, 80)}` : 'unassigned');
  }
  return parts.join(', ');
}

function lastChange(item: ControlPlanItem): string {
  const by = item.current.updatedBy ? clip(item.current.updatedBy, 80) : '';
  const on = item.current.updatedDateTime?.slice(0, 10) ?? '';
  return by || on ? `changed${by ? ` by ${by}` : ''}${on ? ` on ${on}` : ''}` : '';
}

function countsLine(t: TenantPlan): string {
  const c = t.counts;
  return [
    `${plural(c.change, 'improvement action')} to change`, `${c.inSync} in sync`,
    ...(c.awaitingSync ? [`${c.awaitingSync} awaiting Microsoft sync`] : []),
    ...(c.cannotChange ? [`${c.cannotChange} cannot change`] : []),
    `${plural(c.alertChanges, 'alert')} to change`,
  ].join(' · ');
}

function scoreLine(s: ScoreEffect): string {
  const parts = [`${s.percent}% → ${s.projectedPercent}% (${s.current} → ${s.projected} of ${s.max} points)`];
  if (s.gain) {
    parts.push(`${signed(s.gain)} from marks`);
  }
  if (s.loss) {
    parts.push(`${signed(-s.loss)} from risk acceptance`);
  }
  let line = parts.join(', ');
  if (s.atRisk) {
    line += `; up to ${signed(-s.atRisk)} more where a mark returns to To address (measured configuration decides)`;
  }
  return `${line}. Microsoft reflects state changes in the score after 24–48 hours.`;
}

function ruleSummary(r: RulePlan): string {
  if (r.error) {
    return `not planned: ${r.error}`;
  }
  const claimed = r.claimed ? `; ${r.claimed} left to an earlier rule` : '';
  return `matches ${plural(r.matched, 'alert')}: ${r.changes.length} change, ${r.inSync} already so${claimed}`;
}

function markdownTenant(t: TenantPlan): string[] {
  const lines = [`## ${md(t.name)} (${md(t.tenantId)})`, '', countsLine(t), ''];
  if (t.score) {
    lines.push('### Secure Score effect', '', scoreLine(t.score), '');
    if (t.score.lines.length) {
      lines.push('| Improvement action | From | To | Points |', '|---|---|---|---:|',
        ...t.score.lines.map(l => `| ${md(l.title)} | ${md(l.from)} | ${md(l.to)} | ${l.uncertain ? `up to ${signed(l.points)}` : signed(l.points)} |`), '');
    }
  }
  const table = (title: string, items: ControlPlanItem[], row: (i: ControlPlanItem) => string, head: string) => {
    if (items.length) {
      lines.push(`### ${title} (${items.length})`, '', head, `|${head.split('|').slice(1, -1).map(() => '---').join('|')}|`, ...items.map(row), '');
    }
  };
  table('Improvement actions that change', t.controls.filter(c => c.status === 'change'),
    i => `| ${md(i.title)} | \`${md(i.id, 100)}\` | ${md(fromText(i))}${lastChange(i) ? ` (${md(lastChange(i))})` : ''} | ${md(changeText(i.desired))}${i.expired ? ` (exception expired ${md(i.expired)})` : ''} |`,
    '| Improvement action | Id | From | To |');
  table('Cannot change', t.controls.filter(c => c.status === 'cannotChange'), i => `| ${md(i.title)} | \`${md(i.id, 100)}\` | ${md(i.reason)} |`, '| Improvement action | Id | Why |');
  table('Applied, awaiting Microsoft sync', t.controls.filter(c => c.status === 'awaitingSync'),
    i => `| ${md(i.title)} | \`${md(i.id, 100)}\` | ${md(controlStateName(i.desired.state))} since ${md(i.awaitingSince?.slice(0, 10))} |`, '| Improvement action | Id | Applied |');
  const inSync = t.controls.filter(c => c.status === 'inSync');
  if (inSync.length) {
    lines.push(`### In sync (${inSync.length})`, '', inSync.map(i => `\`${md(i.id, 100)}\` ${md(controlStateName(i.current.state))}${i.awaitingSince ? ' (awaiting Microsoft sync for the score)' : ''}`).join(' · '), '');
  }
  if (t.rules.length) {
    lines.push('### Alert rules', '');
    for (const r of t.rules) {
      lines.push(`#### ${md(r.name)}`, '', `Filter \`${md(r.match, 300)}\`: ${md(ruleSummary(r))}`, '');
      if (r.changes.length) {
        lines.push('| Alert | Id | Change |', '|---|---|---|', ...r.changes.map(p => `| ${md(p.alert.title)} | \`${md(p.alert.id, 100)}\` | ${md(describeDiffs(p.diffs), 300)} |`), '');
      }
    }
  }
  return lines;
}

function textTenant(t: TenantPlan): string[] {
  const lines = [`${clip(t.name)} (${t.tenantId})`, `  ${countsLine(t)}`];
  if (t.score) {
    lines.push(`  Secure Score: ${scoreLine(t.score)}`);
  }
  for (const i of t.controls) {
    const label = `${clip(i.id, 100)} (${clip(i.title, 80)})`;
    switch (i.status) {
      case 'change':
        lines.push(`  ~ ${label}: ${fromText(i)} → ${changeText(i.desired)}${i.expired ? ` [exception expired ${i.expired}]` : ''}`);
        break;
      case 'cannotChange':
        lines.push(`  ! ${label}: cannot change: ${i.reason}`);
        break;
      case 'awaitingSync':
        lines.push(`  … ${label}: applied ${i.awaitingSince?.slice(0, 10)}, awaiting Microsoft sync`);
        break;
      case 'inSync':
        break;
    }
  }
  for (const r of t.rules) {
    lines.push(`  rule "${clip(r.name)}": ${ruleSummary(r)}`);
    for (const p of r.changes) {
      lines.push(`    ~ ${clip(p.alert.title, 80)} (${p.alert.id}): ${describeDiffs(p.diffs)}`);
    }
  }
  return lines;
}

function jsonPlan(plan: PosturePlan): unknown {
  return {
    file: plan.fileName, createdAt: plan.createdAt, writes: plan.writes, skipped: plan.skipped,
    tenants: plan.tenants.map(t => (!t.available ? { target: t.target, available: false, reason: t.reason } : {
      tenantId: t.tenantId, name: t.name, available: true, counts: t.counts, score: t.score,
      controls: t.controls.map(c => ({
        id: c.id, title: c.title, status: c.status, from: c.current, to: c.desired, differs: c.differs,
        ...(c.expired ? { expired: c.expired } : {}), ...(c.reason ? { reason: c.reason } : {}), ...(c.awaitingSince ? { awaitingSince: c.awaitingSince } : {}),
      })),
      alertRules: t.rules.map(r => ({
        name: r.name, match: r.match, matched: r.matched, inSync: r.inSync, claimed: r.claimed, ...(r.error ? { error: r.error } : {}),
        changes: r.changes.map(p => ({ id: p.alert.id, title: clip(p.alert.title, 200), patch: p.patch, ...(p.comment ? { comment: p.comment } : {}), diffs: p.diffs })),
      })),
    })),
  };
}

export function formatPlan(plan: PosturePlan, format: PlanFormat): string {
  if (format === 'json') {
    return `${JSON.stringify(jsonPlan(plan), null, 2)}\n`;
  }
  const total = plan.writes === 0 ? 'nothing to do' : `${plural(plan.writes, 'change')} to write`;
  const skipped = plan.skipped ? ` · ${plural(plan.skipped, 'entry')} with errors left out` : '';
  if (format === 'text') {
    const lines = [`Posture plan for ${clip(plan.fileName, 200)}, ${when(plan.createdAt)}: ${total}${skipped}.`];
    for (const t of plan.tenants) {
      lines.push(...(t.available ? textTenant(t) : [`${clip(t.target)}: ${t.reason}`]));
    }
    return `${lines.join('\n')}\n`;
  }
  const lines = [
    `# Posture plan: ${md(plan.fileName.split(/[\\/]/).pop())}`, '',
    `Planned ${when(plan.createdAt)}: **${total}**${skipped}. Nothing is written until you run **Apply Posture**.`, '',
  ];
  for (const t of plan.tenants) {
    lines.push(...(t.available ? markdownTenant(t) : [`## ${md(t.target)}`, '', md(t.reason), '']));
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

// ---- Export ----------------------------------------------------------------------------------

/** A YAML double-quoted string: JSON's escapes plus the invisible characters YAML would keep raw. */
function quoted(value: string): string {
  return JSON.stringify(value).replace(/[\u0080-\u009F\u00AD\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2069\uFEFF]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const MAX_COMMENT = 4000;
const ID = /^[A-Za-z0-9_.-]{1,200}$/;

/**
 * The posture file of a tenant's current improvement-action states. Deprecated controls and the
 * Defender `scid_` ones Graph cannot change are left out (a comment says how many).
 */
export function exportPosture(profiles: SecureScoreControlProfile[], tenant: { name: string; tenantId: string }, now: Date): string {
  const usable = profiles.filter(p => p?.id && !p.deprecated && !/^scid_/i.test(p.id))
    .sort((a, b) => (a.controlCategory ?? '').localeCompare(b.controlCategory ?? '') || (a.rank ?? 0) - (b.rank ?? 0) || a.id.localeCompare(b.id));
  const defender = profiles.filter(p => p?.id && !p.deprecated && /^scid_/i.test(p.id)).length;
  const deprecated = profiles.filter(p => p?.deprecated).length;
  const lines = [
    `# Security posture of ${clip(tenant.name, 100)} (${clip(tenant.tenantId, 60)}), exported ${when(now.toISOString())}.`,
    '# States: default (To address), ignored (Risk accepted), thirdParty (Resolved through third party),',
    '# reviewed (Resolved through alternate mitigation). Every state but default needs a comment;',
    '# "expires: YYYY-MM-DD" ends an exception (the plan then returns it to To address).',
  ];
  if (defender || deprecated) {
    lines.push(`# Left out: ${[defender ? `${defender} Defender for Endpoint controls (scid_…), which Graph cannot change` : '', deprecated ? `${deprecated} deprecated` : ''].filter(Boolean).join('; ')}.`);
  }
  lines.push(`version: ${POSTURE_VERSION}`, `tenants: ${TENANTS_CURRENT}`, 'controls:');
  let category = '';
  for (const p of usable) {
    if ((p.controlCategory ?? '') !== category) {
      category = p.controlCategory ?? '';
      lines.push(`  # ${clip(category || 'Other', 40)}`);
    }
    const last = latestStateUpdate(p.controlStateUpdates);
    const state = normalizeControlState(last?.state);
    const fileState = FILE_STATES[state as keyof typeof FILE_STATES] ?? 'default';
    const fields = [`state: ${fileState}`];
    if (last?.comment?.trim()) {
      fields.push(`comment: ${quoted(last.comment.trim().slice(0, MAX_COMMENT))}`);
    }
    if (last?.assignedTo?.trim()) {
      fields.push(`assignedTo: ${quoted(last.assignedTo.trim())}`);
    }
    const key = ID.test(p.id) ? p.id : quoted(p.id);
    lines.push(`  ${key}: { ${fields.join(', ')} }  # ${clip(p.title || p.id, 100).replace(/#/g, '')} (${plural(Number(p.maxScore) || 0, 'point')})`);
  }
  lines.push('alertRules: []', '');
  return lines.join('\n');
}
