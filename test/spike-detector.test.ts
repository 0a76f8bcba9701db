import { describe, expect, it } from 'vitest';
import { detectSpikes, SpikeDetector } from '../src/analysis/spike-detector.js';
import type { ProcessStats, Sample } from '../src/core/sample.js';
import type { Spike } from '../src/core/spike.js';
import { makeProcess, makeSample, TEST_HOST } from './helpers/make-sample.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const TOTAL = TEST_HOST.memTotal; // 8 GiB: 80 % is 6.4 GiB
const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);
const sec = (i: number) => T0 + i * 1000;

interface Spec {
  cpu?: number;
  busyMax?: number;
  mem?: number;
  usedMax?: number;
  processes?: ProcessStats[];
}

/** A sample at second i; busyMax/usedMax model a peak inside the interval the tick itself missed. */
function s(i: number, spec: Spec = {}): Sample {
  const base = makeSample({ time: sec(i), cpuBusy: spec.cpu ?? 10, memUsed: spec.mem ?? 2 * GiB, processes: spec.processes ?? [] });
  return {
    ...base,
    cpu: { ...base.cpu, busyMax: spec.busyMax ?? base.cpu.busyMax },
    memory: { ...base.memory, usedMax: spec.usedMax ?? base.memory.usedMax },
  };
}

/** `n` samples from second `from`, each described by f(i). */
function series(from: number, n: number, f: (i: number) => Spec): Sample[] {
  return Array.from({ length: n }, (_, k) => s(from + k, f(from + k)));
}

const quiet = (from: number, n: number) => series(from, n, () => ({}));

describe('SpikeDetector: what is a spike', () => {
  it('finds a CPU spike above the threshold and the baseline, with its start, end, peak, min, avg and baseline', () => {
    const samples = [...quiet(0, 30), s(30, { cpu: 85 }), s(31, { cpu: 97 }), s(32, { cpu: 90 }), ...quiet(33, 10)];
    const spikes = detectSpikes(samples);
    expect(spikes).toHaveLength(1);
    expect(spikes[0]).toMatchObject({
      id: `cpu@${sec(30)}`,
      metric: 'cpu',
      start: sec(30),
      end: sec(32),
      peak: 97,
      peakAt: sec(31),
      min: 85,
      baseline: 10,
      severity: 'critical',
    });
    expect(spikes[0]?.avg).toBeCloseTo((85 + 97 + 90) / 3, 10);
  });

  it('does not call a high but flat level a spike', () => {
    const flatCpu = series(0, 200, (i) => ({ cpu: 90 + (i % 3) }));
    const flatMem = series(0, 200, (i) => ({ mem: 7 * GiB + (i % 5) * MiB }));
    expect(detectSpikes(flatCpu)).toEqual([]);
    expect(detectSpikes(flatMem)).toEqual([]);
  });

  it('needs both the absolute threshold and the margin', () => {
    // 70 → 85: above 80 but only 15 points over the baseline (margin 20).
    expect(detectSpikes([...series(0, 30, () => ({ cpu: 70 })), s(30, { cpu: 85 })])).toEqual([]);
    // 10 → 55: 45 points over the baseline but below 80, and short of a sudden rise (50).
    expect(detectSpikes([...quiet(0, 30), s(30, { cpu: 55 })])).toEqual([]);
    // Lower thresholds make the same 10 → 55 a spike.
    expect(detectSpikes([...quiet(0, 30), s(30, { cpu: 55 })], { cpu: { absolute: 50 } })).toHaveLength(1);
  });

  it('catches a one-sample memory spike through usedMax though used at the tick is low', () => {
    const samples = [...quiet(0, 20), s(20, { mem: 2 * GiB, usedMax: 7 * GiB }), ...quiet(21, 10)];
    const [spike, ...rest] = detectSpikes(samples);
    expect(rest).toEqual([]);
    expect(spike).toMatchObject({
      metric: 'memory',
      start: sec(20),
      end: sec(20),
      peak: 7 * GiB,
      baseline: 2 * GiB,
      min: 2 * GiB,
      avg: 2 * GiB,
      severity: 'careful', // 87.5 % of RAM
    });
  });

  it('catches a one-sample CPU spike through busyMax', () => {
    const spikes = detectSpikes([...quiet(0, 20), s(20, { cpu: 30, busyMax: 99 }), ...quiet(21, 5)]);
    expect(spikes).toHaveLength(1);
    expect(spikes[0]).toMatchObject({ metric: 'cpu', peak: 99, min: 30, avg: 30 });
  });

  it('measures the margin against the median of the last baselineMs, not older history', () => {
    // An hour ago memory sat at 7.5 GiB; the last minute at 5 GiB. A 7.5 GiB peak is +31 points over the recent baseline.
    const samples = [...series(0, 100, () => ({ mem: 7.5 * GiB })), ...series(100, 70, () => ({ mem: 5 * GiB })), s(170, { usedMax: 7.5 * GiB, mem: 5 * GiB })];
    const spikes = detectSpikes(samples);
    expect(spikes).toHaveLength(1);
    expect(spikes[0]).toMatchObject({ start: sec(170), baseline: 5 * GiB });
  });

  it('needs a few samples of baseline first: a peak at start-up is not yet "above the usual"', () => {
    expect(detectSpikes([s(0, { mem: 2 * GiB, usedMax: 7 * GiB }), ...quiet(1, 5)])).toEqual([]);
    const spikes = detectSpikes([...quiet(0, 3), s(3, { mem: 2 * GiB, usedMax: 7 * GiB }), ...quiet(4, 5)]);
    expect(spikes[0]).toMatchObject({ start: sec(3), baseline: 2 * GiB });
  });
});

