import { describe, expect, it } from 'vitest';
import { attribute, SpikeAttribution } from '../src/analysis/attribution.js';
import type { ProcessStats } from '../src/core/sample.js';
import type { Culprit } from '../src/core/spike.js';
import { makeProcess, makeSample, TEST_HOST } from './helpers/make-sample.js';

const MiB = 1024 * 1024;
const T0 = Date.UTC(2026, 10, 22, 3, 12, 0);

const at = (i: number, processes: ProcessStats[]) => makeSample({ time: T0 + i * 1000, processes });
const shareSum = (cs: Culprit[]) => cs.reduce((s, c) => s + c.share, 0);

describe('attribute: cpu', () => {
  it('ranks the processes by their rise from the sample before to their peak, shares summing to 1', () => {
    const before = at(0, [
      makeProcess({ pid: 10, name: 'steady', cpu: 20 }),
      makeProcess({ pid: 11, name: 'hog', cpu: 5 }),
      makeProcess({ pid: 12, name: 'calmer', cpu: 60 }),
    ]);
    const during = [
      at(1, [
        makeProcess({ pid: 10, name: 'steady', cpu: 30 }),
        makeProcess({ pid: 11, name: 'hog', cpu: 150 }),
        makeProcess({ pid: 12, name: 'calmer', cpu: 10 }),
      ]),
      at(2, [
        makeProcess({ pid: 10, name: 'steady', cpu: 22 }),
        makeProcess({ pid: 11, name: 'hog', cpu: 120 }),
        makeProcess({ pid: 12, name: 'calmer', cpu: 10 }),
        makeProcess({ pid: 13, name: 'newcomer', cpu: 40 }),
      ]),
    ];
    const culprits = attribute('cpu', before, during);
    expect(culprits.map((c) => [c.name, c.rise])).toEqual([
      ['hog', 145],
      ['newcomer', 40],
      ['steady', 10],
    ]);
    expect(shareSum(culprits)).toBeCloseTo(1, 10);
    expect(culprits[0]?.share).toBeCloseTo(145 / 195, 10);
    expect(culprits.every((c) => c.exited === undefined && c.viaChildren === undefined)).toBe(true);
  });

  it('counts a process that appeared during the spike from zero', () => {
    const before = at(0, [makeProcess({ pid: 10, name: 'idle', cpu: 1 })]);
    const culprits = attribute('cpu', before, [at(1, [makeProcess({ pid: 10, name: 'idle', cpu: 1 }), makeProcess({ pid: 77, name: 'burst', cpu: 90 })])]);
    expect(culprits).toHaveLength(1);
    expect(culprits[0]).toMatchObject({ pid: 77, name: 'burst', rise: 90, share: 1 });
  });

  it('charges reaped children to the parent, named by the parent', () => {
    const shell = (childCpu: number | undefined) => makeProcess({ pid: 300, name: 'bash', cpu: 2, childCpu });
    const culprits = attribute('cpu', at(0, [shell(undefined)]), [at(1, [shell(95)]), at(2, [shell(40)])]);
    expect(culprits).toEqual([
      expect.objectContaining({ pid: 300, name: 'bash', rise: 95, share: 1, viaChildren: true }),
    ]);
  });

  it('names a process once when both it and its children rose: one rise, marked via children', () => {
    const make = (cpu: number, childCpu: number) => makeProcess({ pid: 300, name: 'make', cpu, childCpu });
    const culprits = attribute('cpu', at(0, [make(0, 10)]), [at(1, [make(30, 70)])]);
    expect(culprits.map((c) => [c.name, c.rise, c.viaChildren ?? false])).toEqual([['make', 90, true]]);
  });

  it('an exited process with reaped children is one culprit, not two with the same pid', () => {
    const py = makeProcess({ pid: 2889, name: 'python3', cpu: 39, childCpu: 4, exited: true });
    const culprits = attribute('cpu', at(0, []), [at(1, [py, makeProcess({ pid: 7, name: 'other', cpu: 20 })])]);
    expect(culprits.map((c) => [c.pid, c.rise, c.viaChildren ?? false, c.exited ?? false])).toEqual([
      [2889, 43, true, true],
      [7, 20, false, false],
    ]);
    expect(new Set(culprits.map((c) => c.pid)).size).toBe(culprits.length);
  });

  it('children CPU below the noise floor does not mark a culprit as via children', () => {
    const p = makeProcess({ pid: 5, name: 'worker', cpu: 80, childCpu: 0.5 });
    expect(attribute('cpu', at(0, []), [at(1, [p])])[0]?.viaChildren).toBeUndefined();
  });

  it('marks processes flagged exited by a burst scan, and those gone by the last sample', () => {
    const during = [
      at(1, [
        makeProcess({ pid: 20, name: 'flash', cpu: 80, exited: true }),
        makeProcess({ pid: 21, name: 'quitter', cpu: 70 }),
        makeProcess({ pid: 22, name: 'stayer', cpu: 30 }),
      ]),
      at(2, [makeProcess({ pid: 22, name: 'stayer', cpu: 30 })]),
    ];
    const byName = new Map(attribute('cpu', at(0, []), during).map((c) => [c.name, c]));
    expect(byName.get('flash')?.exited).toBe(true);
    expect(byName.get('quitter')?.exited).toBe(true);
    expect(byName.get('stayer')?.exited).toBeUndefined();
  });

  it('does not confuse a reused PID with the process that had it before', () => {
    const old = makeProcess({ pid: 500, name: 'old', cpu: 90, startTime: T0 - 60_000 });
    const reborn = makeProcess({ pid: 500, name: 'reborn', cpu: 50, startTime: T0 + 500 });
    const culprits = attribute('cpu', at(0, [old]), [at(1, [reborn])]);
    // Matched by pid alone, 90 → 50 would be a fall and nobody would be blamed.
    expect(culprits).toEqual([expect.objectContaining({ pid: 500, name: 'reborn', startTime: T0 + 500, rise: 50 })]);
  });

  it('drops kernel-thread noise but keeps a kernel thread that really rose', () => {
    const during = [
      at(1, [
        makeProcess({ pid: 2, name: 'kworker/0:1', kernelThread: true, cpu: 4, rss: 0 }),
        makeProcess({ pid: 3, name: 'kswapd0', kernelThread: true, cpu: 45, rss: 0 }),
        makeProcess({ pid: 40, name: 'app', cpu: 30 }),
      ]),
    ];
    expect(attribute('cpu', at(0, []), during).map((c) => c.name)).toEqual(['kswapd0', 'app']);
  });

  it('ignores rises below the noise floor', () => {
    const culprits = attribute('cpu', at(0, []), [at(1, [makeProcess({ pid: 40, name: 'tiny', cpu: 0.5 })])]);
    expect(culprits).toEqual([]);
    expect(attribute('cpu', at(0, []), [at(1, [makeProcess({ pid: 40, name: 'tiny', cpu: 0.5 })])], { minCpuRise: 0.1 })).toHaveLength(1);
  });

  it('keeps the top five by default, or as many as asked', () => {
    const procs = Array.from({ length: 8 }, (_, i) => makeProcess({ pid: 100 + i, name: `w${i}`, cpu: 10 + i }));
    const five = attribute('cpu', at(0, []), [at(1, procs)]);
    expect(five.map((c) => c.name)).toEqual(['w7', 'w6', 'w5', 'w4', 'w3']);
    expect(shareSum(five)).toBeCloseTo(1, 10);
    expect(attribute('cpu', at(0, []), [at(1, procs)], { max: 2 }).map((c) => c.name)).toEqual(['w7', 'w6']);
  });

  it('blames nobody when nothing rose', () => {
    const p = makeProcess({ pid: 10, name: 'flat', cpu: 50 });
    expect(attribute('cpu', at(0, [p]), [at(1, [p])])).toEqual([]);
  });

  it('counts from zero when there is no sample before the spike', () => {
    const culprits = attribute('cpu', undefined, [at(0, [makeProcess({ pid: 10, name: 'first', cpu: 70 })])]);
    expect(culprits[0]).toMatchObject({ name: 'first', rise: 70 });
  });
});

