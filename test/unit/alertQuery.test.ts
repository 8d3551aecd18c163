// The "Query Alerts…" language: parsing, errors with positions, compiling to alerts_v2 $filter,
// local filtering of what Graph cannot filter, completion; and the query rows over the engine.
import * as assert from 'node:assert/strict';
import { resolveCloud } from '../../src/graph/clouds';
import { GraphService } from '../../src/graph/client';
import { SecurityApi } from '../../src/graph/security';
import { AlertQueries } from '../../src/model/alertQueries';
import { completeAlertQuery, markError, parseAlertQuery, QuerySyntaxError, spanText } from '../../src/model/alertQuery';
import { GraphEngine } from '../../src/sample/engine';
import { generateTenant } from '../../src/sample/generator';
import type { CacheStorage } from '../../src/model/store';
import { inProcessConnection } from '../../src/sample/transport';
import type { SecurityAlert } from '../../src/graph/types';

const NOW = new Date('2026-11-22T10:00:00Z');
const ctx = { now: NOW, me: 'amy@contoso.example' };

function syntaxError(text: string, context: { now: Date; me?: string } = ctx): QuerySyntaxError {
  try {
    parseAlertQuery(text, context);
  } catch (error) {
    assert.ok(error instanceof QuerySyntaxError, String(error));
    return error;
  }
  assert.fail(`"${text}" parsed`);
}

class MapStorage implements CacheStorage {
  readonly map = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.map.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.map.set(key, JSON.parse(JSON.stringify(value)));
  }
  keys(): readonly string[] {
    return [...this.map.keys()];
  }
}

