// How often a refresh asks the token endpoint: the real @azure/identity (MSAL node) app-only
// credential, the real Graph client and store, over the HTTPS emulator, counted in the emulator's
// log. MSAL reads the emulator's CA only at process start, so the client runs in a child process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type Emulator, type EmulatorClient } from '../emulator/server';
import { SECURITY_PERMISSIONS } from '../emulator/tokens';

const SHARED: EmulatorClient = { clientId: '0f0e0d0c-7777-4222-8333-444455556666', secret: 'shared~secret', roles: [...SECURITY_PERMISSIONS] };
const RAW: EmulatorClient = { clientId: '0f0e0d0c-8888-4222-8333-444455556666', secret: 'raw~secret', roles: [...SECURITY_PERMISSIONS] };

const CHILD = `
const out = process.env.OUT_DIR;
const { clientSecret } = require(out + '/src/auth/identity.js');
const { resolveCloud } = require(out + '/src/graph/clouds.js');
const { GraphService } = require(out + '/src/graph/client.js');
const { SecurityApi } = require(out + '/src/graph/security.js');
const { PostureStore, SECTIONS } = require(out + '/src/model/store.js');
const c = JSON.parse(process.env.TOKEN_CASE);
const options = (client) => ({ tenantId: c.tenantId, clientId: client.clientId, authorityHost: c.url, disableInstanceDiscovery: true });
(async () => {
  // Without sharing: three concurrent reads straight on MSAL, each asks the token endpoint.
  const raw = clientSecret(options(c.raw), c.raw.secret);
  await Promise.all([1, 2, 3].map(() => raw.getToken(c.url + '/.default')));
  // Through the Graph client: two full refreshes.
  const cloud = resolveCloud('Custom', { graphEndpoint: c.url, authorityHost: c.url });
  const graph = new GraphService({ cloud, credential: clientSecret(options(c.shared), c.shared.secret), scopesFor: () => [c.url + '/.default'] });
  const store = new PostureStore();
  store.connect(new SecurityApi(graph), 'tokens');
  const statuses = [];
  for (let i = 0; i < 2; i++) {
    await store.refresh();
    statuses.push(Object.fromEntries(SECTIONS.map(id => [id, store.get(id).status])));
  }
  process.stdout.write(JSON.stringify({ statuses, graphRequests: graph.requestCount }));
})().catch(error => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

const appIdOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { appid: string }).appid;
const tokenRequests = (emulator: Emulator) => emulator.requests.filter(r => /\/oauth2\/v2\.0\/token$/.test(r.path.split('?')[0]));

describe('token requests of a refresh (real MSAL over the HTTPS emulator)', function () {
  let emulator: Emulator;
  let dir: string;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'token-requests-'));
    emulator = await startEmulator({ clients: [SHARED, RAW] });
  });

  after(async function () {
    await emulator?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the child (three raw getToken calls, then two refreshes through the Graph client) against `server`. */
  async function runChild(server: Emulator): Promise<void> {
    const script = join(dir, 'refresh-child.js');
    await writeFile(script, CHILD);
    const env = {
      ...process.env,
      NODE_EXTRA_CA_CERTS: server.caCertPath,
      OUT_DIR: resolve(__dirname, '../..'),
      TOKEN_CASE: JSON.stringify({ url: server.url, tenantId: server.tenantId, shared: SHARED, raw: RAW }),
    };
    const stdout = await new Promise<string>((done, fail) => {
      execFile(process.execPath, [script], { env, timeout: 50_000 }, (err, out, errOut) => (err ? fail(new Error(`${err.message}\n${errOut}`)) : done(out)));
    });
    const result = JSON.parse(stdout) as { statuses: Record<string, string>[]; graphRequests: number };
    const ready = { scores: 'ready', profiles: 'ready', alerts: 'ready', partner: 'ready', customers: 'ready', partnerAlerts: 'ready' };
    assert.deepEqual(result.statuses, [ready, ready], 'both refreshes loaded every section');
  }

  it('asks the token endpoint once for a refresh whose reads start together (and not again for the next)', async function () {
    this.timeout(60_000);
    await runChild(emulator);

    // The fault being fixed happens: concurrent acquisitions on MSAL each go to the endpoint.
    const byApp = (id: string) => emulator.issuedTokens.filter(t => appIdOf(t) === id).length;
    assert.equal(byApp(RAW.clientId), 3, 'three concurrent getToken calls on MSAL alone: three token requests');
    // Through the Graph client the refresh's concurrent reads share one acquisition, and the
    // second refresh reuses the token.
    assert.equal(byApp(SHARED.clientId), 1, 'two refreshes through the Graph client: one token request');
    assert.equal(tokenRequests(emulator).length, 4, 'the emulator saw 3 + 1 token requests in all');
    const graphRequests = emulator.requests.filter(r => /^\/(v1\.0|beta)\//.test(r.path) && !r.inBatch);
    assert.ok(graphRequests.length >= 6, `the refreshes did reach Graph (${graphRequests.length} HTTP requests)`);
    assert.ok(graphRequests.every(r => r.clientId === SHARED.clientId));
  });

  it('asks once per refresh when the token is due each time: the next refresh\'s concurrent reads share one new acquisition', async function () {
    this.timeout(60_000);
    // 200 s tokens: MSAL renews a token 5 minutes before it expires, so each later acquisition
    // goes to the endpoint again, while a token handed from one read to the next (2 minutes of
    // life at least) is still taken.
    const expiring = await startEmulator({ clients: [SHARED, RAW], tokenLifetimeSeconds: 200 });
    try {
      await runChild(expiring);
      const issued = (id: string) => expiring.issuedTokens.filter(t => appIdOf(t) === id).length;
      assert.equal(issued(RAW.clientId), 3, 'three concurrent getToken calls on MSAL alone: three token requests');
      assert.equal(issued(SHARED.clientId), 2, 'two refreshes, each with its token due: one token request each, not one per read');
    } finally {
      await expiring.stop();
    }
  });
});

