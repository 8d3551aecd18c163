// A whole tenant as the sample tenant and the HTTPS emulator hold it: Graph's resources plus
// what only the sample needs (readable customer names, an archive older than Graph keeps).
import type {
  Contract, CustomerInsight, DelegatedAdminRelationship, PartnerSecurityAlert, PartnerSecurityScore, SecureScore, SecureScoreControlProfile, SecurityAlert,
  SecurityRequirement, SecurityScoreHistory,
} from '../graph/types';

export interface TenantDataset {
  tenantId: string;
  displayName: string;
  /** Primary domain, e.g. `contoso.example`. */
  domain: string;
  /** UPN of the signed-in user in sample mode. */
  signedInUser: string;
  /** The instant the dataset treats as "now" (ISO string); every date is relative to it. */
  now: string;
  /** Whether this tenant is a CSP partner (partner APIs answer 403 otherwise). */
  isPartner: boolean;
  partnerScore: PartnerSecurityScore;
  partnerRequirements: SecurityRequirement[];
  partnerHistory: SecurityScoreHistory[];
  customerInsights: CustomerInsight[];
  /** Display names of customer tenants by tenant id (not from Graph's partner API: for readable sample rows). */
  customerNames: Record<string, string>;
  partnerAlerts: PartnerSecurityAlert[];
  /** Newest first, one per day. */
  secureScores: SecureScore[];
  /** Older daily snapshots than Graph keeps, newest first: the sample tenant's stored history starts with them. */
  secureScoreArchive?: SecureScore[];
  controlProfiles: SecureScoreControlProfile[];
  /** Newest first by createdDateTime. */
  alerts: SecurityAlert[];
  /** A partner's GDAP relationships with its customers. */
  delegatedAdminRelationships?: DelegatedAdminRelationship[];
  contracts?: Contract[];
  /** A partner's customer tenants, generated on first request. */
  customerTenants?: SampleCustomerSpec[];
}

/** How a sample customer tenant behaves (sample and emulator only, never from Graph). */
export type SampleCustomerCase =
  | 'securityAdministrator' | 'securityReader' | 'globalReader' | 'noSecurityRole' | 'expired' | 'endingSoon'
  | 'noRelationship' | 'consentMissing' | 'conditionalAccess' | 'throttled' | 'noSecureScore';

/** Everything needed to generate one sample customer tenant on first request (cheap to keep for 1,000). */
export interface SampleCustomerSpec {
  tenantId: string;
  name: string;
  domain: string;
  seed: number;
  industry: string;
  users: number;
  trend: 'improving' | 'steady' | 'declining' | 'drop';
  case: SampleCustomerCase;
}