describe('SpikeDetector: sudden rises on a machine with headroom (severity notice)', () => {
  const MB = 1024 * 1024;
  // TEST_HOST has 8 GiB: 1 point is 82 MB, and the rise must also be a quarter of the baseline and 64 MB.
  const roomy = (i: number, used: number, usedMax = used) => s(i, { mem: used, usedMax });

  it('logs a 400 MB transient at 2 % used, with its culprit, below every absolute threshold', () => {
    const alloc = makeProcess({ pid: 77, name: 'alloc', rss: 410 * MB });
    const samples = [...series(0, 60, (i) => ({ mem: 160 * MB + (i % 3) * MB })), s(60, { mem: 170 * MB, usedMax: 570 * MB, processes: [alloc] }), ...series(61, 10, () => ({ mem: 160 * MB }))];
    const [spike, ...rest] = detectSpikes(samples);
    expect(rest).toEqual([]);
    expect(spike).toMatchObject({ metric: 'memory', severity: 'notice', peak: 570 * MB });
    expect(spike?.culprits[0]).toMatchObject({ pid: 77, name: 'alloc' });
  });

  it('stays quiet at rest, through a steady load, and while a cache or a leak grows slowly', () => {
    const idle = series(0, 600, (i) => ({ cpu: 2 + (i % 4), mem: 500 * MB + ((i * 7919) % 40) * MB }));
    const build = series(0, 600, (i) => ({ cpu: 55 + ((i * 31) % 45), busyMax: 100, mem: 3 * GiB + ((i * 7919) % 300) * MB }));
    const leak = series(0, 600, (i) => ({ mem: 500 * MB + i * 2 * MB }));
    expect(detectSpikes(idle)).toEqual([]);
    expect(detectSpikes(build)).toEqual([]);
    expect(detectSpikes(leak)).toEqual([]);
  });

  it('needs the rise to be large against the baseline, and at least 64 MB', () => {
    // 3 GiB in use: +400 MB is 5 points but only 13 % of the baseline.
    expect(detectSpikes([...series(0, 60, () => ({ mem: 3 * GiB })), roomy(60, 3 * GiB, 3 * GiB + 400 * MB)])).toEqual([]);
    // 1 GiB in use: +470 MB (500 MB faulted in over two samples, the tick catching most of it) is 46 %: a spike.
    expect(detectSpikes([...series(0, 60, () => ({ mem: GiB })), roomy(60, GiB, GiB + 470 * MB)])).toHaveLength(1);
    // 40 MB in use: +90 MB is more than a point and twice the baseline: a spike; +60 MB is under 64 MB.
    expect(detectSpikes([...series(0, 60, () => ({ mem: 40 * MB })), roomy(60, 40 * MB, 130 * MB)])).toHaveLength(1);
    expect(detectSpikes([...series(0, 60, () => ({ mem: 40 * MB })), roomy(60, 40 * MB, 100 * MB)])).toEqual([]);
  });

  it('CPU: a rise of 50 points from a low level; --cpu-rise 0 and --mem-rise 0 turn the rule off', () => {
    const cpu = [...quiet(0, 30), s(30, { cpu: 10, busyMax: 65 })];
    expect(detectSpikes(cpu)).toMatchObject([{ metric: 'cpu', severity: 'notice' }]);
    expect(detectSpikes(cpu, { cpu: { rise: 0 } })).toEqual([]);
    const mem = [...series(0, 60, () => ({ mem: 160 * MB })), roomy(60, 160 * MB, 600 * MB)];
    expect(detectSpikes(mem)).toHaveLength(1);
    expect(detectSpikes(mem, { memory: { rise: 0 } })).toEqual([]);
  });
});

