import { describe, expect, test } from 'vitest';
import { noChildTicks, reapedChildTicks, splitChildTicks } from '../src/collect/child-cpu.js';
import type { RawProcess, RawSnapshot } from '../src/collect/raw.js';
import { byPid, rawProcess, rawSnapshot } from './helpers/raw-snapshot.js';

/** Clock ticks after boot of T0 + ms. */
const ticksAt = (ms: number): number => 100_000 + ms / 10;

const proc = (p: Partial<RawProcess> & { pid: number }): RawProcess => rawProcess({ rss: 0, ident: { cmd: '', uid: 0, user: 'root' }, ...p });

function snap(mono: number, processes: RawProcess[], exited: RawProcess[] = []): RawSnapshot {
  return rawSnapshot({ mono, processes: byPid(...processes), exited });
}

/** `cur` with its child ticks settled against `prev`, as the collector does. */
function settle(prev: RawSnapshot, cur: RawSnapshot): RawSnapshot {
  cur.childTicks = reapedChildTicks(prev, cur);
  return cur;
}

const unseenOf = (s: RawSnapshot, pid: number): number | undefined =>
  [...s.childTicks.unseen].find(([p]) => p.pid === pid)?.[1];

describe('splitChildTicks', () => {
  test.each([
    // increase, fresh, carried → unseen, leftover
    [200, 150, 0, 50, 0],
    [100, 150, 0, 0, 50],
    [0, 150, 0, 0, 150],
    [150, 150, 100, 0, 100],
    [300, 150, 100, 50, 0],
    [50, 0, 100, 0, 0],
    [40, 0, 0, 40, 0],
  ])('increase %i, fresh credit %i, carried %i → unseen %i, leftover %i', (increase, fresh, carried, unseen, leftover) => {
    expect(splitChildTicks(increase, fresh, carried)).toEqual({ unseen, leftover });
  });
});

