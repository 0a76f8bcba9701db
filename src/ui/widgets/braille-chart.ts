/**
 * A line chart drawn in braille dots (2x4 per cell): a pure rasterizer and a
 * blessed box around it with y labels, a time row under the plot and a legend
 * beside it, never over the data. Replaces blessed-contrib's line chart, which
 * drew no flat 100 % line and put its legend box over the plot (ARCHITECTURE.md).
 */
import * as blessed from './blessed-parts.js';
import type { Widgets } from 'blessed';
import { fit } from '../view-model.js';
import { seriesColor, type Theme } from '../theme.js';

export interface ChartSeries {
  title: string;
  /** Time labels, one per value; the first and last are shown under the plot. */
  x: readonly string[];
  y: readonly number[];
}

/** One cell of a rasterized plot: a braille character (or a space) and the series that drew in it last (-1: none). */
export interface ChartCell {
  ch: string;
  series: number;
}

const BRAILLE_BASE = 0x2800;
/** The dot bit for pixel (dx, dy) inside a cell: columns 0–1, rows 0–3 top down. */
const DOT = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
] as const;

/** The pixel row of `v` on a plot `pixelRows` high: maxY is the top row, minY the bottom one, beyond them clamped. */
export function pixelRow(v: number, minY: number, maxY: number, pixelRows: number): number {
  const span = maxY - minY;
  const t = span > 0 ? (v - minY) / span : 0;
  return pixelRows - 1 - Math.round(Math.min(1, Math.max(0, t)) * (pixelRows - 1));
}

/** The pixel column of value `i` of `n`: one value per pixel column, the newest at the right edge. */
export function pixelColumn(i: number, n: number, pixelCols: number): number {
  return pixelCols - Math.min(n, pixelCols) + i - Math.max(0, n - pixelCols);
}

/**
 * Rasterizes series into width x height cells. Each value is one pixel column
 * (the last `2 * width` values show); consecutive values are joined by a
 * vertical run, so a jump draws as a line, not two dots. Non-finite values are gaps.
 */
export function rasterize(series: readonly { y: readonly number[] }[], width: number, height: number, minY: number, maxY: number): ChartCell[][] {
  const w = Math.max(0, width);
  const h = Math.max(0, height);
  const bits = Array.from({ length: h }, () => new Uint8Array(w));
  const owner = Array.from({ length: h }, () => new Int16Array(w).fill(-1));
  const pxCols = w * 2;
  const pxRows = h * 4;
  const dot = (px: number, py: number, s: number): void => {
    if (px < 0 || px >= pxCols || py < 0 || py >= pxRows) return;
    const cx = px >> 1;
    const cy = py >> 2;
    const row = bits[cy] as Uint8Array;
    row[cx] = (row[cx] as number) | ((DOT[px & 1] as readonly number[])[py & 3] as number);
    (owner[cy] as Int16Array)[cx] = s;
  };
  series.forEach((s, si) => {
    const n = s.y.length;
    let prev: number | null = null;
    for (let i = Math.max(0, n - pxCols); i < n; i++) {
      const v = s.y[i] as number;
      if (!Number.isFinite(v)) {
        prev = null;
        continue;
      }
      const px = pixelColumn(i, n, pxCols);
      const py = pixelRow(v, minY, maxY, pxRows);
      const from = prev ?? py;
      for (let y = Math.min(from, py); y <= Math.max(from, py); y++) dot(px, y, si);
      prev = py;
    }
  });
  return bits.map((row, cy) => Array.from(row, (b, cx) => ({ ch: b ? String.fromCharCode(BRAILLE_BASE + b) : ' ', series: b ? ((owner[cy] as Int16Array)[cx] as number) : -1 })));
}

/** A y-axis top for data without a fixed scale: the maximum rounded up to 1, 2 or 5 × 10ⁿ. */
export function niceMax(series: readonly { y: readonly number[] }[]): number {
  let max = 0;
  for (const s of series) for (const v of s.y) if (Number.isFinite(v) && v > max) max = v;
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * step).find((v) => v >= max - 1e-9) ?? max;
}

