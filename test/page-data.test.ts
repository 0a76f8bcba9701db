import { describe, expect, it } from 'vitest';
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

  it('refuses thresholds out of range, as the CLI does', () => {
    expect(() => new PageData({ memory: { absolute: 900 } })).toThrow(RangeError);
  });
});
