import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import type { Clock } from '../src/core/clock.js';
import { FastWatch, burstDue, defaultFastWatchOptions, type BurstState, type FastWatchOptions } from '../src/collect/fast-watch.js';
import { ProcReader, type FastProbe } from '../src/collect/proc-reader.js';
import { ManualClock } from './helpers/manual-clock.js';
import { ALLOCATE_SCRIPT } from './helpers/memory-level.js';

const MB = 1024 * 1024;
const GiB = 1024 * MB;

/** The defaults on a large machine (a 200 MB memory jump), read 10 times a second. */
const OPTS: FastWatchOptions = { ...defaultFastWatchOptions(64 * GiB), hz: 10 };

describe('burstDue', () => {
  const calm: BurstState = { memUsed: GiB, busy: 10, memAtScan: GiB, busyAtScan: 10, msSinceScan: 1000, burstsThisInterval: 0 };

  test('a memory or CPU jump past its threshold', () => {
    expect(burstDue(calm, OPTS)).toBe(false);
    expect(burstDue({ ...calm, memUsed: GiB + 199 * MB }, OPTS)).toBe(false);
    expect(burstDue({ ...calm, memUsed: GiB + 200 * MB }, OPTS)).toBe(true);
    expect(burstDue({ ...calm, busy: 34 }, OPTS)).toBe(false);
    expect(burstDue({ ...calm, busy: 35 }, OPTS)).toBe(true);
    // Falling is not a burst.
    expect(burstDue({ ...calm, memUsed: 0, busy: 0 }, OPTS)).toBe(false);
  });

  test('rate-limited by time since the last scan and by count per interval', () => {
    const jump = { ...calm, memUsed: 3 * GiB };
    expect(burstDue({ ...jump, msSinceScan: 119 }, OPTS)).toBe(false);
    expect(burstDue({ ...jump, burstsThisInterval: 6 }, OPTS)).toBe(false);
    expect(burstDue({ ...jump, burstsThisInterval: 5 }, OPTS)).toBe(true);
  });

  test('after a burst, half the memory jump is enough to scan again nearer the top', () => {
    const climbing = { ...calm, memUsed: GiB + 100 * MB };
    expect(burstDue(climbing, OPTS)).toBe(false);
    expect(burstDue({ ...climbing, burstsThisInterval: 1 }, OPTS)).toBe(true);
    expect(burstDue({ ...climbing, memUsed: GiB + 99 * MB, burstsThisInterval: 1 }, OPTS)).toBe(false);
  });

  test('no reading yet (NaN) never triggers', () => {
    expect(burstDue({ ...calm, busy: NaN, busyAtScan: NaN, memUsed: NaN }, OPTS)).toBe(false);
  });

  test('defaults: 5 % of RAM or 200 MB, whichever is smaller', () => {
    expect(defaultFastWatchOptions(1 * GiB).memJumpBytes).toBeCloseTo(0.05 * GiB);
    expect(defaultFastWatchOptions(64 * GiB).memJumpBytes).toBe(200 * MB);
    expect(defaultFastWatchOptions(GiB, 500).hz).toBe(50);
  });
});

/** A probe that replays scripted readings, with a clock the test moves. */
function scripted(readings: { mem: number; busyTicks: number; totalTicks: number }[]) {
  let i = 0;
  const clock = new ManualClock();
  const probe = (out: FastProbe): boolean => {
    const r = readings[Math.min(i++, readings.length - 1)];
    if (!r) return false;
    out.memUsed = r.mem;
    out.busyTicks = r.busyTicks;
    out.totalTicks = r.totalTicks;
    return true;
  };
  return { probe, clock };
}

