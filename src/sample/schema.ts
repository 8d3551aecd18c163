// What the engine knows about each resource type: its properties (for $select and PATCH validation),
// which properties $filter / $orderby accept with which operators, and the evolvable enums.
// Property lists are checked against types.ts at compile time, so a new field there cannot be forgotten.

import type {
  Contract,
  CustomerInsight,
  DelegatedAdminRelationship,
  PartnerSecurityAlert,
  PartnerSecurityScore,
  SecureScore,
  SecureScoreControlProfile,
  SecurityAlert,
  SecurityRequirement,
  SecurityScoreHistory,
} from '../graph/types';

export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'in';

export interface EnumType {
  /** Qualified OData name, used in messages. */
  name: string;
  members: readonly string[];
}

export interface FilterField {
  kind: 'string' | 'enum' | 'date' | 'bool' | 'number';
  ops: readonly ComparisonOp[];
  /** For kind 'enum': literals are validated against its members. */
  enum?: EnumType;
}

export interface ResourceSchema {
  /** Qualified OData type name, used in Graph-style messages. */
  typeName: string;
  /** Key property: always returned by $select. */
  key: string;
  properties: readonly string[];
  filter: Readonly<Record<string, FilterField>>;
  /** Date properties that $orderby accepts. */
  orderBy: readonly string[];
  /** Evolvable enum properties → members up to and including `unknownFutureValue`. */
  evolvable: Readonly<Record<string, readonly string[]>>;
}

// ---- enums (members as in the v1.0/beta schema) -------------------------------------------

const NS = 'microsoft.graph.security.';
const PNS = 'microsoft.graph.partner.security.';

export const ALERT_STATUS: EnumType = { name: `${NS}alertStatus`, members: ['unknown', 'new', 'inProgress', 'resolved', 'unknownFutureValue'] };
const ALERT_SEVERITY: EnumType = { name: `${NS}alertSeverity`, members: ['unknown', 'informational', 'low', 'medium', 'high', 'unknownFutureValue'] };
export const ALERT_CLASSIFICATION: EnumType = {
  name: `${NS}alertClassification`,
  members: ['unknown', 'falsePositive', 'truePositive', 'informationalExpectedActivity', 'unknownFutureValue'],
};
export const ALERT_DETERMINATION: EnumType = {
  name: `${NS}alertDetermination`,
  members: [
    'unknown', 'apt', 'malware', 'securityPersonnel', 'securityTesting', 'unwantedSoftware', 'other', 'multiStagedAttack',
    'compromisedAccount', 'phishing', 'maliciousUserActivity', 'notMalicious', 'notEnoughDataToValidate', 'confirmedActivity',
    'lineOfBusinessApplication', 'unknownFutureValue',
  ],
};

const SERVICE_SOURCE_BASE = [
  'unknown', 'microsoftDefenderForEndpoint', 'microsoftDefenderForIdentity', 'microsoftDefenderForCloudApps',
  'microsoftDefenderForOffice365', 'microsoft365Defender', 'azureAdIdentityProtection', 'microsoftAppGovernance',
  'dataLossPrevention', 'unknownFutureValue',
] as const;
/** Returned only with `Prefer: include-unknown-enum-members`. */
const SERVICE_SOURCE_EVOLVED = [
  'microsoftDefenderForCloud', 'microsoftSentinel', 'microsoftInsiderRiskManagement', 'microsoftThreatIntelligence',
  'microsoftSecurityForAI',
] as const;

const DETECTION_SOURCE_BASE = [
  'unknown', 'microsoftDefenderForEndpoint', 'antivirus', 'smartScreen', 'customTi', 'microsoftDefenderForOffice365',
  'automatedInvestigation', 'microsoftThreatExperts', 'customDetection', 'microsoftDefenderForIdentity', 'cloudAppSecurity',
  'microsoft365Defender', 'azureAdIdentityProtection', 'manual', 'microsoftDataLossPrevention', 'appGovernancePolicy',
  'appGovernanceDetection', 'unknownFutureValue',
] as const;
// detectionSource is not filterable, so its later members (microsoftDefenderForCloud … microsoftSentinel)
// need no list: whatever is not in the base list is substituted.

export const PARTNER_ALERT_STATUS: EnumType = { name: `${PNS}securityAlertStatus`, members: ['active', 'resolved', 'investigating', 'unknownFutureValue'] };
const PARTNER_ALERT_SEVERITY: EnumType = { name: `${PNS}securityAlertSeverity`, members: ['informational', 'high', 'medium', 'low', 'unknownFutureValue'] };
export const PARTNER_RESOLVED_REASON: EnumType = {
  name: `${PNS}securityAlertResolvedReason`,
  members: ['legitimate', 'ignore', 'fraud', 'unknownFutureValue'],
};

export const CONTROL_STATES = ['Default', 'Ignored', 'ThirdParty', 'Reviewed'] as const;

// ---- helpers ------------------------------------------------------------------------------

type Props<T> = Exclude<keyof T, `@${string}`>;