describe('SpikeDetector: merging and closing', () => {
  const high = { cpu: 95 };

  it('merges a repeat after one quiet sample, keeping the first baseline', () => {
    const spikes = detectSpikes([...quiet(0, 30), s(30, high), s(31, { cpu: 40 }), s(32, { cpu: 92 }), ...quiet(33, 10)]);
    expect(spikes).toHaveLength(1);
    expect(spikes[0]).toMatchObject({ start: sec(30), end: sec(32), peak: 95, min: 40, baseline: 10 });
    expect(spikes[0]?.avg).toBeCloseTo((95 + 40 + 92) / 3, 10);
  });

  it('keeps repeats further apart than the gap as separate spikes', () => {
    const spikes = detectSpikes([...quiet(0, 30), s(30, high), ...quiet(31, 4), s(35, high), ...quiet(36, 10)]);
    expect(spikes.map((x) => [x.start, x.end])).toEqual([
      [sec(30), sec(30)],
      [sec(35), sec(35)],
    ]);
  });

  it('honours a custom merge gap', () => {
    const samples = [...quiet(0, 30), s(30, high), ...quiet(31, 4), s(35, high), ...quiet(36, 10)];
    expect(detectSpikes(samples, { mergeGapMs: 6000 })).toHaveLength(1);
    expect(detectSpikes([...quiet(0, 30), s(30, high), s(31), s(32, high), ...quiet(33, 5)], { mergeGapMs: 0 })).toHaveLength(2);
  });

  it('keeps consecutive samples above in one spike even when the interval is longer than the gap', () => {
    const slow = (i: number, cpu: number) => makeSample({ time: T0 + i * 10_000, cpuBusy: cpu, intervalMs: 10_000 });
    const spikes = detectSpikes([slow(0, 10), slow(1, 10), slow(2, 10), slow(3, 95), slow(4, 95), slow(5, 95), slow(6, 10), slow(7, 10)]);
    expect(spikes.map((x) => [x.start, x.end])).toEqual([[T0 + 30_000, T0 + 50_000]]);
  });

  it('treats samples above right after a merged repeat as a continuation, whatever the pause', () => {
    const spikes = detectSpikes([...quiet(0, 30), s(30, high), s(31), s(32, high), s(40, high), ...quiet(41, 5)]);
    expect(spikes.map((x) => [x.start, x.end])).toEqual([[sec(30), sec(40)]]);
  });

  it('reports an ongoing spike with end null, and closes it once the gap has passed without a repeat', () => {
    const d = new SpikeDetector();
    for (const q of quiet(0, 30)) expect(d.push(q)).toEqual([]);

    const opened = d.push(s(30, high));
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ id: `cpu@${sec(30)}`, end: null, peak: 95 });
    expect(d.spikes()).toEqual(opened);

    const updated = d.push(s(31, { cpu: 99 }));
    expect(updated[0]).toMatchObject({ id: `cpu@${sec(30)}`, end: null, peak: 99, peakAt: sec(31) });
    expect(opened[0]?.peak).toBe(95); // what was handed out earlier does not change under its holder

    expect(d.push(s(32))).toEqual([]); // quiet, but a repeat could still merge
    expect(d.spikes()[0]?.end).toBeNull();
    expect(d.push(s(33))).toEqual([]);

    const closed = d.push(s(34));
    expect(closed).toEqual([expect.objectContaining({ id: `cpu@${sec(30)}`, end: sec(31), peak: 99 })]);
    expect(d.spikes()).toEqual(closed);
    for (const q of quiet(35, 20)) expect(d.push(q)).toEqual([]);
    expect(d.spikes()).toEqual(closed);
  });

  it('finish() ends a spike still open when the stream ends at its last sample above', () => {
    const d = new SpikeDetector();
    for (const q of quiet(0, 30)) d.push(q);
    d.push(s(30, high));
    d.push(s(31, { cpu: 99 }));
    d.push(s(32));
    const ended = d.finish();
    expect(ended).toEqual([expect.objectContaining({ id: `cpu@${sec(30)}`, end: sec(31), peak: 99 })]);
    expect(d.spikes()).toEqual(ended);
    // Nothing open is left: a second finish ends nothing.
    expect(d.finish()).toEqual([]);
  });

  it('closes a spike and opens the next in one push when a late repeat arrives', () => {
    const d = new SpikeDetector({ mergeGapMs: 2500 });
    for (const q of quiet(0, 30)) d.push(q);
    d.push(s(30, high));
    d.push(s(31));
    d.push(s(32));
    // Sampling paused: the next sample is 5 s later and above again.
    const out = d.push(s(35, high));
    expect(out.map((x) => [x.id, x.end])).toEqual([
      [`cpu@${sec(30)}`, sec(30)],
      [`cpu@${sec(35)}`, null],
    ]);
  });

  it('drops spikes shorter than minDurationMs and reports longer ones once they qualify', () => {
    const d = new SpikeDetector({ minDurationMs: 3000 });
    for (const q of quiet(0, 30)) d.push(q);
    expect(d.push(s(30, high))).toEqual([]);
    for (const q of quiet(31, 5)) expect(d.push(q)).toEqual([]);
    expect(d.spikes()).toEqual([]);

    expect(d.push(s(40, high))).toEqual([]);
    expect(d.push(s(41, high))).toEqual([]);
    expect(d.push(s(42, high))).toEqual([]);
    const reported = d.push(s(43, high));
    expect(reported).toEqual([expect.objectContaining({ start: sec(40), end: null })]);
  });

  it('ignores a sample that is not newer than the last one', () => {
    const d = new SpikeDetector();
    for (const q of quiet(0, 30)) d.push(q);
    d.push(s(30, high));
    expect(d.push(s(30, { cpu: 100 }))).toEqual([]);
    expect(d.push(s(29, { cpu: 100 }))).toEqual([]);
    expect(d.spikes()[0]?.peak).toBe(95);
  });
});

