// Decides where data comes from (the sample tenant or Graph), signs in, and makes the signed-in
// tenant's context the current one: the views show the current context's store.
import * as vscode from 'vscode';
import { createSignIn, type SignIn } from './auth/credentials';
import { resolveCloud, type Cloud } from './graph/clouds';
import type { Logger } from './graph/client';
import { AREA_PERMISSIONS, PostureError, errorFromException, type ApiArea } from './graph/errors';
import type { TenantDataset } from './sample/dataset';
import type { Settings } from './settings';
import { TenantContext } from './tenant/context';
import type { CurrentStore } from './tenant/current';

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
      const core = [...signIn.scopesFor('secureScore', false), ...signIn.scopesFor('alerts', false)];
      const session = interactive
        ? await signIn.vscode.interactive(() => signIn.vscode!.getSession(core, true))
        : await signIn.vscode.getSession(core, false).catch(() => undefined);
      if (!session) {
        this.setSignedOut();
        return;
      }
      signIn.account = session.account.label;
      signIn.tenantKey = `${signIn.tenantKey}:${session.account.id}`;
    }
    await this.context.globalState.update(SIGNED_OUT_KEY, undefined);
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
      const { generateTenant, GraphEngine, inProcessConnection } = require('./sample/bundle') as typeof import('./sample/bundle');
      // Graph keeps 90 days; 310 older ones seed the stored history so "all" shows what a long-time user would see.
      const dataset = generateTenant({ now: new Date(), historyDays: SAMPLE_HISTORY_DAYS });
      const engine = new GraphEngine(dataset);
      const caller = {
        tenantId: dataset.tenantId, upn: dataset.signedInUser, appOnly: false,
        permissions: ['SecurityEvents.ReadWrite.All', 'SecurityAlert.ReadWrite.All', 'PartnerSecurity.ReadWrite.All'],
      };
      this.show(new TenantContext({
        key: 'sample', tenantId: dataset.tenantId, displayName: 'Sample tenant', cloud: resolveCloud('AzureCloud'), user: dataset.signedInUser, sample: true,
        ...inProcessConnection(engine, caller), log: graphLogger(this.log), cache: this.context.globalState,
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
    if (this.home !== context) {
      this.home?.dispose();
      this.home = context;
    }
    this.store.bind(context);
  }

  /**
   * Write permissions are asked for only when a write is first attempted, with the reason.
   * A refusal leaves everything unchanged and says what consent or role is needed.
   */
  async ensureWriteAccess(area: ApiArea, why: string): Promise<void> {
    const s = this.stateValue;
    if (s.kind === 'signedOut') {
      throw new PostureError('signIn', 'Sign in first; nothing was changed.');
    }
    if (s.kind !== 'graph' || !s.signIn.vscode) {
      return;
    }
    const credential = s.signIn.vscode;
    const permission = AREA_PERMISSIONS[area];
    try {
      await credential.interactive(() => credential.getSession(s.signIn.scopesFor(area, true), true, `${why} This needs the ${permission.write} permission.`));
    } catch (error) {
      throw new PostureError('forbidden',
        `Nothing was changed: ${why.replace(/\.$/, '')} needs the ${permission.write} permission, which was not granted. Ask an admin to consent to it for the app, and for the ${permission.roles} role.`,
        { cause: error });
    }
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
