// Alerts: the view's filter as OData, groups by severity, and row text.
import type { SecurityAlert } from '../graph/types';
import { SEVERITY_ORDER } from './format';

export interface AlertFilter {
  /** Statuses to include; empty = all. */
  statuses: string[];
  /** Created within the last N days. */
  days: number;
}

export const DEFAULT_ALERT_FILTER: AlertFilter = { statuses: ['new', 'inProgress'], days: 30 };

const ODATA_STRING = /^[A-Za-z0-9]+$/;

/** `$filter` for alerts_v2 (fields and operators Graph supports there: status, severity, createdDateTime). */
export function alertFilterOData(filter: AlertFilter, severity: string | undefined, now: Date): string {
  const clauses: string[] = [];
  const statuses = filter.statuses.filter(s => ODATA_STRING.test(s));
  if (statuses.length > 0) {
    clauses.push(statuses.length === 1 ? `status eq '${statuses[0]}'` : `(${statuses.map(s => `status eq '${s}'`).join(' or ')})`);
  }
  if (severity && ODATA_STRING.test(severity)) {
    clauses.push(`severity eq '${severity}'`);
  }
  if (filter.days > 0) {
    const since = new Date(now.getTime() - filter.days * 86_400_000);
    since.setUTCHours(0, 0, 0, 0);
    clauses.push(`createdDateTime ge ${since.toISOString().replace('.000Z', 'Z')}`);
  }
  return clauses.join(' and ');
}

/**
 * An alert's categories: `categories` (the collection) and the deprecated `category`, which Graph
 * still sends and older answers carry alone; each once, in Graph's order.
 */
export function alertCategories(alert: Pick<SecurityAlert, 'category' | 'categories'>): string[] {
  const all = [...(Array.isArray(alert.categories) ? alert.categories : []), alert.category];
  return [...new Set(all.filter((c): c is string => typeof c === 'string' && c !== ''))];
}

export function describeAlertFilter(filter: AlertFilter): string {
  const status = filter.statuses.length === 0 ? 'any status'
    : sameSet(filter.statuses, ['new', 'inProgress']) ? 'not resolved'
      : filter.statuses.map(s => (s === 'inProgress' ? 'in progress' : s)).join(', ');
  return `${status}, last ${filter.days} day${filter.days === 1 ? '' : 's'}`;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every(x => b.includes(x));
}

/** The severities the view asks for, one query each, in display order. */
export const ALERT_SEVERITIES: readonly string[] = SEVERITY_ORDER;

export function alertDescription(alert: SecurityAlert, serviceName: string, statusName: string, ageText: string): string {
  return [serviceName, statusName, ageText, alert.assignedTo ? `→ ${alert.assignedTo}` : 'unassigned'].join(' · ');
}
