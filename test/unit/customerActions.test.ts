// Actions across customers without VS Code: the prompts through a scripted UI port, each customer
// through its own Graph client over real HTTPS and real MSAL (ClientSecretCredential with a
// per-call tenant), the multi-tenant emulator as Graph. What the user sees (the per-tenant preview,
// the notification, the report grouped by tenant) and what each tenant received (the emulator's
// request log, with the tenant of the token of every write, and each tenant's data) are checked.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ClientSecretCredential } from '@azure/identity';
import { setControlStateAcrossFlow, updateAlertsAcrossFlow, type CustomerPort } from '../../src/commands/crossFlows';
import { credentialForTenant } from '../../src/auth/tenantCredential';
import { GraphService } from '../../src/graph/client';
import { resolveCloud } from '../../src/graph/clouds';
import { PostureError, type ApiArea } from '../../src/graph/errors';
import { SecurityApi } from '../../src/graph/security';
import type { SecurityAlert } from '../../src/graph/types';
import { WriteApi } from '../../src/graph/writes';
import { acrossReportMarkdown } from '../../src/model/crossTenant';
import { discoverCustomers, type PortfolioCustomer } from '../../src/model/portfolio';
import type { SampleCustomerCase } from '../../src/sample/dataset';
import { generateTenant } from '../../src/sample/generator';
import type { Emulator, RequestLogEntry } from '../emulator/server';
import { useEmulator } from './emulatorClient';
import { ScriptedUi } from './scriptedUi';

const CONTROL = 'mdo_safeattachments';

