// Builds the credential for the chosen sign-in method. @azure/identity is loaded only for the
// methods that need it (dist/identity.js is a separate bundle, see identityCredential.ts).
import * as vscode from 'vscode';
import type { Cloud } from '../graph/clouds';
import { AREA_PERMISSIONS, PostureError, type ApiArea } from '../graph/errors';
import type { Settings } from '../settings';
import { IdentityCredential, loadIdentity } from './identityCredential';
import type { TokenCredential } from './tokenCredential';
import { VsCodeSessionCredential } from './vscodeCredential';

export interface SignIn {
  credential: TokenCredential & { invalidate?(): void };
  /** Scopes for a request to an area (delegated: the feature's permission; app-only: `.default`). */
  scopesFor(area: ApiArea, write: boolean): string[];
  /** Whether this method signs in a user (delegated) or an application. */
  delegated: boolean;
  /** A stable key for the tenant's cache: method + cloud + tenant + client. */
  tenantKey: string;
  /** Human-readable account, when known. */
  account?: string;
  /** VS Code's id of the signed-in account (VS Code sign-in only). */
  accountId?: string;
  vscode?: VsCodeSessionCredential;
  /**
   * A credential for another tenant (a customer), signing in the same way: tokens it gets are for
   * that tenant only. Undefined for methods that cannot reach another tenant (environment).
   */
  credentialFor?(tenantId: string): TokenCredential & { invalidate?(): void };
}

export interface CredentialContext {
  secrets: vscode.SecretStorage;
  log: vscode.LogOutputChannel;
}

export function secretKey(settings: Pick<Settings, 'cloud' | 'tenantId' | 'clientId'>): string {
  return `securityPosture.clientSecret/${settings.cloud}/${settings.tenantId}/${settings.clientId}`;
}

export async function createSignIn(settings: Settings, cloud: Cloud, context: CredentialContext): Promise<SignIn> {
  const graph = cloud.graphEndpoint;
  const delegatedScopes = (area: ApiArea, write: boolean) => [`${graph}/${write ? AREA_PERMISSIONS[area].write : AREA_PERMISSIONS[area].read}`];
  const appScopes = () => [`${graph}/.default`];
  const common = {
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    authorityHost: cloud.authorityHost,
    disableInstanceDiscovery: cloud.disableInstanceDiscovery,
  };
  const key = (method: string, tenant: string, client: string) => `${method}:${cloud.name}:${tenant}:${client}`;
  const requireTenant = () => {
    if (!settings.tenantId || ['organizations', 'common', 'consumers'].includes(settings.tenantId)) {
      throw new PostureError('signIn', `App-only sign-in needs a specific tenant: set securityPosture.tenantId to your tenant id or domain.`);
    }
  };

  switch (settings.authMethod) {
    case 'vscode': {
      const credential = new VsCodeSessionCredential({ providerId: cloud.vscodeProviderId, clientId: settings.clientId, tenantId: settings.tenantId });
      return {
        credential, vscode: credential, scopesFor: delegatedScopes, delegated: true, tenantKey: key('vscode', settings.tenantId, settings.clientId),
        credentialFor: tenantId => new VsCodeSessionCredential({ providerId: cloud.vscodeProviderId, clientId: settings.clientId, tenantId }),
      };
    }
    case 'deviceCode': {
      // One device code for the user; customer tenants get their tokens silently from that sign-in
      // (deviceCodeSession.ts), and a tenant that refuses shows its reason instead of a new code.
      const session = loadIdentity().deviceCodeSession(common, info => {
        context.log.info('Device code sign-in started: waiting for the code to be entered.');
        void vscode.window.showInformationMessage(`To sign in, open ${info.verificationUri} and enter the code ${info.userCode}.`, 'Copy Code and Open')
          .then(async choice => {
            if (choice) {
              await vscode.env.clipboard.writeText(info.userCode);
              await vscode.env.openExternal(vscode.Uri.parse(info.verificationUri));
            }
          });
      });
      return {
        credential: new IdentityCredential(() => session.home), scopesFor: delegatedScopes, delegated: true, tenantKey: key('deviceCode', settings.tenantId, settings.clientId),
        credentialFor: tenantId => new IdentityCredential(() => session.forTenant(tenantId)),
      };
    }
    case 'clientSecret': {
      requireTenant();
      const secret = await context.secrets.get(secretKey(settings));
      if (!secret) {
        throw new PostureError('signIn', 'No client secret is stored for this app and tenant. Run "Security Posture: Set Client Secret…".');
      }
      const credential = new IdentityCredential(() => loadIdentity().clientSecret(common, secret));
      return {
        credential, scopesFor: appScopes, delegated: false, tenantKey: key('app', settings.tenantId, settings.clientId), account: `app ${settings.clientId}`,
        // A multi-tenant app: the same secret, the customer's authority.
        credentialFor: tenantId => new IdentityCredential(() => loadIdentity().clientSecret({ ...common, tenantId }, secret)),
      };
    }
    case 'clientCertificate': {
      requireTenant();
      if (!settings.clientCertificatePath) {
        throw new PostureError('signIn', 'Set securityPosture.clientCertificatePath to a PEM file with the certificate and its private key.');
      }
      const credential = new IdentityCredential(() => loadIdentity().clientCertificate(common, settings.clientCertificatePath));
      return {
        credential, scopesFor: appScopes, delegated: false, tenantKey: key('app', settings.tenantId, settings.clientId), account: `app ${settings.clientId}`,
        credentialFor: tenantId => new IdentityCredential(() => loadIdentity().clientCertificate({ ...common, tenantId }, settings.clientCertificatePath)),
      };
    }
    case 'environment': {
      const tenant = process.env.AZURE_TENANT_ID ?? '';
      const client = process.env.AZURE_CLIENT_ID ?? '';
      if (!tenant || !client || !(process.env.AZURE_CLIENT_SECRET || process.env.AZURE_CLIENT_CERTIFICATE_PATH)) {
        throw new PostureError('signIn', 'The environment method needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH in VS Code\'s environment.');
      }
      const credential = new IdentityCredential(() => loadIdentity().environment(common));
      return { credential, scopesFor: appScopes, delegated: false, tenantKey: key('app', tenant, client), account: `app ${client}` };
    }
  }
}