/** A property list of T that must name every property of T (compile error otherwise). */
function propertiesOf<T>() {
  return <const K extends readonly Props<T>[]>(
    keys: K & ([Exclude<Props<T>, K[number]>] extends [never] ? unknown : { missing: Exclude<Props<T>, K[number]> }),
  ): readonly string[] => keys as readonly string[];
}

const EQ_ONLY = ['eq'] as const;
const EQUALITY = ['eq', 'ne', 'in'] as const;
const RANGE = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;

function enumField(type: EnumType, ops: readonly ComparisonOp[]): FilterField {
  return { kind: 'enum', enum: type, ops };
}

// ---- resources ----------------------------------------------------------------------------

export const SECURE_SCORE: ResourceSchema = {
  typeName: 'microsoft.graph.secureScore',
  key: 'id',
  properties: propertiesOf<SecureScore>()([
    'id', 'azureTenantId', 'createdDateTime', 'currentScore', 'maxScore', 'activeUserCount', 'licensedUserCount',
    'enabledServices', 'averageComparativeScores', 'controlScores', 'vendorInformation',
  ]),
  // Documented form is `{property} eq '{value}'` only.
  filter: {
    id: { kind: 'string', ops: EQ_ONLY },
    azureTenantId: { kind: 'string', ops: EQ_ONLY },
    createdDateTime: { kind: 'date', ops: EQ_ONLY },
    currentScore: { kind: 'number', ops: EQ_ONLY },
    maxScore: { kind: 'number', ops: EQ_ONLY },
    activeUserCount: { kind: 'number', ops: EQ_ONLY },
    licensedUserCount: { kind: 'number', ops: EQ_ONLY },
  },
  orderBy: [],
  evolvable: {},
};

export const CONTROL_PROFILE: ResourceSchema = {
  typeName: 'microsoft.graph.secureScoreControlProfile',
  key: 'id',
  properties: propertiesOf<SecureScoreControlProfile>()([
    'id', 'azureTenantId', 'title', 'controlCategory', 'actionType', 'service', 'tier', 'userImpact', 'implementationCost',
    'rank', 'maxScore', 'threats', 'remediation', 'remediationImpact', 'actionUrl', 'deprecated', 'lastModifiedDateTime',
    'complianceInformation', 'controlStateUpdates', 'vendorInformation',
  ]),
  filter: {
    id: { kind: 'string', ops: EQ_ONLY },
    azureTenantId: { kind: 'string', ops: EQ_ONLY },
    title: { kind: 'string', ops: EQ_ONLY },
    controlCategory: { kind: 'string', ops: EQ_ONLY },
    actionType: { kind: 'string', ops: EQ_ONLY },
    service: { kind: 'string', ops: EQ_ONLY },
    tier: { kind: 'string', ops: EQ_ONLY },
    userImpact: { kind: 'string', ops: EQ_ONLY },
    implementationCost: { kind: 'string', ops: EQ_ONLY },
    deprecated: { kind: 'bool', ops: EQ_ONLY },
    rank: { kind: 'number', ops: EQ_ONLY },
    maxScore: { kind: 'number', ops: EQ_ONLY },
  },
  orderBy: [],
  evolvable: {},
};

export const ALERT: ResourceSchema = {
  typeName: `${NS}alert`,
  key: 'id',
  properties: propertiesOf<SecurityAlert>()([
    'id', 'providerAlertId', 'incidentId', 'tenantId', 'status', 'severity', 'classification', 'determination',
    'serviceSource', 'detectionSource', 'productName', 'detectorId', 'alertPolicyId', 'investigationState', 'title',
    'description', 'recommendedActions', 'category', 'assignedTo', 'alertWebUrl', 'incidentWebUrl', 'actorDisplayName',
    'threatDisplayName', 'threatFamilyName', 'mitreTechniques', 'createdDateTime', 'lastUpdateDateTime',
    'firstActivityDateTime', 'lastActivityDateTime', 'resolvedDateTime', 'comments', 'evidence', 'systemTags',
    'additionalData',
  ]),
  filter: {
    assignedTo: { kind: 'string', ops: EQUALITY },
    classification: enumField(ALERT_CLASSIFICATION, EQUALITY),
    determination: enumField(ALERT_DETERMINATION, EQUALITY),
    createdDateTime: { kind: 'date', ops: RANGE },
    lastUpdateDateTime: { kind: 'date', ops: RANGE },
    severity: enumField(ALERT_SEVERITY, EQUALITY),
    serviceSource: enumField({ name: `${NS}serviceSource`, members: [...SERVICE_SOURCE_BASE, ...SERVICE_SOURCE_EVOLVED] }, EQUALITY),
    status: enumField(ALERT_STATUS, EQUALITY),
  },
  orderBy: ['createdDateTime', 'lastUpdateDateTime'],
  evolvable: { serviceSource: SERVICE_SOURCE_BASE, detectionSource: DETECTION_SOURCE_BASE },
};

