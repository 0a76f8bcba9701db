import { describe, expect, it } from 'vitest';
import { computeLayout, share, type LaidOutPanel, type Layout, type Rect } from '../src/ui/layout.js';
import { shownPanels } from '../src/ui/panels/panel.js';
import { PANELS } from '../src/ui/panels/registry.js';

function layout(cols: number, rows: number, toggles: Record<string, boolean> = {}): Layout {
  return computeLayout(cols, rows, shownPanels(PANELS, toggles, cols, rows));
}

function rects(l: Layout): Rect[] {
  return [...Object.values(l.rects), l.status];
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

function expectTiles(l: Layout, cols: number, rows: number): void {
  const rs = rects(l);
  for (const r of rs) {
    expect(r.left).toBeGreaterThanOrEqual(0);
    expect(r.top).toBeGreaterThanOrEqual(0);
    expect(r.left + r.width).toBeLessThanOrEqual(cols);
    expect(r.top + r.height).toBeLessThanOrEqual(rows);
  }
  for (let i = 0; i < rs.length; i++) for (let j = i + 1; j < rs.length; j++) expect(overlaps(rs[i] as Rect, rs[j] as Rect)).toBe(false);
  expect(rs.reduce((a, r) => a + r.width * r.height, 0)).toBe(cols * rows);
}

const rect = (l: Layout, id: string): Rect => {
  const r = l.rects[id];
  if (!r) throw new Error(`${id} is not laid out`);
  return r;
};

describe('computeLayout from the panels’ size hints', () => {
  it.each([
    [60, 16],
    [80, 24],
    [100, 30],
    [120, 40],
    [200, 50],
    [250, 70],
  ])('at %ix%i tiles the screen: inside it, no overlaps, every cell used', (cols, rows) => {
    const toggles: Record<string, boolean>[] = [{}, { users: true, events: true }, { users: false, events: false }, { users: true, events: false }];
    for (const t of toggles) expectTiles(layout(cols, rows, t), cols, rows);
  });

  it('at 80x24 keeps every essential panel big enough to read', () => {
    const l = layout(80, 24);
    expect(l.status).toEqual({ left: 0, top: 23, width: 80, height: 1 });
    // Graphs: at least 5 plot rows inside the border; sparklines: one line per metric (5).
    expect(rect(l, 'cpu').height - 2).toBeGreaterThanOrEqual(5);
    expect(rect(l, 'sparks').height - 2).toBeGreaterThanOrEqual(5);
    // Table: header plus at least 5 processes; spike log: full width under it, a few lines.
    expect(rect(l, 'processes').height - 3).toBeGreaterThanOrEqual(5);
    expect(rect(l, 'spikes').width).toBe(80);
    expect(rect(l, 'spikes').height - 2).toBeGreaterThanOrEqual(3);
    expect(l.rects.users).toBeUndefined();
    expect(l.rects.events).toBeUndefined();
  });

  it('puts the side panels beside the table once both minimum widths fit, under it before', () => {
    const wide = layout(120, 40);
    expect(rect(wide, 'spikes').left).toBe(rect(wide, 'processes').width);
    expect(rect(wide, 'spikes').top).toBe(rect(wide, 'processes').top);
    const narrow = layout(119, 40);
    expect(rect(narrow, 'spikes').top).toBe(rect(narrow, 'processes').top + rect(narrow, 'processes').height);
  });

  it('shows optional panels by default from their size up, and as toggled otherwise', () => {
    expect(layout(80, 24).rects.users).toBeUndefined();
    expect(layout(250, 70).rects.users).toBeDefined();
    expect(layout(250, 70, { users: false }).rects.users).toBeUndefined();
    expect(layout(80, 24, { users: true }).rects.users).toBeDefined();
    expect(layout(80, 24, { users: true }).rects.events).toBeUndefined();
  });

  it('gives the graphs more room on a large terminal', () => {
    const small = layout(80, 24);
    const large = layout(250, 70);
    expect(rect(large, 'cpu').height).toBeGreaterThan(rect(small, 'cpu').height);
    expect(rect(large, 'cpu').width).toBeGreaterThan(rect(small, 'cpu').width);
    expect(rect(large, 'processes').height).toBeGreaterThan(rect(small, 'processes').height);
  });

  it('places a panel it has never seen from its hints alone', () => {
    const disk: LaidOutPanel = { id: 'disk', hints: { region: 'side', weight: 2, minWidth: 20, minHeight: 4 } };
    const gauge: LaidOutPanel = { id: 'gauge', hints: { region: 'top', weight: 1, minWidth: 12, minHeight: 8 } };
    for (const [cols, rows] of [
      [80, 24],
      [120, 40],
      [250, 70],
    ] as const) {
      const l = computeLayout(cols, rows, [...shownPanels(PANELS, {}, cols, rows), disk, gauge]);
      expectTiles(l, cols, rows);
      expect(rect(l, 'disk').width).toBeGreaterThan(0);
      expect(rect(l, 'gauge').height).toBe(rect(l, 'cpu').height);
    }
  });

  it('clamps a tiny terminal to the minimum it can lay out', () => {
    const l = layout(30, 8);
    expect(l.cols).toBe(60);
    expect(l.rows).toBe(16);
  });
});

describe('share', () => {
  it('splits by weight into whole cells that add up, lifting a part to its minimum', () => {
    expect(share(100, [{ weight: 2, min: 0 }, { weight: 2, min: 0 }, { weight: 1, min: 0 }])).toEqual([40, 40, 20]);
    expect(share(80, [{ weight: 2, min: 20 }, { weight: 2, min: 20 }, { weight: 1, min: 18 }])).toEqual([31, 31, 18]);
    const odd = share(7, [{ weight: 1, min: 0 }, { weight: 1, min: 0 }, { weight: 1, min: 0 }]);
    expect(odd.reduce((a, b) => a + b, 0)).toBe(7);
    // Minimums that cannot all fit: plain shares.
    expect(share(10, [{ weight: 1, min: 8 }, { weight: 1, min: 8 }])).toEqual([5, 5]);
  });
});
