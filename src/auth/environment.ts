// App-only sign-in from environment variables, read the way @azure/identity reads them
// (EnvironmentCredential first, then WorkloadIdentityCredential, as in DefaultAzureCredential),
// for the command line and pipelines. No `vscode` import; @azure/identity loads at the first token.
import { accessSync, constants } from 'fs';
import type { Cloud } from '../graph/clouds';
import { PostureError } from '../graph/errors';
import { IdentityCredential, loadIdentity } from './identityCredential';
import type { TokenCredential } from './tokenCredential';

export type EnvironmentMethod = 'clientSecret' | 'clientCertificate' | 'workloadIdentity';

export interface EnvironmentSignIn {
  credential: TokenCredential & { invalidate(): void };
  method: EnvironmentMethod;
  tenantId: string;
  clientId: string;
}

export const CREDENTIAL_VARIABLES = 'AZURE_CLIENT_ID and AZURE_TENANT_ID (or --tenant) with one of AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE';

/**
 * The credential the environment describes, for `tenant` when given (else AZURE_TENANT_ID).
 * Throws a PostureError naming what is missing; files named by the variables must be readable.
 */
export function environmentSignIn(env: NodeJS.ProcessEnv, cloud: Cloud, tenant?: string): EnvironmentSignIn {
  const tenantId = (tenant ?? env.AZURE_TENANT_ID ?? '').trim();
  const clientId = (env.AZURE_CLIENT_ID ?? '').trim();
  const secret = env.AZURE_CLIENT_SECRET;
  const certificate = env.AZURE_CLIENT_CERTIFICATE_PATH;
  const federated = env.AZURE_FEDERATED_TOKEN_FILE;
  if (!clientId || !tenantId || !(secret || certificate || federated)) {
    const missing = [!clientId && 'AZURE_CLIENT_ID', !tenantId && 'AZURE_TENANT_ID', !(secret || certificate || federated) && 'a secret, certificate or federated token file']
      .filter(Boolean).join(', ');
    throw new PostureError('signIn', `No credential in the environment (missing: ${missing}). Set ${CREDENTIAL_VARIABLES}, or use --sample.`);
  }
  if (['organizations', 'common', 'consumers'].includes(tenantId.toLowerCase())) {
    throw new PostureError('signIn', `App-only sign-in needs a specific tenant, not "${tenantId}": give its id or domain.`);
  }
  const options = { tenantId, clientId, authorityHost: cloud.authorityHost, disableInstanceDiscovery: cloud.disableInstanceDiscovery };
  const readable = (variable: string, file: string) => {
    try {
      accessSync(file, constants.R_OK);
    } catch {
      throw new PostureError('signIn', `${variable} names a file that cannot be read: ${file}`);
    }
  };
  const signIn = (method: EnvironmentMethod, create: () => TokenCredential): EnvironmentSignIn =>
    ({ credential: new IdentityCredential(create), method, tenantId, clientId });
  if (secret) {
    return signIn('clientSecret', () => loadIdentity().clientSecret(options, secret));
  }
  if (certificate) {
    readable('AZURE_CLIENT_CERTIFICATE_PATH', certificate);
    return signIn('clientCertificate', () => loadIdentity().clientCertificate(options, certificate, env.AZURE_CLIENT_CERTIFICATE_PASSWORD || undefined));
  }
  readable('AZURE_FEDERATED_TOKEN_FILE', federated!);
  return signIn('workloadIdentity', () => loadIdentity().workloadIdentity(options, federated!));
}
