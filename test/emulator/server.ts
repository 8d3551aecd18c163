// The loopback HTTPS Graph emulator: an Entra-like authority (tokens.ts) and Graph `/v1.0`, `/beta` and
// `$batch` served by the in-memory GraphEngine, with latency, throttling and injected faults (faults.ts).
// Tests in another process drive it over `/_emulator/*`. Listens on 127.0.0.1 only.

import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Socket } from 'node:net';
import type { GraphErrorBody } from '../../src/graph/types';
import type { TenantDataset } from '../../src/sample/dataset';
import { GraphEngine, type EngineOptions } from '../../src/sample/engine';
import { graphErrorResponse } from '../../src/sample/errors';
import { generateTenant } from '../../src/sample/generator';
import type { Caller, EngineRequest, EngineResponse, RequestInterceptor } from '../../src/sample/protocol';
import { createServerCertificates, type ServerCertificates } from './certs';
import { FaultController, Throttle, isBatchPath, routeGroupOf, type Fault, type FaultCommand, type FaultKind, type RateLimit, type RouteGroup } from './faults';
import { PARTNER_DIRECTORY_PERMISSIONS, SECURITY_PERMISSIONS, TokenService, type EmulatorClient, type FederatedTokenOptions } from './tokens';
import { gdapRefusal } from './gdap';

export type { EmulatorClient, FederatedCredential, FederatedTokenOptions } from './tokens';
export type { Fault, FaultCommand, FaultRule, RateLimit, RouteGroup } from './faults';
export { FaultController, GRAPH_LIMITS } from './faults';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default: `generateTenant()`. */
  dataset?: TenantDataset;
  /** Registered apps; default one confidential client with all six security permissions, app-only and delegated. */
  clients?: EmulatorClient[];
  /** Added to every request (benchmarks use 80). */
  latencyMs?: number;
  /** Concurrent requests per (app, tenant, group); excess gets 429 + Retry-After. */
  concurrency?: Partial<Record<RouteGroup, number>>;
  /** Token bucket per (app, tenant, group); an empty bucket gets 429 with a fractional Retry-After. */
  rateLimits?: Partial<Record<RouteGroup, RateLimit>>;
  /** Passed to the engine; `baseUrl` defaults to the emulator URL, `interceptor` runs after the emulator's own. */
  engine?: Partial<EngineOptions>;
  /** Access-token lifetime (default 3600). */
  tokenLifetimeSeconds?: number;
  /** Device-code polls answered `authorization_pending` before approval (default 1). */
  deviceCodePolls?: number;
  /** Seed for probabilistic faults (default 1). */
  seed?: number;
  /** Reuse TLS material (e.g. a CA a long-lived process already trusts); left in place on stop. */
  certificates?: ServerCertificates;
}

export interface RequestLogEntry {
  seq: number;
  /** ISO time the request arrived. */
  time: string;
  method: string;
  /** Path and query as sent; inner `$batch` requests get the outer version prefix. */
  path: string;
  /** 0 when the connection was dropped without an answer. */
  status: number;
  durationMs: number;
  /** Inner request of a `$batch` (not a round trip of its own). */
  inBatch: boolean;
  /** `appid` of the bearer token, for Graph requests. */
  clientId?: string;
  /** `tid` of the bearer token: whose data Graph answered with (a token never reaches another tenant's data). */
  tenantId?: string;
  /** `scp` of a delegated bearer token: the permissions it carried (absent for app-only tokens). */
  scopes?: string;
  fault?: FaultKind;
  throttled?: boolean;
  /** The JSON body of a Graph write (not of `$batch` itself: its inner writes carry their own), so tests can check exactly what was sent. */
  body?: unknown;
}

