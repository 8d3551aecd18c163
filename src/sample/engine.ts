// The in-memory Microsoft Graph engine: answers Graph security requests from a TenantDataset the way
// Graph does (routing, OData query options, paging, permissions, errors, $batch, evolvable enums).
// The extension uses it as the Graph client's final middleware in sample mode; the HTTPS emulator wraps it.

import { randomUUID } from 'node:crypto';
import type { Caller, EngineRequest, EngineResponse, RequestInterceptor } from './protocol';
import type { PartnerSecurityAlert, SecureScoreControlProfile, SecureScoreControlStateUpdate, SecurityAlert } from '../graph/types';
import { generateCustomerTenant } from './customers';
import { THROTTLED_RETRY_AFTER_S } from './relationships';
import type { SampleCustomerSpec, TenantDataset } from './dataset';
import { GraphError, badRequest, graphErrorResponse } from './errors';
import {
  OPTION_NAMES,
  type QueryOption,
  type ValueReader,
  decodeSkipToken,
  encodeSkipToken,
  parseCount,
  parseExpand,
  parseFilter,
  parseNonNegativeInt,
  parseOrderBy,
  parseQuery,
  parseSelect,
  sortItems,
} from './odata';
import {
  ALERT,
  ALERT_CLASSIFICATION,
  ALERT_DETERMINATION,
  ALERT_STATUS,
  CONTROL_PROFILE,
  CONTROL_STATES,
  CONTRACT,
  CUSTOMER_INSIGHT,
  HISTORY,
  type EnumType,
  PARTNER_ALERT,
  PARTNER_ALERT_STATUS,
  PARTNER_RESOLVED_REASON,
  PARTNER_SCORE,
  RELATIONSHIP,
  REQUIREMENT,
  type ResourceSchema,
  SECURE_SCORE,
  visibleValue,
} from './schema';

export type RouteGroup =
  | 'secureScores' | 'controlProfiles' | 'alerts' | 'partnerScore' | 'customerInsights' | 'partnerAlerts' | 'relationships' | 'contracts';

export interface PageSize {
  /** Items per page without $top. */
  default: number;
  /** Largest page a $top can ask for; a larger $top still pages, at this size. */
  max: number;
}

/** Page sizes per route group (Graph does not document most of them; these are plausible and stable). */
export const PAGE_SIZES: Readonly<Record<RouteGroup, PageSize>> = {
  // 90 days of daily snapshots come in one page.
  secureScores: { default: 100, max: 100 },
  // Tenants have 400+ controls, so a default listing needs a few pages.
  controlProfiles: { default: 100, max: 500 },
  alerts: { default: 100, max: 2000 },
  // Requirements and history.
  partnerScore: { default: 100, max: 500 },
  // Server-driven paging only ($top is rejected): every page has `default` items.
  customerInsights: { default: 100, max: 100 },
  partnerAlerts: { default: 100, max: 500 },
  // GDAP relationships: `$top` up to 300 (documented); contracts page like directory objects.
  relationships: { default: 100, max: 300 },
  contracts: { default: 100, max: 999 },
};

export interface EngineOptions {
  /** Root of absolute @odata.nextLink / @odata.context URLs. */
  baseUrl?: string;
  /** Clock for system-set timestamps. */
  now?: () => Date;
  pageSizes?: Partial<Record<RouteGroup, PageSize>>;
  /** Answer partner singletons as `{"value": {...}}`, the form Graph's docs show. */
  partnerWrapped?: boolean;
  /** Consulted first for every request and every inner $batch request. */
  interceptor?: RequestInterceptor;
  /** PATCH of `scid_*` control profiles (Defender controls) fails, as it does on Graph. */
  rejectScid?: boolean;
  /** Customer tenants kept generated at once (default 64); others are generated again when asked. */
  customerCacheSize?: number;
}

type Version = 'v1.0' | 'beta';
type Scope = 'SecurityEvents' | 'SecurityAlert' | 'PartnerSecurity' | 'DelegatedAdminRelationship' | 'Directory';
type Method = 'GET' | 'PATCH' | 'POST';

interface Ids {
  requestId: string;
  clientRequestId: string;
}

interface Route {
  /** Canonical path after the version, `{id}` for the key segment; also the @odata.context path. */
  pattern: string;
  group: RouteGroup;
  scope: Scope;
  betaOnly?: boolean;
  /** Query options a GET accepts (writes accept none). */
  options: readonly QueryOption[];
  methods: Partial<Record<Method, (ctx: Context) => EngineResponse>>;
}

