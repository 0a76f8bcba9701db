import type { Sample } from './sample.js';
import { RingBuffer } from './ring-buffer.js';
import { lastAtOrBefore } from './binary-search.js';
import type { Timeline } from './timeline.js';

/**
 * A Timeline that hands back exactly the objects pushed: a small ring read whole
 * and often (each host's newest samples, which the overview's boxes draw every
 * frame), where the encoded store (store/memory-timeline.ts) would decode what it
 * just encoded; and tests of what reads a timeline, where quantisation would blur
 * the figures they check.
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

  last(): Sample | undefined {
    return this.ring.last();
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
