// "Export Posture Report…" against the sample tenant: exact tables (generateTenant with a fixed
// `now` is deterministic), CSV that parses back, JSON, and hostile Graph strings that cannot break
// a Markdown table or bring in HTML, images or links (rendered with markdown-it, as VS Code's preview does).
import * as assert from 'node:assert/strict';
import { resolveCloud } from '../../src/graph/clouds';
import { GraphService } from '../../src/graph/client';
import { SecurityApi } from '../../src/graph/security';
import type { TenantDataset } from '../../src/sample/dataset';
import { buildReport, csvField, mdCell, type ReportInput } from '../../src/model/report';
import { PostureStore } from '../../src/model/store';
import { GraphEngine } from '../../src/sample/engine';
import { generateTenant } from '../../src/sample/generator';
import { inProcessConnection } from '../../src/sample/transport';

// markdown-it (what VS Code's Markdown preview renders with) comes with @vscode/vsce; it has no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const markdownIt = require('markdown-it') as (options: object) => { render(text: string): string };

const NOW = new Date('2026-11-22T10:00:00Z');

async function reportInput(change?: (dataset: TenantDataset) => void): Promise<{ input: ReportInput; dataset: TenantDataset }> {
  const dataset = generateTenant({ now: NOW });
  change?.(dataset);
  const engine = new GraphEngine(dataset, { now: () => NOW });
  const permissions = ['SecurityEvents.Read.All', 'SecurityAlert.Read.All', 'PartnerSecurity.Read.All'];
  const graph = new GraphService({ cloud: resolveCloud('AzureCloud'), ...inProcessConnection(engine, { tenantId: dataset.tenantId, upn: dataset.signedInUser, appOnly: false, permissions }) });
  const store = new PostureStore(undefined, () => NOW);
  store.connect(new SecurityApi(graph), 'test');
  await store.refresh();
  return {
    dataset,
    input: {
      generatedAt: NOW, tenantLabel: 'Sample tenant', customerNames: dataset.customerNames,
      scores: store.get('scores').data, profiles: store.get('profiles').data, alerts: store.get('alerts').data,
      partner: store.get('partner').data, customers: store.get('customers').data,
    },
  };
}

/** The Markdown table that follows `heading`, as lines. */
function tableAfter(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `no heading ${heading}`);
  const first = lines.findIndex((l, i) => i > start && l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > first && !l.startsWith('|'));
  return lines.slice(first, end < 0 ? undefined : end);
}

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  assert.equal(field, '', 'the file ends with CRLF');
  return rows;
}

