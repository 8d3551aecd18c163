// Typed calls for each resource, with the quirks handled here once: wrapped partner singletons,
// server-side-only paging of customer insights, APIs a cloud does not offer.
import type { GraphService, PageResult, PartialWarning } from './client';
import { PostureError } from './errors';
import type {
  CustomerInsight, PartnerSecurityAlert, PartnerSecurityScore, SecureScore, SecureScoreControlProfile,
  SecurityAlert, SecurityRequirement, SecurityScoreHistory,
} from './types';

/** Page sizes: the largest each API takes, so a refresh costs as few requests as Graph allows. */
export const PAGE_SIZE = {
  secureScores: 90,
  controlProfiles: 500,
  partnerAlerts: 500,
} as const;

export interface Fetched<T> {
  data: T;
  warnings: PartialWarning[];
}

export interface PartnerData {
  score: PartnerSecurityScore;
  requirements: SecurityRequirement[];
  history: SecurityScoreHistory[];
}

/** The documented response wraps singletons as `{"value": {...}}`; a real one may not. Accept both. */
export function unwrapSingleton<T>(body: unknown): T {
  if (body && typeof body === 'object') {
    const value = (body as { value?: unknown }).value;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return value as T;
    }
  }
  return body as T;
}

export class SecurityApi {
  constructor(readonly graph: GraphService) {}

  private require(offer: keyof GraphService['cloud']['offers'], what: string): void {
    if (!this.graph.cloud.offers[offer]) {
      throw new PostureError('unavailable', `${what} is not offered by Microsoft Graph in the ${this.graph.cloud.displayName} cloud.`);
    }
  }

  async secureScores(days: number, signal?: AbortSignal): Promise<Fetched<SecureScore[]>> {
    this.require('secureScore', 'Microsoft Secure Score');
    const top = Math.min(Math.max(1, days), PAGE_SIZE.secureScores);
    const page = await this.graph.getAll<SecureScore>(`/security/secureScores?$top=${top}`, { area: 'secureScore', signal, key: s => s.id });
    return { data: page.items.slice(0, days), warnings: page.warnings };
  }

  async controlProfiles(signal?: AbortSignal): Promise<Fetched<SecureScoreControlProfile[]>> {
    this.require('secureScore', 'Secure Score improvement actions');
    const page = await this.graph.getAll<SecureScoreControlProfile>(`/security/secureScoreControlProfiles?$top=${PAGE_SIZE.controlProfiles}`, { area: 'controls', signal, key: p => p.id });
    return { data: page.items, warnings: page.warnings };
  }

  async alertsPage(filter: string, top: number, signal?: AbortSignal): Promise<PageResult<SecurityAlert>> {
    this.require('alerts', 'Security alerts');
    const query = [`$top=${top}`, '$count=true', filter ? `$filter=${encodeURIComponent(filter)}` : ''].filter(Boolean).join('&');
    return this.graph.getPage<SecurityAlert>(`/security/alerts_v2?${query}`, { area: 'alerts', signal });
  }

  async alertsNext(nextLink: string, signal?: AbortSignal): Promise<PageResult<SecurityAlert>> {
    return this.graph.getPage<SecurityAlert>(nextLink, { area: 'alerts', signal });
  }

  async partner(signal?: AbortSignal): Promise<Fetched<PartnerData>> {
    this.require('partnerScore', 'The partner security score');
    const opts = { area: 'partner' as const, version: 'beta' as const, signal };
    const result = await this.graph.get<unknown>('/security/partner/securityScore?$expand=requirements,history', opts);
    const score = unwrapSingleton<PartnerSecurityScore>(result.data);
    if (!score || typeof score !== 'object') {
      throw new PostureError('invalidResponse', 'Microsoft Graph answered the partner security score without a score.');
    }
    const warnings = [...result.warnings];
    const [requirements, history] = await Promise.all([
      Array.isArray(score.requirements) ? score.requirements
        : this.graph.getAll<SecurityRequirement>('/security/partner/securityScore/requirements', { ...opts, key: r => r.id }).then(p => (warnings.push(...p.warnings), p.items)),
      Array.isArray(score.history) ? score.history
        : this.graph.getAll<SecurityScoreHistory>('/security/partner/securityScore/history', { ...opts, key: h => h.id }).then(p => (warnings.push(...p.warnings), p.items)),
    ]);
    const { requirements: _r, history: _h, ...bare } = score;
    return { data: { score: bare, requirements, history: [...history].sort((a, b) => Date.parse(b.createdDateTime) - Date.parse(a.createdDateTime)) }, warnings };
  }

  /** Server-side paging only: no $top/$skip; follow nextLink. */
  async customerInsights(signal?: AbortSignal): Promise<Fetched<CustomerInsight[]>> {
    this.require('partnerScore', 'Customer insights');
    const page = await this.graph.getAll<CustomerInsight>('/security/partner/securityScore/customerInsights', { area: 'partner', version: 'beta', signal, key: c => c.tenantId });
    return { data: page.items, warnings: page.warnings };
  }

  async partnerAlerts(signal?: AbortSignal): Promise<Fetched<PartnerSecurityAlert[]>> {
    this.require('partnerAlerts', 'Partner security alerts');
    const page = await this.graph.getAll<PartnerSecurityAlert>(`/security/partner/securityAlerts?$top=${PAGE_SIZE.partnerAlerts}`, { area: 'partner', version: 'beta', signal, key: a => a.id });
    return { data: page.items, warnings: page.warnings };
  }
}
