// One device-code sign-in for a partner's user, and tokens for every customer tenant without another
// prompt: as Entra intends, the user's refresh token is redeemed at the customer's own authority
// (acquireTokenSilent with that authority). @azure/identity's DeviceCodeCredential cannot do this:
// its silent call ignores the per-call tenant, and a refused one starts a new device code and loses
// Entra's AADSTS text. Bundled into dist/identity.js with the rest of MSAL. Tokens are never logged.
import { InteractionRequiredAuthError, LogLevel, PublicClientApplication, type AccountInfo, type AuthenticationResult } from '@azure/msal-node';
import type { AccessToken, TokenCredential } from './tokenCredential';

export interface DeviceCodeSessionOptions {
  /** The user's own tenant (id, domain, or `organizations`). */
  tenantId: string;
  clientId: string;
  authorityHost: string;
  /** True for a private (Custom cloud) authority: MSAL must not ask the public cloud first. */
  disableInstanceDiscovery: boolean;
}

export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  message: string;
}

export type SessionCredential = TokenCredential & { invalidate(): void };

export class DeviceCodeSession {
  private readonly app: PublicClientApplication;
  private account: AccountInfo | undefined;
  private signingIn: Promise<AuthenticationResult> | undefined;
  /** One acquisition per tenant and scopes at a time: concurrent callers share it. */
  private readonly inFlight = new Map<string, Promise<AccessToken>>();

  constructor(private readonly options: DeviceCodeSessionOptions, private readonly prompt: (info: DeviceCodePrompt) => void) {
    const host = options.authorityHost.replace(/\/+$/, '');
    this.app = new PublicClientApplication({
      auth: {
        clientId: options.clientId,
        authority: `${host}/${options.tenantId}`,
        // MSAL's way to trust an authority without asking the public cloud's discovery endpoint.
        knownAuthorities: options.disableInstanceDiscovery ? [host] : [],
      },
      // MSAL's own logger stays off: its verbose lines can carry account details.
      system: { loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined } },
    });
  }

  /** The user's own tenant: a device code when nobody is signed in yet, or when Entra asks for one again. */
  get home(): SessionCredential {
    return this.credential(undefined);
  }

  /**
   * A customer's tenant: a token for that tenant only, from the signed-in user's refresh token.
   * Entra's refusal there (AADSTS65001 consent, AADSTS53003 Conditional Access) is thrown as it
   * came, never answered with a device code of its own.
   */
  forTenant(tenantId: string): SessionCredential {
    return this.credential(tenantId);
  }

  private credential(tenantId: string | undefined): SessionCredential {
    let forceRefresh = false;
    return {
      getToken: async (scopes: string | string[]): Promise<AccessToken | null> => {
        const refresh = forceRefresh;
        forceRefresh = false;
        return this.token(tenantId, ([] as string[]).concat(scopes), refresh);
      },
      // After a 401: the next token comes from Entra, not the cache (the sign-in stays).
      invalidate: () => {
        forceRefresh = true;
      },
    };
  }

  private token(tenantId: string | undefined, scopes: string[], forceRefresh: boolean): Promise<AccessToken> {
    const key = `${tenantId?.toLowerCase() ?? ''}|${[...scopes].sort().join(' ')}|${forceRefresh}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.acquire(tenantId, scopes, forceRefresh).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async acquire(tenantId: string | undefined, scopes: string[], forceRefresh: boolean): Promise<AccessToken> {
    if (!this.account) {
      // Then the cache answers (the sign-in may have been another caller's, for other scopes).
      await this.signIn(scopes);
    }
    const authority = this.authority(tenantId ?? this.options.tenantId);
    // MSAL looks up cached tokens by the account's tenant before the authority's: the customer's
    // view of the account, or it would answer with the home tenant's token.
    const account = tenantId === undefined ? this.account! : { ...this.account!, tenantId };
    let result: AuthenticationResult;
    try {
      result = await this.app.acquireTokenSilent({ account, scopes, authority, forceRefresh });
    } catch (error) {
      // Only the user's own tenant may prompt again (expired sign-in, a permission not consented yet).
      if (tenantId !== undefined || !(error instanceof InteractionRequiredAuthError)) {
        throw error;
      }
      result = await this.signIn(scopes);
    }
    // A customer's token is of that customer's tenant, whatever the cache held.
    if (tenantId !== undefined && result.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
      throw new Error(`The token Entra returned for tenant ${tenantId} is for tenant ${result.tenantId}; it was not used.`);
    }
    return accessToken(result);
  }

  /** The device-code sign-in at the user's own authority; concurrent callers share one code. */
  private signIn(scopes: string[]): Promise<AuthenticationResult> {
    this.signingIn ??= this.app.acquireTokenByDeviceCode({
      scopes,
      authority: this.authority(this.options.tenantId),
      deviceCodeCallback: r => this.prompt({ userCode: r.userCode, verificationUri: r.verificationUri, message: r.message }),
    }).then(result => {
      if (!result?.account) {
        throw new Error('The device-code sign-in returned no account.');
      }
      this.account = result.account;
      return result;
    }).finally(() => {
      this.signingIn = undefined;
    });
    return this.signingIn;
  }

  private authority(tenantId: string): string {
    return `${this.options.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenantId)}`;
  }
}

function accessToken(result: AuthenticationResult): AccessToken {
  return {
    token: result.accessToken,
    expiresOnTimestamp: result.expiresOn?.getTime() ?? Date.now() + 60_000,
    ...(result.refreshOn ? { refreshAfterTimestamp: result.refreshOn.getTime() } : {}),
    tokenType: 'Bearer',
  };
}
