// Graph requests as text: which GET reads a row's object, "Copy as…" (Graph Explorer, curl,
// PowerShell, TypeScript) and the paths "Run Graph Query…" accepts. Snippets never carry a
// token: they name where one comes from.
import { AREA_PERMISSIONS, type ApiArea } from '../graph/errors';

export type GraphVersion = 'v1.0' | 'beta';

export interface GraphRequest {
  version: GraphVersion;
  /** Path and query after the version, starting with `/security/`. */
  path: string;
  area: ApiArea;
  /** Filtering the request does not do (a query's local terms), as comments. */
  notes?: string[];
}

/** The GET that reads the Graph object behind a row. `kind` is the row's contextValue head. */
export function rowRequest(kind: string, object: { id?: string; tenantId?: string }): GraphRequest | undefined {
  const id = encodeURIComponent(object.id ?? '');
  switch (kind) {
    case 'alert': return { version: 'v1.0', path: `/security/alerts_v2/${id}`, area: 'alerts' };
    case 'controlProfile': return { version: 'v1.0', path: `/security/secureScoreControlProfiles/${id}`, area: 'controls' };
    case 'requirement': return { version: 'beta', path: `/security/partner/securityScore/requirements/${id}`, area: 'partner' };
    case 'partnerAlert': return { version: 'beta', path: `/security/partner/securityAlerts/${id}`, area: 'partner' };
    // Customer insights have no GET by tenant: the list is the request.
    case 'customer': return { version: 'beta', path: '/security/partner/securityScore/customerInsights', area: 'partner' };
    default: return undefined;
  }
}

/** The request of an alert query row: its `$filter`, with the local terms as notes. */
export function alertQueryRequest(odata: string, top: number, local: string[]): GraphRequest {
  const query = [odata ? `$filter=${encodeURIComponent(odata)}` : '', `$top=${top}`].filter(Boolean).join('&');
  return { version: 'v1.0', path: `/security/alerts_v2?${query}`, area: 'alerts', notes: local.length ? [`Not filtered by Graph (Security Posture filters these itself): ${local.join('; ')}`] : undefined };
}

export type CopyFormat = 'graphExplorer' | 'curl' | 'powershell' | 'typescript';

export interface CloudInfo {
  name: string;
  /** Graph root without a trailing slash, e.g. `https://graph.microsoft.com`. */
  graphEndpoint: string;
}

export function requestUrl(request: GraphRequest, cloud: CloudInfo): string {
  return `${cloud.graphEndpoint}/${request.version}${request.path}`;
}

/** Graph Explorer only knows the global cloud. */
export function graphExplorerAvailable(cloud: CloudInfo): boolean {
  return cloud.name === 'AzureCloud';
}

export function copyAs(format: CopyFormat, request: GraphRequest, cloud: CloudInfo): string {
  switch (format) {
    case 'graphExplorer': return graphExplorerLink(request, cloud);
    case 'curl': return curl(request, cloud);
    case 'powershell': return powershell(request, cloud);
    case 'typescript': return typescript(request, cloud);
  }
}

function graphExplorerLink(request: GraphRequest, cloud: CloudInfo): string {
  const params = new URLSearchParams({ request: request.path.slice(1), method: 'GET', version: request.version, GraphUrl: cloud.graphEndpoint });
  return `https://developer.microsoft.com/en-us/graph/graph-explorer?${params.toString()}`;
}

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
const psQuote = (value: string) => `'${value.replace(/'/g, "''")}'`;

function comments(prefix: string, request: GraphRequest, extra: string[]): string {
  return [...extra, ...(request.notes ?? [])].map(line => `${prefix} ${line}\n`).join('');
}

function curl(request: GraphRequest, cloud: CloudInfo): string {
  const permission = AREA_PERMISSIONS[request.area].read;
  return comments('#', request, [
    `GRAPH_TOKEN: an access token for ${cloud.graphEndpoint} with ${permission}, e.g. from`,
    `  az account get-access-token --resource ${cloud.graphEndpoint} --query accessToken -o tsv`,
  ]) + [
    `curl -sS ${shellQuote(requestUrl(request, cloud))}`,
    '  -H "Authorization: Bearer $GRAPH_TOKEN"',
    `  -H ${shellQuote('Prefer: include-unknown-enum-members')}`,
  ].join(' \\\n');
}

const PS_ENVIRONMENTS: Record<string, string> = { AzureCloud: 'Global', AzureUSGovernment: 'USGov', AzureUSGovernmentDoD: 'USGovDoD', AzureChinaCloud: 'China' };

/** v1.0 resources with a Microsoft.Graph cmdlet; `id` names the cmdlet's key parameter. */
const CMDLETS: { path: RegExp; cmdlet: string; id?: string }[] = [
  { path: /^\/security\/alerts_v2$/i, cmdlet: 'Get-MgSecurityAlertV2' },
  { path: /^\/security\/alerts_v2\/([^/]+)$/i, cmdlet: 'Get-MgSecurityAlertV2', id: 'AlertId' },
  { path: /^\/security\/secureScoreControlProfiles$/i, cmdlet: 'Get-MgSecuritySecureScoreControlProfile' },
  { path: /^\/security\/secureScoreControlProfiles\/([^/]+)$/i, cmdlet: 'Get-MgSecuritySecureScoreControlProfile', id: 'SecureScoreControlProfileId' },
  { path: /^\/security\/secureScores$/i, cmdlet: 'Get-MgSecuritySecureScore' },
];

