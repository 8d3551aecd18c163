// The page of every Security Posture panel. It draws the model the host sends and nothing else:
// it fetches nothing, and every string goes into the DOM as text (textContent, never innerHTML).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '../../media/webview/panels.css';
import { createChart, formatValue, paletteKey, readPalette, type DrawnChart, type Palette } from './charts';
import { drawSparkline, heatLevel, heatmapPng } from './heatmap';
import {
  chartTable, toCsv, type ChartCard, type Heatmap, type HostMessage, type ListTable, type PageMessage, type PageState, type PanelModel, type PortfolioSort, type Range, type ValueKind,
} from './protocol';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: PageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
const charts = new Map<string, DrawnChart>();
const RANGE_LABELS: Record<Range, string> = { '7': '7 days', '30': '30 days', '90': '90 days', all: 'All' };

let state: PageState = sanitizeState(vscode.getState());
let current: { model: PanelModel; motion: 'reduce' | 'full' | 'auto' } | undefined;
let palette: Palette = readPalette();
let renders = 0;
let chartDraws = 0;
let violations = 0;

function sanitizeState(raw: unknown): PageState {
  const s = (raw && typeof raw === 'object' ? raw : {}) as PageState;
  return { viewState: s.viewState, tables: Array.isArray(s.tables) ? s.tables.filter(t => typeof t === 'string') : [] };
}

function post(message: PageMessage): void {
  vscode.postMessage(message);
}

function saveState(): void {
  vscode.setState(state);
}

/** Creates an element; text is always set as text. */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string; attrs?: Record<string, string> } = {}, children: Node[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) {
    node.className = props.className;
  }
  if (props.text !== undefined) {
    node.textContent = props.text;
  }
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    node.setAttribute(name, value);
  }
  children.forEach(child => node.append(child));
  return node;
}

function button(label: string, onClick: () => void, attrs: Record<string, string> = {}, secondary = true): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  if (secondary) {
    b.setAttribute('secondary', '');
  }
  for (const [name, value] of Object.entries(attrs)) {
    b.setAttribute(name, value);
  }
  b.addEventListener('click', onClick);
  return b;
}

function reduceMotion(): boolean {
  if (!current || current.motion === 'auto') {
    return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  }
  return current.motion === 'reduce';
}

// ---- Rendering --------------------------------------------------------------------------------

