// The portfolio panel: the partner's readable customers × Secure Score categories as a heatmap
// (percent of each category's maximum), each with its 30-day trend, sortable; the customers it
// cannot read listed below with their reason. Built from the Portfolio service's rows; while the
// panel is open the service also reads points per category, and rows stream in as tenants answer.
import { age, percent, points } from '../../model/format';
import { progressText, type CustomerPosture, type CustomerResult, type Progress } from '../../model/portfolio';
import { CATEGORIES, categoryCaveat, categoryText } from '../../model/secureScore';
import type { Cell, Column, HeatCell, Heatmap, HeatRow, ListTable, PanelModel, PortfolioSort } from '../../webview/protocol';
import type { PanelDescriptor } from './panel';

/** What the panel reads of the Portfolio service (src/tenant/portfolio.ts). */
export interface PortfolioPanelSource {
  readonly connected: boolean;
  readonly isRunning: boolean;
  readonly customers: CustomerResult[];
  readonly progress?: Progress;
  readonly error?: { message: string };
  readonly warnings: string[];
  onDidChange(listener: () => void): { dispose(): void };
  /** Reads include points per category while `on` (the panel is open). */
  readCategories(on: boolean): Promise<void>;
}

/** Has a Secure Score to draw: the heatmap's rows. */
export const isReadable = (r: CustomerResult): r is CustomerResult & { posture: CustomerPosture & { percent: number } } => r.posture?.percent !== undefined;

/** The sentence a customer outside the heatmap gets (the Customers view's words). */
export function notReadText(r: CustomerResult): string {
  return r.reason?.message ?? (r.status === 'cached' ? 'Waiting for the tenant to answer.' : 'The tenant has no Secure Score data.');
}

function heatCell(p: CustomerPosture, category: string, reading: boolean): HeatCell {
  if (!p.categories) {
    const refused = p.warnings.find(w => w.startsWith('Categories'));
    if (refused) {
      return { percent: null, text: 'not readable', title: refused };
    }
    return reading
      ? { percent: null, text: 'reading…', title: 'Reading this customer\'s points per category.' }
      : { percent: null, text: 'not read', title: 'Points per category have not been read: refresh the portfolio.' };
  }
  const c = p.categories.find(x => x.category === category);
  if (!c || c.controls === 0 || c.max === 0) {
    return { percent: null, text: '–', title: `${category}: no improvement actions of this category in this tenant.` };
  }
  if (c.max === undefined || c.percent === undefined) {
    return { percent: null, text: 'max unknown', title: `${category}: ${points(c.score)} points. ${categoryCaveat(c) ?? ''}`.trim() };
  }
  return { percent: c.percent, text: percent(c.percent, 0), title: `${category}: ${categoryText(c)}` };
}

function sortKey(row: HeatRow, by: PortfolioSort, categories: readonly string[]): number | null {
  switch (by) {
    case 'name': return 0;
    case 'score': return row.score;
    case 'change30': return row.change30;
    default: return row.cells[categories.indexOf(by)]?.percent ?? null;
  }
}

/** Unknown values last whichever way; equal ones by name. */
export function sortHeatRows(rows: HeatRow[], by: PortfolioSort, descending: boolean, categories: readonly string[] = CATEGORIES): HeatRow[] {
  const byName = (a: HeatRow, b: HeatRow) => a.name.localeCompare(b.name) || a.tenantId.localeCompare(b.tenantId);
  return [...rows].sort((a, b) => {
    if (by === 'name') {
      return descending ? byName(b, a) : byName(a, b);
    }
    const x = sortKey(a, by, categories);
    const y = sortKey(b, by, categories);
    if (x === null || y === null) {
      return Number(x === null) - Number(y === null) || byName(a, b);
    }
    return (descending ? y - x : x - y) || byName(a, b);
  });
}

const TABLE_COLUMNS: Column[] = [
  { label: 'Customer', kind: 'text' },
  { label: 'Tenant id', kind: 'text' },
  { label: 'Score', kind: 'percent' },
  { label: 'Points', kind: 'points' },
  { label: 'Maximum', kind: 'points' },
  ...CATEGORIES.flatMap((c): Column[] => [{ label: `${c} %`, kind: 'percent' }, { label: `${c} points`, kind: 'points' }, { label: `${c} maximum`, kind: 'points' }]),
  { label: '30-day change', kind: 'signed' },
];

function tableRow(row: HeatRow, posture: CustomerPosture): Cell[] {
  const categoryCells = CATEGORIES.flatMap((category, i): Cell[] => {
    const c = posture.categories?.find(x => x.category === category);
    const cell = row.cells[i];
    return [cell.percent ?? cell.text, c ? c.score : null, c ? c.max ?? 'unknown' : null];
  });
  return [row.name, row.tenantId, row.score, posture.current ?? null, posture.max ?? null, ...categoryCells, row.change30];
}

export interface PortfolioShape {
  heatmap: Heatmap;
  blocked: ListTable;
}

