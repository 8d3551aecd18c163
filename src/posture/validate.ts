// What is wrong with a posture file in the light of a tenant: unknown control ids (with "did you
// mean"), Defender `scid_` controls Graph cannot change, missing comments, assignees that are not
// UPNs, expired exceptions, and alert-rule filters the filter language refuses, each at its place.
import type { SecureScoreControlProfile } from '../graph/types';
import { parseAlertQuery, QuerySyntaxError } from '../model/alertQuery';
import { controlStateName } from '../model/format';
import { alertChangeProblem, assigneeProblem, commentProblem, controlRefusal } from '../model/updates';
import { Positions, ProblemSink } from './parse';
import { clip, closest } from './text';
import type { ControlEntry, PostureDoc, PostureFix, PostureProblem, TextRange } from './types';

export interface ValidationContext {
  /** The tenant's control profiles; without them, ids are not checked. */
  profiles?: SecureScoreControlProfile[];
  now: Date;
  /** The signed-in user, for `assigned:me` in rule filters. */
  me?: string;
}

/** What "add missing comment" writes; still refused until it is replaced by a real reason. */
export const COMMENT_PLACEHOLDER = 'TODO: why?';
const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Suggestions are computed for this many unknown ids; a file of 10,000 bad ids stays fast. */
const MAX_SUGGESTIONS = 200;

/** The instant an `expires` day ends (UTC), or undefined when it is not a calendar date. */
export function expiryEnd(expires: string): number | undefined {
  const m = DATE.exec(expires.trim());
  if (!m) {
    return undefined;
  }
  const at = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const day = new Date(at);
  return day.getUTCDate() === Number(m[3]) && day.getUTCMonth() === Number(m[2]) - 1 ? at + DAY_MS : undefined;
}

/** Whether the entry's exception has lapsed at `now` (its last day is over). */
export function isExpired(entry: Pick<ControlEntry, 'expires'>, now: Date): boolean {
  const end = entry.expires === undefined ? undefined : expiryEnd(entry.expires);
  return end !== undefined && now.getTime() >= end;
}

/** Why an entry cannot be planned in any tenant (its errors), or undefined. */
export function entryError(entry: ControlEntry): string | undefined {
  if (!entry.state) {
    return 'it has no valid state';
  }
  if (entry.comment?.trim() === COMMENT_PLACEHOLDER) {
    return 'its comment is still the placeholder';
  }
  return commentProblem(entry.state, entry.comment) ?? assigneeProblem(entry.assignedTo)
    ?? (entry.expires !== undefined && expiryEnd(entry.expires) === undefined ? `"${clip(entry.expires, 40)}" is not a date` : undefined);
}

const isJson = (doc: PostureDoc) => /\.json$/i.test(doc.fileName);