interface Context {
  route: Route;
  version: Version;
  caller: Caller;
  id: string;
  body: unknown;
  query: Map<QueryOption, string>;
  prefer: Set<string>;
  now: Date;
}

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

const JSON_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const MAX_BATCH_REQUESTS = 20;

const LIST: readonly QueryOption[] = ['top', 'skip', 'count', 'filter', 'select'];
const ENTITY: readonly QueryOption[] = ['select'];

/** Some Graph providers really fail this way: empty code, generic message (contrib#7123). */
const providerFailure = () => new GraphError(400, '', 'Http request failed with statusCode=BadRequest');

export class GraphEngine {
  private readonly baseUrl: string;
  private readonly now: () => Date;
  private readonly pageSizes: Record<RouteGroup, PageSize>;
  private readonly routes: Route[];
  /** Customer tenants generated so far, least recently used first. */
  private readonly customerEngines = new Map<string, GraphEngine>();
  private readonly specs = new Map<string, SampleCustomerSpec>();
  /** Set by any write: a customer tenant that was changed is never dropped from the cache. */
  private written = false;

  constructor(
    readonly dataset: TenantDataset,
    private readonly options: EngineOptions = {},
  ) {
    this.baseUrl = (options.baseUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
    this.now = options.now ?? (() => new Date());
    this.pageSizes = { ...PAGE_SIZES, ...options.pageSizes };
    const d = () => this.dataset;
    const partner = { scope: 'PartnerSecurity', betaOnly: true } as const;
    for (const spec of dataset.customerTenants ?? []) {
      this.specs.set(spec.tenantId.toLowerCase(), spec);
    }
    this.routes = [
      {
        pattern: 'tenantRelationships/delegatedAdminRelationships', group: 'relationships', scope: 'DelegatedAdminRelationship',
        options: [...LIST, 'orderby'],
        methods: { GET: (ctx) => this.list(ctx, RELATIONSHIP, d().delegatedAdminRelationships ?? []) },
      },
      {
        pattern: 'tenantRelationships/delegatedAdminRelationships/{id}', group: 'relationships', scope: 'DelegatedAdminRelationship', options: ENTITY,
        methods: { GET: (ctx) => this.entity(ctx, RELATIONSHIP, this.find(ctx, d().delegatedAdminRelationships ?? [])) },
      },
      {
        pattern: 'contracts', group: 'contracts', scope: 'Directory', options: LIST,
        methods: { GET: (ctx) => this.list(ctx, CONTRACT, d().contracts ?? []) },
      },
      {
        pattern: 'security/secureScores', group: 'secureScores', scope: 'SecurityEvents', options: LIST,
        methods: { GET: (ctx) => this.list(ctx, SECURE_SCORE, d().secureScores) },
      },
      {
        pattern: 'security/secureScores/{id}', group: 'secureScores', scope: 'SecurityEvents', options: ENTITY,
        methods: { GET: (ctx) => this.entity(ctx, SECURE_SCORE, this.find(ctx, d().secureScores)) },
      },
      {
        pattern: 'security/secureScoreControlProfiles', group: 'controlProfiles', scope: 'SecurityEvents', options: LIST,
        methods: { GET: (ctx) => this.list(ctx, CONTROL_PROFILE, d().controlProfiles) },
      },
      {
        pattern: 'security/secureScoreControlProfiles/{id}', group: 'controlProfiles', scope: 'SecurityEvents', options: ENTITY,
        methods: {
          GET: (ctx) => this.entity(ctx, CONTROL_PROFILE, this.find(ctx, d().controlProfiles)),
          PATCH: (ctx) => this.patchControlProfile(ctx),
        },
      },
      {
        pattern: 'security/alerts_v2', group: 'alerts', scope: 'SecurityAlert', options: [...LIST, 'orderby'],
        methods: { GET: (ctx) => this.list(ctx, ALERT, d().alerts) },
      },
      {
        pattern: 'security/alerts_v2/{id}', group: 'alerts', scope: 'SecurityAlert', options: ENTITY,
        methods: {
          GET: (ctx) => this.entity(ctx, ALERT, this.find(ctx, d().alerts)),
          PATCH: (ctx) => this.patchAlert(ctx),
        },
      },
      {
        pattern: 'security/alerts_v2/{id}/comments', group: 'alerts', scope: 'SecurityAlert', options: [],
        methods: { POST: (ctx) => this.postAlertComment(ctx) },
      },
      {
        pattern: 'security/partner/securityScore', group: 'partnerScore', ...partner, options: [...ENTITY, 'expand'],
        methods: { GET: (ctx) => this.getPartnerScore(ctx) },
      },
      {
        pattern: 'security/partner/securityScore/requirements', group: 'partnerScore', ...partner, options: LIST,
        methods: { GET: (ctx) => this.list(ctx, REQUIREMENT, d().partnerRequirements) },
      },
      {
        pattern: 'security/partner/securityScore/requirements/{id}', group: 'partnerScore', ...partner, options: ENTITY,
        methods: { GET: (ctx) => this.entity(ctx, REQUIREMENT, this.find(ctx, d().partnerRequirements), this.options.partnerWrapped) },
      },
      {
        pattern: 'security/partner/securityScore/history', group: 'partnerScore', ...partner, options: LIST,
        methods: { GET: (ctx) => this.list(ctx, HISTORY, d().partnerHistory) },
      },
      {
        pattern: 'security/partner/securityScore/history/{id}', group: 'partnerScore', ...partner, options: ENTITY,
        methods: { GET: (ctx) => this.entity(ctx, HISTORY, this.find(ctx, d().partnerHistory), this.options.partnerWrapped) },
      },
      {
        // Server-side paging only: $skipToken from the nextLink, no client $top/$skip.
        pattern: 'security/partner/securityScore/customerInsights', group: 'customerInsights', ...partner,
        options: ['skiptoken', 'count', 'select'],
        methods: { GET: (ctx) => this.list(ctx, CUSTOMER_INSIGHT, d().customerInsights) },
      },
      {
        pattern: 'security/partner/securityAlerts', group: 'partnerAlerts', ...partner, options: LIST,
        methods: { GET: (ctx) => this.list(ctx, PARTNER_ALERT, d().partnerAlerts) },
      },
      {
        pattern: 'security/partner/securityAlerts/{id}', group: 'partnerAlerts', ...partner, options: ENTITY,
        methods: {
          GET: (ctx) => this.entity(ctx, PARTNER_ALERT, this.find(ctx, d().partnerAlerts)),
          PATCH: (ctx) => this.patchPartnerAlert(ctx),
        },
      },
    ];
  }

  handle(req: EngineRequest, caller: Caller): EngineResponse {
    const spec = this.specs.get(caller.tenantId.toLowerCase());
    if (spec) {
      return this.handleCustomer(spec, req, caller);
    }
    if (req.method.toUpperCase() !== 'GET') {
      this.written = true;
    }
    const requestId = randomUUID();
    const ids = { requestId, clientRequestId: headerValue(req.headers, 'client-request-id') ?? requestId };
    const response = this.options.interceptor?.(req, caller, { inBatch: false }) ?? this.dispatch(req, caller, ids, false);
    return { ...response, headers: { 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId, ...response.headers } };
  }

  /** The customer tenant's own data, generated on first request; a token for that tenant is what got here. */
  customer(tenantId: string): GraphEngine | undefined {
    const key = tenantId.toLowerCase();
    const spec = this.specs.get(key);
    if (!spec) {
      return undefined;
    }
    let engine = this.customerEngines.get(key);
    if (engine) {
      this.customerEngines.delete(key);
    } else {
      const interceptor = spec.case === 'throttled' ? spentBudget : this.options.interceptor;
      engine = new GraphEngine(generateCustomerTenant(spec, Date.parse(this.dataset.now)), { ...this.options, interceptor, customerCacheSize: 0 });
    }
    this.customerEngines.set(key, engine);
    const limit = this.options.customerCacheSize ?? 64;
    for (const [id, cached] of this.customerEngines) {
      if (this.customerEngines.size <= limit) {
        break;
      }
      if (!cached.written) {
        this.customerEngines.delete(id);
      }
    }
    return engine;
  }

  private handleCustomer(spec: SampleCustomerSpec, req: EngineRequest, caller: Caller): EngineResponse {
    return (this.customer(spec.tenantId) as GraphEngine).handle(req, caller);
  }

  // ---- dispatch ---------------------------------------------------------------------------

  private dispatch(req: EngineRequest, caller: Caller, ids: Ids, inBatch: boolean): EngineResponse {
    const now = this.now();
    try {
      const [path, queryString = ''] = req.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, '').split(/\?(.*)/s);
      const [versionSegment = '', ...segments] = splitPath(path);
      const version = versionSegment.toLowerCase();
      if (version !== 'v1.0' && version !== 'beta') {
        throw badRequest(`Invalid version: '${versionSegment}'.`);
      }
      if (caller.tenantId.toLowerCase() !== this.dataset.tenantId.toLowerCase()) {
        throw new GraphError(401, 'InvalidAuthenticationToken', `Access token validation failure. The token was issued for tenant '${caller.tenantId}', which does not own this resource.`);
      }
      const method = req.method.toUpperCase();
      if (segments.length === 1 && segments[0].toLowerCase() === '$batch') {
        if (inBatch) {
          throw badRequest('A $batch request cannot be nested inside another $batch request.');
        }
        if (method !== 'POST') {
          throw methodNotAllowed();
        }
        return this.batch(req, caller, version, ids);
      }
      const { route, id } = this.match(version, segments, inBatch);
      const handler = route.methods[method as Method];
      if (!handler) {
        throw methodNotAllowed();
      }
      authorize(caller, route.scope, method !== 'GET');
      if (route.scope === 'PartnerSecurity' && !this.dataset.isPartner) {
        throw new GraphError(403, 'Forbidden', 'The tenant is not a partner tenant. Partner security APIs are available only to Partner Center (CSP) partner tenants.');
      }
      const query = parseQuery(queryString);
      for (const option of query.keys()) {
        if (method !== 'GET' || !route.options.includes(option)) {
          const hint = route.options.includes('skiptoken') ? ' This collection is paged by the server: follow @odata.nextLink.' : '';
          throw badRequest(`Query option '${OPTION_NAMES[option]}' is not supported by '${route.pattern}'.${hint}`);
        }
      }
      const prefer = new Set((headerValue(req.headers, 'prefer') ?? '').split(',').map((p) => p.trim().toLowerCase()));
      return handler({ route, version, caller, id, body: req.body, query, prefer, now });
    } catch (error) {
      if (error instanceof GraphError) {
        return graphErrorResponse(error.status, error.code, error.message, { ...ids, now });
      }
      throw error;
    }
  }

