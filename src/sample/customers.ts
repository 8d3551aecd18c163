// One sample customer's own tenant (Secure Score, improvement actions, alerts), generated only
// when something first asks for it, from its spec (relationships.ts), so 1,000 customers cost
// nothing until read.

import { CONTROL_CATALOG } from './catalog';
import type { SampleCustomerSpec, TenantDataset } from './dataset';
import { buildAlerts, buildDirectory, buildSecureScores, planControls, type Context, type Org } from './generator';
import { Rng } from './random';

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

function seatRange(users: number): [string, string] {
  const ranges: [number, number][] = [[1, 9], [10, 49], [50, 99], [100, 499], [500, 999], [1000, 4999], [5000, 9999]];
  const [lower, upper] = ranges.find(([, hi]) => users <= hi) ?? [10000, 99999];
  return [String(lower), String(upper)];
}

/**
 * One customer's tenant, as the partner's `now` sees it: 90 days of Secure Score shaped by its
 * trend, the control catalogue with its own state marks, and alerts in proportion to its size.
 * The same spec always gives the same tenant.
 */
export function generateCustomerTenant(spec: SampleCustomerSpec, now: number): TenantDataset {
  const rng = new Rng(spec.seed);
  // Directory size is capped: evidence needs people and devices, not every seat.
  const people = Math.max(8, Math.min(spec.users, 60));
  const letters = spec.name.replace(/[^A-Za-z]/g, '').toUpperCase();
  const org: Org = {
    domain: spec.domain,
    netbios: letters.slice(0, 15) || 'CUSTOMER',
    prefix: letters.slice(0, 3) || 'CUS',
    users: people,
    devices: Math.max(8, Math.min(Math.round(people * 0.8), 40)),
    admins: Math.max(1, Math.min(8, 1 + Math.round(Math.log10(spec.users) * 1.5))),
    mailboxes: Math.max(1, Math.round(people * 0.95)),
    licensedBefore: Math.max(1, people - rng.int(0, 5)),
    industry: spec.industry,
    seats: seatRange(spec.users),
    trend: spec.trend,
  };
  const ctx: Context = { tenantId: spec.tenantId, now, today: Math.floor(now / DAY) * DAY, org, dir: buildDirectory(rng.fork('directory'), org) };
  const empty = spec.case === 'noSecureScore';
  const controls = planControls(rng.fork('controls'), ctx, CONTROL_CATALOG.length, 90);
  const alertCount = Math.max(3, Math.min(80, Math.round(spec.users / 25) + rng.int(2, 12)));
  return {
    tenantId: spec.tenantId,
    displayName: spec.name,
    domain: spec.domain,
    signedInUser: ctx.dir.staff[0].upn,
    now: iso(now),
    isPartner: false,
    partnerScore: { id: '', currentScore: 0, maxScore: 0, lastRefreshDateTime: iso(now), updatedDateTime: null },
    partnerRequirements: [],
    partnerHistory: [],
    customerInsights: [],
    customerNames: {},
    partnerAlerts: [],
    // A tenant with no Secure Score yet (new, or no licences that have one) answers empty lists.
    secureScores: empty ? [] : buildSecureScores(rng.fork('secure-scores'), ctx, controls, 90),
    controlProfiles: empty ? [] : controls.profiles,
    alerts: buildAlerts(rng.fork('alerts'), ctx, alertCount),
  };
}
