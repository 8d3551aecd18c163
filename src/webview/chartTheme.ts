// What the panels' two chart drawers share: the theme's palette, how numbers read, and what a
// drawn chart offers the page (src/webview/charts.ts draws bars with Chart.js, lineChart.ts lines
// and areas with uPlot).
import type { ChartColor, ChartSpec, ValueKind } from './protocol';
import { round2 } from '../model/numbers';

export interface Palette {
  colors: Record<ChartColor, string>;
  background: string;
  font: string;
  fontSize: number;
}

const FALLBACK: Record<ChartColor, string> = {
  blue: '#3794ff', red: '#f14c4c', green: '#89d185', yellow: '#cca700', orange: '#d18616', purple: '#b180d7', foreground: '#cccccc', lines: '#80808059',
};

/** Reads the theme's chart colours from the CSS variables VS Code sets on the page. */
export function readPalette(): Palette {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string) => style.getPropertyValue(name).trim();
  const colors = {} as Record<ChartColor, string>;
  for (const key of Object.keys(FALLBACK) as ChartColor[]) {
    colors[key] = read(`--vscode-charts-${key}`) || FALLBACK[key];
  }
  return {
    colors,
    background: read('--vscode-editor-background') || read('--vscode-sideBar-background') || '#1e1e1e',
    font: read('--vscode-font-family') || 'system-ui, sans-serif',
    fontSize: Number.parseFloat(read('--vscode-font-size')) || 13,
  };
}

export const paletteKey = (p: Palette) => JSON.stringify(p);

/** A colour with an alpha channel, whatever notation the theme used. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color.trim());
  if (hex) {
    let h = hex[1];
    if (h.length === 3 || h.length === 4) {
      h = h.slice(0, 3).split('').map(c => c + c).join('');
    }
    const n = Number.parseInt(h.slice(0, 6), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^)]+)\)$/i.exec(color.trim());
  if (rgb) {
    const [r, g, b] = rgb[1].split(/[ ,/]+/);
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return color;
}


/** How a number reads on an axis, in a tooltip and in the table. */
export function formatValue(value: string | number | null | undefined, kind: ValueKind): string {
  if (value === null || value === undefined || value === '') {
    return '–';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (!Number.isFinite(value)) {
    return '–';
  }
  switch (kind) {
    case 'percent': return `${round2(value)}%`;
    case 'signed': {
      const r = round2(value);
      return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${Math.abs(r)}`;
    }
    case 'count': return String(Math.round(value));
    default: return String(round2(value));
  }
}

export interface ChartOptions {
  palette: Palette;
  reduceMotion: boolean;
  onPick?: (label: string) => void;
  /** The width of the canvas's box when the page measured it already (CSS px). */
  width?: number;
}

/** A chart on the page: its canvas (the image a PNG export starts from), removal, and its PNG. */
export interface DrawnChart {
  readonly canvas: HTMLCanvasElement;
  destroy(): void;
  /** The chart on the theme's background, as a PNG data URL (a transparent PNG is unreadable elsewhere). */
  png(background: string): string;
}

/** Each series' top per label when the series are stacked in order, per stack (a missing value stays a gap). */
export function stackedTops(spec: ChartSpec): (number | null)[][] {
  const sums = new Map<string, number[]>();
  return spec.series.map(series => {
    const key = series.stack ?? '';
    const below = sums.get(key) ?? spec.labels.map(() => 0);
    const tops = series.values.map((value, i) => (value === null || value === undefined ? null : below[i] + value));
    sums.set(key, below.map((sum, i) => sum + (series.values[i] ?? 0)));
    return tops;
  });
}
