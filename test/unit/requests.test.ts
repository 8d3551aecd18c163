// "Copy as…" output that parses (bash runs the curl line, TypeScript parses the snippet, the
// PowerShell strings read back), never with a token; and the paths "Run Graph Query…" accepts.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as ts from 'typescript';
import { alertQueryRequest, copyAs, parseGraphPath, rowRequest, type CloudInfo, type GraphRequest } from '../../src/model/requests';
import { parseAlertQuery } from '../../src/model/alertQuery';

const GLOBAL: CloudInfo = { name: 'AzureCloud', graphEndpoint: 'https://graph.microsoft.com' };
const GCC_HIGH: CloudInfo = { name: 'AzureUSGovernment', graphEndpoint: 'https://graph.microsoft.us' };

const alert = rowRequest('alert', { id: 'da638450912345678901_-123456789' })!;
const query = parseAlertQuery("severity:high assigned:o'brien@contoso.example \"ransom\"", { now: new Date('2026-11-22T10:00:00Z') });
const queryRequest = alertQueryRequest(query.odata, 50, query.local);

/** The arguments bash passes to curl when it runs the snippet (curl replaced by a function). */
function curlArgs(snippet: string): string[] {
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', `curl() { printf '%s\\0' "$@"; }\n${snippet}`], { env: { PATH: process.env.PATH, GRAPH_TOKEN: 'token-from-env' }, encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

/** String literals of PowerShell single-quoted strings ('' is a quote), in order. */
function psStrings(snippet: string): string[] {
  const code = snippet.split('\n').filter(l => !l.startsWith('#')).join('\n');
  return [...code.matchAll(/'((?:[^']|'')*)'/g)].map(m => m[1].replace(/''/g, "'"));
}

