// Reads the keys a settings file sets (`settings.json` is JSON with comments and trailing commas),
// so the extension can say which user-only settings a workspace tried to set. No `vscode` import.

/** Dotted keys set in a settings file, nested objects flattened (`{"a": {"b": 1}}` sets `a` and `a.b`). */
export function settingKeys(text: string, root?: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(withoutTrailingCommas(withoutComments(text)));
  } catch {
    // VS Code reads broken files leniently; so do we, by the look of `"key":`.
    return [...withoutComments(text).matchAll(/"([^"\\]+)"\s*:/g)].map(m => m[1]);
  }
  const start = root ? (parsed as Record<string, unknown> | null)?.[root] : parsed;
  const keys: string[] = [];
  const walk = (value: unknown, prefix: string) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const full = prefix ? `${prefix}.${key}` : key;
      keys.push(full);
      walk(child, full);
    }
  };
  walk(start, '');
  return keys;
}

/** Drops line and block comments outside strings. */
function withoutComments(text: string): string {
  return rewrite(text, (i, out) => {
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      return end < 0 ? text.length : end;
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      return end < 0 ? text.length : end + 2;
    }
    out.push(text[i]);
    return i + 1;
  });
}

/** Drops a comma that only whitespace separates from `}` or `]`, outside strings. */
function withoutTrailingCommas(text: string): string {
  const closing = /\s*[}\]]/y;
  return rewrite(text, (i, out) => {
    closing.lastIndex = i + 1;
    if (text[i] !== ',' || !closing.test(text)) {
      out.push(text[i]);
    }
    return i + 1;
  });
}

/** Copies strings verbatim and lets `step` handle the rest; `step` returns where to go on. Linear in the text. */
function rewrite(text: string, step: (i: number, out: string[]) => number): string {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') {
        j += text[j] === '\\' ? 2 : 1;
      }
      out.push(text.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    i = step(i, out);
  }
  return out.join('');
}