/** Microsoft.Graph cmdlets where one exists; Invoke-MgGraphRequest for the rest (partner APIs are beta). */
function powershell(request: GraphRequest, cloud: CloudInfo): string {
  const permission = AREA_PERMISSIONS[request.area].read;
  const environment = PS_ENVIRONMENTS[cloud.name];
  const connect = `Connect-MgGraph -Scopes ${psQuote(permission)}${environment && environment !== 'Global' ? ` -Environment ${environment}` : ''}`;
  const [path, query = ''] = request.path.split(/\?(.*)/s);
  const params = new URLSearchParams(query);
  const simpleList = [...params.keys()].every(k => k === '$filter' || k === '$top');
  let command = `Invoke-MgGraphRequest -Method GET -Uri ${psQuote(requestUrl(request, cloud))} -OutputType PSObject`;
  for (const known of request.version === 'v1.0' ? CMDLETS : []) {
    const match = known.path.exec(path);
    if (match && known.id && !query) {
      command = `${known.cmdlet} -${known.id} ${psQuote(decodeURIComponent(match[1]))}`;
    } else if (match && !known.id && simpleList) {
      const filter = params.get('$filter');
      const top = params.get('$top');
      command = `${known.cmdlet}${filter !== null ? ` -Filter ${psQuote(filter)}` : ''}${top !== null ? ` -Top ${Number(top)}` : ''}`;
    }
  }
  const custom = environment ? [] : ['For a custom cloud, register it first with Add-MgEnvironment and pass -Environment to Connect-MgGraph.'];
  return `${comments('#', request, custom)}${connect}\n${command}`;
}

function typescript(request: GraphRequest, cloud: CloudInfo): string {
  const [path, query] = request.path.split(/\?(.*)/s);
  const api = query ? `${path}?${decodeURIComponent(query)}` : path;
  return [
    comments('//', request, ['npm install @microsoft/microsoft-graph-client @azure/identity']).trimEnd(),
    "import { Client } from '@microsoft/microsoft-graph-client';",
    "import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';",
    "import { DefaultAzureCredential } from '@azure/identity';",
    '',
    `const scopes = [${JSON.stringify(`${cloud.graphEndpoint}/.default`)}];`,
    'const authProvider = new TokenCredentialAuthenticationProvider(new DefaultAzureCredential(), { scopes });',
    `const client = Client.initWithMiddleware({ authProvider, baseUrl: ${JSON.stringify(cloud.graphEndpoint)} });`,
    '',
    `const result = await client.api(${JSON.stringify(api)})`,
    `  .version(${JSON.stringify(request.version)})`,
    "  .header('Prefer', 'include-unknown-enum-members')",
    '  .get();',
    'console.log(JSON.stringify(result, null, 2));',
    '',
  ].join('\n');
}

/**
 * Reads what the user typed into "Run Graph Query…": `/security/...`, `v1.0/security/...`,
 * `beta/security/...`, `GET ...`, or a full URL of the current cloud's Graph. Anything else (other
 * methods, other paths, other hosts, `..`) is refused with the reason.
 */
export function parseGraphPath(input: string, graphEndpoint: string, defaultVersion: GraphVersion = 'v1.0'): { ok: true; request: GraphRequest } | { ok: false; reason: string } {
  let text = input.trim();
  const method = /^([A-Za-z]+)\s+/.exec(text);
  if (method) {
    if (method[1].toUpperCase() !== 'GET') {
      return { ok: false, reason: `Only GET requests: this command reads, it never changes anything (${method[1].toUpperCase()} refused).` };
    }
    text = text.slice(method[0].length).trim();
  }
  if (text === '') {
    return { ok: false, reason: 'Type a path such as /security/alerts_v2?$top=5.' };
  }
  if (/\s/.test(text) || /[\\#\u0000-\u001f]/.test(text)) {
    return { ok: false, reason: 'A path has no spaces, backslashes, # or control characters (write %20 for a space).' };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { ok: false, reason: 'That is not a URL.' };
    }
    const origin = new URL(graphEndpoint).origin;
    if (url.origin !== origin || url.username || url.password) {
      return { ok: false, reason: `Only ${origin} (the Graph of the current cloud) is queried: the token is never sent elsewhere.` };
    }
    text = url.pathname + url.search;
  }
  text = text.replace(/^\/+/, '');
  let version = defaultVersion;
  const versioned = /^(v1\.0|beta)\//i.exec(text);
  if (versioned) {
    version = versioned[1].toLowerCase() as GraphVersion;
    text = text.slice(versioned[0].length);
  } else if (/^(v\d[^/]*|beta[^/]*)\//i.test(text)) {
    return { ok: false, reason: 'The version is v1.0 or beta.' };
  }
  const [rawPath, query] = text.split(/\?(.*)/s);
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, reason: 'The path has a broken %-escape.' };
  }
  const segments = decoded.replace(/\/+$/, '').split('/');
  if (segments.some(s => s === '.' || s === '..') || /%2f|%5c/i.test(rawPath)) {
    return { ok: false, reason: 'A path with "." or ".." segments or an encoded "/" is refused.' };
  }
  if (segments[0].toLowerCase() !== 'security' || segments.includes('')) {
    return { ok: false, reason: 'Only /security/... paths of the current tenant are queried (e.g. /security/alerts_v2, /security/secureScores).' };
  }
  const path = `/${rawPath.replace(/\/+$/, '')}${query ? `?${query}` : ''}`;
  return { ok: true, request: { version, path, area: areaOf(path) } };
}

/** Which permission a path needs (for the token's scopes and for messages). */
export function areaOf(path: string): ApiArea {
  const lower = path.toLowerCase();
  if (lower.startsWith('/security/partner')) {
    return 'partner';
  }
  if (lower.startsWith('/security/securescorecontrolprofiles')) {
    return 'controls';
  }
  if (lower.startsWith('/security/securescores')) {
    return 'secureScore';
  }
  return 'alerts';
}