  private match(version: Version, segments: string[], inBatch: boolean): { route: Route; id: string } {
    let matched = 0;
    let betaOnlyMatch = false;
    for (const route of this.routes) {
      const pattern = route.pattern.split('/');
      let n = 0;
      while (n < pattern.length && n < segments.length && (pattern[n] === '{id}' || pattern[n].toLowerCase() === segments[n].toLowerCase())) {
        n++;
      }
      const complete = n === pattern.length && n === segments.length;
      if (route.betaOnly && version !== 'beta') {
        betaOnlyMatch ||= complete;
        continue;
      }
      if (complete) {
        return { route, id: segments[pattern.indexOf('{id}')] ?? '' };
      }
      matched = Math.max(matched, n);
    }
    const segment = segments[matched] ?? segments[segments.length - 1] ?? '';
    if (inBatch && betaOnlyMatch) {
      throw new GraphError(405, 'Request_BadRequest', `Resource not found for the segment '${segment}' in API version '${version}'; it is available only in beta.`);
    }
    throw badRequest(`Resource not found for the segment '${segment}'.`);
  }

  // ---- collections and entities -----------------------------------------------------------

  /** The one listing path: filter, order, page, then copy only the page. */
  private list(ctx: Context, schema: ResourceSchema, items: readonly object[]): EngineResponse {
    const { query } = ctx;
    const read = this.reader(schema, ctx);
    const filter = query.get('filter');
    let result = filter === undefined ? items : items.filter(parseFilter(filter, schema, read));
    const orderBy = query.get('orderby');
    if (orderBy !== undefined) {
      result = sortItems(result, parseOrderBy(orderBy, schema), schema, read);
    }
    const select = this.select(ctx, schema);
    const count = query.has('count') && parseCount(query.get('count') ?? '');

    // Routes that accept $skipToken page by token only (dispatch already rejected $top/$skip there).
    const serverPaging = ctx.route.options.includes('skiptoken');
    const [token, skip, top] = [query.get('skiptoken'), query.get('skip'), query.get('top')];
    let offset = 0;
    if (token !== undefined) {
      offset = decodeSkipToken(token);
    } else if (skip !== undefined) {
      offset = parseNonNegativeInt('skip', skip);
    }
    const sizes = this.pageSizes[ctx.route.group];
    const pageSize = top === undefined ? sizes.default : Math.min(parseNonNegativeInt('top', top), sizes.max);
    const page = result.slice(offset, offset + pageSize);

    const body: Record<string, unknown> = { '@odata.context': this.contextUrl(ctx, ctx.route.pattern, select) };
    if (count) {
      body['@odata.count'] = result.length;
    }
    body.value = page.map((item) => this.project(read, schema, item, select));
    const nextOffset = offset + pageSize;
    if (pageSize > 0 && nextOffset < result.length) {
      body['@odata.nextLink'] = this.nextLink(ctx, serverPaging ? ['skiptoken', encodeSkipToken(nextOffset)] : ['skip', String(nextOffset)]);
    }
    return ok(body);
  }

