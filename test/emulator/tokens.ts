// An Entra-like authority for the emulator: OpenID discovery, JWKS, the v2.0 token endpoint (client
// credentials with secret, certificate assertion or a federated token, device code, refresh token) and
// access-token checks on the Graph side. Shapes follow what MSAL node reads, so the real
// @azure/identity can sign in here. A second, outside issuer (`/federation`, like GitHub Actions' or
// Azure Pipelines' OIDC issuer) mints the tokens that workload identity federation exchanges.

import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, verify, constants as cryptoConstants, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { SampleCustomerSpec } from '../../src/sample/dataset';
import { signInRefusal } from '../../src/sample/relationships';
import type { Caller, EngineResponse } from '../../src/sample/protocol';
import { thumbprints } from './certs';
import type { FaultController } from './faults';

export const SECURITY_PERMISSIONS = [
  'SecurityEvents.Read.All',
  'SecurityEvents.ReadWrite.All',
  'SecurityAlert.Read.All',
  'SecurityAlert.ReadWrite.All',
  'PartnerSecurity.Read.All',
  'PartnerSecurity.ReadWrite.All',
] as const;

/** What a partner's discovery reads: GDAP relationships and contracts. */
export const PARTNER_DIRECTORY_PERMISSIONS = ['DelegatedAdminRelationship.Read.All', 'Directory.Read.All'] as const;

/** An app registration known to the emulator. */
export interface EmulatorClient {
  clientId: string;
  secret?: string;
  /** Public certificate (PEM) whose key signs client assertions. */
  certificatePem?: string;
  /** Application permissions granted to the app (the `roles` claim of app-only tokens). */
  roles: string[];
  /** Delegated permissions consented for the app; without them public-client flows are refused. */
  delegatedScopes?: string[];
  /**
   * Of `delegatedScopes`, those each user consents to per tenant at an interactive sign-in (Entra's
   * incremental consent): until a device code in that tenant asked for one, redeeming a refresh
   * token for it there gets AADSTS65001. Default none: all of `delegatedScopes` are consented for everyone.
   */
  userConsentScopes?: string[];
  /** The user who "approves" device codes for this app (default: the dataset's signed-in user). */
  upn?: string;
  /** Federated identity credentials: outside tokens this app accepts as its client assertion. */
  federatedCredentials?: FederatedCredential[];
}

/** As in Entra: issuer, subject and audience must each match exactly (case-sensitive). */
export interface FederatedCredential {
  /** Default: the emulator's own outside issuer (`<url>/federation`). */
  issuer?: string;
  subject: string;
  /** Default: Entra's recommended `api://AzureADTokenExchange`. */
  audiences?: string[];
}

export interface FederatedTokenOptions {
  subject: string;
  audience?: string;
  lifetimeSeconds?: number;
  /** Sign with another key than the issuer publishes (a forged token). */
  forged?: boolean;
}

export const FEDERATION_AUDIENCE = 'api://AzureADTokenExchange';

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  oid: string;
  sub: string;
  appid: string;
  ver: '2.0';
  jti: string;
  roles?: string[];
  scp?: string;
  upn?: string;
  name?: string;
}

export type AuthResult =
  | { ok: true; claims: AccessTokenClaims; caller: Caller }
  | { ok: false; status: 401 | 403; code: string; message: string };

export interface TokenServiceOptions {
  /** Emulator origin, e.g. `https://127.0.0.1:PORT`: authority host and the only token audience. */
  url: string;
  tenantId: string;
  /** The tenant's domain, accepted in place of its id. */
  domain: string;
  defaultUpn: string;
  clients: EmulatorClient[];
  faults: FaultController;
  tokenLifetimeSeconds: number;
  /** Polls answered `authorization_pending` before a device code is approved. */
  deviceCodePolls: number;
  /** The partner's customer tenants: tokens are issued for them too (authority `/<their id>/`). */
  customers?: SampleCustomerSpec[];
}

interface Jwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