describe('FastWatch with scripted readings', () => {
  test('keeps the interval min/max of memory and of CPU busy, one window per reading; takeWindow resets', () => {
    // 10 Hz: each reading adds 20 ticks (2 cores x 100 ms).
    const ticks = [0, 2, 4, 24, 44, 46, 48]; // busy ticks: idle, idle, then 2 readings at 100 %, then idle again
    const mem = [1, 1, 3, 2, 1, 1, 1].map((g) => g * GiB);
    const { probe, clock } = scripted(ticks.map((b, k) => ({ mem: mem[k] as number, busyTicks: b, totalTicks: k * 20 })));
    const w = new FastWatch(probe, { ...OPTS, memJumpBytes: 100 * GiB, cpuJumpPct: 1000 }, () => undefined, clock);
    for (let k = 0; k < ticks.length; k++) {
      clock.advance(100);
      w.poll();
    }
    // How far memory moved so far in the interval: the collector reads every process at the tick when it did.
    expect(w.memorySwing).toBe(2 * GiB);
    const win = w.takeWindow();
    expect(w.memorySwing).toBe(Infinity);
    expect(win?.usedMin).toBe(GiB);
    expect(win?.usedMax).toBe(3 * GiB);
    // One window per reading: 10 %, 10 %, 100 %, 100 %, 10 %, 10 %.
    expect(win?.busyMin).toBeCloseTo(10);
    expect(win?.busyMax).toBeCloseTo(100);
    expect(w.takeWindow()).toBeNull();
  });

  /** When burst scans fire for memory readings (GiB) taken `stepMs` apart from t=1000, with a 400 MB jump. */
  function burstTimes(memGiB: number[], stepMs: number): { bursts: number[]; w: FastWatch } {
    const { probe, clock } = scripted(memGiB.map((g, k) => ({ mem: g * GiB, busyTicks: 0, totalTicks: k * 20 })));
    const bursts: number[] = [];
    const w = new FastWatch(probe, { ...OPTS, memJumpBytes: 400 * MB }, () => bursts.push(clock.now()), clock);
    clock.advance(1000);
    for (let k = 0; k < memGiB.length; k++) {
      w.poll();
      clock.advance(stepMs);
    }
    return { bursts, w };
  }

  test('a memory jump triggers a burst scan at once; the next needs another jump and the gap', () => {
    const { bursts, w } = burstTimes([1, 1, 1.5, 1.5, 1.5, 2.0, 2.0, 2.0], 100);
    // 1.5 GiB at t=1200 (reference 1 GiB); 2.0 GiB at t=1500 (reference 1.5 GiB, 300 ms later).
    expect(bursts).toEqual([1200, 1500]);
    expect(w.burstsTotal).toBe(2);
  });

  test('after a scan at a high, a fall and a new rise of the jump triggers: another process spiking right after the first', () => {
    // 1 GiB, a scan at the first process's 1.5 GiB top, back to 1 GiB, then the second process's 1.5 GiB.
    const { bursts } = burstTimes([1, 1.5, 1.5, 1.0, 1.0, 1.5, 1.5], 200);
    // Measured from the scan's level alone, the second rise (1.0 → 1.5 GiB after a scan at 1.5) would count for nothing.
    expect(bursts).toEqual([1200, 2000]);
  });

  test('at most maxBurstsPerInterval per interval; takeWindow starts a new interval', () => {
    const mem = Array.from({ length: 20 }, (_, k) => k * GiB);
    const { probe, clock } = scripted(mem.map((m) => ({ mem: m, busyTicks: 0, totalTicks: 0 })));
    let bursts = 0;
    const w = new FastWatch(probe, { ...OPTS, maxBurstsPerInterval: 2 }, () => bursts++, clock);
    for (let k = 0; k < 10; k++) {
      clock.advance(300);
      w.poll();
    }
    expect(bursts).toBe(2);
    w.takeWindow();
    clock.advance(300);
    w.poll();
    expect(bursts).toBe(3);
  });
});

/**
 * A 2-core machine in the time of `clock`: every core busy during [from, from + ms), idle
 * otherwise (plus `background` of one core), with /proc/stat's 10 ms ticks, truncated
 * separately for busy and idle as the kernel does.
 */
function burstMachine(clock: Clock, from: number, ms: number, background = 0) {
  return (out: FastProbe): boolean => {
    const t = clock.now();
    const burst = 2 * Math.max(0, Math.min(t, from + ms) - from);
    const busy = burst + background * Math.max(0, t - Math.max(0, Math.min(t, from + ms) - from));
    out.memUsed = GiB;
    out.busyTicks = Math.floor(busy / 10);
    out.totalTicks = out.busyTicks + Math.floor((2 * t - busy) / 10);
    return true;
  };
}

