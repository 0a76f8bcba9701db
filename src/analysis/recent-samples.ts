import { MIN_INTERVAL_MS } from '../core/interval.js';
import type { Sample } from '../core/sample.js';

/**
 * Memory climbs: faulting in a few hundred MB takes a second or two (longer on a
 * virtual machine), so the sample before a spike may already hold most of its
 * culprit's allocation. Attribution measures memory rises from where the climb
 * began: the latest of the samples this far back whose peak is within
 * RAMP_SLACK_BYTES of their lowest.
 */
export const RAMP_MS = 5000;
const RAMP_SLACK_BYTES = 16 * 1024 * 1024;

/** Memory used at its peak inside the sample's interval (the fast watch's high, never below the tick's). */
export function memoryPeak(s: Sample): number {
  return Math.max(s.memory.used, s.memory.usedMax);
}

/**
 * The last samples of one stream, RAMP_MS back from the newest, oldest first:
 * what the detector and the memory events look back at (the sample before, the
 * one before that, where a memory climb began). Bounded by time and, whatever
 * the interval, by count.
 */
export class RecentSamples {
  private readonly ring: Sample[] = [];
  private readonly cap = Math.ceil(RAMP_MS / MIN_INTERVAL_MS) + 2;

  push(sample: Sample): void {
    const ring = this.ring;
    ring.push(sample);
    while (ring.length > this.cap || (ring.length > 2 && sample.time - (ring[0] as Sample).time > RAMP_MS)) ring.shift();
  }

  /** The newest sample taken: the one before the sample being judged. */
  get prev(): Sample | undefined {
    return this.ring.at(-1);
  }

  /** The sample before `prev`. */
  get before(): Sample | undefined {
    return this.ring.at(-2);
  }

  /**
   * Where the memory climb to the sample taken at `now` began (see RAMP_MS): only
   * samples at most RAMP_MS before `now` count, so at a slow interval the reference
   * is `prev`, never a sample from long before; undefined before any sample.
   */
  climbStart(now: number): Sample | undefined {
    const ring = this.ring;
    if (ring.length === 0) return undefined;
    let from = ring.length - 1;
    while (from > 0 && now - (ring[from - 1] as Sample).time <= RAMP_MS) from--;
    let lowest = Infinity;
    for (let i = from; i < ring.length; i++) lowest = Math.min(lowest, memoryPeak(ring[i] as Sample));
    for (let i = ring.length - 1; i >= from; i--) {
      const s = ring[i] as Sample;
      if (memoryPeak(s) <= lowest + RAMP_SLACK_BYTES) return s;
    }
    return undefined;
  }
}
