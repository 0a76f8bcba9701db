import { describe, expect, it } from 'vitest';
import { RAMP_MS, RecentSamples } from '../src/analysis/recent-samples.js';
import type { Sample } from '../src/core/sample.js';
import { makeSample } from './helpers/make-sample.js';

const MB = 1024 * 1024;
const T0 = Date.UTC(2026, 10, 30, 2, 0, 0);

function sample(ms: number, usedMb: number, usedMaxMb = usedMb): Sample {
  const s = makeSample({ time: T0 + ms, memUsed: usedMb * MB });
  s.memory = { ...s.memory, usedMax: usedMaxMb * MB };
  return s;
}

describe('RecentSamples', () => {
  it('holds the samples of the last RAMP_MS, whatever the interval, and always the two newest', () => {
    const fast = new RecentSamples();
    for (let ms = 0; ms <= 10_000; ms += 200) fast.push(sample(ms, 1000));
    // At 200 ms a 5 s climb spans 25 samples: the first of them is still there.
    fast.push(sample(10_200, 1000));
    expect(fast.prev?.time).toBe(T0 + 10_200);
    expect(fast.before?.time).toBe(T0 + 10_000);
    const slow = new RecentSamples();
    slow.push(sample(0, 1000));
    slow.push(sample(30_000, 1000));
    slow.push(sample(60_000, 1000));
    expect([slow.before?.time, slow.prev?.time]).toEqual([T0 + 30_000, T0 + 60_000]);
  });

  it('finds where a memory climb began: the latest sample near the lowest peak of the window, even at 200 ms', () => {
    const r = new RecentSamples();
    for (let ms = 0; ms < 2000; ms += 200) r.push(sample(ms, 1000 + (ms % 400 === 0 ? 0 : 5)));
    // A climb of 20 samples (4 s): 25 MB each.
    for (let i = 1; i <= 20; i++) r.push(sample(2000 + i * 200, 1000 + i * 25));
    expect(r.climbStart(T0 + 6200)?.time).toBe(T0 + 1800);
    expect(RAMP_MS).toBeGreaterThanOrEqual(4000);
    // A peak inside an interval counts, not only the tick: a sample whose fast watch saw the climb is no start.
    const q = new RecentSamples();
    q.push(sample(0, 1000));
    q.push(sample(1000, 1000, 1400));
    q.push(sample(2000, 1300));
    expect(q.climbStart(T0 + 3000)?.time).toBe(T0);
  });

  it('at a slow interval looks back no further than RAMP_MS from the sample judged: the one before it', () => {
    for (const every of [5000, 30_000]) {
      const r = new RecentSamples();
      r.push(sample(0, 1000));
      r.push(sample(every, 1300));
      // The two samples are kept, but the older lies beyond RAMP_MS of the one being judged.
      expect(r.before?.time).toBe(T0);
      expect(r.climbStart(T0 + 2 * every)?.time).toBe(T0 + every);
    }
  });

  it('has nothing before the first sample', () => {
    const r = new RecentSamples();
    expect([r.prev, r.before, r.climbStart(T0)]).toEqual([undefined, undefined, undefined]);
  });
});