describe('attribute: what is left out', () => {
  it('drops culprits whose share is negligible', () => {
    const before = at(0, [makeProcess({ pid: 1, name: 'big', cpu: 0 }), makeProcess({ pid: 2, name: 'tiny', cpu: 0 })]);
    const culprits = attribute('cpu', before, [at(1, [makeProcess({ pid: 1, name: 'big', cpu: 190 }), makeProcess({ pid: 2, name: 'tiny', cpu: 3 })])]);
    expect(culprits.map((c) => c.name)).toEqual(['big']);
  });

  it('names tmon itself only past a higher bar, and marks it', () => {
    const host = { ...TEST_HOST, monitorPid: 50 };
    const withHost = (i: number, ps: ProcessStats[]) => ({ ...at(i, ps), host });
    const redraw = attribute('cpu', withHost(0, [makeProcess({ pid: 50, name: 'node', cpu: 1 })]), [
      withHost(1, [makeProcess({ pid: 50, name: 'node', cpu: 15 }), makeProcess({ pid: 60, name: 'burn', cpu: 100 })]),
    ]);
    expect(redraw.map((c) => c.name)).toEqual(['burn']);
    const busy = attribute('cpu', withHost(0, [makeProcess({ pid: 50, name: 'node', cpu: 1 })]), [withHost(1, [makeProcess({ pid: 50, name: 'node', cpu: 90 })])]);
    expect(busy).toEqual([expect.objectContaining({ pid: 50, monitor: true })]);
  });

  it('over the wire, a process missing from a later selection is not called exited; one marked exited is', () => {
    const sel = (i: number, ps: ProcessStats[]) => ({ ...at(i, ps), omitted: { count: 100, maxCpu: 2, maxRss: 30 * 1024 * 1024 } });
    const culprits = attribute('cpu', sel(0, []), [
      sel(1, [makeProcess({ pid: 5, name: 'quiet-now', cpu: 80 }), makeProcess({ pid: 6, name: 'gone', cpu: 60 })]),
      sel(2, [makeProcess({ pid: 6, name: 'gone', cpu: 0, exited: true })]),
    ]);
    const byName = new Map(culprits.map((c) => [c.name, c]));
    expect(byName.get('quiet-now')?.exited).toBeUndefined();
    expect(byName.get('gone')?.exited).toBe(true);
  });

  it('over the wire, a running process missing from the baseline selection rises from the most a left-out process used', () => {
    const before = { ...at(0, []), omitted: { count: 100, maxCpu: 4, maxRss: 30 * 1024 * 1024 } };
    const old = makeProcess({ pid: 7, name: 'db', rss: 430 * 1024 * 1024, startTime: T0 - 3_600_000 });
    const fresh = makeProcess({ pid: 8, name: 'new', rss: 100 * 1024 * 1024, startTime: T0 + 500 });
    const culprits = attribute('memory', before, [at(1, [old, fresh])]);
    expect(culprits.map((c) => [c.name, c.rise])).toEqual([
      ['db', 400 * 1024 * 1024],
      ['new', 100 * 1024 * 1024],
    ]);
  });
});