  /**
   * A single entity, with expanded navigation properties if any; `wrapped` gives the
   * `{"value": {...}}` form of Graph's partner docs.
   */
  private entity(ctx: Context, schema: ResourceSchema, item: object, wrapped = false, expanded: Record<string, unknown> = {}): EngineResponse {
    const select = this.select(ctx, schema);
    const context = `${this.contextUrl(ctx, ctx.route.pattern.replace(/\/\{id\}.*$/, ''), select)}/$entity`;
    const value = { ...this.project(this.reader(schema, ctx), schema, item, select), ...expanded };
    return ok(wrapped ? { '@odata.context': context, value } : { '@odata.context': context, ...value });
  }

  private getPartnerScore(ctx: Context): EngineResponse {
    const raw = ctx.query.get('expand');
    const expanded: Record<string, unknown> = {};
    for (const nav of raw === undefined ? [] : parseExpand(raw, ['requirements', 'history'], PARTNER_SCORE)) {
      const [schema, items] = nav === 'requirements' ? [REQUIREMENT, this.dataset.partnerRequirements] : [HISTORY, this.dataset.partnerHistory];
      const read = this.reader(schema, ctx);
      expanded[nav] = items.map((item) => this.project(read, schema, item, undefined));
    }
    return this.entity(ctx, PARTNER_SCORE, this.dataset.partnerScore, this.options.partnerWrapped, expanded);
  }