describe('alert query language: compiling', () => {
  it('compiles the issue example: Graph filters what it can, the free text is filtered here', () => {
    const q = parseAlertQuery('severity:high,medium status:new,inProgress service:microsoftDefenderForEndpoint since:7d assigned:me "ransom"', ctx);
    assert.equal(q.odata, "(severity eq 'high' or severity eq 'medium') and (status eq 'new' or status eq 'inProgress') and serviceSource eq 'microsoftDefenderForEndpoint'"
      + " and createdDateTime ge 2026-11-15T10:00:00Z and assignedTo eq 'amy@contoso.example'");
    assert.deepEqual(q.local, ['title or description contains "ransom"']);
  });

  it('knows aliases, any case of keys and values, and every alerts_v2 filter field', () => {
    const q = parseAlertQuery('SEV:HIGH Status:inprogress class:truePositive determination:malware updated:>=24h created:<2026-11-01 assignee:bob@x.example', ctx);
    assert.equal(q.odata, "severity eq 'high' and status eq 'inProgress' and classification eq 'truePositive' and determination eq 'malware'"
      + " and lastUpdateDateTime ge 2026-11-21T10:00:00Z and createdDateTime lt 2026-11-01T00:00:00Z and assignedTo eq 'bob@x.example'");
    assert.deepEqual(q.local, []);
  });

  it('compiles date comparisons: days, instants, today, a whole day, before', () => {
    assert.equal(parseAlertQuery('created:>2026-11-20T08:30Z', ctx).odata, 'createdDateTime gt 2026-11-20T08:30:00Z');
    assert.equal(parseAlertQuery('created:<=today', ctx).odata, 'createdDateTime le 2026-11-22T00:00:00Z');
    assert.equal(parseAlertQuery('created:2026-11-20', ctx).odata, '(createdDateTime ge 2026-11-20T00:00:00Z and createdDateTime lt 2026-11-21T00:00:00Z)');
    assert.equal(parseAlertQuery('before:yesterday since:2w', ctx).odata, 'createdDateTime lt 2026-11-21T00:00:00Z and createdDateTime ge 2026-11-08T10:00:00Z');
    assert.equal(parseAlertQuery('updated:30m', ctx).odata, 'lastUpdateDateTime ge 2026-11-22T09:30:00Z');
  });

  it('matches category: against categories (the collection) or the deprecated category, whichever an alert has', () => {
    const both = { title: 'a', categories: ['InitialAccess', 'CredentialAccess'], category: 'InitialAccess' };
    const collectionOnly = { title: 'b', categories: ['Exfiltration'], category: null };
    const legacyOnly = { title: 'c', category: 'CredentialAccess' };
    const q = parseAlertQuery('category:credential', ctx);
    assert.equal(q.odata, '', 'Graph cannot filter categories: it is filtered here');
    assert.deepEqual(q.local, ['category contains "credential"']);
    assert.deepEqual([both, collectionOnly, legacyOnly].filter(a => q.matchesLocally(a as never)).map(a => a.title), ['a', 'c']);
    const exfil = parseAlertQuery('categories:exfiltration', ctx);
    assert.deepEqual([both, collectionOnly, legacyOnly].filter(a => exfil.matchesLocally(a as never)).map(a => a.title), ['b']);
    const not = parseAlertQuery('-category:credential', ctx);
    assert.deepEqual([both, collectionOnly, legacyOnly].filter(a => not.matchesLocally(a as never)).map(a => a.title), ['b']);
  });

  it('knows every serviceSource member of the v1.0 metadata, and sends Graph no ne and no in', () => {
    const q = parseAlertQuery('service:microsoftSecurityForAI,microsoftInsiderRiskManagement,microsoftThreatIntelligence -status:resolved -severity:low,informational', ctx);
    assert.equal(q.odata, "(serviceSource eq 'microsoftSecurityForAI' or serviceSource eq 'microsoftInsiderRiskManagement' or serviceSource eq 'microsoftThreatIntelligence')");
    assert.deepEqual(q.local, ['not status resolved', 'not severity low or informational']);
    assert.deepEqual(completeAlertQuery('service:microsoftSec').map(c => [c.label, c.description]), [['service:microsoftSecurityForAI', 'Security for AI']]);
  });

  it('escapes quotes in OData strings', () => {
    assert.equal(parseAlertQuery("assigned:o'brien@x.example", ctx).odata, "assignedTo eq 'o''brien@x.example'");
  });

  it('filters here what Graph cannot: negation, nobody assigned, text keys, fields Graph refuses', () => {
    const q = parseAlertQuery('-status:resolved assigned:none title:"credential theft" mitre:T1059 investigation:running detection:antivirus severity:low', ctx);
    assert.equal(q.odata, "severity eq 'low'");
    assert.deepEqual(q.local, [
      'not status resolved', 'assigned nobody', 'title contains "credential theft"', 'mitre contains "T1059"', 'investigation contains "running"', 'detection contains "antivirus"',
    ]);
    const alert = { status: 'new', assignedTo: null, title: 'Possible Credential Theft', mitreTechniques: ['T1059.001'], investigationState: 'running', detectionSource: 'antivirus', severity: 'low' };
    assert.ok(q.matchesLocally(alert as never));
    assert.ok(!q.matchesLocally({ ...alert, status: 'resolved' } as never));
    assert.ok(!q.matchesLocally({ ...alert, assignedTo: 'x@y' } as never));
    assert.ok(!q.matchesLocally({ ...alert, mitreTechniques: ['T1566'] } as never));
  });

  it('an empty query filters nothing', () => {
    const q = parseAlertQuery('   ', ctx);
    assert.equal(q.odata, '');
    assert.deepEqual(q.terms, []);
  });
});

