/**
 * Where each panel goes for a terminal size, computed from the panels' size
 * hints: pure, so every size and every set of panels can be checked without a screen.
 */

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * How a panel wants to be placed. Three regions: `top`, a band across the
 * screen (graphs); `main`, the large panel under it (the process table); `side`,
 * a column beside `main` when the terminal is wide enough for both minimum
 * widths, else a row under it. Panels of a region share it by `weight`.
 */
export interface SizeHints {
  region: 'top' | 'main' | 'side';
  weight: number;
  /** Smallest size, border included, at which the panel still reads. */
  minWidth: number;
  minHeight: number;
  /** Beyond this height more rows add nothing (the top band stops growing). */
  maxHeight?: number;
}

/** What the layout needs to know about a panel. */
export interface LaidOutPanel {
  readonly id: string;
  readonly hints: SizeHints;
}

export interface Layout {
  cols: number;
  rows: number;
  /** Each shown panel's place, by panel id. */
  rects: Readonly<Record<string, Rect>>;
  status: Rect;
}

/** Below this the panels no longer fit their borders and titles; smaller terminals are clipped. */
export const MIN_COLS = 60;
export const MIN_ROWS = 16;

/** Share of the rows the top band takes (within its panels' min and max heights). */
const TOP_SHARE = 0.3;
/** Share of the width `main` takes with the side column beside it, and of the height with the side row under it. */
const MAIN_SHARE_BESIDE = 0.55;
const MAIN_SHARE_ABOVE = 0.6;

/**
 * Tiles the screen with `panels` (in the order given within each region) and
 * the status line: inside the screen, no overlaps, every cell used.
 */
export function computeLayout(termCols: number, termRows: number, panels: readonly LaidOutPanel[]): Layout {
  const cols = Math.max(MIN_COLS, termCols);
  const rows = Math.max(MIN_ROWS, termRows);
  const rects: Record<string, Rect> = {};
  const region = (r: SizeHints['region']): LaidOutPanel[] => panels.filter((p) => p.hints.region === r);
  const top = region('top');
  const main = region('main');
  const side = region('side');
  const avail = rows - 1;

  let topH = 0;
  if (top.length > 0) {
    const lo = Math.max(...top.map((p) => p.hints.minHeight));
    const hi = Math.min(...top.map((p) => p.hints.maxHeight ?? Infinity));
    topH = Math.min(avail, clamp(Math.round(rows * TOP_SHARE), lo, Math.max(lo, hi)));
    // Alone (no main or side panel), the band takes the whole screen.
    if (main.length + side.length === 0) topH = avail;
    row(top, { left: 0, top: 0, width: cols, height: topH }, rects);
  }

  const bottom: Rect = { left: 0, top: topH, width: cols, height: avail - topH };
  if (main.length === 0 || side.length === 0) {
    stack([...main, ...side], bottom, rects);
  } else if (cols >= maxOf(main, 'minWidth') + maxOf(side, 'minWidth')) {
    const mainW = clamp(Math.round(cols * MAIN_SHARE_BESIDE), maxOf(main, 'minWidth'), cols - maxOf(side, 'minWidth'));
    stack(main, { ...bottom, width: mainW }, rects);
    stack(side, { ...bottom, left: mainW, width: cols - mainW }, rects);
  } else {
    const mainH = Math.min(bottom.height, Math.max(maxOf(main, 'minHeight'), Math.round(bottom.height * MAIN_SHARE_ABOVE)));
    stack(main, { ...bottom, height: mainH }, rects);
    row(side, { ...bottom, top: bottom.top + mainH, height: bottom.height - mainH }, rects);
  }
  return { cols, rows, rects, status: { left: 0, top: avail, width: cols, height: 1 } };
}

/** Panels side by side across `area`, widths by weight. */
function row(panels: readonly LaidOutPanel[], area: Rect, out: Record<string, Rect>): void {
  let left = area.left;
  share(area.width, panels.map((p) => ({ weight: p.hints.weight, min: p.hints.minWidth }))).forEach((width, i) => {
    out[(panels[i] as LaidOutPanel).id] = { left, top: area.top, width, height: area.height };
    left += width;
  });
}

/** Panels one above the other down `area`, heights by weight. */
function stack(panels: readonly LaidOutPanel[], area: Rect, out: Record<string, Rect>): void {
  let top = area.top;
  share(area.height, panels.map((p) => ({ weight: p.hints.weight, min: p.hints.minHeight }))).forEach((height, i) => {
    out[(panels[i] as LaidOutPanel).id] = { left: area.left, top, width: area.width, height };
    top += height;
  });
}

/**
 * `total` cells split by weight, each part at least its minimum when all the
 * minimums fit (a part below it is fixed at it and the rest re-shared), plain
 * shares by weight when they do not; whole cells that add up to `total` exactly.
 */
export function share(total: number, items: readonly { weight: number; min: number }[]): number[] {
  const weight = (i: number): number => Math.max(0, (items[i] as { weight: number }).weight);
  const min = (i: number): number => (items[i] as { min: number }).min;
  const fixed = new Map<number, number>();
  const fixedSum = (): number => [...fixed.values()].reduce((a, b) => a + b, 0);
  const freeOnes = (): number[] => items.map((_, i) => i).filter((i) => !fixed.has(i));
  /** The free parts' shares of what the fixed ones leave (equal shares when no weights). */
  const shares = (): Map<number, number> => {
    const free = freeOnes();
    const left = total - fixedSum();
    const sum = free.reduce((a, i) => a + weight(i), 0);
    return new Map(free.map((i) => [i, sum > 0 ? (left * weight(i)) / sum : left / free.length]));
  };
  if (items.reduce((a, _, i) => a + min(i), 0) <= total) {
    for (;;) {
      const under = [...shares()].filter(([i, v]) => v < min(i));
      if (under.length === 0) break;
      for (const [i] of under) fixed.set(i, min(i));
    }
  }
  const free = shares();
  // Every part at its minimum: the last one takes what is left over.
  const spare = free.size === 0 ? total - fixedSum() : 0;
  let acc = 0;
  let placed = 0;
  // Rounded by running sum, so the parts add up to the total exactly.
  return items.map((_, i) => {
    acc += free.get(i) ?? (fixed.get(i) as number) + (i === items.length - 1 ? spare : 0);
    const end = Math.round(acc);
    const size = end - placed;
    placed = end;
    return size;
  });
}

function maxOf(panels: readonly LaidOutPanel[], key: 'minWidth' | 'minHeight'): number {
  return Math.max(0, ...panels.map((p) => p.hints[key]));
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
