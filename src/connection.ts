// Decides where data comes from (the sample tenant or Graph), signs in, and makes the signed-in
// tenant's context the current one: the views show the current context's store.
import * as vscode from 'vscode';
import { createSignIn, type SignIn } from './auth/credentials';
import type { TokenCredential } from './auth/tokenCredential';
import { VsCodeSessionCredential } from './auth/vscodeCredential';
import { resolveCloud, type Cloud } from './graph/clouds';
import { GraphService, type GraphServiceOptions, type Logger } from './graph/client';
import { AREA_PERMISSIONS, PostureError, errorFromException, type ApiArea } from './graph/errors';
import type { TenantDataset } from './sample/dataset';
import type { Settings } from './settings';
import { TenantContext } from './tenant/context';
import type { CurrentStore } from './tenant/current';
import type { PortfolioSource } from './tenant/portfolio';

type Credential = TokenCredential & { invalidate?(): void };

export type ConnectionState =
  | { kind: 'sample'; dataset: TenantDataset }
  | { kind: 'graph'; signIn: SignIn; cloud: Cloud }
  | { kind: 'signedOut'; reason?: PostureError };

const SIGNED_OUT_KEY = 'securityPosture.signedOut';
const SAMPLE_HISTORY_DAYS = 310;

export class Connection implements vscode.Disposable {
  private stateValue: ConnectionState = { kind: 'signedOut' };
  private readonly emitter = new vscode.EventEmitter<ConnectionState>();
  readonly onDidChange = this.emitter.event;
  /** The tenant signed in to (the sample tenant's included); undefined when signed out. */
  private home?: TenantContext;
  /** The customer tenant the views show instead of home, if one is open. */
  private customer?: TenantContext;
  /** One credential per customer tenant, so tokens are reused and never shared between tenants. */
  private readonly customerCredentials = new Map<string, Credential>();
  /** How to reach a customer tenant with the current sign-in (undefined: it cannot). */
  private customerConnection?: (tenantId: string) => ({ credential: Credential } & Pick<GraphServiceOptions, 'transport'>) | undefined;
  private partnerAccess?: Omit<PortfolioSource, 'key' | 'partner' | 'graphFor'>;