  private find<T extends { id: string }>(ctx: Context, items: readonly T[]): T {
    const item = items.find((candidate) => candidate.id === ctx.id);
    if (!item) {
      const parts = ctx.route.pattern.split('/');
      const collection = parts[parts.indexOf('{id}') - 1];
      throw new GraphError(404, 'NotFound', `The ${collection} item with id '${ctx.id}' was not found.`);
    }
    return item;
  }

  private select(ctx: Context, schema: ResourceSchema): string[] | undefined {
    const raw = ctx.query.get('select');
    return raw === undefined ? undefined : parseSelect(raw, schema);
  }

  private reader(schema: ResourceSchema, ctx: Context): ValueReader {
    const include = ctx.prefer.has('include-unknown-enum-members');
    return (item, prop) => visibleValue(schema, prop, (item as Record<string, unknown>)[prop], include);
  }

  /** A deep copy of the schema's (or the selected) properties as the caller may see them. */
  private project(read: ValueReader, schema: ResourceSchema, item: object, select: string[] | undefined): Record<string, unknown> {
    const source = item as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      if (key.startsWith('@')) {
        out[key] = copyJson(source[key]);
      }
    }
    for (const key of select ?? schema.properties) {
      if (select || key in source) {
        out[key] = copyJson(read(source, key) ?? null);
      }
    }
    return out;
  }

  private contextUrl(ctx: Context, path: string, select: string[] | undefined): string {
    return `${this.baseUrl}/${ctx.version}/$metadata#${path}${select ? `(${select.join(',')})` : ''}`;
  }

  /** The request's own options (so $filter/$select/$orderby/$count/$top survive) with a new continuation. */
  private nextLink(ctx: Context, [option, value]: [QueryOption, string]): string {
    const params = [...ctx.query]
      .filter(([name]) => name !== 'skip' && name !== 'skiptoken')
      .concat([[option, value]])
      .map(([name, v]) => `${OPTION_NAMES[name]}=${encodeURIComponent(v)}`);
    return `${this.baseUrl}/${ctx.version}/${ctx.route.pattern}?${params.join('&')}`;
  }

  // ---- writes -----------------------------------------------------------------------------

  private patchControlProfile(ctx: Context): EngineResponse {
    const profile: SecureScoreControlProfile = this.find(ctx, this.dataset.controlProfiles);
    const body = objectBody(ctx.body);
    if (this.options.rejectScid !== false && profile.id.toLowerCase().startsWith('scid_')) {
      throw providerFailure();
    }
    const vendor = body.vendorInformation;
    if (!isRecord(vendor) || !nonEmpty(vendor.provider) || !nonEmpty(vendor.vendor)) {
      throw providerFailure();
    }
    const last = profile.controlStateUpdates.at(-1);
    let state = last?.state ?? 'Default';
    if ('state' in body) {
      // Tools send camelCase too; the service stores PascalCase.
      const requested = typeof body.state === 'string' ? body.state.toLowerCase() : undefined;
      state = CONTROL_STATES.find((s) => s.toLowerCase() === requested) ?? '';
      if (!state) {
        throw providerFailure();
      }
    }
    const update: SecureScoreControlStateUpdate = {
      assignedTo: optionalString(body, 'assignedTo', last?.assignedTo ?? null),
      comment: optionalString(body, 'comment', last?.comment ?? null),
      state,
      updatedBy: actor(ctx.caller),
      updatedDateTime: ctx.now.toISOString(),
    };
    profile.controlStateUpdates.push(update);
    if (ctx.prefer.has('return=representation')) {
      const response = this.entity(ctx, CONTROL_PROFILE, profile);
      response.headers['Preference-Applied'] = 'return=representation';
      return response;
    }
    return { status: 204, headers: {} };
  }

  private patchAlert(ctx: Context): EngineResponse {
    const alert: SecurityAlert = this.find(ctx, this.dataset.alerts);
    const body = objectBody(ctx.body);
    checkWritable(body, ALERT, ['status', 'classification', 'determination', 'assignedTo']);
    const changes: Partial<SecurityAlert> = {};
    const enums = [['status', ALERT_STATUS], ['classification', ALERT_CLASSIFICATION], ['determination', ALERT_DETERMINATION]] as const;
    for (const [prop, type] of enums) {
      if (prop in body) {
        changes[prop] = enumMember(body[prop], type);
      }
    }
    if ('assignedTo' in body) {
      changes.assignedTo = optionalString(body, 'assignedTo', null);
    }
    const changed = (Object.keys(changes) as (keyof SecurityAlert)[]).some((key) => alert[key] !== changes[key]);
    if (changed) {
      const now = ctx.now.toISOString();
      if (changes.status && changes.status !== alert.status) {
        changes.resolvedDateTime = changes.status === 'resolved' ? now : null;
      }
      Object.assign(alert, changes, { lastUpdateDateTime: now });
    }
    return this.entity(ctx, ALERT, alert);
  }

  private postAlertComment(ctx: Context): EngineResponse {
    const alert: SecurityAlert = this.find(ctx, this.dataset.alerts);
    const body = objectBody(ctx.body);
    const type = body['@odata.type'];
    if (type !== undefined && String(type).replace(/^#/, '') !== 'microsoft.graph.security.alertComment') {
      throw badRequest(`The @odata.type '${String(type)}' is not compatible with 'microsoft.graph.security.alertComment'.`);
    }
    if (typeof body.comment !== 'string' || body.comment.trim() === '') {
      throw badRequest("The 'comment' property is required and must not be empty.");
    }
    const now = ctx.now.toISOString();
    alert.comments.push({ comment: body.comment, createdByDisplayName: actor(ctx.caller), createdDateTime: now });
    alert.lastUpdateDateTime = now;
    return ok({
      '@odata.context': `${this.baseUrl}/${ctx.version}/$metadata#security/alerts_v2('${alert.id}')/comments`,
      value: copyJson(alert.comments),
    });
  }

  private patchPartnerAlert(ctx: Context): EngineResponse {
    const alert: PartnerSecurityAlert = this.find(ctx, this.dataset.partnerAlerts);
    const body = objectBody(ctx.body);
    checkWritable(body, PARTNER_ALERT, ['status', 'resolvedReason']);
    if (!('status' in body)) {
      throw badRequest("The 'status' property is required.");
    }
    const status = enumMember(body.status, PARTNER_ALERT_STATUS);
    const reason = body.resolvedReason === undefined || body.resolvedReason === null ? null : enumMember(body.resolvedReason, PARTNER_RESOLVED_REASON);
    if (reason && status !== 'resolved') {
      throw badRequest("'resolvedReason' can be set only together with status 'resolved'.");
    }
    const now = ctx.now.toISOString();
    const by = actor(ctx.caller);
    alert.activityLogs.push({ statusFrom: alert.status, statusTo: status, updatedBy: by, updatedDateTime: now });
    const resolved = status === 'resolved';
    Object.assign(alert, {
      status,
      resolvedReason: resolved ? reason : null,
      resolvedOnDateTime: resolved ? now : null,
      resolvedBy: resolved ? by : null,
    });
    return this.entity(ctx, PARTNER_ALERT, alert);
  }

  // ---- $batch -----------------------------------------------------------------------------

  private batch(req: EngineRequest, caller: Caller, version: Version, ids: Ids): EngineResponse {
    const items = parseBatch(req.body);
    const results = new Map<string, EngineResponse>();
    for (const item of executionOrder(items)) {
      const requestId = randomUUID();
      const inner = { requestId, clientRequestId: headerValue(item.headers, 'client-request-id') ?? ids.clientRequestId };
      const failed = item.dependsOn.some((dep) => !isSuccess(results.get(dep.toLowerCase())?.status));
      const innerReq: EngineRequest = {
        method: item.method,
        url: `/${version}${item.url.startsWith('/') ? '' : '/'}${item.url}`,
        headers: item.headers,
        body: item.body,
      };
      const response = failed
        ? graphErrorResponse(424, 'FailedDependency', 'Failed dependency: a request this one depends on did not succeed.', { ...inner, now: this.now() })
        : (this.options.interceptor?.(innerReq, caller, { inBatch: true }) ?? this.dispatch(innerReq, caller, inner, true));
      results.set(item.id.toLowerCase(), response);
    }
    return ok({
      responses: items.map((item) => {
        const { status, headers, body } = results.get(item.id.toLowerCase()) as EngineResponse;
        return body === undefined ? { id: item.id, status, headers } : { id: item.id, status, headers, body };
      }),
    });
  }
}

