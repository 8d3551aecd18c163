// Generates the sample tenant: a believable CSP partner ("Contoso Advisory Partners") with partner
// security score, customers, partner alerts, 90 days of Secure Score, control profiles and Defender
// alerts. Everything is derived from a seed and a "now", so the same options give the same dataset.

import type { AlertComment, AlertEvidence, AverageComparativeScore, ControlScore, CustomerInsight, PartnerActivityLog, PartnerSecurityAlert, PartnerSecurityScore, SecureScore, SecureScoreControlProfile, SecureScoreControlStateUpdate, SecurityAlert, SecurityRequirement, SecurityScoreHistory, SecurityVendorInformation } from '../graph/types';
import type { TenantDataset } from './dataset';
import {
  ALERT_TEMPLATES,
  COMPANY_PREFIXES,
  COMPANY_SUFFIXES,
  CONTROL_CATALOG,
  FIRST_NAMES,
  LAST_NAMES,
  STAFF_NAMES,
  SYNTHETIC_DEVICE_SETTINGS,
  SYNTHETIC_SOFTWARE,
  type AlertTemplate,
  type CatalogControl,
  type ControlUnit,
  type EvidenceKind,
  type Threat,
} from './catalog';
import { buildPortfolio } from './relationships';
import { Rng } from './random';

export interface GenerateOptions {
  seed?: number;
  /** The dataset's "now"; every date is relative to it. */
  now?: Date;
  customers?: number;
  alerts?: number;
  /** Defaults to the whole catalogue; larger numbers add synthetic `scid_` controls. */
  controlProfiles?: number;
  scoreDays?: number;
  /** Days of Secure Score before the `scoreDays` Graph keeps, in `secureScoreArchive` (the sample seeds its stored history with them). */
  historyDays?: number;
  partnerAlerts?: number;
}

export const SCALES: Record<'sample' | 'medium' | 'large', GenerateOptions> = {
  sample: {},
  medium: { customers: 1000, alerts: 2000, controlProfiles: 400 },
  large: { customers: 5000, alerts: 20000, controlProfiles: 400 },
};

const DEFAULT_SEED = 20261122;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const TENANT_NAME = 'Contoso Advisory Partners';
const DOMAIN = 'contoso-partners.example';
const NETBIOS = 'CONTOSO';

const iso = (ms: number): string => new Date(ms).toISOString();
const round2 = (n: number): number => Math.round(n * 100) / 100;
const startOfDay = (ms: number): number => Math.floor(ms / DAY) * DAY;
const clamp = (n: number, min: number, max: number): number => Math.min(max, Math.max(min, n));
const size = (value: number | undefined, fallback: number): number => Math.max(0, Math.floor(value ?? fallback));

function vendorInformation(): SecurityVendorInformation {
  return { provider: 'SecureScore', providerVersion: null, subProvider: null, vendor: 'Microsoft' };
}

/** The organisation a tenant belongs to: the partner, or one of its customers. */
export interface Org {
  domain: string;
  netbios: string;
  /** Device name prefix. */
  prefix: string;
  users: number;
  devices: number;
  admins: number;
  mailboxes: number;
  /** Licensed users before the licence bump in the score window. */
  licensedBefore: number;
  industry: string;
  seats: [lower: string, upper: string];
  /** Shape of the Secure Score over the window; the partner's own has none imposed. */
  trend?: 'improving' | 'steady' | 'declining' | 'drop';
}

const PARTNER_ORG: Org = {
  domain: DOMAIN, netbios: NETBIOS, prefix: 'CAP', users: 250, devices: 176, admins: 6, mailboxes: 236, licensedBefore: 240,
  industry: 'professionalServices', seats: ['100', '499'],
};

export interface Context {
  tenantId: string;
  now: number;
  /** 00:00Z of the dataset's "now". */
  today: number;
  org: Org;
  dir: Directory;
}

export function generateTenant(options: GenerateOptions = {}): TenantDataset {
  const root = new Rng(options.seed ?? DEFAULT_SEED);
  const now = (options.now ?? new Date()).getTime();
  const scoreDays = size(options.scoreDays, 90);
  const historyDays = size(options.historyDays, 0);
  const ctx: Context = {
    tenantId: root.fork('tenant').guid(),
    now,
    today: startOfDay(now),
    org: PARTNER_ORG,
    dir: buildDirectory(root.fork('directory'), PARTNER_ORG),
  };

  const customers = buildCustomers(root.fork('customers'), size(options.customers, 36));
  const partnerAlerts = buildPartnerAlerts(root.fork('partner-alerts'), ctx, customers, size(options.partnerAlerts, 8));
  const partner = buildPartnerScore(root.fork('partner-score'), ctx, customers, partnerAlerts);
  const controls = planControls(root.fork('controls'), ctx, size(options.controlProfiles, CONTROL_CATALOG.length), scoreDays + historyDays);
  // One continuous run of days: the newest `scoreDays` are what Graph serves, the rest came before.
  const scores = buildSecureScores(root.fork('secure-scores'), ctx, controls, scoreDays + historyDays);

  return {
    tenantId: ctx.tenantId,
    displayName: TENANT_NAME,
    domain: DOMAIN,
    signedInUser: ctx.dir.staff[0].upn,
    now: iso(now),
    isPartner: true,
    partnerScore: partner.score,
    partnerRequirements: partner.requirements,
    partnerHistory: partner.history,
    customerInsights: customers.map((c) => c.insight),
    customerNames: Object.fromEntries(customers.map((c) => [c.insight.tenantId, c.name])),
    partnerAlerts,
    secureScores: scores.slice(0, scoreDays),
    ...(historyDays > 0 ? { secureScoreArchive: scores.slice(scoreDays) } : {}),
    controlProfiles: controls.profiles,
    alerts: buildAlerts(root.fork('alerts'), ctx, size(options.alerts, 240)),
    ...buildPortfolio(root.fork('portfolio'), ctx.now, customers.map((c) => ({ tenantId: c.insight.tenantId, name: c.name, users: c.insight.mfa?.totalUsersCount ?? 25 }))),
  };
}

// ---- Directory: the partner's own users and devices ------------------------------------------

interface Person {
  displayName: string;
  upn: string;
  accountName: string;
  sid: string;
  aadId: string;
}

interface Device {
  hostName: string;
  mdeDeviceId: string;
  aadDeviceId: string;
  osPlatform: string;
  osBuild: number | null;
  ip: string;
  user: Person;
}

export interface Directory {
  /** The security team; staff[0] is the signed-in user. */
  staff: Person[];
  users: Person[];
  devices: Device[];
}

const SERVERS = ['DC01', 'DC02', 'FS01', 'APP01', 'SQL01', 'RDS01'];
const OS_BUILDS: Record<string, number[]> = {
  WindowsServer2022: [20348], WindowsServer2019: [17763], Windows11: [22631, 26100], Windows10: [19045],
};

function shuffledNames(rng: Rng): [string, string][] {
  return rng.shuffle(FIRST_NAMES.flatMap((f) => LAST_NAMES.map((l): [string, string] => [f, l])));
}

/** Customers' few people: distinct random pairs, without shuffling every pair (a customer is generated on each first request). */
function pickedNames(rng: Rng, count: number): [string, string][] {
  const seen = new Set<string>();
  const out: [string, string][] = [];
  const max = Math.min(count, FIRST_NAMES.length * LAST_NAMES.length);
  while (out.length < max) {
    const pair: [string, string] = [rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES)];
    if (!seen.has(pair.join(' '))) {
      seen.add(pair.join(' '));
      out.push(pair);
    }
  }
  return out;
}

