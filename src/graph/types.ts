// Typed shapes of the Microsoft Graph security resources this extension reads and writes.
// Names follow the Graph schema exactly (see shared graph-api.md). Enum-valued properties are
// typed as `Known | string` on purpose: Graph adds members (evolvable enums, unknownFutureValue)
// and a view must never crash on one it does not know.

export type Open<T extends string> = T | (string & {});

// ---- Graph-wide --------------------------------------------------------------------------

export interface ODataCollection<T> {
  '@odata.context'?: string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: T[];
}

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError?: {
      date?: string;
      'request-id'?: string;
      'client-request-id'?: string;
      code?: string;
      [key: string]: unknown;
    };
  };
}

export interface SecurityVendorInformation {
  provider: string | null;
  providerVersion: string | null;
  subProvider: string | null;
  vendor: string | null;
}

// ---- Partner security (beta, microsoft.graph.partner.security) ----------------------------

export type SecurityRequirementType = Open<
  | 'mfaEnforcedForAdmins'
  | 'mfaEnforcedForAdminsOfCustomers'
  | 'securityAlertsPromptlyResolved'
  | 'securityContactProvided'
  | 'spendingBudgetSetForCustomerAzureSubscriptions'
  | 'unknownFutureValue'
>;
/** The service's member really is spelled `noncomplaint`. */
export type ComplianceStatus = Open<'compliant' | 'noncomplaint' | 'unknownFutureValue'>;
export type SecurityRequirementState = Open<'active' | 'preview' | 'unknownFutureValue'>;
export type PolicyStatus = Open<'enabled' | 'disabled' | 'unknownFutureValue'>;

export interface PartnerSecurityScore {
  '@odata.type'?: string;
  id: string;
  currentScore: number;
  maxScore: number;
  lastRefreshDateTime: string | null;
  updatedDateTime: string | null;
  requirements?: SecurityRequirement[];
  history?: SecurityScoreHistory[];
}

export interface SecurityRequirement {
  '@odata.type'?: string;
  id: string;
  requirementType: SecurityRequirementType;
  complianceStatus: ComplianceStatus;
  state: SecurityRequirementState;
  score: number;
  maxScore: number;
  actionUrl: string | null;
  helpUrl: string | null;
  updatedDateTime: string | null;
}

export interface SecurityScoreHistory {
  '@odata.type'?: string;
  id: string;
  createdDateTime: string;
  score: number;
  compliantRequirementsCount: number;
  totalRequirementsCount: number;
}

export interface CustomerMfaInsight {
  '@odata.type'?: string;
  compliantAdminsCount: number;
  compliantNonAdminsCount: number;
  totalUsersCount: number;
  securityDefaultsStatus: PolicyStatus;
  mfaConditionalAccessPolicyStatus: PolicyStatus;
  legacyPerUserMfaStatus: PolicyStatus;
}

export interface CustomerInsight {
  '@odata.type'?: string;
  tenantId: string;
  mfa: CustomerMfaInsight | null;
}

export type PartnerAlertStatus = Open<'active' | 'resolved' | 'investigating' | 'unknownFutureValue'>;
export type PartnerAlertSeverity = Open<'informational' | 'high' | 'medium' | 'low' | 'unknownFutureValue'>;
export type PartnerAlertConfidence = Open<'low' | 'medium' | 'high' | 'unknownFutureValue'>;
export type PartnerAlertResolvedReason = Open<'legitimate' | 'ignore' | 'fraud' | 'unknownFutureValue'>;

export interface PartnerActivityLog {
  statusFrom: PartnerAlertStatus;
  statusTo: PartnerAlertStatus;
  updatedBy: string | null;
  updatedDateTime: string;
}

export interface PartnerSecurityAlert {
  '@odata.type'?: string;
  id: string;
  displayName: string;
  description: string | null;
  alertType: string;
  status: PartnerAlertStatus;
  severity: PartnerAlertSeverity;
  confidenceLevel: PartnerAlertConfidence;
  customerTenantId: string;
  subscriptionId: string | null;
  valueAddedResellerTenantId: string | null;
  catalogOfferId: string | null;
  detectedDateTime: string;
  firstObservedDateTime: string | null;
  lastObservedDateTime: string | null;
  resolvedReason: PartnerAlertResolvedReason | null;
  resolvedOnDateTime: string | null;
  resolvedBy: string | null;
  isTest: boolean;
  affectedResources: { resourceId: string; resourceType: string }[];
  activityLogs: PartnerActivityLog[];
  additionalDetails: Record<string, string>;
}

// ---- Secure Score (v1.0, microsoft.graph) -------------------------------------------------

export type ComparisonBasis = Open<'AllTenants' | 'TotalSeats' | 'IndustryTypes'>;

export interface AverageComparativeScore {
  basis: ComparisonBasis;
  averageScore: number;
  // Extras the service returns (as strings in the wild).
  identityScore?: string | number;
  dataScore?: string | number;
  deviceScore?: string | number;
  appsScore?: string | number;
  infrastructureScore?: string | number;
  seatSizeRangeLowerValue?: string | number;
  seatSizeRangeUpperValue?: string | number;
  categoryValue?: string;
  [extra: string]: unknown;
}

export type ControlCategory = Open<'Identity' | 'Data' | 'Device' | 'Apps' | 'Infrastructure'>;

export interface ControlScore {
  controlName: string;
  controlCategory: ControlCategory;
  description: string | null;
  score: number;
  scoreInPercentage?: number;
  [extra: string]: unknown;
}

