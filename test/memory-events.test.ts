import { describe, expect, test } from 'vitest';
import { MemoryEvents, vanished } from '../src/analysis/memory-events.js';
import { RecentSamples } from '../src/analysis/recent-samples.js';
import { SpikeDetector } from '../src/analysis/spike-detector.js';
import type { ProcessStats, Sample } from '../src/core/sample.js';
import type { Spike } from '../src/core/spike.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const MB = 1024 * 1024;
const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);

const shell = makeProcess({ pid: 10, name: 'bash', rss: 5 * MB });
const alloc = makeProcess({ pid: 42, name: 'alloc', rss: 61 * MB });
const small = makeProcess({ pid: 43, name: 'small', rss: 2 * MB });

function sample(i: number, processes: ProcessStats[], memory: Partial<Sample['memory']> = {}): Sample {
  const s = makeSample({ time: T0 + i * 1000, memUsed: 60 * MB, processes });
  s.memory = { ...s.memory, total: 64 * MB, limit: 64 * MB, ...memory };
  return s;
}

function run(samples: Sample[], gapMs = 2500): Spike[] {
  const events = new MemoryEvents(gapMs);
  const recent = new RecentSamples();
  const out: Spike[] = [];
  for (const s of samples) {
    out.push(...events.step(s, recent));
    recent.push(s);
  }
  return out;
}

describe('vanished', () => {
  test('gone since the sample before, a zombie now, or seen only by a burst scan: largest first, each once', () => {
    const prev = sample(0, [shell, alloc, small]);
    const zombie = { ...small, state: 'Z', rss: 0 };
    const burst = makeProcess({ pid: 50, name: 'brief', rss: 30 * MB, exited: true });
    const cur = sample(1, [shell, zombie, burst]);
    expect(vanished(prev, cur).map((p) => [p.pid, p.rss])).toEqual([
      [42, 61 * MB],
      [50, 30 * MB],
      [43, 2 * MB],
    ]);
    // A kernel thread that ended is no OOM victim: the OOM killer never picks one.
    const kworker = makeProcess({ pid: 60, name: 'kworker/1:2', rss: 0, kernelThread: true });
    expect(vanished(sample(0, [shell, kworker]), sample(1, [shell]))).toEqual([]);
    // Present in both as alive: not vanished.
    expect(vanished(prev, sample(1, [shell, alloc, small]))).toEqual([]);
    // Killed and exiting: its memory is gone before it is a zombie. Named with the RSS it had.
    expect(vanished(prev, sample(1, [shell, { ...alloc, state: 'R', rss: 0 }, small])).map((p) => [p.pid, p.rss])).toEqual([[42, 61 * MB]]);
  });
});

describe('OOM kills', () => {
  test('a kill names the largest process that vanished, with its last RSS', () => {
    const got = run([sample(0, [shell, alloc, small]), sample(1, [shell, small], { oomKills: 1, usedMax: 64 * MB })]);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ id: `oom@${T0 + 1000}`, metric: 'oom', start: T0 + 1000, end: T0 + 1000, peak: 64 * MB, severity: 'critical' });
    expect(got[0]?.culprits).toEqual([
      { pid: 42, name: 'alloc', cmd: 'alloc', user: 'alice', startTime: alloc.startTime, rise: 61 * MB, share: 1, exited: true },
    ]);
  });

  test('a larger process outside the limiting cgroup that ended in the same interval is not the victim', () => {
    const elsewhere = makeProcess({ pid: 77, name: 'other-job', rss: 900 * MB, outside: true });
    const got = run([sample(0, [shell, alloc, small, elsewhere]), sample(1, [shell, small], { oomKills: 1, usedMax: 64 * MB })]);
    expect(got[0]?.culprits.map((c) => c.pid)).toEqual([42]);
    // Left out as a victim wherever it vanished: alive before and seen exiting by a burst scan alike.
    expect(vanished(sample(0, [elsewhere]), sample(1, [{ ...elsewhere, pid: 78, exited: true }]))).toEqual([]);
  });

  test('two kills name two; no kill counted, no event however many processes exit', () => {
    const two = run([sample(0, [shell, alloc, small]), sample(1, [shell], { oomKills: 2 })]);
    expect(two[0]?.culprits.map((c) => c.pid)).toEqual([42, 43]);
    expect(run([sample(0, [shell, alloc, small]), sample(1, [shell])])).toEqual([]);
  });

  test('a victim gone by the sample before its kill was counted is still named', () => {
    const got = run([sample(0, [shell, alloc]), sample(1, [shell]), sample(2, [shell], { oomKills: 1 })]);
    expect(got.map((e) => [e.id, e.end, e.culprits.map((c) => [c.pid, c.rise])])).toEqual([[`oom@${T0 + 2000}`, T0 + 2000, [[42, 61 * MB]]]]);
  });

  test('a victim that gave its memory back while exiting is named with the RSS it was killed at', () => {
    // 61 MB, then 0 while dying (still running), then gone (sent once more as exited, RSS 0) as the kill is counted.
    const dying = { ...alloc, rss: 0 };
    const events = run([sample(0, [shell, alloc]), sample(1, [shell, dying]), sample(2, [shell, { ...dying, exited: true }], { oomKills: 1 })]);
    expect(events.find((e) => e.metric === 'oom')?.culprits).toEqual([expect.objectContaining({ pid: 42, rise: 61 * MB, exited: true })]);
  });

  test('a victim still exiting at the kill sample is named by the next one, and only then is the event closed', () => {
    const got = run([sample(0, [shell, alloc]), sample(1, [shell, alloc], { oomKills: 1 }), sample(2, [shell])]);
    expect(got.map((e) => [e.id, e.end, e.culprits.map((c) => c.pid)])).toEqual([
      [`oom@${T0 + 1000}`, null, []],
      [`oom@${T0 + 1000}`, T0 + 1000, [42]],
    ]);
  });
});

