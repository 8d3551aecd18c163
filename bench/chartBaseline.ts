// Browser script of the chart baseline (bundled by chart.ts): the same 365-day series drawn the way
// Chart.js's own samples do it, with `chart.js/auto` and default options (animated, a point per day).
import Chart from 'chart.js/auto';

export interface BaselineChart {
  labels: string[];
  series: { label: string; values: (number | null)[] }[];
}

declare global {
  interface Window {
    /** Draws the charts; resolves with the ms until every one has finished drawing. */
    drawBaseline(charts: BaselineChart[]): Promise<number>;
  }
}

window.drawBaseline = async charts => {
  const started = performance.now();
  await Promise.all(charts.map(spec => new Promise<void>(resolve => {
    const canvas = document.createElement('canvas');
    document.body.append(canvas);
    new Chart(canvas, {
      type: 'line',
      data: { labels: spec.labels, datasets: spec.series.map(s => ({ label: s.label, data: s.values })) },
      options: { animation: { onComplete: () => resolve() } },
    });
  })));
  return performance.now() - started;
};
