// The prompts of the actions across customers, through the UI port: one improvement action's state
// in many customers, and alert triage across customers picked by the alert filter language. Each
// customer is reached through a client for its tenant alone; customers whose GDAP role cannot write
// are listed in the preview with the reason and never sent anything. The preview is per tenant and
// per item, the report is grouped by tenant, and "Retry Failed" redoes only the failed items of the
// tenants that had them. No `vscode` import: tested in Node against the HTTPS emulator.
import { errorFromException, PostureError, type ApiArea } from '../graph/errors';
import type { GraphService } from '../graph/client';
import type { SecurityApi } from '../graph/security';
import type { SecureScoreControlProfile, SecurityAlert } from '../graph/types';
import { markError, parseAlertQuery, QuerySyntaxError, type AlertQuery } from '../model/alertQuery';
import {
  acrossReportMarkdown, acrossTenants, allResults, failedByTenant, summarizeAcross, writeRefusal,
  type AcrossOptions, type TenantOutcome, type TenantRef, type TenantSkip, type WritableCustomer,
} from '../model/crossTenant';
import { controlStateName, safeLabel, severityName } from '../model/format';
import {
  controlRefusal, currentControlState, describeDiffs, previewAlertChanges,
  type AlertChange, type AlertPreview, type ControlStateChange, type ItemResult,
} from '../model/updates';
import { checkAlertChange, retryAlertUpdates, setControlStates, updateAlerts, type WriteTarget } from '../model/writeFlow';
import { scanAlerts } from '../tools/alertScan';
import { cancel, required, type Choice, type Ui } from './ui';
import { askAlertAction, askAlertChange, askControlChange, tell } from './updateFlows';

/** One customer as a cross-tenant action reaches it: a Graph client, reads and writes for its tenant only. */
export interface CustomerTenant {
  tenant: TenantRef;
  graph: GraphService;
  security: Pick<SecurityApi, 'alertsPage' | 'alertsNext'>;
  target: WriteTarget;
}

export interface CustomerPort {
  /** A customer's own client for this action; throws when this sign-in cannot reach customers. */
  open(customer: TenantRef): CustomerTenant;
  /** Customers in flight at once. */
  maxInFlight: number;
  now?: () => Date;
}

/** Customers nothing may be sent to (read-only role), and the ones that may be written. */
function splitWritable(customers: WritableCustomer[]): { writable: WritableCustomer[]; skipped: TenantSkip[] } {
  const skipped = customers.flatMap(c => {
    const reason = writeRefusal(c);
    return reason ? [{ tenant: ref(c), reason }] : [];
  });
  const writable = customers.filter(c => !writeRefusal(c));
  if (writable.length === 0) {
    throw new PostureError('forbidden', `Nothing was changed: none of the ${customers.length} customer${customers.length === 1 ? '' : 's'} can be changed. ${skipped[0]?.reason ?? ''}`.trim());
  }
  return { writable, skipped };
}

const ref = (c: TenantRef): TenantRef => ({ tenantId: c.tenantId, name: c.name || c.tenantId });
/** Why a customer of the preview was sent nothing: the user unchecked all it had to change. */
const UNCHECKED = 'Unchecked in the preview.';
const tenantLabel = (t: TenantRef) => safeLabel(t.name || t.tenantId, 80);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The customers not written, as unchecked rows under their own heading: checking one changes nothing. */
function skippedChoices<T>(skipped: TenantSkip[], value: T): Choice<T>[] {
  return skipped.map(s => ({ label: tenantLabel(s.tenant), description: 'not changed', detail: safeLabel(s.reason, 300), picked: false, group: 'Not changed', value }));
}

/**
 * Reads what each customer has to change, side by side under the limit; a customer that cannot be
 * read is left out with the reason (its items are not previewed, so nothing is sent to it).
 */
async function readEach<T>(ui: Ui, port: CustomerPort, customers: WritableCustomer[], title: string,
  read: (c: CustomerTenant, signal?: AbortSignal) => Promise<T>): Promise<{ read: { customer: CustomerTenant; value: T }[]; skipped: TenantSkip[] }> {
  const done: { customer: CustomerTenant; value: T }[] = [];
  const skipped: TenantSkip[] = [];
  await ui.progress(title, true, signal => acrossTenants(customers.map(c => ({ tenant: ref(c) })), async (item, s) => {
    try {
      const customer = askingOnce(port.open(item.tenant));
      done.push({ customer, value: await read(customer, s) });
    } catch (raw) {
      const error = errorFromException(raw);
      if (error.kind === 'canceled') {
        throw error;
      }
      skipped.push({ tenant: item.tenant, reason: `Could not be read: ${error.message}` });
    }
    return [];
  }, () => [], { maxInFlight: port.maxInFlight, signal }));
  const order = (t: TenantRef) => customers.findIndex(c => c.tenantId === t.tenantId);
  done.sort((a, b) => order(a.customer.tenant) - order(b.customer.tenant));
  return { read: done, skipped };
}

