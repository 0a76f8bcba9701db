import type { Sample } from '../../src/core/sample.js';
import { RingBuffer } from '../../src/core/ring-buffer.js';
import { lastAtOrBefore } from '../../src/core/binary-search.js';
import type { Timeline } from '../../src/core/timeline.js';

/**
 * A Timeline that hands back exactly the objects pushed: for tests of what reads
 * a timeline (cursor, view model, dashboard), where the store's quantisation
 * would only blur the figures they check. The product's own memory store is
 * store/memory-timeline.ts.
 */
export class SampleHistory implements Timeline {
  private readonly ring: RingBuffer<Sample>;

  constructor(capacity: number) {
    this.ring = new RingBuffer<Sample>(capacity);
  }

  get length(): number {
    return this.ring.length;
  }

  /** Adds a sample; returns the oldest one it pushed out, if any. */
  push(sample: Sample): Sample | undefined {
    return this.ring.push(sample);
  }

  at(index: number): Sample | undefined {
    return index < 0 ? undefined : this.ring.at(index);
  }

  slice(start: number, end: number): Sample[] {
    return this.ring.slice(start, end);
  }

  indexAtTime(time: number): number {
    if (this.length === 0) return -1;
    return Math.max(0, lastAtOrBefore(this.length, (i) => this.ring.at(i)?.time ?? 0, time));
  }
}
