// Bundles the extension for Node (dist/extension.js), the command line (dist/cli.js, the
// `security-posture` bin), the lazily loaded identity library (dist/identity.js), sample tenant
// (dist/sample.js) and YAML parser (dist/yaml.js) both of them share, and webview scripts for the browser.
// `require('./esbuild.js')` gives the build options without building (tests bundle the CLI).
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * Modules loaded on demand stay out of the extension and CLI bundles: each is its own file next to
 * them. (`require('./identity')` from src/auth/identityCredential.ts, `require('./sample/bundle')`
 * from src/connection.ts, `require('../sample/bundle')` from src/cli/tenant.ts, `require('./yaml')`
 * from src/posture/parse.ts.)
 */
const LAZY = [
  { request: './identity', importer: path.join('auth', 'identityCredential.ts'), file: './identity.js' },
  { request: './sample/bundle', importer: 'connection.ts', file: './sample.js' },
  { request: '../sample/bundle', importer: path.join('cli', 'tenant.ts'), file: './sample.js' },
  { request: './yaml', importer: path.join('posture', 'parse.ts'), file: './yaml.js' },
];
const lazyExternals = {
  name: 'lazy-externals',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/(identity|sample\/bundle|yaml)$/ }, args => {
      const lazy = LAZY.find(l => l.request === args.path && args.importer.endsWith(l.importer));
      return lazy ? { path: lazy.file, external: true } : undefined;
    });
  },
};

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  external: ['vscode'],
  logLevel: 'warning',
  legalComments: 'none',
};

const webviewDir = path.join(__dirname, 'src', 'webview');
/**
 * V8's explicit compile hint: every function of a webview script is compiled while the script
 * streams in, on a background thread, instead of lazily on the page's main thread at first call
 * (Chart.js's first chart paid ~30 ms of that when the panel drew). Chromium 136+ reads it.
 */
const webviewBanner = { js: '//# allFunctionsCalledOnLoad' };
const webviewEntries = fs.existsSync(webviewDir)
  ? fs.readdirSync(webviewDir).filter(f => f.endsWith('.main.ts')).map(f => path.join(webviewDir, f))
  : [];

/** `npx security-posture` runs dist/cli.js itself: it must be executable. */
const executable = {
  name: 'executable',
  setup(build) {
    build.onEnd(result => {
      if (result.errors.length === 0 && fs.existsSync(build.initialOptions.outfile)) {
        fs.chmodSync(build.initialOptions.outfile, 0o755);
      }
    });
  },
};

/**
 * The command line: no `vscode` at all (not even external, so an import of it anywhere in its
 * graph fails the build), a shebang, and the version from package.json.
 */
const cli = {
  ...node, external: [], entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js',
  plugins: [lazyExternals, executable], mainFields: ['module', 'main'], banner: { js: '#!/usr/bin/env node' },
  define: { SECURITY_POSTURE_VERSION: JSON.stringify(require('./package.json').version) },
};

async function main() {
  const builds = [
    // The Graph client's ES build lets esbuild leave out the parts we do not use (its CommonJS build is 40 KB more).
    { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', plugins: [lazyExternals], mainFields: ['module', 'main'] },
    cli,
    { ...node, entryPoints: ['src/auth/identity.ts'], outfile: 'dist/identity.js' },
    { ...node, entryPoints: ['src/sample/bundle.ts'], outfile: 'dist/sample.js' },
    { ...node, entryPoints: ['src/posture/yaml.ts'], outfile: 'dist/yaml.js' },
  ];
  if (webviewEntries.length > 0) {
    builds.push({
      bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: production, sourcemap: !production,
      entryPoints: webviewEntries, outdir: 'dist/webview', entryNames: '[name]', logLevel: 'warning', legalComments: 'none', banner: webviewBanner,
    });
  }
  if (watch) {
    for (const options of builds) {
      const ctx = await esbuild.context(options);
      await ctx.watch();
    }
    return;
  }
  await Promise.all(builds.map(options => esbuild.build(options)));
}

module.exports = { cli, node, webviewBanner };

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
