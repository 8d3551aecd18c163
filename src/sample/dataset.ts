// A whole tenant as the sample tenant and the HTTPS emulator hold it: Graph's resources plus
// what only the sample needs (readable customer names, an archive older than Graph keeps).
import type {
  CustomerInsight, PartnerSecurityAlert, PartnerSecurityScore, SecureScore, SecureScoreControlProfile, SecurityAlert,
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
}
