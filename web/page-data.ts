import type { Sample } from '../src/core/sample.js';
import type { Spike } from '../src/core/spike.js';
import { SpikeDetector } from '../src/analysis/spike-detector.js';
import type { ThresholdOverrides } from '../src/analysis/thresholds.js';

/** Samples the page keeps: two hours at 1 s, the oldest dropped first. */
export const MAX_PAGE_SAMPLES = 7200;

/**
 * What the page knows: the samples in time order, the spikes its own detector
 * found in them (as `tmon connect` does), and the cursor: a sample time, or
 * null while following the newest sample.
 */
export class PageData {
  readonly samples: Sample[] = [];
  cursor: number | null = null;
  private readonly detector: SpikeDetector;

  /** Throws a RangeError naming a threshold out of range. */
  constructor(thresholds: ThresholdOverrides = {}) {
    this.detector = new SpikeDetector(thresholds);
  }

  /** Adds a sample newer than the newest; false (and nothing changes) for an older or repeated one. */
  add(sample: Sample): boolean {
    const newest = this.samples[this.samples.length - 1];
    if (newest && sample.time <= newest.time) return false;
    this.samples.push(sample);
    this.detector.push(sample);
    if (this.samples.length > MAX_PAGE_SAMPLES + 600) this.samples.splice(0, this.samples.length - MAX_PAGE_SAMPLES);
    return true;
  }

  spikes(): readonly Spike[] {
    return this.detector.spikes();
  }

  /** Index of the sample the cursor is on: the last one at or before its time (the newest when following). */
  cursorIndex(): number {
    const n = this.samples.length;
    if (this.cursor === null || n === 0) return n - 1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.samples[mid] as Sample).time <= this.cursor) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  current(): Sample | undefined {
    return this.samples[this.cursorIndex()];
  }

  /** Moves the cursor by `steps` samples; reaching the newest follows it again. */
  step(steps: number): void {
    const n = this.samples.length;
    if (n === 0) return;
    const to = Math.max(0, Math.min(n - 1, this.cursorIndex() + steps));
    this.cursor = to === n - 1 && steps > 0 ? null : (this.samples[to] as Sample).time;
  }

  /** Puts the cursor on the next (+1) or previous (-1) spike's peak from where it is. */
  jump(direction: 1 | -1): Spike | undefined {
    const at = this.current()?.time ?? 0;
    const spikes = this.spikes();
    const target = direction > 0 ? spikes.find((s) => s.peakAt > at) : [...spikes].reverse().find((s) => s.peakAt < at);
    if (target) this.cursor = target.peakAt;
    return target;
  }
}
