import { describe, expect, it } from 'vitest';
import type { Spike } from '../src/core/spike.js';
import { PageData, MAX_PAGE_SAMPLES } from '../web/page-data.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const GiB = 1024 ** 3;
const T0 = Date.UTC(2026, 10, 30, 6, 0, 0);

/** Ten quiet seconds, a 4 GB allocation by `alloc` at 10–11 s, quiet again, another at 20 s. */
function series(): ReturnType<typeof makeSample>[] {
  return Array.from({ length: 30 }, (_, i) => {
    const high = i === 10 || i === 11 || i === 20;
    const alloc = makeProcess({ pid: 4242, name: 'alloc', rss: high ? 4 * GiB : 10 * 1024 * 1024 });
    return makeSample({ time: T0 + i * 1000, memUsed: (high ? 6 : 2) * GiB, processes: [alloc] });
  });
}

describe('PageData', () => {
  it('keeps samples in time order, finds their spikes with its own detector, and ignores a resent one', () => {
    const data = new PageData({ memory: { absolute: 30, margin: 5 } });
    const samples = series();
    for (const s of samples) expect(data.add(s)).toBe(true);
    expect(data.add(samples[5] as (typeof samples)[number])).toBe(false);
    expect(data.samples).toHaveLength(30);
    const spikes = data.spikes().filter((s) => s.metric === 'memory');
    expect(spikes.map((s) => s.start)).toEqual([T0 + 10_000, T0 + 20_000]);
    expect(spikes[0]?.culprits.map((c) => c.name)).toContain('alloc');
  });

  it('follows the newest sample until the cursor moves; steps and spike-to-spike jumps move it', () => {
    const data = new PageData({ memory: { absolute: 30, margin: 5 } });
    for (const s of series()) data.add(s);
    expect(data.cursor).toBeNull();
    expect(data.current()?.time).toBe(T0 + 29_000);
    data.step(-3);
    expect(data.current()?.time).toBe(T0 + 26_000);
    expect(data.jump(-1)?.start).toBe(T0 + 20_000);
    expect(data.current()?.time).toBe(T0 + 20_000);
    expect(data.jump(-1)?.start).toBe(T0 + 10_000);
    expect(data.jump(-1)).toBeUndefined();
    expect(data.current()?.time).toBe(T0 + 10_000);
    expect(data.jump(1)?.start).toBe(T0 + 20_000);
    data.step(-100);
    expect(data.current()?.time).toBe(T0);
    // A cursor between samples shows the last one at or before it.
    data.cursor = T0 + 4_500;
    expect(data.current()?.time).toBe(T0 + 4_000);
    data.step(100);
    expect(data.cursor).toBeNull();
  });

  it(`keeps at most about ${MAX_PAGE_SAMPLES} samples, dropping the oldest`, () => {
    const data = new PageData();
    for (let i = 0; i < MAX_PAGE_SAMPLES + 700; i++) data.add(makeSample({ time: T0 + i * 1000 }));
    expect(data.samples.length).toBeLessThanOrEqual(MAX_PAGE_SAMPLES + 600);
    expect(data.samples.length).toBeGreaterThanOrEqual(MAX_PAGE_SAMPLES);
    expect(data.samples.at(-1)?.time).toBe(T0 + (MAX_PAGE_SAMPLES + 699) * 1000);
  });

  it('with a store: spikes before the live samples come from its index, and a cursor older than the live samples works on the stored window', () => {
    const data = new PageData({ memory: { absolute: 30, margin: 5 } });
    for (const s of series()) data.add(s);
    data.storeKept = true;
    const night = T0 - 6 * 3600_000;
    const storedSpike = { ...(data.spikes()[0] as Spike), id: `memory@${night + 60_000}`, start: night + 60_000, peakAt: night + 60_000, end: night + 61_000 };
    // A stored spike the page's own detector also found (same id, inside the live samples) is not listed twice.
    data.storedSpikes = [storedSpike, data.spikes()[0] as Spike];
    expect(data.spikes().map((s) => s.start)).toEqual([night + 60_000, T0 + 10_000, T0 + 20_000]);

    // p from the first live spike goes to the stored one: stored samples are needed there.
    data.cursor = T0 + 10_000;
    expect(data.jump(-1)?.start).toBe(night + 60_000);
    expect(data.needsStored()).toBe(true);
    expect(data.onStored()).toBe(false);
    const stored = Array.from({ length: 120 }, (_, i) => makeSample({ time: night + i * 1000 }));
    data.window = { from: night, to: night + 119_000, samples: stored };
    expect(data.needsStored()).toBe(false);
    expect(data.onStored()).toBe(true);
    expect(data.shown()).toBe(stored);
    expect(data.current()?.time).toBe(night + 60_000);

    // Past the window's older end: the cursor goes just before it, for the caller to load.
    data.step(-100);
    expect(data.cursor).toBe(night - 1);
    expect(data.needsStored()).toBe(true);
    // Past its newer end, while the live samples are further on: just after it.
    data.cursor = night + 119_000;
    data.step(1);
    expect(data.cursor).toBe(night + 119_001);
    expect(data.needsStored()).toBe(true);
    // A window that reaches the live samples hands over to them.
    data.window = { from: night, to: T0 - 1, samples: stored };
    data.cursor = night + 119_000;
    data.step(1);
    expect(data.cursor).toBe(T0);
    expect(data.onStored()).toBe(false);
    expect(data.current()?.time).toBe(T0);
  });

  it('without a store the cursor stops at the oldest live sample and nothing is to load', () => {
    const data = new PageData();
    for (const s of series()) data.add(s);
    data.cursor = T0 + 2_000;
    data.step(-10);
    expect(data.cursor).toBe(T0);
    expect(data.needsStored()).toBe(false);
  });

  it('refuses thresholds out of range, as the CLI does', () => {
    expect(() => new PageData({ memory: { absolute: 900 } })).toThrow(RangeError);
  });
});