describe('attribute: memory', () => {
  it('uses the peak RSS between scans (rssPeak) when it rose past what the baseline saw', () => {
    const gen = (rss: number, rssPeak?: number) => makeProcess({ pid: 900, name: 'generator', rss, rssPeak });
    const other = (rss: number) => makeProcess({ pid: 901, name: 'cache', rss });
    const culprits = attribute('memory', at(0, [gen(30 * MiB), other(100 * MiB)]), [at(1, [gen(30 * MiB, 530 * MiB), other(150 * MiB)])]);
    expect(culprits.map((c) => [c.name, c.rise])).toEqual([
      ['generator', 500 * MiB],
      ['cache', 50 * MiB],
    ]);
    expect(shareSum(culprits)).toBeCloseTo(1, 10);
  });

  it('does not blame an old high-water mark the baseline already had', () => {
    const gen = makeProcess({ pid: 900, name: 'generator', rss: 30 * MiB, rssPeak: 530 * MiB });
    expect(attribute('memory', at(0, [gen]), [at(1, [gen])])).toEqual([]);
  });

  it('takes the highest RSS over the spike, not the last', () => {
    const p = (rss: number) => makeProcess({ pid: 5, name: 'grower', rss });
    const culprits = attribute('memory', at(0, [p(10 * MiB)]), [at(1, [p(300 * MiB)]), at(2, [p(20 * MiB)])]);
    expect(culprits[0]?.rise).toBe(290 * MiB);
  });

  it('ignores CPU in a memory spike and memory in a CPU spike', () => {
    const before = at(0, [makeProcess({ pid: 1, name: 'busy', cpu: 0, rss: 10 * MiB }), makeProcess({ pid: 2, name: 'fat', cpu: 0, rss: 10 * MiB })]);
    const during = [at(1, [makeProcess({ pid: 1, name: 'busy', cpu: 99, rss: 10 * MiB }), makeProcess({ pid: 2, name: 'fat', cpu: 0, rss: 900 * MiB })])];
    expect(attribute('memory', before, during).map((c) => c.name)).toEqual(['fat']);
    expect(attribute('cpu', before, during).map((c) => c.name)).toEqual(['busy']);
  });

  it('names no process outside the limiting cgroup for its memory; its CPU still counts', () => {
    const mine = (rss: number, cpu = 0) => makeProcess({ pid: 5, name: 'worker', rss, cpu });
    const theirs = (rss: number, cpu = 0) => makeProcess({ pid: 6, name: 'neighbour', rss, cpu, outside: true });
    const before = at(0, [mine(10 * MiB), theirs(10 * MiB)]);
    const during = [at(1, [mine(60 * MiB, 90), theirs(900 * MiB, 50)])];
    expect(attribute('memory', before, during).map((c) => c.name)).toEqual(['worker']);
    expect(attribute('cpu', before, during).map((c) => c.name)).toEqual(['worker', 'neighbour']);
  });

  it('ignores growth below 1 MiB', () => {
    const p = (rss: number) => makeProcess({ pid: 5, name: 'creep', rss });
    expect(attribute('memory', at(0, [p(10 * MiB)]), [at(1, [p(10 * MiB + 4096)])])).toEqual([]);
  });
});