export function buildDirectory(rng: Rng, org: Org): Directory {
  const sidBase = `S-1-5-21-${rng.int(1e9, 4e9)}-${rng.int(1e9, 4e9)}-${rng.int(1e9, 4e9)}`;
  const names: [string, string][] = STAFF_NAMES.slice();
  names.push(...(org === PARTNER_ORG ? shuffledNames(rng) : pickedNames(rng, org.users)).slice(0, org.users - names.length));
  const users = names.map(([first, last], i): Person => {
    const clean = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');
    return {
      displayName: `${first} ${last}`,
      upn: `${clean(first)}.${clean(last)}@${org.domain}`,
      accountName: `${clean(first)[0]}${clean(last)}`,
      sid: `${sidBase}-${1104 + i}`,
      aadId: rng.guid(),
    };
  });

  const devices: Device[] = [];
  for (let i = 0; i < org.devices; i++) {
    const server = i < SERVERS.length;
    const kind = server ? 'SRV' : rng.weighted([['LT', 70], ['DT', 15], ['MBP', 8]] as const);
    const platform = server
      ? rng.pick(['WindowsServer2022', 'WindowsServer2019'])
      : kind === 'MBP' ? 'macOS' : rng.weighted([['Windows11', 80], ['Windows10', 20]] as const);
    devices.push({
      hostName: server ? `${org.prefix}-${SERVERS[i]}` : `${org.prefix}-${kind}-${String(1000 + i * 7).padStart(4, '0')}`,
      mdeDeviceId: rng.hex(40),
      aadDeviceId: rng.guid(),
      osPlatform: platform,
      osBuild: OS_BUILDS[platform] ? rng.pick(OS_BUILDS[platform]) : null,
      ip: `10.20.${Math.floor(i / 200) + (server ? 1 : 4)}.${(i % 200) + 20}`,
      user: users[server ? 1 : i % users.length],
    });
  }
  return { staff: users.slice(0, 5), users, devices };
}

// ---- Customers (partner customer insights) ---------------------------------------------------

interface Customer {
  name: string;
  insight: CustomerInsight;
  /** Every admin of the customer is covered by enforced MFA. */
  compliant: boolean;
}

type MfaMechanism = 'securityDefaults' | 'conditionalAccess' | 'legacyPerUser' | 'none';

function customerNames(rng: Rng, count: number): string[] {
  const combos = rng.shuffle(COMPANY_PREFIXES.flatMap((p) => COMPANY_SUFFIXES.map((s) => `${p} ${s}`)));
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const cycle = Math.floor(i / combos.length);
    names.push(cycle === 0 ? combos[i] : `${combos[i % combos.length]} ${cycle + 1}`);
  }
  return names;
}

function buildCustomers(rng: Rng, count: number): Customer[] {
  const names = customerNames(rng.fork('names'), count);
  // Fixed quotas (then shuffled) keep the mix stable at any size: ~12% have no MFA at all.
  const none = Math.round(count * 0.12);
  const defaults = Math.round(count * 0.3);
  const legacy = Math.round(count * 0.15);
  const mechanisms: MfaMechanism[] = [
    ...Array<MfaMechanism>(none).fill('none'),
    ...Array<MfaMechanism>(defaults).fill('securityDefaults'),
    ...Array<MfaMechanism>(legacy).fill('legacyPerUser'),
    ...Array<MfaMechanism>(Math.max(0, count - none - defaults - legacy)).fill('conditionalAccess'),
  ];
  rng.shuffle(mechanisms);

  return mechanisms.map((mechanism, i) => {
    // Log-uniform skewed to small businesses: 5 to 5,000 users.
    const totalUsersCount = Math.round(Math.exp(Math.log(5) + (Math.log(5000) - Math.log(5)) * rng.next() ** 1.6));
    const admins = Math.min(totalUsersCount, rng.int(1, 3) + Math.floor(Math.log10(totalUsersCount) * rng.int(0, 2)));
    const others = totalUsersCount - admins;
    let compliantAdmins = 0;
    let compliantOthers = 0;
    // Security defaults and Conditional Access are mutually exclusive; per-user MFA lingers alongside CA.
    const alsoLegacy = mechanism === 'conditionalAccess' && rng.chance(0.25);
    switch (mechanism) {
      case 'securityDefaults':
        compliantAdmins = admins;
        compliantOthers = Math.round(others * rng.float(0.55, 0.95));
        break;
      case 'conditionalAccess':
        compliantAdmins = rng.chance(0.75) ? admins : Math.max(0, admins - 1);
        compliantOthers = Math.round(others * rng.float(0.7, 0.99));
        break;
      case 'legacyPerUser':
        compliantAdmins = rng.int(0, admins);
        compliantOthers = Math.round(others * rng.float(0.2, 0.7));
        break;
      case 'none':
        break;
    }
    const status = (on: boolean) => (on ? 'enabled' : 'disabled');
    return {
      name: names[i],
      compliant: mechanism !== 'none' && compliantAdmins === admins,
      insight: {
        '@odata.type': '#microsoft.graph.partner.security.customerInsight',
        tenantId: rng.guid(),
        mfa: {
          // The service really omits the '#' on the nested type.
          '@odata.type': 'microsoft.graph.partner.security.customerMfaInsight',
          compliantAdminsCount: compliantAdmins,
          compliantNonAdminsCount: compliantOthers,
          totalUsersCount,
          securityDefaultsStatus: status(mechanism === 'securityDefaults'),
          mfaConditionalAccessPolicyStatus: status(mechanism === 'conditionalAccess'),
          legacyPerUserMfaStatus: status(mechanism === 'legacyPerUser' || alsoLegacy),
        },
      },
    };
  });
}

// ---- Partner security alerts -----------------------------------------------------------------

interface PartnerAlertKind {
  alertType: string;
  displayName: string;
  description: string;
  resource: string;
  details: (rng: Rng) => Record<string, string>;
}

const AZURE_REGIONS = ['westeurope', 'northeurope', 'eastus', 'eastus2', 'westus2', 'uksouth', 'australiaeast'];

const PARTNER_ALERT_KINDS: readonly PartnerAlertKind[] = [
  {
    alertType: 'usageAnomalyDetection',
    displayName: 'Action Required: Subscription usage anomaly detected',
    description: 'Unusual growth in GPU virtual machine deployments compared with the last 30 days.',
    resource: 'virtualMachines/gpu',
    details: (rng) => ({ Region: rng.pick(AZURE_REGIONS), VmCount: String(rng.int(8, 60)), VmSku: rng.pick(['Standard_NC24ads_A100_v4', 'Standard_ND96asr_v4', 'Standard_NV36ads_A10_v5']) }),
  },
  {
    alertType: 'networkConnectionsToCryptoMiningPools',
    displayName: 'Action Required: Virtual machine connecting to crypto currency mining pool detected',
    description: 'Network telemetry shows the virtual machine repeatedly reaching a known cryptocurrency mining pool.',
    resource: 'virtualMachines/vm',
    details: (rng) => ({
      VM_IP: JSON.stringify([`10.${rng.int(0, 9)}.${rng.int(0, 255)}.${rng.int(4, 250)}`]),
      MiningPool_IP: JSON.stringify([`203.0.113.${rng.int(1, 254)}`]),
      ConnectionCount: String(rng.int(3, 400)),
    }),
  },
  {
    alertType: 'azureFraudDetection',
    displayName: 'Action Required: Potential Azure fraud detected',
    description: 'Azure fraud detection flagged resource creation consistent with stolen-credential abuse.',
    resource: 'virtualMachines/node',
    details: (rng) => ({ FraudType: rng.pick(['ResourceAbuse', 'CompromisedCredentials']), Region: rng.pick(AZURE_REGIONS), ResourceCount: String(rng.int(4, 120)) }),
  },
  {
    alertType: 'suspiciousResourceDeployment',
    displayName: 'Action Required: Resource deployment from a suspicious IP address',
    description: 'Compute resources were deployed from an IP address associated with malicious activity.',
    resource: 'virtualMachines/worker',
    details: (rng) => ({ CallerIpAddress: `198.51.100.${rng.int(1, 254)}`, OperationName: 'Microsoft.Compute/virtualMachines/write', ResourceCount: String(rng.int(2, 30)) }),
  },
  {
    alertType: 'unusualDataEgress',
    displayName: 'Action Required: Unusual data egress from storage account',
    description: 'Outbound data transfer from a storage account is far above its 30-day baseline.',
    resource: 'storageAccounts/st',
    details: (rng) => ({ EgressGB: String(rng.int(200, 9000)), BaselineGB: String(rng.int(2, 40)), Region: rng.pick(AZURE_REGIONS) }),
  },
];