// ---- helpers ----------------------------------------------------------------------------------

/**
 * A tenant whose budget is spent (another tool of the partner's, say): every request waits a long
 * time. A `$batch` itself is answered, its inner requests are throttled, as Graph does.
 */
const spentBudget: RequestInterceptor = (req) => {
  if (/\/\$batch(\?|$)/i.test(req.url.split('?')[0])) {
    return undefined;
  }
  return graphErrorResponse(429, 'TooManyRequests', 'Please retry again later.', {
    clientRequestId: headerValue(req.headers, 'client-request-id'),
    headers: { 'Retry-After': String(THROTTLED_RETRY_AFTER_S) },
  });
};

function ok(body: unknown): EngineResponse {
  return { status: 200, headers: { 'Content-Type': JSON_CONTENT_TYPE, 'OData-Version': '4.0' }, body };
}

/** Deep copy of a JSON value; a few times faster than structuredClone on small objects, which matters per page. */
function copyJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(copyJson) as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    out[key] = copyJson((value as Record<string, unknown>)[key]);
  }
  return out as T;
}

function methodNotAllowed(): GraphError {
  return new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
}

function splitPath(path: string): string[] {
  try {
    return path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw badRequest(`The request URL path '${path}' is not valid.`);
  }
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  const key = Object.keys(headers ?? {}).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers?.[key];
}