interface DeviceCode {
  tenantId: string;
  clientId: string;
  upn: string;
  permissions: string[];
  oidcScopes: string[];
  polls: number;
  expiresAt: number;
}

interface Grant {
  tenantId: string;
  clientId: string;
  upn: string;
  permissions: string[];
  oidcScopes: string[];
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
// Entra accepts the RFC 8628 URN and the short form MSAL sends.
const DEVICE_CODE_GRANTS = new Set(['urn:ietf:params:oauth:grant-type:device_code', 'device_code']);
const DEVICE_CODE_LIFETIME_S = 900;
const CLOCK_SKEW_S = 300;

export class TokenService {
  /** Every access token handed out, in order. */
  readonly issuedTokens: string[] = [];
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly kid: string;
  /** Token id → the fault epoch it was issued in (see FaultController.expireTokens). */
  private readonly epochs = new Map<string, number>();
  private readonly deviceCodes = new Map<string, DeviceCode>();
  private readonly refreshTokens = new Map<string, Grant>();
  /** `tenant|client|user|permission` (lower case) a user consented to interactively (see `userConsentScopes`). */
  private readonly userConsents = new Set<string>();
  private readonly federationKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly federationKid = randomBytes(12).toString('base64url');
  private readonly customers = new Map<string, SampleCustomerSpec>();

  constructor(private readonly options: TokenServiceOptions) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.kid = createHash('sha256').update(pair.publicKey.export({ type: 'spki', format: 'der' })).digest('base64url').slice(0, 27);
    for (const spec of options.customers ?? []) {
      this.customers.set(spec.tenantId.toLowerCase(), spec);
      this.customers.set(spec.domain.toLowerCase(), spec);
    }
  }

  private get url(): string {
    return this.options.url;
  }

  /** The outside OIDC issuer whose tokens federated credentials trust by default. */
  get federationIssuer(): string {
    return `${this.url}/federation`;
  }

  /** A token of the outside issuer, as a CI system writes it to AZURE_FEDERATED_TOKEN_FILE. */
  mintFederatedToken(options: FederatedTokenOptions): string {
    const now = nowSeconds();
    const payload = {
      iss: this.federationIssuer, sub: options.subject, aud: options.audience ?? FEDERATION_AUDIENCE,
      iat: now, nbf: now, exp: now + (options.lifetimeSeconds ?? 600), jti: randomUUID(),
    };
    const header = { typ: 'JWT', alg: 'RS256', kid: this.federationKid };
    const input = `${base64Json(header)}.${base64Json(payload)}`;
    const key = options.forged ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : this.federationKey.privateKey;
    return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
  }

  /** Answers an authority route, or undefined when `pathname` is not one. */
  handle(method: string, pathname: string, form: URLSearchParams, headers: Record<string, string>): EngineResponse | undefined {
    const correlationId = headers['client-request-id'] ?? randomUUID();
    if (method === 'GET' && pathname === '/federation/.well-known/openid-configuration') {
      return this.ok({ issuer: this.federationIssuer, jwks_uri: `${this.federationIssuer}/keys`, id_token_signing_alg_values_supported: ['RS256'] }, correlationId);
    }
    if (method === 'GET' && pathname === '/federation/keys') {
      return this.ok({ keys: [{ ...this.federationKey.publicKey.export({ format: 'jwk' }), kid: this.federationKid, use: 'sig', alg: 'RS256' }] }, correlationId);
    }
    if (method === 'GET' && pathname === '/devicelogin') {
      return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'The emulator approves device codes by itself; nothing to do here.\n' };
    }
    const match = /^\/([^/]+)\/(?:(v2\.0\/)?\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/(token|devicecode))$/.exec(pathname);
    if (!match) {
      return undefined;
    }
    const tenant = decodeURIComponent(match[1]);
    const tenantId = this.resolveTenant(tenant);
    if (!tenantId) {
      return this.error(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, correlationId);
    }
    const endpoint = match[3];
    if (!endpoint) {
      if (method !== 'GET') {
        return this.error(405, 'invalid_request', 900561, 'The endpoint only accepts GET requests.', correlationId);
      }
      return pathname.endsWith('/keys') ? this.ok({ keys: [this.jwk()] }, correlationId) : this.ok(this.openIdConfiguration(tenant, tenantId), correlationId);
    }
    if (method !== 'POST') {
      return this.error(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.', correlationId);
    }
    return endpoint === 'devicecode' ? this.deviceCode(form, correlationId, tenantId) : this.token(form, correlationId, tenantId);
  }

