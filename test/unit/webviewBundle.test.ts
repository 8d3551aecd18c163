// The panels' script as the build writes it (npm test builds before the unit tests run).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const script = path.resolve(__dirname, '..', '..', '..', 'dist', 'webview', 'panels.main.js');

describe('Webview bundle', () => {
  it('starts with V8\'s compile hint, so Chart.js compiles while the script streams in, not at the first chart', () => {
    assert.ok(fs.existsSync(script), `${script} is missing: run \`node esbuild.js\` first`);
    const first = fs.readFileSync(script, 'utf8').split('\n', 1)[0];
    // Chromium reads the hint only as the file's very first line.
    assert.equal(first, '//# allFunctionsCalledOnLoad');
  });
});