export interface SecureScore {
  id: string;
  azureTenantId: string;
  createdDateTime: string;
  currentScore: number;
  maxScore: number;
  activeUserCount: number;
  licensedUserCount: number;
  enabledServices: string[];
  averageComparativeScores: AverageComparativeScore[];
  controlScores: ControlScore[];
  vendorInformation?: SecurityVendorInformation | null;
}

export type ControlState = Open<'Default' | 'Ignored' | 'ThirdParty' | 'Reviewed'>;

export interface SecureScoreControlStateUpdate {
  assignedTo: string | null;
  comment: string | null;
  state: ControlState;
  updatedBy: string | null;
  updatedDateTime: string | null;
}

export interface SecureScoreControlProfile {
  id: string;
  azureTenantId: string;
  title: string;
  controlCategory: ControlCategory;
  actionType: Open<'Config' | 'Review' | 'Behavior' | 'Provider'>;
  service: string;
  tier: Open<'Core' | 'Defense in Depth' | 'Advanced'>;
  userImpact: string | null;
  implementationCost: string | null;
  rank: number;
  maxScore: number;
  threats: string[];
  remediation: string | null;
  remediationImpact: string | null;
  actionUrl: string | null;
  deprecated: boolean;
  lastModifiedDateTime: string | null;
  complianceInformation: { certificationName: string; certificationControls: { name: string; url: string }[] }[] | null;
  controlStateUpdates: SecureScoreControlStateUpdate[];
  vendorInformation: SecurityVendorInformation | null;
}

// ---- Alerts v2 (v1.0, microsoft.graph.security) -------------------------------------------

export type AlertSeverity = Open<'unknown' | 'informational' | 'low' | 'medium' | 'high' | 'unknownFutureValue'>;
export type AlertStatus = Open<'unknown' | 'new' | 'inProgress' | 'resolved' | 'unknownFutureValue'>;
export type AlertClassification = Open<
  'unknown' | 'falsePositive' | 'truePositive' | 'informationalExpectedActivity' | 'unknownFutureValue'
>;
export type AlertDetermination = Open<
  | 'unknown'
  | 'apt'
  | 'malware'
  | 'securityPersonnel'
  | 'securityTesting'
  | 'unwantedSoftware'
  | 'other'
  | 'multiStagedAttack'
  | 'compromisedAccount'
  | 'phishing'
  | 'maliciousUserActivity'
  | 'notMalicious'
  | 'notEnoughDataToValidate'
  | 'confirmedActivity'
  | 'lineOfBusinessApplication'
  | 'unknownFutureValue'
>;

export interface AlertComment {
  comment: string;
  createdByDisplayName: string | null;
  createdDateTime: string;
}

export interface AlertEvidence {
  '@odata.type': string;
  createdDateTime: string;
  verdict: string;
  remediationStatus: string;
  remediationStatusDetails: string | null;
  roles: string[];
  detailedRoles: string[];
  tags: string[];
  [extra: string]: unknown;
}

export interface SecurityAlert {
  '@odata.type'?: string;
  id: string;
  providerAlertId: string;
  incidentId: string | null;
  tenantId: string;
  status: AlertStatus;
  severity: AlertSeverity;
  classification: AlertClassification | null;
  determination: AlertDetermination | null;
  serviceSource: string;
  detectionSource: string;
  productName: string | null;
  detectorId: string | null;
  alertPolicyId: string | null;
  investigationState: string | null;
  title: string;
  description: string | null;
  recommendedActions: string | null;
  category: string | null;
  assignedTo: string | null;
  alertWebUrl: string | null;
  incidentWebUrl: string | null;
  actorDisplayName: string | null;
  threatDisplayName: string | null;
  threatFamilyName: string | null;
  mitreTechniques: string[];
  createdDateTime: string;
  lastUpdateDateTime: string;
  firstActivityDateTime: string | null;
  lastActivityDateTime: string | null;
  resolvedDateTime: string | null;
  comments: AlertComment[];
  evidence: AlertEvidence[];
  systemTags: string[];
  additionalData: Record<string, unknown>;
}

// ---- Customers of a partner: GDAP relationships (v1.0) and contracts (v1.0) -------------------

export type DelegatedAdminRelationshipStatus = Open<
  'activating' | 'active' | 'approvalPending' | 'approved' | 'created' | 'expired' | 'expiring' | 'terminated'
  | 'terminating' | 'terminationRequested' | 'unknownFutureValue'>;

/** `GET /tenantRelationships/delegatedAdminRelationships`; roles are Entra role *template* ids. */
export interface DelegatedAdminRelationship {
  '@odata.type'?: string;
  id: string;
  displayName: string;
  /** ISO 8601 duration, e.g. `P730D`. */
  duration: string;
  customer: { tenantId: string; displayName: string } | null;
  accessDetails: { unifiedRoles: { roleDefinitionId: string }[] };
  status: DelegatedAdminRelationshipStatus;
  /** `PT0S` when it does not renew itself, else e.g. `P180D`. */
  autoExtendDuration: string | null;
  createdDateTime: string;
  activatedDateTime: string | null;
  lastModifiedDateTime: string;
  endDateTime: string | null;
}

/** `GET /contracts`: a partner's customers (`customerId` is the customer's tenant id). */
export interface Contract {
  '@odata.type'?: string;
  id: string;
  contractType: string;
  customerId: string;
  defaultDomainName: string;
  displayName: string;
  deletedDateTime: string | null;
}