function buildPartnerAlerts(rng: Rng, ctx: Context, customers: Customer[], count: number): PartnerSecurityAlert[] {
  const coverStatus = ['active', 'investigating', 'resolved'] as const;
  const coverSeverity = ['high', 'medium', 'low', 'informational'] as const;
  const alerts: PartnerSecurityAlert[] = [];
  for (let i = 0; i < count; i++) {
    const kind = PARTNER_ALERT_KINDS[i % PARTNER_ALERT_KINDS.length];
    const status = i < coverStatus.length ? coverStatus[i] : rng.weighted([['active', 3], ['investigating', 2], ['resolved', 5]] as const);
    const severity = i < coverSeverity.length ? coverSeverity[i] : rng.weighted([['high', 3], ['medium', 4], ['low', 2], ['informational', 1]] as const);
    const age = Math.max(2 * HOUR, 60 * DAY * rng.next() ** 1.5);
    const detected = ctx.now - age;
    const firstObserved = detected - rng.int(10, 180) * MINUTE;
    const subscriptionId = rng.guid();
    const rg = rng.pick(['rg-prod', 'rg-ml', 'rg-web', 'rg-dev', 'rg-data']);
    const [provider, prefix] = kind.resource.split('/');
    const resourceName = `${prefix}-${String(rng.int(1, 40)).padStart(2, '0')}`;
    const namespace = provider === 'storageAccounts' ? 'Microsoft.Storage' : 'Microsoft.Compute';

    // The status history leads to the current status; timestamps stay between detection and now.
    const actors = ctx.dir.staff;
    const t1 = detected + Math.min(age * 0.4, rng.int(20, 48 * 60) * MINUTE);
    const t2 = t1 + (ctx.now - t1) * rng.float(0.2, 0.8);
    const log = (from: string, to: string, at: number, by: Person): PartnerActivityLog => ({
      statusFrom: from, statusTo: to, updatedBy: by.upn, updatedDateTime: iso(at),
    });
    let activityLogs: PartnerActivityLog[] = [];
    if (status === 'investigating') {
      activityLogs = [log('active', 'investigating', t1, rng.pick(actors))];
    } else if (status === 'resolved') {
      const by = rng.pick(actors);
      activityLogs = rng.chance(0.6)
        ? [log('active', 'investigating', t1, by), log('investigating', 'resolved', t2, by)]
        : [log('active', 'resolved', t1, by)];
    } else if (rng.chance(0.3)) {
      // Resolved too early and reopened.
      activityLogs = [log('active', 'resolved', t1, rng.pick(actors)), log('resolved', 'active', t2, rng.pick(actors))];
    }
    const last = activityLogs[activityLogs.length - 1];
    const resolved = status === 'resolved';

    alerts.push({
      '@odata.type': '#microsoft.graph.partner.security.partnerSecurityAlert',
      id: rng.chance(0.5) ? rng.guid() : `${subscriptionId}-${rng.guid()}`,
      displayName: kind.displayName,
      description: kind.description,
      alertType: kind.alertType,
      status,
      severity,
      confidenceLevel: rng.weighted([['high', 3], ['medium', 4], ['low', 2]] as const),
      customerTenantId: customers.length > 0 ? rng.pick(customers).insight.tenantId : rng.guid(),
      subscriptionId,
      valueAddedResellerTenantId: rng.chance(0.2) ? rng.guid() : null,
      catalogOfferId: rng.weighted([['MS-AZR-0145P', 5], ['MS-AZR-0017G', 1], [null, 2]] as const),
      detectedDateTime: iso(detected),
      firstObservedDateTime: iso(firstObserved),
      lastObservedDateTime: iso(firstObserved + (detected - firstObserved) * rng.float(0.5, 0.99)),
      resolvedReason: resolved ? rng.weighted([['legitimate', 5], ['fraud', 3], ['ignore', 2]] as const) : null,
      resolvedOnDateTime: resolved ? last.updatedDateTime : null,
      resolvedBy: resolved ? last.updatedBy : null,
      isTest: false,
      affectedResources: [{
        resourceId: `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/${namespace}/${provider}/${resourceName}`,
        resourceType: 'AzureResource',
      }],
      activityLogs,
      additionalDetails: kind.details(rng),
    });
  }
  return alerts.sort((a, b) => Date.parse(b.detectedDateTime) - Date.parse(a.detectedDateTime));
}

// ---- Partner security score, requirements and a year of history --------------------------------

interface RequirementSpec {
  type: string;
  maxScore: number;
  state: 'active' | 'preview';
  actionUrl: string;
  helpUrl: string;
  /** Score from each listed day (0 = a year ago) onwards; the last entry is today's value. */
  steps: { day: number; score: number }[];
}

const HISTORY_DAYS = 365;

