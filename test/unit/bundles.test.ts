// The extension and command-line bundles as the build writes them (npm test builds before the unit
// tests run): the large libraries that only some uses need are their own files, loaded on first use.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const dist = path.resolve(__dirname, '..', '..', '..', 'dist');
const read = (name: string) => {
  const file = path.join(dist, name);
  assert.ok(fs.existsSync(file), `${file} is missing: run \`node esbuild.js\` first`);
  return fs.readFileSync(file, 'utf8');
};
/** A message only the `yaml` package's parser carries. */
const YAML_MARK = 'Implicit keys need to be on a single line';

describe('Extension and CLI bundles', () => {
  for (const bundle of ['extension.js', 'cli.js']) {
    it(`${bundle} loads the YAML parser from yaml.js when a posture file is read, instead of carrying it`, () => {
      const text = read(bundle);
      assert.ok(!text.includes(YAML_MARK), `${bundle} carries the yaml parser`);
      assert.match(text, /require\("\.\/yaml\.js"\)/, `${bundle} does not load ./yaml.js`);
      assert.ok(read('yaml.js').includes(YAML_MARK), 'yaml.js holds the parser');
    });
  }

  it('exports nothing when installed or run from its folder; only in test mode does activate() hand out its store and connection', function () {
    this.timeout(60_000);
    read('extension.js');
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-exports-'));
    try {
      const exported = (mode: number) => JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'exportsProbe.js'), path.join(dist, 'extension.js'), String(mode), storage], { encoding: 'utf8' }).trim().split('\n').pop()!) as string[] | null;
      // The probe sees what a test gets: so a null below is the extension's choice, not the probe's.
      const test = exported(3);
      assert.ok(test?.includes('connection') && test.includes('store'), `test mode: ${JSON.stringify(test)}`);
      assert.equal(exported(1), null, 'an installed extension (ExtensionMode.Production) exports nothing');
      assert.equal(exported(2), null, 'nor one run from its folder (ExtensionMode.Development)');
    } finally {
      fs.rmSync(storage, { recursive: true, force: true });
    }
  });
});

