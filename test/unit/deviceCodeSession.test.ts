// The device-code session over real MSAL and the HTTPS emulator: one device code for the partner's
// user, then a token per customer tenant from that user's refresh token redeemed at the customer's
// authority, Entra's refusals there as reason rows (never a new code), shared in-flight
// acquisitions, and a token of one tenant never handed out for another (the emulator's log).
import * as assert from 'node:assert/strict';
import { DeviceCodeSession, type DeviceCodePrompt } from '../../src/auth/deviceCodeSession';
import { IdentityCredential } from '../../src/auth/identityCredential';
import { resolveCloud } from '../../src/graph/clouds';
import { reasonFromError } from '../../src/model/portfolio';
import type { SampleCustomerCase } from '../../src/sample/dataset';
import { generateTenant } from '../../src/sample/generator';
import type { Emulator } from '../emulator/server';
import { useEmulator } from './emulatorClient';

function claimsOf(token: string): { tid: string; scp?: string; upn?: string } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { tid: string; scp?: string; upn?: string };
}

const DEVICE_CODE = /\/oauth2\/v2\.0\/devicecode$/;
// MSAL adds `?client-request-id=…` to the token endpoint.
const tokenPosts = (e: Emulator, tenantId: string) => e.requests.filter(r => r.method === 'POST' && r.path.split('?')[0] === `/${tenantId}/oauth2/v2.0/token`);