function buildPartnerScore(rng: Rng, ctx: Context, customers: Customer[], alerts: PartnerSecurityAlert[]): {
  score: PartnerSecurityScore; requirements: SecurityRequirement[]; history: SecurityScoreHistory[];
} {
  const Y = HISTORY_DAYS;
  const compliantCustomers = customers.filter((c) => c.compliant).length;
  const customerShare = customers.length === 0 ? 1 : compliantCustomers / customers.length;
  const customerScore = Math.floor(25 * customerShare);
  const overdueAlert = alerts.some((a) => a.status === 'active' && ctx.now - Date.parse(a.detectedDateTime) > DAY);

  // Customer MFA coverage crept up over the year, with a few setbacks.
  const changeDays = rng.sample(range(5, Y - 7), rng.int(16, 22)).sort((a, b) => a - b);
  changeDays.push(Y - rng.int(1, 5));
  const start = Math.max(0, customerScore - rng.int(6, 12));
  const customerSteps = [{ day: 0, score: start }];
  changeDays.forEach((day, i) => {
    const last = i === changeDays.length - 1;
    const trend = start + ((customerScore - start) * (i + 1)) / changeDays.length;
    const score = last ? customerScore : clamp(Math.round(trend) + rng.int(-2, 1), 0, 24);
    customerSteps.push({ day, score });
  });
  // The final step must be a visible change, so the latest history entry is recent.
  const beforeLast = customerSteps[customerSteps.length - 2];
  if (beforeLast.score === customerScore) {
    beforeLast.score = customerScore > 0 ? customerScore - 1 : 1;
  }

  // Alert-handling lapses: a few noncompliant spells, and an open one today if an alert is overdue.
  const alertSteps = [{ day: 0, score: 20 }];
  for (const s of rng.sample(range(1, 8), rng.int(3, 5)).sort((a, b) => a - b)) {
    const from = 20 + s * 38 + rng.int(0, 20);
    alertSteps.push({ day: from, score: 0 }, { day: from + rng.int(2, 10), score: 20 });
  }
  if (overdueAlert) {
    alertSteps.push({ day: Y - rng.int(1, 3), score: 0 });
  }

  const spendCompliant = rng.chance(0.5);
  const specs: RequirementSpec[] = [
    {
      type: 'mfaEnforcedForAdmins', maxScore: 30, state: 'active',
      actionUrl: 'https://aka.ms/partner-center-security-mfa', helpUrl: 'https://aka.ms/partner-center-security-dashboard-mfa',
      steps: [{ day: 0, score: 0 }, { day: rng.int(90, 200), score: 30 }],
    },
    {
      type: 'mfaEnforcedForAdminsOfCustomers', maxScore: 25, state: 'active',
      actionUrl: 'https://aka.ms/partner-center-customer-mfa', helpUrl: 'https://aka.ms/partner-center-customer-mfa-help',
      steps: customerSteps,
    },
    {
      type: 'securityAlertsPromptlyResolved', maxScore: 20, state: 'active',
      actionUrl: 'https://aka.ms/partner-center-security-alerts', helpUrl: 'https://aka.ms/partner-center-security-alerts-help',
      steps: alertSteps,
    },
    {
      type: 'securityContactProvided', maxScore: 15, state: 'active',
      actionUrl: 'https://aka.ms/partner-center-security-contact', helpUrl: 'https://aka.ms/partner-center-security-dashboard-security-contact',
      steps: [{ day: 0, score: 0 }, { day: rng.int(15, 80), score: 15 }],
    },
    {
      type: 'spendingBudgetSetForCustomerAzureSubscriptions', maxScore: 10, state: 'preview',
      actionUrl: 'https://aka.ms/partner-center-azure-budget', helpUrl: 'https://aka.ms/partner-center-azure-budget-help',
      steps: spendCompliant ? [{ day: 0, score: 0 }, { day: rng.int(240, 330), score: 10 }] : [{ day: 0, score: 0 }],
    },
  ];

  const scoreOn = (spec: RequirementSpec, day: number) => {
    let score = spec.steps[0].score;
    for (const step of spec.steps) {
      if (step.day <= day) {
        score = step.score;
      }
    }
    return score;
  };
  // Partner Center evaluates in the early morning; history only has days on which something changed.
  const evaluatedAt = (day: number) => ctx.today - (Y - day) * DAY + 4 * HOUR + rng.int(0, 3599) * 1000;
  const changed = new Set(specs.flatMap((s) => s.steps.map((st) => st.day)));
  const entryTimes = new Map<number, number>();
  const history: SecurityScoreHistory[] = [];
  let previous = '';
  for (let day = 0; day < Y; day++) {
    if (!changed.has(day)) {
      continue;
    }
    const scores = specs.map((s) => scoreOn(s, day));
    const score = scores.reduce((a, b) => a + b, 0);
    const compliant = scores.filter((v, i) => v === specs[i].maxScore).length;
    const key = `${score}/${compliant}`;
    entryTimes.set(day, evaluatedAt(day));
    if (key === previous) {
      continue;
    }
    previous = key;
    history.push({
      '@odata.type': '#microsoft.graph.partner.security.securityScoreHistory',
      id: rng.guid(),
      createdDateTime: iso(entryTimes.get(day)!),
      score,
      compliantRequirementsCount: compliant,
      totalRequirementsCount: specs.length,
    });
  }
  history.reverse();

  const requirements = specs.map((spec): SecurityRequirement => {
    const score = scoreOn(spec, Y);
    const lastChange = spec.steps[spec.steps.length - 1].day;
    return {
      '@odata.type': '#microsoft.graph.partner.security.securityRequirement',
      id: rng.guid(),
      requirementType: spec.type,
      complianceStatus: score === spec.maxScore ? 'compliant' : 'noncomplaint',
      state: spec.state,
      score,
      maxScore: spec.maxScore,
      actionUrl: spec.actionUrl,
      helpUrl: spec.helpUrl,
      updatedDateTime: iso(entryTimes.get(lastChange) ?? evaluatedAt(lastChange)),
    };
  });

  const refresh = ctx.today + 6 * HOUR;
  return {
    score: {
      '@odata.type': '#microsoft.graph.partner.security.partnerSecurityScore',
      id: rng.guid(),
      currentScore: requirements.reduce((sum, r) => sum + r.score, 0),
      maxScore: 100,
      lastRefreshDateTime: iso(refresh <= ctx.now ? refresh : refresh - DAY),
      updatedDateTime: history.length > 0 ? history[0].createdDateTime : null,
    },
    requirements,
    history,
  };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) {
    out.push(i);
  }
  return out;
}

// ---- Secure Score control profiles ------------------------------------------------------------

interface ControlPlan {
  profiles: SecureScoreControlProfile[];
  /** Catalogue entry per profile, same order. */
  entries: CatalogControl[];
  /** Ids of controls Microsoft added during the score window, and the first snapshot index that has them. */
  added: Set<string>;
  addedDay: number;
}

const STATE_COMMENTS: Record<string, Record<string, string[]>> = {
  ThirdParty: {
    Identity: ['MFA enforced through Duo for all staff', 'Covered by Okta sign-on policies'],
    Apps: ['Mail filtered by the Mimecast gateway', 'Covered by the Proofpoint Essentials policy'],
    Data: ['DLP handled by the Netskope CASB', 'Covered by Varonis data classification'],
    Device: ['Endpoints protected by Sophos Intercept X', 'Covered by CrowdStrike Falcon prevention policy'],
    Infrastructure: ['Azure posture monitored by Wiz', 'Covered by the managed SOC provider'],
  },
  Ignored: {
    any: [
      'Risk accepted: scanner needs SMTP AUTH until replacement in Q3',
      'Accepted by the CISO as a business requirement',
      'Not applicable: no on-premises Active Directory',
      'Risk accepted for the front-desk kiosk accounts',
      'Accepted; revisit at the next quarterly review',
    ],
  },
  Reviewed: {
    any: ['Reviewed in the monthly security meeting', 'Reviewed; no unexpected changes', 'Quarterly review completed'],
  },
  Default: {
    any: ['Reverting: third-party product decommissioned', 'Re-opened after audit finding', 'Back to default; implementing natively'],
  },
};

const CERTIFICATIONS = [
  ['ISO 27001:2013', 'A.9.4.2'],
  ['NIST SP 800-53 Rev. 5', 'IA-2(1)'],
  ['CIS Microsoft 365 Foundations Benchmark v3.1.0', '5.2.2.1'],
  ['SOC 2', 'CC6.1'],
] as const;

function syntheticControls(rng: Rng, count: number): CatalogControl[] {
  const titles = [...SYNTHETIC_DEVICE_SETTINGS, ...SYNTHETIC_SOFTWARE.map((s) => `Update ${s}`)];
  const threats: Threat[] = ['Elevation of Privilege', 'Data Exfiltration', 'Account Breach', 'Password Cracking', 'Malicious Insider'];
  const out: CatalogControl[] = [];
  for (let i = 0; i < count; i++) {
    const cycle = Math.floor(i / titles.length);
    const title = titles[i % titles.length] + (cycle > 0 ? ` (set ${cycle + 1})` : '');
    out.push({
      id: `scid_${3001 + i}`, title, category: 'Device', service: 'MDATP',
      tier: rng.weighted([['Core', 3], ['Defense in Depth', 2]] as const), actionType: 'Config',
      userImpact: rng.weighted([['Low', 6], ['Moderate', 3], ['High', 1]] as const),
      implementationCost: rng.weighted([['Low', 4], ['Moderate', 4], ['High', 1]] as const),
      rank: 100 + i, maxScore: rng.weighted([[1, 3], [2, 3], [3, 3], [4, 2], [5, 2], [6, 1], [8, 1], [9, 1]] as const),
      threats: rng.sample(threats, rng.int(1, 2)), unit: 'devices',
      remediation: `Apply the <b>${title}</b> recommendation to exposed devices through Intune or Group Policy.`,
      remediationImpact: 'Test with a pilot group first: line-of-business apps may be affected.',
      actionUrl: 'https://security.microsoft.com/security-recommendations',
    });
  }
  return out;
}