  /** Checks a Graph request's `Authorization` header and turns the token into the engine's Caller. */
  authenticate(authorization: string | undefined): AuthResult {
    const unauthorized = (message: string): AuthResult => ({ ok: false, status: 401, code: 'InvalidAuthenticationToken', message });
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) {
      return unauthorized('Access token is empty.');
    }
    const jwt = decodeJwt(token);
    if (!jwt) {
      return unauthorized('CompactToken parsing failed with error code: 80049217');
    }
    if (jwt.header.alg !== 'RS256' || jwt.header.kid !== this.kid || !verify('sha256', Buffer.from(jwt.signingInput), this.publicKey, jwt.signature)) {
      return unauthorized('Access token validation failure. Invalid signature.');
    }
    const claims = jwt.payload as unknown as AccessTokenClaims;
    if (claims.aud !== this.url) {
      return unauthorized('Access token validation failure. Invalid audience.');
    }
    const now = nowSeconds();
    if (claims.exp <= now || claims.nbf > now + CLOCK_SKEW_S || this.epochs.get(claims.jti) !== this.options.faults.tokenEpoch) {
      return unauthorized('Access token has expired or is not yet valid.');
    }
    if (this.resolveTenant(claims.tid) !== claims.tid || ['organizations', 'common'].includes(claims.tid)) {
      return unauthorized('Access token validation failure. Invalid tenant.');
    }
    if (this.options.faults.isConsentRevoked(claims.appid)) {
      return { ok: false, status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' };
    }
    // The engine attributes app-only writes to `appId` when the caller carries one.
    const caller: Caller & { appId: string } = {
      appId: claims.appid,
      tenantId: claims.tid,
      upn: claims.upn ?? null,
      appOnly: claims.scp === undefined,
      permissions: claims.scp !== undefined ? claims.scp.split(' ').filter(Boolean) : claims.roles ?? [],
    };
    return { ok: true, claims, caller };
  }

  /** The tenant id an authority segment names (id, domain, or a multi-tenant alias meaning the home tenant). */
  private resolveTenant(tenant: string): string | undefined {
    const t = tenant.toLowerCase();
    if ([this.options.tenantId, this.options.domain, 'organizations', 'common'].some((known) => known.toLowerCase() === t)) {
      return this.options.tenantId;
    }
    return this.customers.get(t)?.tenantId;
  }

