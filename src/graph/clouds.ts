// National clouds: where Graph and the Entra authority live, and which of our APIs each offers
// (graph-api.md §1.6: Secure Score and alerts are not offered in China; the partner score only globally).

export type CloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureUSGovernmentDoD' | 'AzureChinaCloud' | 'Custom';

export interface Cloud {
  name: CloudName;
  displayName: string;
  /** Graph root without trailing slash, e.g. `https://graph.microsoft.com`. */
  graphEndpoint: string;
  authorityHost: string;
  /** Defender portal (alert links) for this cloud. */
  defenderPortal: string;
  /** VS Code authentication provider id for delegated sign-in. */
  vscodeProviderId: 'microsoft' | 'microsoft-sovereign-cloud';
  offers: { secureScore: boolean; alerts: boolean; partnerScore: boolean; partnerAlerts: boolean };
  /** For `Custom`: MSAL must not ask the public cloud for instance discovery. */
  disableInstanceDiscovery: boolean;
}

const ALL = { secureScore: true, alerts: true, partnerScore: true, partnerAlerts: true };

const CLOUDS: Record<Exclude<CloudName, 'Custom'>, Cloud> = {
  AzureCloud: {
    name: 'AzureCloud', displayName: 'Global', graphEndpoint: 'https://graph.microsoft.com',
    authorityHost: 'https://login.microsoftonline.com', defenderPortal: 'https://security.microsoft.com',
    vscodeProviderId: 'microsoft', offers: ALL, disableInstanceDiscovery: false,
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment', displayName: 'US Government (GCC High)', graphEndpoint: 'https://graph.microsoft.us',
    authorityHost: 'https://login.microsoftonline.us', defenderPortal: 'https://security.microsoft.us',
    vscodeProviderId: 'microsoft-sovereign-cloud', offers: { ...ALL, partnerScore: false }, disableInstanceDiscovery: false,
  },
  AzureUSGovernmentDoD: {
    name: 'AzureUSGovernmentDoD', displayName: 'US Government (DoD)', graphEndpoint: 'https://dod-graph.microsoft.us',
    authorityHost: 'https://login.microsoftonline.us', defenderPortal: 'https://security.apps.mil',
    vscodeProviderId: 'microsoft-sovereign-cloud', offers: { ...ALL, partnerScore: false }, disableInstanceDiscovery: false,
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud', displayName: 'China (21Vianet)', graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn',
    authorityHost: 'https://login.partner.microsoftonline.cn', defenderPortal: 'https://security.microsoft.com',
    vscodeProviderId: 'microsoft-sovereign-cloud',
    offers: { secureScore: false, alerts: false, partnerScore: false, partnerAlerts: false }, disableInstanceDiscovery: false,
  },
};

export function resolveCloud(name: CloudName, custom?: { graphEndpoint: string; authorityHost: string }): Cloud {
  if (name !== 'Custom') {
    return CLOUDS[name] ?? CLOUDS.AzureCloud;
  }
  if (!custom || !isHttpsUrl(custom.graphEndpoint) || !isHttpsUrl(custom.authorityHost)) {
    throw new Error('The Custom cloud needs https:// URLs in securityPosture.customCloud.graphEndpoint and securityPosture.customCloud.authorityHost.');
  }
  return {
    name: 'Custom', displayName: `Custom (${new URL(custom.graphEndpoint).host})`,
    graphEndpoint: trimSlash(custom.graphEndpoint), authorityHost: trimSlash(custom.authorityHost),
    defenderPortal: 'https://security.microsoft.com', vscodeProviderId: 'microsoft-sovereign-cloud',
    offers: ALL, disableInstanceDiscovery: true,
  };
}

/**
 * A link from Graph data that may be offered: https, no user:password@ (which can make
 * `https://security.microsoft.com@attacker.example` look like Microsoft), and no invisible or
 * control characters that could disguise where it goes.
 */
export function isHttpsUrl(value: string | null | undefined): value is string {
  if (typeof value !== 'string' || !value || /[\u0000-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF\s]/.test(value)) {
    return false;
  }
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** Sites Microsoft's portals and docs live on, in every cloud; links elsewhere are confirmed first. */
const MICROSOFT_DOMAINS = ['microsoft.com', 'microsoft.us', 'security.apps.mil', 'azure.com', 'azure.us', 'azure.cn', 'office.com', 'cloud.microsoft', 'aka.ms'];

export function isMicrosoftHost(host: string): boolean {
  const h = host.toLowerCase();
  return MICROSOFT_DOMAINS.some(d => h === d || h.endsWith(`.${d}`));
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
