// The Partner Security view (CSP partners): partner security score with requirements, history,
// customers' MFA insight and partner security alerts. A non-partner gets one explanatory row.
import type { PartnerSecurityAlert, SecurityRequirement } from '../graph/types';
import { isHttpsUrl } from '../graph/clouds';
import {
  age, complianceName, dateTime, day, humanize, isCompliant, isNonCompliant, partnerAlertStatusName, points, requirementName, severityName,
} from '../model/format';
import { customerRow, groupPartnerAlerts, sortCustomers, sortRequirements, type CustomerRow } from '../model/partner';
import { num } from '../model/secureScore';
import { icon, idPart, type Node, Row, tooltip } from './node';
import { asOfText, asOfTooltip, Expanded, emptyRow, loadingRow, statusRows, type ViewContext } from './common';
import { contextValue, valueFlag } from './contextValues';

/** Sign-in rows of this view ask for the partner permission. */
const PARTNER = ['partner'];

export function partnerRoots(ctx: ViewContext): Node[] {
  const partner = ctx.store.get('partner');
  const customers = ctx.store.get('customers');
  const alerts = ctx.store.get('partnerAlerts');
  const id = `${ctx.idPrefix()}/partner`;
  const notPartner = partner.error && (partner.error.kind === 'notPartner' || partner.error.kind === 'unavailable') && !partner.data;
  if (notPartner) {
    // One explanatory row; the customer and alert sections fail for the same reason.
    const rows: Node[] = statusRows(partner, 'Partner security score', id, undefined, PARTNER);
    if (alerts.data && alerts.data.length > 0) {
      rows.push(partnerAlertsRow(ctx, id, undefined));
    }
    return rows;
  }
  if (!partner.data) {
    const rows = statusRows(partner, 'Partner security score', id, undefined, PARTNER);
    return rows.length ? rows : partner.status === 'loading' ? [loadingRow(`${id}/loading`, undefined, 'partner security score')] : [];
  }
  const { score, requirements, history } = partner.data;
  const now = ctx.now();
  const root = new Row(`${id}/score`, undefined, {
    label: 'Partner security score',
    description: `${points(score.currentScore)} / ${points(score.maxScore)} · changed ${day(score.updatedDateTime)} · ${asOfText(partner, now)}`,
    icon: icon('shield'),
    contextValue: contextValue('score', 'partnerScore'),
    collapsible: Expanded,
    copyValue: `${points(score.currentScore)} / ${points(score.maxScore)}`,
    tooltip: tooltip(t => t.heading(`Partner security score: ${points(score.currentScore)} of ${points(score.maxScore)}`)
      .field('Last refreshed by Partner Center', dateTime(score.lastRefreshDateTime))
      .field('Last changed', dateTime(score.updatedDateTime))
      .field('Data', asOfTooltip(partner))),
    children: parent => {
      const compliant = requirements.filter(r => isCompliant(r.complianceStatus)).length;
      const atRisk = (customers.data ?? []).map(c => customerRow(c)).filter(c => c.atRisk).length;
      return [
        ...statusRows(partner, 'Partner security score', `${id}/score`, parent, PARTNER),
        new Row(`${id}/requirements`, parent, {
          label: 'Requirements',
          description: `${compliant} of ${requirements.length} compliant`,
          icon: icon('checklist'),
          collapsible: Expanded,
          children: p => requirements.length ? sortRequirements(requirements).map(r => requirementNode(ctx, r, p)) : [emptyRow(`${id}/requirements/empty`, p, 'No requirements reported')],
        }),
        new Row(`${id}/history`, parent, {
          label: 'History',
          description: history.length ? `${history.length} changes since ${day(history[history.length - 1].createdDateTime)}` : 'no changes recorded',
          icon: icon('history'),
          children: p => history.map((h, i) => {
            const before = history[i + 1];
            const delta = before ? num(h.score) - num(before.score) : undefined;
            return new Row(`${id}/history/${h.id}`, p, {
              label: day(h.createdDateTime),
              description: `${points(h.score)} · ${num(h.compliantRequirementsCount)} / ${num(h.totalRequirementsCount)} requirements compliant${delta !== undefined && delta !== 0 ? ` · ${delta > 0 ? '+' : '−'}${points(Math.abs(delta))}` : ''}`,
              icon: icon(delta === undefined ? 'circle-small' : delta > 0 ? 'arrow-up' : delta < 0 ? 'arrow-down' : 'arrow-right'),
              contextValue: contextValue('history'),
            });
          }),
        }),
        new Row(`${id}/customers`, parent, {
          label: 'Customers',
          description: customers.data ? `${customers.data.length} · ${atRisk} without MFA` : customers.status === 'loading' ? 'loading…' : customers.error?.message ?? '',
          icon: icon(atRisk > 0 ? 'warning' : 'organization', atRisk > 0 ? 'list.warningForeground' : undefined),
          children: p => customerNodes(ctx, `${id}/customers`, p),
        }),
        partnerAlertsRow(ctx, id, parent),
      ];
    },
  });
  return [root];
}

