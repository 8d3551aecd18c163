// A hostile copy of a tenant: every string an attacker could write (alert titles and evidence,
// comments, names, URLs, enum members the client does not know) replaced by payloads, for tests
// that prove views, tooltips, links, messages and webviews show them as text and never run them.
// Kept as they are: ids, keys and timestamps (Graph's own GUIDs and DateTimeOffsets), and the
// alert severity and status the views query by.
import type { TenantDataset } from './dataset';

/** What a payload that ran would do: the tests look for this mark. */
export const PWNED_SCRIPT = "window.__spPwned=1;var s=document.getElementById('sp-sentinel');if(s)s.textContent='pwned'";

/** Text payloads, in the order they are handed out; `null` stands where a string is expected. */
export const HOSTILE_TEXT: readonly (string | null)[] = [
  `<script>${PWNED_SCRIPT}</script>`,
  `<img src=x onerror="${PWNED_SCRIPT}">`,
  `javascript:${PWNED_SCRIPT}`,
  'command:workbench.action.terminal.new',
  '[Open settings](command:workbench.action.openSettings "Microsoft Defender")',
  '![tracker](https://attacker.example/pixel.png)',
  '[Sign in again](https://attacker.example/login)',
  '&lt;b&gt;entity&lt;/b&gt; &amp;amp; &#60;script&#62; &#x27;',
  'Invoice\u202Etxt.exe\u202C \u200Bzero\u200Cwidth\u200D\uFEFF \u2066isolate\u2069',
  '$(alert) **bold** _it_ `code` # heading <!-- comment --> {{constructor.constructor("return 1")()}}',
  null,
  'line one\nline two\r\n\tindented\u0000\u0007 after control characters',
];

/** Link payloads for URL fields: only the https ones may be opened, and only after saying where. */
export const HOSTILE_URLS: readonly (string | null)[] = [
  `javascript:${PWNED_SCRIPT}`,
  'command:workbench.action.terminal.new',
  'http://security.microsoft.com/alerts',
  `data:text/html,<script>${PWNED_SCRIPT}</script>`,
  'file:///etc/passwd',
  'vscode://vscode.git/clone?url=https://attacker.example/repo.git',
  'https://attacker.example/login',
  'https://security.microsoft.com@attacker.example/',
  ` JAVASCRIPT:${PWNED_SCRIPT}`,
  null,
];

/** About 100 KB: the first value every field gets, so each one meets a huge string once. */
export const HUGE_TEXT = `<script>${PWNED_SCRIPT}</script>${'\u202E'.repeat(8)}${'A'.repeat(100_000)}`;

const KEPT = new Set(['id', 'tenantId', 'azureTenantId', 'customerTenantId', 'controlName', '@odata.type']);
const QUERIED = new Set(['alerts[].severity', 'alerts[].status']);
const RESOURCES: (keyof TenantDataset)[] = [
  'partnerScore', 'partnerRequirements', 'partnerHistory', 'customerInsights', 'customerNames', 'partnerAlerts',
  'secureScores', 'secureScoreArchive', 'controlProfiles', 'alerts',
];

/**
 * A deep copy of `dataset` with hostile strings. Each field (by its path, e.g.
 * `alerts[].evidence[].fileDetails.fileName`) gets the huge string first, then the payloads in
 * turn, so every field sees every payload once there are enough items.
 */
export function hostileTenant(dataset: TenantDataset): TenantDataset {
  const copy = structuredClone(dataset);
  const handedOut = new Map<string, number>();
  const payload = (field: string, key: string): string | null => {
    const n = handedOut.get(field) ?? 0;
    handedOut.set(field, n + 1);
    if (n === 0) {
      return HUGE_TEXT;
    }
    const list = /url$/i.test(key) ? HOSTILE_URLS : HOSTILE_TEXT;
    return list[(n - 1) % list.length];
  };
  const walk = (value: unknown, field: string, key: string): unknown => {
    if (typeof value === 'string') {
      return KEPT.has(key) || key.endsWith('DateTime') || QUERIED.has(field) ? value : payload(field, key);
    }
    if (Array.isArray(value)) {
      return value.map(item => walk(item, `${field}[]`, key));
    }
    if (value && typeof value === 'object') {
      // Map keys that are data (customer names by tenant, partner alert details) count as one field.
      const byData = field === 'customerNames' || field.endsWith('additionalDetails');
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, byData ? `${field}.*` : `${field}.${k}`, k)]));
    }
    return value;
  };
  const out = copy as unknown as Record<string, unknown>;
  for (const resource of RESOURCES) {
    if (out[resource] !== undefined) {
      out[resource] = walk(out[resource], resource, resource);
    }
  }
  return copy;
}