describe('SpikeDetector: culprits', () => {
  const idle = makeProcess({ pid: 50, name: 'sshd', cpu: 1, rss: 8 * MiB });

  it('names the process that appeared during a CPU spike, with shares summing to 1', () => {
    const other = (cpu: number) => makeProcess({ pid: 60, name: 'postgres', cpu, rss: 400 * MiB });
    const burner = (cpu: number) => makeProcess({ pid: 4242, name: 'burner', cpu, startTime: sec(30) - 200 });
    const samples = [
      ...series(0, 30, () => ({ processes: [idle, other(5)] })),
      s(30, { cpu: 90, processes: [idle, other(15), burner(160)] }),
      s(31, { cpu: 95, processes: [idle, other(20), burner(170)] }),
      ...series(32, 5, () => ({ processes: [idle, other(5)] })),
    ];
    const [spike] = detectSpikes(samples);
    expect(spike?.culprits.map((c) => [c.pid, c.name, c.rise])).toEqual([
      [4242, 'burner', 170],
      [60, 'postgres', 15],
    ]);
    expect(spike?.culprits.reduce((sum, c) => sum + c.share, 0)).toBeCloseTo(1, 10);
  });

  it('names the process behind a brief memory spike and marks it exited when it was gone at the end', () => {
    const gen = (rss: number, extra: Partial<ProcessStats> = {}) => makeProcess({ pid: 777, name: 'alloc', rss, ...extra });
    const samples = [
      ...series(0, 20, () => ({ processes: [idle, gen(30 * MiB)] })),
      s(20, { usedMax: 7 * GiB, processes: [idle, gen(30 * MiB, { rssPeak: 5 * GiB + 30 * MiB, exited: true })] }),
      ...series(21, 5, () => ({ processes: [idle] })),
    ];
    const [spike] = detectSpikes(samples);
    expect(spike?.culprits).toEqual([
      expect.objectContaining({ pid: 777, name: 'alloc', rise: 5 * GiB, share: 1, exited: true }),
    ]);
  });

  it('credits a memory climb over several samples from where it began, not from the sample before the spike', () => {
    // A 3 GB fill faulted in over two samples; the spike starts at the second, when memory crosses 80 %
    // (the first step, 700 MB on 3.5 GB, is no spike). A process that started then with 1 GB is the smaller culprit.
    const filler = (rss: number) => makeProcess({ pid: 300, name: 'filler', rss, startTime: sec(0) - 60_000 });
    const late = makeProcess({ pid: 301, name: 'late', rss: GiB, startTime: sec(21) - 100 });
    const samples = [
      ...series(0, 20, () => ({ mem: 3.5 * GiB, processes: [idle, filler(100 * MiB)] })),
      s(20, { mem: 4.2 * GiB, processes: [idle, filler(800 * MiB)] }),
      s(21, { mem: 7.5 * GiB, processes: [idle, filler(3100 * MiB), late] }),
      ...series(22, 5, () => ({ mem: 3.5 * GiB, processes: [idle] })),
    ];
    const memory = detectSpikes(samples).filter((x) => x.metric === 'memory');
    expect(memory).toHaveLength(1);
    expect(memory[0]?.start).toBe(sec(21));
    expect(memory[0]?.culprits.map((c) => [c.name, c.rise])).toEqual([
      ['filler', 3000 * MiB],
      ['late', GiB],
    ]);
  });

  it('names the parent of short-lived children through childCpu', () => {
    const cron = (childCpu: number) => makeProcess({ pid: 90, name: 'cron', cpu: 0, childCpu });
    const samples = [...series(0, 20, () => ({ processes: [cron(0)] })), s(20, { cpu: 20, busyMax: 95, processes: [cron(85)] }), ...series(21, 5, () => ({ processes: [cron(0)] }))];
    const [spike] = detectSpikes(samples);
    expect(spike?.culprits).toEqual([expect.objectContaining({ name: 'cron', pid: 90, viaChildren: true, share: 1 })]);
  });

  it('updates the culprits as the spike grows', () => {
    const d = new SpikeDetector();
    for (const q of series(0, 30, () => ({ processes: [idle] }))) d.push(q);
    const first = d.push(s(30, { cpu: 90, processes: [idle, makeProcess({ pid: 1, name: 'a', cpu: 150 })] }));
    expect(first[0]?.culprits.map((c) => c.name)).toEqual(['a']);
    const second = d.push(s(31, { cpu: 95, processes: [idle, makeProcess({ pid: 1, name: 'a', cpu: 20 }), makeProcess({ pid: 2, name: 'b', cpu: 180 })] }));
    expect(second[0]?.culprits.map((c) => c.name)).toEqual(['b', 'a']);
  });
});

