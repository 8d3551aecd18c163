// The sample partner's customers as the partner tenant sees them: GDAP relationships and
// contracts, and a small spec per customer tenant from which customers.ts generates that tenant
// on first request. Cheap: 1,000 customers cost a few milliseconds here.

import type { Contract, DelegatedAdminRelationship } from '../graph/types';
import { ENTRA_ROLES } from '../graph/roles';
import type { SampleCustomerCase, SampleCustomerSpec } from './dataset';
import { Rng, hashLabel } from './random';

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * One customer of each case first (in this order, on shuffled customers), so even 36 customers
 * show every reason a portfolio can give; the rest can be read.
 */
export const SPECIAL_CASES: readonly SampleCustomerCase[] = [
  'securityAdministrator', 'securityReader', 'globalReader', 'noSecurityRole', 'expired', 'endingSoon',
  'noRelationship', 'consentMissing', 'conditionalAccess', 'throttled', 'noSecureScore',
];

/** Days until the "ending soon" customer's relationship ends. */
export const ENDING_SOON_DAYS = 12;
/** Retry-After (seconds) the throttled customer's tenant answers with. */
export const THROTTLED_RETRY_AFTER_S = 600;

const INDUSTRIES: readonly [RegExp, string][] = [
  [/dental|medicine|orthodont|therapy|dermatolog|eye care|pediatric|pharmacy|veterinary|clinic/i, 'healthcare'],
  [/legal|law/i, 'legal'],
  [/accounting|capital|credit union|wealth|insurance/i, 'financialServices'],
  [/construction|plumbing|electric|landscaping|surveying/i, 'construction'],
  [/manufactur|tool|machining|plastics|textiles|brewing|winery|foods|bakery/i, 'manufacturing'],
  [/logistics|trucking|freight|warehous|travel/i, 'transportation'],
  [/academy|school/i, 'education'],
  [/hotels|catering|fitness/i, 'hospitality'],
  [/realty|property/i, 'realEstate'],
];

function industryOf(name: string): string {
  return INDUSTRIES.find(([pattern]) => pattern.test(name))?.[1] ?? 'professionalServices';
}

