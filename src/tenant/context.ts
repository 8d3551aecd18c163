// A tenant as a value: everything needed to read and change one tenant's posture, with no
// `vscode` import, so the extension, a cross-tenant action and a headless tool can hold several
// at once. One Graph client per tenant (its own credential, so a token for one tenant never goes
// with another tenant's requests), one SecurityApi (one $batch queue for every read of that
// tenant: refresh, queries, watching) and one WriteApi, and the tenant's store.
import type { TokenCredential } from '../auth/tokenCredential';
import type { Cloud } from '../graph/clouds';
import { GraphService, type GraphTransport, type Logger } from '../graph/client';
import type { ApiArea } from '../graph/errors';
import { SecurityApi } from '../graph/security';
import { WriteApi } from '../graph/writes';
import { PostureStore, type CacheStorage } from '../model/store';

export interface TenantIdentity {
  /** Cache and settings key: the tenant, plus the account for delegated sign-in ('sample' for the sample tenant). */
  key: string;
  /** The directory (tenant) id, when known. */
  tenantId?: string;
  /** A short name for titles and the status bar. */
  displayName: string;
  cloud: Cloud;
  /** The signed-in user's UPN ("assign to me", "changed by"); undefined for app-only sign-in. */
  user?: string;
  /** The built-in sample tenant. */
  sample: boolean;
}

export interface TenantContextOptions extends TenantIdentity {
  credential: TokenCredential & { invalidate?(): void };
  scopesFor?: (area: ApiArea, write: boolean) => string[];
  /** Answers requests instead of HTTP (the sample tenant). */
  transport?: GraphTransport;
  log?: Logger;
  /** Where the store keeps the last data of the tenant. */
  cache?: CacheStorage;
  now?: () => Date;
  timeoutMs?: number;
  maxRetries?: number;
}

export class TenantContext implements TenantIdentity {
  readonly key: string;
  readonly tenantId?: string;
  readonly displayName: string;
  readonly cloud: Cloud;
  readonly user?: string;
  readonly sample: boolean;
  readonly graph: GraphService;
  readonly security: SecurityApi;
  readonly writes: WriteApi;
  readonly store: PostureStore;
  private disposed = false;

  constructor(options: TenantContextOptions) {
    this.key = options.key;
    this.tenantId = options.tenantId;
    this.displayName = options.displayName;
    this.cloud = options.cloud;
    this.user = options.user;
    this.sample = options.sample;
    this.graph = new GraphService({
      cloud: options.cloud, credential: options.credential, scopesFor: options.scopesFor, transport: options.transport,
      log: options.log, timeoutMs: options.timeoutMs, maxRetries: options.maxRetries,
    });
    this.security = new SecurityApi(this.graph);
    this.writes = new WriteApi(this.graph);
    this.store = new PostureStore(options.cache, options.now);
    this.store.connect(this.security, options.key);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Cancels what is in flight and lets go of the store's listeners. */
  dispose(): void {
    if (!this.disposed) {
      this.disposed = true;
      this.store.dispose();
    }
  }
}

/**
 * The tenant contexts alive at once, created on first use and disposed when let go. The home
 * tenant is the one signed in to; others (customers) are opened by id.
 */
export class TenantContexts {
  private readonly contexts = new Map<string, TenantContext>();

  constructor(private readonly create: (key: string) => TenantContext) {}

  /** The context for a key, created the first time it is asked for. */
  get(key: string): TenantContext {
    let context = this.contexts.get(key);
    if (!context || context.isDisposed) {
      context = this.create(key);
      this.contexts.set(key, context);
    }
    return context;
  }

  peek(key: string): TenantContext | undefined {
    return this.contexts.get(key);
  }

  get size(): number {
    return this.contexts.size;
  }

  release(key: string): void {
    this.contexts.get(key)?.dispose();
    this.contexts.delete(key);
  }

  dispose(): void {
    for (const context of this.contexts.values()) {
      context.dispose();
    }
    this.contexts.clear();
  }
}
