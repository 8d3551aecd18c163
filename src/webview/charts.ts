// The panels' charts: bars (and lines mixed with bars) with Chart.js, with only the parts they use
// registered (tree-shaken by esbuild); lines and areas over days go to uPlot (./lineChart.ts).
// Colours come from VS Code's theme variables (--vscode-charts-*), read again on every theme change.
import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type ActiveElement, type ChartConfiguration, type ChartDataset, type ChartEvent, type TooltipItem,
} from 'chart.js';
import type { ChartSpec } from './protocol';
import { formatValue, stackedTops, withAlpha, type ChartOptions, type DrawnChart } from './chartTheme';
import { createLineChart } from './lineChart';

export * from './chartTheme';

Chart.register(LineController, BarController, LineElement, PointElement, BarElement, CategoryScale, LinearScale, Filler, Legend, Tooltip);

/** Builds the Chart.js configuration of a spec. */
export function chartConfig(spec: ChartSpec, { palette, reduceMotion, onPick }: ChartOptions): ChartConfiguration {
  const c = palette.colors;
  const many = spec.labels.length > 60;
  const highlighted = new Set(spec.highlighted ?? []);
  const horizontal = spec.type === 'horizontalBar';
  // Stacked areas are summed here: Chart.js's own stacking looks up every dataset again for each
  // point, which made a year of five stacked categories the slowest chart of the panel.
  const tops = spec.type === 'line' && spec.stacked && spec.series.every(s => s.style !== 'bar') ? stackedTops(spec) : undefined;
  // Mixed line and bar datasets: Chart.js's types cannot say that, so they are typed per kind.
  const datasets = spec.series.map((series, index): ChartDataset<'line'> | ChartDataset<'bar'> => {
    const color = c[series.color];
    if (spec.type === 'line' && series.style !== 'bar') {
      // Per-point arrays make Chart.js resolve options for every point; plain values are shared
      // by all points, which is what makes a year of days quick to draw.
      const perPoint = highlighted.size > 0;
      const radius = perPoint ? spec.labels.map(label => (highlighted.has(label) ? 6 : many ? 0 : 2)) : many ? 0 : 2;
      return {
        type: 'line',
        label: series.label,
        // Already in Chart.js's own form ({x: index, y}), so it skips parsing a year of points;
        // a stacked area's y is its top, `value` its own number (for the tooltip).
        data: series.values.map((value, x) => ({ x, y: tops ? tops[index][x] : value, value })),
        parsing: false,
        borderColor: color,
        backgroundColor: series.style === 'area' ? withAlpha(color, spec.stacked ? 0.55 : 0.18) : withAlpha(color, 0.5),
        borderWidth: 2,
        borderDash: series.style === 'dashed' ? [6, 4] : undefined,
        fill: series.style === 'area' ? (spec.stacked && index > 0 ? '-1' : 'origin') : false,
        pointRadius: radius,
        pointHoverRadius: 6,
        pointHitRadius: onPick ? 8 : 4,
        pointBackgroundColor: perPoint ? spec.labels.map(label => (highlighted.has(label) ? c.yellow : color)) : color,
        pointBorderColor: perPoint ? spec.labels.map(label => (highlighted.has(label) ? c.foreground : color)) : color,
        spanGaps: true,
        tension: 0,
        stepped: spec.stepped ? 'after' : false,
        // Summed above: a stack named to Chart.js would make it build its own stacks, point by point.
        stack: tops ? undefined : series.stack,
      } satisfies ChartDataset<'line'>;
    }
    return {
      type: 'bar',
      label: series.label,
      data: series.values,
      backgroundColor: series.colors ? series.colors.map(name => c[name]) : color,
      borderColor: series.colors ? series.colors.map(name => c[name]) : color,
      borderWidth: 1,
      stack: series.stack,
      maxBarThickness: 48,
    } satisfies ChartDataset<'bar'>;
  });
  const valueTicks = {
    color: c.foreground,
    precision: spec.valueKind === 'count' ? 0 : undefined,
    callback: (value: number | string) => formatValue(typeof value === 'number' ? value : Number(value), spec.valueKind === 'signed' ? 'signed' : spec.valueKind),
  };
  // Labels of one axis are alike (days, names): measuring a sample of them sizes the axis, not all 365.
  const categoryTicks = { color: c.foreground, autoSkip: true, maxTicksLimit: horizontal ? undefined : 10, maxRotation: 0, sampleSize: 12 };
  const grid = { color: c.lines };
  const stacked = spec.stacked && !tops;
  const valueScale = { type: 'linear' as const, min: spec.min, max: spec.max, stacked, ticks: valueTicks, grid, border: { color: c.lines } };
  const categoryScale = { type: 'category' as const, stacked, ticks: categoryTicks, grid: { display: false }, border: { color: c.lines } };
  return {
    type: spec.type === 'line' ? 'line' : 'bar',
    data: { labels: spec.labels, datasets },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : { duration: 350 },
      // Labels are distinct and in order (days, categories): Chart.js may skip sorting and checks.
      normalized: true,
      interaction: { mode: 'index', intersect: false },
      color: c.foreground,
      font: { family: palette.font, size: palette.fontSize },
      scales: horizontal ? { x: valueScale, y: categoryScale } : { x: categoryScale, y: valueScale },
      plugins: {
        legend: { display: spec.series.length > 1, labels: { color: c.foreground, boxWidth: 14 } },
        tooltip: {
          animation: reduceMotion ? false : undefined,
          callbacks: { label: (item: TooltipItem<'line' | 'bar'>) => `${item.dataset.label}: ${formatValue(ownValue(item) ?? (horizontal ? item.parsed.x : item.parsed.y), spec.valueKind)}` },
        },
      },
      onClick: onPick ? (_event: ChartEvent, elements: ActiveElement[]) => {
        const index = elements[0]?.index;
        if (index !== undefined && spec.labels[index]) {
          onPick(spec.labels[index]);
        }
      } : undefined,
    },
  } as unknown as ChartConfiguration;
}

/** The number a point stands for (a stacked area's own value, not its top). */
function ownValue(item: TooltipItem<'line' | 'bar'>): number | undefined {
  const raw = item.raw as { value?: unknown } | undefined;
  return raw && typeof raw === 'object' && typeof raw.value === 'number' ? raw.value : undefined;
}

/**
 * Draws a chart spec on `canvas`: lines and areas over days with uPlot (src/webview/lineChart.ts),
 * bars, and lines mixed with bars, with Chart.js.
 */
export function createChart(canvas: HTMLCanvasElement, spec: ChartSpec, options: ChartOptions): DrawnChart {
  if (spec.type === 'line' && spec.series.every(s => s.style !== 'bar')) {
    return createLineChart(canvas, spec, options);
  }
  Chart.defaults.font.family = options.palette.font;
  Chart.defaults.font.size = options.palette.fontSize;
  Chart.defaults.color = options.palette.colors.foreground;
  const chart = new Chart(canvas, chartConfig(spec, options));
  return { canvas, destroy: () => chart.destroy(), png: background => chartPng(chart, background) };
}

/** The chart on the theme's background, as a PNG data URL (a transparent PNG is unreadable elsewhere). */
function chartPng(chart: Chart, background: string): string {
  const source = chart.canvas;
  const out = document.createElement('canvas');
  out.width = source.width;
  out.height = source.height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(source, 0, 0);
  return out.toDataURL('image/png');
}
