// The chart baseline's drawing, bundled by chart.ts into the panel page in place of
// src/webview/charts.ts's createChart: the same page, model, tables, canvas boxes and motion
// setting, with every chart drawn the way Chart.js's own samples draw one (`chart.js/auto`, default
// options: a point on every value, every category label measured for ticks). It keeps only what
// the chart shows (its kind, stacking, direction) and what the motion setting asks for, so the
// two pages differ only in how the charts are drawn: ours draws lines over days with uPlot and
// bars with a tuned Chart.js configuration.
import Chart from 'chart.js/auto';
import type { ChartOptions as OurOptions, DrawnChart } from '../src/webview/charts';
import type { ChartSpec } from '../src/webview/protocol';

export * from '../src/webview/charts';

export function createChart(canvas: HTMLCanvasElement, spec: ChartSpec, options: OurOptions): DrawnChart {
  const horizontal = spec.type === 'horizontalBar';
  const stacked = spec.stacked ? { x: { stacked: true }, y: { stacked: true } } : undefined;
  const chart = new Chart(canvas, {
    type: spec.type === 'line' ? 'line' : 'bar',
    data: {
      labels: spec.labels,
      datasets: spec.series.map(s => ({ type: spec.type === 'line' && s.style !== 'bar' ? 'line' as const : 'bar' as const, label: s.label, data: s.values })),
    },
    options: {
      animation: options.reduceMotion ? false : undefined,
      // The page sizes each canvas's box; Chart.js's default 2:1 ratio would draw another size.
      maintainAspectRatio: false,
      indexAxis: horizontal ? 'y' : 'x',
      scales: stacked,
    },
  });
  return { canvas, destroy: () => chart.destroy(), png: () => chart.toBase64Image() };
}
