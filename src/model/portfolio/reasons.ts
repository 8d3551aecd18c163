// Why a customer cannot be read (or may soon not be), as a row says it: one sentence, the next
// step, and a link where one helps. Built from discovery (GDAP) and from what sign-in and Graph
// answered for that tenant. No vscode import: the Customers view maps these to rows.

import type { Cloud } from '../../graph/clouds';
import { PostureError } from '../../graph/errors';
import { ENTRA_ROLES } from '../../graph/roles';

export type ReasonKind =
  | 'noRelationship'       // no GDAP relationship at all (e.g. a contract only)
  | 'relationshipExpired'  // only expired or ended relationships
  | 'noSecurityRole'       // active relationship, but no role that can read security data
  | 'relationshipEnding'   // readable, but the relationship ends within 30 days and does not renew
  | 'consentMissing'       // the app is not consented in that tenant (AADSTS65001 / 700016)
  | 'signInNeeded'         // no token for that tenant without an interactive sign-in
  | 'conditionalAccess'    // AADSTS53003 and friends
  | 'throttled'            // Graph throttled this tenant; says when it retries
  | 'noSecureScore'        // the tenant has no Secure Score snapshots
  | 'forbidden'            // Graph answered 403
  | 'failed';              // anything else (network, 5xx after retries, malformed answers)

export interface Reason {
  kind: ReasonKind;
  /** One plain sentence for the row. */
  message: string;
  /** False for warnings shown beside data (relationship ending soon, no Secure Score yet). */
  blocking: boolean;
  /** A next step the UI can offer (the admin-consent page, GDAP docs, sign in). */
  action?: { label: string; url?: string; command?: 'signIn' | 'retry' };
  /** When a throttled tenant is tried again (ISO). */
  retryAt?: string;
  /** AADSTS code or Graph error code behind it, for the log and tooltips. */
  code?: string;
}

const READ_ROLE = ENTRA_ROLES.securityReader.name;
const WRITE_ROLE = ENTRA_ROLES.securityAdministrator.name;
const GDAP_DOCS = 'https://learn.microsoft.com/partner-center/customers/gdap-introduction';
export const ENDING_WINDOW_DAYS = 30;

/** Entra's admin-consent page for an app in a customer tenant, on the given cloud's sign-in host. */
export function adminConsentUrl(cloud: Pick<Cloud, 'authorityHost'>, tenantId: string, clientId: string): string {
  const host = cloud.authorityHost.replace(/\/+$/, '');
  return `${host}/${encodeURIComponent(tenantId)}/adminconsent?client_id=${encodeURIComponent(clientId)}`;
}

const day = (iso: string) => iso.slice(0, 10);

export function noRelationship(): Reason {
  return {
    kind: 'noRelationship', blocking: true,
    message: `No GDAP relationship with this customer. Request one with the ${READ_ROLE} role (or ${WRITE_ROLE} to change settings), or add the customer's consent for a multi-tenant app.`,
    action: { label: 'About GDAP', url: GDAP_DOCS },
  };
}

export function relationshipExpired(endedAt: string | undefined): Reason {
  return {
    kind: 'relationshipExpired', blocking: true,
    message: `The GDAP relationship ${endedAt ? `ended on ${day(endedAt)}` : 'has ended'}. Ask the customer to approve a new one with the ${READ_ROLE} role.`,
    action: { label: 'About GDAP', url: GDAP_DOCS },
  };
}

export function noSecurityRole(roleNames: string[]): Reason {
  const has = roleNames.length > 0 ? ` (it grants ${roleNames.join(', ')})` : '';
  return {
    kind: 'noSecurityRole', blocking: true,
    message: `The GDAP relationship has no role that can read security data${has}. Add ${READ_ROLE} to read, or ${WRITE_ROLE} to change improvement actions.`,
    action: { label: 'About GDAP roles', url: GDAP_DOCS },
  };
}

export function relationshipEnding(endsAt: string, days: number): Reason {
  return {
    kind: 'relationshipEnding', blocking: false,
    message: `The GDAP relationship ends on ${day(endsAt)} (in ${days} day${days === 1 ? '' : 's'}) and does not renew itself. Extend it before then.`,
    action: { label: 'About GDAP', url: GDAP_DOCS },
  };
}

export function noSecureScore(): Reason {
  return { kind: 'noSecureScore', blocking: false, message: 'This tenant has no Secure Score data yet (a new tenant, or no licence that has one).' };
}