/** The heatmap and the list below it, from the portfolio's rows. */
export function shapePortfolio(results: CustomerResult[], sort: PortfolioSort, descending: boolean, reading: boolean): PortfolioShape {
  const readable = results.filter(isReadable);
  const postures = new Map(readable.map(r => [r.customer.tenantId.toLowerCase(), r.posture]));
  const rows = sortHeatRows(readable.map((r): HeatRow => {
    const p = r.posture;
    const notes = [
      r.reason && !r.reason.blocking ? r.reason.message : '',
      r.stale && r.fetchedAt ? `Saved ${age(new Date(r.fetchedAt).toISOString())}.` : '',
      ...p.warnings,
    ].filter(Boolean);
    return {
      tenantId: r.customer.tenantId,
      name: r.customer.name || r.customer.tenantId,
      score: p.percent,
      points: `${points(p.current)} / ${points(p.max)}`,
      change30: p.change30 ?? null,
      cells: CATEGORIES.map(c => heatCell(p, c, reading)),
      trend: p.trend,
      note: notes.length ? notes.join(' ') : undefined,
    };
  }), sort, descending);
  const others = results.filter(r => !isReadable(r))
    .sort((a, b) => (a.customer.name || a.customer.tenantId).localeCompare(b.customer.name || b.customer.tenantId));
  const withCategories = readable.filter(r => r.posture.categories).length;
  return {
    heatmap: {
      id: 'portfolio-heatmap',
      title: 'Customers by category',
      summary: `${rows.length} customer${rows.length === 1 ? '' : 's'}; each cell is the percent of that category's maximum points (${withCategories} of ${rows.length} read by category). The line: Secure Score percent over the last 30 days.`,
      empty: rows.length ? undefined : results.length ? 'No customer could be read: see why below.' : reading ? 'Reading customers…' : 'No customers.',
      categories: [...CATEGORIES],
      rows,
      sort,
      descending,
      table: { columns: TABLE_COLUMNS, rows: rows.map(row => tableRow(row, postures.get(row.tenantId.toLowerCase())!)) },
    },
    blocked: {
      id: 'portfolio-blocked',
      title: 'Customers not in the heatmap',
      summary: others.length ? `${others.length} customer${others.length === 1 ? '' : 's'} with no Secure Score to show, and why.` : undefined,
      columns: [{ label: 'Customer', kind: 'text' }, { label: 'Tenant id', kind: 'text' }, { label: 'Reason', kind: 'text' }],
      rows: others.map(r => ({ cells: [r.customer.name || r.customer.tenantId, r.customer.tenantId, notReadText(r)] })),
      empty: 'Every customer is in the heatmap.',
    },
  };
}

function notices(portfolio: PortfolioPanelSource, now: Date): string[] {
  if (!portfolio.connected) {
    return ['No customers: the portfolio is for CSP partners. Sign in with a partner tenant (GDAP relationships or contracts), or explore the sample tenant.'];
  }
  const out: string[] = [];
  if (portfolio.error) {
    out.push(`Could not list customers: ${portfolio.error.message}`);
  }
  if (portfolio.warnings.length) {
    out.push(`Partly listed: ${portfolio.warnings.join(' ')}`);
  }
  if (portfolio.progress) {
    out.push(`Reading customers: ${progressText(portfolio.progress)}.`);
  }
  const saved = portfolio.customers.filter(r => r.stale && r.fetchedAt).map(r => r.fetchedAt!);
  if (saved.length) {
    out.push(`${saved.length} customer${saved.length === 1 ? ' shows' : 's show'} saved data, the oldest from ${age(new Date(Math.min(...saved)).toISOString(), now)}.`);
  }
  return out;
}

export function portfolioPanel(portfolio: PortfolioPanelSource): PanelDescriptor {
  return {
    kind: 'portfolio',
    viewType: 'securityPosture.panel.portfolio',
    title: 'Customer Portfolio',
    sections: [],
    usesHistory: false,
    usesPlan: false,
    watch: redraw => portfolio.onDidChange(redraw),
    attach: () => {
      void portfolio.readCategories(true);
      return { dispose: () => void portfolio.readCategories(false) };
    },
    build(ctx, state): PanelModel {
      const sort = state.sort ?? 'score';
      const descending = state.descending ?? false;
      const { heatmap, blocked } = shapePortfolio(portfolio.customers, sort, descending, portfolio.isRunning);
      const total = portfolio.customers.length;
      const average = heatmap.rows.length ? heatmap.rows.reduce((sum, r) => sum + r.score, 0) / heatmap.rows.length : undefined;
      const drops = heatmap.rows.filter(r => (r.change30 ?? 0) < 0).length;
      return {
        kind: 'portfolio',
        title: 'Customer portfolio',
        subtitle: total
          ? `${total} customer${total === 1 ? '' : 's'} · ${heatmap.rows.length} read${average !== undefined ? `, average ${percent(average)}` : ''}${drops ? `, ${drops} lower than 30 days ago` : ''} · ${blocked.rows.length} not read`
          : 'No customers yet',
        viewState: { ...state, kind: 'portfolio', sort, descending },
        ranges: false,
        actions: [
          { action: 'refreshCustomers', label: 'Refresh customers' },
          { action: 'exportPortfolioReport', label: 'Export portfolio report…' },
        ],
        notices: notices(portfolio, ctx.now()),
        cards: [],
        lists: [blocked],
        heatmap,
      };
    },
  };
}