describe('report: Markdown on the sample tenant', () => {
  let markdown: string;
  before(async () => {
    markdown = buildReport('markdown', (await reportInput()).input);
  });

  it('has the score table', () => {
    assert.deepEqual(tableAfter(markdown, '## Microsoft Secure Score'), [
      '| Measure | Value |',
      '| --- | --- |',
      '| Score | 226.02 of 419 points (53.9%) |',
      '| Snapshot | 2026-11-22 |',
      '| Change since previous day | +0.29 points (+0.07%) |',
      '| Average of all tenants | 47% (you +6.98 pts) |',
      '| Average of similar seat count (100–499 seats) | 51% (you +2.9 pts) |',
      '| Average of same industry (professionalServices) | 54.1% (you −0.12 pts) |',
      '| Active users | 177 of 250 licensed |',
    ]);
  });

  it('has the weekly trend and the category table', () => {
    const trend = tableAfter(markdown, '### Trend (weekly)');
    assert.equal(trend.length, 2 + 13, '13 weeks in 90 days');
    assert.deepEqual(trend.slice(0, 4), [
      '| Date | Points | Max | Percent | Change |',
      '| --- | ---: | ---: | ---: | ---: |',
      '| 2026-11-22 | 226.02 | 419 | 53.9% | +9.84 |',
      '| 2026-11-15 | 216.18 | 419 | 51.6% | +8.58 |',
    ]);
    assert.equal(trend[trend.length - 1], '| 2026-08-30 | 181.6 | 415 | 43.8% | – |');
    assert.deepEqual(tableAfter(markdown, '### By category'), [
      '| Category | Points | Max | Percent |',
      '| --- | ---: | ---: | ---: |',
      '| Identity | 65.4 | 103 | 63.5% |',
      '| Data | 21.31 | 35 | 60.9% |',
      '| Device | 65.18 | 132 | 49.4% |',
      '| Apps | 66.15 | 129 | 51.3% |',
      '| Infrastructure | 7.98 | 20 | 39.9% |',
    ]);
  });

  it('has the top actions by points available', () => {
    const top = tableAfter(markdown, '## Top improvement actions by points available');
    assert.equal(top.length, 2 + 10);
    assert.deepEqual(top.slice(2, 5), [
      '| 1 | Turn on data loss prevention policies | Data | 10 | 0 / 10 | Moderate | Moderate |',
      '| 2 | Create Safe Links policies for email messages | Apps | 9 | 0 / 9 | Low | Low |',
      '| 3 | Ensure that an anti-phishing policy has been created | Apps | 9 | 0 / 9 | Low | Low |',
    ]);
    assert.equal(top[6], '| 5 | Encrypt all BitLocker-supported drives | Device | 7.16 | 1.84 / 9 | Low | Moderate |');
  });

  it('has open alerts by severity and the newest high ones, escaped', () => {
    assert.deepEqual(tableAfter(markdown, '## Open alerts by severity'), [
      '| Severity | New | In progress | Open |',
      '| --- | ---: | ---: | ---: |',
      '| High | 3 | 1 | 4 |',
      '| Medium | 3 | 6 | 9 |',
      '| Low | 3 | 5 | 8 |',
      '| Informational | 4 | 7 | 11 |',
    ]);
    const high = tableAfter(markdown, '### Newest open high-severity alerts');
    assert.equal(high[4], '| 2026-11-15 | DLP policy \\(Client Confidential\\) matched for document in SharePoint | Data loss prevention | New | nobody |');
    assert.equal(high[5], '| 2026-11-10 | Suspicious PowerShell command line | Defender for Endpoint | In progress | isaiah\\.langer@contoso-partners\\.example |');
  });

  it('has partner requirements and customers without MFA', () => {
    assert.deepEqual(tableAfter(markdown, '## Partner security requirements'), [
      '| Requirement | Compliance | Points | State |',
      '| --- | --- | ---: | --- |',
      '| Security alerts promptly resolved | ⚠ Not compliant | 0 / 20 | Active |',
      '| Spending budget set for customer Azure subscriptions | ⚠ Not compliant | 0 / 10 | Preview |',
      '| MFA enforced for admins of customers | ⚠ Not compliant | 18 / 25 | Active |',
      '| MFA enforced for admins | Compliant | 30 / 30 | Active |',
      '| Security contact provided | Compliant | 15 / 15 | Active |',
    ]);
    assert.ok(markdown.includes('\n4 of 36 customers have no MFA mechanism enabled'));
    assert.deepEqual(tableAfter(markdown, '## Customers without MFA'), [
      '| Customer | Tenant id | Admins with MFA | Users with MFA |',
      '| --- | --- | ---: | ---: |',
      '| Beaumont Tool &amp; Die | 772b9ea5-51c2-46b8-98bd-caed0f8f276b | 0 | 0 of 5 |',
      '| Parnell Dermatology | 807bad33-040e-4399-a1db-5380ac0e92f1 | 0 | 0 of 134 |',
      '| Trey Home Health | 3aeda1ea-ecb4-47b7-9786-39520b0290ca | 0 | 0 of 9 |',
      '| Wexford Architects | 53b9953a-0c34-47bd-8bfa-0d89c1840ca5 | 0 | 0 of 14 |',
    ]);
  });

  it('renders as tables in the Markdown preview', () => {
    const html = markdownIt({ html: true, linkify: true }).render(markdown);
    assert.equal((html.match(/<table>/g) ?? []).length, 8);
    assert.ok(html.includes('<td>Beaumont Tool &amp; Die</td>'));
  });

  it('says which sections are missing and why', () => {
    const text = buildReport('markdown', { generatedAt: NOW, tenantLabel: 'Contoso', missing: { partner: 'This account is not a CSP partner.' } });
    assert.ok(text.includes('_The partner security score is not available: This account is not a CSP partner._'));
    assert.ok(text.includes('_Secure Score is not available._'));
  });
});