/** Reads accept Read.All or ReadWrite.All; writes need ReadWrite.All (delegated scp or app roles alike). */
function authorize(caller: Caller, scope: Scope, write: boolean): void {
  const accepted = write ? [`${scope}.ReadWrite.All`] : [`${scope}.Read.All`, `${scope}.ReadWrite.All`];
  const granted = new Set(caller.permissions.map((p) => p.toLowerCase()));
  if (!accepted.some((p) => granted.has(p.toLowerCase()))) {
    const [kind, plural] = caller.appOnly ? ['role', 'Roles'] : ['scope', 'Scopes'];
    throw new GraphError(
      403,
      'Forbidden',
      `Missing ${kind} permissions on the request. API requires one of '${accepted.join(', ')}'. ${plural} on the request '${caller.permissions.join(', ')}'.`,
    );
  }
}

/** Who a write is attributed to. Caller has no app id field yet; an `appId` is used when present. */
function actor(caller: Caller & { appId?: string }): string | null {
  return caller.upn ?? caller.appId ?? null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

function isSuccess(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300;
}

function objectBody(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) {
    throw badRequest('Empty Payload. JSON content expected.');
  }
  return body;
}

function optionalString(body: Record<string, unknown>, key: string, fallback: string | null): string | null {
  if (!(key in body)) {
    return fallback;
  }
  const value = body[key];
  if (value !== null && typeof value !== 'string') {
    throw badRequest(`Cannot convert the literal '${String(value)}' to the expected type 'Edm.String' for property '${key}'.`);
  }
  return value;
}