describe('Device-code session: one sign-in, every customer tenant (MSAL + emulator)', function () {
  this.timeout(60_000);
  const dataset = generateTenant({ now: new Date() });
  const emulator = useEmulator(() => ({ dataset }));
  const customers = dataset.customerTenants!;
  const ofCase = (c: SampleCustomerCase) => customers.find(s => s.case === c)!.tenantId;
  // Entra refuses a token only where the app has no consent or Conditional Access blocks; GDAP decides the rest at Graph.
  const tokenable = customers.filter(s => s.case !== 'consentMissing' && s.case !== 'conditionalAccess');
  let prompts: DeviceCodePrompt[];

  function session(): DeviceCodeSession {
    const e = emulator();
    prompts = [];
    return new DeviceCodeSession({ tenantId: e.tenantId, clientId: e.clients[0].clientId, authorityHost: e.url, disableInstanceDiscovery: true }, info => prompts.push(info));
  }
  const scopes = () => [`${emulator().url}/SecurityEvents.Read.All`];

  it('asks one device code, then gets a token for each of 34 customer tenants with no further code', async () => {
    const e = emulator();
    const s = session();
    const home = await s.home.getToken(scopes());
    assert.equal(prompts.length, 1);
    assert.match(prompts[0].userCode, /^[0-9A-F]{9}$/);
    assert.equal(claimsOf(home!.token).tid, e.tenantId);

    const tokens = await Promise.all(tokenable.map(c => s.forTenant(c.tenantId).getToken(scopes())));
    assert.deepEqual(tokens.map(t => claimsOf(t!.token).tid), tokenable.map(c => c.tenantId), 'each token is of the tenant it was asked for');
    assert.equal(new Set(tokens.map(t => t!.token)).size, 34);
    assert.equal(claimsOf(tokens[0]!.token).scp, 'SecurityEvents.Read.All');
    assert.equal(claimsOf(tokens[0]!.token).upn, dataset.signedInUser, 'the partner\'s own user in every tenant');
    assert.equal(prompts.length, 1, 'no device code for a customer');
    assert.equal(e.requests.filter(r => DEVICE_CODE.test(r.path)).length, 1, 'one device-code request on the emulator');
    for (const c of tokenable) {
      assert.equal(tokenPosts(e, c.tenantId).length, 1, `one refresh-token redemption at ${c.name}'s authority`);
    }
    // Asked again: MSAL's cache answers, per tenant, with the same token.
    const again = await s.forTenant(tokenable[3].tenantId).getToken(scopes());
    assert.equal(again!.token, tokens[3]!.token);
    assert.equal(tokenPosts(e, tokenable[3].tenantId).length, 1);
  });

  it('turns Entra\'s refusals at a customer\'s authority into the reason rows, without a device code', async () => {
    const e = emulator();
    const s = session();
    await s.home.getToken(scopes());
    const cloud = resolveCloud('Custom', { graphEndpoint: e.url, authorityHost: e.url });
    const clientId = e.clients[0].clientId;
    // As credentials.ts wires it: the session behind the wrapper that turns failures into PostureErrors.
    const refusal = async (tenantId: string) => {
      const error = await new IdentityCredential(() => s.forTenant(tenantId)).getToken(scopes()).then(() => undefined, (err: unknown) => err);
      assert.ok(error, `Entra refused a token for ${tenantId}`);
      return reasonFromError(error, { cloud, clientId, tenantId });
    };
    const consentTenant = ofCase('consentMissing');
    const consent = await refusal(consentTenant);
    assert.equal(consent.kind, 'consentMissing');
    assert.match(consent.message, /^The app has no admin consent in this customer's tenant \(AADSTS65001\)\./);
    assert.equal(consent.action?.url, `${e.url}/${consentTenant}/adminconsent?client_id=${clientId}`);
    const ca = await refusal(ofCase('conditionalAccess'));
    assert.equal(ca.kind, 'conditionalAccess');
    assert.match(ca.message, /^A Conditional Access policy in this customer's tenant blocked the sign-in \(AADSTS53003\)\./);

    // Entra's answers were the refusals, at the customers' own authorities.
    const refused = [...tokenPosts(e, consentTenant), ...tokenPosts(e, ofCase('conditionalAccess'))];
    assert.deepEqual(refused.map(r => r.status), [400, 400]);
    assert.equal(prompts.length, 1, 'a refusal never starts a device code');
    assert.equal(e.requests.filter(r => DEVICE_CODE.test(r.path)).length, 1);
    // The sign-in is intact: another customer still gets its token.
    const reader = ofCase('securityReader');
    assert.equal(claimsOf((await s.forTenant(reader).getToken(scopes()))!.token).tid, reader);
  });

  it('shares one acquisition between concurrent callers of a tenant, and one device code when nobody signed in yet', async () => {
    const e = emulator();
    const s = session();
    const [a, b] = [tokenable[0].tenantId, tokenable[1].tenantId];
    // The Customers view's first refresh, before the user's own views asked: eight callers, two tenants.
    const tokens = await Promise.all([a, a, a, a, b, b, b, b].map(t => s.forTenant(t).getToken(scopes())));
    assert.equal(prompts.length, 1, 'one device code for all of them');
    assert.equal(e.requests.filter(r => DEVICE_CODE.test(r.path)).length, 1);
    assert.equal(new Set(tokens.slice(0, 4).map(t => t!.token)).size, 1, 'the four callers of one tenant got one token');
    assert.equal(new Set(tokens.slice(4).map(t => t!.token)).size, 1);
    assert.deepEqual([claimsOf(tokens[0]!.token).tid, claimsOf(tokens[4]!.token).tid], [a, b]);
    assert.deepEqual([tokenPosts(e, a).length, tokenPosts(e, b).length], [1, 1], 'one redemption per tenant');
  });

  it('gives each of two first callers of the user\'s own tenant a token of its own scopes, from one device code', async () => {
    const e = emulator();
    const s = session();
    const [scores, alerts] = await Promise.all([
      s.home.getToken([`${e.url}/SecurityEvents.Read.All`]),
      s.home.getToken([`${e.url}/SecurityAlert.Read.All`]),
    ]);
    assert.deepEqual([claimsOf(scores!.token).scp, claimsOf(alerts!.token).scp], ['SecurityEvents.Read.All', 'SecurityAlert.Read.All']);
    assert.deepEqual([claimsOf(scores!.token).tid, claimsOf(alerts!.token).tid], [e.tenantId, e.tenantId]);
    assert.equal(prompts.length, 1);
  });

  it('after a 401 (invalidate) gets a fresh token from Entra for that tenant, without a prompt', async () => {
    const e = emulator();
    const s = session();
    await s.home.getToken(scopes());
    const tenant = tokenable[5].tenantId;
    const credential = new IdentityCredential(() => s.forTenant(tenant));
    const first = await credential.getToken(scopes());
    credential.invalidate();
    const second = await credential.getToken(scopes());
    assert.notEqual(second!.token, first!.token);
    assert.equal(claimsOf(second!.token).tid, tenant);
    assert.equal(tokenPosts(e, tenant).length, 2);
    // The home credential too: a new token, the same sign-in.
    const home = new IdentityCredential(() => s.home);
    const before = await home.getToken(scopes());
    home.invalidate();
    assert.notEqual((await home.getToken(scopes()))!.token, before!.token);
    assert.equal(prompts.length, 1);
  });

  it('names a tenant this cloud does not know (AADSTS90002) without a device code', async () => {
    const e = emulator();
    const s = session();
    await s.home.getToken(scopes());
    const unknown = '0f6e5d4c-3b2a-4190-8877-665544332211';
    const error = await new IdentityCredential(() => s.forTenant(unknown)).getToken(scopes()).then(() => undefined, (err: unknown) => err);
    assert.ok(error);
    const reason = reasonFromError(error, { cloud: resolveCloud('Custom', { graphEndpoint: e.url, authorityHost: e.url }), clientId: e.clients[0].clientId, tenantId: unknown });
    assert.equal(reason.message, 'No such tenant in this cloud: check the tenant id (a customer added by hand may have a typo).');
    assert.equal(prompts.length, 1);
  });
});