function axisLabel(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** Legend column width beside the plot, when one is shown. */
const LEGEND_WIDTH = 14;
/** The plot keeps at least this many columns; a legend that would squeeze it further is left out. */
const MIN_PLOT_WIDTH = 16;

export interface ChartGeometry {
  /** Columns of y labels left of the plot. */
  labelWidth: number;
  plotWidth: number;
  /** Rows of plot; the row under them holds the times and the cursor mark. */
  plotHeight: number;
  legendWidth: number;
}

/** Where the labels, the plot and the legend go in a width x height box. */
export function chartGeometry(width: number, height: number, maxY: number, legend: boolean): ChartGeometry {
  const labelWidth = Math.max(axisLabel(maxY).length, 1) + 1;
  const legendWidth = legend && width - labelWidth - LEGEND_WIDTH >= MIN_PLOT_WIDTH ? LEGEND_WIDTH : 0;
  const plotHeight = height >= 3 ? height - 1 : Math.max(0, height);
  return { labelWidth, plotWidth: Math.max(0, width - labelWidth - legendWidth), plotHeight, legendWidth };
}

export interface ChartData {
  series: readonly ChartSeries[];
  /** Top of the y axis; without it, the data's maximum rounded up (niceMax). */
  maxY?: number;
  legend: boolean;
  /** Index (into the series' values) of the time cursor, marked ▲ under the plot; null for none. */
  cursorOffset: number | null;
}

/**
 * The chart's text lines (blessed tags for the theme's series colours): y labels, the
 * plot, the legend beside it and the time row. Pure, so the drawing can be
 * checked without a screen.
 */
export function chartLines(d: ChartData, width: number, height: number, theme: Theme): string[] {
  const maxY = d.maxY ?? niceMax(d.series);
  const g = chartGeometry(width, height, maxY, d.legend);
  const cells = rasterize(d.series, g.plotWidth, g.plotHeight, 0, maxY);
  const paint = (text: string, series: number): string => {
    const color = series >= 0 ? seriesColor(theme, series) : undefined;
    return color ? `{${color}-fg}${text}{/${color}-fg}` : text;
  };
  const labels = new Map<number, string>([
    [0, axisLabel(maxY)],
    [g.plotHeight - 1, '0'],
  ]);
  if (g.plotHeight >= 5) labels.set(Math.floor((g.plotHeight - 1) / 2), axisLabel(maxY / 2));
  const lines = cells.map((row, r) => {
    let out = (labels.get(r) ?? '').padStart(g.labelWidth - 1) + ' ';
    let run = '';
    let runSeries = -1;
    for (const c of row) {
      if (c.series !== runSeries) {
        out += paint(run, runSeries);
        run = '';
        runSeries = c.series;
      }
      run += c.ch;
    }
    out += paint(run, runSeries);
    if (g.legendWidth > 0) out += legendEntry(d.series, r, g.plotHeight, g.legendWidth, paint);
    return out;
  });
  if (g.plotHeight < height) lines.push(timeRow(d, g));
  return lines;
}

/** Legend row `r`: the series' color and title; the last row counts those left out. */
function legendEntry(series: readonly ChartSeries[], r: number, rows: number, width: number, paint: (text: string, series: number) => string): string {
  const more = series.length > rows && r === rows - 1 ? series.length - r : 0;
  const s = series[r];
  if (!s) return ' '.repeat(width);
  if (more > 0) return ` +${more} more`.padEnd(width);
  return ` ${paint('■', r)} ${blessed.escape(fit(s.title, width - 3).padEnd(width - 3))}`;
}

/** First and last time under the plot, and ▲ under the cursor's column. */
function timeRow(d: ChartData, g: ChartGeometry): string {
  const xs = d.series[0]?.x ?? [];
  const n = d.series[0]?.y.length ?? 0;
  const row = Array.from({ length: g.plotWidth }, () => ' ');
  const put = (text: string, at: number): void => {
    for (let i = 0; i < text.length; i++) if (at + i >= 0 && at + i < row.length) row[at + i] = text[i] as string;
  };
  const oldest = Math.max(0, n - g.plotWidth * 2);
  const first = xs[oldest] ?? '';
  const last = xs[n - 1] ?? '';
  const marked = d.cursorOffset !== null && n > 0 ? Math.floor(pixelColumn(d.cursorOffset, n, g.plotWidth * 2) / 2) : -1;
  // A label the mark would cut steps aside: after the mark where it fits, else before it.
  const aside = (text: string, at: number): number => {
    if (marked < at || marked >= at + text.length) return at;
    return marked + 1 + text.length <= g.plotWidth ? marked + 1 : marked - text.length;
  };
  const lastAt = aside(last, g.plotWidth - last.length);
  if (n > 0 && last.length <= g.plotWidth && lastAt >= 0) put(last, lastAt);
  // The oldest time too, where it does not run into the newest.
  const firstAt = aside(first, Math.floor(pixelColumn(oldest, n, g.plotWidth * 2) / 2));
  if (n > 1 && firstAt >= 0 && firstAt + first.length + 2 <= lastAt) put(first, firstAt);
  if (marked >= 0 && marked < row.length) row[marked] = '▲';
  return ' '.repeat(g.labelWidth) + row.join('');
}

/** A braille chart in a blessed box; redraws only when its text changes. */
export class BrailleChart {
  readonly box: Widgets.BoxElement;
  private last = '';

  constructor(
    screen: Widgets.Screen,
    rect: { top: number; left: number; width: number; height: number },
    private readonly theme: Theme,
  ) {
    this.box = blessed.box({ screen, ...rect, tags: true, wrap: false });
  }

  get width(): number {
    return this.box.width as number;
  }

  get height(): number {
    return this.box.height as number;
  }

  /** How many values fit across the plot (one per pixel column). */
  capacity(legend: boolean, maxY = 100): number {
    return Math.max(2, chartGeometry(this.width, this.height, maxY, legend).plotWidth * 2);
  }

  setData(d: ChartData): void {
    const content = chartLines(d, this.width, this.height, this.theme).join('\n');
    if (content === this.last) return;
    this.last = content;
    this.box.setContent(content);
  }
}