export function throttled(retryAt: Date): Reason {
  return {
    kind: 'throttled', blocking: true, retryAt: retryAt.toISOString(),
    message: `Microsoft Graph is throttling this tenant; it will be tried again after ${retryAt.toISOString().slice(11, 16)} UTC.`,
    action: { label: 'Retry', command: 'retry' },
  };
}

/** AADSTS codes by what they mean for a customer tenant. */
const CONSENT_CODES = new Set(['65001', '700016', '90094', '90008']);
const CA_CODES = new Set(['53003', '53000', '53001', '53002', '530003', '530032']);
const INTERACTION_CODES = new Set(['50076', '50079', '50158', '50078', '50055', '70043', '700082', '50173']);

/** Every message down the cause chain: a sign-in wrapper keeps Entra's AADSTS text only in its cause (ours in `details.cause`). */
function errorText(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const x = e as {
      message?: unknown; errorMessage?: unknown; cause?: unknown; details?: { cause?: unknown };
      errorResponse?: { error_description?: unknown; errorDescription?: unknown };
    };
    for (const text of [x.message, x.errorMessage, x.errorResponse?.error_description, x.errorResponse?.errorDescription]) {
      if (typeof text === 'string') {
        parts.push(text);
      }
    }
    e = x.cause ?? x.details?.cause;
  }
  return parts.join(' ');
}

export interface ReasonContext {
  cloud: Pick<Cloud, 'authorityHost'>;
  /** The app whose consent is missing, for the admin-consent link; absent for VS Code's own sign-in. */
  clientId?: string;
  tenantId: string;
}

/** A failed sign-in or Graph call for one customer tenant, as a reason row. */
export function reasonFromError(error: unknown, ctx: ReasonContext): Reason {
  const text = errorText(error);
  const aadsts = /AADSTS(\d{5,6})/.exec(text)?.[1];
  const posture = error instanceof PostureError ? error : undefined;
  if (aadsts && CONSENT_CODES.has(aadsts)) {
    const url = ctx.clientId ? adminConsentUrl(ctx.cloud, ctx.tenantId, ctx.clientId) : undefined;
    return {
      kind: 'consentMissing', blocking: true, code: `AADSTS${aadsts}`,
      message: `The app has no admin consent in this customer's tenant (AADSTS${aadsts}). A Global or Privileged Role Administrator of the customer can grant it${url ? ' on the admin-consent page' : ''}.`,
      action: url ? { label: 'Open Admin Consent Page', url } : undefined,
    };
  }
  if (aadsts && CA_CODES.has(aadsts)) {
    return {
      kind: 'conditionalAccess', blocking: true, code: `AADSTS${aadsts}`,
      message: `A Conditional Access policy in this customer's tenant blocked the sign-in (AADSTS${aadsts}). The customer's admin can exclude the app or the partner's users, or name a location or device it allows.`,
    };
  }
  if ((aadsts && INTERACTION_CODES.has(aadsts)) || /interaction_required|not signed in|login_required/i.test(text)) {
    return {
      kind: 'signInNeeded', blocking: true, code: aadsts ? `AADSTS${aadsts}` : undefined,
      // No code: VS Code's Microsoft sign-in drops Entra's answer when it has no token silently.
      message: aadsts ? 'Sign-in needed for this customer\'s tenant.'
        : 'Sign-in needed for this customer\'s tenant: no token came without asking, and the sign-in did not say why (the app may have no consent there, a Conditional Access policy may block it, or it needs multi-factor sign-in).',
      action: { label: 'Sign In', command: 'signIn' },
    };
  }
  if (aadsts === '90002' || /endpoints_resolution_error|invalid_tenant/i.test(text)) {
    return {
      kind: 'failed', blocking: true, code: aadsts ? `AADSTS${aadsts}` : 'invalid_tenant',
      message: 'No such tenant in this cloud: check the tenant id (a customer added by hand may have a typo).',
    };
  }
  if (posture?.kind === 'forbidden' || posture?.details.status === 403) {
    return {
      kind: 'forbidden', blocking: true, code: posture?.details.code,
      message: `Microsoft Graph refused access in this tenant. Reading needs ${READ_ROLE} (GDAP) or the app's SecurityEvents.Read.All and SecurityAlert.Read.All consented there.`,
    };
  }
  if (posture?.kind === 'throttled') {
    return throttled(new Date(Date.now() + (posture.details.retryAfterSeconds ?? 60) * 1000));
  }
  const short = (posture?.message ?? text).split('\n')[0].slice(0, 300);
  return { kind: 'failed', blocking: true, code: aadsts ? `AADSTS${aadsts}` : posture?.details.code, message: `Could not read this tenant: ${short}`, action: { label: 'Retry', command: 'retry' } };
}
