import type { Sample } from './sample.js';
import { RingBuffer } from './ring-buffer.js';
import { lastAtOrBefore } from './binary-search.js';

/**
 * Random access to samples in time order. Live history (a ring buffer) and a
 * recording on disk (decoded lazily through its index) both implement it, so
 * the dashboard's time cursor works the same over either.
 */
export interface Timeline {
  /** Number of samples; index 0 is the oldest. */
  readonly length: number;
  at(index: number): Sample | undefined;
  /** Samples [start, end), oldest first, clamped to what exists. */
  slice(start: number, end: number): Sample[];
  /** Index of the last sample taken at or before `time`; 0 if `time` is before the first; -1 when empty. */
  indexAtTime(time: number): number;
}

/** The in-memory Timeline of a live session: the newest `capacity` samples. */
export class SampleHistory implements Timeline {
  private readonly ring: RingBuffer<Sample>;

  constructor(capacity: number) {
    this.ring = new RingBuffer<Sample>(capacity);
  }

  get length(): number {
    return this.ring.length;
  }

  get capacity(): number {
    return this.ring.capacity;
  }

  /** Adds a sample; returns the oldest one it pushed out, if any. */
  push(sample: Sample): Sample | undefined {
    return this.ring.push(sample);
  }

  at(index: number): Sample | undefined {
    return index < 0 ? undefined : this.ring.at(index);
  }

  last(): Sample | undefined {
    return this.ring.last();
  }

  slice(start: number, end: number): Sample[] {
    return this.ring.slice(start, end);
  }

  indexAtTime(time: number): number {
    return indexAtTime(this, time);
  }
}

/** Binary search shared by every Timeline: samples are in time order. */
export function indexAtTime(t: Pick<Timeline, 'length' | 'at'>, time: number): number {
  if (t.length === 0) return -1;
  // Before the first sample: the first.
  return Math.max(0, lastAtOrBefore(t.length, (i) => t.at(i)?.time ?? 0, time));
}