describe('alert query language: invalid text', () => {
  const cases: [string, string, RegExp][] = [
    ['severity:high sevrity:low', 'severity:high ⟪sevrity⟫:low', /Unknown key "sevrity"; did you mean severity\?/],
    ['severity:hgh', 'severity:⟪hgh⟫', /"hgh" is not a severity: use high, medium/],
    ['status:new,,resolved', 'status:new⟪,,⟫resolved', /Empty value between commas/],
    ['title:"unclosed', 'title:⟪"unclosed⟫', /never closed/],
    ['since:yesterweek', 'since:⟪yesterweek⟫', /is not a date/],
    ['created:2026-02-30', 'created:⟪2026-02-30⟫', /not a date in the calendar/],
    ['since:>=7d', 'since:⟪>=⟫7d', /takes no comparison/],
    ['created:=7d', 'created:=⟪7d⟫', /compares whole days/],
    ['status:', '⟪status:⟫', /needs a value/],
    ['ab"c', 'ab⟪"⟫c', /A quote can only start a value/],
  ];
  for (const [text, marked, message] of cases) {
    it(`points at the bad part of ${text}`, () => {
      const error = syntaxError(text);
      assert.match(error.message, message);
      assert.equal(markError(text, error.span), marked);
    });
  }

  it('assigned:me without a signed-in user says why, at the value', () => {
    const error = syntaxError('assigned:me', { now: NOW });
    assert.match(error.message, /app-only sign-in has none/);
    assert.equal(spanText(error.span), 'characters 10–11');
  });
});

describe('alert query language: completion', () => {
  it('completes keys, skipping ones used already', () => {
    const labels = completeAlertQuery('severity:high s').map(c => c.label);
    assert.deepEqual(labels, ['status:', 'service:', 'since:']);
    assert.equal(completeAlertQuery('severity:high st')[0].text, 'severity:high status:');
  });

  it('completes values after the key and after a comma, and negated keys', () => {
    assert.deepEqual(completeAlertQuery('status:').map(c => c.label), ['status:new', 'status:inProgress', 'status:resolved', 'status:unknown']);
    const afterComma = completeAlertQuery('severity:high,m');
    assert.deepEqual(afterComma.map(c => c.text), ['severity:high,medium ']);
    assert.equal(afterComma[0].description, 'Medium');
    assert.deepEqual(completeAlertQuery('-sta').map(c => c.text), ['-status:']);
    assert.ok(completeAlertQuery('since:').some(c => c.text === 'since:7d '));
    assert.ok(completeAlertQuery('assigned:').some(c => c.text === 'assigned:me '));
  });

  it('offers nothing inside free text', () => {
    assert.deepEqual(completeAlertQuery('"ransom wa'), []);
  });
});