describe('SpikeDetector: a session', () => {
  /** Issue 5's generator: +5 GiB for a fraction of a second every 5 s, sampled at 1 Hz; each spike seen only via usedMax. */
  function generatorSession(): Sample[] {
    const samples: Sample[] = [];
    for (let i = 0; i < 80; i++) {
      const spiking = i >= 30 && (i - 30) % 5 === 0;
      const gen = makeProcess({ pid: 6000, name: 'memgen', rss: 20 * MiB, ...(spiking ? { rssPeak: 5 * GiB + (i % 7) * MiB } : {}) });
      const cpu = i % 17 === 3 ? 98 : 12 + (i % 4);
      samples.push(s(i, { cpu, usedMax: spiking ? 7 * GiB : undefined, processes: [gen, makeProcess({ pid: 1, name: 'init', cpu: 0.1 })] }));
    }
    return samples;
  }

  it('keeps each 5-second repeat as its own spike with the defaults, each naming the generator', () => {
    const mem = detectSpikes(generatorSession()).filter((x) => x.metric === 'memory');
    expect(mem).toHaveLength(10);
    for (const spike of mem) expect(spike.culprits[0]).toMatchObject({ pid: 6000, name: 'memgen' });
  });

  it('gives the same spikes from detectSpikes as from pushing one sample at a time', () => {
    const samples = generatorSession();
    const d = new SpikeDetector();
    const lastSeen = new Map<string, Spike>();
    for (const sample of samples) for (const spike of d.push(sample)) lastSeen.set(spike.id, spike);
    const batch = detectSpikes(samples);
    expect(batch.length).toBeGreaterThan(10);
    expect(d.spikes()).toEqual(batch);
    expect([...lastSeen.values()].sort((a, b) => a.start - b.start || a.metric.localeCompare(b.metric))).toEqual(batch);
  });

  it('lists spikes of both metrics oldest first', () => {
    const starts = detectSpikes(generatorSession()).map((x) => x.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('keeps a bounded baseline however long the session', () => {
    const d = new SpikeDetector();
    let t = 0;
    const sample = makeSample({ time: T0 });
    for (let i = 0; i < 100_000; i++) {
      t = T0 + i * 1000;
      // Same body, new time: the cost under test is the detector's, not building samples.
      expect(d.push({ ...sample, time: t })).toEqual([]);
    }
    // 60 s of 1 Hz values per metric, not 100 000.
    expect(d.baselineSize).toBeLessThanOrEqual(2 * 61);
    expect(d.baselineSize).toBeGreaterThanOrEqual(2 * 59);
    expect(d.spikes()).toEqual([]);
    expect(d.push({ ...sample, time: t + 1000, memory: { ...sample.memory, usedMax: TOTAL * 0.9 } })).toHaveLength(1);
  });
});
