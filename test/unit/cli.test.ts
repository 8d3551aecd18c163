// The `security-posture` command line, run as a separate process against the HTTPS emulator
// through the real @azure/identity and MSAL: client secret and workload identity federation (a
// federated token file), throttling, a tenant that refuses consent, and bad input.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { startEmulator, type Emulator, type EmulatorClient } from '../emulator/server';
import { SECURITY_PERMISSIONS } from '../emulator/tokens';
import { emulatorArgs, jobEnv, oneLineError, requireBundle, runCli, runOnTerminal, secretEnv } from './cliRunner';

const SECRET_APP: EmulatorClient = { clientId: '5e1c7a3d-1111-4c2b-9a1e-0d3f5b7c9e11', secret: 'pipeline~secret~value', roles: [...SECURITY_PERMISSIONS] };
const SUBJECT = 'repo:contoso/posture:ref:refs/heads/main';
const FEDERATED_APP: EmulatorClient = {
  clientId: '5e1c7a3d-2222-4c2b-9a1e-0d3f5b7c9e22', roles: [...SECURITY_PERMISSIONS], federatedCredentials: [{ subject: SUBJECT }],
};

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { appid: string };

describe('security-posture command line', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let dir: string;

  before(async function () {
    requireBundle();
    dir = await mkdtemp(join(tmpdir(), 'sp-cli-'));
    emu = await startEmulator({ clients: [SECRET_APP, FEDERATED_APP] });
  });

  afterEach(async function () {
    await emu.reset();
  });

  after(async function () {
    await emu?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Nothing secret is ever printed: no token the emulator issued, no client secret, no federated token. */
  function assertNoSecrets(run: { stdout: string; stderr: string }, extra: string[] = []): void {
    for (const secret of [...emu.issuedTokens, SECRET_APP.secret!, ...extra]) {
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'a token or secret was printed');
    }
  }

  describe('help and bad input', function () {
    it('prints help for the tool and every command, exit 0, without signing in', async function () {
      const top = await runCli(['--help']);
      assert.equal(top.code, 0);
      for (const command of ['report', 'history export', 'history import']) {
        assert.ok(top.stdout.includes(command), command);
        const help = await runCli([...command.split(' '), '--help']);
        assert.equal(help.code, 0, help.stderr);
        assert.match(help.stdout, new RegExp(`^security-posture ${command}`));
        assert.equal(help.stderr, '');
      }
      assert.match((await runCli(['report', '--help'])).stdout, /--format FORMAT\s+md \| json \| csv/);
    });

    it('refuses unknown options, commands, formats and stray arguments with one line and exit 1', async function () {
      const cases: [string[], RegExp][] = [
        [['report', '--sample', '--colour'], /^Unknown option --colour \(see security-posture report --help\)$/],
        [['report', '--sample', '--format', 'xml'], /^report writes md, json, csv, not "xml"\.$/],
        [['report', '--sample', 'extra'], /^Unexpected argument "extra"/],
        [['report', '--tenant'], /^Option --tenant needs a value/],
        [['reprot'], /^Unknown command "reprot"/],
        [['history'], /^history needs a subcommand: history export, history import\.$/],
        [['history', 'import'], /^history import needs FILE/],
        [['report', '--sample', '--tenant', 'x'], /^--sample uses the built-in sample tenant/],
        [['report', '--cloud', 'Mars'], /^Unknown cloud "Mars"/],
        [['report', '--cloud', 'Custom', '--graph-endpoint', 'http://127.0.0.1:1', '--authority-host', 'https://127.0.0.1:1'], /^--cloud Custom needs https:\/\/ URLs/],
      ];
      for (const [args, expected] of cases) {
        const run = await runCli(args);
        assert.equal(run.code, 1, args.join(' '));
        assert.match(oneLineError(run), expected, args.join(' '));
        assert.equal(run.stdout, '', args.join(' '));
      }
    });

    it('says which credential variables are missing, and names an unreadable federated token file', async function () {
      const none = await runCli(['report', ...emulatorArgs(emu)], { env: jobEnv({ NODE_EXTRA_CA_CERTS: emu.caCertPath }) });
      assert.equal(none.code, 1);
      assert.match(oneLineError(none), /^No credential in the environment \(missing: AZURE_CLIENT_ID, AZURE_TENANT_ID, a secret, certificate or federated token file\)/);
      const file = join(dir, 'no-such-token');
      const missing = await runCli(['report', ...emulatorArgs(emu)], { env: jobEnv({ AZURE_CLIENT_ID: FEDERATED_APP.clientId, AZURE_TENANT_ID: emu.tenantId, AZURE_FEDERATED_TOKEN_FILE: file }) });
      assert.equal(missing.code, 1);
      assert.equal(oneLineError(missing), `AZURE_FEDERATED_TOKEN_FILE names a file that cannot be read: ${file}`);
      assert.equal(emu.requests.length, 0, 'nothing was sent');
    });
  });

  describe('report', function () {
    it('signs in with a client secret (real MSAL) and writes the Markdown, JSON and CSV reports of the tenant', async function () {
      const latest = emu.engine.dataset.secureScores[0];
      const issued = emu.issuedTokens.length;
      const md = await runCli(['report', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(md.code, 0, md.stderr);
      assert.match(md.stdout, new RegExp(`^# Security posture report: tenant ${emu.tenantId}`));
      assert.ok(md.stdout.includes(`| Score | ${latest.currentScore} of ${latest.maxScore} points`), md.stdout.slice(0, 600));
      assert.match(md.stderr, new RegExp(`Signing in to Custom \\(127\\.0\\.0\\.1:\\d+\\) as app ${SECRET_APP.clientId} \\(clientSecret\\)`));
      const mine = emu.issuedTokens.slice(issued);
      assert.ok(mine.length >= 1 && mine.every(t => claimsOf(t).appid === SECRET_APP.clientId));

      const json = await runCli(['report', '--format', 'json', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(json.code, 0, json.stderr);
      const parsed = JSON.parse(json.stdout) as { secureScore: { current: number; max: number }; controlProfiles: unknown[] };
      assert.equal(parsed.secureScore.current, latest.currentScore);
      assert.equal(parsed.controlProfiles.length, emu.engine.dataset.controlProfiles.length);

      const csv = await runCli(['report', '--format', 'csv', '--table', 'customers', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(csv.code, 0, csv.stderr);
      const rows = csv.stdout.trimEnd().split('\r\n');
      assert.match(rows[0], /^tenantId,name,noMfaMechanism,/);
      assert.equal(rows.length - 1, emu.engine.dataset.customerInsights.length);
      assertNoSecrets(md);
      assertNoSecrets(json);
    });

    it('signs in with workload identity federation from AZURE_FEDERATED_TOKEN_FILE (real MSAL, client assertion)', async function () {
      const token = emu.mintFederatedToken({ subject: SUBJECT });
      const file = join(dir, 'federated-token');
      await writeFile(file, token);
      const env = jobEnv({ NODE_EXTRA_CA_CERTS: emu.caCertPath, AZURE_TENANT_ID: emu.tenantId, AZURE_CLIENT_ID: FEDERATED_APP.clientId, AZURE_FEDERATED_TOKEN_FILE: file });
      const issued = emu.issuedTokens.length;
      const run = await runCli(['report', '--format', 'json', ...emulatorArgs(emu)], { env });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /\(workloadIdentity\)/);
      assert.equal(JSON.parse(run.stdout).secureScore.current, emu.engine.dataset.secureScores[0].currentScore);
      const mine = emu.issuedTokens.slice(issued);
      assert.ok(mine.length >= 1 && mine.every(t => claimsOf(t).appid === FEDERATED_APP.clientId), 'tokens went to the federated app');
      assertNoSecrets(run, [token]);
    });

    it('refuses a federated token of another subject, a forged one and an expired one, each in one line', async function () {
      const cases: [Parameters<Emulator['mintFederatedToken']>[0], RegExp][] = [
        [{ subject: 'repo:contoso/posture:pull_request' }, /^Sign-in failed: the federated token matches no federated credential of the app/],
        [{ subject: SUBJECT.toUpperCase() }, /^Sign-in failed: the federated token matches no federated credential/],
        [{ subject: SUBJECT, forged: true }, /^Sign-in failed: .*AADSTS50013/],
        [{ subject: SUBJECT, lifetimeSeconds: -600 }, /^Sign-in failed: the client assertion or federated token has expired \(AADSTS700024\)/],
      ];
      for (const [options, expected] of cases) {
        const token = emu.mintFederatedToken(options);
        const file = join(dir, 'bad-token');
        await writeFile(file, token);
        const env = jobEnv({ NODE_EXTRA_CA_CERTS: emu.caCertPath, AZURE_TENANT_ID: emu.tenantId, AZURE_CLIENT_ID: FEDERATED_APP.clientId, AZURE_FEDERATED_TOKEN_FILE: file });
        const run = await runCli(['report', ...emulatorArgs(emu)], { env });
        assert.equal(run.code, 1, JSON.stringify(options));
        assert.match(oneLineError(run), expected, JSON.stringify(options));
        assert.equal(run.stdout, '');
        assertNoSecrets(run, [token]);
      }
      assert.equal(emu.requests.filter(r => r.path.startsWith('/v1.0') || r.path.startsWith('/beta')).length, 0, 'no Graph request without a token');
    });

    it('rides out throttling (429 with Retry-After) and says so with --verbose', async function () {
      emu.faults.add({ path: 'secureScores', inBatch: true, count: 2, fault: { kind: 'status', status: 429, retryAfter: '0.2' } });
      emu.faults.add({ path: 'alerts_v2', inBatch: true, count: 1, fault: { kind: 'status', status: 429, retryAfter: '0.2' } });
      const run = await runCli(['report', '--format', 'json', '--verbose', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(run.code, 0, run.stderr);
      const throttled = emu.requests.filter(r => r.status === 429);
      assert.equal(throttled.length, 3, 'each injected 429 was answered');
      assert.equal(emu.faults.rules.length, 0, 'every injected 429 was used');
      assert.equal(JSON.parse(run.stdout).secureScore.current, emu.engine.dataset.secureScores[0].currentScore);
      assert.match(run.stderr, /throttled; retrying after 0\.2 s/);
    });

    it('fails with exit 1 when Graph keeps throttling a section, after writing what it could', async function () {
      emu.faults.add({ path: 'alerts_v2', fault: { kind: 'status', status: 429, retryAfter: '0.05' } });
      const run = await runCli(['report', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(run.code, 1);
      assert.match(run.stdout, /Alerts is not available: Microsoft Graph is throttling requests/);
      assert.match(run.stderr, /warning: alerts: Microsoft Graph is throttling requests/);
      assert.ok(emu.requests.filter(r => r.status === 429 && r.path.includes('alerts_v2')).length >= 4);
    });

    it('a tenant that refuses consent (AADSTS65001): one line saying an admin must consent, exit 1', async function () {
      emu.faults.revokeConsent(SECRET_APP.clientId);
      const run = await runCli(['report', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(run.code, 1);
      assert.equal(oneLineError(run), 'Sign-in failed: the app has no consent in this tenant (AADSTS65001): an admin of the tenant must grant admin consent for its Microsoft Graph permissions.');
      assert.ok(emu.requests.some(r => /oauth2\/v2\.0\/token/.test(r.path) && r.status === 400), 'the token endpoint refused');
      assert.equal(emu.requests.filter(r => r.path.startsWith('/v1.0')).length, 0);
    });

    it('runs on the sample tenant with --sample and no credentials at all', async function () {
      const run = await runCli(['report', '--sample', '--format', 'csv']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^id,title,category,service,/);
      assert.ok(run.stdout.split('\r\n').length > 50);
      assert.match(run.stderr, /Using the sample tenant \(Contoso Advisory Partners\)/);
    });
  });

  describe('history', function () {
    it('export keeps a file beyond 90 days: a second run adds nothing, another tenant\'s file is refused untouched', async function () {
      const file = join(dir, 'history.json');
      // A lone GET is throttled at the top level: the client waits the Retry-After and asks again.
      emu.faults.add({ path: 'secureScores', inBatch: false, count: 1, fault: { kind: 'status', status: 429, retryAfter: '0.2' } });
      const first = await runCli(['history', 'export', '--out', file, ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stdout, '');
      const written = JSON.parse(await readFile(file, 'utf8')) as { tenantId: string; days: { date: string }[]; partner: unknown[] };
      assert.equal(written.tenantId, emu.tenantId);
      assert.equal(written.days.length, 90);
      assert.equal(written.days[89].date, emu.engine.dataset.secureScores[0].createdDateTime.slice(0, 10));
      assert.ok(written.partner.length > 0);
      assert.match(first.stderr, /90 days \(\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\), 90 new/);
      assert.deepEqual(emu.requests.filter(r => r.path.includes('secureScores')).map(r => r.status), [429, 200], 'throttled once, then answered');
      // One day per line, so a nightly commit is a one-line diff.
      assert.equal((await readFile(file, 'utf8')).split('\n').filter(l => l.startsWith('    {"date"')).length, 90 + written.partner.length);

      const again = await runCli(['history', 'export', '--out', file, ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /90 days .*, 0 new/);

      const other = join(dir, 'other.json');
      const text = (await readFile(file, 'utf8')).replace(emu.tenantId, '00000000-0000-4000-8000-000000000000');
      await writeFile(other, text);
      const refused = await runCli(['history', 'export', '--out', other, ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(refused.code, 1);
      assert.match(oneLineError(refused), /belongs to tenant 00000000-0000-4000-8000-000000000000, not to .*; nothing was written\.$/);
      assert.equal(await readFile(other, 'utf8'), text);
    });

    it('import merges an older export into the file (no sign-in) and refuses a broken file by name', async function () {
      const sample = join(dir, 'sample-history.json');
      const exported = await runCli(['history', 'export', '--sample']);
      assert.equal(exported.code, 0, exported.stderr);
      await writeFile(sample, exported.stdout);
      const all = JSON.parse(exported.stdout) as { tenantId: string; days: { date: string }[] };
      assert.equal(all.days.length, 400, 'the sample has 90 days in Graph and 310 stored');

      const recent = { ...all, days: all.days.slice(-30) };
      const target = join(dir, 'kept.json');
      await writeFile(target, JSON.stringify(recent));
      const merged = await runCli(['history', 'import', sample, '--out', target, '--tenant', all.tenantId]);
      assert.equal(merged.code, 0, merged.stderr);
      assert.match(merged.stderr, /400 days .*, 370 new/);
      assert.equal((JSON.parse(await readFile(target, 'utf8')) as { days: unknown[] }).days.length, 400);

      const broken = join(dir, 'broken.json');
      await writeFile(broken, JSON.stringify({ ...all, days: [{ ...all.days[0], date: '2026-02-30' }] }));
      const bad = await runCli(['history', 'import', broken, '--out', target]);
      assert.equal(bad.code, 1);
      assert.match(oneLineError(bad), /broken\.json is not a usable history file: .*date/);
      const wrongTenant = await runCli(['history', 'import', sample, '--tenant', '00000000-0000-4000-8000-000000000000']);
      assert.equal(wrongTenant.code, 1);
      assert.match(oneLineError(wrongTenant), /belongs to tenant .*, not to 00000000-0000-4000-8000-000000000000/);
    });
  });

  describe('posture files: check, plan, apply', function () {
    const federatedEnv = async () => {
      const file = join(dir, 'posture-token');
      await writeFile(file, emu.mintFederatedToken({ subject: SUBJECT }));
      return jobEnv({ NODE_EXTRA_CA_CERTS: emu.caCertPath, AZURE_TENANT_ID: emu.tenantId, AZURE_CLIENT_ID: FEDERATED_APP.clientId, AZURE_FEDERATED_TOKEN_FILE: file });
    };
    const writes = () => emu.requests.filter(r => (r.method === 'PATCH' || r.method === 'POST') && !r.path.endsWith('$batch') && !/oauth2/.test(r.path))
      .map(r => `${r.method} ${r.path.split('?')[0]}`).sort();
    /** A file made from the tenant's own states (in sync), with one control and one alert rule changed. */
    async function driftedFile(): Promise<{ file: string; control: string; alerts: string[] }> {
      const exported = await runCli(['export', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(exported.code, 0, exported.stderr);
      const profile = emu.engine.dataset.controlProfiles.find(p => !p.deprecated && !p.id.startsWith('scid_')
        && (p.controlStateUpdates.at(-1)?.state ?? 'Default') === 'Default')!;
      const line = new RegExp(`^  ${profile.id}: \\{ state: default \\}`, 'm');
      assert.match(exported.stdout, line);
      const text = exported.stdout.replace(line, `  ${profile.id}: { state: thirdParty, comment: "Handled by the Contoso gateway" }`)
        .replace(/^alertRules: \[\]$/m, [
          'alertRules:',
          '  - name: informational and new',
          '    match: "severity:informational status:new"',
          '    set: { status: resolved, classification: informationalExpectedActivity, determination: securityTesting, comment: "posture rule" }',
        ].join('\n'));
      const file = join(dir, 'team.posture.yaml');
      await writeFile(file, text);
      // Worked out from the emulator's data, not by the code under test.
      const alerts = emu.engine.dataset.alerts.filter(a => a.severity === 'informational' && a.status === 'new').map(a => a.id);
      assert.ok(alerts.length > 0);
      return { file, control: profile.id, alerts };
    }

    it('check: exit 0 in sync, 2 on drift (text, JSON, Markdown, and the GitHub job summary), writing nothing', async function () {
      const exported = await runCli(['export', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      const inSync = join(dir, 'in-sync.posture.yaml');
      await writeFile(inSync, exported.stdout);
      const clean = await runCli(['check', inSync, ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(clean.code, 0, clean.stderr);
      assert.match(clean.stdout, /^(\d+) of \1 entries in sync\.$/m);

      const { file, control, alerts } = await driftedFile();
      const text = await runCli(['check', file, ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(text.code, 2, text.stderr);
      assert.match(text.stdout, new RegExp(`^~ ${control}: drift: Graph says To address`, 'm'));
      assert.match(text.stdout, new RegExp(`^~ rule "informational and new": drift: ${alerts.length} of ${alerts.length} matching alerts? differ`, 'm'));
      assert.match(text.stdout, /entries in sync, 2 drifted\.$/m);

      const json = await runCli(['check', file, '--format', 'json', ...emulatorArgs(emu)], { env: await federatedEnv() });
      assert.equal(json.code, 2, json.stderr);
      const parsed = JSON.parse(json.stdout) as { inSync: boolean; entries: { kind: string; id?: string; line: number }[] };
      assert.equal(parsed.inSync, false);
      const entry = parsed.entries.find(e => e.id === control)!;
      assert.equal(entry.kind, 'drift');
      assert.equal((await readFile(file, 'utf8')).split('\n')[entry.line - 1].trimStart().startsWith(`${control}:`), true, 'the line number points at the entry');

      const summary = join(dir, 'step-summary.md');
      await writeFile(summary, '## Earlier step\n');
      const md = await runCli(['check', file, '--format', 'md', '--job-summary', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP, { GITHUB_STEP_SUMMARY: summary }) });
      assert.equal(md.code, 2, md.stderr);
      assert.match(md.stdout, /^\*\*2 of \d+ entries drifted\*\*/m);
      assert.match(md.stdout, new RegExp(`^\\| \`${control.replace(/_/g, '\\\\_')}\` \\| drift \\|`, 'm'));
      const appended = await readFile(summary, 'utf8');
      assert.ok(appended.startsWith('## Earlier step\n### Posture check: team\\.posture\\.yaml'), appended.slice(0, 200));
      assert.equal(appended, `## Earlier step\n${md.stdout}\n`);

      const unset = await runCli(['check', file, '--job-summary', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(unset.code, 1);
      assert.match(oneLineError(unset), /GITHUB_STEP_SUMMARY/);
      assert.deepEqual(writes(), [], 'check never writes');
    });

    it('apply: refused without --yes off a terminal; with --yes writes exactly the plan, then nothing the second time', async function () {
      const { file, control, alerts } = await driftedFile();
      const plan = await runCli(['plan', file, '--format', 'json', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(plan.code, 0, plan.stderr);
      assert.equal((JSON.parse(plan.stdout) as { writes: number }).writes, 1 + alerts.length);

      const refused = await runCli(['apply', file, ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(refused.code, 1);
      assert.match(oneLineError(refused), new RegExp(`^apply would make ${1 + alerts.length} changes to tenant .*: pass --yes to confirm .*Nothing was changed\\.$`));
      assert.deepEqual(writes(), []);

      const applied = await runCli(['apply', file, '--yes', ...emulatorArgs(emu)], { env: await federatedEnv() });
      assert.equal(applied.code, 0, applied.stderr);
      assert.deepEqual(writes(), [
        `PATCH /v1.0/security/secureScoreControlProfiles/${control}`,
        ...alerts.map(id => `PATCH /v1.0/security/alerts_v2/${id}`),
        ...alerts.map(id => `POST /v1.0/security/alerts_v2/${id}/comments`),
      ].sort());
      assert.match(applied.stdout, new RegExp(`^updated +.*\\(${control}\\)$`, 'm'));
      assert.equal(applied.stdout.split('\n').filter(l => l.startsWith('updated')).length, 1 + alerts.length);
      const last = emu.engine.dataset.controlProfiles.find(p => p.id === control)!.controlStateUpdates.at(-1)!;
      assert.deepEqual([last.state, last.comment, last.updatedBy], ['ThirdParty', 'Handled by the Contoso gateway', FEDERATED_APP.clientId]);
      for (const id of alerts) {
        const alert = emu.engine.dataset.alerts.find(a => a.id === id)!;
        assert.deepEqual([alert.status, alert.classification, alert.determination, alert.comments.at(-1)?.comment], ['resolved', 'informationalExpectedActivity', 'securityTesting', 'posture rule']);
      }

      const before = writes().length;
      const again = await runCli(['apply', file, '--yes', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /Nothing to do: the tenant already matches the file\./);
      assert.equal(writes().length, before, 'the second apply wrote nothing');
      const check = await runCli(['check', file, ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(check.code, 0, check.stdout);
    });

    it('apply on a terminal asks first: "n" changes nothing, "y" applies; colour there, none with NO_COLOR', async function () {
      const { file, alerts } = await driftedFile();
      const prompt = new RegExp(`Make these ${1 + alerts.length} changes to tenant .*\\? \\[y/N\\] `);
      const no = await runOnTerminal(['apply', file, ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP, { NO_COLOR: '1' }), prompt, answer: 'n\r' });
      assert.ok(no.prompted, no.output);
      assert.equal(no.code, 1);
      assert.match(no.output, /error: Not confirmed\. Nothing was changed\./);
      // Readline moves the cursor on a terminal; colours (SGR, `ESC[…m`) are what NO_COLOR forbids.
      assert.ok(!/\u001b\[[0-9;]*m/.test(no.output), 'no colour with NO_COLOR');
      assert.deepEqual(writes(), []);

      const yes = await runOnTerminal(['apply', file, ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP), prompt, answer: 'y\r' });
      assert.ok(yes.prompted, yes.output);
      assert.equal(yes.code, 0, yes.output);
      assert.match(yes.output, /\u001b\[32mupdated {2}\u001b\[39m /, 'results are coloured on a terminal');
      assert.equal(writes().length, 1 + 2 * alerts.length);
    });

    it('apply reports each failed write and exits 1; a throttled batch is retried and lands', async function () {
      const { file, control, alerts } = await driftedFile();
      emu.faults.add({ method: 'PATCH', path: `alerts_v2/${alerts[0]}`, inBatch: true, count: 1, fault: { kind: 'status', status: 429, retryAfter: '0.1' } });
      emu.faults.add({ method: 'PATCH', path: `secureScoreControlProfiles/${control}`, fault: { kind: 'status', status: 403, code: 'Forbidden' } });
      const run = await runCli(['apply', file, '--yes', '--format', 'json', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(run.code, 1);
      assert.match(oneLineError(run), new RegExp(`^1 of ${1 + alerts.length} changes failed`));
      const results = (JSON.parse(run.stdout) as { results: { id: string; outcome: string; reason?: string }[] }).results;
      const failed = results.find(r => r.id === control)!;
      assert.equal(failed.outcome, 'failed');
      assert.match(failed.reason ?? '', /^Access denied by Microsoft Graph\. It needs the SecurityEvents\.ReadWrite\.All permission/);
      assert.deepEqual(results.filter(r => r.id !== control).map(r => r.outcome), alerts.map(() => 'updated'));
      assert.ok(emu.requests.some(r => r.status === 429 && r.path.includes(alerts[0])), 'the 429 fired');
      assert.equal(emu.engine.dataset.alerts.find(a => a.id === alerts[0])!.status, 'resolved');
    });

    it('bad posture input: a missing file, a file with errors, an unknown control, another tenant\'s file: one line, exit 1, nothing sent', async function () {
      const missing = await runCli(['check', join(dir, 'nope.posture.yaml'), ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(missing.code, 1);
      assert.equal(oneLineError(missing), `Cannot read ${join(dir, 'nope.posture.yaml')}: no such file.`);

      const broken = join(dir, 'broken.posture.yaml');
      await writeFile(broken, 'version: 1\ntenants: current\ncontrols:\n  AdminMFAV2: { state: sometimes }\n  MFARegistrationV2: { state: never }\n');
      const invalid = await runCli(['check', broken, ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(invalid.code, 1);
      assert.match(oneLineError(invalid), new RegExp(`^Invalid posture file ${broken.replace(/[.]/g, '\\.')}:4:\\d+: .*sometimes.* \\(and 1 more error; --verbose lists them\\)$`));
      assert.equal(invalid.stdout, '');

      const unknown = join(dir, 'unknown.posture.yaml');
      await writeFile(unknown, 'version: 1\ntenants: current\ncontrols:\n  AdminMFAV3: { state: default }\n');
      const refused = await runCli(['plan', unknown, ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(refused.code, 1);
      assert.match(oneLineError(refused), /^Invalid posture file .*unknown\.posture\.yaml:4:3: .*AdminMFAV3.*AdminMFAV2/);

      const other = join(dir, 'other.posture.yaml');
      await writeFile(other, 'version: 1\ntenants: [ 11111111-2222-4333-8444-555555555555 ]\ncontrols:\n  AdminMFAV2: { state: default }\n');
      const notOurs = await runCli(['apply', other, '--yes', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      assert.equal(notOurs.code, 1);
      assert.match(oneLineError(notOurs), /other\.posture\.yaml is not for tenant .*: its tenants are 11111111-2222-4333-8444-555555555555\.$/);
      assert.deepEqual(writes(), []);
    });

    it('a file for several tenants is checked for this run\'s tenant only (one matrix job per tenant)', async function () {
      const exported = await runCli(['export', ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP) });
      const file = join(dir, 'customers.posture.yaml');
      await writeFile(file, exported.stdout.replace(/^tenants: current$/m, `tenants: [ 11111111-2222-4333-8444-555555555555, ${emu.tenantId} ]`));
      const run = await runCli(['check', file, '--tenant', emu.tenantId, ...emulatorArgs(emu)], { env: secretEnv(emu, SECRET_APP, { AZURE_TENANT_ID: undefined }) });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /Not this run's tenant, left to another run: 11111111-2222-4333-8444-555555555555\./);
    });

    it('works on the sample tenant: export, then check in sync', async function () {
      const exported = await runCli(['export', '--sample']);
      assert.equal(exported.code, 0, exported.stderr);
      const file = join(dir, 'sample.posture.yaml');
      await writeFile(file, exported.stdout);
      const run = await runCli(['check', file, '--sample']);
      assert.equal(run.code, 0, run.stderr);
    });
  });

  describe('the bundle', function () {
    it('imports nothing from vscode: it builds with vscode not external, and a vscode import would fail that build', async function () {
      const root = join(__dirname, '..', '..', '..');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { cli } = require(join(root, 'esbuild.js')) as { cli: esbuild.BuildOptions };
      assert.deepEqual(cli.external, [], 'the CLI build marks nothing external, vscode included');
      const result = await esbuild.build({ ...cli, absWorkingDir: root, write: false, metafile: true, logLevel: 'silent', outfile: join(dir, 'cli.js') });
      const inputs = Object.keys(result.metafile!.inputs);
      assert.ok(inputs.some(i => i.endsWith('src/cli/main.ts')), 'the metafile lists the sources');
      const imports = Object.values(result.metafile!.inputs).flatMap(i => i.imports.map(x => x.path));
      assert.ok(!inputs.some(i => /(^|\/)vscode(\/|$)/.test(i)) && !imports.includes('vscode'), 'no input is, or imports, vscode');

      // The control: the same build of a file that imports vscode fails.
      const probe = join(dir, 'probe.ts');
      await writeFile(probe, "import * as vscode from 'vscode';\nexport const x = vscode.version;\n");
      await assert.rejects(esbuild.build({ ...cli, absWorkingDir: root, entryPoints: [probe], write: false, logLevel: 'silent', outfile: join(dir, 'probe.js') }), /Could not resolve "vscode"/);
    });
  });
});
