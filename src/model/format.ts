// Display names and formatting for Graph values. Unknown enum members fall back to a readable
// form of the raw value, never to a crash.

export function humanize(value: string | null | undefined): string {
  if (!value) {
    return '';
  }
  const spaced = value.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim();
  // Unknown enum members are Graph's text, not ours: bounded and never a link.
  return safeLabel(spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase(), 200);
}

function lookup(table: Record<string, string>, value: string | null | undefined): string {
  return (value && table[value]) || humanize(value) || 'Unknown';
}

export const REQUIREMENT_NAMES: Record<string, string> = {
  mfaEnforcedForAdmins: 'MFA enforced for admins',
  mfaEnforcedForAdminsOfCustomers: 'MFA enforced for admins of customers',
  securityAlertsPromptlyResolved: 'Security alerts promptly resolved',
  securityContactProvided: 'Security contact provided',
  spendingBudgetSetForCustomerAzureSubscriptions: 'Spending budget set for customer Azure subscriptions',
};
export const requirementName = (type: string | null | undefined) => lookup(REQUIREMENT_NAMES, type);

/** `noncomplaint` is the service's own (misspelled) member name. */
export const COMPLIANCE_NAMES: Record<string, string> = { compliant: 'Compliant', noncomplaint: 'Not compliant', noncompliant: 'Not compliant' };
export const complianceName = (status: string | null | undefined) => lookup(COMPLIANCE_NAMES, status);
export const isCompliant = (status: string | null | undefined) => status === 'compliant';
export const isNonCompliant = (status: string | null | undefined) => status === 'noncomplaint' || status === 'noncompliant';

export const CONTROL_STATE_NAMES: Record<string, string> = {
  Default: 'To address',
  Ignored: 'Risk accepted',
  ThirdParty: 'Resolved through third party',
  Reviewed: 'Resolved through alternate mitigation',
};
export function normalizeControlState(state: string | null | undefined): string {
  if (!state) {
    return 'Default';
  }
  const match = Object.keys(CONTROL_STATE_NAMES).find(k => k.toLowerCase() === state.toLowerCase() || (k === 'Ignored' && state.toLowerCase() === 'ignore'));
  return match ?? state;
}
export const controlStateName = (state: string | null | undefined) => lookup(CONTROL_STATE_NAMES, normalizeControlState(state));

export const SEVERITY_ORDER = ['high', 'medium', 'low', 'informational', 'unknown'] as const;
export const SEVERITY_NAMES: Record<string, string> = { high: 'High', medium: 'Medium', low: 'Low', informational: 'Informational', unknown: 'Unknown severity', unknownFutureValue: 'Other severity' };
export const severityName = (s: string | null | undefined) => lookup(SEVERITY_NAMES, s);

export const ALERT_STATUS_NAMES: Record<string, string> = { new: 'New', inProgress: 'In progress', resolved: 'Resolved', unknown: 'Unknown status', unknownFutureValue: 'Other status' };
export const alertStatusName = (s: string | null | undefined) => lookup(ALERT_STATUS_NAMES, s);

export const SERVICE_SOURCE_NAMES: Record<string, string> = {
  microsoftDefenderForEndpoint: 'Defender for Endpoint',
  microsoftDefenderForIdentity: 'Defender for Identity',
  microsoftDefenderForCloudApps: 'Defender for Cloud Apps',
  microsoftDefenderForOffice365: 'Defender for Office 365',
  microsoft365Defender: 'Microsoft Defender XDR',
  azureAdIdentityProtection: 'Entra ID Protection',
  microsoftAppGovernance: 'App governance',
  dataLossPrevention: 'Data loss prevention',
  microsoftDefenderForCloud: 'Defender for Cloud',
  microsoftSentinel: 'Microsoft Sentinel',
  microsoftInsiderRiskManagement: 'Insider Risk Management',
  microsoftThreatIntelligence: 'Threat Intelligence',
  microsoftSecurityForAI: 'Security for AI',
  unknownFutureValue: 'Other service',
  unknown: 'Unknown service',
};
export const serviceSourceName = (s: string | null | undefined) => lookup(SERVICE_SOURCE_NAMES, s);

export const CLASSIFICATION_NAMES: Record<string, string> = {
  unknown: 'Not classified', truePositive: 'True positive', falsePositive: 'False positive',
  informationalExpectedActivity: 'Informational, expected activity',
};
export const classificationName = (s: string | null | undefined) => lookup(CLASSIFICATION_NAMES, s ?? 'unknown');

export const PARTNER_ALERT_STATUS_NAMES: Record<string, string> = { active: 'Active', investigating: 'Investigating', resolved: 'Resolved' };
export const partnerAlertStatusName = (s: string | null | undefined) => lookup(PARTNER_ALERT_STATUS_NAMES, s);

export const COMPARISON_NAMES: Record<string, string> = { AllTenants: 'All tenants', TotalSeats: 'Similar seat count', IndustryTypes: 'Same industry' };
export const comparisonName = (basis: string | null | undefined) => lookup(COMPARISON_NAMES, basis);

/** Points without noise: `12`, `12.5`, `12.47`. */
export function points(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '–';
  }
  return String(Math.round(value * 100) / 100);
}

export function percent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '–';
  }
  return `${value.toFixed(digits).replace(/\.0+$/, '')}%`;
}

export function signed(value: number, unit = ''): string {
  const rounded = Math.round(value * 100) / 100;
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${Math.abs(rounded)}${unit}`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", then a date. */
export function age(iso: string | null | undefined, now: Date = new Date()): string {
  const time = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(time)) {
    return 'unknown time';
  }
  const seconds = Math.max(0, (now.getTime() - time) / 1000);
  if (seconds < 60) {
    return 'just now';
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  if (seconds < 86_400) {
    return `${Math.floor(seconds / 3600)} h ago`;
  }
  if (seconds < 86_400 * 60) {
    return `${Math.floor(seconds / 86_400)} d ago`;
  }
  return day(iso);
}

export function day(iso: string | null | undefined): string {
  const time = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(time) ? 'unknown date' : new Date(time).toISOString().slice(0, 10);
}

export function dateTime(iso: string | null | undefined): string {
  const time = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(time) ? 'unknown' : new Date(time).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** Remediation text may carry HTML: show it as plain text. */
export function plainText(html: string | null | undefined, max = 2000): string {
  if (!html) {
    return '';
  }
  const text = html
    .replace(/<br\s*\/?>|<\/p>|<\/li>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Strips bidi overrides and zero-width characters that could disguise a label, and bounds length.
 * Also breaks `[text](target)`: notifications and prompts render that as a link (command links
 * included), and titles from Graph end up in them.
 */
export function safeLabel(value: unknown, max = 300): string {
  const text = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  const cleaned = text.replace(/[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2028\u2029\uFEFF\u0000-\u0008\u000B-\u001F\u007F]/g, '').replace(/\s+/g, ' ').trim()
    .replace(/\]\(/g, '] (');
  return cleaned.length > max ? `${cleaned.slice(0, max)}…` : cleaned;
}
