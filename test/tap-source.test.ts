import { describe, expect, it } from 'vitest';
import { tapSource } from '../src/commands/tap-source.js';
import { peekFirst } from '../src/commands/peek-source.js';
import type { Sample } from '../src/core/sample.js';
import type { SampleSource } from '../src/core/source.js';
import { makeSample } from './helpers/make-sample.js';

/** A source with state of its own, like LiveSource's interval. */
class CountingSource implements SampleSource {
  readonly label = 'test';
  readonly kind = 'live' as const;
  intervalMs = 1000;
  closed = false;
  constructor(private readonly items: Sample[]) {}
  setIntervalMs(ms: number): void {
    this.intervalMs = ms;
  }
  async *samples(): AsyncGenerator<Sample> {
    yield* this.items;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const samples = [1000, 2000, 3000].map((time) => makeSample({ time }));

async function all(source: SampleSource): Promise<number[]> {
  const times: number[] = [];
  for await (const s of source.samples()) times.push(s.time);
  return times;
}

describe('tapSource', () => {
  it('calls back for each sample and keeps the original’s state in one place', async () => {
    const inner = new CountingSource(samples);
    const seen: number[] = [];
    const tapped = tapSource(inner, (s) => seen.push(s.time), () => undefined);
    tapped.setIntervalMs(250);
    expect(inner.intervalMs).toBe(250);
    expect(tapped.intervalMs).toBe(250);
    expect(await all(tapped)).toEqual([1000, 2000, 3000]);
    expect(seen).toEqual([1000, 2000, 3000]);
    await tapped.close();
    expect(inner.closed).toBe(true);
  });

  it('never lets a failing tap stop the stream', async () => {
    const errors: unknown[] = [];
    const tapped = tapSource(
      new CountingSource(samples),
      () => {
        throw new Error('disk full');
      },
      (e) => errors.push(e),
    );
    expect(await all(tapped)).toEqual([1000, 2000, 3000]);
    expect(errors).toHaveLength(3);
  });
});

describe('peekFirst', () => {
  it('returns the first sample and a source that still yields it', async () => {
    const { first, source } = await peekFirst(new CountingSource(samples));
    expect(first.time).toBe(1000);
    expect(await all(source)).toEqual([1000, 2000, 3000]);
  });

  it('says so when the source ends before its first sample', async () => {
    await expect(peekFirst(new CountingSource([]))).rejects.toThrow('test ended before its first sample');
  });
});