export function planControls(rng: Rng, ctx: Context, count: number, scoreDays: number): ControlPlan {
  const byRank = CONTROL_CATALOG.slice().sort((a, b) => a.rank - b.rank);
  const entries = [
    ...byRank.slice(0, count),
    ...syntheticControls(rng.fork('synthetic'), Math.max(0, count - byRank.length)),
  ];
  const active = entries.filter((e) => !e.deprecated);

  // Microsoft added a couple of controls a few weeks ago: maxScore jumps that day.
  const addedDay = scoreDays >= 45 ? scoreDays - rng.int(20, 40) : -1;
  const addable = active.filter((e) => ['Apps', 'Data', 'Identity'].includes(e.category) && e.rank > 30);
  const added = new Set(addedDay < 0 ? [] : rng.sample(addable, rng.int(2, 3)).map((e) => e.id));

  // ~15% of controls carry an admin decision (third party, risk accepted, reviewed).
  const markable = active.filter((e) => !added.has(e.id));
  const marked = new Set(rng.sample(markable, Math.round(active.length * 0.15)).map((e) => e.id));
  const addedAt = ctx.today - (scoreDays - 1 - addedDay) * DAY;

  const profiles = entries.map((e): SecureScoreControlProfile => {
    const updates: SecureScoreControlStateUpdate[] = [
      { assignedTo: null, comment: null, state: 'Default', updatedBy: null, updatedDateTime: null },
    ];
    if (marked.has(e.id)) {
      updates.push(...stateHistory(rng, ctx, e));
    }
    const lastModified = added.has(e.id) ? addedAt - rng.int(1, 12) * HOUR
      : rng.chance(0.2) ? ctx.today - rng.int(2, 400) * DAY + rng.int(0, 86_399) * 1000 : null;
    const certification = rng.chance(0.06) ? rng.pick(CERTIFICATIONS) : null;
    return {
      id: e.id,
      azureTenantId: ctx.tenantId,
      title: e.title,
      controlCategory: e.category,
      actionType: e.actionType,
      service: e.service,
      tier: e.tier,
      userImpact: e.userImpact,
      implementationCost: e.implementationCost,
      rank: e.rank,
      maxScore: e.maxScore,
      deprecated: e.deprecated ?? false,
      lastModifiedDateTime: lastModified === null ? null : iso(lastModified),
      threats: e.threats.slice(),
      remediation: e.remediation,
      remediationImpact: e.remediationImpact,
      actionUrl: e.actionUrl,
      complianceInformation: certification === null ? null : [{
        certificationName: certification[0],
        certificationControls: [{ name: certification[1], url: '' }],
      }],
      controlStateUpdates: updates,
      vendorInformation: vendorInformation(),
    };
  });
  return { profiles, entries, added, addedDay };
}

/** The non-Default part of a marked control's state history, oldest first, all before today's snapshot. */
function stateHistory(rng: Rng, ctx: Context, e: CatalogControl): SecureScoreControlStateUpdate[] {
  const decision = () => (e.actionType === 'Review' ? rng.weighted([['Reviewed', 4], ['Ignored', 1]] as const)
    : rng.weighted([['ThirdParty', 55], ['Ignored', 45]] as const));
  const first = decision();
  const pattern = rng.weighted([
    [[first], 55],
    [[first, 'Default'], 20],
    [[first, first === 'Ignored' ? 'ThirdParty' : 'Ignored'], 15],
    [[first, 'Default', decision()], 10],
  ] as const);
  // Days ago, oldest first; at least one day old so today's snapshot already reflects them.
  const ages = rng.sample(range(1, 330), pattern.length).sort((a, b) => b - a);
  const assignee = rng.chance(0.7) ? rng.pick(ctx.dir.staff).upn : null;
  return pattern.map((state, i): SecureScoreControlStateUpdate => {
    const comments = STATE_COMMENTS[state][state === 'ThirdParty' ? e.category : 'any'];
    return {
      assignedTo: state === 'Default' ? null : assignee,
      comment: rng.pick(comments),
      state,
      updatedBy: rng.pick(ctx.dir.staff.slice(0, 3)).upn,
      updatedDateTime: iso(ctx.today - ages[i] * DAY + rng.int(7 * 3600, 19 * 3600) * 1000),
    };
  });
}

// ---- Daily Secure Score snapshots -------------------------------------------------------------

const UNIT_PHRASES: Record<ControlUnit, string> = {
  users: 'users are compliant',
  admins: 'admins are compliant',
  devices: 'devices are configured as recommended',
  mailboxes: 'mailboxes have auditing enabled',
  policies: 'recommended policies are in place',
  apps: 'apps have no unused credentials',
};

const MARKED_DESCRIPTIONS: Record<string, string> = {
  ThirdParty: 'Resolved through third party. Points are awarded for this control.',
  Ignored: 'Risk accepted. This control no longer appears in recommended actions.',
  Reviewed: 'Reviewed. Points are awarded until the next review is due.',
};

const ENABLED_SERVICES = [
  'HasAzureAD', 'HasExchange', 'HasSharePoint', 'HasOneDrive', 'HasTeams', 'HasInTune', 'HasWDATP', 'HasOATP', 'HasAADP2', 'HasMCAS',
];

/** Per control, the number of satisfied items (users, devices, …) on each day, oldest first. */
function controlProgress(rng: Rng, e: CatalogControl, total: number, days: number): number[] {
  const counts = new Array<number>(days);
  const partial = total > 1;
  const kind = partial
    ? rng.weighted([['done', 2], ['none', 2], ['step', 1], ['ramp', 5]] as const)
    : rng.weighted([['done', 44], ['none', 38], ['step', 18]] as const);
  const at = (f: number) => clamp(Math.round(f * total), 0, total);
  if (kind === 'done') {
    counts.fill(total);
  } else if (kind === 'none') {
    counts.fill(partial ? at(rng.float(0, 0.25)) : 0);
  } else if (kind === 'step') {
    const day = rng.int(1, Math.max(1, days - 1));
    const before = partial ? at(rng.float(0, 0.5)) : 0;
    const after = partial ? at(rng.float(0.85, 1)) : total;
    for (let t = 0; t < days; t++) {
      counts[t] = t < day ? before : after;
    }
  } else {
    const from = rng.float(0.2, 0.8);
    const to = Math.min(1, from + rng.float(0.03, 0.3));
    const wobble = e.unit === 'devices' && total > 20 ? 1 : 0;
    for (let t = 0; t < days; t++) {
      const f = from + ((to - from) * t) / Math.max(1, days - 1);
      counts[t] = clamp(at(f) + rng.int(-wobble, wobble), 0, total);
    }
  }
  return counts;
}

