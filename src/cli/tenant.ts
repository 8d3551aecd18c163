// The tenant a command works on, as a TenantContext: the built-in sample tenant (in-process, as
// the extension builds it) or Microsoft Graph with an app-only credential from the environment.
import { environmentSignIn } from '../auth/environment';
import { isHttpsUrl, resolveCloud, type Cloud, type CloudName } from '../graph/clouds';
import type { Logger } from '../graph/client';
import type { SecureScore } from '../graph/types';
import { TenantContext } from '../tenant/context';
import { CliError, type Io, type Output } from './output';

export interface TenantOptions {
  sample?: boolean;
  tenant?: string;
  cloud?: string;
  'graph-endpoint'?: string;
  'authority-host'?: string;
}

export interface CliTenant {
  context: TenantContext;
  /** Who the data is of, for reports and messages. */
  label: string;
  customerNames: Record<string, string>;
  /** The sample tenant's days older than Graph's 90 (its stored history starts with them). */
  archive?: SecureScore[];
}

const CLOUD_NAMES: CloudName[] = ['AzureCloud', 'AzureUSGovernment', 'AzureUSGovernmentDoD', 'AzureChinaCloud', 'Custom'];
// Graph keeps 90 days; the sample's 310 older ones seed the history, as in the extension.
const SAMPLE_HISTORY_DAYS = 310;
const SAMPLE_PERMISSIONS = ['SecurityEvents.ReadWrite.All', 'SecurityAlert.ReadWrite.All', 'PartnerSecurity.ReadWrite.All'];

/** `--cloud` (case-insensitive) and, for Custom, its endpoints; checked before anything loads. */
export function cloudFrom(options: TenantOptions): Cloud {
  const name = CLOUD_NAMES.find(n => n.toLowerCase() === (options.cloud ?? 'AzureCloud').toLowerCase());
  if (!name) {
    throw new CliError(`Unknown cloud "${options.cloud}": use one of ${CLOUD_NAMES.join(', ')}.`);
  }
  const custom = { graphEndpoint: options['graph-endpoint'] ?? '', authorityHost: options['authority-host'] ?? '' };
  if (name !== 'Custom') {
    if (custom.graphEndpoint || custom.authorityHost) {
      throw new CliError('--graph-endpoint and --authority-host go with --cloud Custom.');
    }
    return resolveCloud(name);
  }
  if (!isHttpsUrl(custom.graphEndpoint) || !isHttpsUrl(custom.authorityHost)) {
    throw new CliError('--cloud Custom needs https:// URLs in --graph-endpoint and --authority-host.');
  }
  return resolveCloud('Custom', custom);
}

export function checkTenantOptions(options: TenantOptions): void {
  if (options.sample && (options.tenant || options.cloud || options['graph-endpoint'] || options['authority-host'])) {
    throw new CliError('--sample uses the built-in sample tenant: leave out --tenant, --cloud and the endpoints.');
  }
  if (!options.sample) {
    cloudFrom(options);
  }
}

export async function openTenant(options: TenantOptions, io: Io, out: Output): Promise<CliTenant> {
  const log: Logger = { trace: () => undefined, info: m => out.detail(m), warn: m => out.detail(m), error: m => out.detail(m) };
  if (options.sample) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { generateTenant, GraphEngine, inProcessConnection } = require('../sample/bundle') as typeof import('../sample/bundle');
    const dataset = generateTenant({ now: new Date(), historyDays: SAMPLE_HISTORY_DAYS });
    const caller = { tenantId: dataset.tenantId, upn: dataset.signedInUser, appOnly: false, permissions: SAMPLE_PERMISSIONS };
    out.progress(`Using the sample tenant (${dataset.displayName}).`);
    const context = new TenantContext({
      key: 'sample', tenantId: dataset.tenantId, displayName: 'Sample tenant', cloud: resolveCloud('AzureCloud'), user: dataset.signedInUser, sample: true,
      ...inProcessConnection(new GraphEngine(dataset), caller), log,
    });
    return { context, label: `Sample tenant (${dataset.displayName})`, customerNames: dataset.customerNames, archive: dataset.secureScoreArchive };
  }
  const cloud = cloudFrom(options);
  const signIn = environmentSignIn(io.env, cloud, options.tenant);
  const scopes = [`${cloud.graphEndpoint}/.default`];
  out.progress(`Signing in to ${cloud.displayName} as app ${signIn.clientId} (${signIn.method}) for tenant ${signIn.tenantId}…`);
  // Sign in before any request, so a refused sign-in is the one reason given, not one per section.
  await signIn.credential.getToken(scopes);
  const context = new TenantContext({
    key: `app:${cloud.name}:${signIn.tenantId}:${signIn.clientId}`, tenantId: signIn.tenantId, displayName: `tenant ${signIn.tenantId}`, cloud, sample: false,
    credential: signIn.credential, scopesFor: () => scopes, log,
  });
  return { context, label: `tenant ${signIn.tenantId}`, customerNames: {} };
}