describe('reapedChildTicks', () => {
  test('a child seen for 2 s is credited with its lifetime: the parent gets only its last stretch and the unseen ones', () => {
    // The shell's child ran 2 s (200 ticks), seen at every tick; at the previous tick it had used 190.
    const prev = snap(0, [proc({ pid: 100, cutime: 7 }), proc({ pid: 101, ppid: 100, utime: 150, stime: 40, startTicks: ticksAt(-1900) })]);
    // Reaped: +200 of it and +30 of 30 ms children tmon never saw.
    const cur = settle(prev, snap(1000, [proc({ pid: 100, cutime: 7 + 200 + 30 })]));
    expect(unseenOf(cur, 100)).toBe(40);
    expect(cur.childTicks.carry.size).toBe(0);
  });

  test("a seen child's own reaped children are in its credit: grandchildren are not charged twice", () => {
    const prev = snap(0, [proc({ pid: 100 }), proc({ pid: 101, ppid: 100, utime: 10, cutime: 80 })]);
    const cur = settle(prev, snap(1000, [proc({ pid: 100, cutime: 90 })]));
    expect(unseenOf(cur, 100)).toBeUndefined();
  });

  test('a child seen only by a burst scan (exited) is credited too', () => {
    const prev = snap(0, [proc({ pid: 100 })]);
    const child = proc({ pid: 102, ppid: 100, utime: 60, startTicks: ticksAt(100) });
    const cur = settle(prev, snap(1000, [proc({ pid: 100, cutime: 65 })], [child]));
    expect(unseenOf(cur, 100)).toBe(5);
    // The burst sighting is newer than the tick's: no double credit from both.
    const prev2 = snap(0, [proc({ pid: 100 }), proc({ pid: 103, ppid: 100, utime: 20 })]);
    const cur2 = settle(prev2, snap(1000, [proc({ pid: 100, cutime: 70 })], [proc({ pid: 103, ppid: 100, utime: 60 })]));
    expect(unseenOf(cur2, 100)).toBe(10);
  });

  test('a gone parent that reaped a seen child after its own last sighting passes the credit up (bash → timeout → sh)', () => {
    const prev = snap(0, [proc({ pid: 100 })]);
    // A burst scan saw both mid-run: timeout at 1 tick and nothing reaped, sh at 15 of its 30 ticks.
    const timeout = proc({ pid: 110, ppid: 100, utime: 1, startTicks: ticksAt(200) });
    const sh = proc({ pid: 111, ppid: 110, utime: 15, startTicks: ticksAt(210) });
    // bash reaped timeout, which had reaped sh: +1 + 30.
    const cur = settle(prev, snap(1000, [proc({ pid: 100, cutime: 31 })], [timeout, sh]));
    expect(unseenOf(cur, 110)).toBeUndefined();
    // Only sh's 15 unseen ticks: its first 15 are shown on sh itself.
    expect(unseenOf(cur, 100)).toBe(15);
    // The same with both last seen at the tick before.
    const prev2 = snap(0, [proc({ pid: 100 }), proc({ pid: 110, ppid: 100, utime: 1 }), proc({ pid: 111, ppid: 110, utime: 15 })]);
    const cur2 = settle(prev2, snap(1000, [proc({ pid: 100, cutime: 31 })]));
    expect(unseenOf(cur2, 100)).toBe(15);
  });

  test('a gone process that reaped children before its last sighting keeps their unseen part as its own child CPU', () => {
    const prev = snap(0, [proc({ pid: 100 }), proc({ pid: 110, ppid: 100, utime: 5 })]);
    const make = proc({ pid: 110, ppid: 100, utime: 9, cutime: 40 });
    const cur = settle(prev, snap(1000, [proc({ pid: 100, cutime: 49 })], [make]));
    expect(unseenOf(cur, 110)).toBe(40);
    expect(unseenOf(cur, 100)).toBeUndefined();
  });

  test('a credit the parent does not show yet (read just before the reap) is used in the next interval, then dropped', () => {
    const s0 = snap(0, [proc({ pid: 100 }), proc({ pid: 101, ppid: 100, utime: 150 })]);
    const s1 = settle(s0, snap(1000, [proc({ pid: 100 })]));
    expect(unseenOf(s1, 100)).toBeUndefined();
    expect(s1.childTicks.carry.get(100)).toEqual({ startTicks: 100, ticks: 150 });
    // The reap shows now, with 20 ticks of an unseen child.
    const s2 = settle(s1, snap(2000, [proc({ pid: 100, cutime: 170 })]));
    expect(unseenOf(s2, 100)).toBe(20);
    expect(s2.childTicks.carry.size).toBe(0);
    // A credit never matched (a parent ignoring SIGCHLD) lasts one interval only.
    const s3 = settle(s2, snap(3000, [proc({ pid: 100, cutime: 170 }), proc({ pid: 104, ppid: 100, utime: 50 })]));
    const s4 = settle(s3, snap(4000, [proc({ pid: 100, cutime: 170 })]));
    const s5 = settle(s4, snap(5000, [proc({ pid: 100, cutime: 170 })]));
    expect(s4.childTicks.carry.get(100)?.ticks).toBe(50);
    expect(s5.childTicks.carry.size).toBe(0);
    const s6 = settle(s5, snap(6000, [proc({ pid: 100, cutime: 270 })]));
    expect(unseenOf(s6, 100)).toBe(100);
  });

  test('a reused parent PID does not inherit the old parent credit', () => {
    const s0 = snap(0, [proc({ pid: 100 }), proc({ pid: 101, ppid: 100, utime: 150 })]);
    const s1 = settle(s0, snap(1000, [proc({ pid: 100 })]));
    const reused = proc({ pid: 100, startTicks: ticksAt(1500), cutime: 150 });
    const s2 = settle(s1, snap(2000, [reused]));
    expect(unseenOf(s2, 100)).toBe(150);
  });

  test('the first snapshot has nothing to split', () => {
    const cur = snap(0, [proc({ pid: 100, cutime: 500 })]);
    expect(reapedChildTicks(null, cur)).toEqual(noChildTicks());
  });
});