export function buildSecureScores(rng: Rng, ctx: Context, plan: ControlPlan, days: number): SecureScore[] {
  if (days === 0) {
    return [];
  }
  const windowStart = ctx.today - (days - 1) * DAY;
  const population: Record<ControlUnit, () => number> = {
    users: () => ctx.org.users,
    admins: () => ctx.org.admins,
    devices: () => ctx.dir.devices.length,
    mailboxes: () => ctx.org.mailboxes,
    policies: () => rng.int(3, 6),
    apps: () => rng.int(18, 40),
  };

  interface Track {
    e: CatalogControl;
    total: number;
    counts: number[];
    /** Admin decision in force on each day (null = Default). */
    marks: (string | null)[];
    firstDay: number;
  }
  const tracks: Track[] = [];
  plan.entries.forEach((e, i) => {
    if (e.deprecated) {
      return;
    }
    const total = e.unit ? population[e.unit]() : 1;
    const updates = plan.profiles[i].controlStateUpdates;
    const marks = new Array<string | null>(days).fill(null);
    for (let u = 1; u < updates.length; u++) {
      const from = Date.parse(updates[u].updatedDateTime!);
      const to = u + 1 < updates.length ? Date.parse(updates[u + 1].updatedDateTime!) : Infinity;
      for (let t = 0; t < days; t++) {
        const at = windowStart + t * DAY;
        if (at >= from && at < to) {
          marks[t] = updates[u].state === 'Default' ? null : updates[u].state;
        }
      }
    }
    tracks.push({
      e, total, counts: controlProgress(rng, e, total, days), marks,
      firstDay: plan.added.has(e.id) ? plan.addedDay : 0,
    });
  });

  // One control regressed for a week (a policy was switched off during a change), then recovered.
  if (days >= 21) {
    const candidates = tracks.filter((t) => t.total === 1 && t.e.maxScore >= 4 && t.firstDay === 0
      && t.counts.every((c) => c === 1) && t.marks.every((m) => m === null));
    if (candidates.length > 0) {
      const victim = rng.pick(candidates);
      const from = days - rng.int(14, Math.min(60, days - 1));
      for (let t = from; t < Math.min(days - 1, from + 7); t++) {
        victim.counts[t] = 0;
      }
    }
  }

  if (ctx.org.trend) {
    shapeTrend(rng.fork('trend'), tracks, ctx.org.trend, days);
  }

  let active = rng.int(172, 186);
  const licenseBump = rng.int(Math.floor(days * 0.3), Math.floor(days * 0.7));
  const snapshots: SecureScore[] = [];
  for (let t = 0; t < days; t++) {
    const at = windowStart + t * DAY;
    active = clamp(active + rng.int(-2, 2), 165, 192);
    const controlScores: ControlScore[] = [];
    let current = 0;
    let max = 0;
    for (const track of tracks) {
      if (t < track.firstDay) {
        continue;
      }
      const { e, total } = track;
      const mark = track.marks[t];
      // Third party and alternate mitigation earn the points; risk accepted (Ignored) earns none.
      const count = mark === 'Ignored' ? 0 : mark ? total : track.counts[t];
      const score = round2((e.maxScore * count) / total);
      current += score;
      max += e.maxScore;
      const description = mark ? MARKED_DESCRIPTIONS[mark]
        : e.unit ? `${count} of ${total} ${UNIT_PHRASES[e.unit]}.`
        : count === total ? 'This setting is configured as recommended.' : 'This setting is not configured as recommended.';
      const controlScore: ControlScore = {
        controlCategory: e.category,
        controlName: e.id,
        description,
        score,
        scoreInPercentage: round2((100 * count) / total),
      };
      // The service reports these extras as strings.
      if (e.unit) {
        Object.assign(controlScore, { count: String(count), total: String(total) });
      }
      controlScores.push(controlScore);
    }
    const drift = t / Math.max(1, days);
    snapshots.push({
      id: `${ctx.tenantId}_${iso(at).slice(0, 10)}`,
      azureTenantId: ctx.tenantId,
      activeUserCount: Math.round((active * ctx.org.users) / PARTNER_ORG.users),
      createdDateTime: iso(at),
      currentScore: round2(current),
      enabledServices: ENABLED_SERVICES.slice(),
      licensedUserCount: t < licenseBump ? ctx.org.licensedBefore : ctx.org.users,
      maxScore: round2(max),
      averageComparativeScores: [
        comparative('AllTenants', 46.2 + drift + rng.float(-0.3, 0.3), {}),
        comparative('TotalSeats', 49.8 + drift + rng.float(-0.3, 0.3), { seatSizeRangeLowerValue: ctx.org.seats[0], seatSizeRangeUpperValue: ctx.org.seats[1] }),
        comparative('IndustryTypes', 53.1 + drift + rng.float(-0.3, 0.3), { categoryValue: ctx.org.industry }),
      ],
      controlScores,
      vendorInformation: vendorInformation(),
    });
  }
  return snapshots.reverse();
}

interface ShapedTrack {
  e: CatalogControl;
  total: number;
  counts: number[];
  marks: (string | null)[];
  firstDay: number;
}

/** Control whose Conditional Access policy a "drop" customer switched off: the cause its score shows. */
export const DROP_CONTROL = 'BlockLegacyAuthentication';
/** Days before today on which that policy was switched off. */
export const DROP_DAYS_AGO = 9;

/**
 * Bends a customer's score into a recognisable shape over the last two months: level (steady),
 * several controls completed one after another (improving), several regressing (declining), or
 * one policy switched off nine days ago (drop).
 */
function shapeTrend(rng: Rng, tracks: ShapedTrack[], trend: NonNullable<Org['trend']>, days: number): void {
  // The last two months start level (what configuration was then), so the trend is the chosen one.
  const window = Math.min(days - 1, 60);
  const from = days - window;
  for (const t of tracks) {
    t.counts.fill(t.counts[from - 1], from);
  }
  const plain = tracks.filter((t) => t.firstDay === 0 && t.marks.every((m) => m === null));
  const set = (t: ShapedTrack, at: number, value: number) => t.counts.fill(value, at);
  if (trend === 'drop') {
    const victim = plain.find((t) => t.e.id === DROP_CONTROL) ?? plain.find((t) => t.total === 1 && t.e.maxScore >= 5);
    if (victim) {
      victim.counts.fill(victim.total);
      set(victim, days - DROP_DAYS_AGO, 0);
    }
    return;
  }
  if (trend === 'steady') {
    return;
  }
  const improving = trend === 'improving';
  const candidates = plain.filter((t) => t.e.maxScore >= 2 && (improving ? t.counts[days - 1] < t.total : t.counts[days - 1] > 0));
  const count = improving ? rng.int(4, 7) : rng.int(3, 5);
  for (const track of rng.sample(candidates, Math.min(candidates.length, count))) {
    set(track, days - rng.int(2, Math.min(28, window - 1)), improving ? track.total : 0);
  }
}

function comparative(basis: string, average: number, extra: Record<string, string>): AverageComparativeScore {
  // Category scores arrive as strings in real responses.
  const part = (share: number) => String(round2(average * share));
  return {
    basis,
    averageScore: round2(average),
    identityScore: part(0.44),
    dataScore: part(0.17),
    deviceScore: part(0.25),
    appsScore: part(0.14),
    ...extra,
  };
}

// ---- Alerts v2 ------------------------------------------------------------------------------

const ALERT_WINDOW = 120 * DAY;
const COVER_SEVERITIES = ['informational', 'low', 'medium', 'high', 'unknown'] as const;
const COVER_STATUSES = ['new', 'inProgress', 'resolved'] as const;

const ID_PREFIX: Record<string, string> = {
  microsoftDefenderForOffice365: 'fa',
  microsoftDefenderForIdentity: 'aa',
  microsoftDefenderForCloudApps: 'ca',
  azureAdIdentityProtection: 'ad',
};

/** Products whose alerts get an automated investigation. */
const AIR_SOURCES = new Set(['microsoftDefenderForEndpoint', 'microsoftDefenderForOffice365']);

const NOT_TRUE_POSITIVE: Record<string, readonly (readonly [string, number])[]> = {
  falsePositive: [['notMalicious', 6], ['notEnoughDataToValidate', 2], ['other', 1]],
  informationalExpectedActivity: [
    ['confirmedActivity', 5], ['securityTesting', 2], ['lineOfBusinessApplication', 2], ['securityPersonnel', 1], ['other', 1],
  ],
};

