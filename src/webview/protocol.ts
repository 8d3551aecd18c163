// The one message protocol between the extension host and its webview panels. Both sides import
// these types: the host builds a PanelModel from Graph's numbers, the page only draws it. The
// page never fetches anything; every string in a model is shown as text (textContent), never HTML.

export const PANEL_KINDS = ['secureScore', 'partner', 'whatChanged', 'whatIf', 'honesty', 'portfolio'] as const;
export type PanelKind = (typeof PANEL_KINDS)[number];

export const RANGES = ['7', '30', '90', 'all'] as const;
export type Range = (typeof RANGES)[number];

/** Colours are names of VS Code's chart palette (`--vscode-charts-<name>`). */
export type ChartColor = 'blue' | 'red' | 'green' | 'yellow' | 'orange' | 'purple' | 'foreground' | 'lines';

export type ValueKind = 'text' | 'date' | 'points' | 'percent' | 'signed' | 'count';

export interface Column {
  label: string;
  kind: ValueKind;
}

export type Cell = string | number | null;

export interface Series {
  id: string;
  label: string;
  color: ChartColor;
  /** One per chart label; null is a gap. */
  values: (number | null)[];
  style?: 'line' | 'dashed' | 'area' | 'bar';
  /** Per-value colours (bar charts that colour each bar). */
  colors?: ChartColor[];
  /** Series with the same stack are stacked (bars and areas). */
  stack?: string;
}

export interface ChartSpec {
  type: 'line' | 'bar' | 'horizontalBar';
  /** Header of the label column in the table, e.g. "Day". */
  labelHeader: string;
  labelKind: ValueKind;
  labels: string[];
  /** How the values read in the table and on the axis. */
  valueKind: ValueKind;
  series: Series[];
  stacked?: boolean;
  min?: number;
  max?: number;
  /** Lines hold each value until the next label (a score that changes on some days only). */
  stepped?: boolean;
  /** Clicking a point posts `pickDay` with its label (What changed). */
  pickable?: boolean;
  /** Labels drawn highlighted (the two days being compared). */
  highlighted?: string[];
}

/** A chart with its table toggle and exports; the table shows exactly the chart's numbers. */
export interface ChartCard {
  id: string;
  title: string;
  summary?: string;
  chart: ChartSpec;
  /** Shown instead of the chart when there is nothing to draw. */
  empty?: string;
  /** A button under the card that opens another panel. */
  link?: { label: string; panel: PanelKind };
}

export type RowAction = 'reveal' | 'unplan';

export interface ListRow {
  cells: Cell[];
  /** The control this row stands for: its first cell links to the tree row. */
  control?: string;
  actions?: RowAction[];
}

/** A table that is a list in its own right (changed controls, planned controls). */
export interface ListTable {
  id: string;
  title: string;
  summary?: string;
  columns: Column[];
  rows: ListRow[];
  empty: string;
}

export type ToolbarAction = 'pickDays' | 'exportHistory' | 'importHistory' | 'refresh' | 'showAllCategories' | 'planControls' | 'refreshCustomers' | 'exportPortfolioReport';

/** What the portfolio heatmap can be sorted by: a customer's name, score, 30-day change, or a category's percent. */
export const PORTFOLIO_SORTS = ['name', 'score', 'change30', 'Identity', 'Data', 'Device', 'Apps', 'Infrastructure'] as const;
export type PortfolioSort = (typeof PORTFOLIO_SORTS)[number];

/** One category of one customer: percent of the category's maximum, or why there is none. */
export interface HeatCell {
  /** 0–100; null when the maximum is unknown, the category has no controls, or it is not read yet. */
  percent: number | null;
  /** What the cell says: "58%", "max unknown", "reading…". */
  text: string;
  /** The cell's tooltip: points of maximum, or the caveat. */
  title: string;
}

export interface HeatRow {
  tenantId: string;
  /** The customer's name: a Graph string, shown only as text. */
  name: string;
  /** Secure Score percent. */
  score: number;
  points: string;
  change30: number | null;
  /** One per category of the heatmap, in its order. */
  cells: HeatCell[];
  /** Percent per day, oldest first (up to 31 days): the sparkline. */
  trend: number[];
  /** Stale data, categories not readable: a line under the name. */
  note?: string;
}

/** Customers × categories; the table (Table toggle, Export CSV) holds the same numbers. */
export interface Heatmap {
  id: string;
  title: string;
  summary?: string;
  empty?: string;
  categories: string[];
  rows: HeatRow[];
  sort: PortfolioSort;
  descending: boolean;
  table: { columns: Column[]; rows: Cell[][] };
}

export interface PanelViewState {
  kind: PanelKind;
  range?: Range;
  /** The two days compared (What changed). */
  from?: string;
  to?: string;
  /** The category the Secure Score panel was opened for. */
  category?: string;
  /** The portfolio heatmap's order. */
  sort?: PortfolioSort;
  descending?: boolean;
}