/** A customer whose write permission, once granted for an area, is not asked for again (a retry, the write after the ask). */
function askingOnce(customer: CustomerTenant): CustomerTenant {
  const granted = new Set<ApiArea>();
  const ask = customer.target.ensureWriteAccess;
  return {
    ...customer,
    target: {
      ...customer.target,
      ensureWriteAccess: async (area, why) => {
        if (!granted.has(area)) {
          await ask(area, why);
          granted.add(area);
        }
      },
    },
  };
}

/**
 * Asks each customer for the write permission one after another, before any write: a sign-in per
 * tenant may prompt, and prompts must not pile up. A customer that refuses gets its items failed
 * with the reason and is sent nothing; the others are written side by side.
 */
async function writeEach<W extends { tenant: TenantRef; customer: CustomerTenant }, T>(work: W[], area: ApiArea, why: string,
  run: (item: W, signal?: AbortSignal) => Promise<ItemResult<T>[]>, failAll: (item: W, reason: string) => ItemResult<T>[], options: AcrossOptions): Promise<TenantOutcome<T>[]> {
  const refused = new Map<W, string>();
  for (const w of work) {
    try {
      await w.customer.target.ensureWriteAccess(area, why);
    } catch (raw) {
      const error = errorFromException(raw);
      if (error.kind === 'canceled') {
        throw error;
      }
      refused.set(w, error.message);
    }
  }
  const written = await acrossTenants(work.filter(w => !refused.has(w)), run, failAll, options);
  return work.map(w => (refused.has(w) ? { tenant: w.tenant, results: failAll(w, refused.get(w)!) } : written.find(o => o.tenant === w.tenant)!));
}

function tellAcross<T>(ui: Ui, what: string, outcomes: TenantOutcome<T>[], skipped: TenantSkip[], retry: (failed: { tenant: TenantRef; ids: string[] }[]) => Promise<void>): void {
  tell(ui, what, allResults(outcomes), async () => retry(failedByTenant(outcomes)), {
    summary: summarizeAcross(outcomes) + (skipped.length ? `; ${plural(skipped.length, 'customer')} not changed` : ''),
    report: () => acrossReportMarkdown(what, outcomes, skipped, new Date()),
  });
}

// ---- One improvement action in many customers --------------------------------------------------

interface ControlRow {
  customer: CustomerTenant;
  profile: SecureScoreControlProfile;
}

/**
 * Sets one improvement action's state in many customers: each customer's profile read from its
 * own tenant, the change asked once (with the single-tenant flow's comment rules), a preview per
 * customer, writes side by side, the report by customer and "Retry Failed".
 */