const TRIAGE_COMMENTS = [
  'Looking into this now.',
  'Contacted the user to confirm the activity.',
  'Checked the sign-in logs; investigating further.',
  'Device isolated pending investigation.',
  'Escalated to the on-call engineer.',
];

const CLOSING_COMMENTS: Record<string, string[]> = {
  truePositive: [
    'Confirmed malicious. Credentials reset and sessions revoked.',
    'Confirmed; file quarantined and the device scanned clean.',
    'True positive. Remediation complete, see incident notes.',
  ],
  falsePositive: ['False positive: the flagged activity came from a legitimate tool.', 'Not malicious after review; tuning requested.'],
  informationalExpectedActivity: [
    'Expected activity: approved penetration test by the Fabrikam red team.',
    'User confirmed the travel; VPN egress in that country.',
    'Line-of-business app behaviour; exclusion requested.',
  ],
};

const ATTACKER_LOCATIONS = [
  ['NG', 'Nigeria'], ['RU', 'Russia'], ['BR', 'Brazil'], ['VN', 'Vietnam'], ['RO', 'Romania'],
  ['NL', 'the Netherlands'], ['US', 'the United States'], ['DE', 'Germany'], ['IN', 'India'], ['CN', 'China'],
] as const;

const MALICIOUS_URLS = [
  'https://login-microsoftonline.example.net/common/oauth2/authorize',
  'http://contoso-partners-sharepoint.example.com/doc/view.php',
  'https://docusign-secure.example.org/envelope/7f3a9c',
  'http://invoice-portal.example.net/pay/INV-20931',
  'https://aka-ms-auth.example.com/login',
  'https://onedrive-share.example.org/s/Q4-report',
];

const OAUTH_APPS = [
  ['PDF Converter Pro', 'PDFTools Ltd'],
  ['MailSync Helper', 'Unverified'],
  ['Contoso Expense Tracker', 'Contoso Advisory Partners'],
  ['Calendar Bridge', 'Unverified'],
] as const;

const SIGNED_BINARIES = new Set(['powershell.exe', 'rundll32.exe']);

export function buildAlerts(rng: Rng, ctx: Context, count: number): SecurityAlert[] {
  const ids = rng.fork('template-ids');
  const detectorIds = ALERT_TEMPLATES.map(() => ids.guid());
  const policyIds = ALERT_TEMPLATES.map(() => ids.guid());
  const sources = [...new Set(ALERT_TEMPLATES.map((t) => t.serviceSource))];
  const weightedTemplates = ALERT_TEMPLATES.map((t, i) => [i, t.weight] as const);

  const drafts: { alert: SecurityAlert; created: number }[] = [];
  for (let i = 0; i < count; i++) {
    // The first few alerts are steered so every source, severity and status occurs even in small samples.
    const index = i < sources.length
      ? rng.weighted(weightedTemplates.filter(([j]) => ALERT_TEMPLATES[j].serviceSource === sources[i]))
      : rng.weighted(weightedTemplates);
    const template = ALERT_TEMPLATES[index];
    const alert = buildAlert(rng, ctx, template, {
      detectorId: detectorIds[index],
      policyId: template.policy ? policyIds[index] : null,
      severity: i < COVER_SEVERITIES.length ? COVER_SEVERITIES[i] : undefined,
      status: i < COVER_STATUSES.length ? COVER_STATUSES[i] : undefined,
    });
    drafts.push({ alert, created: Date.parse(alert.createdDateTime) });
  }

  // Incidents are numbered in time order; alerts close together often share one.
  drafts.sort((a, b) => a.created - b.created);
  let incident = rng.int(2000, 6000);
  let previous = -Infinity;
  for (const { alert, created } of drafts) {
    if (!(created - previous < 4 * HOUR && rng.chance(0.3))) {
      incident += rng.int(1, 3);
    }
    previous = created;
    alert.incidentId = String(incident);
    alert.incidentWebUrl = `https://security.microsoft.com/incidents/${incident}?tid=${ctx.tenantId}`;
  }
  return drafts.reverse().map((d) => d.alert);
}

interface AlertOverrides {
  detectorId: string;
  policyId: string | null;
  severity?: string;
  status?: string;
}

