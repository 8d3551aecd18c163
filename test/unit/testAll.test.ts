// `npm test` (scripts/test-all.js) counts every suite: a suite that should run and runs no test
// is a failure, `.only` is refused, and skipped (pending) tests are counted in the closing line.
// Each case runs the real script, copied into a scratch repository whose out/test/unit holds
// the case's test files (the script finds everything relative to itself).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..', '..');

interface Run {
  code: number | null;
  closing: string;
  output: string;
}

describe('npm test counting (scripts/test-all.js)', function () {
  this.timeout(60_000);
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'test-all-'));
    fs.mkdirSync(path.join(root, 'scripts'));
    fs.copyFileSync(path.join(repo, 'scripts', 'test-all.js'), path.join(root, 'scripts', 'test-all.js'));
    fs.symlinkSync(fs.realpathSync(path.join(repo, 'node_modules')), path.join(root, 'node_modules'), 'dir');
    fs.mkdirSync(path.join(root, 'out', 'test', 'unit'), { recursive: true });
    // The results reporter, as built.
    fs.symlinkSync(path.join(repo, 'out', 'test', 'host'), path.join(root, 'out', 'test', 'host'), 'dir');
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  const unitFile = (name: string, body: string) => fs.writeFileSync(path.join(root, 'out', 'test', 'unit', name), body);

  const runUnit = (): Run => {
    const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'test-all.js'), '--only', 'unit'], {
      cwd: root, encoding: 'utf8', env: { ...process.env, SP_TEST_RESULTS_DIR: path.join(root, 'results') },
    });
    const output = `${result.stdout}${result.stderr}`;
    return { code: result.status, closing: result.stdout.trimEnd().split('\n').at(-1) ?? '', output };
  };

  it('fails when there is no unit test to run (nothing built, a renamed folder)', () => {
    const run = runUnit();
    assert.equal(run.code, 1, run.output);
    assert.equal(run.closing, '0 passed, 1 failed, 0 skipped');
    assert.match(run.output, /no unit tests in out\/test\/unit/);
  });

  it('fails when the test files hold no test', () => {
    unitFile('empty.test.js', "describe('nothing here', () => {});\n");
    const run = runUnit();
    assert.equal(run.code, 1, run.output);
    assert.equal(run.closing, '0 passed, 1 failed, 0 skipped');
    assert.match(run.output, /no test ran/);
  });

  it('fails when every test is skipped, and counts them as skipped', () => {
    unitFile('skipped.test.js', "describe('all skipped', () => { it.skip('later', () => {}); });\n");
    const run = runUnit();
    assert.equal(run.code, 1, run.output);
    assert.equal(run.closing, '0 passed, 1 failed, 1 skipped');
  });

  it('refuses .only, which would silently drop the other tests', () => {
    unitFile('only.test.js', "describe('focus', () => { it.only('this one', () => {}); it('the others', () => {}); });\n");
    const run = runUnit();
    assert.equal(run.code, 1, run.output);
    assert.equal(run.closing, '0 passed, 1 failed, 0 skipped');
    assert.match(run.output, /`\.only` forbidden by --forbid-only/);
  });

  it('counts passed, failed and skipped tests in the closing line', () => {
    unitFile('mixed.test.js', [
      "describe('mixed', () => {",
      "  it('passes', () => {});",
      "  it('passes too', () => {});",
      "  it('fails', () => { throw new Error('on purpose'); });",
      "  it.skip('is skipped', () => {});",
      '});',
      '',
    ].join('\n'));
    const run = runUnit();
    assert.equal(run.code, 1, run.output);
    assert.equal(run.closing, '2 passed, 1 failed, 1 skipped');

    unitFile('mixed.test.js', "describe('fine', () => { it('passes', () => {}); it.skip('is skipped', () => {}); });\n");
    const clean = runUnit();
    assert.equal(clean.code, 0, clean.output);
    assert.equal(clean.closing, '1 passed, 0 failed, 1 skipped');
  });
});