/** An edit adding `key: value` to an entry's mapping, in the file's own style (flow, block or JSON). */
export function addFieldEdit(doc: PostureDoc, entry: ControlEntry, key: string, value: string): PostureFix['edits'][number] {
  const { text } = doc;
  const pair = isJson(doc) ? `"${key}": ${JSON.stringify(value)}` : `${key}: ${JSON.stringify(value)}`;
  const valueText = text.slice(entry.ranges.value.start, entry.ranges.value.end);
  if (valueText.startsWith('{')) {
    let close = entry.ranges.value.end - 1;
    while (close > entry.ranges.value.start && text[close] !== '}') {
      close--;
    }
    let before = close;
    while (before > entry.ranges.value.start && /\s/.test(text[before - 1])) {
      before--;
    }
    const empty = text[before - 1] === '{';
    return { start: before, end: before, text: `${empty ? ' ' : ', '}${pair}${empty ? ' ' : ''}` };
  }
  // Block mapping: a new line after the last field, indented like the state.
  const anchor = entry.ranges.state ?? entry.ranges.value;
  const lineStart = text.lastIndexOf('\n', anchor.start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  let end = entry.ranges.value.end;
  while (end > entry.ranges.value.start && /\s/.test(text[end - 1])) {
    end--;
  }
  return { start: end, end, text: `\n${indent}${pair}` };
}

function stateOnlyEdit(doc: PostureDoc, entry: ControlEntry): PostureFix['edits'][number] {
  return { ...entry.ranges.value, text: isJson(doc) ? '{ "state": "default" }' : '{ state: default }' };
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function validatePosture(doc: PostureDoc, context: ValidationContext): PostureProblem[] {
  const sink = new ProblemSink(new Positions(doc.text));
  const profiles = context.profiles;
  const byId = new Map((profiles ?? []).map(p => [p.id, p]));
  const lowerIds = profiles ? new Map(profiles.map(p => [p.id.toLowerCase(), p.id])) : undefined;
  let suggestionsLeft = MAX_SUGGESTIONS;
  const now = context.now.getTime();

  for (const entry of doc.controls) {
    const label = clip(entry.id, 60);
    const profile = byId.get(entry.id);
    if (profiles && !profile) {
      const suggestion = lowerIds!.get(entry.id.toLowerCase()) ?? (suggestionsLeft-- > 0 ? closest(entry.id, byId.keys(), { ignoreCase: true })
        ?? profiles.find(p => p.title && p.title.toLowerCase() === entry.id.toLowerCase())?.id : undefined);
      const quote = isJson(doc) || /^["']/.test(doc.text.slice(entry.ranges.key.start, entry.ranges.key.start + 1)) ? '"' : '';
      sink.add('error', 'unknownControl', `"${label}" is not an improvement action of this tenant.${suggestion ? ` Did you mean "${suggestion}" (${clip(byId.get(suggestion)?.title, 80)})?` : ''}`, entry.ranges.key,
        suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ ...entry.ranges.key, text: `${quote}${suggestion}${quote}` }], preferred: true }] : undefined);
    }
    const refusal = controlRefusal({ id: entry.id, title: profile?.title ?? entry.id });
    if (refusal) {
      sink.add('warning', 'readOnlyControl', `${refusal} The plan lists it as "cannot change".`, entry.ranges.key);
    }
    if (profile?.deprecated) {
      sink.add('info', 'deprecatedControl', `"${label}" is deprecated by Microsoft; it no longer counts toward the score.`, entry.ranges.key);
    }
    if (!entry.state) {
      continue;
    }
    const stateRange = entry.ranges.state ?? entry.ranges.key;
    const placeholder = entry.comment?.trim() === COMMENT_PLACEHOLDER;
    const commentIssue = placeholder ? `Replace the placeholder with the reason for "${controlStateName(entry.state)}".` : commentProblem(entry.state, entry.comment);
    if (commentIssue) {
      const missing = entry.comment === undefined;
      sink.add('error', 'commentRequired', commentIssue, missing ? stateRange : entry.ranges.comment ?? stateRange,
        missing ? [{ title: 'Add a comment', edits: [addFieldEdit(doc, entry, 'comment', COMMENT_PLACEHOLDER)], preferred: true }] : undefined);
    }
    const assignee = assigneeProblem(entry.assignedTo);
    if (assignee) {
      sink.add('error', 'assignee', assignee, entry.ranges.assignedTo ?? stateRange);
    }
    if (entry.expires !== undefined) {
      const range: TextRange = entry.ranges.expires ?? stateRange;
      const end = expiryEnd(entry.expires);
      if (end === undefined) {
        sink.add('error', 'expires', `"${clip(entry.expires, 40)}" is not a date: write the last day of the exception as YYYY-MM-DD, e.g. 2027-03-31.`, range);
      } else if (entry.state === 'Default') {
        sink.add('warning', 'expiresUnused', '"expires" ends an exception; To address (default) is not one, so it has no effect.', range);
      } else if (now >= end) {
        const extended = isoDay(Math.max(end, now) + 90 * DAY_MS);
        sink.add('warning', 'expired', `This exception expired on ${entry.expires}: the plan returns "${label}" to To address until it is renewed.`, range, [
          { title: `Extend to ${extended}`, edits: [{ ...range, text: isJson(doc) ? `"${extended}"` : extended }] },
          { title: 'Return to To address (state: default)', edits: [stateOnlyEdit(doc, entry)] },
        ]);
      }
    }
  }

  for (const rule of doc.alertRules) {
    if (rule.ranges.match && rule.match !== undefined) {
      if (!rule.match.trim()) {
        sink.add('error', 'ruleMatch', `The filter of "${clip(rule.name, 60)}" is empty: it would match every alert. Name the alerts, e.g. severity:informational title:"test".`, rule.ranges.match);
      } else {
        try {
          parseAlertQuery(rule.match, { now: context.now, me: context.me });
        } catch (error) {
          if (!(error instanceof QuerySyntaxError)) {
            throw error;
          }
          const start = rule.matchOffset(error.span.start);
          const end = Math.max(start + 1, rule.matchOffset(Math.max(error.span.start, error.span.end - 1)) + 1);
          sink.add('error', 'ruleMatch', error.message, { start, end: Math.min(end, rule.ranges.match.end) });
        }
      }
    }
    if (rule.ranges.set && rule.wellFormed) {
      const problem = alertChangeProblem(rule.set);
      if (problem) {
        sink.add('error', 'ruleSet', problem, rule.ranges.set);
      }
    }
  }
  return sink.done();
}

/** Parse problems and validation problems together decide whether the file may be applied. */
export const hasErrors = (problems: PostureProblem[]) => problems.some(p => p.severity === 'error');