  /** Entra's refusals for a customer tenant: the app never consented there, or Conditional Access blocks the sign-in. */
  private refusal(tenantId: string, clientId: string, flow: 'app' | 'delegated', correlationId: string): EngineResponse | undefined {
    const spec = this.customers.get(tenantId.toLowerCase());
    switch (spec && signInRefusal(spec)) {
      case 'conditionalAccess':
        return this.error(400, 'invalid_grant', 53003, 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.', correlationId, { suberror: 'message_only' });
      case 'consentMissing':
        // App-only: no service principal in that tenant. Delegated: nobody consented for it there.
        return flow === 'app' ? this.appNotInDirectory(clientId, tenantId, correlationId) : this.consentRequired(clientId, correlationId);
      default:
        return undefined;
    }
  }

  private appNotInDirectory(clientId: string, tenantId: string, correlationId: string): EngineResponse {
    return this.error(400, 'unauthorized_client', 700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      correlationId);
  }

  private openIdConfiguration(tenant: string, tenantId: string): Record<string, unknown> {
    const base = `${this.url}/${tenant}`;
    // Like Entra: a specific tenant gets its id in the issuer, multi-tenant aliases get the placeholder.
    const specific = !['organizations', 'common'].includes(tenant.toLowerCase());
    return {
      issuer: `${this.url}/${specific ? tenantId : '{tenantid}'}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'name', 'oid', 'tid', 'preferred_username', 'ver'],
      request_uri_parameter_supported: false,
      tenant_region_scope: 'EU',
      cloud_instance_name: new URL(this.url).host,
      msgraph_host: new URL(this.url).host,
    };
  }

  private jwk(): Record<string, unknown> {
    return { ...this.publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256', kty: 'RSA' };
  }

  private token(form: URLSearchParams, correlationId: string, tenantId: string): EngineResponse {
    const grantType = form.get('grant_type');
    if (grantType === 'client_credentials') {
      return this.clientCredentials(form, correlationId, tenantId);
    }
    if (grantType !== null && DEVICE_CODE_GRANTS.has(grantType)) {
      return this.redeemDeviceCode(form, correlationId);
    }
    if (grantType === 'refresh_token') {
      return this.refresh(form, correlationId, tenantId);
    }
    return this.error(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`, correlationId);
  }

  private clientCredentials(form: URLSearchParams, correlationId: string, tenantId: string): EngineResponse {
    const client = this.authenticateClient(form, true, correlationId, tenantId);
    if (!('clientId' in client)) {
      return client;
    }
    const scopes = splitScopes(form.get('scope')).filter((s) => !OIDC_SCOPES.has(s.toLowerCase()));
    if (scopes.length !== 1 || !scopes[0].endsWith('/.default')) {
      return this.error(400, 'invalid_scope', 1002012, `The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`, correlationId);
    }
    const badResource = this.checkResource(scopes[0].slice(0, -'/.default'.length), correlationId);
    if (badResource) {
      return badResource;
    }
    if (this.options.faults.isConsentRevoked(client.clientId)) {
      return this.consentRequired(client.clientId, correlationId);
    }
    const refused = this.refusal(tenantId, client.clientId, 'app', correlationId);
    if (refused) {
      return refused;
    }
    const accessToken = this.issueAccessToken(client.clientId, tenantId, client.roles.length ? { roles: [...client.roles] } : {});
    return this.ok({ token_type: 'Bearer', expires_in: this.options.tokenLifetimeSeconds, ext_expires_in: this.options.tokenLifetimeSeconds, access_token: accessToken }, correlationId);
  }

  private deviceCode(form: URLSearchParams, correlationId: string, tenantId: string): EngineResponse {
    const client = this.authenticateClient(form, false, correlationId, tenantId);
    if (!('clientId' in client)) {
      return client;
    }
    const grant = this.delegatedGrant(client, form.get('scope'), correlationId, tenantId);
    if (!('permissions' in grant)) {
      return grant;
    }
    const deviceCode = randomBytes(32).toString('base64url');
    const userCode = randomBytes(6).toString('hex').toUpperCase().slice(0, 9);
    this.deviceCodes.set(deviceCode, { ...grant, polls: 0, expiresAt: Date.now() + DEVICE_CODE_LIFETIME_S * 1000 });
    const verificationUri = `${this.url}/devicelogin`;
    return this.ok({
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: verificationUri,
      expires_in: DEVICE_CODE_LIFETIME_S,
      interval: 1,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
    }, correlationId);
  }

  private redeemDeviceCode(form: URLSearchParams, correlationId: string): EngineResponse {
    const client = this.authenticateClient(form, false, correlationId);
    if (!('clientId' in client)) {
      return client;
    }
    const code = this.deviceCodes.get(form.get('device_code') ?? '');
    if (!code || code.clientId !== client.clientId) {
      return this.error(400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed.', correlationId);
    }
    if (code.expiresAt <= Date.now()) {
      this.deviceCodes.delete(form.get('device_code') ?? '');
      return this.error(400, 'expired_token', 70020, 'The provided value for the input parameter \'device_code\' is not valid. This device code has expired.', correlationId);
    }
    if (code.polls < this.options.deviceCodePolls) {
      code.polls += 1;
      return this.error(400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.', correlationId);
    }
    this.deviceCodes.delete(form.get('device_code') ?? '');
    const issued = this.delegatedTokens(code, correlationId);
    if (issued.status === 200) {
      // The user approved the device code: that consents to what it asked for, in that tenant.
      for (const permission of code.permissions) {
        this.userConsents.add(userConsentKey(code, permission));
      }
    }
    return issued;
  }

  private refresh(form: URLSearchParams, correlationId: string, tenantId: string): EngineResponse {
    const client = this.authenticateClient(form, false, correlationId);
    if (!('clientId' in client)) {
      return client;
    }
    const presented = form.get('refresh_token') ?? '';
    const grant = this.refreshTokens.get(presented);
    if (!grant || grant.clientId !== client.clientId) {
      return this.error(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.', correlationId);
    }
    // Each answer carries a new refresh token, but as in Entra the old one stays valid ("doesn't
    // revoke old refresh tokens when used"), so concurrent redemptions of one token all succeed.
    // Redeemed at another tenant's authority, it gives a token for that tenant (how a partner's user
    // reaches customers through GDAP) or that tenant's refusal (AADSTS65001, AADSTS53003).
    // As Entra: a refresh token redeemed for other scopes gives a token for those (if consented), not the first ones.
    const scope = form.get('scope');
    const asked = scope ? this.delegatedGrant(client, scope, correlationId, tenantId) : undefined;
    if (asked && !('permissions' in asked)) {
      return asked;
    }
    const needsConsent = (asked?.permissions ?? []).some((p) => client.userConsentScopes?.some((u) => u.toLowerCase() === p.toLowerCase())
      && !this.userConsents.has(userConsentKey({ ...grant, tenantId }, p)));
    if (needsConsent) {
      // Incremental consent: a silent request cannot ask the user; an interactive sign-in must.
      return this.consentRequired(client.clientId, correlationId);
    }
    return this.delegatedTokens({ ...grant, tenantId, ...(asked ? { permissions: asked.permissions, oidcScopes: asked.oidcScopes } : {}) }, correlationId);
  }

  private delegatedTokens(grant: Grant, correlationId: string): EngineResponse {
    if (this.options.faults.isConsentRevoked(grant.clientId)) {
      return this.consentRequired(grant.clientId, correlationId);
    }
    const { tenantId } = grant;
    const refused = this.refusal(tenantId, grant.clientId, 'delegated', correlationId);
    if (refused) {
      return refused;
    }
    const oid = stableUuid(`${tenantId}|user|${grant.upn}`);
    const name = grant.upn.split('@')[0];
    const accessToken = this.issueAccessToken(grant.clientId, tenantId, { scp: grant.permissions.join(' '), upn: grant.upn, name, oid });
    const refreshToken = randomBytes(48).toString('base64url');
    this.refreshTokens.set(refreshToken, grant);
    const now = nowSeconds();
    const idToken = this.sign({
      aud: grant.clientId, iss: `${this.url}/${tenantId}/v2.0`, iat: now, nbf: now, exp: now + this.options.tokenLifetimeSeconds,
      name, oid, preferred_username: grant.upn, sub: oid, tid: tenantId, ver: '2.0',
    });
    // client_info names the user's home account (the partner's tenant) whichever tenant the token is
    // for: MSAL files every tenant's tokens under that one account.
    const home = this.options.tenantId;
    const clientInfo = Buffer.from(JSON.stringify({ uid: stableUuid(`${home}|user|${grant.upn}`), utid: home })).toString('base64url');
    return this.ok({
      token_type: 'Bearer',
      scope: [...grant.permissions.map((p) => `${this.url}/${p}`), ...grant.oidcScopes].join(' '),
      expires_in: this.options.tokenLifetimeSeconds,
      ext_expires_in: this.options.tokenLifetimeSeconds,
      access_token: accessToken,
      refresh_token: refreshToken,
      id_token: idToken,
      client_info: clientInfo,
    }, correlationId);
  }

  /** Scopes of a delegated request → the consented permissions, or an Entra error. */
  private delegatedGrant(client: EmulatorClient, scope: string | null, correlationId: string, tenantId: string): Grant | EngineResponse {
    if (!client.delegatedScopes?.length) {
      // What Entra says when "Allow public client flows" is off for a confidential app.
      return this.error(401, 'invalid_client', 7000218, 'The request body must contain the following parameter: \'client_assertion\' or \'client_secret\'.', correlationId);
    }
    const requested = splitScopes(scope);
    const oidcScopes = requested.filter((s) => OIDC_SCOPES.has(s.toLowerCase()));
    const permissions = new Set<string>();
    for (const s of requested.filter((r) => !OIDC_SCOPES.has(r.toLowerCase()))) {
      const slash = s.lastIndexOf('/');
      // A bare permission name means Microsoft Graph, as in Entra.
      const resource = slash < 0 ? 'https://graph.microsoft.com' : s.slice(0, slash);
      const refused = this.checkResource(resource, correlationId);
      if (refused) {
        return refused;
      }
      const name = s.slice(slash + 1);
      if (name === '.default') {
        client.delegatedScopes.forEach((p) => permissions.add(p));
        continue;
      }
      const consented = client.delegatedScopes.find((p) => p.toLowerCase() === name.toLowerCase());
      if (!consented) {
        return this.consentRequired(client.clientId, correlationId);
      }
      permissions.add(consented);
    }
    if (!permissions.size) {
      return this.error(400, 'invalid_scope', 70011, 'The provided request must include a \'scope\' input parameter.', correlationId);
    }
    return { tenantId, clientId: client.clientId, upn: client.upn ?? this.options.defaultUpn, permissions: [...permissions], oidcScopes };
  }

  /** Tokens are per cloud: only this emulator's own URL is a resource here. */
  private checkResource(resource: string, correlationId: string): EngineResponse | undefined {
    if (resource.replace(/\/+$/, '').toLowerCase() === this.url.toLowerCase()) {
      return undefined;
    }
    return this.error(400, 'invalid_resource', 500011,
      `The resource principal named ${resource} was not found in the tenant named ${this.options.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant. (This emulated cloud issues tokens only for ${this.url}.)`,
      correlationId);
  }

  /** Finds the client and checks its secret or certificate assertion; `required` for confidential-only grants. */
  private authenticateClient(form: URLSearchParams, required: boolean, correlationId: string, tenantId = this.options.tenantId): EmulatorClient | EngineResponse {
    const clientId = form.get('client_id');
    if (!clientId) {
      return this.error(400, 'invalid_request', 900144, 'The request body must contain the following parameter: \'client_id\'.', correlationId);
    }
    const client = this.options.clients.find((c) => c.clientId.toLowerCase() === clientId.toLowerCase());
    if (!client) {
      return this.error(400, 'unauthorized_client', 700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        correlationId);
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (client.secret === undefined || secret !== client.secret) {
        return this.error(401, 'invalid_client', 7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
          correlationId);
      }
      return client;
    }
    if (assertion !== null) {
      if (form.get('client_assertion_type') !== JWT_BEARER) {
        return this.error(400, 'invalid_request', 700024, `client_assertion_type must be '${JWT_BEARER}'.`, correlationId);
      }
      return this.checkAssertion(client, assertion, correlationId) ?? client;
    }
    if (required) {
      return this.error(401, 'invalid_client', 7000218, 'The request body must contain the following parameter: \'client_assertion\' or \'client_secret\'.', correlationId);
    }
    return client;
  }

  /**
   * RFC 7523 client assertion as MSAL makes it: x5t or x5t#S256 header, RS256 or PS256, aud = token
   * endpoint. An assertion issued by someone other than the app itself is a federated token.
   */
  private checkAssertion(client: EmulatorClient, assertion: string, correlationId: string): EngineResponse | undefined {
    const invalid = (code: number, message: string) => this.error(401, 'invalid_client', code, message, correlationId);
    const jwt = decodeJwt(assertion);
    if (!jwt) {
      return invalid(50027, 'JWT token is invalid or malformed.');
    }
    if (jwt.payload.iss !== client.clientId) {
      return this.checkFederated(client, jwt, invalid);
    }
    const presented = (jwt.header['x5t#S256'] ?? jwt.header.x5t) as string | undefined;
    const registered = client.certificatePem ? thumbprints(client.certificatePem) : undefined;
    if (!registered || (jwt.header.x5t !== registered.x5t && jwt.header['x5t#S256'] !== registered.x5tS256)) {
      const hex = presented ? Buffer.from(presented, 'base64url').toString('hex').toUpperCase() : '';
      return invalid(700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${hex}']`);
    }
    const key = new X509Certificate(client.certificatePem as string).publicKey;
    const data = Buffer.from(jwt.signingInput);
    const valid =
      jwt.header.alg === 'RS256' ? verify('sha256', data, key, jwt.signature)
        : jwt.header.alg === 'PS256' ? verify('sha256', data, { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: cryptoConstants.RSA_PSS_SALTLEN_AUTO }, jwt.signature)
          : false;
    if (!valid) {
      return invalid(700027, 'Client assertion failed signature validation.');
    }
    const claims = jwt.payload;
    if (claims.iss !== client.clientId || claims.sub !== client.clientId) {
      return invalid(700021, 'Client assertion application identifier doesn\'t match \'client_id\' parameter.');
    }
    const audience = typeof claims.aud === 'string' ? claims.aud.split('?')[0] : '';
    if (!audience.startsWith(`${this.url}/`) || !audience.endsWith('/oauth2/v2.0/token')) {
      return invalid(700212, `Client assertion audience '${audience}' is not this authority's token endpoint.`);
    }
    const now = nowSeconds();
    if (typeof claims.exp !== 'number' || claims.exp <= now - CLOCK_SKEW_S || (typeof claims.nbf === 'number' && claims.nbf > now + CLOCK_SKEW_S)) {
      return invalid(700024, 'Client assertion is not within its valid time range.');
    }
    return undefined;
  }

  /**
   * Workload identity federation: the outside token must come from an issuer of one of the app's
   * federated credentials, be signed with that issuer's published key, be within its lifetime, and
   * match that credential's subject and audience exactly (Entra's messages, AADSTS700211-700213).
   */
  private checkFederated(client: EmulatorClient, jwt: Jwt, invalid: (code: number, message: string) => EngineResponse): EngineResponse | undefined {
    const claims = jwt.payload;
    const see = 'Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation';
    const credentials = (client.federatedCredentials ?? []).filter((f) => (f.issuer ?? this.federationIssuer) === claims.iss);
    if (credentials.length === 0) {
      return invalid(700211, `No matching federated identity record found for presented assertion issuer '${String(claims.iss)}'. ${see}`);
    }
    // Only the emulator's own issuer publishes keys here; another issuer's keys cannot be fetched.
    if (claims.iss !== this.federationIssuer) {
      return invalid(50166, `Request to External OIDC endpoint failed. The issuer '${String(claims.iss)}' did not publish signing keys.`);
    }
    if (jwt.header.alg !== 'RS256' || jwt.header.kid !== this.federationKid || !verify('sha256', Buffer.from(jwt.signingInput), this.federationKey.publicKey, jwt.signature)) {
      return invalid(50013, 'Assertion failed signature validation. [Reason - The key was not found or the signature did not verify.]');
    }
    const now = nowSeconds();
    if (typeof claims.exp !== 'number' || claims.exp <= now - CLOCK_SKEW_S || (typeof claims.nbf === 'number' && claims.nbf > now + CLOCK_SKEW_S)) {
      const at = (t: unknown) => (typeof t === 'number' ? new Date(t * 1000).toISOString() : 'none');
      return invalid(700024, `Client assertion is not within its valid time range. Current time: ${at(now)}, assertion valid from ${at(claims.nbf)}, expiry time of assertion ${at(claims.exp)}.`);
    }
    const subject = String(claims.sub);
    const bySubject = credentials.filter((f) => f.subject === subject);
    if (bySubject.length === 0) {
      const caseOnly = credentials.some((f) => f.subject.toLowerCase() === subject.toLowerCase());
      return caseOnly
        ? invalid(7002138, `No matching federated identity record found for presented assertion subject '${subject}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison. ${see}`)
        : invalid(700213, `No matching federated identity record found for presented assertion subject '${subject}'. ${see}`);
    }
    const audiences = ([] as unknown[]).concat(claims.aud);
    if (!bySubject.some((f) => (f.audiences ?? [FEDERATION_AUDIENCE]).some((a) => audiences.includes(a)))) {
      return invalid(700212, `No matching federated identity record found for presented assertion audience '${audiences.join(', ')}'. ${see}`);
    }
    return undefined;
  }

  private issueAccessToken(clientId: string, tenantId: string, extra: Partial<AccessTokenClaims>): string {
    const { tokenLifetimeSeconds } = this.options;
    const now = nowSeconds();
    const oid = extra.oid ?? stableUuid(`${tenantId}|app|${clientId.toLowerCase()}`);
    const claims: AccessTokenClaims = {
      aud: this.url, iss: `${this.url}/${tenantId}/v2.0`, iat: now, nbf: now, exp: now + tokenLifetimeSeconds,
      tid: tenantId, oid, sub: oid, appid: clientId, ver: '2.0', jti: randomUUID(), ...extra,
    };
    const token = this.sign(claims);
    this.epochs.set(claims.jti, this.options.faults.tokenEpoch);
    this.issuedTokens.push(token);
    return token;
  }

  private sign(payload: object): string {
    const header = { typ: 'JWT', alg: 'RS256', kid: this.kid };
    const input = `${base64Json(header)}.${base64Json(payload)}`;
    return `${input}.${sign('sha256', Buffer.from(input), this.privateKey).toString('base64url')}`;
  }

  private consentRequired(clientId: string, correlationId: string): EngineResponse {
    return this.error(400, 'invalid_grant', 65001,
      `The user or administrator has not consented to use the application with ID '${clientId}'. Send an interactive authorization request for this user and resource.`,
      correlationId, { suberror: 'consent_required' });
  }

  private ok(body: object, correlationId: string): EngineResponse {
    return { status: 200, headers: this.headers(correlationId), body };
  }

  /** An Entra error body: AADSTS code in the description, with trace and correlation ids. */
  private error(status: number, error: string, code: number, description: string, correlationId: string, extra: Record<string, string> = {}): EngineResponse {
    const traceId = randomUUID();
    const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    return {
      status,
      headers: this.headers(correlationId),
      body: {
        error,
        error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${this.url}/error?code=${code}`,
        ...extra,
      },
    };
  }

  private headers(correlationId: string): Record<string, string> {
    return {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store, no-cache',
      Pragma: 'no-cache',
      'client-request-id': correlationId,
      'x-ms-request-id': randomUUID(),
    };
  }
}

function userConsentKey(grant: { tenantId: string; clientId: string; upn: string }, permission: string): string {
  return [grant.tenantId, grant.clientId, grant.upn, permission].join('|').toLowerCase();
}

function decodeJwt(token: string): Jwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    return undefined;
  }
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    if (!isObject(header) || !isObject(payload)) {
      return undefined;
    }
    return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function base64Json(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function splitScopes(scope: string | null): string[] {
  return (scope ?? '').split(/\s+/).filter(Boolean);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A UUID-shaped id derived from a name, so object ids stay the same across runs. */
function stableUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