export const PARTNER_SCORE: ResourceSchema = {
  typeName: `${PNS}partnerSecurityScore`,
  key: 'id',
  properties: propertiesOf<Omit<PartnerSecurityScore, 'requirements' | 'history'>>()([
    'id', 'currentScore', 'maxScore', 'lastRefreshDateTime', 'updatedDateTime',
  ]),
  filter: {},
  orderBy: [],
  evolvable: {},
};

export const REQUIREMENT: ResourceSchema = {
  typeName: `${PNS}securityRequirement`,
  key: 'id',
  properties: propertiesOf<SecurityRequirement>()([
    'id', 'requirementType', 'complianceStatus', 'state', 'score', 'maxScore', 'actionUrl', 'helpUrl', 'updatedDateTime',
  ]),
  filter: {
    requirementType: { kind: 'string', ops: EQ_ONLY },
    complianceStatus: { kind: 'string', ops: EQ_ONLY },
    state: { kind: 'string', ops: EQ_ONLY },
  },
  orderBy: [],
  evolvable: {},
};

export const HISTORY: ResourceSchema = {
  typeName: `${PNS}securityScoreHistory`,
  key: 'id',
  properties: propertiesOf<SecurityScoreHistory>()([
    'id', 'createdDateTime', 'score', 'compliantRequirementsCount', 'totalRequirementsCount',
  ]),
  filter: { createdDateTime: { kind: 'date', ops: ['gt', 'ge', 'lt', 'le'] } },
  orderBy: [],
  evolvable: {},
};

export const CUSTOMER_INSIGHT: ResourceSchema = {
  typeName: `${PNS}customerInsight`,
  key: 'tenantId',
  properties: propertiesOf<CustomerInsight>()(['tenantId', 'mfa']),
  filter: {},
  orderBy: [],
  evolvable: {},
};

export const PARTNER_ALERT: ResourceSchema = {
  typeName: `${PNS}partnerSecurityAlert`,
  key: 'id',
  properties: propertiesOf<PartnerSecurityAlert>()([
    'id', 'displayName', 'description', 'alertType', 'status', 'severity', 'confidenceLevel', 'customerTenantId',
    'subscriptionId', 'valueAddedResellerTenantId', 'catalogOfferId', 'detectedDateTime', 'firstObservedDateTime',
    'lastObservedDateTime', 'resolvedReason', 'resolvedOnDateTime', 'resolvedBy', 'isTest', 'affectedResources',
    'activityLogs', 'additionalDetails',
  ]),
  filter: {
    status: enumField(PARTNER_ALERT_STATUS, EQ_ONLY),
    severity: enumField(PARTNER_ALERT_SEVERITY, EQ_ONLY),
    customerTenantId: { kind: 'string', ops: EQ_ONLY },
    alertType: { kind: 'string', ops: EQ_ONLY },
    detectedDateTime: { kind: 'date', ops: ['gt', 'ge', 'lt', 'le'] },
  },
  orderBy: [],
  evolvable: {},
};

export const RELATIONSHIP_STATUS: EnumType = {
  name: 'microsoft.graph.delegatedAdminRelationshipStatus',
  members: [
    'activating', 'active', 'approvalPending', 'approved', 'created', 'expired', 'expiring', 'terminated', 'terminating',
    'terminationRequested', 'unknownFutureValue',
  ],
};

export const RELATIONSHIP: ResourceSchema = {
  typeName: 'microsoft.graph.delegatedAdminRelationship',
  key: 'id',
  properties: propertiesOf<DelegatedAdminRelationship>()([
    'id', 'displayName', 'duration', 'customer', 'accessDetails', 'status', 'autoExtendDuration', 'createdDateTime',
    'activatedDateTime', 'lastModifiedDateTime', 'endDateTime',
  ]),
  filter: {
    status: enumField(RELATIONSHIP_STATUS, EQUALITY),
    displayName: { kind: 'string', ops: EQ_ONLY },
    endDateTime: { kind: 'date', ops: RANGE },
  },
  orderBy: ['endDateTime', 'createdDateTime'],
  evolvable: {},
};

export const CONTRACT: ResourceSchema = {
  typeName: 'microsoft.graph.contract',
  key: 'id',
  properties: propertiesOf<Contract>()(['id', 'contractType', 'customerId', 'defaultDomainName', 'displayName', 'deletedDateTime']),
  filter: {
    customerId: { kind: 'string', ops: EQ_ONLY },
    defaultDomainName: { kind: 'string', ops: EQ_ONLY },
    displayName: { kind: 'string', ops: EQ_ONLY },
  },
  orderBy: [],
  evolvable: {},
};

/**
 * The value a caller sees for `prop`: members of an evolvable enum after `unknownFutureValue`
 * (or unknown to this schema) read as `unknownFutureValue` unless the caller opted in.
 */
export function visibleValue(schema: ResourceSchema, prop: string, value: unknown, includeUnknownMembers: boolean): unknown {
  const base = schema.evolvable[prop];
  if (!base || includeUnknownMembers || typeof value !== 'string' || base.includes(value)) {
    return value;
  }
  return 'unknownFutureValue';
}
