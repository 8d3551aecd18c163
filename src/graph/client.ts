// The only code that talks HTTP. Builds the Graph client with our middleware chain and offers
// typed GET / paging / PATCH / POST / $batch with uniform error handling.
import { Client, HTTPMessageHandler, ResponseType, RetryHandler, RetryHandlerOptions, type Middleware, type MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { TokenCredential } from '../auth/tokenCredential';
import type { Cloud } from './clouds';
import { AREA_PERMISSIONS, PostureError, errorFromException, errorFromResponse, parseRetryAfter, type ApiArea } from './errors';
import { shareTokenRequests } from '../auth/sharedToken';
import { AuthMiddleware, ScopeOption, SignalOption, TimeoutMiddleware, VerbatimUrlOption } from './middleware';
import type { ODataCollection } from './types';

export type GraphVersion = 'v1.0' | 'beta';

export interface Logger {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A provider that failed behind a 206 Partial Content answer (`Warning: 199 - "Vendor/Provider/Status/Latency"`). */
export interface PartialWarning {
  provider: string;
  status: number;
}

export interface RequestOptions {
  version?: GraphVersion;
  area: ApiArea;
  write?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface GraphResult<T> {
  data: T;
  status: number;
  warnings: PartialWarning[];
}

export interface PageResult<T> {
  items: T[];
  nextLink?: string;
  count?: number;
  warnings: PartialWarning[];
}

export interface BatchRequest {
  id: string;
  method: 'GET' | 'PATCH' | 'POST';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BatchResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface GraphServiceOptions {
  cloud: Cloud;
  /** Graph mode: where tokens come from. */
  credential?: TokenCredential & { invalidate?(): void };
  /** Scopes for an area: delegated scopes per feature, or `<graph>/.default` for app-only. */
  scopesFor?: (area: ApiArea, write: boolean) => string[];
  /**
   * The final handler that answers requests: HTTP by default. The transport port: the sample
   * tenant plugs its in-process engine in here (see SampleTransport).
   */
  transport?: GraphTransport;
  log?: Logger;
  timeoutMs?: number;
  maxRetries?: number;
  /** Upper bound on pages followed for one collection (a loop guard). */
  maxPages?: number;
}

/** A Graph client middleware that answers a request (sets `context.response`) instead of passing it on. */
export type GraphTransport = Middleware;

export const BATCH_LIMIT = 20;
/**
 * Graph runs at most 4 Secure Score and control profile requests of an app at once (graph-api.md
 * §1.4) and the requests of a batch run together, so those go 4 to a batch, one batch at a time.
 */
const SECURE_SCORE_CONCURRENCY = 4;
const SECURE_SCORE_URL = /^\/?security\/secureScore/i;
/** `Prefer` value asking for evolvable enum members by name; batched requests carry it themselves. */
export const EVOLVABLE_ENUMS = 'include-unknown-enum-members';

export class GraphService {
  readonly client: Client;
  private readonly origin: string;
  private readonly maxPages: number;
  private readonly timeoutMs: number;
  private readonly log?: Logger;
  private readonly scopesFor: (area: ApiArea, write: boolean) => string[];
  /** Counts HTTP requests made through this service (benchmarks and tests read it). */
  requestCount = 0;

  constructor(private readonly options: GraphServiceOptions) {
    this.origin = new URL(options.cloud.graphEndpoint).origin;
    this.maxPages = options.maxPages ?? 500;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.log = options.log;
    this.scopesFor = options.scopesFor ?? ((area, write) => [`${options.cloud.graphEndpoint}/${write ? AREA_PERMISSIONS[area].write : AREA_PERMISSIONS[area].read}`]);
    const counter: Middleware = {
      execute: async context => {
        this.requestCount++;
        await finalHandler.execute(context);
      },
    };
    const finalHandler: Middleware = options.transport ?? new HTTPMessageHandler();
    // Retry 429/503/504 honouring Retry-After (fractional seconds are fine: the handler uses Number()).
    // POSTs are not retried on 5xx: a comment may already have been written.
    const retry = new RetryHandler(new RetryHandlerOptions(1, options.maxRetries ?? 3, (_delay, _attempt, request, fetchOptions, response) => {
      const method = (fetchOptions?.method ?? (typeof request === 'string' ? 'GET' : request.method)).toUpperCase();
      return response.status === 429 || method !== 'POST';
    }));
    const chain: Middleware[] = [new TimeoutMiddleware(this.timeoutMs), retry];
    if (options.credential) {
      chain.push(new AuthMiddleware(shareTokenRequests(options.credential), this.origin, this.scopesFor('secureScore', false)));
    }
    chain.push(counter);
    for (let i = 0; i < chain.length - 1; i++) {
      chain[i].setNext!(chain[i + 1]);
    }
    this.client = Client.initWithMiddleware({ middleware: chain[0], baseUrl: `${options.cloud.graphEndpoint}/`, defaultVersion: 'v1.0' });
  }

  get cloud(): Cloud {
    return this.options.cloud;
  }

  async get<T>(path: string, options: RequestOptions): Promise<GraphResult<T>> {
    return this.send<T>('GET', path, undefined, options);
  }

  async patch<T>(path: string, body: unknown, options: RequestOptions): Promise<GraphResult<T | undefined>> {
    return this.send<T | undefined>('PATCH', path, body, { ...options, write: true });
  }

  async post<T>(path: string, body: unknown, options: RequestOptions): Promise<GraphResult<T>> {
    return this.send<T>('POST', path, body, { ...options, write: true });
  }

  /** One page of a collection; `pathOrNextLink` is a path or a `@odata.nextLink` followed verbatim. */
  async getPage<T>(pathOrNextLink: string, options: RequestOptions): Promise<PageResult<T>> {
    return pageOf(await this.get<ODataCollection<T>>(pathOrNextLink, options));
  }

  /**
   * Every page of a collection. Guards against a nextLink that loops (seen before) or repeats
   * items (deduplicated by `key`), and against runaway paging (`maxPages`).
   */
  async getAll<T>(path: string, options: RequestOptions & { key?: (item: T) => string; onPage?: (items: T[]) => void }): Promise<PageResult<T> & { pages: number }> {
    const seenLinks = new Set<string>();
    const seenKeys = new Set<string>();
    const items: T[] = [];
    const warnings: PartialWarning[] = [];
    let link: string | undefined = path;
    let pages = 0;
    let count: number | undefined;
    while (link) {
      const absolute = /^https?:\/\//i.test(link) ? link : `${this.options.cloud.graphEndpoint}/${options.version ?? 'v1.0'}${link}`;
      if (seenLinks.has(absolute) || pages >= this.maxPages) {
        this.log?.warn(`Stopped paging ${path}: ${pages >= this.maxPages ? `more than ${this.maxPages} pages` : 'the next link repeats a page already read'}.`);
        break;
      }
      seenLinks.add(absolute);
      const page: PageResult<T> = await this.getPage<T>(link, options);
      pages++;
      count ??= page.count;
      warnings.push(...page.warnings);
      const fresh = options.key ? page.items.filter(item => {
        const k = options.key!(item);
        return seenKeys.has(k) ? false : (seenKeys.add(k), true);
      }) : page.items;
      items.push(...fresh);
      options.onPage?.(fresh);
      link = page.nextLink;
    }
    return { items, count, warnings, pages };
  }

  /**
   * JSON batching: requests go out in batches of at most 20, in parallel (Secure Score ones 4 at a
   * time, see SECURE_SCORE_CONCURRENCY); inner 429s are retried
   * after their Retry-After (the SDK does not do that), inner 424s are reported as such.
   * Answers come back correlated by id, in the order asked.
   */
  async batch(version: GraphVersion, requests: BatchRequest[], options: RequestOptions & { maxInnerRetries?: number; throttleBudgetMs?: number }): Promise<BatchResponse[]> {
    const results = new Map<string, BatchResponse>();
    let pending = requests;
    // Per-minute limits (150 alert requests a minute per tenant) make a big change wait its turn:
    // keep going while throttled items get through, each round waiting longer, within a budget;
    // give up after maxInnerRetries rounds in a row in which nothing got through.
    const deadline = Date.now() + (options.throttleBudgetMs ?? 180_000);
    let stalled = 0;
    for (let attempt = 0; pending.length > 0; attempt++) {
      // A chunk that fails as a whole (offline, 5xx on $batch) fails only its own requests, as
      // status 0 ("no answer"), so the answers of the other chunks are kept.
      const send = (chunk: BatchRequest[]) => this.sendBatch(version, chunk, options).catch((raw: unknown): BatchResponse[] => {
        const error = errorFromException(raw);
        if (error.kind === 'canceled' || error.kind === 'signIn') {
          throw error;
        }
        return chunk.map(r => ({ id: r.id, status: 0, headers: {}, body: { error: { code: error.details.code ?? error.kind, message: error.message } } }));
      });
      const [parallel, serial] = await Promise.all([
        Promise.all(chunked(pending.filter(r => !SECURE_SCORE_URL.test(r.url)), BATCH_LIMIT).map(send)),
        (async () => {
          const out: BatchResponse[][] = [];
          for (const chunk of chunked(pending.filter(r => SECURE_SCORE_URL.test(r.url)), SECURE_SCORE_CONCURRENCY)) {
            out.push(await send(chunk));
          }
          return out;
        })(),
      ]);
      const answers = [...parallel, ...serial].flat();
      for (const answer of answers) {
        results.set(answer.id, answer);
      }
      const throttled = answers.filter(a => a.status === 429);
      stalled = throttled.length === pending.length ? stalled + 1 : 0;
      if (throttled.length === 0 || stalled > (options.maxInnerRetries ?? 4) || Date.now() >= deadline) {
        break;
      }
      // At least Graph's Retry-After; longer the more rounds were throttled, so a queue of
      // throttled items is not re-sent every few hundred milliseconds only to be refused again.
      const retryAfter = Math.max(...throttled.map(a => parseRetryAfter(headerOf(a.headers, 'retry-after')) ?? 2 ** Math.min(attempt, 5)));
      const wait = Math.min(Math.max(retryAfter, Math.min(attempt, 15)), Math.max(0, (deadline - Date.now()) / 1000));
      this.log?.info(`${throttled.length} batched request(s) throttled; retrying after ${wait} s.`);
      await sleep(wait * 1000, options.signal);
      const ids = new Set(throttled.map(a => a.id));
      pending = requests.filter(r => ids.has(r.id));
    }
    return requests.map(r => results.get(r.id) ?? { id: r.id, status: 0, headers: {}, body: { error: { code: 'missingResponse', message: 'Graph returned no answer for this request in the batch.' } } });
  }

  /**
   * Exactly one `$batch` round trip (at most 20 requests), no splitting and no inner retries: for a
   * caller that schedules retries itself, per tenant (the portfolio). Throws only when the batch as
   * a whole fails; inner failures come back as their answers.
   */
  async batchOnce(version: GraphVersion, requests: BatchRequest[], options: RequestOptions): Promise<BatchResponse[]> {
    if (requests.length > BATCH_LIMIT) {
      throw new PostureError('badRequest', `A single $batch takes at most ${BATCH_LIMIT} requests (got ${requests.length}).`);
    }
    return this.sendBatch(version, requests, options);
  }

  private async sendBatch(version: GraphVersion, chunk: BatchRequest[], options: RequestOptions): Promise<BatchResponse[]> {
    const body = {
      requests: chunk.map(r => ({
        id: r.id, method: r.method, url: r.url,
        ...(r.body !== undefined ? { body: r.body, headers: { 'Content-Type': 'application/json', ...r.headers } } : r.headers ? { headers: r.headers } : {}),
      })),
    };
    // $batch is a POST, but a batch of reads needs only the read permission (a delegated sign-in
    // that consented to reads alone must not be asked for write scopes to read).
    const write = options.write ?? chunk.some(r => r.method !== 'GET');
    const result = await this.send<{ responses?: BatchResponse[] }>('POST', '/$batch', body, { ...options, version, write });
    const responses = result.data?.responses;
    if (!Array.isArray(responses)) {
      throw new PostureError('invalidResponse', 'Microsoft Graph answered the batch without responses.');
    }
    return responses.map(r => ({ id: String(r.id), status: Number(r.status), headers: r.headers ?? {}, body: r.body }));
  }

  private async send<T>(method: string, pathOrUrl: string, body: unknown, options: RequestOptions): Promise<GraphResult<T>> {
    const version = options.version ?? 'v1.0';
    const absolute = /^https?:\/\//i.test(pathOrUrl);
    const write = options.write ?? method !== 'GET';
    const signalOption = new SignalOption(options.signal, this.timeoutMs);
    const middlewareOptions: MiddlewareOptions[] = [new ScopeOption(this.scopesFor(options.area, write)), signalOption];
    if (absolute) {
      // A nextLink is opaque: send it exactly as Graph wrote it, not re-encoded by the client.
      middlewareOptions.push(new VerbatimUrlOption(pathOrUrl));
    }
    let request = this.client.api(pathOrUrl).middlewareOptions(middlewareOptions).responseType(ResponseType.RAW)
      .header('Prefer', EVOLVABLE_ENUMS);
    if (!absolute) {
      request = request.version(version);
    }
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      request = request.header(name, name.toLowerCase() === 'prefer' ? `${EVOLVABLE_ENUMS}, ${value}` : value);
    }
    const started = Date.now();
    let response: Response;
    try {
      switch (method) {
        case 'GET': response = await request.get(); break;
        case 'PATCH': response = await request.patch(body); break;
        case 'POST': response = await request.post(body); break;
        default: throw new Error(`Unsupported method ${method}`);
      }
    } catch (error) {
      const e = signalOption.failure ?? errorFromException(error);
      if (e.kind !== 'canceled') {
        this.log?.warn(`${method} ${describe(pathOrUrl)} failed after ${Date.now() - started} ms: ${e.logText}`);
      }
      throw e;
    }
    const text = await response.text();
    let parsed: unknown;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        this.log?.warn(`${method} ${describe(pathOrUrl)}: HTTP ${response.status} with a body that is not JSON (${text.length} bytes).`);
        if (response.ok) {
          throw new PostureError('invalidResponse', 'Microsoft Graph sent an answer that could not be read (malformed JSON). Try again.', { status: response.status, cause: error });
        }
      }
    }
    this.log?.trace(`${method} ${describe(pathOrUrl)} -> ${response.status} in ${Date.now() - started} ms`);
    if (!response.ok) {
      const error = errorFromResponse(response.status, parsed, response.headers, options.area, write);
      this.log?.warn(`${method} ${describe(pathOrUrl)}: ${error.logText}`);
      throw error;
    }
    return { data: parsed as T, status: response.status, warnings: response.status === 206 ? parseWarnings(response.headers.get('warning')) : [] };
  }
}

/** A collection answer as one page; throws when it carries no list. */
export function pageOf<T>(result: GraphResult<ODataCollection<T>>): PageResult<T> {
  const body = result.data;
  if (!body || !Array.isArray(body.value)) {
    throw new PostureError('invalidResponse', 'Microsoft Graph answered without a list of items.', { status: result.status });
  }
  return { items: body.value, nextLink: body['@odata.nextLink'], count: body['@odata.count'], warnings: result.warnings };
}

/** `199 - "Microsoft/WDATP/401/228", 199 - "Microsoft/IPC/504/10000"` → providers and statuses. */
export function parseWarnings(header: string | null): PartialWarning[] {
  if (!header) {
    return [{ provider: 'an unnamed provider', status: 0 }];
  }
  const warnings: PartialWarning[] = [];
  for (const match of header.matchAll(/"([^"]*)"/g)) {
    const parts = match[1].split('/');
    const status = Number(parts.length >= 4 ? parts[parts.length - 2] : NaN);
    const provider = parts.length >= 4 ? parts.slice(0, parts.length - 2).join('/') : match[1];
    warnings.push({ provider, status: Number.isFinite(status) ? status : 0 });
  }
  return warnings.length > 0 ? warnings : [{ provider: header, status: 0 }];
}

function chunked<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}

export function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find(k => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function describe(pathOrUrl: string): string {
  // Paths carry no secrets, but keep logs short: drop long skip tokens.
  return pathOrUrl.replace(/(\$skip[Tt]oken=)[^&]{12,}/, '$1…');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new PostureError('canceled', 'Canceled.'));
    }, { once: true });
  });
}