describe('copy as', () => {
  it('maps rows to the GET that reads their object', () => {
    assert.deepEqual(alert, { version: 'v1.0', path: '/security/alerts_v2/da638450912345678901_-123456789', area: 'alerts' });
    assert.equal(rowRequest('controlProfile', { id: 'AdminMFAV2' })!.path, '/security/secureScoreControlProfiles/AdminMFAV2');
    assert.equal(rowRequest('requirement', { id: 'r 1' })!.path, '/security/partner/securityScore/requirements/r%201');
    assert.equal(rowRequest('partnerAlert', { id: 'p1' })!.version, 'beta');
    assert.equal(rowRequest('customer', { tenantId: 't' })!.path, '/security/partner/securityScore/customerInsights');
    assert.equal(rowRequest('detail', {}), undefined);
  });

  it('curl: bash splits it into the URL and headers, with the token from the environment', () => {
    for (const request of [alert, queryRequest]) {
      const snippet = copyAs('curl', request, GLOBAL);
      assert.ok(!/eyJ|Bearer [A-Za-z0-9]/.test(snippet), 'no token in the text');
      const args = curlArgs(snippet);
      assert.deepEqual(args.slice(0, 1), ['-sS']);
      assert.equal(args[1], `https://graph.microsoft.com/v1.0${request.path}`);
      assert.deepEqual(args.slice(2), ['-H', 'Authorization: Bearer token-from-env', '-H', 'Prefer: include-unknown-enum-members']);
    }
    const url = new URL(curlArgs(copyAs('curl', queryRequest, GLOBAL))[1]);
    assert.equal(url.searchParams.get('$filter'), "severity eq 'high' and assignedTo eq 'o''brien@contoso.example'");
    assert.match(copyAs('curl', queryRequest, GLOBAL), /^# Not filtered by Graph .*title or description contains "ransom"$/m);
  });

  it('TypeScript: parses, and calls the Graph client with the path and version', () => {
    for (const request of [alert, queryRequest, rowRequest('partnerAlert', { id: 'p1' })!]) {
      const snippet = copyAs('typescript', request, GLOBAL);
      const file = ts.createSourceFile('snippet.ts', snippet, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
      assert.deepEqual((file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics, [], snippet);
      const calls: Record<string, string> = {};
      const visit = (node: ts.Node) => {
        if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
          calls[node.expression.name.text] = node.arguments[0].text;
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
      const [path, queryString] = request.path.split('?');
      assert.equal(calls.api, queryString ? `${path}?${decodeURIComponent(queryString)}` : path);
      assert.equal(calls.version, request.version);
      assert.ok(!snippet.includes('Bearer'), 'no token');
    }
  });

  it('PowerShell: Microsoft.Graph cmdlets with strings that read back', () => {
    assert.equal(copyAs('powershell', alert, GLOBAL), "Connect-MgGraph -Scopes 'SecurityAlert.Read.All'\nGet-MgSecurityAlertV2 -AlertId 'da638450912345678901_-123456789'");
    const list = copyAs('powershell', queryRequest, GLOBAL);
    assert.match(list, /\nGet-MgSecurityAlertV2 -Filter '.*' -Top 50$/);
    assert.deepEqual(psStrings(list), ['SecurityAlert.Read.All', "severity eq 'high' and assignedTo eq 'o''brien@contoso.example'"]);
    assert.equal(copyAs('powershell', rowRequest('controlProfile', { id: 'AdminMFAV2' })!, GCC_HIGH),
      "Connect-MgGraph -Scopes 'SecurityEvents.Read.All' -Environment USGov\nGet-MgSecuritySecureScoreControlProfile -SecureScoreControlProfileId 'AdminMFAV2'");
    assert.equal(copyAs('powershell', rowRequest('partnerAlert', { id: 'p1' })!, GLOBAL),
      "Connect-MgGraph -Scopes 'PartnerSecurity.Read.All'\nInvoke-MgGraphRequest -Method GET -Uri 'https://graph.microsoft.com/beta/security/partner/securityAlerts/p1' -OutputType PSObject");
  });

  it('Graph Explorer: a link that opens the same request', () => {
    const link = new URL(copyAs('graphExplorer', queryRequest, GLOBAL));
    assert.equal(link.origin + link.pathname, 'https://developer.microsoft.com/en-us/graph/graph-explorer');
    assert.equal(link.searchParams.get('request'), queryRequest.path.slice(1));
    assert.equal(link.searchParams.get('method'), 'GET');
    assert.equal(link.searchParams.get('version'), 'v1.0');
    assert.equal(link.searchParams.get('GraphUrl'), 'https://graph.microsoft.com');
  });
});

describe('Run Graph Query paths', () => {
  const ok = (input: string): GraphRequest => {
    const result = parseGraphPath(input, 'https://graph.microsoft.com');
    assert.ok(result.ok, `${input}: ${!result.ok && result.reason}`);
    return result.request;
  };
  const refused = (input: string, reason: RegExp) => {
    const result = parseGraphPath(input, 'https://graph.microsoft.com');
    assert.ok(!result.ok, `${input} was accepted`);
    assert.match(result.reason, reason);
  };

  it('accepts /security paths with a version, GET, or the current Graph URL', () => {
    assert.deepEqual(ok('/security/alerts_v2?$top=5'), { version: 'v1.0', path: '/security/alerts_v2?$top=5', area: 'alerts' });
    assert.deepEqual(ok('GET beta/security/partner/securityAlerts'), { version: 'beta', path: '/security/partner/securityAlerts', area: 'partner' });
    assert.deepEqual(ok('https://graph.microsoft.com/v1.0/security/secureScores?$top=1'), { version: 'v1.0', path: '/security/secureScores?$top=1', area: 'secureScore' });
    assert.equal(ok('security/secureScoreControlProfiles/').path, '/security/secureScoreControlProfiles');
    assert.equal(ok('/security/secureScoreControlProfiles').area, 'controls');
  });

  it('refuses other methods, paths, hosts and tricks', () => {
    refused('PATCH /security/alerts_v2/1', /Only GET/);
    refused('/users', /Only \/security/);
    refused('/me/messages', /Only \/security/);
    refused('/security/../users', /"\.\."/);
    refused('/security/%2e%2e/users', /"\.\."/);
    refused('/security%2f..%2fusers', /encoded/);
    refused('https://evil.example/v1.0/security/alerts_v2', /token is never sent elsewhere/);
    refused('https://user:pw@graph.microsoft.com/v1.0/security/alerts_v2', /never sent elsewhere/);
    refused('v2.0/security/alerts_v2', /v1\.0 or beta/);
    refused('/security/alerts_v2 and more', /no spaces/);
    refused('', /Type a path/);
  });
});