export interface PanelModel {
  kind: PanelKind;
  title: string;
  subtitle: string;
  viewState: PanelViewState;
  /** Offer the 7/30/90/all switch. */
  ranges: boolean;
  actions: { action: ToolbarAction; label: string }[];
  notices: string[];
  cards: ChartCard[];
  lists: ListTable[];
  /** The portfolio panel's customers × categories, drawn before the cards. */
  heatmap?: Heatmap;
}

// ---- Host -> page -----------------------------------------------------------------------------

export type HostMessage =
  /** `motion` follows workbench.reduceMotion: 'auto' leaves it to the page's prefers-reduced-motion. */
  | { type: 'model'; model: PanelModel; motion: 'reduce' | 'full' | 'auto' }
  /** The colour theme changed: read the colours again and redraw. */
  | { type: 'theme' };

// ---- Page -> host -----------------------------------------------------------------------------

export interface PageState {
  viewState?: PanelViewState;
  /** Ids of the cards showing their table. */
  tables?: string[];
}

export type PageMessage =
  | { type: 'ready' }
  | { type: 'setRange'; range: Range }
  | { type: 'pickDay'; date: string }
  | { type: 'action'; action: ToolbarAction }
  | { type: 'openPanel'; panel: PanelKind }
  | { type: 'revealControl'; id: string }
  | { type: 'setPlanned'; id: string; planned: boolean }
  | { type: 'save'; format: 'png' | 'csv'; name: string; data: string }
  | { type: 'setSort'; sort: PortfolioSort; descending: boolean }
  | { type: 'cspViolation'; directive: string; blocked: string };

export const isPanelKind = (value: unknown): value is PanelKind => typeof value === 'string' && (PANEL_KINDS as readonly string[]).includes(value);
export const isPortfolioSort = (value: unknown): value is PortfolioSort => typeof value === 'string' && (PORTFOLIO_SORTS as readonly string[]).includes(value);
export const isRange = (value: unknown): value is Range => typeof value === 'string' && (RANGES as readonly string[]).includes(value);

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ACTIONS: ToolbarAction[] = ['pickDays', 'exportHistory', 'importHistory', 'refresh', 'showAllCategories', 'planControls', 'refreshCustomers', 'exportPortfolioReport'];
const short = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max;

/** Checks a message from the page before the host acts on it (the page is not trusted either). */
export function parsePageMessage(raw: unknown): PageMessage | undefined {
  if (!raw || typeof raw !== 'object') {
    return undefined;
  }
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'setRange':
      return isRange(m.range) ? { type: 'setRange', range: m.range } : undefined;
    case 'pickDay':
      return short(m.date, 10) && DATE.test(m.date) ? { type: 'pickDay', date: m.date } : undefined;
    case 'action':
      return ACTIONS.includes(m.action as ToolbarAction) ? { type: 'action', action: m.action as ToolbarAction } : undefined;
    case 'openPanel':
      return isPanelKind(m.panel) ? { type: 'openPanel', panel: m.panel } : undefined;
    case 'revealControl':
      return short(m.id, 300) && m.id ? { type: 'revealControl', id: m.id } : undefined;
    case 'setPlanned':
      return short(m.id, 300) && m.id && typeof m.planned === 'boolean' ? { type: 'setPlanned', id: m.id, planned: m.planned } : undefined;
    case 'save':
      return (m.format === 'png' || m.format === 'csv') && short(m.name, 100) && short(m.data, 20_000_000)
        ? { type: 'save', format: m.format, name: m.name, data: m.data } : undefined;
    case 'setSort':
      return isPortfolioSort(m.sort) && typeof m.descending === 'boolean' ? { type: 'setSort', sort: m.sort, descending: m.descending } : undefined;
    case 'cspViolation':
      return { type: 'cspViolation', directive: String(m.directive).slice(0, 100), blocked: String(m.blocked).slice(0, 300) };
    default:
      return undefined;
  }
}

/** A restored page state is data from disk: keep only what is valid. */
export function parseViewState(raw: unknown, kind: PanelKind): PanelViewState {
  const m = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const state: PanelViewState = { kind };
  if (isRange(m.range)) {
    state.range = m.range;
  }
  if (short(m.from, 10) && DATE.test(m.from)) {
    state.from = m.from;
  }
  if (short(m.to, 10) && DATE.test(m.to)) {
    state.to = m.to;
  }
  if (short(m.category, 40) && m.category) {
    state.category = m.category;
  }
  if (isPortfolioSort(m.sort)) {
    state.sort = m.sort;
  }
  if (typeof m.descending === 'boolean') {
    state.descending = m.descending;
  }
  return state;
}

// ---- CSV, the same for the host's tests and the page's export ----------------------------------

/** One CSV cell: quoted when needed; a leading = + - @ is defused so a spreadsheet shows it as text. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) {
    return '';
  }
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map(row => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The table of a chart: one row per label, one column per series. */
export function chartTable(spec: ChartSpec): { header: string[]; rows: Cell[][] } {
  return {
    header: [spec.labelHeader, ...spec.series.map(s => s.label)],
    rows: spec.labels.map((label, i) => [label, ...spec.series.map(s => s.values[i] ?? null)]),
  };
}