export async function setControlStateAcrossFlow(ui: Ui, port: CustomerPort, customers: WritableCustomer[], control: { id: string; title?: string },
  previous?: ControlStateChange): Promise<{ change: ControlStateChange; outcomes: TenantOutcome<SecureScoreControlProfile>[] }> {
  const refusal = controlRefusal({ id: control.id, title: control.title ?? control.id });
  if (refusal) {
    throw new PostureError('badRequest', refusal);
  }
  const { writable, skipped } = splitWritable(customers);
  const reading = await readEach(ui, port, writable, `Reading "${safeLabel(control.title ?? control.id, 60)}" in ${plural(writable.length, 'customer')}`, async (c, signal) => {
    try {
      return (await c.graph.get<SecureScoreControlProfile>(`/security/secureScoreControlProfiles/${encodeURIComponent(control.id)}`, { area: 'controls', signal })).data;
    } catch (raw) {
      const error = errorFromException(raw);
      throw error.kind === 'notFound'
        ? new PostureError('notFound', `the tenant has no improvement action "${safeLabel(control.id, 80)}" (no Secure Score data yet, or not offered for its licences).`)
        : error;
    }
  });
  skipped.push(...reading.skipped);
  const rows: ControlRow[] = reading.read.filter(r => r.value?.id).map(r => ({ customer: r.customer, profile: r.value }));
  if (rows.length === 0) {
    throw new PostureError('notFound', `Nothing was changed: no customer could be read. ${skipped.map(s => `${tenantLabel(s.tenant)}: ${s.reason}`).join(' ')}`);
  }
  const change = await askControlChange(ui, [rows[0].profile], previous, rows.length);
  const to = controlStateName(change.state);
  const picked = await required(ui.pickMany<ControlRow | undefined>([
    ...rows.map(r => {
      const from = controlStateName(currentControlState(r.profile));
      return {
        label: safeLabel(r.profile.title || r.profile.id, 120), description: `${from} → ${to}`, detail: safeLabel(r.profile.id, 80),
        picked: true, group: tenantLabel(r.customer.tenant), value: r,
      };
    }),
    ...skippedChoices<ControlRow | undefined>(skipped, undefined),
  ], { title: `Preview: "${safeLabel(rows[0].profile.title || control.id, 60)}" → ${to} in ${plural(rows.length, 'customer')}${skipped.length ? `, ${skipped.length} not changed` : ''} — Enter applies to the checked ones` }));
  const chosen = rows.filter(r => picked.includes(r));
  if (chosen.length === 0) {
    cancel();
  }
  // The report names every customer of the preview: one left out by the user is "not changed" too.
  skipped.push(...rows.filter(r => !chosen.includes(r)).map(r => ({ tenant: r.customer.tenant, reason: UNCHECKED })));
  const run = async (work: ControlRow[]) => ui.progress(`Setting "${safeLabel(rows[0].profile.title || control.id, 60)}" to ${to} in ${plural(work.length, 'customer')}`, true,
    signal => writeEach(work.map(w => ({ ...w, tenant: w.customer.tenant })), 'controls', 'Changing the state of improvement actions.',
      (w, s) => setControlStates(w.customer.target, [w.profile], change, s),
      (w, reason) => [{ id: w.profile.id, title: w.profile.title || w.profile.id, outcome: 'failed', reason }], { maxInFlight: port.maxInFlight, signal }));
  const what = `Set state to ${to} in customers`;
  const report = (outcomes: TenantOutcome<SecureScoreControlProfile>[], notChanged: TenantSkip[]) => tellAcross(ui, what, outcomes, notChanged, async failed => {
    const again = chosen.filter(r => failed.some(f => f.tenant.tenantId === r.customer.tenant.tenantId));
    report(await run(again), []);
  });
  const outcomes = await run(chosen);
  report(outcomes, skipped);
  return { change, outcomes };
}

// ---- Alerts across customers -------------------------------------------------------------------

const WHY_ALERTS = 'Updating security alerts.';

interface AlertRows {
  customer: CustomerTenant;
  alerts: SecurityAlert[];
}

type AlertPick = { customer: CustomerTenant; preview: AlertPreview } | undefined;

/** Asks for the filter (the Query Alerts language), refusing text that does not parse, with the bad part marked. */
export async function askAlertFilter(ui: Ui, now: Date, me: string | undefined, previous?: string): Promise<AlertQuery> {
  const parse = (text: string) => parseAlertQuery(text, { now, me });
  const text = await required(ui.input({
    title: 'Update Alerts in Customers: which alerts?',
    prompt: 'A filter, as in Query Alerts (e.g. status:new severity:high, title:"impossible travel"); read in each customer',
    value: previous ?? 'status:new',
    validate: t => {
      if (!t.trim()) {
        return 'Enter a filter: an empty one would change every alert of every customer.';
      }
      try {
        parse(t);
        return undefined;
      } catch (error) {
        return error instanceof QuerySyntaxError ? `${error.message} ${markError(t, error.span)}` : String(error);
      }
    },
  }));
  return parse(text);
}

/**
 * Bulk alert triage across customers: the alerts matching the filter read in each customer, one
 * change asked (the single-tenant flow's valid pairs), the preview per customer and alert, writes
 * side by side (a comment is added once), the report by customer and "Retry Failed" (reads the
 * failed alerts back first, so a comment that landed is not sent again).
 */