function requirementNode(ctx: ViewContext, r: SecurityRequirement, parent: Node): Row {
  const compliant = isCompliant(r.complianceStatus);
  const failing = isNonCompliant(r.complianceStatus);
  return new Row(`${ctx.idPrefix()}/partner/requirement/${r.id}`, parent, {
    label: requirementName(r.requirementType),
    description: `${points(r.score)} / ${points(r.maxScore)} · ${complianceName(r.complianceStatus)} · ${humanize(r.state)} · updated ${day(r.updatedDateTime)}`,
    icon: compliant ? icon('pass', 'testing.iconPassed') : failing ? icon('error', 'testing.iconFailed') : icon('question'),
    contextValue: contextValue('requirement', compliant ? 'compliant' : failing ? 'noncompliant' : 'unknown', isHttpsUrl(r.actionUrl) && 'hasActionUrl', isHttpsUrl(r.helpUrl) && 'hasHelpUrl'),
    copyValue: r.id,
    entity: { kind: 'requirement', requirement: r },
    tooltip: tooltip(t => t.heading(requirementName(r.requirementType))
      .field('Compliance', complianceName(r.complianceStatus))
      .field('Points', `${points(r.score)} of ${points(r.maxScore)}`)
      .field('State', humanize(r.state))
      .field('Updated', dateTime(r.updatedDateTime))
      .field('Action page', isHttpsUrl(r.actionUrl) ? r.actionUrl : '')
      .field('Help', isHttpsUrl(r.helpUrl) ? r.helpUrl : '')),
  });
}

function customerNodes(ctx: ViewContext, id: string, parent: Node): Node[] {
  const section = ctx.store.get('customers');
  const rows: Node[] = statusRows(section, 'Customer insights', id, parent, PARTNER);
  if (!section.data) {
    return rows;
  }
  if (section.data.length === 0) {
    return [...rows, emptyRow(`${id}/empty`, parent, 'No customers reported')];
  }
  const names = ctx.customerNames();
  return [...rows, ...sortCustomers(section.data.map(c => customerRow(c, names))).map(c => customerNode(ctx, c, parent))];
}

function enabledText(status: string): string {
  return status === 'enabled' ? 'Enabled' : status === 'disabled' ? 'Disabled' : humanize(status) || 'Unknown';
}

function customerNode(ctx: ViewContext, c: CustomerRow, parent: Node): Row {
  const id = `${ctx.idPrefix()}/partner/customer/${c.tenantId}`;
  const label = c.name ?? c.tenantId;
  return new Row(id, parent, {
    label,
    description: c.noData ? 'no MFA data' : `${c.atRisk ? 'no MFA mechanism · ' : ''}${c.adminsWithMfa} admins with MFA · ${c.nonAdminsWithMfa} of ${c.totalUsers} users`,
    icon: c.atRisk ? icon('warning', 'list.errorForeground') : c.noData ? icon('question') : icon('pass', 'testing.iconPassed'),
    contextValue: contextValue('customer', c.atRisk && 'atRisk'),
    copyValue: c.tenantId,
    entity: { kind: 'customer', customer: c },
    tooltip: tooltip(t => t.heading(label).field('Tenant id', c.tenantId)
      .field('Risk', c.atRisk ? 'No MFA mechanism is enabled (no security defaults, no Conditional Access MFA, no per-user MFA)' : '')),
    children: p => c.noData ? [emptyRow(`${id}/none`, p, 'Partner Center sent no MFA data for this customer')] : [
      detail(`${id}/admins`, p, 'Admins with MFA', String(c.adminsWithMfa)),
      detail(`${id}/nonadmins`, p, 'Non-admins with MFA', `${c.nonAdminsWithMfa} of ${c.totalUsers} users`),
      detail(`${id}/defaults`, p, 'Security defaults', enabledText(c.securityDefaults), c.securityDefaults === 'enabled'),
      detail(`${id}/ca`, p, 'Conditional Access MFA', enabledText(c.conditionalAccessMfa), c.conditionalAccessMfa === 'enabled'),
      detail(`${id}/legacy`, p, 'Legacy per-user MFA', enabledText(c.legacyPerUserMfa), c.legacyPerUserMfa === 'enabled'),
    ],
  });
}

