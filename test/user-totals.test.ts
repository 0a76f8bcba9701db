import { describe, expect, it } from 'vitest';
import { userTotals } from '../src/analysis/user-totals.js';
import type { ProcessStats } from '../src/core/sample.js';
import { makeProcess } from './helpers/make-sample.js';

const MiB = 1024 * 1024;
const users = [
  { user: 'root', uid: 0 },
  { user: 'alice', uid: 1000 },
  { user: 'postgres', uid: 114 },
];

/** A deterministic mix of processes of three users, kernel threads and exited ones included. */
function mix(n: number): ProcessStats[] {
  return Array.from({ length: n }, (_, i) => {
    const u = users[(i * 7) % 3] as { user: string; uid: number };
    return makeProcess({
      pid: 100 + i,
      name: `p${i}`,
      ...u,
      cpu: ((i * 37) % 113) / 3,
      rss: ((i * 53) % 97) * MiB,
      kernelThread: u.uid === 0 && i % 2 === 0,
      exited: i % 11 === 0,
    });
  });
}

describe('userTotals', () => {
  it("equals, for every user, the sum of that user's processes", () => {
    const procs = mix(300);
    const totals = userTotals(procs);
    expect(totals.map((t) => t.uid).sort((a, b) => a - b)).toEqual([0, 114, 1000]);
    for (const t of totals) {
      const own = procs.filter((p) => p.uid === t.uid);
      expect(t.processes).toBe(own.length);
      expect(t.cpu).toBeCloseTo(own.reduce((s, p) => s + p.cpu, 0), 9);
      expect(t.rss).toBe(own.reduce((s, p) => s + p.rss, 0));
      expect(t.user).toBe(own[0]?.user);
    }
    expect(totals.reduce((s, t) => s + t.processes, 0)).toBe(procs.length);
  });

  it('sorts by CPU, busiest first, then by memory', () => {
    const totals = userTotals([
      makeProcess({ pid: 1, name: 'a', user: 'light', uid: 1, cpu: 5 }),
      makeProcess({ pid: 2, name: 'b', user: 'heavy', uid: 2, cpu: 30 }),
      makeProcess({ pid: 3, name: 'c', user: 'heavy', uid: 2, cpu: 40 }),
      makeProcess({ pid: 4, name: 'd', user: 'fat', uid: 3, cpu: 5, rss: 900 * MiB }),
    ]);
    expect(totals.map((t) => [t.user, t.cpu])).toEqual([
      ['heavy', 70],
      ['fat', 5],
      ['light', 5],
    ]);
  });

  it('groups by uid, not by name', () => {
    const totals = userTotals([
      makeProcess({ pid: 1, name: 'a', user: 'svc', uid: 500, cpu: 1 }),
      makeProcess({ pid: 2, name: 'b', user: 'svc', uid: 501, cpu: 2 }),
    ]);
    expect(totals.map((t) => [t.uid, t.processes])).toEqual([
      [501, 1],
      [500, 1],
    ]);
  });

  it('is empty without processes', () => {
    expect(userTotals([])).toEqual([]);
  });
});
