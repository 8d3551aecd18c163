// What a user can change, checked before anything is sent: control profile states, alert triage,
// partner alert status. Also the dry-run preview of a bulk change and the per-item report.
import type { PartnerSecurityAlert, SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { alertStatusName, classificationName, CONTROL_STATE_NAMES, humanize, partnerAlertStatusName } from './format';
import { latestStateUpdate } from './controls';

// ---- Control profiles ------------------------------------------------------------------------

export const CONTROL_STATES = ['Default', 'Ignored', 'ThirdParty', 'Reviewed'] as const;
export type ControlStateValue = typeof CONTROL_STATES[number];

export interface ControlStateChange {
  state: ControlStateValue;
  comment?: string;
  assignedTo?: string;
}

const UPN = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function isUpn(value: string): boolean {
  return value.length <= 256 && UPN.test(value);
}

/** Why an assignee is not acceptable, or undefined. */
export function assigneeProblem(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  return isUpn(value.trim()) ? undefined : `"${value.trim().slice(0, 80)}" is not a user principal name or e-mail address (like name@contoso.com).`;
}

export function commentProblem(state: ControlStateValue, comment: string | undefined): string | undefined {
  if (state !== 'Default' && !comment?.trim()) {
    return `A comment is required for "${CONTROL_STATE_NAMES[state]}": say why, for the next admin and the auditors.`;
  }
  if (comment && comment.length > 4000) {
    return 'The comment is longer than 4,000 characters.';
  }
  return undefined;
}

/** Defender for Endpoint controls (`scid_…`) cannot be changed through Graph. */
export function controlRefusal(profile: Pick<SecureScoreControlProfile, 'id' | 'title'>): string | undefined {
  return /^scid_/i.test(profile.id)
    ? `"${profile.title || profile.id}" is a Microsoft Defender for Endpoint control; Graph cannot change its state. Use the Defender portal (Vulnerability management → Recommendations).`
    : undefined;
}

const DEFAULT_VENDOR = { provider: 'SecureScore', providerVersion: null, subProvider: null, vendor: 'Microsoft' };

/** The PATCH body Graph wants: only what changes, plus the required vendorInformation. */
export function controlPatchBody(profile: SecureScoreControlProfile, change: ControlStateChange): Record<string, unknown> {
  const vendor = profile.vendorInformation?.provider && profile.vendorInformation.vendor ? profile.vendorInformation : DEFAULT_VENDOR;
  const body: Record<string, unknown> = { state: change.state, vendorInformation: vendor };
  if (change.comment?.trim()) {
    body.comment = change.comment.trim();
  }
  if (change.assignedTo?.trim()) {
    body.assignedTo = change.assignedTo.trim();
  }
  return body;
}

export function currentControlState(profile: SecureScoreControlProfile): string {
  return latestStateUpdate(profile.controlStateUpdates)?.state ?? 'Default';
}

// ---- Alerts ------------------------------------------------------------------------------------

export const ALERT_STATUSES = ['new', 'inProgress', 'resolved'] as const;

/** Determinations the Defender portal offers for each classification. */
export const DETERMINATIONS: Record<string, readonly string[]> = {
  truePositive: ['multiStagedAttack', 'maliciousUserActivity', 'compromisedAccount', 'malware', 'phishing', 'unwantedSoftware', 'apt', 'other'],
  informationalExpectedActivity: ['securityTesting', 'lineOfBusinessApplication', 'confirmedActivity', 'securityPersonnel', 'other'],
  falsePositive: ['notMalicious', 'notEnoughDataToValidate', 'other'],
  unknown: ['unknown'],
};

export const DETERMINATION_NAMES: Record<string, string> = {
  multiStagedAttack: 'Multi-staged attack', maliciousUserActivity: 'Malicious user activity', compromisedAccount: 'Compromised account',
  malware: 'Malware', phishing: 'Phishing', unwantedSoftware: 'Unwanted software', apt: 'Advanced persistent threat', other: 'Other',
  securityTesting: 'Security testing', lineOfBusinessApplication: 'Line-of-business application', confirmedActivity: 'Confirmed activity',
  securityPersonnel: 'Security personnel', notMalicious: 'Not malicious', notEnoughDataToValidate: 'Not enough data to validate', unknown: 'Unknown',
};

export interface AlertChange {
  status?: string;
  classification?: string;
  determination?: string;
  /** Empty string unassigns. */
  assignedTo?: string;
  comment?: string;
}

export function alertChangeProblem(change: AlertChange): string | undefined {
  if (change.status !== undefined && !(ALERT_STATUSES as readonly string[]).includes(change.status)) {
    return `"${change.status}" is not an alert status (new, inProgress, resolved).`;
  }
  if (change.classification !== undefined || change.determination !== undefined) {
    const allowed = DETERMINATIONS[change.classification ?? ''];
    if (!allowed) {
      return `"${change.classification ?? ''}" is not a classification (truePositive, informationalExpectedActivity, falsePositive).`;
    }
    if (!change.determination || !allowed.includes(change.determination)) {
      return `"${change.determination ?? '(none)'}" is not a determination of ${classificationName(change.classification)}; choose one of ${allowed.map(d => DETERMINATION_NAMES[d] ?? d).join(', ')}.`;
    }
  }
  if (change.assignedTo) {
    const problem = assigneeProblem(change.assignedTo);
    if (problem) {
      return problem;
    }
  }
  if (change.comment !== undefined && !change.comment.trim()) {
    return 'The comment is empty.';
  }
  if (Object.values(change).every(v => v === undefined)) {
    return 'Nothing to change.';
  }
  return undefined;
}

export interface FieldDiff {
  field: 'status' | 'classification' | 'determination' | 'assignedTo' | 'comment';
  from: string;
  to: string;
}

export interface AlertPreview {
  alert: SecurityAlert;
  /** The PATCH body: only properties that change. */
  patch: Record<string, string | null>;
  comment?: string;
  diffs: FieldDiff[];
  unchanged: boolean;
}

/** Dry run: what each alert would change from and to; alerts already in that state are "unchanged". */
export function previewAlertChanges(alerts: SecurityAlert[], change: AlertChange): AlertPreview[] {
  return alerts.map(alert => {
    const patch: Record<string, string | null> = {};
    const diffs: FieldDiff[] = [];
    const set = (field: 'status' | 'classification' | 'determination', value: string | undefined, name: (v: string | null | undefined) => string) => {
      if (value !== undefined && (alert[field] ?? 'unknown') !== value) {
        patch[field] = value;
        diffs.push({ field, from: name(alert[field]), to: name(value) });
      }
    };
    set('status', change.status, alertStatusName);
    set('classification', change.classification, classificationName);
    set('determination', change.determination, d => DETERMINATION_NAMES[d ?? 'unknown'] ?? humanize(d));
    if (change.assignedTo !== undefined && (alert.assignedTo ?? '') !== change.assignedTo) {
      patch.assignedTo = change.assignedTo === '' ? null : change.assignedTo;
      diffs.push({ field: 'assignedTo', from: alert.assignedTo || 'unassigned', to: change.assignedTo || 'unassigned' });
    }
    const comment = change.comment?.trim() || undefined;
    if (comment) {
      diffs.push({ field: 'comment', from: '', to: comment });
    }
    return { alert, patch, comment, diffs, unchanged: diffs.length === 0 };
  });
}

export function describeDiffs(diffs: FieldDiff[]): string {
  return diffs.map(d => (d.field === 'comment' ? `comment "${d.to.length > 60 ? `${d.to.slice(0, 60)}…` : d.to}"` : `${d.field}: ${d.from} → ${d.to}`)).join(' · ') || 'no change';
}

/** Whether the alert already carries this comment (a retry after an ambiguous failure must not add it again). */
export function hasComment(alert: Pick<SecurityAlert, 'comments'>, comment: string, since?: number): boolean {
  return (alert.comments ?? []).some(c => c.comment === comment && (since === undefined || Date.parse(c.createdDateTime) >= since - 120_000));
}

// ---- Partner security alerts ---------------------------------------------------------------------

export const PARTNER_ALERT_STATUSES = ['active', 'investigating', 'resolved'] as const;
export const RESOLVED_REASONS = ['legitimate', 'ignore', 'fraud'] as const;
export const RESOLVED_REASON_NAMES: Record<string, string> = { legitimate: 'Legitimate activity', ignore: 'Ignore', fraud: 'Fraud' };

export interface PartnerAlertChange {
  status: string;
  resolvedReason?: string;
}

export function partnerChangeProblem(alert: Pick<PartnerSecurityAlert, 'status' | 'displayName'>, change: PartnerAlertChange): string | undefined {
  if (!(PARTNER_ALERT_STATUSES as readonly string[]).includes(change.status)) {
    return `"${change.status}" is not a partner alert status (active, investigating, resolved).`;
  }
  if (change.status === 'resolved' && !(RESOLVED_REASONS as readonly string[]).includes(change.resolvedReason ?? '')) {
    return 'Resolving a partner alert needs a reason: legitimate, ignore or fraud.';
  }
  if (change.status !== 'resolved' && change.resolvedReason) {
    return 'A resolved reason goes only with the resolved status.';
  }
  if (alert.status === change.status && change.status !== 'resolved') {
    return `"${alert.displayName}" is already ${partnerAlertStatusName(change.status).toLowerCase()}.`;
  }
  return undefined;
}

// ---- Outcomes ------------------------------------------------------------------------------------

export type Outcome = 'updated' | 'unchanged' | 'failed';

export interface ItemResult<T = unknown> {
  id: string;
  title: string;
  outcome: Outcome;
  /** Why it failed, in words a user can act on. */
  reason?: string;
  /** The item as the server has it after the change. */
  updated?: T;
}

export function summarize(results: ItemResult[]): string {
  const count = (o: Outcome) => results.filter(r => r.outcome === o).length;
  const parts = [`${count('updated')} updated`];
  if (count('unchanged')) {
    parts.push(`${count('unchanged')} unchanged`);
  }
  if (count('failed')) {
    parts.push(`${count('failed')} failed`);
  }
  return parts.join(', ');
}

/** Text made safe for a Markdown table cell or heading: no table breaks, markup or HTML. */
export function escapeCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/[<>[\]`*_]/g, c => `\\${c}`);
}

/** A Markdown report of a bulk change, one row per item. Graph strings are escaped for tables. */
export function reportMarkdown(title: string, results: ItemResult[], when: Date): string {
  const cell = escapeCell;
  const lines = [
    `# ${cell(title)}`, '', `${summarize(results)} — ${when.toISOString().replace('T', ' ').slice(0, 16)} UTC`, '',
    '| Item | Id | Result | Reason |', '|---|---|---|---|',
    ...results.map(r => `| ${cell(r.title)} | ${cell(r.id)} | ${r.outcome} | ${cell(r.reason ?? '')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

