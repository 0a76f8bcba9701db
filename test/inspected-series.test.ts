import { describe, expect, it } from 'vitest';
import { processSeries } from '../src/analysis/process-series.js';
import { processKey, type Sample } from '../src/core/sample.js';
import type { Timeline } from '../src/core/timeline.js';
import { SampleHistory } from '../src/core/sample-history.js';
import { InspectedSeries } from '../src/ui/inspected-series.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const T = 1_800_000_000_000;
const worker = makeProcess({ pid: 42, name: 'worker' });
const KEY = processKey(worker);

function sampleAt(second: number, cpu = second % 100): Sample {
  return makeSample({ time: T + second * 1000, processes: [{ ...worker, cpu, rss: (second + 1) * 1024 }] });
}

/** A live history that counts the samples read from it, one by one or in slices. */
class CountingHistory extends SampleHistory {
  reads = 0;
  override at(index: number): Sample | undefined {
    this.reads++;
    return super.at(index);
  }
  override slice(start: number, end: number): Sample[] {
    const out = super.slice(start, end);
    this.reads += out.length;
    return out;
  }
}

function whole(tl: Timeline): Sample[] {
  return tl.slice(0, tl.length);
}

describe('InspectedSeries', () => {
  it('is null, and forgets its series, while no process is inspected', () => {
    const h = new SampleHistory(10);
    for (let t = 0; t < 10; t++) h.push(sampleAt(t));
    const series = new InspectedSeries();
    expect(series.points(h, KEY)).toHaveLength(10);
    // Closed, then opened again on a timeline that overlaps the last one and goes further: read whole,
    // not the old series with the new samples appended.
    const window = new SampleHistory(100);
    for (let t = 5; t < 15; t++) window.push(sampleAt(t, 50));
    expect(series.points(window, null)).toBeNull();
    expect(series.points(window, KEY)).toEqual(processSeries(whole(window), KEY));
  });

  it('follows a live history that moves forward by reading only its new samples, dropping what left it', () => {
    const h = new CountingHistory(500);
    for (let t = 0; t < 500; t++) h.push(sampleAt(t));
    const series = new InspectedSeries();
    expect(series.points(h, KEY)).toEqual(processSeries(whole(h), KEY));
    for (let t = 500; t < 503; t++) h.push(sampleAt(t));
    h.reads = 0;
    const points = series.points(h, KEY);
    // Three new samples, the two ends and a binary search: far from the 500 held.
    expect(h.reads).toBeLessThan(30);
    expect(points).toEqual(processSeries(whole(h), KEY));
    expect(points?.[0]?.time).toBe(T + 3000);
  });

  it('reads anew for another process, or after reset() (a window swapped in)', () => {
    const h = new SampleHistory(100);
    for (let t = 0; t < 10; t++) h.push(sampleAt(t));
    const series = new InspectedSeries();
    series.points(h, KEY);
    expect(series.points(h, 'other')).toEqual([]);
    // Overlapping the history and going further: only reset() tells its samples from the history's.
    const window = new SampleHistory(100);
    for (let t = 5; t < 15; t++) window.push(sampleAt(t, 50));
    series.points(h, KEY);
    series.reset();
    expect(series.points(window, KEY)).toEqual(processSeries(whole(window), KEY));
  });
});
