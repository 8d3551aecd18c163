// The layering the README promises, checked on the sources: the data layer and the model run
// headless (no `vscode`), know nothing of the sample tenant, and src/ has no runtime import cycle.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');
const src = join(root, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : name.endsWith('.ts') ? [full] : [];
  });
}

interface Import { from: string; to: string; typeOnly: boolean }

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?([\s\S]*?)\s+from\s+'([^']+)'/gm)) {
    const names = m[2].trim();
    // `import { type A, type B } from` is erased as well.
    const onlyTypes = !!m[1] || (/^\{[\s\S]*\}$/.test(names) && names.slice(1, -1).split(',').every(n => !n.trim() || n.trim().startsWith('type ')));
    found.push({ from: file, to: m[3], typeOnly: onlyTypes });
  }
  for (const m of text.matchAll(/require\('([^']+)'\)/g)) {
    found.push({ from: file, to: m[1], typeOnly: false });
  }
  return found;
}

function resolveLocal(from: string, to: string): string | undefined {
  if (!to.startsWith('.')) {
    return undefined;
  }
  const base = resolve(dirname(from), to);
  return [`${base}.ts`, join(base, 'index.ts')].find(existsSync);
}

const files = sources(src);
const layer = (name: string) => files.filter(f => relative(src, f).startsWith(`${name}/`));

describe('architecture', () => {
  it('keeps graph/, model/, tenant/ free of vscode, and graph/, model/, auth/, tenant/ free of the sample tenant', () => {
    const vscodeUsers = [...layer('graph'), ...layer('model'), ...layer('tenant')].flatMap(importsOf).filter(i => i.to === 'vscode');
    assert.deepEqual(vscodeUsers.map(i => relative(root, i.from)), []);
    const sampleUsers = [...layer('graph'), ...layer('model'), ...layer('auth'), ...layer('tenant')].flatMap(importsOf)
      .filter(i => /(^|\/)sample\//.test(i.to));
    assert.deepEqual(sampleUsers.map(i => `${relative(root, i.from)} → ${i.to}`), []);
    assert.ok(layer('model').length > 10 && layer('graph').length > 5, 'the layers were found');
  });

  it('has no runtime import cycle in src/', () => {
    const graph = new Map(files.map(f => [f, importsOf(f).filter(i => !i.typeOnly).flatMap(i => resolveLocal(f, i.to) ?? [])]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') {
          cycles.push([...stack.slice(stack.indexOf(next)), next].map(f => relative(src, f)).join(' → '));
        } else if (!state.has(next)) {
          visit(next);
        }
      }
      stack.pop();
      state.set(file, 'done');
    };
    files.forEach(f => state.has(f) || visit(f));
    assert.deepEqual(cycles, []);
    assert.ok([...graph.values()].some(deps => deps.length > 3), 'imports were resolved');
  });
});
