// The YAML parser the posture file needs, as its own module: the extension and command-line
// bundles load it (dist/yaml.js, see esbuild.js) only when a posture file is read, so activation
// and `--help` do not pay for its 112 KB.
export { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