  constructor(
    private readonly store: CurrentStore,
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The tenant the views show and commands act on. */
  get tenant(): TenantContext | undefined {
    return this.store.context;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** A short name for view descriptions and the status bar. */
  get label(): string {
    return this.tenant?.displayName ?? 'Signed out';
  }

  get customerNames(): Record<string, string> {
    return this.stateValue.kind === 'sample' ? this.stateValue.dataset.customerNames : {};
  }

  /**
   * Connects for the current settings. Never prompts unless `interactive`: at start-up a
   * delegated sign-in is used only if VS Code already has a session for our scopes.
   */
  async connect(settings: Settings, interactive: boolean): Promise<void> {
    if (settings.dataSource === 'sample') {
      await this.connectSample();
      return;
    }
    let cloud: Cloud;
    let signIn: SignIn;
    try {
      cloud = resolveCloud(settings.cloud, settings.customCloud);
      signIn = await createSignIn(settings, cloud, { secrets: this.context.secrets, log: this.log });
    } catch (error) {
      this.setSignedOut(errorFromException(error));
      if (interactive) {
        throw error;
      }
      return;
    }
    // "Sign out" holds for every sign-in method (an app-only one could otherwise sign in again at
    // the next start or settings change) until the user signs in.
    if (!interactive && this.context.globalState.get<boolean>(SIGNED_OUT_KEY)) {
      this.setSignedOut();
      return;
    }
    if (signIn.vscode) {
      const core = coreScopes(signIn);
      const session = interactive
        ? await signIn.vscode.interactive(() => signIn.vscode!.getSession(core, true))
        : await signIn.vscode.getSession(core, false).catch(() => undefined);
      if (!session) {
        this.setSignedOut();
        return;
      }
      signIn.account = session.account.label;
      signIn.accountId = session.account.id;
      signIn.tenantKey = `${signIn.tenantKey}:${session.account.id}`;
    }
    await this.context.globalState.update(SIGNED_OUT_KEY, undefined);
    this.resetCustomers(signIn.credentialFor && (tenantId => ({ credential: this.customerCredential(tenantId, () => signIn.credentialFor!(tenantId)) })),
      { cloud, clientId: settings.clientId, mode: signIn.delegated ? 'gdap' : 'app' });
    this.show(new TenantContext({
      key: signIn.tenantKey, tenantId: settings.tenantId, displayName: signIn.account ?? (cloud.name === 'AzureCloud' ? 'Microsoft Graph' : cloud.displayName),
      cloud, user: signIn.delegated ? signIn.account : undefined, sample: false,
      credential: signIn.credential, scopesFor: signIn.scopesFor, log: graphLogger(this.log), cache: this.context.globalState,
    }));
    this.stateValue = { kind: 'graph', signIn, cloud };
    this.emitter.fire(this.stateValue);
    this.log.info(`Connected to Microsoft Graph (${cloud.displayName}, ${signIn.delegated ? 'delegated' : 'app-only'} sign-in).`);
  }

  private async connectSample(): Promise<void> {
    if (this.stateValue.kind !== 'sample') {
      // Loaded on first use: the generator and engine cost nothing until someone explores the sample.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { generateTenant, GraphEngine, inProcessConnection, sampleCustomerConnection, PARTNER_DISCOVERY_PERMISSIONS } = require('./sample/bundle') as typeof import('./sample/bundle');
      // Graph keeps 90 days; 310 older ones seed the stored history so "all" shows what a long-time user would see.
      const dataset = generateTenant({ now: new Date(), historyDays: SAMPLE_HISTORY_DAYS });
      const engine = new GraphEngine(dataset);
      const caller = {
        tenantId: dataset.tenantId, upn: dataset.signedInUser, appOnly: false,
        permissions: ['SecurityEvents.ReadWrite.All', 'SecurityAlert.ReadWrite.All', 'PartnerSecurity.ReadWrite.All'],
      };
      const cloud = resolveCloud('AzureCloud');
      this.resetCustomers(tenantId => sampleCustomerConnection(engine, tenantId, dataset.signedInUser),
        { cloud, clientId: '14d82eec-204b-4c2f-b7e8-296a70dab67e', mode: 'gdap', names: dataset.customerNames });
      this.show(new TenantContext({
        key: 'sample', tenantId: dataset.tenantId, displayName: 'Sample tenant', cloud, user: dataset.signedInUser, sample: true,
        ...inProcessConnection(engine, { ...caller, permissions: [...caller.permissions, ...PARTNER_DISCOVERY_PERMISSIONS] }), log: graphLogger(this.log), cache: this.context.globalState,
      }));
      this.stateValue = { kind: 'sample', dataset };
    } else {
      // Reconnecting to the sample (a refresh of settings): the same context, shown again.
      this.show(this.home);
    }
    this.emitter.fire(this.stateValue);
  }

  /** The signed-in user's UPN, for "Assign to me"; undefined for app-only sign-in. */
  get userPrincipalName(): string | undefined {
    return this.tenant?.user;
  }

  /** Makes a tenant context the home one and shows it; the one it replaces is disposed. */
  private show(context: TenantContext | undefined): void {
    this.closeCustomer();
    if (this.home !== context) {
      this.home?.dispose();
      this.home = context;
    }
    this.store.bind(context);
  }

  private resetCustomers(connection: Connection['customerConnection'], access: Connection['partnerAccess']): void {
    this.closeCustomer();
    this.customerCredentials.clear();
    this.customerConnection = connection;
    this.partnerAccess = connection && access;
  }

  private customerCredential(tenantId: string, create: () => Credential): Credential {
    const key = tenantId.toLowerCase();
    let credential = this.customerCredentials.get(key);
    if (!credential) {
      credential = create();
      this.customerCredentials.set(key, credential);
    }
    return credential;
  }

  /** What the Customers view reads through: the home tenant as partner, a Graph client per customer. */
  get portfolioSource(): PortfolioSource | undefined {
    const home = this.home;
    const access = this.partnerAccess;
    if (!home || !access || !this.customerConnection) {
      return undefined;
    }
    return { ...access, key: home.key, partner: home.graph, graphFor: tenantId => this.customerGraph(tenantId) };
  }

  /** A Graph client for one customer tenant: its own credential, never the home tenant's token. */
  customerGraph(tenantId: string): GraphService {
    const connection = this.customerConnection?.(tenantId);
    if (!connection || !this.home) {
      throw new PostureError('signIn', 'This sign-in cannot reach customer tenants: sign in as a partner user (VS Code or device code) or with a multi-tenant app.');
    }
    return new GraphService({ cloud: this.home.cloud, ...connection, scopesFor: this.scopesFor(), log: graphLogger(this.log) });
  }

  private scopesFor(): SignIn['scopesFor'] | undefined {
    return this.stateValue.kind === 'graph' ? this.stateValue.signIn.scopesFor : undefined;
  }

  /** The customer whose tenant the views show, if any. */
  get openCustomer(): TenantContext | undefined {
    return this.customer;
  }

  /** Shows a customer's tenant in the four views; "Back to My Tenant" returns. */
  openCustomerTenant(tenantId: string, name: string): TenantContext {
    const home = this.home;
    const connection = this.customerConnection?.(tenantId);
    if (!home || !connection) {
      throw new PostureError('signIn', 'This sign-in cannot reach customer tenants: sign in as a partner user (VS Code or device code) or with a multi-tenant app.');
    }
    if (this.customer?.tenantId?.toLowerCase() !== tenantId.toLowerCase()) {
      this.closeCustomer();
      this.customer = new TenantContext({
        key: `${home.key}/customer/${tenantId.toLowerCase()}`, tenantId, displayName: name, cloud: home.cloud, user: home.user, sample: home.sample,
        ...connection, scopesFor: this.scopesFor(), log: graphLogger(this.log), cache: this.context.globalState,
      });
    }
    this.store.bind(this.customer);
    this.emitter.fire(this.stateValue);
    return this.customer;
  }

  /**
   * A context for one customer's tenant that the views do not show (a posture plan across
   * customers): its own credential, the same per-tenant cache as opening it. The caller disposes it.
   */
  customerContext(tenantId: string, name: string): TenantContext {
    const home = this.home;
    const connection = this.customerConnection?.(tenantId);
    if (!home || !connection) {
      throw new PostureError('signIn', 'This sign-in cannot reach customer tenants: sign in as a partner user (VS Code or device code) or with a multi-tenant app.');
    }
    return new TenantContext({
      key: `${home.key}/customer/${tenantId.toLowerCase()}`, tenantId: tenantId.toLowerCase(), displayName: name, cloud: home.cloud, user: home.user, sample: home.sample,
      ...connection, scopesFor: this.scopesFor(), log: graphLogger(this.log), cache: this.context.globalState,
    });
  }

  /** Back to the tenant signed in to. */
  showHome(): void {
    if (this.customer) {
      this.closeCustomer();
      this.store.bind(this.home);
      this.emitter.fire(this.stateValue);
    }
  }

  private closeCustomer(): void {
    this.customer?.dispose();
    this.customer = undefined;
  }

  /**
   * Write permissions are asked for only when a write is first attempted, with the reason.
   * A refusal leaves everything unchanged and says what consent or role is needed.
   */
  async ensureWriteAccess(area: ApiArea, why: string, customerTenantId?: string): Promise<void> {
    const s = this.stateValue;
    if (s.kind === 'signedOut') {
      throw new PostureError('signIn', 'Sign in first; nothing was changed.');
    }
    // The session of the tenant being changed: the customer's named (an action across customers), or the open one's.
    const customerId = customerTenantId ?? this.customer?.tenantId;
    const open = customerId && this.customerCredentials.get(customerId.toLowerCase());
    const credential = open instanceof VsCodeSessionCredential ? open : s.kind === 'graph' && !customerId ? s.signIn.vscode : undefined;
    if (s.kind !== 'graph' || !credential) {
      return;
    }
    const permission = AREA_PERMISSIONS[area];
    try {
      await credential.interactive(() => credential.getSession(s.signIn.scopesFor(area, true), true, `${why} This needs the ${permission.write} permission.`));
    } catch (error) {
      throw new PostureError('forbidden',
        `Nothing was changed: ${why.replace(/\.$/, '')} needs the ${permission.write} permission, which was not granted. Ask an admin to consent to it for the app, and for the ${permission.writeRoles} role.`,
        { cause: error });
    }
  }

  /**
   * After VS Code's sessions changed: whether the account we use is gone or another one. A session
   * added for more scopes (the first write's) is not a change: reconnecting then would drop the
   * tenant context in the middle of that write.
   */
  async accountChanged(): Promise<boolean> {
    const s = this.stateValue;
    if (s.kind !== 'graph' || !s.signIn.vscode) {
      return false;
    }
    const session = await s.signIn.vscode.getSession(coreScopes(s.signIn), false).catch(() => undefined);
    return session?.account.id !== s.signIn.accountId;
  }

  /** "Sign out": stop using the session here (VS Code keeps the account for other extensions). */
  async signOut(): Promise<void> {
    await this.context.globalState.update(SIGNED_OUT_KEY, true);
    this.setSignedOut();
  }

  private setSignedOut(reason?: PostureError): void {
    this.stateValue = { kind: 'signedOut', reason };
    this.show(undefined);
    this.emitter.fire(this.stateValue);
    if (reason) {
      this.log.warn(`Not connected: ${reason.logText}`);
    }
  }

  dispose(): void {
    this.show(undefined);
    this.emitter.dispose();
  }
}

function graphLogger(log: vscode.LogOutputChannel): Logger {
  return { trace: m => log.trace(m), info: m => log.info(m), warn: m => log.warn(m), error: m => log.error(m) };
}

/** The scopes a VS Code sign-in starts with: reading Secure Score and alerts. */
function coreScopes(signIn: SignIn): string[] {
  return [...signIn.scopesFor('secureScore', false), ...signIn.scopesFor('alerts', false)];
}