export interface Emulator {
  /** `https://127.0.0.1:PORT`: both graphEndpoint and authorityHost. */
  url: string;
  caCertPath: string;
  tenantId: string;
  /** The engine serving Graph now (`reset` makes a fresh one). */
  readonly engine: GraphEngine;
  faults: FaultController;
  /** Live log of every request except `/_emulator/*`. */
  requests: RequestLogEntry[];
  /** Every access token handed out. */
  issuedTokens: string[];
  clients: EmulatorClient[];
  /** The outside OIDC issuer (`<url>/federation`) that federated credentials trust by default. */
  federationIssuer: string;
  /** A token of that issuer, as GitHub Actions or Azure Pipelines writes it for workload identity federation. */
  mintFederatedToken(options: FederatedTokenOptions): string;
  /** Clears faults, consent revocations, throttle state and the request log, and restores the original data. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_CLIENT_ID = '8c9a5e1d-3f27-4b6c-9d0e-51a4f7c2b8e3';
const DEFAULT_WARNING = 'Microsoft/WDATP/401/228';
const MAX_BODY_BYTES = 8 * 1024 * 1024;

const STATUS_DEFAULTS: Record<number, [code: string, message: string]> = {
  400: ['BadRequest', 'The request is malformed or incorrect.'],
  401: ['InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'],
  403: ['Forbidden', 'Insufficient privileges to complete the operation.'],
  404: ['itemNotFound', 'The requested resource does not exist.'],
  429: ['TooManyRequests', 'Please retry again later.'],
  500: ['generalException', 'An unexpected error occurred.'],
  502: ['BadGateway', 'The service received an invalid response from an upstream server.'],
  503: ['serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.'],
  504: ['GatewayTimeout', 'The security provider did not answer in time.'],
};

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  entry: RequestLogEntry;
  started: number;
  headers: Record<string, string>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const certificates = options.certificates ?? (await createServerCertificates());
  const [key, cert] = await Promise.all([readFile(certificates.keyPath), readFile(certificates.certPath)]);
  const dataset = options.dataset ?? generateTenant();
  const pristine = structuredClone(dataset);
  const latencyMs = options.latencyMs ?? 0;
  const clients = options.clients ?? [defaultClient()];
  const requests: RequestLogEntry[] = [];
  let seq = 0;

  const sockets = new Set<Socket>();
  const server = createServer({ key, cert });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  let port = options.port ?? 0;
  let stopped = false;
  // Listener changes run one at a time: offline/online can be requested from several places at once.
  let network = Promise.resolve();
  const serially = (op: () => Promise<void>) => (network = network.then(op, op));
  const listen = () => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const goOffline = () => serially(async () => {
    if (!server.listening) {
      return;
    }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    sockets.forEach((s) => s.destroy());
    await closed;
  });
  const goOnline = () => serially(async () => {
    if (!server.listening && !stopped) {
      await listen();
    }
  });

  await listen();
  port = (server.address() as { port: number }).port;
  const url = `https://127.0.0.1:${port}`;

  const faults = new FaultController({ goOffline, goOnline }, options.seed ?? 1);
  const tokens = new TokenService({
    url,
    tenantId: dataset.tenantId,
    domain: dataset.domain,
    defaultUpn: dataset.signedInUser,
    clients,
    faults,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    deviceCodePolls: options.deviceCodePolls ?? 1,
    customers: dataset.customerTenants,
  });
  const throttle = new Throttle(options.concurrency ?? {}, options.rateLimits ?? {}, Math.max(0.1, latencyMs / 1000));

  // The Graph request being answered: inner $batch requests are throttled as its app, and hold
  // their concurrency slots until it is answered.
  // `faulted` lists the inner requests a fault hit, for the request log.
  let current: { app: string; tenant: string; held: Array<() => void>; faulted: Array<{ method: string; url: string; kind: FaultKind }> } | undefined;

  const interceptor: RequestInterceptor = (req, caller, context) => {
    const gdap = context.inBatch ? gdapRefusal(pristine, caller, req) : undefined;
    if (gdap) {
      return gdap;
    }
    if (context.inBatch && current) {
      const clientRequestId = findHeader(req.headers, 'client-request-id');
      const fault = faults.match(req.method, req.url, true);
      if (fault) {
        current.faulted.push({ method: req.method.toUpperCase(), url: req.url, kind: fault.kind });
      }
      if (fault?.kind === 'status') {
        return statusFault(fault, clientRequestId);
      }
      if (fault?.kind === 'failAfterWrite') {
        // The write lands (the engine answers as outside a batch; this interceptor lets it through), then the error.
        engine.handle(req, caller);
        return statusFault({ kind: 'status', status: fault.status }, clientRequestId);
      }
      const group = routeGroupOf(req.url);
      const admission = group && throttle.enter(current.app, current.tenant, group);
      if (admission && 'retryAfter' in admission) {
        return tooManyRequests(admission.retryAfter, clientRequestId);
      }
      if (admission) {
        current.held.push(admission.release);
      }
    }
    return options.engine?.interceptor?.(req, caller, context);
  };
  const createEngine = (data: TenantDataset) => new GraphEngine(data, { baseUrl: url, ...options.engine, interceptor });
  let engine = createEngine(dataset);

  /** `hold`: the inner requests' concurrency slots go there instead of being released at once. */
  const runEngine = (request: EngineRequest, caller: Caller, app: string, hold?: Array<() => void>): { response: EngineResponse; faulted: NonNullable<typeof current>['faulted'] } => {
    const context: NonNullable<typeof current> = { app, tenant: caller.tenantId, held: [], faulted: [] };
    current = context;
    try {
      return { response: engine.handle(request, caller), faulted: context.faulted };
    } catch (err) {
      return { response: graphErrorResponse(500, 'generalException', `The emulator's engine failed: ${err instanceof Error ? err.message : String(err)}`), faulted: context.faulted };
    } finally {
      if (hold) {
        hold.push(...context.held);
      } else {
        context.held.forEach((release) => release());
      }
      current = undefined;
    }
  };

