// The HTTPS Graph emulator seen from outside: a raw HTTPS client that trusts its CA, and the real
// @azure/identity / MSAL in a child process started with NODE_EXTRA_CA_CERTS (read only at startup).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClientCertificate, type ClientCertificate } from '../emulator/certs';
import { startEmulator, type Emulator, type EmulatorClient } from '../emulator/server';
import { SECURITY_PERMISSIONS } from '../emulator/tokens';
import { generateTenant } from '../../src/sample/generator';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

interface CallOptions {
  token?: string;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

const cas = new Map<string, Buffer>();

/** One request on a fresh connection (no pooling, so offline and reset faults are seen as they happen). */
function call(emu: Emulator, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const ca = cas.get(emu.caCertPath) ?? readFileSync(emu.caCertPath);
  cas.set(emu.caCertPath, ca);
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | undefined;
  if (options.json !== undefined) {
    payload = JSON.stringify(options.json);
    headers['Content-Type'] = 'application/json';
  } else if (options.form) {
    payload = new URLSearchParams(options.form).toString();
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  if (options.token !== undefined) {
    headers.Authorization = `Bearer ${options.token}`;
  }
  return new Promise((resolve, reject) => {
    const req = request(`${emu.url}${path}`, { method, headers, ca, agent: false, timeout: options.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.on('error', reject);
    req.end(payload);
  });
}

// Replies are checked field by field; a loose type keeps that readable.
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const json = (r: Reply) => JSON.parse(r.text) as Loose;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Loose;

async function appToken(emu: Emulator, client: EmulatorClient = emu.clients[0]): Promise<string> {
  const r = await call(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
    form: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret ?? '', scope: `${emu.url}/.default` },
  });
  assert.equal(r.status, 200, r.text);
  return json(r).access_token as string;
}

async function networkError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
  assert.fail('expected a network error');
}

const FULL: EmulatorClient = {
  clientId: '0f0e0d0c-1111-4222-8333-444455556666', secret: 'full~secret', roles: [...SECURITY_PERMISSIONS], delegatedScopes: [...SECURITY_PERMISSIONS],
};
/** Its write permission needs each user's own consent in each tenant (incremental consent). */
const USER_CONSENT: EmulatorClient = { ...FULL, clientId: '0f0e0d0c-6666-4222-8333-444455556666', userConsentScopes: ['SecurityAlert.ReadWrite.All'] };
const READER: EmulatorClient = { clientId: '0f0e0d0c-2222-4222-8333-444455556666', secret: 'reader~secret', roles: ['SecurityEvents.Read.All'] };
const FEDERATED: EmulatorClient = {
  clientId: '0f0e0d0c-5555-4222-8333-444455556666', roles: ['SecurityEvents.Read.All'],
  federatedCredentials: [{ subject: 'repo:contoso/posture:environment:prod' }, { subject: 'system:serviceaccount:posture:cli', audiences: ['api://custom-audience'] }],
};

describe('Graph emulator', function () {
  let emu: Emulator;
  let dir: string;
  let cert: ClientCertificate;
  const CERT_ID = '0f0e0d0c-3333-4222-8333-444455556666';

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'emulator-test-'));
    cert = await createClientCertificate(dir, 'cert-app');
    emu = await startEmulator({
      clients: [FULL, READER, FEDERATED, USER_CONSENT, { clientId: CERT_ID, certificatePem: cert.certificatePem, roles: ['SecurityEvents.Read.All'] }],
    });
  });

  afterEach(async function () {
    await emu.reset();
  });

  after(async function () {
    await emu?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('authority', function () {
    it('publishes OpenID metadata on its own origin with the tenant substituted', async function () {
      for (const path of [`/${emu.tenantId}/v2.0/.well-known/openid-configuration`, `/${emu.tenantId}/.well-known/openid-configuration`]) {
        const meta = json(await call(emu, 'GET', path));
        assert.equal(meta.issuer, `${emu.url}/${emu.tenantId}/v2.0`);
        assert.equal(meta.token_endpoint, `${emu.url}/${emu.tenantId}/oauth2/v2.0/token`);
        assert.equal(meta.device_authorization_endpoint, `${emu.url}/${emu.tenantId}/oauth2/v2.0/devicecode`);
        const keys = json(await call(emu, 'GET', new URL(meta.jwks_uri).pathname));
        assert.equal(keys.keys[0].kty, 'RSA');
      }
      const unknown = await call(emu, 'GET', '/not-a-tenant/v2.0/.well-known/openid-configuration');
      assert.equal(unknown.status, 400);
      assert.match(json(unknown).error_description, /^AADSTS90002:/);
    });

    it('issues signed app-only tokens that Graph accepts, with correlation headers', async function () {
      const token = await appToken(emu);
      const claims = claimsOf(token);
      assert.equal(claims.aud, emu.url);
      assert.equal(claims.tid, emu.tenantId);
      assert.equal(claims.appid, FULL.clientId);
      assert.deepEqual(claims.roles, [...SECURITY_PERMISSIONS]);
      assert.deepEqual(emu.issuedTokens.slice(-1), [token]);

      const r = await call(emu, 'GET', '/v1.0/security/secureScores?$top=2', { token, headers: { 'client-request-id': 'abc-123' } });
      assert.equal(r.status, 200, r.text);
      assert.equal(json(r).value.length, 2);
      assert.match(String(r.headers['content-type']), /^application\/json/);
      assert.equal(r.headers['client-request-id'], 'abc-123');
      assert.ok(r.headers['request-id']);
    });

    it('answers Entra-style errors for a wrong secret, an unknown app and another cloud\'s scope', async function () {
      const tokenPath = `/${emu.tenantId}/oauth2/v2.0/token`;
      const base = { grant_type: 'client_credentials', client_id: FULL.clientId, scope: `${emu.url}/.default` };
      const wrong = await call(emu, 'POST', tokenPath, { form: { ...base, client_secret: 'nope' } });
      assert.equal(wrong.status, 401);
      assert.equal(json(wrong).error, 'invalid_client');
      assert.deepEqual(json(wrong).error_codes, [7000215]);
      assert.match(json(wrong).error_description, /^AADSTS7000215: Invalid client secret provided/);

      const unknown = await call(emu, 'POST', tokenPath, { form: { ...base, client_id: 'deadbeef-0000-4000-8000-000000000000', client_secret: 'x' } });
      assert.match(json(unknown).error_description, /^AADSTS700016:/);

      const global = await call(emu, 'POST', tokenPath, { form: { ...base, client_secret: FULL.secret as string, scope: 'https://graph.microsoft.com/.default' } });
      assert.equal(global.status, 400);
      assert.equal(json(global).error, 'invalid_resource');
      assert.match(json(global).error_description, /AADSTS500011: .*https:\/\/graph\.microsoft\.com/);
    });

    it('answers 401 InvalidAuthenticationToken for missing, garbled and expired tokens', async function () {
      const path = '/v1.0/security/secureScores';
      const message = async (headers: Record<string, string>) => {
        const r = await call(emu, 'GET', path, { headers });
        assert.equal(r.status, 401);
        assert.match(String(r.headers['www-authenticate']), /^Bearer /);
        assert.equal(json(r).error.code, 'InvalidAuthenticationToken');
        return json(r).error.message as string;
      };
      assert.equal(await message({}), 'Access token is empty.');
      assert.equal(await message({ Authorization: 'Bearer not-a-jwt' }), 'CompactToken parsing failed with error code: 80049217');

      const token = await appToken(emu);
      assert.equal((await call(emu, 'GET', path, { token })).status, 200);
      emu.faults.expireTokens();
      assert.equal(await message({ Authorization: `Bearer ${token}` }), 'Access token has expired or is not yet valid.');
      assert.equal((await call(emu, 'GET', path, { token: await appToken(emu) })).status, 200);
    });

    it('honours a short token lifetime', async function () {
      const short = await startEmulator({ clients: [FULL], tokenLifetimeSeconds: 1 });
      try {
        const token = await appToken(short);
        const claims = claimsOf(token);
        assert.equal(claims.exp - claims.iat, 1);
        await new Promise((resolve) => setTimeout(resolve, 2100));
        const r = await call(short, 'GET', '/v1.0/security/secureScores', { token });
        assert.equal(r.status, 401);
        assert.equal(json(r).error.message, 'Access token has expired or is not yet valid.');
      } finally {
        await short.stop();
      }
    });

    it('revoked consent: Graph answers 403 and the token endpoint AADSTS65001', async function () {
      const token = await appToken(emu);
      emu.faults.revokeConsent(FULL.clientId);
      const r = await call(emu, 'GET', '/v1.0/security/secureScores', { token });
      assert.equal(r.status, 403);
      const again = await call(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
        form: { grant_type: 'client_credentials', client_id: FULL.clientId, client_secret: FULL.secret as string, scope: `${emu.url}/.default` },
      });
      assert.equal(again.status, 400);
      assert.equal(json(again).error, 'invalid_grant');
      assert.match(json(again).error_description, /^AADSTS65001:/);
      // Another app is unaffected.
      assert.equal((await call(emu, 'GET', '/v1.0/security/secureScores', { token: await appToken(emu, READER) })).status, 200);
    });

    it('exchanges a federated token (workload identity) only when issuer, subject and audience match a federated credential', async function () {
      const discovery = json(await call(emu, 'GET', '/federation/.well-known/openid-configuration'));
      assert.equal(discovery.issuer, emu.federationIssuer);
      const keys = json(await call(emu, 'GET', '/federation/keys')).keys as Loose[];
      const exchange = (assertion: string) => call(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
        form: {
          grant_type: 'client_credentials', client_id: FEDERATED.clientId, scope: `${emu.url}/.default`,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
        },
      });
      const good = emu.mintFederatedToken({ subject: 'repo:contoso/posture:environment:prod' });
      const [headerPart] = good.split('.');
      assert.equal(keys[0].kid, JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')).kid, 'the issuer publishes the key it signs with');
      const ok = await exchange(good);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(claimsOf(json(ok).access_token).appid, FEDERATED.clientId);
      const custom = await exchange(emu.mintFederatedToken({ subject: 'system:serviceaccount:posture:cli', audience: 'api://custom-audience' }));
      assert.equal(custom.status, 200, custom.text);

      const refusals: [string, number][] = [
        [emu.mintFederatedToken({ subject: 'repo:contoso/posture:environment:dev' }), 700213],
        [emu.mintFederatedToken({ subject: 'REPO:contoso/posture:environment:prod' }), 7002138],
        [emu.mintFederatedToken({ subject: 'repo:contoso/posture:environment:prod', audience: 'api://other' }), 700212],
        [emu.mintFederatedToken({ subject: 'repo:contoso/posture:environment:prod', forged: true }), 50013],
        [emu.mintFederatedToken({ subject: 'repo:contoso/posture:environment:prod', lifetimeSeconds: -900 }), 700024],
      ];
      for (const [assertion, code] of refusals) {
        const r = await exchange(assertion);
        assert.equal(r.status, 401, `AADSTS${code}`);
        assert.equal(json(r).error, 'invalid_client');
        assert.deepEqual(json(r).error_codes, [code]);
      }
      // Another issuer: a token signed by someone the app never trusted.
      const [h, , sig] = good.split('.');
      const foreign = `${h}.${Buffer.from(JSON.stringify({ ...claimsOf(good), iss: 'https://token.actions.githubusercontent.com' })).toString('base64url')}.${sig}`;
      const r = await exchange(foreign);
      assert.deepEqual(json(r).error_codes, [700211]);
      assert.match(json(r).error_description, /presented assertion issuer 'https:\/\/token\.actions\.githubusercontent\.com'/);
    });

    it('runs the device code flow (pending once) and refreshes delegated tokens', async function () {
      const scope = `${emu.url}/SecurityAlert.Read.All openid profile offline_access`;
      const start = json(await call(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/devicecode`, { form: { client_id: FULL.clientId, scope } }));
      assert.equal(start.interval, 1);
      assert.ok(start.user_code && start.verification_uri.startsWith(emu.url));
      const poll = () => call(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
        form: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: FULL.clientId, device_code: start.device_code },
      });
      const pending = await poll();
      assert.equal(json(pending).error, 'authorization_pending');
      const granted = json(await poll());
      const claims = claimsOf(granted.access_token);
      assert.equal(claims.scp, 'SecurityAlert.Read.All');
      assert.equal(claims.roles, undefined);
      assert.ok(claims.upn);
      assert.ok(granted.id_token && granted.client_info && granted.refresh_token);

      const alerts = await call(emu, 'GET', '/v1.0/security/alerts_v2?$top=1', { token: granted.access_token });
      assert.equal(alerts.status, 200, alerts.text);
      const scores = await call(emu, 'GET', '/v1.0/security/secureScores', { token: granted.access_token });
      assert.equal(scores.status, 403, 'the delegated token lacks SecurityEvents.*');

      const refreshed = await call(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
        form: { grant_type: 'refresh_token', client_id: FULL.clientId, refresh_token: granted.refresh_token, scope },
      });
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.notEqual(json(refreshed).access_token, granted.access_token);
      assert.ok(json(refreshed).refresh_token && json(refreshed).refresh_token !== granted.refresh_token, 'a new refresh token with each answer');
      // Entra "doesn't revoke old refresh tokens when used": the first one still works (so do concurrent redemptions).
      const reused = await call(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
        form: { grant_type: 'refresh_token', client_id: FULL.clientId, refresh_token: granted.refresh_token, scope },
      });
      assert.equal(reused.status, 200, reused.text);
      const forged = await call(emu, 'POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
        form: { grant_type: 'refresh_token', client_id: FULL.clientId, refresh_token: `${granted.refresh_token}x`, scope },
      });
      assert.equal(json(forged).error, 'invalid_grant');
    });

    it('incremental consent: a refresh token gets a user-consent permission in a tenant only after an interactive sign-in there asked for it', async function () {
      const customers = generateTenant().customerTenants!.filter(c => c.case === 'securityAdministrator').map(c => c.tenantId);
      const [first, second] = customers;
      const deviceCode = async (tenant: string, scope: string): Promise<Loose> => {
        const start = json(await call(emu, 'POST', `/${tenant}/oauth2/v2.0/devicecode`, { form: { client_id: USER_CONSENT.clientId, scope } }));
        for (;;) {
          const answer = json(await call(emu, 'POST', `/${tenant}/oauth2/v2.0/token`, {
            form: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: USER_CONSENT.clientId, device_code: start.device_code },
          }));
          if (answer.error !== 'authorization_pending') {
            return answer;
          }
        }
      };
      const refresh = async (tenant: string, token: string, permission: string) => call(emu, 'POST', `/${tenant}/oauth2/v2.0/token`, {
        form: { grant_type: 'refresh_token', client_id: USER_CONSENT.clientId, refresh_token: token, scope: `${emu.url}/${permission} openid profile offline_access` },
      });
      const home = await deviceCode(emu.tenantId, `${emu.url}/SecurityAlert.Read.All offline_access`);
      assert.equal((await refresh(first, home.refresh_token, 'SecurityAlert.Read.All')).status, 200, 'reading needs no consent of its own');
      const silent = await refresh(first, home.refresh_token, 'SecurityAlert.ReadWrite.All');
      assert.equal(silent.status, 400);
      assert.match(json(silent).error_description, /^AADSTS65001: /);

      const consented = await deviceCode(first, `${emu.url}/SecurityAlert.ReadWrite.All offline_access`);
      assert.equal(claimsOf(consented.access_token).tid, first);
      assert.equal(claimsOf(consented.access_token).scp, 'SecurityAlert.ReadWrite.All');
      // Now even the first refresh token gets it there, and only there.
      const after = await refresh(first, home.refresh_token, 'SecurityAlert.ReadWrite.All');
      assert.equal(after.status, 200, after.text);
      assert.equal(claimsOf(json(after).access_token).scp, 'SecurityAlert.ReadWrite.All');
      assert.match(json(await refresh(second, home.refresh_token, 'SecurityAlert.ReadWrite.All')).error_description, /^AADSTS65001: /);
    });
  });

  describe('the documented surface, and what it refuses', function () {
    it('answers Graph\'s 400 to $orderby, $select, ne, in and $top over 1,000 on alerts_v2, and to $top on partner alerts', async function () {
      const token = await appToken(emu);
      const refused: [string, string][] = [
        ['/v1.0/security/alerts_v2?$orderby=createdDateTime%20desc', "Query option '$orderby' is not supported by 'security/alerts_v2'."],
        ['/v1.0/security/alerts_v2?$select=id,title', "Query option '$select' is not supported by 'security/alerts_v2'."],
        [`/v1.0/security/alerts_v2?$filter=${encodeURIComponent("status ne 'resolved'")}`, "Invalid filter clause: the 'ne' operator is not supported on property 'status'."],
        [`/v1.0/security/alerts_v2?$filter=${encodeURIComponent("severity in ('high','low')")}`, "Invalid filter clause: the 'in' operator is not supported on property 'severity'."],
        ['/v1.0/security/alerts_v2?$top=1001', "Invalid value '1001' for $top query option found. The $top query option has a limit of 1000 alerts."],
        ['/beta/security/partner/securityAlerts?$top=50', "Query option '$top' is not supported by 'security/partner/securityAlerts'. This collection is paged by the server: follow @odata.nextLink."],
      ];
      for (const [path, message] of refused) {
        const r = await call(emu, 'GET', path, { token });
        assert.equal(r.status, 400, `${path}: ${r.text}`);
        const body = json(r);
        assert.deepEqual([body.error.code, body.error.message], ['BadRequest', message], path);
        assert.ok(body.error.innerError['request-id'] && body.error.innerError.date, `${path}: Graph's innerError`);
        assert.match(String(r.headers['content-type']), /^application\/json/);
      }
      const accepted = ['/v1.0/security/alerts_v2?$top=1000&$count=true', `/v1.0/security/alerts_v2?$filter=${encodeURIComponent("(severity eq 'high' or severity eq 'low') and createdDateTime ge 2020-01-01T00:00:00Z")}`,
        '/beta/security/partner/securityAlerts?$count=true&$select=id,status'];
      for (const path of accepted) {
        const r = await call(emu, 'GET', path, { token });
        assert.equal(r.status, 200, `${path}: ${r.text}`);
      }
    });
  });

  describe('faults', function () {
    let token: string;
    beforeEach(async function () {
      token = await appToken(emu);
    });
    const get = (path: string, options: CallOptions = {}) => call(emu, 'GET', path, { token, ...options });

    it('429 with a fractional Retry-After and a Graph throttling body, for `count` requests only', async function () {
      emu.faults.add({ path: 'secureScores', count: 1, fault: { kind: 'status', status: 429, retryAfter: '0.25' } });
      const r = await get('/v1.0/security/secureScores');
      assert.equal(r.status, 429);
      assert.equal(r.headers['retry-after'], '0.25');
      const error = json(r).error;
      assert.equal(error.code, 'TooManyRequests');
      assert.equal(error.innerError.code, '429');
      assert.ok(error.innerError['request-id']);
      assert.equal((await get('/v1.0/security/secureScores')).status, 200);
    });

    it('503 with Retry-After, 504 and 500 without', async function () {
      emu.faults.add(
        { path: 'secureScores', count: 1, fault: { kind: 'status', status: 503, retryAfter: 2 } },
        { path: 'secureScores', count: 1, fault: { kind: 'status', status: 504 } },
        { path: 'secureScores', count: 1, fault: { kind: 'status', status: 500 } },
      );
      const first = await get('/v1.0/security/secureScores');
      assert.deepEqual([first.status, first.headers['retry-after'], json(first).error.code], [503, '2', 'serviceNotAvailable']);
      const second = await get('/v1.0/security/secureScores');
      assert.deepEqual([second.status, second.headers['retry-after']], [504, undefined]);
      assert.equal((await get('/v1.0/security/secureScores')).status, 500);
      assert.equal((await get('/v1.0/security/secureScores')).status, 200);
    });

    it('206 Partial Content with a federation Warning and the real data', async function () {
      const full = json(await get('/v1.0/security/secureScoreControlProfiles?$top=5'));
      emu.faults.add({ path: 'secureScoreControlProfiles', count: 1, fault: { kind: 'partial', warnings: ['Microsoft/WDATP/401/228', 'Microsoft/IPC/504/10000'] } });
      const r = await get('/v1.0/security/secureScoreControlProfiles?$top=5');
      assert.equal(r.status, 206);
      assert.equal(r.headers.warning, '199 - "Microsoft/WDATP/401/228", 199 - "Microsoft/IPC/504/10000"');
      assert.deepEqual(json(r).value, full.value);
    });

    it('drops the connection, sends malformed JSON, and serves looping or repeating pages', async function () {
      emu.faults.add({ path: 'alerts_v2', method: 'GET', count: 1, fault: { kind: 'reset' } });
      assert.equal(await networkError(get('/v1.0/security/alerts_v2')), 'ECONNRESET');

      emu.faults.add({ path: 'alerts_v2', count: 1, fault: { kind: 'malformed' } });
      const malformed = await get('/v1.0/security/alerts_v2?$top=3');
      assert.equal(malformed.status, 200);
      assert.throws(() => JSON.parse(malformed.text), SyntaxError);

      emu.faults.add({ path: 'alerts_v2', count: 1, fault: { kind: 'loopNextLink' } });
      const loop = json(await get('/v1.0/security/alerts_v2?$top=3'));
      assert.equal(loop['@odata.nextLink'], `${emu.url}/v1.0/security/alerts_v2?$top=3`);

      emu.faults.add({ path: 'alerts_v2', count: 1, fault: { kind: 'repeatItems', count: 2 } });
      const repeated = json(await get('/v1.0/security/alerts_v2?$top=3')).value as Array<{ id: string }>;
      assert.deepEqual(repeated.slice(3).map((a) => a.id), repeated.slice(0, 2).map((a) => a.id));

      const statuses = emu.requests.filter((e) => e.path.startsWith('/v1.0/security/alerts_v2')).map((e) => [e.status, e.fault]);
      assert.deepEqual(statuses, [[0, 'reset'], [200, 'malformed'], [200, 'loopNextLink'], [200, 'repeatItems']]);
    });

    it('delays past a client timeout', async function () {
      emu.faults.add({ path: 'secureScores', count: 1, fault: { kind: 'delay', ms: 600 } });
      assert.equal(await networkError(get('/v1.0/security/secureScores', { timeoutMs: 150 })), 'CLIENT_TIMEOUT');
      assert.equal((await get('/v1.0/security/secureScores')).status, 200);
    });

    it('expires the token on a matching request', async function () {
      emu.faults.add({ path: 'alerts_v2', count: 1, fault: { kind: 'expireToken' } });
      const r = await get('/v1.0/security/alerts_v2');
      assert.equal(r.status, 401);
      assert.equal(json(r).error.message, 'Access token has expired or is not yet valid.');
      assert.equal((await get('/v1.0/security/secureScores')).status, 401, 'the old token stays expired');
      assert.equal((await call(emu, 'GET', '/v1.0/security/secureScores', { token: await appToken(emu) })).status, 200);
    });

    it('goes offline (connection refused) and comes back on the same port', async function () {
      emu.faults.add({ path: 'secureScores', count: 1, fault: { kind: 'offline', ms: 400 } });
      assert.equal(await networkError(get('/v1.0/security/secureScores')), 'ECONNRESET');
      assert.equal(await networkError(get('/v1.0/security/secureScores')), 'ECONNREFUSED');
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal((await get('/v1.0/security/secureScores')).status, 200);

      await emu.faults.goOffline();
      assert.equal(await networkError(get('/v1.0/security/secureScores')), 'ECONNREFUSED');
      await emu.faults.goOnline();
      assert.equal((await get('/v1.0/security/secureScores')).status, 200);
    });

    it('applies status faults to inner $batch requests, and logs them apart from round trips', async function () {
      emu.faults.add({ path: 'secureScores', inBatch: true, fault: { kind: 'status', status: 429, retryAfter: '0.5' } });
      emu.faults.add({ path: 'alerts_v2', inBatch: true, count: 1, fault: { kind: 'status', status: 503 } });
      const r = await call(emu, 'POST', '/v1.0/$batch', {
        token,
        json: { requests: [
          { id: '1', method: 'GET', url: '/security/secureScores?$top=1' },
          { id: '2', method: 'GET', url: '/security/secureScoreControlProfiles?$top=1' },
          { id: '3', method: 'GET', url: '/security/alerts_v2?$top=1' },
        ] },
      });
      assert.equal(r.status, 200);
      const byId = new Map((json(r).responses as Loose[]).map((x) => [x.id as string, x]));
      assert.equal(byId.get('1')?.status, 429);
      assert.equal(byId.get('1')?.headers['Retry-After'], '0.5');
      assert.equal(byId.get('1')?.body.error.code, 'TooManyRequests');
      assert.equal(byId.get('2')?.status, 200);
      assert.equal(byId.get('3')?.status, 503);
      // The top-level rule filter (inBatch: true) leaves direct requests alone.
      assert.equal((await get('/v1.0/security/secureScores')).status, 200);

      const batchEntries = emu.requests.filter((e) => e.inBatch);
      assert.deepEqual(batchEntries.map((e) => [e.method, e.path, e.status, e.fault]).sort(), [
        ['GET', '/v1.0/security/alerts_v2?$top=1', 503, 'status'],
        ['GET', '/v1.0/security/secureScoreControlProfiles?$top=1', 200, undefined],
        ['GET', '/v1.0/security/secureScores?$top=1', 429, 'status'],
      ]);
      assert.equal(emu.requests.filter((e) => !e.inBatch && e.path.startsWith('/v1.0/')).length, 2, 'one $batch + one GET');
    });

    it('lands an inner $batch write and then answers it with an error (failAfterWrite), logged as such', async function () {
      const [first, second] = emu.engine.dataset.alerts;
      const comment = (id: string, n: string) => ({
        id: n, method: 'POST', url: `/security/alerts_v2/${id}/comments`, headers: { 'Content-Type': 'application/json' },
        body: { '@odata.type': 'microsoft.graph.security.alertComment', comment: 'Ambiguous drill' },
      });
      // A connection fault cannot apply to an inner request: refused when asked for, passed over otherwise.
      assert.throws(() => emu.faults.add({ path: 'comments', inBatch: true, fault: { kind: 'reset' } }), /cannot hit an inner \$batch request/);
      emu.faults.add({ path: 'comments', count: 1, fault: { kind: 'reset' } });
      emu.faults.add({ path: `alerts_v2/${first.id}/comments`, method: 'POST', inBatch: true, count: 1, fault: { kind: 'failAfterWrite', status: 503 } });
      const r = await call(emu, 'POST', '/v1.0/$batch', { token, json: { requests: [comment(first.id, '1'), comment(second.id, '2')] } });
      assert.equal(r.status, 200);
      const byId = new Map((json(r).responses as Loose[]).map((x) => [x.id as string, x]));
      assert.equal(byId.get('1')?.status, 503);
      assert.equal(byId.get('1')?.body.error.code, 'serviceNotAvailable');
      assert.equal(byId.get('2')?.status, 200);
      const stored = (id: string) => emu.engine.dataset.alerts.find((a) => a.id === id)!.comments.filter((c) => c.comment === 'Ambiguous drill').length;
      assert.deepEqual([stored(first.id), stored(second.id)], [1, 1], 'both writes landed, once each');
      assert.deepEqual(emu.requests.filter((e) => e.inBatch).map((e) => [e.path, e.status, e.fault]), [
        [`/v1.0/security/alerts_v2/${first.id}/comments`, 503, 'failAfterWrite'],
        [`/v1.0/security/alerts_v2/${second.id}/comments`, 200, undefined],
      ]);
      assert.equal(emu.faults.rules.length, 1, 'only the reset rule is left, unused');
      assert.equal(emu.faults.rules[0].fault.kind, 'reset');
    });

    it('replays probabilistic faults from the seed', async function () {
      const run = async () => {
        await emu.reset();
        emu.faults.add({ path: 'secureScores', probability: 0.5, fault: { kind: 'status', status: 500 } });
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) {
          statuses.push((await get('/v1.0/security/secureScores?$top=1')).status);
        }
        return statuses;
      };
      const first = await run();
      assert.deepEqual(await run(), first);
      assert.ok(first.includes(500) && first.includes(200), first.join(','));
    });

    it('is driven over HTTP by another process', async function () {
      const set = await call(emu, 'POST', '/_emulator/faults', {
        json: { add: [{ id: 'slow-down', path: '^/beta/security/partner', count: 2, fault: { kind: 'status', status: 429, retryAfter: 0.1 } }] },
      });
      assert.equal(set.status, 200, set.text);
      assert.deepEqual(json(set).rules.map((r: { id: string }) => r.id), ['slow-down']);
      assert.equal((await get('/beta/security/partner/securityAlerts')).status, 429);
      assert.equal((await get('/beta/security/partner/securityAlerts')).status, 429);
      assert.equal((await get('/beta/security/partner/securityAlerts')).status, 200);

      const bad = await call(emu, 'POST', '/_emulator/faults', { json: { add: [{ fault: { kind: 'nonsense' } }] } });
      assert.equal(bad.status, 400);

      const log = json(await call(emu, 'GET', '/_emulator/requests')) as unknown as Array<{ path: string; status: number }>;
      assert.deepEqual(log.filter((e) => e.path.startsWith('/beta/')).map((e) => e.status), [429, 429, 200]);
      assert.ok(!log.some((e) => e.path.startsWith('/_emulator')), 'control calls are not logged');

      const info = json(await call(emu, 'GET', '/_emulator/info'));
      assert.equal(info.tenantId, emu.tenantId);
      assert.equal(info.settings['securityPosture.customCloud.graphEndpoint'], emu.url);

      await call(emu, 'POST', '/_emulator/faults', { json: { revokeConsent: FULL.clientId } });
      assert.equal((await get('/v1.0/security/secureScores')).status, 403);
      assert.equal((await call(emu, 'POST', '/_emulator/reset')).status, 204);
      assert.equal(emu.requests.length, 0);
      assert.equal((await get('/v1.0/security/secureScores')).status, 200);

      assert.equal((await call(emu, 'POST', '/_emulator/faults', { json: { offlineMs: 300 } })).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await networkError(get('/v1.0/security/secureScores')), 'ECONNREFUSED');
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal((await get('/v1.0/security/secureScores')).status, 200);
    });

    it('restores the original data on reset', async function () {
      const first = json(await get('/v1.0/security/alerts_v2?$top=1')).value[0] as { id: string; status: string };
      const next = first.status === 'resolved' ? 'inProgress' : 'resolved';
      const patched = await call(emu, 'PATCH', `/v1.0/security/alerts_v2/${first.id}`, { token, json: { status: next } });
      assert.equal(patched.status, 200, patched.text);
      await emu.reset();
      const again = json(await get(`/v1.0/security/alerts_v2/${first.id}`));
      assert.equal(again.status, first.status);
    });
  });
});