function slug(name: string): string {
  return name.toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** A GDAP relationship id looks like two GUIDs joined by a dash. */
function relationshipId(rng: Rng): string {
  return `${rng.guid()}-${rng.guid()}`;
}

const ROLES_BY_CASE: Partial<Record<SampleCustomerCase, string[]>> = {
  securityAdministrator: [ENTRA_ROLES.securityAdministrator.id, ENTRA_ROLES.securityReader.id, ENTRA_ROLES.userAdministrator.id],
  securityReader: [ENTRA_ROLES.securityReader.id, ENTRA_ROLES.helpdeskAdministrator.id],
  globalReader: [ENTRA_ROLES.globalReader.id],
  noSecurityRole: [ENTRA_ROLES.userAdministrator.id, ENTRA_ROLES.helpdeskAdministrator.id],
  expired: [ENTRA_ROLES.securityReader.id, ENTRA_ROLES.securityAdministrator.id],
  endingSoon: [ENTRA_ROLES.securityReader.id],
};

export interface PortfolioData {
  delegatedAdminRelationships: DelegatedAdminRelationship[];
  contracts: Contract[];
  customerTenants: SampleCustomerSpec[];
}

/** Relationships, contracts and tenant specs for the partner's customers (the partner's "now"). */
export function buildPortfolio(rng: Rng, now: number, customers: { tenantId: string; name: string; users: number }[]): PortfolioData {
  const order = rng.shuffle(customers.map((_, i) => i));
  const cases = new Array<SampleCustomerCase>(customers.length);
  const rankOf = new Array<number>(customers.length);
  order.forEach((index, rank) => {
    rankOf[index] = rank;
    cases[index] = rank < SPECIAL_CASES.length ? SPECIAL_CASES[rank]
      : rng.weighted([['securityAdministrator', 45], ['securityReader', 40], ['globalReader', 15]] as const);
  });
  const relationships: DelegatedAdminRelationship[] = [];
  const contracts: Contract[] = [];
  const specs: SampleCustomerSpec[] = [];
  // The first readable customer also has an older, expired relationship: customers are grouped by tenant.
  const twoRelationships = order.find((i) => cases[i] === 'securityReader');

  customers.forEach((customer, i) => {
    const c = cases[i];
    const trend = c === 'securityAdministrator' && rankOf[i] === 0 ? 'drop'
      : c === 'securityReader' && rankOf[i] === 1 ? 'improving'
      : rng.weighted([['improving', 35], ['steady', 30], ['declining', 15], ['drop', 20]] as const);
    const domain = `${slug(customer.name)}.example`;
    specs.push({
      tenantId: customer.tenantId, name: customer.name, domain, seed: hashLabel(customer.tenantId, rng.seed),
      industry: industryOf(customer.name), users: customer.users, trend, case: c,
    });
    contracts.push({
      '@odata.type': '#microsoft.graph.contract',
      id: rng.guid(),
      contractType: rng.weighted([['ResellerPartner', 8], ['SyndicationPartner', 1], ['BreadthPartner', 1]] as const),
      customerId: customer.tenantId,
      defaultDomainName: domain,
      displayName: customer.name,
      deletedDateTime: null,
    });
    if (c === 'noRelationship') {
      return;
    }
    const roles = ROLES_BY_CASE[c] ?? [ENTRA_ROLES.securityAdministrator.id, ENTRA_ROLES.securityReader.id];
    const days = rng.pick([365, 730]);
    let end: number;
    let status = 'active';
    let autoExtend = rng.pick(['P180D', 'PT0S']);
    if (c === 'expired') {
      end = now - rng.int(5, 60) * DAY;
      status = 'expired';
      autoExtend = 'PT0S';
    } else if (c === 'endingSoon') {
      end = now + ENDING_SOON_DAYS * DAY - 3_600_000;
      autoExtend = 'PT0S';
    } else {
      end = now + rng.int(60, days - 30) * DAY;
    }
    const created = end - days * DAY - rng.int(1, 3) * DAY;
    const relationship = (id: string, start: number, stop: number, state: string, unified: string[], extend: string): DelegatedAdminRelationship => ({
      '@odata.type': '#microsoft.graph.delegatedAdminRelationship',
      id,
      displayName: `Contoso Advisory ${state === 'expired' ? 'legacy ' : ''}security access ${new Date(start).getUTCFullYear()}`,
      duration: `P${days}D`,
      customer: { tenantId: customer.tenantId, displayName: customer.name },
      accessDetails: { unifiedRoles: unified.map((roleDefinitionId) => ({ roleDefinitionId })) },
      status: state,
      autoExtendDuration: extend,
      createdDateTime: iso(start),
      activatedDateTime: iso(start + DAY),
      lastModifiedDateTime: iso(state === 'expired' ? stop : start + DAY),
      endDateTime: iso(stop),
    });
    if (i === twoRelationships) {
      relationships.push(relationship(relationshipId(rng), created - 400 * DAY, created - 5 * DAY, 'expired', [ENTRA_ROLES.globalAdministrator.id], 'PT0S'));
    }
    relationships.push(relationship(relationshipId(rng), created, end, status, roles, autoExtend));
  });
  // Graph lists relationships in no documented order; a stable shuffle keeps paging honest.
  return { delegatedAdminRelationships: rng.shuffle(relationships), contracts, customerTenants: specs };
}

/** The Entra error a token request for this customer's tenant gets, if any (sample and emulator alike). */
export function signInRefusal(spec: SampleCustomerSpec): 'consentMissing' | 'conditionalAccess' | undefined {
  return spec.case === 'consentMissing' || spec.case === 'conditionalAccess' ? spec.case : undefined;
}