  const log = (entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry => {
    const logged = { seq: ++seq, ...entry };
    requests.push(logged);
    return logged;
  };

  const send = (x: Exchange, response: EngineResponse): void => {
    x.entry.status = response.status;
    x.entry.durationMs = Math.round(performance.now() - x.started);
    if (x.res.destroyed) {
      return;
    }
    const hasBody = response.body !== undefined && response.status !== 204;
    const payload = !hasBody ? undefined : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    const headers = { ...response.headers };
    if (hasBody && !findHeader(headers, 'content-type')) {
      headers['Content-Type'] = typeof response.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
    }
    x.res.writeHead(response.status, headers);
    x.res.end(payload);
  };

  /** Graph's correlation headers on every Graph answer. */
  const sendGraph = (x: Exchange, response: EngineResponse): void => {
    const headers = { ...response.headers };
    const requestId = findHeader(headers, 'request-id') ?? randomUUID();
    setHeader(headers, 'request-id', requestId);
    setHeader(headers, 'client-request-id', x.headers['client-request-id'] ?? findHeader(headers, 'client-request-id') ?? requestId);
    if (response.body !== undefined && response.status !== 204 && !findHeader(headers, 'content-type')) {
      headers['Content-Type'] = 'application/json';
    }
    send(x, { ...response, headers });
  };

  const drop = (x: Exchange): void => {
    x.entry.status = 0;
    x.entry.durationMs = Math.round(performance.now() - x.started);
    x.req.socket.destroy();
  };

  const logBatch = (x: Exchange, request: EngineRequest, response: EngineResponse, faulted: Array<{ method: string; url: string; kind: FaultKind }>): void => {
    const responses = (response.body as { responses?: Array<{ id: unknown; status: number }> } | undefined)?.responses;
    const inner = (request.body as { requests?: Array<{ id: unknown; method?: string; url?: string; body?: unknown }> } | undefined)?.requests;
    if (!Array.isArray(responses) || !Array.isArray(inner)) {
      return;
    }
    const version = /^\/(v1\.0|beta)/i.exec(x.entry.path)?.[0] ?? '';
    const byId = new Map(inner.map((r) => [String(r.id).toLowerCase(), r]));
    for (const r of responses) {
      const sent = byId.get(String(r.id).toLowerCase());
      const innerUrl = sent?.url ?? '';
      const method = (sent?.method ?? '').toUpperCase();
      const path = /^https?:/i.test(innerUrl) ? innerUrl : `${version}/${innerUrl.replace(/^\/+/, '')}`;
      const hit = faulted.findIndex((f) => f.method === method && f.url === path);
      const fault = hit >= 0 ? faulted.splice(hit, 1)[0].kind : undefined;
      log({
        time: x.entry.time, method, path, status: r.status, durationMs: 0, inBatch: true,
        clientId: x.entry.clientId, tenantId: x.entry.tenantId, ...(x.entry.scopes !== undefined ? { scopes: x.entry.scopes } : {}), ...(fault ? { fault } : {}),
        ...(method !== 'GET' && sent?.body !== undefined ? { body: sent.body } : {}),
      });
    }
  };

  const answerFromEngine = (x: Exchange, request: EngineRequest, caller: Caller, app: string, hold?: Array<() => void>): EngineResponse => {
    const { response, faulted } = runEngine(request, caller, app, hold);
    if (isBatchPath(request.url)) {
      logBatch(x, request, response, faulted);
    }
    return response;
  };

  const applyFault = async (x: Exchange, fault: Fault, request: EngineRequest, caller: Caller, app: string): Promise<void> => {
    switch (fault.kind) {
      case 'status': {
        const response = statusFault(fault, x.headers['client-request-id']);
        return sendGraph(x, fault.status === 401 ? withChallenge(response, url) : response);
      }
      case 'reset':
        return drop(x);
      case 'offline':
        drop(x);
        return faults.goOffline(fault.ms);
      case 'expireToken':
        faults.expireTokens();
        return sendGraph(x, withChallenge(graphErrorResponse(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'), url));
      case 'failAfterWrite':
        answerFromEngine(x, request, caller, app);
        return sendGraph(x, statusFault({ kind: 'status', status: fault.status }, x.headers['client-request-id']));
      case 'delay':
        await sleep(fault.ms);
        return sendGraph(x, answerFromEngine(x, request, caller, app));
      case 'malformed': {
        const response = answerFromEngine(x, request, caller, app);
        const text = JSON.stringify(response.body ?? {});
        return sendGraph(x, { ...response, body: text.slice(0, Math.floor(text.length / 2)) });
      }
      case 'partial': {
        const response = answerFromEngine(x, request, caller, app);
        if (response.status !== 200) {
          return sendGraph(x, response);
        }
        const warning = (fault.warnings?.length ? fault.warnings : [DEFAULT_WARNING]).map((w) => `199 - "${w}"`).join(', ');
        const body = fault.empty && isCollection(response.body) ? { ...response.body, value: [] } : response.body;
        return sendGraph(x, { status: 206, headers: { ...response.headers, Warning: warning }, body });
      }
      case 'loopNextLink':
      case 'repeatItems': {
        const response = answerFromEngine(x, request, caller, app);
        if (!isCollection(response.body)) {
          return sendGraph(x, response);
        }
        const body = fault.kind === 'loopNextLink'
          ? { ...response.body, '@odata.nextLink': `${url}${x.entry.path}` }
          : { ...response.body, value: [...response.body.value, ...response.body.value.slice(0, fault.count ?? 1)] };
        return sendGraph(x, { ...response, body });
      }
    }
  };

  const serveGraph = async (x: Exchange, body: unknown): Promise<void> => {
    const auth = tokens.authenticate(x.headers.authorization);
    if (!auth.ok) {
      await sleep(latencyMs);
      const response = graphErrorResponse(auth.status, auth.code, auth.message);
      return sendGraph(x, auth.status === 401 ? withChallenge(response, url) : response);
    }
    const app = auth.claims.appid;
    x.entry.clientId = app;
    x.entry.tenantId = auth.caller.tenantId;
    if (auth.claims.scp !== undefined) {
      x.entry.scopes = auth.claims.scp;
    }
    const request: EngineRequest = { method: x.entry.method, url: x.entry.path, headers: x.headers, body };
    const gdap = gdapRefusal(pristine, auth.caller, request);
    if (gdap) {
      await sleep(latencyMs);
      return sendGraph(x, gdap);
    }
    const fault = faults.match(request.method, request.url, false);
    if (fault) {
      x.entry.fault = fault.kind;
      await sleep(latencyMs);
      return applyFault(x, fault, request, auth.caller, app);
    }
    if (isBatchPath(request.url)) {
      // Graph runs a batch's requests in parallel, each as a request of its own: each takes its
      // rate-limit token and holds its concurrency slot for the same service time (the latency).
      const held: Array<() => void> = [];
      try {
        const response = answerFromEngine(x, request, auth.caller, app, held);
        await sleep(latencyMs);
        return sendGraph(x, response);
      } finally {
        held.forEach((release) => release());
      }
    }
    const group = routeGroupOf(request.url);
    const admission = group && throttle.enter(app, auth.caller.tenantId, group);
    try {
      // Latency is service time: a request holds its concurrency slot meanwhile.
      await sleep(latencyMs);
      if (admission && 'retryAfter' in admission) {
        x.entry.throttled = true;
        return sendGraph(x, tooManyRequests(admission.retryAfter, x.headers['client-request-id']));
      }
      return sendGraph(x, answerFromEngine(x, request, auth.caller, app));
    } finally {
      if (admission && 'release' in admission) {
        admission.release();
      }
    }
  };

  const emulator: Emulator = {
    url,
    caCertPath: certificates.caCertPath,
    tenantId: dataset.tenantId,
    get engine() {
      return engine;
    },
    faults,
    requests,
    issuedTokens: tokens.issuedTokens,
    clients,
    federationIssuer: tokens.federationIssuer,
    mintFederatedToken: (o) => tokens.mintFederatedToken(o),
    async reset() {
      await faults.reset();
      throttle.reset();
      requests.length = 0;
      engine = createEngine(structuredClone(pristine));
    },
    async stop() {
      stopped = true;
      faults.dispose();
      await goOffline();
      if (!options.certificates) {
        await rm(certificates.dir, { recursive: true, force: true });
      }
    },
  };

  const control = async (req: IncomingMessage, res: ServerResponse, target: URL, text: string): Promise<void> => {
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'Content-Type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const route = `${req.method} ${target.pathname}`;
    if (route === 'GET /_emulator/info') {
      return reply(200, {
        url, tenantId: dataset.tenantId, caCertPath: certificates.caCertPath, clients,
        environment: extensionEnvironment(emulator), settings: extensionSettings(emulator),
      });
    }
    if (route === 'GET /_emulator/requests') {
      const since = Number(target.searchParams.get('since') ?? 0);
      return reply(200, requests.filter((r) => r.seq > since));
    }
    if (route === 'GET /_emulator/faults') {
      return reply(200, { rules: describeRules(faults) });
    }
    if (route === 'POST /_emulator/faults') {
      let command: FaultCommand;
      try {
        command = JSON.parse(text || '{}') as FaultCommand;
        const { offlineMs, ...now } = command;
        await faults.apply(now);
        if (offlineMs !== undefined) {
          // Answer first, then drop the listener (this very connection included).
          res.setHeader('Connection', 'close');
          res.once('finish', () => void faults.goOffline(offlineMs));
        }
      } catch (err) {
        return reply(400, { error: err instanceof Error ? err.message : String(err) });
      }
      return reply(200, { rules: describeRules(faults) });
    }
    if (route === 'POST /_emulator/reset') {
      await emulator.reset();
      return reply(204);
    }
    return reply(404, { error: `No emulator control route ${route}.` });
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const target = new URL(req.url ?? '/', url);
      const text = await readBody(req);
      if (target.pathname.startsWith('/_emulator/')) {
        return control(req, res, target, text ?? '');
      }
      const x: Exchange = {
        req, res, started: performance.now(), headers: flattenHeaders(req),
        entry: log({ time: new Date().toISOString(), method: (req.method ?? 'GET').toUpperCase(), path: req.url ?? '/', status: 0, durationMs: 0, inBatch: false }),
      };
      if (text === undefined) {
        return sendGraph(x, graphErrorResponse(413, 'RequestEntityTooLarge', 'The request body is too large.'));
      }
      if (/^\/(v1\.0|beta)(\/|\?|$)/i.test(target.pathname)) {
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          return sendGraph(x, graphErrorResponse(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.'));
        }
        if (x.entry.method !== 'GET' && body !== undefined && !isBatchPath(x.entry.path)) {
          x.entry.body = body;
        }
        return serveGraph(x, body);
      }
      const answer = tokens.handle(x.entry.method, target.pathname, new URLSearchParams(text), x.headers);
      await sleep(latencyMs);
      send(x, answer ?? graphErrorResponse(404, 'NotFound', `The emulator has no route ${target.pathname}.`));
    })().catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
      }
      res.end(`Emulator failure: ${err instanceof Error ? err.stack : String(err)}`);
    });
  });

  return emulator;
}

