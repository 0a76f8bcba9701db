/**
 * Where the multi-host overview's boxes go for a terminal size: pure, so every
 * size and host count can be checked without a screen.
 */
import type { Rect } from './layout.js';

export interface OverviewLayout {
  cols: number;
  rows: number;
  /** Boxes across one page. */
  columns: number;
  /** Boxes one page holds; more hosts than this are paged. */
  perPage: number;
  /** The slots of a page, left to right then top to bottom (perPage of them). */
  slots: Rect[];
  status: Rect;
}

/** Below this a box cannot show a label, a sparkline and its figure on one line. */
export const BOX_MIN_WIDTH = 34;
/** Border, link line, CPU, memory and the last spike. */
export const BOX_MIN_HEIGHT = 6;
/** Wide enough for a spike line with its culprit; wider terminals get more columns. */
const BOX_IDEAL_WIDTH = 60;
/** Taller boxes would only add older spikes; the space is better left to more hosts. */
const BOX_MAX_HEIGHT = 12;

/**
 * A grid of boxes for `count` hosts: as few columns as give each box about
 * BOX_IDEAL_WIDTH, more when the hosts would not fit in height otherwise, and
 * pages when even the narrowest boxes do not fit them all. The grid spans the
 * whole width; heights are capped so a few hosts on a tall terminal stay compact.
 */
export function overviewLayout(count: number, termCols: number, termRows: number): OverviewLayout {
  const cols = Math.max(BOX_MIN_WIDTH, termCols);
  const rows = Math.max(BOX_MIN_HEIGHT + 1, termRows);
  const avail = rows - 1;
  const n = Math.max(1, count);
  const maxColumns = Math.min(n, Math.max(1, Math.floor(cols / BOX_MIN_WIDTH)));
  let columns = clamp(Math.floor(cols / BOX_IDEAL_WIDTH), 1, maxColumns);
  while (columns < maxColumns && Math.ceil(n / columns) * BOX_MIN_HEIGHT > avail) columns++;
  const gridRows = Math.min(Math.ceil(n / columns), Math.max(1, Math.floor(avail / BOX_MIN_HEIGHT)));
  const capped = Math.floor(avail / gridRows) > BOX_MAX_HEIGHT;
  const slots: Rect[] = [];
  for (let r = 0; r < gridRows; r++) {
    // Uncapped, the rows share the height exactly (the remainder spread over them), as the columns share the width.
    const top = capped ? r * BOX_MAX_HEIGHT : Math.floor((r * avail) / gridRows);
    const height = capped ? BOX_MAX_HEIGHT : Math.floor(((r + 1) * avail) / gridRows) - top;
    for (let c = 0; c < columns; c++) {
      const left = Math.floor((c * cols) / columns);
      slots.push({ left, top, width: Math.floor(((c + 1) * cols) / columns) - left, height });
    }
  }
  return { cols, rows, columns, perPage: columns * gridRows, slots, status: { left: 0, top: rows - 1, width: cols, height: 1 } };
}

/** The page showing host `index`. */
export function pageOf(index: number, perPage: number): number {
  return Math.floor(Math.max(0, index) / Math.max(1, perPage));
}

export function pageCount(count: number, perPage: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, perPage)));
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
