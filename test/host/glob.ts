import * as fs from 'fs';
import * as path from 'path';

/**
 * Files matching a glob with `*`, `?` and `**` (enough for test patterns such as
 * `out/test/integration/sample/**\/*.test.js`), sorted; relative patterns start at `cwd`.
 */
export function findFiles(pattern: string, cwd: string): string[] {
  const absolute = path.resolve(cwd, pattern).split(path.sep).join('/');
  const segments = absolute.split('/');
  const firstWild = segments.findIndex(segment => /[*?[]/.test(segment));
  if (firstWild < 0) {
    return fs.existsSync(absolute) ? [absolute] : [];
  }
  const base = segments.slice(0, firstWild).join('/') || '/';
  const matcher = globToRegExp(absolute);
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = `${dir === '/' ? '' : dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') {
          walk(full);
        }
      } else if (matcher.test(full)) {
        found.push(full);
      }
    }
  };
  walk(base);
  return found.sort();
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more whole folders; a trailing `**` matches anything.
      if (glob[i + 2] === '/') {
        source += '(?:[^/]+/)*';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}