/** Environment for a process (the VS Code extension host) that signs in with `authMethod: environment`. */
export function extensionEnvironment(emulator: Emulator, client: EmulatorClient = emulator.clients[0]): Record<string, string> {
  const env: Record<string, string> = {
    NODE_EXTRA_CA_CERTS: emulator.caCertPath,
    AZURE_TENANT_ID: emulator.tenantId,
    AZURE_CLIENT_ID: client.clientId,
    AZURE_AUTHORITY_HOST: emulator.url,
  };
  if (client.secret) {
    env.AZURE_CLIENT_SECRET = client.secret;
  }
  return env;
}

/** User settings that point the extension at the emulator. */
export function extensionSettings(emulator: Emulator, client: EmulatorClient = emulator.clients[0]): Record<string, unknown> {
  return {
    'securityPosture.dataSource': 'graph',
    'securityPosture.cloud': 'Custom',
    'securityPosture.customCloud.graphEndpoint': emulator.url,
    'securityPosture.customCloud.authorityHost': emulator.url,
    'securityPosture.tenantId': emulator.tenantId,
    'securityPosture.clientId': client.clientId,
    'securityPosture.authMethod': 'environment',
    // VS Code's network layer otherwise replaces NODE_EXTRA_CA_CERTS with the system store.
    'http.systemCertificates': false,
  };
}

