// Apply Posture across a partner's customers, outside VS Code: which customers may be written (the
// GDAP role from discovery), the confirmation's text (every tenant with its counts, bounded, Graph
// strings made safe), and the writes through the HTTPS emulator with a client and token per
// customer tenant, a few at once: one customer's refusal reported on its own items, Cancel leaving
// the customers not started untouched (the emulator's request log tells who got what).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ClientSecretCredential } from '@azure/identity';
import { credentialForTenant } from '../../src/auth/tenantCredential';
import { GraphService } from '../../src/graph/client';
import { resolveCloud } from '../../src/graph/clouds';
import { PostureError } from '../../src/graph/errors';
import { WriteApi } from '../../src/graph/writes';
import { discoverCustomers, type CustomerResult } from '../../src/model/portfolio';
import type { WriteTarget } from '../../src/model/writeFlow';
import {
  applyConfirmation, applyPosturePlan, DETAIL_LINES, parsePosture, planPosture, type PosturePlan, type PostureTenant, type TenantPlan,
} from '../../src/posture';
import type { SampleCustomerCase } from '../../src/sample/dataset';
import { generateTenant } from '../../src/sample/generator';
import { applyScope } from '../../src/tenant/posture';
import type { Emulator, RequestLogEntry } from '../emulator/server';
import { useEmulator } from './emulatorClient';

const CONTROL = 'mdo_safeattachments';
const FILE = `version: 1
tenants: all customers
controls:
  ${CONTROL}: { state: thirdParty, comment: "Mimecast covers attachments for every customer" }
`;

/** A plan tenant with the given counts (for the confirmation's text). */
function tenantPlan(name: string, change: number, alertChanges = 0): TenantPlan {
  return { available: true, tenantId: `id-${name}`, name, controls: [], rules: [], counts: { change, inSync: 0, awaitingSync: 0, cannotChange: 0, alertChanges } };
}

const planOf = (tenants: PosturePlan['tenants']): PosturePlan =>
  ({ fileName: 'all.posture.yaml', createdAt: '', tenants, writes: tenants.reduce((n, t) => n + (t.available ? t.counts.change + t.counts.alertChanges : 0), 0), skipped: 0 });

describe('posture: the confirmation of Apply across tenants', () => {
  it('names a few tenants with their counts in the message, as for one tenant', () => {
    const { message, detail } = applyConfirmation('a.posture.yaml', planOf([tenantPlan('Adatum', 2, 1), tenantPlan('Fabrikam', 1)]));
    assert.equal(message, 'Apply a.posture.yaml to Adatum: 2 improvement actions, 1 alert; Fabrikam: 1 improvement action, 0 alerts?');
    assert.equal(detail, 'Each change is written to Microsoft Graph now; Secure Score reflects state changes after 24–48 hours.');
  });

  it('gives the totals in the message for many, each tenant in the detail up to a bound, and names who cannot be written and why', () => {
    const many = Array.from({ length: 40 }, (_, i) => tenantPlan(`Customer ${String(i + 1).padStart(2, '0')}`, 1 + (i % 2)));
    const { message, detail } = applyConfirmation('all.posture.yaml', planOf([...many, { available: false, target: 'Litware', reason: 'not available: consent missing' }]), {
      noun: 'customer', cannotWrite: [{ name: 'Contour', reason: 'Read-only: its GDAP relationship grants Security Reader; changing needs the Security Administrator role.' }],
    });
    assert.equal(message, 'Apply all.posture.yaml to 40 customers: 60 improvement actions, 0 alerts?');
    const [changes, cannot, left, note] = detail.split('\n\n');
    const lines = changes.split('\n');
    assert.equal(lines.length, DETAIL_LINES);
    assert.equal(lines[0], 'Customer 01: 1 improvement action, 0 alerts');
    assert.equal(lines.at(-1), `… and ${40 - DETAIL_LINES + 1} more customers`);
    assert.equal(cannot, 'Not changed, 1 customer that cannot be written:\nContour: Read-only: its GDAP relationship grants Security Reader; changing needs the Security Administrator role.');
    assert.equal(left, 'Not available, left out: Litware.');
    assert.match(note, /^Each change is written/);
  });

  it('groups the customers that cannot be written by reason, so 19 read-only customers take two lines and the dialog\'s buttons stay on screen', () => {
    const helpdesk = 'Read-only: its GDAP relationship grants Helpdesk Administrator, Security Reader; changing needs the Security Administrator role.';
    const global = 'Read-only: its GDAP relationship grants Global Reader; changing needs the Security Administrator role.';
    const cannotWrite = [
      ...Array.from({ length: 12 }, (_, i) => ({ name: `Reader ${String(i + 1).padStart(2, '0')}`, reason: helpdesk })),
      ...Array.from({ length: 7 }, (_, i) => ({ name: `Global ${i + 1}`, reason: global })),
    ];
    const { detail } = applyConfirmation('all.posture.yaml', planOf(['A', 'B', 'C', 'D'].map(n => tenantPlan(n, 1))), { noun: 'customer', cannotWrite });
    const cannot = detail.split('\n\n')[1];
    assert.equal(cannot, [
      'Not changed, 19 customers that cannot be written:',
      `${helpdesk} 12 customers: Reader 01, Reader 02, Reader 03, Reader 04, Reader 05 and 7 more`,
      `${global} 7 customers: Global 1, Global 2, Global 3, Global 4, Global 5 and 2 more`,
    ].join('\n'));
  });

  it('makes Graph\'s names safe: no line breaks, bidi overrides or links, bounded', () => {
    const hostile = `Evil\u202E Corp\n[click](command:workbench.action.terminal.new)${'x'.repeat(200)}`;
    const { message, detail } = applyConfirmation('a.posture.yaml', planOf([tenantPlan(hostile, 1), ...['B', 'C', 'D'].map(n => tenantPlan(n, 1))]), {
      cannotWrite: [{ name: hostile, reason: 'Read-only' }],
    });
    for (const text of [message, detail]) {
      assert.ok(!text.includes('\u202E') && !text.includes(']('), text);
    }
    const first = detail.split('\n')[0];
    assert.match(first, /^Evil Corp \[click\] \(command:workbench\.action\.terminal\.new\)x+…: 1 improvement action, 0 alerts$/);
    assert.ok(first.length < 130, 'bounded');
  });
});

