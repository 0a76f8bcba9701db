import type { Sample } from '../src/core/sample.js';
import type { Spike } from '../src/core/spike.js';
import { SpikeDetector } from '../src/analysis/spike-detector.js';
import type { ThresholdOverrides } from '../src/analysis/thresholds.js';

/** Samples the page keeps: two hours at 1 s, the oldest dropped first. */
export const MAX_PAGE_SAMPLES = 7200;

/** Samples of the agent's store (`--store`) around a moment older than the live samples, loaded on demand. */
export interface StoredWindow {
  /** The range asked for: a cursor inside it needs no other request, even where nothing was stored. */
  from: number;
  to: number;
  samples: readonly Sample[];
}

/**
 * What the page knows: the live samples in time order, the spikes its own detector
 * found in them (as `tmon connect` does), the store's spikes from before them, one
 * window of stored samples, and the cursor: a time, or null while following the
 * newest sample. While the cursor is older than the live samples and a stored
 * window is loaded, the graphs and the cursor work on that window.
 */
export class PageData {
  readonly samples: Sample[] = [];
  cursor: number | null = null;
  /** The agent's store as its index lists it: only those before the page's first sample are shown (the page's detector has the rest). */
  storedSpikes: readonly Spike[] = [];
  window: StoredWindow | null = null;
  /** Whether the agent keeps a store (its hello says so): without one the cursor stops at the oldest live sample. */
  storeKept = false;
  private firstLive = Infinity;
  private readonly detector: SpikeDetector;

  /** Throws a RangeError naming a threshold out of range. */
  constructor(thresholds: ThresholdOverrides = {}) {
    this.detector = new SpikeDetector(thresholds);
  }

  /** Adds a sample newer than the newest; false (and nothing changes) for an older or repeated one. */
  add(sample: Sample): boolean {
    const newest = this.samples[this.samples.length - 1];
    if (newest && sample.time <= newest.time) return false;
    this.firstLive = Math.min(this.firstLive, sample.time);
    this.samples.push(sample);
    this.detector.push(sample);
    if (this.samples.length > MAX_PAGE_SAMPLES + 600) this.samples.splice(0, this.samples.length - MAX_PAGE_SAMPLES);
    return true;
  }

  /** Stored spikes from before the first live sample, then the page's own, in start order. */
  spikes(): readonly Spike[] {
    const own = this.detector.spikes();
    if (this.storedSpikes.length === 0) return own;
    return [...this.storedSpikes.filter((s) => s.start < this.firstLive), ...own];
  }

  /** Whether the cursor is on stored history: older than the live samples, with a window loaded. */
  onStored(): boolean {
    return this.cursor !== null && this.window !== null && this.cursor < this.oldestLive();
  }

  /** The samples the graphs, tables and cursor work on: the stored window or the live samples. */
  shown(): readonly Sample[] {
    return this.onStored() ? (this.window as StoredWindow).samples : this.samples;
  }

  oldestLive(): number {
    return this.samples[0]?.time ?? Infinity;
  }

  /** Index in shown() of the sample the cursor is on: the last one at or before its time (the newest when following). */
  cursorIndex(): number {
    const shown = this.shown();
    const n = shown.length;
    if (this.cursor === null || n === 0) return n - 1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((shown[mid] as Sample).time <= this.cursor) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  current(): Sample | undefined {
    return this.shown()[this.cursorIndex()];
  }

  /**
   * Moves the cursor by `steps` samples; reaching the newest follows it again. With a
   * store, moving past the older end of what is shown (or the newer end of a stored
   * window) puts the cursor just beyond what is loaded, for the caller to load there.
   */
  step(steps: number): void {
    const shown = this.shown();
    const n = shown.length;
    if (n === 0) return;
    const i = this.cursorIndex() + steps;
    const window = shown === this.samples ? null : this.window;
    if (i < 0 && this.storeKept) {
      this.cursor = Math.min((shown[0] as Sample).time, window?.from ?? Infinity) - 1;
    } else if (i >= n && window) {
      const after = Math.max((shown[n - 1] as Sample).time, window.to) + 1;
      this.cursor = Math.min(after, this.oldestLive());
    } else {
      const to = Math.max(0, Math.min(n - 1, i));
      this.cursor = to === n - 1 && steps > 0 && !window ? null : (shown[to] as Sample).time;
    }
  }

  /** Whether the cursor is older than the live samples and outside the loaded window: stored samples to load. */
  needsStored(): boolean {
    const c = this.cursor;
    if (c === null || !this.storeKept || c >= this.oldestLive()) return false;
    return this.window === null || c < this.window.from || c > this.window.to;
  }

  /** Puts the cursor on the next (+1) or previous (-1) spike's peak from where it is. */
  jump(direction: 1 | -1): Spike | undefined {
    const at = this.cursor ?? this.current()?.time ?? 0;
    const spikes = this.spikes();
    const target = direction > 0 ? spikes.find((s) => s.peakAt > at) : [...spikes].reverse().find((s) => s.peakAt < at);
    if (target) this.cursor = target.peakAt;
    return target;
  }
}
