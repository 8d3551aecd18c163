// The portfolio heatmap's drawing on canvas: each row's 30-day sparkline, and the whole heatmap
// as a PNG (Export PNG). Plain 2D canvas: 1,000 sparklines are cheap where 1,000 charts are not.
// Names are drawn with fillText: text, never markup. Colours come from the theme's palette.
import type { Heatmap } from './protocol';
import { withAlpha, type Palette } from './charts';

/** The heat class of a percent: five steps from red (0–19) to green (80–100), or unknown. */
export function heatLevel(percent: number | null): string {
  return percent === null ? 'unknown' : String(Math.min(4, Math.max(0, Math.floor(percent / 20))));
}

const LEVEL_COLORS = ['red', 'orange', 'yellow', 'green', 'green'] as const;
const LEVEL_ALPHA = [0.45, 0.45, 0.4, 0.3, 0.55];

function heatFill(percent: number | null, palette: Palette): string {
  if (percent === null) {
    return withAlpha(palette.colors.lines, 0.25);
  }
  const level = Number(heatLevel(percent));
  return withAlpha(palette.colors[LEVEL_COLORS[level]], LEVEL_ALPHA[level]);
}

/** One trend line into a box of the context; the last point marked. */
function sparkline(ctx: CanvasRenderingContext2D, values: number[], x: number, y: number, width: number, height: number, palette: Palette): void {
  if (values.length === 0) {
    return;
  }
  const low = Math.min(...values);
  const high = Math.max(...values);
  // A flat line sits in the middle; a change of a few points still shows as a slope.
  const span = Math.max(high - low, 1);
  const px = (i: number) => x + 2 + (values.length === 1 ? (width - 4) / 2 : (i / (values.length - 1)) * (width - 4));
  const py = (v: number) => y + height - 2 - ((v - low) / span) * (height - 4) - (high === low ? (height - 4) / 2 : 0);
  const last = values[values.length - 1];
  const color = last < values[0] ? palette.colors.red : palette.colors.blue;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  values.forEach((v, i) => (i === 0 ? ctx.moveTo(px(i), py(v)) : ctx.lineTo(px(i), py(v))));
  ctx.stroke();
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.arc(px(values.length - 1), py(last), 2.5, 0, Math.PI * 2);
  ctx.fill();
}

/** Draws a row's sparkline on its own canvas, sized for the device's pixels. */
export function drawSparkline(canvas: HTMLCanvasElement, values: number[], palette: Palette): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 96;
  const height = canvas.clientHeight || 24;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) {
    return;
  }
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  sparkline(ctx, values, 0, 0, width, height, palette);
}

function clip(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) {
    return text;
  }
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > width) {
    cut = cut.slice(0, -1);
  }
  return `${cut}…`;
}

/** The heatmap as a PNG data URL, on the theme's background. */
export function heatmapPng(heatmap: Heatmap, palette: Palette, formatChange: (n: number | null) => string): string {
  const ratio = 2;
  const rowHeight = 26;
  const nameWidth = 220;
  const cellWidth = 92;
  const columns = ['Score', ...heatmap.categories, '30 days', 'Trend'];
  const width = nameWidth + columns.length * cellWidth + 16;
  const height = 48 + (heatmap.rows.length + 1) * rowHeight + 8;
  const canvas = document.createElement('canvas');
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(ratio, ratio);
  ctx.fillStyle = palette.background;
  ctx.fillRect(0, 0, width, height);
  ctx.textBaseline = 'middle';
  ctx.fillStyle = palette.colors.foreground;
  ctx.font = `600 ${palette.fontSize + 2}px ${palette.font}`;
  ctx.fillText(clip(ctx, heatmap.title, width - 16), 8, 20);
  ctx.font = `${palette.fontSize}px ${palette.font}`;
  const top = 48;
  columns.forEach((label, i) => {
    ctx.fillStyle = palette.colors.foreground;
    ctx.fillText(clip(ctx, label, cellWidth - 8), nameWidth + i * cellWidth + 6, top + rowHeight / 2);
  });
  heatmap.rows.forEach((row, r) => {
    const y = top + (r + 1) * rowHeight;
    ctx.fillStyle = palette.colors.foreground;
    ctx.fillText(clip(ctx, row.name, nameWidth - 12), 8, y + rowHeight / 2);
    const cells: { text: string; percent: number | null; heat: boolean }[] = [
      { text: `${Math.round(row.score)}%`, percent: row.score, heat: true },
      ...row.cells.map(c => ({ text: c.text, percent: c.percent, heat: true })),
      { text: formatChange(row.change30), percent: null, heat: false },
    ];
    cells.forEach((cell, i) => {
      const x = nameWidth + i * cellWidth;
      if (cell.heat) {
        ctx.fillStyle = heatFill(cell.percent, palette);
        ctx.fillRect(x + 1, y + 1, cellWidth - 2, rowHeight - 2);
      }
      ctx.fillStyle = palette.colors.foreground;
      ctx.fillText(clip(ctx, cell.text, cellWidth - 10), x + 6, y + rowHeight / 2);
    });
    sparkline(ctx, row.trend, nameWidth + cells.length * cellWidth + 4, y + 3, cellWidth - 8, rowHeight - 6, palette);
  });
  return canvas.toDataURL('image/png');
}