describe('Graph emulator throttling', function () {
  let emu: Emulator;

  before(async function () {
    emu = await startEmulator({
      clients: [FULL],
      latencyMs: 150,
      concurrency: { secureScores: 2 },
      rateLimits: { alerts: { requests: 3, perSeconds: 60 } },
    });
  });

  after(async function () {
    await emu?.stop();
  });

  it('answers 429 to requests beyond the concurrency limit', async function () {
    const token = await appToken(emu);
    const replies = await Promise.all(Array.from({ length: 5 }, () => call(emu, 'GET', '/v1.0/security/secureScores?$top=1', { token })));
    const statuses = replies.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 429, 429, 429]);
    const throttled = replies.find((r) => r.status === 429) as Reply;
    assert.ok(Number(throttled.headers['retry-after']) > 0);
    assert.equal(json(throttled).error.code, 'TooManyRequests');
    assert.equal(emu.requests.filter((e) => e.throttled).length, 3);
    // Slots are released once answered.
    assert.equal((await call(emu, 'GET', '/v1.0/security/secureScores?$top=1', { token })).status, 200);
  });

  it('counts inner $batch requests against the limits', async function () {
    const token = await appToken(emu);
    const r = await call(emu, 'POST', '/v1.0/$batch', {
      token,
      json: { requests: ['1', '2', '3'].map((id) => ({ id, method: 'GET', url: '/security/secureScores?$top=1' })) },
    });
    const statuses = (json(r).responses as Array<{ status: number }>).map((x) => x.status).sort();
    assert.deepEqual(statuses, [200, 200, 429]);
  });

  it('empties a token bucket and answers with a fractional Retry-After', async function () {
    const token = await appToken(emu);
    const statuses: number[] = [];
    let last: Reply | undefined;
    for (let i = 0; i < 4; i++) {
      last = await call(emu, 'GET', '/v1.0/security/alerts_v2?$top=1', { token });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const retryAfter = String(last?.headers['retry-after']);
    assert.match(retryAfter, /^\d+\.\d+$/);
    assert.ok(Number(retryAfter) > 15 && Number(retryAfter) <= 20, retryAfter);
  });

  it('charges every inner $batch request against the per-minute limit, as a request of its own', async function () {
    await emu.reset();
    const token = await appToken(emu);
    const r = await call(emu, 'POST', '/v1.0/$batch', {
      token,
      json: { requests: ['1', '2', '3', '4'].map((id) => ({ id, method: 'GET', url: '/security/alerts_v2?$top=1' })) },
    });
    assert.equal(r.status, 200);
    const statuses = (json(r).responses as Array<{ status: number }>).map((x) => x.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    // The bucket is empty now for plain requests too.
    assert.equal((await call(emu, 'GET', '/v1.0/security/alerts_v2?$top=1', { token })).status, 429);
  });

  it('holds the concurrency slots of inner $batch requests while the batch is served', async function () {
    await emu.reset();
    const token = await appToken(emu);
    const batch = call(emu, 'POST', '/v1.0/$batch', {
      token,
      json: { requests: ['1', '2'].map((id) => ({ id, method: 'GET', url: '/security/secureScores?$top=1' })) },
    });
    // The engine has run the inner requests (they are logged); the batch is still being served.
    const deadline = Date.now() + 5_000;
    while (!emu.requests.some((e) => e.inBatch) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const alone = await call(emu, 'GET', '/v1.0/security/secureScores?$top=1', { token });
    const answered = await batch;
    assert.deepEqual((json(answered).responses as Array<{ status: number }>).map((x) => x.status), [200, 200]);
    assert.equal(alone.status, 429, 'both slots are held by the batch until it is answered');
    assert.equal((await call(emu, 'GET', '/v1.0/security/secureScores?$top=1', { token })).status, 200, 'and released once it is');
  });
});

describe('Graph emulator with the real @azure/identity (MSAL node)', function () {
  let emu: Emulator;
  let dir: string;
  let cert: ClientCertificate;
  const CERT_ID = '0f0e0d0c-4444-4222-8333-444455556666';

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'emulator-msal-'));
    cert = await createClientCertificate(dir, 'msal-cert');
    emu = await startEmulator({
      clients: [FULL, { clientId: CERT_ID, certificatePem: cert.certificatePem, roles: ['SecurityEvents.Read.All'] }],
    });
  });

  after(async function () {
    await emu?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  // Identity reads the CA only at process start, so the credentials run in a child process.
  const CHILD = `
const identity = require(process.env.IDENTITY_MODULE);
const { url, tenantId, clientId, secret, certId, certPath } = JSON.parse(process.env.EMULATOR_CASE);
const options = { authorityHost: url, disableInstanceDiscovery: true };
const out = {};
async function attempt(name, get) {
  try {
    const token = await get();
    out[name] = { token: token.token };
  } catch (err) {
    out[name] = { error: err.name, message: err.message };
  }
}
(async () => {
  await attempt('secret', () => new identity.ClientSecretCredential(tenantId, clientId, secret, options).getToken(url + '/.default'));
  await attempt('wrongSecret', () => new identity.ClientSecretCredential(tenantId, clientId, 'wrong', options).getToken(url + '/.default'));
  await attempt('globalScope', () => new identity.ClientSecretCredential(tenantId, clientId, secret, options).getToken('https://graph.microsoft.com/.default'));
  await attempt('certificate', () => new identity.ClientCertificateCredential(tenantId, certId, { certificatePath: certPath }, options).getToken(url + '/.default'));
  await attempt('environment', () => new identity.EnvironmentCredential(options).getToken(url + '/.default'));
  await attempt('deviceCode', () => new identity.DeviceCodeCredential({ tenantId, clientId, ...options, userPromptCallback: () => {} }).getToken(url + '/SecurityAlert.Read.All'));
  process.stdout.write(JSON.stringify(out));
})();
`;

  it('signs in with secret, certificate, environment and device code; rejects a wrong secret and the global cloud', async function () {
    this.timeout(60000);
    const script = join(dir, 'msal-child.js');
    await writeFile(script, CHILD);
    const env = {
      ...process.env,
      NODE_EXTRA_CA_CERTS: emu.caCertPath,
      IDENTITY_MODULE: require.resolve('@azure/identity'),
      EMULATOR_CASE: JSON.stringify({ url: emu.url, tenantId: emu.tenantId, clientId: FULL.clientId, secret: FULL.secret, certId: CERT_ID, certPath: cert.pemPath }),
      AZURE_TENANT_ID: emu.tenantId,
      AZURE_CLIENT_ID: FULL.clientId,
      AZURE_CLIENT_SECRET: FULL.secret,
      AZURE_AUTHORITY_HOST: emu.url,
    };
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [script], { env, timeout: 45000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
    });
    const results = JSON.parse(stdout) as Record<string, { token?: string; error?: string; message?: string }>;

    for (const name of ['secret', 'certificate', 'environment', 'deviceCode']) {
      assert.ok(results[name].token, `${name}: ${results[name].message}`);
    }
    assert.equal(claimsOf(results.certificate.token as string).appid, CERT_ID);
    assert.equal(claimsOf(results.deviceCode.token as string).scp, 'SecurityAlert.Read.All');

    // @azure/identity 4.13 wraps MSAL's ServerError (what Entra's 400/401 become) in AuthenticationRequiredError.
    assert.equal(results.wrongSecret.error, 'AuthenticationRequiredError');
    assert.match(results.wrongSecret.message ?? '', /AADSTS7000215/);
    assert.equal(results.globalScope.error, 'AuthenticationRequiredError');
    assert.match(results.globalScope.message ?? '', /AADSTS500011/);

    const scores = await call(emu, 'GET', '/v1.0/security/secureScores?$top=1', { token: results.secret.token });
    assert.equal(scores.status, 200, scores.text);
    const profiles = await call(emu, 'GET', '/v1.0/security/secureScoreControlProfiles?$top=1', { token: results.certificate.token });
    assert.equal(profiles.status, 200, profiles.text);
    const alerts = await call(emu, 'GET', '/v1.0/security/alerts_v2?$top=1', { token: results.deviceCode.token });
    assert.equal(alerts.status, 200, alerts.text);
    assert.ok(emu.issuedTokens.includes(results.secret.token as string));
  });
});