describe('FastWatch: brief CPU bursts read at their height', () => {
  /** busyMax of the interval holding one burst of `ms` at full load on both cores, starting `offset` ms into the reading cycle. */
  function peakOf(offset: number, ms: number, background = 0): { peak: number; watch: FastWatch } {
    const clock = new ManualClock();
    const watch = new FastWatch(burstMachine(clock, 1000 + offset, ms, background), { ...defaultFastWatchOptions(64 * GiB), memJumpBytes: 100 * GiB, cpuJumpPct: 1000 }, () => undefined, clock);
    watch.start();
    clock.advance(900);
    watch.takeWindow();
    clock.advance(800);
    const peak = watch.takeWindow()?.busyMax ?? NaN;
    watch.close();
    return { peak, watch };
  }

  test('a 100 ms burst on every core reads within 10 points of 100 %, wherever it falls between readings', () => {
    const peaks: number[] = [];
    for (let offset = 0; offset < 67; offset += 3) peaks.push(peakOf(offset, 100).peak);
    expect(Math.min(...peaks), JSON.stringify(peaks)).toBeGreaterThanOrEqual(90);
  });

  test('a 150 ms burst reads 100 % and a 50 ms one at least half', () => {
    for (let offset = 0; offset < 67; offset += 7) {
      expect(peakOf(offset, 150).peak).toBeGreaterThanOrEqual(90);
      expect(peakOf(offset, 50).peak).toBeGreaterThanOrEqual(45);
    }
  });

  test('at rest the peak stays near the real level, and follow-up readings stay few', () => {
    const clock = new ManualClock();
    let reads = 0;
    const machine = burstMachine(clock, Infinity, 0, 0.1);
    const watch = new FastWatch((out) => (reads++, machine(out)), defaultFastWatchOptions(64 * GiB), () => undefined, clock);
    watch.start();
    clock.advance(10_000);
    const w = watch.takeWindow();
    watch.close();
    // 10 % of one core is 5 % of the machine; 10 ms ticks make single windows read up to ~15 %.
    expect(w?.busyMax ?? NaN).toBeLessThan(20);
    expect(reads).toBeLessThan(10 * 15 + 5);
  });
});

