import { describe, expect, it } from 'vitest';
import { computeLayout, isLarge, type Layout, type Rect } from '../src/ui/layout.js';

const AUTO = { users: null, events: null };

function rects(l: Layout): Rect[] {
  return [l.cpu, l.memory, l.sparks, l.table, l.spikes, l.users, l.events, l.status].filter((r): r is Rect => r !== null);
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

describe('computeLayout', () => {
  it.each([
    [80, 24],
    [100, 30],
    [120, 40],
    [200, 50],
    [250, 70],
  ])('at %ix%i tiles the screen: inside it, no overlaps, every cell used', (cols, rows) => {
    for (const toggles of [AUTO, { users: true, events: true }, { users: false, events: false }, { users: true, events: false }]) {
      const l = computeLayout(cols, rows, toggles);
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
  });

  it('at 80x24 keeps every essential panel big enough to read', () => {
    const l = computeLayout(80, 24, AUTO);
    expect(l.status).toEqual({ left: 0, top: 23, width: 80, height: 1 });
    // Graphs: at least 4 plot rows inside the border; sparklines: one line per metric (5).
    expect(l.cpu.height - 2).toBeGreaterThanOrEqual(5);
    expect(l.sparks.height - 2).toBeGreaterThanOrEqual(5);
    // Table: header plus at least 5 processes; spike log: full width, a few lines.
    expect(l.table.height - 3).toBeGreaterThanOrEqual(5);
    expect(l.spikes.width).toBe(80);
    expect(l.spikes.height - 2).toBeGreaterThanOrEqual(3);
    expect(l.users).toBeNull();
    expect(l.events).toBeNull();
  });

  it('shows users and events by default only when large, and as toggled otherwise', () => {
    expect(isLarge(80, 24)).toBe(false);
    expect(isLarge(200, 50)).toBe(true);
    expect(computeLayout(250, 70, AUTO).users).not.toBeNull();
    expect(computeLayout(250, 70, { users: false, events: null }).users).toBeNull();
    expect(computeLayout(80, 24, { users: true, events: null }).users).not.toBeNull();
    expect(computeLayout(80, 24, { users: true, events: null }).events).toBeNull();
  });

  it('gives the graphs more room on a large terminal', () => {
    const small = computeLayout(80, 24, AUTO);
    const large = computeLayout(250, 70, AUTO);
    expect(large.cpu.height).toBeGreaterThan(small.cpu.height);
    expect(large.cpu.width).toBeGreaterThan(small.cpu.width);
    expect(large.table.height).toBeGreaterThan(small.table.height);
  });

  it('clamps a tiny terminal to the minimum it can lay out', () => {
    const l = computeLayout(30, 8, AUTO);
    expect(l.cols).toBe(60);
    expect(l.rows).toBe(16);
  });
});