/** The app the emulator registers when given none: all security and partner permissions, app-only and delegated. */
export function defaultClient(): EmulatorClient {
  return {
    clientId: DEFAULT_CLIENT_ID,
    secret: `emu8Q~${randomBytes(27).toString('base64url')}`,
    roles: [...SECURITY_PERMISSIONS, ...PARTNER_DIRECTORY_PERMISSIONS],
    // A partner user's delegated sign-in reads GDAP relationships and contracts too (the Customers view).
    delegatedScopes: [...SECURITY_PERMISSIONS, ...PARTNER_DIRECTORY_PERMISSIONS],
  };
}

function statusFault(fault: Extract<Fault, { kind: 'status' }>, clientRequestId: string | undefined): EngineResponse {
  const [code, message] = STATUS_DEFAULTS[fault.status] ?? ['UnknownError', `Injected status ${fault.status}.`];
  const retryAfter = fault.retryAfter === undefined ? (fault.status === 429 ? '1' : undefined) : fault.retryAfter ?? undefined;
  const response = graphErrorResponse(fault.status, fault.code ?? code, fault.message ?? message, {
    clientRequestId,
    headers: { ...(retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {}), ...fault.headers },
  });
  return fault.status === 429 ? withThrottleDetail(response) : response;
}

function tooManyRequests(retryAfter: string, clientRequestId: string | undefined): EngineResponse {
  return withThrottleDetail(graphErrorResponse(429, 'TooManyRequests', 'Please retry again later.', { clientRequestId, headers: { 'Retry-After': retryAfter } }));
}

/** Graph's 429 innerError carries the status again (graph-api.md §1.2). */
function withThrottleDetail(response: EngineResponse): EngineResponse {
  const body = response.body as GraphErrorBody;
  body.error.innerError = { ...body.error.innerError, code: '429', message: 'Please retry after', status: '429' };
  return response;
}

/** Graph's 401s name the authority to get a token from. */
function withChallenge(response: EngineResponse, url: string): EngineResponse {
  return {
    ...response,
    headers: { ...response.headers, 'WWW-Authenticate': `Bearer realm="", authorization_uri="${url}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"` },
  };
}

function describeRules(faults: FaultController): unknown[] {
  return faults.rules.map((r) => ({ ...r, path: r.path instanceof RegExp ? r.path.source : r.path }));
}

function isCollection(body: unknown): body is { value: unknown[] } & Record<string, unknown> {
  return typeof body === 'object' && body !== null && Array.isArray((body as { value?: unknown }).value);
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) {
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return headers;
}

function findHeader(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  for (const k of Object.keys(headers)) {
    if (k.toLowerCase() === name) {
      delete headers[k];
    }
  }
  headers[name] = value;
}

/** The body as text, or undefined when larger than MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
