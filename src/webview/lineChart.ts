// Line and area charts over days, drawn with uPlot: a year of daily points draws in about a tenth
// of Chart.js's time (the Secure Score panel's two charts in view: ~20 ms against ~150 ms of main
// thread), which is what lets the panel show its first screen within its 150 ms budget. Bar charts
// stay with Chart.js (src/webview/charts.ts). Hovering shows the day's values in the legend row
// under the chart (uPlot's live legend, which stands in for Chart.js's tooltip); clicking picks the
// nearest day.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartSpec, ValueKind } from './protocol';
import { formatValue, stackedTops, withAlpha, type ChartOptions, type DrawnChart } from './chartTheme';

/** Height of the plot with its axes; the legend row goes under it. */
const PLOT_HEIGHT = 250;

/** The kind a value axis reads in ("signed" differences read as such, the rest as they are). */
const axisKind = (kind: ValueKind): ValueKind => (kind === 'signed' ? 'signed' : kind);

/**
 * Draws `spec` (a line chart without bar series) in place of `canvas`: uPlot's canvas takes over the
 * placeholder's card id, role and label while the chart lives, and gives them back when destroyed.
 */
export function createLineChart(canvas: HTMLCanvasElement, spec: ChartSpec, { palette, onPick, width: measured }: ChartOptions): DrawnChart {
  const c = palette.colors;
  const box = canvas.parentElement!;
  const many = spec.labels.length > 60;
  const highlighted = new Set((spec.highlighted ?? []).map(label => spec.labels.indexOf(label)).filter(i => i >= 0));
  const tops = spec.stacked ? stackedTops(spec) : undefined;
  const x = spec.labels.map((_, i) => i);
  const ys = spec.series.map((series, i) => (tops ? tops[i] : series.values.map(v => (v === undefined ? null : v))));
  const font = `${palette.fontSize}px ${palette.font}`;
  const axis: uPlot.Axis = { stroke: c.foreground, font, grid: { stroke: c.lines, width: 1 }, ticks: { stroke: c.lines, width: 1 } };
  const stepped = spec.stepped ? uPlot.paths.stepped!({ align: 1 }) : undefined;
  // Stacked areas fill between each series and the one under it (uPlot's bands); the lowest, and a
  // lone area, fill down to zero.
  const bands: uPlot.Band[] = [];
  const series: uPlot.Series[] = spec.series.map((s, i) => {
    const color = c[s.color];
    const area = s.style === 'area';
    const onTop = area && !!tops && i > 0 && spec.series[i - 1].style === 'area';
    if (onTop) {
      bands.push({ series: [i + 1, i], fill: withAlpha(color, 0.55) });
    }
    return {
      label: s.label,
      stroke: color,
      width: 2,
      dash: s.style === 'dashed' ? [6, 4] : undefined,
      fill: area && !onTop ? withAlpha(color, tops ? 0.55 : 0.18) : undefined,
      fillTo: 0,
      paths: stepped,
      spanGaps: true,
      points: { show: !many, size: 4, fill: color, stroke: color },
      // The legend reads a stacked area's own value, not its top.
      value: (_u: uPlot, _v: number | null, _s: number, idx: number | null) => (idx === null ? '–' : formatValue(s.values[idx], spec.valueKind)),
    };
  });
  const width = () => Math.max(200, Math.floor(box.clientWidth));
  const u = new uPlot({
    width: measured ? Math.max(200, Math.floor(measured)) : width(),
    height: PLOT_HEIGHT,
    // Days are positions 0..n-1; their labels come from spec.labels. No time scale, so uPlot's
    // date templates (compiled at every chart's creation otherwise) are not needed.
    fmtDate: () => () => '',
    scales: {
      x: { time: false },
      y: {
        range: (_u, lo, hi) => {
          const [min, max] = uPlot.rangeNum(lo ?? 0, hi ?? 1, 0.1, true);
          return [spec.min ?? min, spec.max ?? max];
        },
      },
    },
    axes: [
      {
        ...axis, grid: { show: false }, space: 90,
        incrs: [1, 2, 3, 5, 7, 14, 30, 61, 91, 182, 365, 730],
        values: (_u, splits) => splits.map(i => (Number.isInteger(i) ? spec.labels[i] ?? '' : '')),
      },
      { ...axis, size: 56, values: (_u, splits) => splits.map(v => formatValue(v, axisKind(spec.valueKind))) },
    ],
    series: [{ label: spec.labelHeader, value: (_u, _v, _s, idx) => (idx === null ? '–' : spec.labels[idx] ?? '') }, ...series],
    bands,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 8 } },
    hooks: highlighted.size ? {
      // The two days being compared: a ring on each series' point.
      draw: [self => {
        const ctx = self.ctx;
        ctx.save();
        for (const i of highlighted) {
          for (let si = 1; si < self.series.length; si++) {
            const y = ys[si - 1][i];
            if (y === null || y === undefined) {
              continue;
            }
            const cx = self.valToPos(i, 'x', true);
            const cy = self.valToPos(y, 'y', true);
            ctx.beginPath();
            ctx.arc(cx, cy, 6 * uPlot.pxRatio, 0, 2 * Math.PI);
            ctx.fillStyle = c.yellow;
            ctx.strokeStyle = c.foreground;
            ctx.lineWidth = 2 * uPlot.pxRatio;
            ctx.fill();
            ctx.stroke();
          }
        }
        ctx.restore();
      }],
    } : undefined,
  }, [x, ...ys] as uPlot.AlignedData, box);

  // The placeholder's identity moves to the drawn canvas (tests, screen readers and exports find it there).
  const drawn = u.ctx.canvas;
  for (const name of ['data-card-id', 'role', 'aria-label']) {
    const value = canvas.getAttribute(name);
    if (value !== null) {
      drawn.setAttribute(name, value);
      canvas.removeAttribute(name);
    }
  }
  canvas.hidden = true;
  box.classList.add('drawn-line');

  const onClick = () => {
    const idx = u.cursor.idx;
    if (onPick && idx !== null && idx !== undefined && spec.labels[idx]) {
      onPick(spec.labels[idx]);
    }
  };
  if (onPick) {
    u.over.addEventListener('click', onClick);
    u.over.style.cursor = 'pointer';
  }
  let frame = 0;
  const resize = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      if (width() !== u.width) {
        u.setSize({ width: width(), height: PLOT_HEIGHT });
      }
    });
  });
  resize.observe(box);

  return {
    canvas: drawn,
    destroy() {
      resize.disconnect();
      cancelAnimationFrame(frame);
      for (const name of ['data-card-id', 'role', 'aria-label']) {
        const value = drawn.getAttribute(name);
        if (value !== null) {
          canvas.setAttribute(name, value);
        }
      }
      u.destroy();
      canvas.hidden = false;
      box.classList.remove('drawn-line');
    },
    png: background => linePng(u, spec, palette, background),
  };
}

/** The chart with its legend (colour and label of each series) under it, on the theme's background. */
function linePng(u: uPlot, spec: ChartSpec, palette: ChartOptions['palette'], background: string): string {
  const source = u.ctx.canvas;
  const ratio = uPlot.pxRatio;
  const line = Math.ceil((palette.fontSize + 10) * ratio);
  const out = document.createElement('canvas');
  out.width = source.width;
  out.height = source.height + line;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(source, 0, 0);
  ctx.font = `${palette.fontSize * ratio}px ${palette.font}`;
  ctx.textBaseline = 'middle';
  const y = source.height + line / 2;
  const box = palette.fontSize * ratio;
  let xPos = 10 * ratio;
  for (const s of spec.series) {
    ctx.fillStyle = palette.colors[s.color];
    ctx.fillRect(xPos, y - box / 2, box, box);
    xPos += box + 6 * ratio;
    ctx.fillStyle = palette.colors.foreground;
    ctx.fillText(s.label, xPos, y);
    xPos += ctx.measureText(s.label).width + 16 * ratio;
  }
  return out.toDataURL('image/png');
}