function detail(id: string, parent: Node, label: string, value: string, on?: boolean): Row {
  return new Row(id, parent, {
    label, description: value, contextValue: contextValue('detail'), copyValue: value,
    icon: on === undefined ? icon('circle-small') : on ? icon('pass', 'testing.iconPassed') : icon('circle-slash'),
  });
}

function partnerAlertsRow(ctx: ViewContext, id: string, parent: Node | undefined): Row {
  const section = ctx.store.get('partnerAlerts');
  const alerts = section.data ?? [];
  const active = alerts.filter(a => a.status !== 'resolved').length;
  return new Row(`${id}/alerts`, parent, {
    label: 'Partner alerts',
    description: section.data ? `${active} open of ${alerts.length}` : section.status === 'loading' ? 'loading…' : section.error?.message ?? '',
    icon: icon(active > 0 ? 'bell-dot' : 'bell'),
    children: p => {
      const rows: Node[] = statusRows(section, 'Partner alerts', `${id}/alerts`, p, PARTNER);
      if (section.data && section.data.length === 0) {
        rows.push(emptyRow(`${id}/alerts/empty`, p, 'No partner security alerts'));
      }
      for (const group of groupPartnerAlerts(alerts)) {
        rows.push(new Row(`${id}/alerts/${idPart(group.status)}`, p, {
          label: `${group.label} (${group.alerts.length})`,
          icon: icon(group.status === 'resolved' ? 'pass' : group.status === 'active' ? 'bell-dot' : 'search'),
          collapsible: group.status === 'resolved' ? undefined : Expanded,
          children: gp => group.alerts.map(a => partnerAlertNode(ctx, a, gp)),
        }));
      }
      return rows;
    },
  });
}

function partnerAlertNode(ctx: ViewContext, a: PartnerSecurityAlert, parent: Node): Row {
  const names = ctx.customerNames();
  const customer = names[a.customerTenantId] ?? a.customerTenantId;
  const id = `${ctx.idPrefix()}/partner/alert/${a.id}`;
  const inFlight = ctx.pending.get('partnerAlert', a.id);
  const logs = a.activityLogs ?? [];
  return new Row(id, parent, {
    label: a.displayName || humanize(a.alertType) || '(untitled alert)',
    description: inFlight ? `Updating… → ${inFlight.value}` : `${severityName(a.severity)} · ${customer} · ${age(a.detectedDateTime, ctx.now())}`,
    children: logs.length ? p => [...logs].reverse().map((log, i) => new Row(`${id}/log/${logs.length - 1 - i}`, p, {
      label: `${partnerAlertStatusName(log.statusFrom)} → ${partnerAlertStatusName(log.statusTo)}`,
      description: `${dateTime(log.updatedDateTime)} · by ${log.updatedBy ?? 'system'}`,
      icon: icon('history'),
      contextValue: contextValue('detail'),
    })) : undefined,
    icon: inFlight ? icon('loading~spin') : icon(a.severity === 'high' ? 'flame' : a.severity === 'medium' ? 'warning' : 'info', a.severity === 'high' ? 'charts.red' : a.severity === 'medium' ? 'charts.orange' : undefined),
    contextValue: contextValue('partnerAlert', valueFlag('status', a.status)),
    copyValue: a.id,
    entity: { kind: 'partnerAlert', alert: a },
    tooltip: tooltip(t => {
      t.heading(a.displayName || a.alertType)
        .field('Status', partnerAlertStatusName(a.status))
        .field('Severity', severityName(a.severity))
        .field('Confidence', humanize(a.confidenceLevel))
        .field('Type', a.alertType)
        .field('Customer', `${customer}${customer !== a.customerTenantId ? ` (${a.customerTenantId})` : ''}`)
        .field('Subscription', a.subscriptionId)
        .field('Detected', dateTime(a.detectedDateTime))
        .field('Resolved', a.resolvedOnDateTime ? `${dateTime(a.resolvedOnDateTime)} by ${a.resolvedBy ?? 'unknown'} (${humanize(a.resolvedReason)})` : '')
        .field('Test alert', a.isTest ? 'yes' : '')
        .paragraph(a.description, 800);
      for (const log of (a.activityLogs ?? []).slice(-5)) {
        t.field('Activity', `${partnerAlertStatusName(log.statusFrom)} → ${partnerAlertStatusName(log.statusTo)} by ${log.updatedBy ?? 'system'} ${dateTime(log.updatedDateTime)}`);
      }
    }),
  });
}