describe('report: hostile strings from Graph', () => {
  const hostile = 'Evil | <img src=x onerror=alert(1)> [click](https://evil.example/a) ![p](https://evil.example/p.png) <https://evil.example> www.evil.example evil.example *bold* `code`\nsecond line';

  it('cannot add columns, HTML, images, links or lines to a table', async () => {
    const { input } = await reportInput(dataset => {
      const high = dataset.alerts.find(a => a.severity === 'high' && a.status === 'new')!;
      high.title = hostile;
      high.assignedTo = 'x@evil.example';
      high.status = 'inProgress';
      const atRisk = dataset.customerInsights.find(c => c.mfa && c.mfa.securityDefaultsStatus !== 'enabled' && c.mfa.mfaConditionalAccessPolicyStatus !== 'enabled' && c.mfa.legacyPerUserMfaStatus !== 'enabled')!;
      dataset.customerNames[atRisk.tenantId] = hostile;
    });
    const markdown = buildReport('markdown', input);
    const html = markdownIt({ html: true, linkify: true }).render(markdown);
    assert.doesNotMatch(html, /<img|<a |<script|onerror=alert\(1\)>|<em>|<strong>|<code>/);
    for (const table of html.split('<table>').slice(1)) {
      const header = (table.match(/<th[ >]/g) ?? []).length;
      for (const row of table.split('<tr>').slice(2)) {
        assert.equal((row.match(/<td[ >]/g) ?? []).length, header, `a row with the header's ${header} cells: ${row}`);
      }
    }
    assert.ok(html.includes('Evil | &lt;img src=x onerror=alert(1)&gt; [click](https://evil.example/a) ![p](https://evil.example/p.png) &lt;https://evil.example&gt; www.evil.example evil.example *bold* `code` second line'),
      'the text itself is shown as it was');
  });

  it('mdCell escapes each kind of syntax', () => {
    assert.equal(mdCell('a|b'), 'a\\|b');
    assert.equal(mdCell('line\nbreak'), 'line break');
    assert.equal(mdCell('<b>x</b> & y'), '&lt;b&gt;x&lt;/b&gt; &amp; y');
    assert.equal(mdCell('[t](https://x.example)'), '\\[t\\]\\(https\\://x\\.example\\)');
    assert.equal(mdCell('\u202Ereversed\u200B'), 'reversed');
  });

  it('CSV fields cannot start a formula and quote what needs it', () => {
    assert.equal(csvField('=HYPERLINK("https://evil.example")'), `"'=HYPERLINK(""https://evil.example"")"`);
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(-3), '-3', 'numbers stay numbers');
    assert.equal(csvField(null), '');
  });
});

describe('report: CSV and JSON on the sample tenant', () => {
  let input: ReportInput;
  let dataset: TenantDataset;
  before(async () => {
    ({ input, dataset } = await reportInput());
  });

  it('control profiles: one row per profile, in rank order, parsing back', () => {
    const rows = parseCsv(buildReport('controlsCsv', input));
    assert.deepEqual(rows[0].slice(0, 11), ['id', 'title', 'category', 'service', 'tier', 'actionType', 'rank', 'pointsEarned', 'maxScore', 'pointsAvailable', 'state']);
    assert.equal(rows.length, 1 + dataset.controlProfiles.length);
    assert.ok(rows.slice(1).every(r => r.length === rows[0].length));
    const dlp = rows.find(r => r[1] === 'Turn on data loss prevention policies')!;
    assert.deepEqual([dlp[2], dlp[7], dlp[8], dlp[9], dlp[10], dlp[11]], ['Data', '0', '10', '10', 'Default', 'To address']);
    const ranks = rows.slice(1).map(r => r[6]).filter(Boolean).map(Number);
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  });

  it('alerts: the alerts loaded in the view', () => {
    const rows = parseCsv(buildReport('alertsCsv', input));
    const loaded = input.alerts!.groups.flatMap(g => g.items);
    assert.equal(rows.length, 1 + loaded.length);
    assert.deepEqual(rows[1].slice(0, 6), [loaded[0].id, loaded[0].createdDateTime, loaded[0].lastUpdateDateTime, loaded[0].severity, loaded[0].status, loaded[0].title]);
  });

  it('customer insights: at-risk customers first', () => {
    const rows = parseCsv(buildReport('customersCsv', input));
    assert.equal(rows.length, 1 + dataset.customerInsights.length);
    assert.deepEqual(rows[1], ['772b9ea5-51c2-46b8-98bd-caed0f8f276b', 'Beaumont Tool & Die', 'true', '0', '0', '5', 'disabled', 'disabled', 'disabled', 'false']);
    assert.equal(rows.filter(r => r[2] === 'true').length, 4);
  });

  it('JSON: summary, trend, top actions, alerts without evidence, partner and customers', () => {
    const json = JSON.parse(buildReport('json', input));
    assert.equal(json.$schema, 'security-posture-report/v1');
    assert.equal(json.secureScore.current, 226.02);
    assert.equal(json.secureScore.trend.length, 13);
    assert.equal(json.topImprovementActions[0].title, 'Turn on data loss prevention policies');
    assert.deepEqual(json.alerts.openBySeverity[0], { severity: 'high', new: 3, inProgress: 1, open: 4 });
    assert.ok(json.alerts.items.every((a: object) => !('evidence' in a) && !('comments' in a)));
    assert.equal(json.partner.requirements.length, 5);
    assert.equal(json.customers.length, 36);
  });
});