/** An enum member from a request body (case-insensitive); `unknownFutureValue` is not settable. */
function enumMember(value: unknown, { name, members }: EnumType): string {
  const wanted = typeof value === 'string' ? value.toLowerCase() : undefined;
  const member = members.find((m) => m !== 'unknownFutureValue' && m.toLowerCase() === wanted);
  if (!member) {
    throw badRequest(`Cannot convert the literal '${String(value)}' to the expected type '${name}'.`);
  }
  return member;
}

/** PATCH bodies of closed types: system `@odata.*` annotations are ignored, other keys must be writable. */
function checkWritable(body: Record<string, unknown>, schema: ResourceSchema, writable: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (key.startsWith('@odata.') || writable.includes(key)) {
      continue;
    }
    throw badRequest(
      schema.properties.includes(key)
        ? `The property '${key}' is read-only and cannot be updated. Updatable properties: ${writable.join(', ')}.`
        : `The property '${key}' does not exist on type '${schema.typeName}'. Make sure to only use property names that are defined by the type.`,
    );
  }
}

function parseBatch(body: unknown): BatchItem[] {
  if (!isRecord(body) || !Array.isArray(body.requests)) {
    throw badRequest('Invalid batch payload format.');
  }
  if (body.requests.length > MAX_BATCH_REQUESTS) {
    throw badRequest(`The batch contains ${body.requests.length} requests; the maximum is ${MAX_BATCH_REQUESTS}.`);
  }
  const seen = new Set<string>();
  const items = body.requests.map((raw): BatchItem => {
    if (!isRecord(raw) || !nonEmpty(raw.id) || !nonEmpty(raw.method) || typeof raw.url !== 'string' || raw.url === '') {
      throw badRequest("Invalid batch payload format: every request needs string 'id', 'method' and 'url' properties.");
    }
    const id = raw.id as string;
    if (seen.has(id.toLowerCase())) {
      throw badRequest(`Batch request ids must be unique; '${id}' appears more than once.`);
    }
    seen.add(id.toLowerCase());
    const headers = raw.headers ?? {};
    const dependsOn = raw.dependsOn ?? [];
    if (!isRecord(headers) || !Array.isArray(dependsOn) || !dependsOn.every((dep) => typeof dep === 'string')) {
      throw badRequest(`Invalid batch payload format in request '${id}': 'headers' must be an object and 'dependsOn' an array of ids.`);
    }
    if (raw.body !== undefined && headerValue(headers as Record<string, string>, 'content-type') === undefined) {
      throw badRequest(`Write request id : ${id} does not contain Content-Type header or body.`);
    }
    return { id, method: raw.method as string, url: raw.url, headers: headers as Record<string, string>, body: raw.body, dependsOn };
  });
  for (const item of items) {
    const missing = item.dependsOn.find((dep) => !seen.has(dep.toLowerCase()));
    if (missing !== undefined) {
      throw badRequest(`Request '${item.id}' depends on '${missing}', which is not in the batch.`);
    }
  }
  return items;
}

/** Requests in an order that runs every dependency first (depth-first); cycles are a 400. */
function executionOrder(items: BatchItem[]): BatchItem[] {
  const byId = new Map(items.map((item) => [item.id.toLowerCase(), item]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: BatchItem[] = [];
  const visit = (item: BatchItem): void => {
    const key = item.id.toLowerCase();
    if (state.get(key) === 'done') {
      return;
    }
    if (state.get(key) === 'visiting') {
      throw badRequest(`The dependsOn chain of request '${item.id}' is circular.`);
    }
    state.set(key, 'visiting');
    item.dependsOn.forEach((dep) => visit(byId.get(dep.toLowerCase()) as BatchItem));
    state.set(key, 'done');
    order.push(item);
  };
  items.forEach(visit);
  return order;
}