describe('alert queries over the sample engine', () => {
  const dataset = generateTenant({ now: NOW });
  const engine = new GraphEngine(dataset, { now: () => NOW });
  const graph = new GraphService({ cloud: resolveCloud('AzureCloud'), ...inProcessConnection(engine, { tenantId: dataset.tenantId, upn: dataset.signedInUser, appOnly: false, permissions: ['SecurityAlert.Read.All'] }) });
  const make = (pageSize = 500, storage = new MapStorage()) => new AlertQueries(storage, {
    api: () => new SecurityApi(graph), tenantKey: () => 'sample', me: () => dataset.signedInUser, now: () => NOW, pageSize: () => pageSize,
  });

  it('Graph and the local filter together give exactly what the whole query matches', async () => {
    // Each query's meaning written out by hand (not through the parser under test), and how many
    // alerts of the seeded sample it matches.
    const since = (days: number) => NOW.getTime() - days * 86_400_000;
    const contains = (text: string | null | undefined, word: string) => (text ?? '').toLowerCase().includes(word);
    const cases: Array<[string, (a: SecurityAlert) => boolean, number]> = [
      ['severity:high,medium since:90d "ransom"', a => (a.severity === 'high' || a.severity === 'medium') && Date.parse(a.createdDateTime) >= since(90) && (contains(a.title, 'ransom') || contains(a.description, 'ransom')), 2],
      ['-status:resolved category:credential', a => a.status !== 'resolved' && contains(a.category, 'credential'), 2],
      ['service:microsoftDefenderForEndpoint assigned:none', a => a.serviceSource === 'microsoftDefenderForEndpoint' && !a.assignedTo, 17],
      ['since:90d', a => Date.parse(a.createdDateTime) >= since(90), 205],
    ];
    for (const [text, matches, count] of cases) {
      const queries = make();
      const result = await queries.run(text);
      const expected = dataset.alerts.filter(matches).map(a => a.id);
      assert.equal(result.status, 'ready', `${text}: ${result.error?.message}`);
      assert.equal(expected.length, count, `${text}: the seed's count`);
      assert.deepEqual(result.items.map(a => a.id).sort(), [...expected].sort(), text);
    }
  });

  it('finds alerts of the later serviceSource members and by categories through the engine that refuses ne and in', async () => {
    const queries = make();
    const ai = await queries.run('service:microsoftSecurityForAI');
    assert.equal(ai.status, 'ready', ai.error?.message);
    assert.deepEqual(ai.items.map(a => [a.title, a.serviceSource]), [['Jailbreak attempt on an Azure OpenAI deployment', 'microsoftSecurityForAI']]);
    const negated = await queries.run('-status:resolved -severity:informational,low,medium,unknown service:azureAdIdentityProtection,microsoftInsiderRiskManagement');
    assert.equal(negated.status, 'ready', negated.error?.message);
    assert.deepEqual(negated.items.map(a => [a.serviceSource, a.severity, a.status !== 'resolved']), [['azureAdIdentityProtection', 'high', true]]);
    const exfil = await queries.run('category:Exfiltration service:microsoftInsiderRiskManagement');
    assert.deepEqual(exfil.items.map(a => [a.title, a.categories]), [['Data exfiltration by departing user', ['Exfiltration']]]);
  });

  it('reads more pages while the local filter drops alerts, then "Load more" goes on', async () => {
    const queries = make(10);
    const result = await queries.run('-severity:informational');
    const first = result.items.length;
    assert.ok(first >= 10 && first < 20, `a page's worth matched (${first})`);
    assert.ok(result.scanned > first, 'more than one page was read');
    assert.ok(result.nextLink, 'more to load');
    await queries.loadMore(result.id);
    assert.ok(result.items.length >= first + 10);
    assert.equal(new Set(result.items.map(a => a.id)).size, result.items.length, 'no alert twice');
    assert.ok(result.items.every(a => a.severity !== 'informational'));
  });

  it('keeps recent queries, saves, renames and deletes them per tenant', async () => {
    const storage = new MapStorage();
    const queries = make(50, storage);
    const first = await queries.run('severity:high');
    await queries.run('status:new');
    await queries.run('severity:high');
    assert.deepEqual(queries.history().recent, ['severity:high', 'status:new']);
    assert.equal(queries.results.length, 2, 'the same text refreshes its row');
    await queries.save(first.id, 'High ones');
    await queries.rename(first.id, 'High severity');
    assert.deepEqual(queries.history().saved, [{ name: 'High severity', text: 'severity:high' }]);
    assert.deepEqual([...storage.map.keys()], ['securityPosture.queries/sample/v1']);
    const again = make(50, storage);
    const rerun = await again.run('severity:high');
    assert.equal(rerun.name, 'High severity', 'a saved query keeps its name next time');
    assert.ok(rerun.saved);
    await again.remove(rerun.id, true);
    assert.deepEqual(again.history().saved, []);
    assert.equal(again.results.length, 0);
  });

  it('takes newer copies of its alerts after a write', async () => {
    const queries = make();
    const result = await queries.run('severity:high');
    const changed = { ...result.items[0], status: 'resolved' };
    let fired = 0;
    queries.onDidChange(() => fired++);
    queries.sync([changed]);
    assert.equal(result.items[0], changed);
    assert.equal(fired, 1);
    queries.sync([changed]);
    assert.equal(fired, 1, 'no change, no event');
  });

  it('refuses invalid text before any request', async () => {
    const queries = make();
    const before = graph.requestCount;
    await assert.rejects(queries.run('severity:nope'), QuerySyntaxError);
    assert.equal(graph.requestCount, before);
    assert.equal(queries.results.length, 0);
  });
});