describe('actions across customers (HTTPS emulator, a token per customer tenant)', function () {
  this.timeout(120_000);
  const now = new Date();
  const dataset = generateTenant({ now });
  const emulator = useEmulator(() => ({ dataset }));
  const caseOf = (tenantId: string): SampleCustomerCase => dataset.customerTenants!.find(s => s.tenantId === tenantId)!.case;
  const tenantData = (tenantId: string) => emulator().engine.customer(tenantId)!.dataset;
  /** Writes Graph received (PATCH/POST other than $batch itself), with the tenant of the token each carried. */
  const writes = (from = 0): RequestLogEntry[] => emulator().requests.filter(r => r.seq > from && (r.method === 'PATCH' || r.method === 'POST') && /^\/v1\.0\/security\//.test(r.path));

  /** Each customer through its own GraphService: MSAL asks the customer's authority for its token. */
  function port(e: Emulator, refuseWrite?: string): CustomerPort & { asked: string[]; mostAtOnce: () => number } {
    const client = e.clients[0];
    const cloud = resolveCloud('Custom', { graphEndpoint: e.url, authorityHost: e.url });
    const msal = new ClientSecretCredential(e.tenantId, client.clientId, client.secret!, {
      authorityHost: e.url, disableInstanceDiscovery: true, additionallyAllowedTenants: ['*'], tlsOptions: { ca: readFileSync(e.caCertPath) },
    });
    const asked: string[] = [];
    let asking = 0;
    let most = 0;
    return {
      asked,
      mostAtOnce: () => most,
      maxInFlight: 4,
      open: tenant => {
        const graph = new GraphService({ cloud, credential: credentialForTenant(msal, tenant.tenantId), scopesFor: () => [`${e.url}/.default`], maxRetries: 0 });
        return {
          tenant, graph, security: new SecurityApi(graph),
          target: {
            writes: new WriteApi(graph), store: { patchAlert: () => undefined, replaceProfile: () => undefined, replacePartnerAlert: () => undefined },
            user: 'admin@contoso-partners.example',
            // As a sign-in prompt would, the ask takes a while: overlapping asks would show.
            ensureWriteAccess: async (area: ApiArea) => {
              most = Math.max(most, ++asking);
              asked.push(`${tenant.name}: ${area}`);
              await new Promise(resolve => setTimeout(resolve, 5));
              asking--;
              if (tenant.tenantId === refuseWrite) {
                throw new PostureError('forbidden', 'Nothing was changed: the SecurityEvents.ReadWrite.All permission was not granted.');
              }
            },
          },
        };
      },
    };
  }

  async function customers(): Promise<PortfolioCustomer[]> {
    const e = emulator();
    const client = e.clients[0];
    const msal = new ClientSecretCredential(e.tenantId, client.clientId, client.secret!, {
      authorityHost: e.url, disableInstanceDiscovery: true, tlsOptions: { ca: readFileSync(e.caCertPath) },
    });
    const partner = new GraphService({ cloud: resolveCloud('Custom', { graphEndpoint: e.url, authorityHost: e.url }), credential: msal, scopesFor: () => [`${e.url}/.default`] });
    // A partner user's view: GDAP roles decide who may be changed.
    return (await discoverCustomers(partner, { mode: 'gdap', now, names: dataset.customerNames })).customers;
  }

  it('sets one improvement action in every customer that can be changed, each with its own token; read-only ones untouched, one throttled tenant retried', async () => {
    const all = await customers();
    const plain = new Set<SampleCustomerCase>(['securityAdministrator', 'securityReader', 'globalReader', 'consentMissing', 'noSecureScore']);
    const chosen = all.filter(c => plain.has(caseOf(c.tenantId)));
    const writable = chosen.filter(c => ['securityAdministrator'].includes(caseOf(c.tenantId)));
    const readOnly = chosen.filter(c => ['securityReader', 'globalReader'].includes(caseOf(c.tenantId)));
    const consent = chosen.find(c => caseOf(c.tenantId) === 'consentMissing')!;
    const empty = chosen.find(c => caseOf(c.tenantId) === 'noSecureScore')!;
    assert.ok(writable.length >= 5 && readOnly.length >= 5, `a portfolio with both kinds (${writable.length} writable, ${readOnly.length} read-only)`);
    const before = new Map(readOnly.map(c => [c.tenantId, JSON.stringify(tenantData(c.tenantId).controlProfiles.find(p => p.id === CONTROL))]));
    const p = port(emulator());

    // The single-tenant flow's comment rule holds: no comment for "third party" is refused, nothing sent.
    const refused = new ScriptedUi().script({ pick: 'Resolved through third party' }, { input: '' });
    await assert.rejects(setControlStateAcrossFlow(refused, p, chosen, { id: CONTROL }), /Canceled/);
    assert.match(refused.shown.find(s => s.kind === 'input')!.problem!, /^A comment is required for "Resolved through third party"/);
    assert.deepEqual(writes(), [], 'nothing written for refused input');

    // Microsoft throttles one tenant's write (whichever reaches Graph first); the others go on.
    emulator().faults.add({ method: 'PATCH', path: `secureScoreControlProfiles/${CONTROL}`, count: 1, fault: { kind: 'status', status: 429, retryAfter: 30 } });
    const ui = new ScriptedUi()
      .script({ pick: 'Resolved through third party' }, { input: 'Mimecast covers attachments' }, { input: '' }, { pickMany: labels => labels })
      .answerNotifications('Retry Failed', 'Show Report');
    const { outcomes } = await setControlStateAcrossFlow(ui, p, chosen, { id: CONTROL });

    // The state is asked once for all of them; their current states differ, so none is offered as "current".
    assert.equal(ui.shown.find(s => s.kind === 'pick')!.text, `Set State of "Turn on Safe Attachments in block mode" in ${writable.length} customers`);
    // The preview: a heading per customer that will be changed with its action under it, then the ones that will not, with why.
    const preview = ui.shown.find(s => s.kind === 'pickMany')!;
    assert.match(preview.text, new RegExp(`^Preview: "Turn on Safe Attachments in block mode" → Resolved through third party in ${writable.length} customers, ${readOnly.length + 2} not changed`));
    for (const c of writable) {
      assert.ok(preview.choices!.some(x => x.startsWith(`[x] ${c.name} › Turn on Safe Attachments in block mode`)), `${c.name} previewed`);
    }
    for (const c of readOnly) {
      assert.ok(preview.choices!.includes(`[ ] Not changed › ${c.name}`), `${c.name} listed as not changed`);
    }
    assert.ok(preview.choices!.includes(`[ ] Not changed › ${consent.name}`));
    assert.ok(preview.choices!.includes(`[ ] Not changed › ${empty.name}`));

    // Every writable customer got exactly one PATCH, with a token of its own tenant.
    const failed = outcomes.filter(o => o.results.some(r => r.outcome === 'failed'));
    assert.equal(failed.length, 1, 'the throttled tenant failed alone');
    const throttled = failed[0].tenant.tenantId;
    assert.match(failed[0].results[0].reason!, /throttl|too many/i);
    const notice = await ui.next(s => s.kind === 'notify');
    assert.equal(notice.text, `Set state to Resolved through third party in customers: ${writable.length - 1} updated, 1 failed in ${writable.length} customers (1 with failures); ${readOnly.length + 2} customers not changed.`);
    assert.deepEqual(notice.choices, ['Show Report', 'Retry Failed']);

    // "Retry Failed": only the throttled tenant's item again, then the report.
    const report = await ui.next(s => s.kind === 'report');
    const log = writes();
    assert.deepEqual(log.map(w => `${w.method} ${w.path}`), log.map(() => `PATCH /v1.0/security/secureScoreControlProfiles/${CONTROL}`));
    const perTenant = (t: string) => log.filter(w => w.tenantId === t).map(w => w.status);
    for (const c of writable) {
      assert.deepEqual(perTenant(c.tenantId), c.tenantId === throttled ? [429, 200] : [200], `${c.name}: its own token, once (twice if throttled)`);
      const last = tenantData(c.tenantId).controlProfiles.find(x => x.id === CONTROL)!.controlStateUpdates.at(-1)!;
      assert.deepEqual([last.state, last.comment], ['ThirdParty', 'Mimecast covers attachments'], c.name);
    }
    assert.equal(new Set(log.map(w => w.tenantId)).size, writable.length, 'no write with any other tenant\'s token');
    for (const c of [...readOnly, consent]) {
      assert.deepEqual(perTenant(c.tenantId), [], `${c.name} received nothing`);
    }
    for (const c of readOnly) {
      assert.equal(JSON.stringify(tenantData(c.tenantId).controlProfiles.find(x => x.id === CONTROL)), before.get(c.tenantId), `${c.name} unchanged`);
    }
    assert.equal(log.filter(w => w.tenantId === emulator().tenantId).length, 0, 'the partner\'s token wrote nothing');
    assert.deepEqual([...p.asked].sort(), writable.map(c => `${c.name}: controls`).sort(), 'write access asked once per customer written (not again for the retry)');
    assert.equal(p.mostAtOnce(), 1, 'one ask at a time: sign-in prompts do not pile up');

    // The retry's report: the throttled customer, now updated.
    const name = writable.find(c => c.tenantId === throttled)!.name;
    assert.match(report.text, new RegExp(`^# Set state to Resolved through third party in customers\\n\\n1 updated in 1 customer — `));
    assert.match(report.text, new RegExp(`## ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${throttled}\\)\\n\\n\\| Item \\| Id \\| Result \\| Reason \\|\\n\\|---\\|---\\|---\\|---\\|\\n\\| Turn on Safe Attachments in block mode \\| mdo\\\\_safeattachments \\| updated \\|  \\|`));
  });

  it('lists why a customer is not changed in the report: read-only role (naming Security Administrator), sign-in refused, no such action', async () => {
    const all = await customers();
    const pick = (k: SampleCustomerCase) => all.find(c => caseOf(c.tenantId) === k)!;
    const admin = pick('securityAdministrator');
    const reader = pick('securityReader');
    const consent = pick('consentMissing');
    const empty = pick('noSecureScore');
    const ui = new ScriptedUi()
      .script({ pick: 'Resolved through alternate mitigation' }, { input: 'Covered by the MSP baseline' }, { input: '' }, { pickMany: labels => labels })
      .answerNotifications('Show Report');
    await setControlStateAcrossFlow(ui, port(emulator()), [admin, reader, consent, empty], { id: CONTROL });
    const report = (await ui.next(s => s.kind === 'report')).text;
    assert.match(report, /\n1 updated in 1 customer — /);
    const notChanged = report.slice(report.indexOf('## Not changed'));
    const row = (c: PortfolioCustomer) => notChanged.split('\n').find(l => l.startsWith(`| ${c.name} |`)) ?? '';
    assert.equal(row(reader), `| ${reader.name} | ${reader.tenantId} | Read-only: its GDAP relationship grants Helpdesk Administrator, Security Reader; changing needs the Security Administrator role. |`);
    assert.match(row(consent), /\| Could not be read: .*AADSTS700016/);
    assert.match(row(empty), /\| Could not be read: the tenant has no improvement action "mdo\\_safeattachments" \(no Secure Score data yet/);
    assert.deepEqual(writes().map(w => w.tenantId), [admin.tenantId]);
  });

  it('reports a customer whose write permission is refused, sends it nothing, and writes the others', async () => {
    const all = await customers();
    const [first, second] = all.filter(c => caseOf(c.tenantId) === 'securityAdministrator');
    const ui = new ScriptedUi()
      .script({ pick: 'Resolved through third party' }, { input: 'Mimecast' }, { input: '' }, { pickMany: labels => labels })
      .answerNotifications('Show Report');
    const { outcomes } = await setControlStateAcrossFlow(ui, port(emulator(), first.tenantId), [first, second], { id: CONTROL });
    assert.deepEqual(outcomes.map(o => [o.tenant.name, o.results[0].outcome, o.results[0].reason]), [
      [first.name, 'failed', 'Nothing was changed: the SecurityEvents.ReadWrite.All permission was not granted.'],
      [second.name, 'updated', undefined],
    ]);
    assert.deepEqual(writes().map(w => w.tenantId), [second.tenantId]);
    assert.match((await ui.next(s => s.kind === 'report')).text, /\| failed \| Nothing was changed: the SecurityEvents\.ReadWrite\.All permission was not granted\. \|/);
  });

  it('names a customer unchecked in the preview as not changed in the notification and the report, and sends it nothing', async () => {
    const all = await customers();
    const [kept, unchecked] = all.filter(c => caseOf(c.tenantId) === 'securityAdministrator');
    const mark = Math.max(0, ...emulator().requests.map(r => r.seq));
    const ui = new ScriptedUi()
      .script({ pick: 'Resolved through third party' }, { input: 'Mimecast' }, { input: '' }, { pickMany: labels => labels.filter(l => !l.startsWith(`${unchecked.name} › `)) })
      .answerNotifications('Show Report');
    await setControlStateAcrossFlow(ui, port(emulator()), [kept, unchecked], { id: CONTROL });
    assert.equal((await ui.next(s => s.kind === 'notify')).text, 'Set state to Resolved through third party in customers: 1 updated in 1 customer; 1 customer not changed.');
    const report = (await ui.next(s => s.kind === 'report')).text;
    assert.ok(report.includes(`\n| ${unchecked.name} | ${unchecked.tenantId} | Unchecked in the preview. |`), report);
    assert.deepEqual(writes(mark).map(w => w.tenantId), [kept.tenantId]);

    // Alerts: a customer whose every alert is unchecked is named the same way.
    const matching = (tenantId: string) => tenantData(tenantId).alerts.filter(a => a.status === 'new' && a.severity === 'high');
    const [first, second] = all.filter(c => caseOf(c.tenantId) === 'securityAdministrator' && matching(c.tenantId).length > 0);
    const alertsMark = Math.max(0, ...emulator().requests.map(r => r.seq));
    const triage = new ScriptedUi()
      .script({ input: 'status:new severity:high' }, { pick: 'Set status…' }, { pick: 'In progress' }, { pickMany: labels => labels.filter(l => !l.startsWith(`${second.name} › `)) })
      .answerNotifications('Show Report');
    await updateAlertsAcrossFlow(triage, port(emulator()), [first, second]);
    assert.match((await triage.next(s => s.kind === 'notify')).text, /^Update alerts in customers: \d+ updated in 1 customer; 1 customer not changed\.$/);
    assert.ok((await triage.next(s => s.kind === 'report')).text.includes(`\n| ${second.name} | ${second.tenantId} | Unchecked in the preview. |`));
    assert.deepEqual([...new Set(writes(alertsMark).map(w => w.tenantId))], [first.tenantId]);
  });

  it('refuses up front when no chosen customer can be changed, sending nothing', async () => {
    const all = await customers();
    const readers = all.filter(c => caseOf(c.tenantId) === 'securityReader').slice(0, 2);
    const ui = new ScriptedUi();
    await assert.rejects(setControlStateAcrossFlow(ui, port(emulator()), readers, { id: CONTROL }),
      /^PostureError: Nothing was changed: none of the 2 customers can be changed\. Read-only: its GDAP relationship grants .*; changing needs the Security Administrator role\.$/);
    assert.deepEqual(ui.shown, [], 'not even a prompt');
    assert.equal(emulator().requests.filter(r => r.tenantId && readers.some(c => c.tenantId === r.tenantId)).length, 0);
  });

  it('triages alerts across customers by a filter: preview per tenant, a comment added once, a refused tenant reported and retried', async () => {
    const all = await customers();
    const admins = all.filter(c => caseOf(c.tenantId) === 'securityAdministrator');
    const reader = all.find(c => caseOf(c.tenantId) === 'securityReader')!;
    // What the filter means, written out on each tenant's data (not through the query parser).
    const matching = (tenantId: string): SecurityAlert[] => tenantData(tenantId).alerts.filter(a => a.status === 'new' && (a.severity === 'high' || a.severity === 'medium'));
    const withAlerts = admins.filter(c => matching(c.tenantId).length > 0).slice(0, 3);
    assert.equal(withAlerts.length, 3, 'three writable customers with new high/medium alerts');
    const [a, b, c] = withAlerts;
    const readerBefore = JSON.stringify(tenantData(reader.tenantId).alerts);
    const expected = new Map(withAlerts.map(x => [x.tenantId, matching(x.tenantId)]));
    const leftOut = expected.get(a.tenantId)![0];
    const ambiguous = expected.get(b.tenantId)![0];
    const refusedAlert = expected.get(c.tenantId)![0];
    // b: the comment lands but Graph answers 503 (it is read back, not sent twice); c: Graph refuses one alert once.
    emulator().faults.add(
      { method: 'POST', path: `alerts_v2/${ambiguous.id}/comments`, count: 1, fault: { kind: 'failAfterWrite', status: 503 } },
      { method: 'POST', path: `alerts_v2/${refusedAlert.id}/comments`, count: 1, fault: { kind: 'status', status: 403 } },
    );
    const mark = Math.max(0, ...emulator().requests.map(r => r.seq));
    const ui = new ScriptedUi().script({ input: 'bogus:1' }); // refused by the parser
    const p = port(emulator());
    await assert.rejects(updateAlertsAcrossFlow(ui, p, [...withAlerts, reader]), /Canceled/);
    assert.match(ui.shown[0].problem!, /Unknown key "bogus"/);
    assert.equal(emulator().requests.filter(r => r.seq > mark).length, 0, 'nothing read for a filter that does not parse');

    const triage = new ScriptedUi()
      .script(
        { input: 'status:new severity:high,medium' },
        { pick: 'Add comment…' },
        { input: 'Reviewed by Contoso SOC' },
        { pickMany: labels => labels.filter(l => l !== `${a.name} › ${leftOut.title}`) },
      )
      .answerNotifications('Retry Failed', 'Show Report');
    const { outcomes } = await updateAlertsAcrossFlow(triage, p, [...withAlerts, reader]);
    const preview = triage.shown.find(s => s.kind === 'pickMany')!;
    const total = withAlerts.reduce((n, x) => n + expected.get(x.tenantId)!.length, 0);
    assert.equal(preview.text, `Preview: ${total} of ${total} alerts change in 3 customers, 1 not changed — Enter applies to the checked ones`);
    for (const x of withAlerts) {
      for (const alert of expected.get(x.tenantId)!) {
        assert.ok(preview.choices!.includes(`[x] ${x.name} › ${alert.title}`), `${x.name}: "${alert.title}" previewed under its customer`);
      }
    }
    assert.ok(preview.choices!.includes(`[ ] Not changed › ${reader.name}`));
    const notice = await triage.next(s => s.kind === 'notify');
    assert.match(notice.text, /^Update alerts in customers: \d+ updated, 1 unchanged, 1 failed in 3 customers \(1 with failures\); 1 customer not changed\.$/);
    const failedItems = outcomes.flatMap(o => o.results.filter(r => r.outcome === 'failed').map(r => `${o.tenant.name}: ${r.id}`));
    assert.deepEqual(failedItems, [`${c.name}: ${refusedAlert.id}`]);

    const report = await triage.next(s => s.kind === 'report');
    assert.match(report.text, new RegExp(`^# Update alerts in customers\\n\\n1 updated in 1 customer — `), 'the retry\'s report: only the refused alert');
    for (const x of withAlerts) {
      for (const alert of expected.get(x.tenantId)!) {
        const stored = tenantData(x.tenantId).alerts.find(y => y.id === alert.id)!;
        assert.equal(stored.comments.filter(k => k.comment === 'Reviewed by Contoso SOC').length, alert.id === leftOut.id ? 0 : 1, `${x.name}: ${alert.id} commented once`);
      }
    }
    const posts = writes();
    assert.ok(posts.every(w => withAlerts.some(x => x.tenantId === w.tenantId)), 'only the three writable customers were written, each with its own token');
    for (const w of posts.filter(x => x.path.includes('/alerts_v2/'))) {
      const owner = withAlerts.find(x => tenantData(x.tenantId).alerts.some(y => w.path.includes(y.id)))!;
      assert.equal(w.tenantId, owner.tenantId, `${w.path} with its own tenant's token`);
    }
    assert.deepEqual(posts.filter(w => w.path.endsWith(`${refusedAlert.id}/comments`)).map(w => w.status), [403, 200], 'refused once, sent once by Retry Failed');
    assert.deepEqual(posts.filter(w => w.path.endsWith(`${ambiguous.id}/comments`)).map(w => w.status), [503], 'landed despite the 503; not sent again');
    assert.equal(JSON.stringify(tenantData(reader.tenantId).alerts), readerBefore, 'the read-only customer\'s alerts untouched');
    assert.equal(emulator().requests.filter(r => r.tenantId === reader.tenantId).length, 0, 'not even read');
  });
});

describe('the report of a change across customers', () => {
  it('keeps hostile customer names and titles inside their cells and headings', () => {
    const hostile = { tenantId: 'b1e8c2a4-0000-4000-8000-000000000001', name: 'Evil | Co\n## Injected <img src=x onerror=alert(1)> [link](https://evil.example)' };
    const text = acrossReportMarkdown('Update alerts in customers', [
      { tenant: hostile, results: [{ id: 'a|1', title: 'Title `code` *bold*\r\n| x | y |', outcome: 'failed', reason: 'Graph said <b>no</b>' }] },
    ], [{ tenant: { ...hostile, tenantId: 'b1e8c2a4-0000-4000-8000-000000000002' }, reason: 'Read-only | needs Security Administrator' }], new Date('2026-12-01T10:00:00Z'));
    assert.equal(text, [
      '# Update alerts in customers', '', '0 updated, 1 failed in 1 customer (1 with failures) — 2026-12-01 10:00 UTC', '',
      '## Evil \\| Co ## Injected \\<img src=x onerror=alert(1)\\> \\[link\\](https://evil.example) (b1e8c2a4-0000-4000-8000-000000000001) — 1 failed', '',
      '| Item | Id | Result | Reason |', '|---|---|---|---|',
      '| Title \\`code\\` \\*bold\\* \\| x \\| y \\| | a\\|1 | failed | Graph said \\<b\\>no\\</b\\> |', '',
      '## Not changed', '', '| Customer | Tenant id | Why nothing was sent |', '|---|---|---|',
      '| Evil \\| Co ## Injected \\<img src=x onerror=alert(1)\\> \\[link\\](https://evil.example) | b1e8c2a4-0000-4000-8000-000000000002 | Read-only \\| needs Security Administrator |', '',
    ].join('\n'));
  });
});