describe('limit hits', () => {
  test('hits in samples within the merge gap are one event, closed at its last hit once the gap has passed', () => {
    const grow = { ...alloc, rss: 40 * MB };
    const got = run([
      sample(0, [shell, { ...alloc, rss: 10 * MB }]),
      sample(1, [shell, grow], { limitHits: 3, usedMax: 63 * MB }),
      sample(2, [shell, alloc], { limitHits: 1 }),
      sample(3, [shell, alloc]),
      sample(4, [shell, alloc]),
      sample(5, [shell, alloc]),
    ]);
    const last = got[got.length - 1];
    expect(new Set(got.map((e) => e.id))).toEqual(new Set([`limit@${T0 + 1000}`]));
    expect(last).toMatchObject({ metric: 'limit', start: T0 + 1000, end: T0 + 2000, peak: 63 * MB, severity: 'warning' });
    expect(last?.culprits[0]).toMatchObject({ pid: 42, rise: 51 * MB });
    expect(got.slice(0, -1).every((e) => e.end === null)).toBe(true);
  });

  test('finish() closes an entry still open at its last hit', () => {
    const events = new MemoryEvents(2500);
    const recent = new RecentSamples();
    for (const s of [sample(0, [shell, { ...alloc, rss: 10 * MB }]), sample(1, [shell, alloc], { limitHits: 2, usedMax: 63 * MB }), sample(2, [shell, alloc])]) {
      expect(events.step(s, recent).every((e) => e.end === null)).toBe(true);
      recent.push(s);
    }
    expect(events.finish()).toEqual([expect.objectContaining({ id: `limit@${T0 + 1000}`, end: T0 + 1000 })]);
    expect(events.finish()).toEqual([]);
  });

  test('a climb to the limit over several samples is credited from where it began', () => {
    const at = (rss: number) => ({ ...alloc, rss: rss * MB });
    const got = run([
      sample(0, [shell, at(10)], { used: 20 * MB, usedMax: 20 * MB }),
      sample(1, [shell, at(35)], { used: 45 * MB, usedMax: 45 * MB }),
      sample(2, [shell, at(52)], { used: 62 * MB, usedMax: 63 * MB, limitHits: 2 }),
      sample(5, [shell, at(52)]),
    ]);
    expect(got.at(-1)?.culprits[0]).toMatchObject({ pid: 42, rise: 42 * MB });
  });

  test('hits while the working set is well below the limit (file cache being reclaimed) are not logged', () => {
    expect(run([sample(0, [shell]), sample(1, [shell], { used: 30 * MB, usedMax: 40 * MB, limitHits: 500 })])).toEqual([]);
  });
});

describe('through the SpikeDetector', () => {
  test('the events are in the detector’s log with the spikes, found again from the same samples', () => {
    const samples = [sample(0, [shell, alloc]), sample(1, [shell], { oomKills: 1 }), sample(2, [shell])];
    const d = new SpikeDetector();
    for (const s of samples) d.push(s);
    const oom = d.spikes().filter((s) => s.metric === 'oom');
    expect(oom.map((s) => s.culprits[0]?.name)).toEqual(['alloc']);
  });
});