export async function updateAlertsAcrossFlow(ui: Ui, port: CustomerPort, customers: WritableCustomer[],
  context: { me?: string; previous?: AlertChange; previousFilter?: string; filter?: string; action?: Parameters<typeof askAlertChange>[1] } = {},
): Promise<{ change: AlertChange; filter: string; outcomes: TenantOutcome<SecurityAlert>[] }> {
  const now = port.now ?? (() => new Date());
  const { writable, skipped } = splitWritable(customers);
  const query = context.filter !== undefined ? parseAlertQuery(context.filter, { now: now(), me: context.me }) : await askAlertFilter(ui, now(), context.me, context.previousFilter);
  const reading = await readEach(ui, port, writable, `Reading alerts in ${plural(writable.length, 'customer')}`, async (c, signal) => {
    const scan = await scanAlerts(c.security, query, now, signal);
    return scan.matched;
  });
  skipped.push(...reading.skipped);
  const rows: AlertRows[] = [];
  for (const r of reading.read) {
    if (r.value.length) {
      rows.push({ customer: r.customer, alerts: r.value });
    } else {
      skipped.push({ tenant: r.customer.tenant, reason: `No alert matches "${query.text}".` });
    }
  }
  if (rows.length === 0) {
    throw new PostureError('notFound', `Nothing was changed: no alert matches "${safeLabel(query.text, 100)}" in the ${plural(writable.length, 'customer')} that can be changed.`);
  }
  const all = rows.flatMap(r => r.alerts);
  const action = context.action ?? await askAlertAction(ui, all.length);
  const change = await askAlertChange(ui, action, all, { me: context.me, previous: context.previous });
  checkAlertChange(change);
  const previews = rows.map(r => ({ customer: r.customer, previews: previewAlertChanges(r.alerts, change) }));
  const changing = previews.reduce((n, p) => n + p.previews.filter(x => !x.unchanged).length, 0);
  const picked = await required(ui.pickMany<AlertPick>([
    ...previews.flatMap(p => p.previews.map(preview => ({
      label: safeLabel(preview.alert.title, 120), description: `${severityName(preview.alert.severity)} · ${safeLabel(preview.alert.id, 60)}`,
      detail: preview.unchanged ? 'no change: already so' : safeLabel(describeDiffs(preview.diffs), 300), picked: !preview.unchanged,
      group: tenantLabel(p.customer.tenant), value: { customer: p.customer, preview },
    }))),
    ...skippedChoices<AlertPick>(skipped, undefined),
  ], { title: `Preview: ${changing} of ${plural(all.length, 'alert')} change in ${plural(rows.length, 'customer')}${skipped.length ? `, ${skipped.length} not changed` : ''} — Enter applies to the checked ones` }));
  const work = previews.map(p => ({
    tenant: p.customer.tenant, customer: p.customer,
    previews: p.previews.map(x => (picked.some(k => k?.preview === x) ? x : { ...x, diffs: [], patch: {}, comment: undefined, unchanged: true })),
  })).filter(w => w.previews.some(x => !x.unchanged));
  if (work.length === 0) {
    cancel();
  }
  skipped.push(...previews.filter(p => !work.some(w => w.customer === p.customer)).map(p => ({
    tenant: p.customer.tenant, reason: p.previews.some(x => !x.unchanged) ? UNCHECKED : 'Every matching alert is already so.',
  })));
  const failAll = (ids: { id: string; title: string; unchanged?: boolean }[], reason: string): ItemResult<SecurityAlert>[] =>
    ids.map(a => (a.unchanged ? { id: a.id, title: a.title, outcome: 'unchanged' } : { id: a.id, title: a.title, outcome: 'failed', reason }));
  const total = work.reduce((n, w) => n + w.previews.filter(x => !x.unchanged).length, 0);
  const outcomes = await ui.progress(`Updating ${plural(total, 'alert')} in ${plural(work.length, 'customer')}`, true, signal => writeEach(work, 'alerts', WHY_ALERTS,
    (w, s) => updateAlerts(w.customer.target, w.previews, s),
    (w, reason) => failAll(w.previews.map(x => ({ id: x.alert.id, title: x.alert.title, unchanged: x.unchanged })), reason),
    { maxInFlight: port.maxInFlight, signal }));
  const what = 'Update alerts in customers';
  const titles = new Map(all.map(a => [a.id, a.title]));
  const retry = async (failed: { tenant: TenantRef; ids: string[] }[]): Promise<void> => {
    const again = failed.map(f => ({ ...f, customer: work.find(w => w.tenant.tenantId === f.tenant.tenantId)!.customer }));
    const count = again.reduce((n, f) => n + f.ids.length, 0);
    const redone = await ui.progress(`Updating ${plural(count, 'alert')} in ${plural(again.length, 'customer')}`, true, signal => writeEach(again, 'alerts', WHY_ALERTS,
      (f, s) => retryAlertUpdates(f.customer.target, f.ids, change, s),
      (f, reason) => failAll(f.ids.map(id => ({ id, title: titles.get(id) ?? id })), reason), { maxInFlight: port.maxInFlight, signal }));
    tellAcross(ui, what, redone, [], retry);
  };
  tellAcross(ui, what, outcomes, skipped, retry);
  return { change, filter: query.text, outcomes };
}