describe('posture: Apply across customers through the HTTPS emulator, a token per customer tenant', function () {
  this.timeout(120_000);
  const now = new Date();
  const dataset = generateTenant({ now });
  const emulator = useEmulator(() => ({ dataset }));
  const caseOf = (tenantId: string): SampleCustomerCase => dataset.customerTenants!.find(s => s.tenantId === tenantId)!.case;
  const tenantData = (tenantId: string) => emulator().engine.customer(tenantId)!.dataset;
  const writes = (): RequestLogEntry[] => emulator().requests.filter(r => (r.method === 'PATCH' || r.method === 'POST') && /^\/v1\.0\/security\//.test(r.path));
  const stateOf = (tenantId: string) => JSON.stringify(tenantData(tenantId).controlProfiles.find(p => p.id === CONTROL)!.controlStateUpdates);

  function msal(e: Emulator, tenants = false): ClientSecretCredential {
    const client = e.clients[0];
    return new ClientSecretCredential(e.tenantId, client.clientId, client.secret!, {
      authorityHost: e.url, disableInstanceDiscovery: true, tlsOptions: { ca: readFileSync(e.caCertPath) }, ...(tenants ? { additionallyAllowedTenants: ['*'] } : {}),
    });
  }

  /** Each customer's writer: its own GraphService whose token MSAL gets from the customer's authority. */
  function writers(e: Emulator, refuse?: string): { targetFor: (tenantId: string) => WriteTarget; asked: string[] } {
    const credential = msal(e, true);
    const cloud = resolveCloud('Custom', { graphEndpoint: e.url, authorityHost: e.url });
    const asked: string[] = [];
    return {
      asked,
      targetFor: tenantId => ({
        writes: new WriteApi(new GraphService({ cloud, credential: credentialForTenant(credential, tenantId), scopesFor: () => [`${e.url}/.default`], maxRetries: 0 })),
        store: { patchAlert: () => undefined, replaceProfile: () => undefined, replacePartnerAlert: () => undefined },
        ensureWriteAccess: async area => {
          asked.push(`${tenantId}: ${area}`);
          if (tenantId === refuse) {
            throw new PostureError('forbidden', 'Nothing was changed: the SecurityEvents.ReadWrite.All permission was not granted.');
          }
        },
      }),
    };
  }

  /** The plan of `all customers` over the portfolio a partner user sees (GDAP decides who may be written), and what Apply writes of it. */
  async function planned(cases: SampleCustomerCase[]) {
    const e = emulator();
    const partner = new GraphService({ cloud: resolveCloud('Custom', { graphEndpoint: e.url, authorityHost: e.url }), credential: msal(e), scopesFor: () => [`${e.url}/.default`] });
    const customers = (await discoverCustomers(partner, { mode: 'gdap', now, names: dataset.customerNames })).customers.filter(c => cases.includes(caseOf(c.tenantId)));
    const rows: CustomerResult[] = customers.map(customer => ({ customer, status: 'read' }));
    const tenants: PostureTenant[] = customers.map(c => ({ tenantId: c.tenantId, name: c.name, profiles: tenantData(c.tenantId).controlProfiles, alerts: [] }));
    const doc = parsePosture(FILE, 'all.posture.yaml').doc!;
    const plan = planPosture(doc, tenants, now);
    return { customers, scope: applyScope(plan, dataset.tenantId, rows) };
  }

  it('writes each customer whose role can write with its own token, leaves the read-only ones out naming the role, and reports one refusal on its own items', async () => {
    const { customers, scope } = await planned(['securityAdministrator', 'securityReader', 'globalReader']);
    const writable = customers.filter(c => caseOf(c.tenantId) === 'securityAdministrator');
    const readOnly = customers.filter(c => caseOf(c.tenantId) !== 'securityAdministrator');
    assert.ok(writable.length >= 4 && readOnly.length >= 2, `both kinds (${writable.length} writable, ${readOnly.length} read-only)`);
    assert.deepEqual(scope.cannotWrite.map(c => c.tenantId).sort(), readOnly.map(c => c.tenantId).sort());
    for (const c of scope.cannotWrite) {
      assert.match(c.reason, /^Read-only: its GDAP relationship grants .*Reader.*; changing needs the Security Administrator role\.$/, c.name);
    }
    assert.deepEqual([...scope.customers.keys()].sort(), writable.map(c => c.tenantId).sort());
    assert.equal(scope.plan.writes, writable.length);
    const untouched = new Map(readOnly.map(c => [c.tenantId, stateOf(c.tenantId)]));

    const refused = writable[1].tenantId;
    const { targetFor, asked } = writers(emulator(), refused);
    let inFlight = 0;
    let most = 0;
    const progress: string[] = [];
    const result = await applyPosturePlan(scope.plan, tenantId => {
      const target = targetFor(tenantId);
      const patch = target.writes.patchControlProfiles.bind(target.writes);
      target.writes.patchControlProfiles = async (...args) => {
        most = Math.max(most, ++inFlight);
        try {
          return await patch(...args);
        } finally {
          inFlight--;
        }
      };
      return target;
    }, { maxInFlight: 3, onTenantDone: (done, total) => progress.push(`${done} of ${total}`) });

    assert.deepEqual(asked, writable.map(c => `${c.tenantId}: controls`), 'asked tenant after tenant, once each');
    assert.equal(most, 3, 'three customers written at once');
    assert.deepEqual(progress, writable.map((_, i) => `${i + 1} of ${writable.length}`));
    assert.deepEqual(result.notAttempted, []);
    assert.deepEqual(result.tenants.map(t => `${t.name}: ${t.controls.map(r => r.outcome).join()}`),
      writable.map(c => `${c.name}: ${c.tenantId === refused ? 'failed' : 'updated'}`));
    assert.match(result.tenants.find(t => t.tenantId === refused)!.controls[0].reason!, /SecurityEvents\.ReadWrite\.All/);

    // The request log: one PATCH per written customer, with a token of its own tenant; nothing for the others.
    const log = writes();
    assert.deepEqual(log.map(w => `${w.method} ${w.path.split('?')[0]} ${w.status}`), log.map(() => `PATCH /v1.0/security/secureScoreControlProfiles/${CONTROL} 200`));
    assert.deepEqual(log.map(w => w.tenantId).sort(), writable.filter(c => c.tenantId !== refused).map(c => c.tenantId).sort());
    for (const c of writable.filter(w => w.tenantId !== refused)) {
      const last = tenantData(c.tenantId).controlProfiles.find(p => p.id === CONTROL)!.controlStateUpdates.at(-1)!;
      assert.deepEqual([last.state, last.comment], ['ThirdParty', 'Mimecast covers attachments for every customer'], c.name);
    }
    for (const [tenantId, before] of untouched) {
      assert.equal(stateOf(tenantId), before, 'a read-only customer is unchanged');
    }
  });

  it('after Cancel starts no customer: the ones in flight finish, the rest are returned as not attempted and get nothing', async () => {
    const { scope } = await planned(['securityAdministrator']);
    const all = scope.plan.tenants.filter((t): t is TenantPlan => t.available);
    assert.ok(all.length >= 4);
    const stop = new AbortController();
    const { targetFor } = writers(emulator());
    const result = await applyPosturePlan(scope.plan, targetFor, { maxInFlight: 2, stop: stop.signal, onTenantDone: () => stop.abort() });
    // Two started at once; Cancel came when the first finished, so the second finished and no third began.
    assert.equal(result.tenants.length, 2);
    assert.deepEqual(result.tenants.flatMap(t => t.controls.map(r => r.outcome)), ['updated', 'updated']);
    assert.deepEqual(result.notAttempted.map(n => `${n.name}: ${n.items}`), all.slice(2).map(t => `${t.name}: 1`));
    assert.deepEqual(writes().map(w => w.tenantId).sort(), all.slice(0, 2).map(t => t.tenantId).sort());

    // Cancel before the first write: nothing is sent at all.
    const before = writes().length;
    await assert.rejects(applyPosturePlan(scope.plan, targetFor, { maxInFlight: 2, stop: AbortSignal.abort() }), /Canceled/);
    assert.equal(writes().length, before);
  });

  it('with one tenant, a refused write permission is thrown as before: nothing was changed', async () => {
    const { scope } = await planned(['securityAdministrator']);
    const first = scope.plan.tenants.find((t): t is TenantPlan => t.available)!;
    const one = { ...scope.plan, tenants: [first] };
    await assert.rejects(applyPosturePlan(one, writers(emulator(), first.tenantId).targetFor), /SecurityEvents\.ReadWrite\.All/);
    assert.deepEqual(writes(), []);
  });
});
