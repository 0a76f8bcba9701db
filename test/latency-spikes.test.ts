import { describe, expect, it } from 'vitest';
import { MAX_LATENCY_TARGETS } from '../src/analysis/latency-spikes.js';
import { detectSpikes, SpikeDetector } from '../src/analysis/spike-detector.js';
import type { ProbeResult } from '../src/core/probe.js';
import type { Sample } from '../src/core/sample.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
const sec = (i: number) => T0 + i * 1000;
const A = 'https://a.example/health';
const B = 'tcp://127.0.0.1:5432';

/** A round trip in ms, or 'down'. */
type Answer = number | 'down';

function probe(target: string, a: Answer): ProbeResult {
  return a === 'down' ? { target, up: false, error: 'timeout' } : { target, up: true, ms: a };
}

/** A sample at second i carrying these probe answers (a quiet machine otherwise). */
function s(i: number, answers: Record<string, Answer>, extra: Partial<Sample> = {}): Sample {
  return { ...makeSample({ time: sec(i), cpuBusy: 10 }), probes: Object.entries(answers).map(([t, a]) => probe(t, a)), ...extra };
}

/** Samples from second `from` to `to` (exclusive), each with f(i)'s answers. */
function run(from: number, to: number, f: (i: number) => Record<string, Answer>): Sample[] {
  return Array.from({ length: to - from }, (_, k) => s(from + k, f(from + k)));
}

describe('latency spikes, one series per probe target', () => {
  it('logs a round trip well above its usual one, naming the target and no process', () => {
    // A burns CPU while A's round trip jumps: a culprit must still not be named for the network.
    const burner = makeProcess({ pid: 4242, name: 'burner', cpu: 95 });
    const samples = [
      ...run(0, 30, () => ({ [A]: 20, [B]: 1 })),
      s(30, { [A]: 400, [B]: 1 }, { processes: [burner] }),
      s(31, { [A]: 650, [B]: 1.2 }, { processes: [burner] }),
      ...run(32, 40, () => ({ [A]: 21, [B]: 1 })),
    ];
    const spikes = detectSpikes(samples).filter((x) => x.metric === 'latency');
    expect(spikes).toHaveLength(1);
    expect(spikes[0]).toMatchObject({ metric: 'latency', target: A, start: sec(30), end: sec(31), peak: 650, peakAt: sec(31), min: 400, baseline: 20, severity: 'careful', culprits: [] });
    expect(spikes[0]?.avg).toBe(525);
  });

  it('judges each target against its own usual level, with ids told apart when two start together', () => {
    const samples = [...run(0, 20, () => ({ [A]: 300, [B]: 1 })), s(20, { [A]: 310, [B]: 250 }), s(21, { [A]: 900, [B]: 300 }), ...run(22, 30, () => ({ [A]: 300, [B]: 1 }))];
    const spikes = detectSpikes(samples);
    // A at 310 is its usual; 900 is three times it. B's 250 is 250 times its 1 ms.
    expect(spikes.map((x) => [x.target, x.start, x.severity])).toEqual([
      [B, sec(20), 'notice'],
      [A, sec(21), 'careful'],
    ]);
    const both = detectSpikes([...run(0, 10, () => ({ [A]: 10, [B]: 10 })), s(10, { [A]: 500, [B]: 500 }), ...run(11, 15, () => ({ [A]: 10, [B]: 10 }))]);
    expect(both.map((x) => x.target)).toEqual([A, B]);
    expect(new Set(both.map((x) => x.id)).size).toBe(2);
    expect(both[0]?.id).toMatch(new RegExp(`^latency@${sec(10)}#[0-9a-f]{8}$`));
  });

  it('needs both the factor and the margin: jitter on a fast link and a slow site at its usual are no spikes', () => {
    const jitter = [...run(0, 20, () => ({ [A]: 0.3 })), s(20, { [A]: 60 }), ...run(21, 25, () => ({ [A]: 0.3 }))];
    expect(detectSpikes(jitter)).toEqual([]);
    const steady = run(0, 60, (i) => ({ [A]: i % 2 === 0 ? 800 : 1200 }));
    expect(detectSpikes(steady)).toEqual([]);
    // Settable: a margin of 10 ms makes the jitter a spike.
    expect(detectSpikes(jitter, { latency: { margin: 10 } }).map((x) => x.target)).toEqual([A]);
  });

  it('calls nothing a spike before the target has a usual level (3 answers)', () => {
    expect(detectSpikes([s(0, { [A]: 10 }), s(1, { [A]: 10 }), s(2, { [A]: 900 })])).toEqual([]);
  });

  it('a down stretch is no spike, and ends an open one like a quiet stretch', () => {
    const down = [...run(0, 20, () => ({ [A]: 20 })), ...run(20, 40, () => ({ [A]: 'down' })), ...run(40, 50, () => ({ [A]: 20 }))];
    expect(detectSpikes(down)).toEqual([]);
    const d = new SpikeDetector();
    for (const x of run(0, 20, () => ({ [A]: 20 }))) d.push(x);
    d.push(s(20, { [A]: 700 }));
    expect(d.spikes()[0]?.end).toBeNull();
    for (const x of run(21, 25, () => ({ [A]: 'down' }))) d.push(x);
    // Closed at its last sample above once the merge gap passed, while the target was still down.
    expect(d.spikes()).toHaveLength(1);
    expect(d.spikes()[0]).toMatchObject({ target: A, start: sec(20), end: sec(20), min: 700, avg: 700 });
  });

  it('a target that leaves the samples is closed like a quiet one, and the targets followed stay bounded', () => {
    const d = new SpikeDetector();
    for (const x of run(0, 10, () => ({ [A]: 20 }))) d.push(x);
    d.push(s(10, { [A]: 700 }));
    for (const x of run(11, 15, () => ({}))) d.push(x);
    expect(d.spikes()[0]?.end).toBe(sec(10));
    const many = new SpikeDetector();
    for (let i = 0; i < 20; i++) {
      const answers = Object.fromEntries(Array.from({ length: 50 }, (_, k) => [`tcp://10.0.${i}.${k}:80`, 5]));
      many.push(s(i, answers));
    }
    // Each followed target holds one value per sample; CPU and memory hold 20 each.
    expect(many.baselineSize).toBeLessThanOrEqual(2 * 20 + MAX_LATENCY_TARGETS * 20);
    const forgotten = new SpikeDetector();
    for (const x of run(0, 5, () => ({ [A]: 20 }))) forgotten.push(x);
    for (const x of run(5, 70, () => ({}))) forgotten.push(x);
    expect(forgotten.baselineSize).toBe(2 * 60);
  });
});
