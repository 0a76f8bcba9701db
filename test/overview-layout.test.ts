import { describe, expect, it } from 'vitest';
import type { Rect } from '../src/ui/layout.js';
import { BOX_MIN_HEIGHT, BOX_MIN_WIDTH, overviewLayout, pageCount, pageOf } from '../src/ui/overview-layout.js';

/** Every slot inside the screen above the status bar, none overlapping. */
function expectTiled(slots: readonly Rect[], cols: number, rows: number): void {
  for (const r of slots) {
    expect(r.left).toBeGreaterThanOrEqual(0);
    expect(r.top).toBeGreaterThanOrEqual(0);
    expect(r.left + r.width).toBeLessThanOrEqual(cols);
    expect(r.top + r.height).toBeLessThanOrEqual(rows - 1);
  }
  for (let i = 0; i < slots.length; i++) {
    for (let j = i + 1; j < slots.length; j++) {
      const a = slots[i] as Rect;
      const b = slots[j] as Rect;
      const apart = a.left + a.width <= b.left || b.left + b.width <= a.left || a.top + a.height <= b.top || b.top + b.height <= a.top;
      expect(apart, `slots ${i} and ${j} overlap`).toBe(true);
    }
  }
}

describe('overviewLayout', () => {
  it('stacks three hosts full width at 80x24, each tall enough for its figures and a spike', () => {
    const l = overviewLayout(3, 80, 24);
    expect(l.columns).toBe(1);
    expect(l.perPage).toBe(3);
    expect(l.slots.map((s) => s.width)).toEqual([80, 80, 80]);
    expect(Math.min(...l.slots.map((s) => s.height))).toBeGreaterThanOrEqual(BOX_MIN_HEIGHT + 1);
    // The rows share the height exactly: the last box ends on the row above the status bar.
    const last = l.slots[2] as Rect;
    expect(last.top + last.height).toBe(23);
    expect(l.status).toEqual({ left: 0, top: 23, width: 80, height: 1 });
    expectTiled(l.slots, 80, 24);
  });

  it('adds columns at 80x24 when the hosts would not fit stacked, and pages beyond that', () => {
    const five = overviewLayout(5, 80, 24);
    expect(five.columns).toBe(2);
    expect(five.perPage).toBeGreaterThanOrEqual(5);
    expectTiled(five.slots, 80, 24);
    const many = overviewLayout(20, 80, 24);
    expect(many.columns).toBe(2);
    expect(many.perPage).toBe(6);
    expect(pageCount(20, many.perPage)).toBe(4);
    for (const s of many.slots) {
      expect(s.width).toBeGreaterThanOrEqual(BOX_MIN_WIDTH);
      expect(s.height).toBeGreaterThanOrEqual(BOX_MIN_HEIGHT);
    }
    expectTiled(many.slots, 80, 24);
  });

  it('shows many hosts at once at 250x70, with boxes of a readable size', () => {
    const l = overviewLayout(24, 250, 70);
    expect(l.perPage).toBeGreaterThanOrEqual(24);
    expect(l.columns).toBe(4);
    expectTiled(l.slots, 250, 70);
    // The columns span the width exactly.
    const right = Math.max(...l.slots.map((s) => s.left + s.width));
    expect(right).toBe(250);
  });

  it('keeps a few hosts compact on a tall terminal: heights are capped, boxes side by side', () => {
    const l = overviewLayout(3, 200, 50);
    expect(l.columns).toBe(3);
    expect(new Set(l.slots.map((s) => s.top))).toEqual(new Set([0]));
    expect((l.slots[0] as Rect).height).toBeLessThan(49);
    expectTiled(l.slots, 200, 50);
  });

  it('clamps a tiny terminal to the smallest box instead of producing empty rectangles', () => {
    const l = overviewLayout(4, 10, 3);
    expect(l.perPage).toBeGreaterThanOrEqual(1);
    for (const s of l.slots) {
      expect(s.width).toBeGreaterThanOrEqual(BOX_MIN_WIDTH);
      expect(s.height).toBeGreaterThanOrEqual(BOX_MIN_HEIGHT);
    }
  });
});

describe('pages', () => {
  it('finds the page of a host and counts pages', () => {
    expect(pageOf(0, 6)).toBe(0);
    expect(pageOf(5, 6)).toBe(0);
    expect(pageOf(6, 6)).toBe(1);
    expect(pageCount(0, 6)).toBe(1);
    expect(pageCount(12, 6)).toBe(2);
    expect(pageCount(13, 6)).toBe(3);
  });
});