function render(): void {
  if (!current) {
    return;
  }
  const { model } = current;
  const scrollY = window.scrollY;
  const focusKey = (document.activeElement as HTMLElement | null)?.closest('[data-focus]')?.getAttribute('data-focus');
  destroyCharts();
  app.replaceChildren();
  app.setAttribute('aria-busy', 'false');
  document.title = model.title;

  const header = el('header', { className: 'panel-header' }, [
    el('h1', { text: model.title }),
    el('p', { className: 'subtitle', text: model.subtitle }),
  ]);
  app.append(header);
  app.append(toolbar(model));
  if (model.notices.length) {
    app.append(el('div', { className: 'notices', attrs: { role: 'status' } }, model.notices.map(n => el('p', { text: n }))));
  }
  if (model.heatmap) {
    app.append(heatmapCard(model.heatmap));
  }
  for (const card of model.cards) {
    app.append(chartCard(card));
  }
  for (const list of model.lists) {
    app.append(listTable(list));
  }
  drawCharts();
  renders++;
  document.body.dataset.renders = String(renders);
  window.scrollTo(0, scrollY);
  // Only give focus back when the page had it (a click in the page redrew it): never steal it.
  if (focusKey && document.hasFocus()) {
    (app.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`) as HTMLElement | null)?.focus();
  }
}

function toolbar(model: PanelModel): HTMLElement {
  const bar = el('div', { className: 'toolbar' });
  if (model.ranges) {
    const group = document.createElement('vscode-radio-group');
    group.setAttribute('aria-label', 'Range');
    group.className = 'ranges';
    const selected = model.viewState.range ?? '90';
    for (const range of Object.keys(RANGE_LABELS) as Range[]) {
      const radio = document.createElement('vscode-radio');
      radio.setAttribute('name', 'range');
      radio.setAttribute('value', range);
      radio.setAttribute('data-focus', `range-${range}`);
      radio.label = RANGE_LABELS[range];
      radio.checked = range === selected;
      radio.addEventListener('change', () => {
        if (radio.checked && range !== current?.model.viewState.range) {
          post({ type: 'setRange', range });
        }
      });
      group.append(radio);
    }
    bar.append(group);
  }
  for (const { action, label } of model.actions) {
    bar.append(button(label, () => post({ type: 'action', action }), { 'data-action': action, 'data-focus': `action-${action}` }));
  }
  return bar;
}

function chartCard(card: ChartCard): HTMLElement {
  const section = el('section', { className: 'card', attrs: { 'data-card': card.id, 'aria-labelledby': `title-${card.id}` } });
  const tools = el('div', { className: 'card-tools' });
  // A year of days is hundreds of rows per table: a table is built only once it is shown.
  const tableBox = el('div', { className: 'table-box' });
  const showTable = (shown: boolean) => {
    if (shown && !tableBox.firstChild) {
      tableBox.append(chartTableElement(card));
    }
    tableBox.hidden = !shown;
  };
  const { toggle, shown: tableShown } = tableToggle(card.id, showTable);
  tools.append(toggle);
  tools.append(button('Export PNG', () => exportPng(card), { 'data-role': 'export-png', 'data-focus': `png-${card.id}` }));
  tools.append(button('Export CSV', () => exportCsv(card.id, chartTable(card.chart)), { 'data-role': 'export-csv', 'data-focus': `csv-${card.id}` }));
  section.append(el('div', { className: 'card-header' }, [el('h2', { text: card.title, attrs: { id: `title-${card.id}` } }), tools]));
  if (card.summary) {
    section.append(el('p', { className: 'summary', text: card.summary }));
  }
  if (card.empty) {
    section.append(el('p', { className: 'empty', text: card.empty }));
  } else {
    const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `${card.title}: chart; turn on "Table" for the same numbers as a table.` } });
    canvas.dataset.cardId = card.id;
    const box = el('div', { className: `chart-box ${card.chart.type === 'horizontalBar' ? 'short' : ''}` }, [canvas]);
    section.append(box);
  }
  showTable(tableShown);
  section.append(tableBox);
  if (card.link) {
    const panel = card.link.panel;
    section.append(el('p', { className: 'card-link' }, [button(card.link.label, () => post({ type: 'openPanel', panel }), { 'data-open': panel, 'data-focus': `open-${panel}` })]));
  }
  return section;
}

/** A Table toggle whose state is kept per card id across redraws and reloads. */
function tableToggle(id: string, onChange: (shown: boolean) => void): { toggle: HTMLElement; shown: boolean } {
  const shown = state.tables?.includes(id) ?? false;
  const toggle = document.createElement('vscode-checkbox');
  toggle.toggle = true;
  toggle.label = 'Table';
  toggle.checked = shown;
  toggle.setAttribute('data-focus', `table-${id}`);
  toggle.setAttribute('data-role', 'table-toggle');
  toggle.addEventListener('change', () => {
    const tables = new Set(state.tables ?? []);
    if (toggle.checked) {
      tables.add(id);
    } else {
      tables.delete(id);
    }
    state = { ...state, tables: [...tables] };
    saveState();
    onChange(toggle.checked);
  });
  return { toggle, shown };
}

const SORT_LABELS: Partial<Record<PortfolioSort, string>> = { name: 'Customer', score: 'Score', change30: '30 days' };
const signedText = (n: number | null) => formatValue(n, 'signed');

/** Customers × categories: each cell's text says its percent (or why there is none); colour only repeats it. */
function heatmapCard(heatmap: Heatmap): HTMLElement {
  const section = el('section', { className: 'card heatmap-card', attrs: { 'data-card': heatmap.id, 'aria-labelledby': `title-${heatmap.id}` } });
  const tableBox = el('div', { className: 'table-box' });
  const showTable = (shown: boolean) => {
    if (shown && !tableBox.firstChild) {
      tableBox.append(table(`${heatmap.title}: numbers`, heatmap.table.columns.map(c => c.label), heatmap.table.rows.map(cells => ({ cells })), heatmap.table.columns.map(c => c.kind)));
    }
    tableBox.hidden = !shown;
  };
  const { toggle, shown } = tableToggle(heatmap.id, showTable);
  const tools = el('div', { className: 'card-tools' }, [
    toggle,
    button('Export PNG', () => post({ type: 'save', format: 'png', name: heatmap.id, data: heatmapPng(heatmap, palette, signedText) }), { 'data-role': 'export-png', 'data-focus': `png-${heatmap.id}` }),
    button('Export CSV', () => exportCsv(heatmap.id, { header: heatmap.table.columns.map(c => c.label), rows: heatmap.table.rows }), { 'data-role': 'export-csv', 'data-focus': `csv-${heatmap.id}` }),
  ]);
  section.append(el('div', { className: 'card-header' }, [el('h2', { text: heatmap.title, attrs: { id: `title-${heatmap.id}` } }), tools]));
  if (heatmap.summary) {
    section.append(el('p', { className: 'summary', text: heatmap.summary }));
  }
  if (heatmap.empty) {
    section.append(el('p', { className: 'empty', text: heatmap.empty }));
  } else {
    const sortHeader = (sort: PortfolioSort, label: string, numeric: boolean) => {
      const active = heatmap.sort === sort;
      const th = el('th', { attrs: { scope: 'col', class: numeric ? 'num' : '', 'aria-sort': active ? (heatmap.descending ? 'descending' : 'ascending') : 'none' } });
      const b = el('button', {
        className: 'link sort', text: `${label}${active ? (heatmap.descending ? ' ▼' : ' ▲') : ''}`,
        attrs: { type: 'button', 'data-sort': sort, 'data-focus': `sort-${sort}`, title: `Sort by ${label.toLowerCase()}` },
      });
      // The same header again turns the order around; another starts ascending (worst first).
      b.addEventListener('click', () => post({ type: 'setSort', sort, descending: active ? !heatmap.descending : false }));
      th.append(b);
      return th;
    };
    const head = el('tr', {}, [
      sortHeader('name', SORT_LABELS.name!, false),
      sortHeader('score', SORT_LABELS.score!, true),
      ...heatmap.categories.map(c => sortHeader(c as PortfolioSort, c, true)),
      sortHeader('change30', SORT_LABELS.change30!, true),
      el('th', { text: 'Trend', attrs: { scope: 'col' } }),
    ]);
    const body = el('tbody');
    for (const row of heatmap.rows) {
      const name = el('th', { attrs: { scope: 'row', 'data-tenant': row.tenantId } }, [el('span', { className: 'customer-name', text: row.name })]);
      if (row.note) {
        name.append(el('span', { className: 'customer-note', text: row.note }));
      }
      const score = el('td', { className: `num heat heat-${heatLevel(row.score)}`, text: formatValue(row.score, 'percent'), attrs: { title: `${row.points} points` } });
      const cells = row.cells.map((cell, i) => el('td', {
        className: `num heat heat-${heatLevel(cell.percent)}`, text: cell.text, attrs: { title: cell.title, 'data-category': heatmap.categories[i] },
      }));
      const change = el('td', { className: 'num', text: signedText(row.change30) });
      const canvas = el('canvas', { className: 'sparkline', attrs: { role: 'img', 'aria-label': `Secure Score over 30 days: ${formatValue(row.trend[0], 'percent')} to ${formatValue(row.trend[row.trend.length - 1], 'percent')}` } });
      canvas.dataset.trend = row.trend.join(',');
      body.append(el('tr', { attrs: { 'data-tenant': row.tenantId } }, [name, score, ...cells, change, el('td', { className: 'trend' }, [canvas])]));
    }
    const grid = el('table', { className: 'heatmap' }, [el('caption', { className: 'visually-hidden', text: heatmap.title }), el('thead', {}, [head]), body]);
    section.append(el('div', { className: 'heatmap-box' }, [grid]));
  }
  showTable(shown);
  section.append(tableBox);
  return section;
}

/** Every row's trend line, in the theme's colours (again on a theme change). */
function drawSparklines(): void {
  app.querySelectorAll<HTMLCanvasElement>('canvas.sparkline').forEach(canvas => {
    const values = (canvas.dataset.trend ?? '').split(',').filter(Boolean).map(Number).filter(Number.isFinite);
    drawSparkline(canvas, values, palette);
  });
}

function chartTableElement(card: ChartCard): HTMLTableElement {
  const { header, rows } = chartTable(card.chart);
  const kinds: ValueKind[] = [card.chart.labelKind, ...card.chart.series.map(() => card.chart.valueKind)];
  return table(card.title, header, rows.map(r => ({ cells: r })), kinds);
}

function table(caption: string, header: string[], rows: { cells: (string | number | null)[]; build?: (cell: HTMLTableCellElement, index: number) => void }[], kinds: ValueKind[]): HTMLTableElement {
  const t = el('table', {}, [el('caption', { className: 'visually-hidden', text: caption })]);
  const head = el('tr', {}, header.map((h, i) => el('th', { text: h, attrs: { scope: 'col', class: kinds[i] === 'text' || kinds[i] === 'date' ? '' : 'num' } })));
  t.append(el('thead', {}, [head]));
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    row.cells.forEach((value, i) => {
      const td = el(i === 0 ? 'th' : 'td', { text: formatValue(value, kinds[i] ?? 'text') }) as HTMLTableCellElement;
      if (i === 0) {
        td.setAttribute('scope', 'row');
      }
      if (kinds[i] !== 'text' && kinds[i] !== 'date') {
        td.className = 'num';
      }
      row.build?.(td, i);
      tr.append(td);
    });
    body.append(tr);
  }
  t.append(body);
  return t;
}

function listTable(list: ListTable): HTMLElement {
  const section = el('section', { className: 'list', attrs: { 'data-list': list.id, 'aria-labelledby': `title-${list.id}` } });
  const tools = el('div', { className: 'card-tools' }, [
    button('Export CSV', () => exportCsv(list.id, { header: list.columns.map(c => c.label), rows: list.rows.map(r => r.cells) }), { 'data-role': 'export-csv', 'data-focus': `csv-${list.id}` }),
  ]);
  section.append(el('div', { className: 'card-header' }, [el('h2', { text: list.title, attrs: { id: `title-${list.id}` } }), tools]));
  if (list.summary) {
    section.append(el('p', { className: 'summary', text: list.summary }));
  }
  if (list.rows.length === 0) {
    section.append(el('p', { className: 'empty', text: list.empty }));
    return section;
  }
  const kinds = list.columns.map(c => c.kind);
  const header = [...list.columns.map(c => c.label), ...(list.rows.some(r => r.actions?.includes('unplan')) ? ['Plan'] : [])];
  const t = table(list.title, header, list.rows.map(row => ({
    cells: row.actions?.includes('unplan') ? [...row.cells, ''] : row.cells,
    build: (cell, i) => {
      const id = row.control;
      if (i === 0 && id && row.actions?.includes('reveal')) {
        // The title stays text inside a button: a hostile title cannot become markup.
        const link = el('button', { className: 'link', text: cell.textContent ?? '', attrs: { type: 'button', title: 'Show in the Improvement Actions view', 'data-control': id } });
        link.addEventListener('click', () => post({ type: 'revealControl', id }));
        cell.replaceChildren(link);
      }
      if (i === list.columns.length && id && row.actions?.includes('unplan')) {
        cell.replaceChildren(button('Remove', () => post({ type: 'setPlanned', id, planned: false }), { 'data-unplan': id }));
      }
    },
  })), kinds);
  section.append(el('div', { className: 'table-box' }, [t]));
  return section;
}

/** Charts still to draw after the visible ones, one per task so the page answers input meanwhile. */
let laterCharts: ChartCard[] = [];
let laterTimer: ReturnType<typeof setTimeout> | undefined;

function destroyCharts(): void {
  clearTimeout(laterTimer);
  laterCharts = [];
  for (const chart of charts.values()) {
    chart.destroy();
  }
  charts.clear();
}

function canvasOf(card: ChartCard): HTMLCanvasElement | null {
  return app.querySelector(`canvas[data-card-id="${CSS.escape(card.id)}"]`);
}

/** Draws a card's chart; `width`, when the caller measured it already, spares a layout. */
function drawChart(card: ChartCard, width?: number): DrawnChart | undefined {
  const canvas = canvasOf(card);
  if (!canvas || charts.has(card.id)) {
    return charts.get(card.id);
  }
  const chart = createChart(canvas, card.chart, {
    palette,
    reduceMotion: reduceMotion(),
    onPick: card.chart.pickable ? date => post({ type: 'pickDay', date }) : undefined,
    width,
  });
  charts.set(card.id, chart);
  return chart;
}

function setPending(): void {
  document.body.dataset.chartsPending = String(laterCharts.length);
}

/** The charts in view are drawn at once, the rest once those are painted, one per task. */
function drawCharts(): void {
  if (!current) {
    return;
  }
  destroyCharts();
  palette = readPalette();
  drawSparklines();
  // Every measure first, then every chart: reading a size after a chart went in would lay the page out again.
  const withCanvas = current.model.cards.filter(card => canvasOf(card));
  const inView = withCanvas.flatMap(card => {
    const canvas = canvasOf(card)!;
    const box = canvas.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight ? [{ card, width: canvas.parentElement?.clientWidth }] : [];
  });
  inView.forEach(({ card, width }) => drawChart(card, width));
  laterCharts = withCanvas.filter(card => !charts.has(card.id));
  const drawNext = () => {
    const card = laterCharts.shift();
    if (card) {
      drawChart(card);
    }
    setPending();
    laterTimer = laterCharts.length ? setTimeout(drawNext, 0) : undefined;
  };
  setPending();
  if (laterCharts.length) {
    // After the next frame, so the charts in view are painted before the rest start.
    requestAnimationFrame(() => {
      if (laterCharts.length) {
        laterTimer = setTimeout(drawNext, 0);
      }
    });
  }
  chartDraws++;
  document.body.dataset.chartDraws = String(chartDraws);
  document.body.dataset.motion = reduceMotion() ? 'reduce' : 'full';
  document.body.dataset.palette = palette.colors.blue;
}

/** Redraws the charts when the theme's colours changed (VS Code restyles the page on a theme switch). */
function onThemeMaybeChanged(): void {
  const next = readPalette();
  if (paletteKey(next) !== paletteKey(palette)) {
    drawCharts();
  }
}

function exportPng(card: ChartCard): void {
  const chart = drawChart(card);
  if (chart) {
    post({ type: 'save', format: 'png', name: card.id, data: chart.png(palette.background) });
  }
}

function exportCsv(name: string, data: { header: string[]; rows: (string | number | null)[][] }): void {
  post({ type: 'save', format: 'csv', name, data: toCsv(data.header, data.rows) });
}

// ---- Wiring -----------------------------------------------------------------------------------

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object') {
    return;
  }
  if (message.type === 'model' && message.model && typeof message.model === 'object') {
    current = { model: message.model, motion: message.motion };
    state = { ...state, viewState: message.model.viewState };
    saveState();
    render();
  } else if (message.type === 'theme') {
    // The variables may be updated just after the event: look now and once more shortly after.
    onThemeMaybeChanged();
    setTimeout(onThemeMaybeChanged, 150);
  }
});

new MutationObserver(onThemeMaybeChanged).observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
new MutationObserver(onThemeMaybeChanged).observe(document.body, { attributes: true, attributeFilter: ['class'] });
window.matchMedia('(prefers-reduced-motion: reduce)').addEventListener('change', () => drawCharts());

document.addEventListener('securitypolicyviolation', event => {
  violations++;
  document.body.dataset.cspViolations = String(violations);
  post({ type: 'cspViolation', directive: event.violatedDirective, blocked: event.blockedURI || 'inline' });
});

post({ type: 'ready' });