describe('SpikeAttribution', () => {
  it('gives the same culprits incrementally as attribute() over all samples', () => {
    const before = at(0, [makeProcess({ pid: 1, name: 'a', cpu: 5 })]);
    const during = Array.from({ length: 20 }, (_, i) =>
      at(i + 1, [makeProcess({ pid: 1, name: 'a', cpu: 5 + i }), makeProcess({ pid: 2 + (i % 3), name: `b${i % 3}`, cpu: (i * 7) % 40 })]),
    );
    const inc = new SpikeAttribution('cpu', before);
    for (const s of during) inc.add(s);
    expect(inc.culprits()).toEqual(attribute('cpu', before, during));
  });

  it('tracks a bounded number of processes however many come and go during a long spike', () => {
    const a = new SpikeAttribution('cpu', at(0, []));
    for (let i = 0; i < 5000; i++) {
      a.add(at(i + 1, [makeProcess({ pid: 1000 + i, name: `job${i}`, cpu: 1 + (i % 50) }), makeProcess({ pid: 7, name: 'big', cpu: 99 })]));
      expect(a.size).toBeLessThanOrEqual(512);
    }
    const culprits = a.culprits();
    expect(culprits[0]).toMatchObject({ name: 'big', rise: 99 });
    expect(culprits).toHaveLength(5);
    expect(shareSum(culprits)).toBeCloseTo(1, 10);
  });
});