describe('FastWatch timing on an injected clock', () => {
  test('reads at start, then every 1/hz; close() leaves no timer behind', () => {
    const clock = new ManualClock();
    const reads: number[] = [];
    const machine = burstMachine(clock, Infinity, 0);
    const watch = new FastWatch((out) => (reads.push(clock.now()), machine(out)), { ...OPTS, hz: 20 }, () => undefined, clock);
    watch.start();
    watch.start();
    clock.advance(200);
    expect(reads).toEqual([0, 50, 100, 150, 200]);
    watch.close();
    expect(watch.running).toBe(false);
    expect(clock.pending()).toEqual([]);
    clock.advance(1000);
    expect(reads).toHaveLength(5);
  });

  test('burst scans on a steady climb keep the minimum gap and stop at the per-interval maximum until takeWindow', () => {
    const clock = new ManualClock();
    const bursts: number[] = [];
    // Memory used climbs 1 GiB every 50 ms: every reading is a jump; only the limits hold the scans back.
    const climb = (out: FastProbe): boolean => {
      out.memUsed = GiB * (1 + clock.now() / 50);
      out.busyTicks = 0;
      out.totalTicks = clock.now();
      return true;
    };
    const watch = new FastWatch(climb, { ...OPTS, hz: 20 }, () => bursts.push(clock.now()), clock);
    watch.start();
    clock.advance(1500);
    // minBurstGapMs 120 at 50 ms readings: every third reading; maxBurstsPerInterval 6.
    expect(bursts).toEqual([150, 300, 450, 600, 750, 900]);
    watch.takeWindow();
    clock.advance(500);
    // The new interval counts from the tick's scan at 1500.
    expect(bursts.slice(6)).toEqual([1650, 1800, 1950]);
    watch.close();
  });

  test('a rise in CPU busy brings follow-up readings 10 ms apart until one full window lies inside the burst', () => {
    const clock = new ManualClock();
    const reads: number[] = [];
    // Both cores busy from 1050 on: the window ending at 1100 reads 50 %, a rise of 50 points.
    const machine = burstMachine(clock, 1050, 10_000);
    const opts = { ...OPTS, hz: 10, memJumpBytes: 100 * GiB, cpuJumpPct: 1000 };
    const watch = new FastWatch((out) => (reads.push(clock.now()), machine(out)), opts, () => undefined, clock);
    watch.start();
    clock.advance(1000);
    watch.takeWindow();
    clock.advance(300);
    expect(reads.filter((t) => t >= 1000)).toEqual([1000, 1100, 1110, 1120, 1130, 1200, 1300]);
    // The 30 ms window from 1100 reads the burst at its full height.
    expect(watch.takeWindow()?.busyMax).toBeCloseTo(100);
    watch.close();
  });

  test('follow-ups are limited per interval: a flickering machine costs at most maxFollowUpsPerInterval of them', () => {
    const clock = new ManualClock();
    const reads: number[] = [];
    // Every core busy in the second half of each 200 ms: a rise every other reading at 10 Hz.
    const flicker = (out: FastProbe): boolean => {
      const t = clock.now();
      const busy = 2 * (Math.floor(t / 200) * 100 + Math.max(0, (t % 200) - 100));
      out.memUsed = GiB;
      out.busyTicks = Math.floor(busy / 10);
      out.totalTicks = Math.floor((2 * t) / 10);
      return true;
    };
    const opts = { ...OPTS, hz: 10, memJumpBytes: 100 * GiB, cpuJumpPct: 1000, maxFollowUpsPerInterval: 3 };
    const watch = new FastWatch((out) => (reads.push(clock.now()), flicker(out)), opts, () => undefined, clock);
    watch.start();
    clock.advance(4000);
    const followUps = (from: number, to: number): number => reads.filter((t) => t > from && t <= to && t % 100 !== 0).length;
    // Three follow-ups of three readings each, then only the 10 Hz grid.
    expect(followUps(0, 4000)).toBe(9);
    watch.takeWindow();
    clock.advance(4000);
    expect(followUps(4000, 8000)).toBe(9);
    watch.close();
  });
});

const children: ChildProcess[] = [];
/** A process's resident set in bytes; 0 once it is gone. */
function rssOf(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe('FastWatch on the real /proc', () => {
  test('sees the top of a 400 MB allocation held for 300 ms and asks for a burst scan', async () => {
    const reader = new ProcReader();
    let bursts = 0;
    // Each reading with the child's own RSS at that moment: its height is what the test controls, not the
    // machine's (memory another process frees meanwhile lowers "used" by as much).
    let childPid: number | undefined;
    const readings: { used: number; childRss: number }[] = [];
    const probe = (out: FastProbe): boolean => {
      const ok = reader.probe(out);
      if (ok && childPid !== undefined) readings.push({ used: out.memUsed, childRss: rssOf(childPid) });
      return ok;
    };
    const w = new FastWatch(probe, { ...defaultFastWatchOptions(GiB * 1024, 20), memJumpBytes: 200 * MB }, () => bursts++);
    w.start();
    expect(w.running).toBe(true);
    try {
      await new Promise((r) => setTimeout(r, 300));
      w.takeWindow();
      const child = spawn(process.execPath, ['-e', ALLOCATE_SCRIPT(400, 300)], { stdio: 'ignore' });
      children.push(child);
      childPid = child.pid;
      await new Promise((r) => child.once('exit', r));
      const win = w.takeWindow();
      const top = readings.reduce((a, b) => (b.childRss > a.childRss ? b : a), { used: NaN, childRss: 0 });
      const detail = JSON.stringify({ win, bursts, top });
      expect(win, detail).not.toBeNull();
      // The watch read while the child held all 400 MB, and its window keeps that reading's level (a missed
      // peak would leave it lower). Above it is what other processes did meanwhile: not this test's to bound.
      expect(top.childRss, detail).toBeGreaterThanOrEqual(400 * MB);
      expect(win?.usedMax ?? 0, detail).toBeGreaterThanOrEqual(top.used);
      expect(bursts, detail).toBeGreaterThanOrEqual(1);
    } finally {
      w.close();
      reader.close();
    }
    expect(w.running).toBe(false);
  });
});