function buildAlert(rng: Rng, ctx: Context, template: AlertTemplate, o: AlertOverrides): SecurityAlert {
  // Recent alerts are denser: age = window × u^1.5.
  const age = Math.max(3 * MINUTE, Math.floor(ALERT_WINDOW * rng.next() ** 1.5));
  const created = ctx.now - age;
  const ageDays = age / DAY;
  const status = o.status ?? rng.weighted(
    ageDays < 1 ? [['new', 55], ['inProgress', 25], ['resolved', 20]] as const
      : ageDays < 7 ? [['new', 30], ['inProgress', 25], ['resolved', 45]] as const
      : ageDays < 30 ? [['new', 10], ['inProgress', 12], ['resolved', 78]] as const
      : [['new', 4], ['inProgress', 4], ['resolved', 92]] as const,
  );
  const severity = o.severity ?? rng.weighted(template.severities);

  let classification: string | null = 'unknown';
  let determination: string | null = 'unknown';
  if (status === 'resolved') {
    classification = rng.weighted([['truePositive', 40], ['falsePositive', 20], ['informationalExpectedActivity', 40]] as const);
  } else if (status === 'inProgress' && rng.chance(0.15)) {
    classification = 'truePositive';
  } else if (rng.chance(0.2)) {
    classification = null;
    determination = null;
  }
  if (classification === 'truePositive') {
    determination = rng.weighted(template.truePositive.map((d, i) => [d, template.truePositive.length - i] as const));
  } else if (classification && NOT_TRUE_POSITIVE[classification]) {
    determination = rng.weighted(NOT_TRUE_POSITIVE[classification]);
  }

  const firstActivity = created - rng.int(1, 120) * MINUTE;
  const lastActivity = firstActivity + Math.floor((created - firstActivity) * rng.float(0.3, 1));
  let resolved: number | null = null;
  let lastUpdate: number;
  if (status === 'resolved') {
    const delay = Math.exp(rng.float(Math.log(10 * MINUTE), Math.log(5 * DAY)));
    resolved = created + Math.floor(Math.min(delay, age - MINUTE));
    lastUpdate = resolved;
  } else if (status === 'inProgress') {
    lastUpdate = created + Math.floor(age * rng.float(0.05, 0.9));
  } else {
    lastUpdate = created + Math.min(age - 1000, rng.int(1, 30) * MINUTE);
  }

  const staff = ctx.dir.staff;
  const analyst = () => rng.weighted([[staff[1], 4], [staff[2], 4], [staff[3], 3], [staff[0], 1]] as const).upn;
  const assignedTo = rng.chance(status === 'resolved' ? 0.85 : status === 'inProgress' ? 0.95 : 0.08) ? analyst() : null;

  const comments: AlertComment[] = [];
  if (rng.chance(status === 'resolved' ? 0.45 : status === 'inProgress' ? 0.55 : 0.05)) {
    const n = rng.int(1, 3);
    for (let c = 0; c < n; c++) {
      const closing = status === 'resolved' && c === n - 1 && classification !== null;
      comments.push({
        comment: closing ? rng.pick(CLOSING_COMMENTS[classification!]) : rng.pick(TRIAGE_COMMENTS),
        createdByDisplayName: assignedTo ?? analyst(),
        createdDateTime: iso(closing ? lastUpdate : created + Math.floor(((lastUpdate - created) * (c + 1)) / (n + 1))),
      });
    }
  }

  const user = rng.pick(ctx.dir.users);
  const device = rng.pick(ctx.dir.devices);
  const [countryCode, country] = rng.pick(ATTACKER_LOCATIONS);
  const ip = `${rng.pick(['203.0.113', '198.51.100', '192.0.2'])}.${rng.int(1, 254)}`;
  const url = rng.pick(MALICIOUS_URLS);
  const fileName = template.fileName ?? rng.pick(['setup_x64.exe', 'update_helper.exe', 'Q3_report.xlsm', 'payload.ps1']);
  const description = template.description
    .replace('{user}', user.displayName).replace('{device}', device.hostName).replace('{ip}', ip)
    .replace('{country}', country).replace('{count}', String(rng.int(3, 180))).replace('{url}', url);

  const truePositive = classification === 'truePositive';
  const cleared = classification === 'falsePositive' || classification === 'informationalExpectedActivity';
  const verdict = truePositive ? 'malicious' : cleared ? 'noThreatsFound' : 'suspicious';
  const evidence = template.evidence.map((kind) => buildEvidence(rng, kind, {
    createdDateTime: iso(created), verdict, remediated: truePositive && status === 'resolved',
    user, device, ip, countryCode, url, fileName, org: ctx.org,
  }));

  const id = alertId(rng, template.serviceSource, created);
  const investigationState = AIR_SOURCES.has(template.serviceSource)
    ? rng.weighted(
      status === 'new' ? [['running', 4], ['pendingApproval', 2], ['queued', 1], ['unsupportedAlertType', 3]] as const
        : status === 'inProgress' ? [['pendingApproval', 4], ['running', 3], ['partiallyInvestigated', 3]] as const
        : truePositive ? [['successfullyRemediated', 6], ['partiallyRemediated', 2], ['terminatedByUser', 2]] as const
        : [['benign', 6], ['terminatedBySystem', 2], ['unsupportedAlertType', 2]] as const)
    : ['microsoftDefenderForCloud', 'microsoftSentinel'].includes(template.serviceSource) ? null : 'unsupportedAlertType';

  return {
    '@odata.type': '#microsoft.graph.security.alert',
    id,
    providerAlertId: ID_PREFIX[template.serviceSource] ? id.slice(2) : id,
    incidentId: null,
    tenantId: ctx.tenantId,
    status,
    severity,
    classification,
    determination,
    serviceSource: template.serviceSource,
    detectionSource: rng.weighted(template.detectionSources),
    productName: template.productName,
    detectorId: o.detectorId,
    alertPolicyId: o.policyId,
    investigationState,
    title: template.title,
    description,
    recommendedActions: template.recommendedActions,
    category: template.category,
    assignedTo,
    alertWebUrl: `https://security.microsoft.com/alerts/${id}?tid=${ctx.tenantId}`,
    incidentWebUrl: null,
    actorDisplayName: determination === 'apt' ? rng.pick(['Midnight Blizzard', 'Octo Tempest', 'Storm-0501']) : null,
    threatDisplayName: template.threatDisplayName ?? (template.serviceSource === 'microsoftDefenderForOffice365' && truePositive ? 'Phish' : null),
    threatFamilyName: template.threatFamilyName ?? null,
    mitreTechniques: template.mitreTechniques.slice(),
    createdDateTime: iso(created),
    lastUpdateDateTime: iso(lastUpdate),
    firstActivityDateTime: iso(firstActivity),
    lastActivityDateTime: iso(lastActivity),
    resolvedDateTime: resolved === null ? null : iso(resolved),
    comments,
    evidence,
    systemTags: severity === 'high' && template.serviceSource === 'microsoftDefenderForEndpoint' && rng.chance(0.1) ? ['Defender Experts'] : [],
    additionalData: {},
  };
}

/** Ids shaped like the real ones: MDE `da{ticks}_{int32}`, two-letter product prefix + GUID, or a GUID. */
function alertId(rng: Rng, serviceSource: string, created: number): string {
  if (serviceSource === 'microsoftDefenderForEndpoint') {
    const ticks = BigInt(created) * 10000n + 621355968000000000n + BigInt(rng.int(0, 9999));
    return `da${ticks}_${rng.int(-2147483648, 2147483647)}`;
  }
  return (ID_PREFIX[serviceSource] ?? '') + rng.guid();
}

interface EvidenceInput {
  createdDateTime: string;
  verdict: string;
  remediated: boolean;
  user: Person;
  device: Device;
  ip: string;
  countryCode: string;
  url: string;
  fileName: string;
  org: Org;
}

function buildEvidence(rng: Rng, kind: EvidenceKind, x: EvidenceInput): AlertEvidence {
  const base = (type: string, roles: string[], remediationStatus = 'none'): AlertEvidence => ({
    '@odata.type': `#microsoft.graph.security.${type}`,
    createdDateTime: x.createdDateTime,
    verdict: x.verdict,
    remediationStatus,
    remediationStatusDetails: null,
    roles,
    detailedRoles: [],
    tags: [],
  });
  const userAccount = (p: Person) => ({
    accountName: p.accountName, domainName: x.org.netbios, userSid: p.sid, azureAdUserId: p.aadId,
    userPrincipalName: p.upn, displayName: p.displayName,
  });
  switch (kind) {
    case 'device': {
      const d = x.device;
      return Object.assign(base('deviceEvidence', x.verdict === 'malicious' ? ['compromised'] : []), {
        mdeDeviceId: d.mdeDeviceId, azureAdDeviceId: d.aadDeviceId, deviceDnsName: `${d.hostName.toLowerCase()}.${x.org.domain}`,
        hostName: d.hostName, osPlatform: d.osPlatform, osBuild: d.osBuild, healthStatus: 'active',
        riskScore: x.verdict === 'malicious' ? 'high' : rng.pick(['low', 'medium']), onboardingStatus: 'onboarded',
        ipInterfaces: [d.ip], loggedOnUsers: [{ accountName: d.user.accountName, domainName: x.org.netbios }], vmMetadata: null,
      });
    }
    case 'user':
      return Object.assign(base('userEvidence', []), { userAccount: userAccount(x.user) });
    case 'mailbox':
      return Object.assign(base('mailboxEvidence', ['contextual']), {
        displayName: x.user.displayName, primaryAddress: x.user.upn, upn: x.user.upn, userAccount: userAccount(x.user),
      });
    case 'file': {
      const signed = SIGNED_BINARIES.has(x.fileName);
      const folder = signed ? 'C:\\Windows\\System32' : `C:\\Users\\${x.user.accountName}\\Downloads`;
      return Object.assign(base('fileEvidence', signed ? [] : ['source'], x.remediated && !signed ? 'remediated' : 'none'), {
        fileDetails: {
          sha1: rng.hex(40), sha256: rng.hex(64), fileName: x.fileName, filePath: folder, fileSize: rng.int(20_000, 4_000_000),
          filePublisher: signed ? 'Microsoft Corporation' : null,
          signer: signed ? 'Microsoft Windows' : null,
          issuer: signed ? 'Microsoft Windows Production PCA 2011' : null,
        },
        detectionStatus: x.remediated ? 'prevented' : 'detected',
        mdeDeviceId: x.device.mdeDeviceId,
      });
    }
    case 'url':
      return Object.assign(base('urlEvidence', ['attacker'], x.remediated ? 'blocked' : 'none'), { url: x.url });
    case 'ip':
      return Object.assign(base('ipEvidence', ['attacker']), { ipAddress: x.ip, countryLetterCode: x.countryCode });
    case 'oauthApp': {
      const [displayName, publisher] = rng.pick(OAUTH_APPS);
      return Object.assign(base('oauthApplicationEvidence', ['contextual']), { appId: rng.guid(), displayName, objectId: rng.guid(), publisher });
    }
  }
}
