import { withSelectedProcesses } from '../core/process-selection.js';
import type { Sample } from '../core/sample.js';
import { SampleHistory, indexAtTime, type Timeline } from '../core/timeline.js';

/**
 * A live session's history, cheap enough to keep an hour of: every sample but the
 * newest keeps only the processes worth remembering (the top N by CPU and by
 * memory, and every process carrying spike evidence — core's selection, the same
 * one the wire uses), so a paused view still shows the table of that moment
 * while 3600 samples of 300+ processes do not cost hundreds of MB. The newest
 * sample stays whole: per-user totals and the live table see every process.
 */
export class LiveTimeline implements Timeline {
  private readonly history: SampleHistory;
  private newest: Sample | undefined;

  constructor(
    capacity: number,
    /** Processes kept per past sample: the top this many by CPU and, separately, by RSS. */
    private readonly keepTop: number,
  ) {
    this.history = new SampleHistory(capacity);
  }

  get length(): number {
    return this.history.length;
  }

  /**
   * Adds a sample newer than the newest; returns false (and keeps nothing) for one
   * that is not, such as an overlap a source resends after a reconnect: the
   * timeline must stay in time order. The ring holds the slim copy from the start;
   * the whole sample is served while it is the newest.
   */
  push(sample: Sample): boolean {
    if (this.newest && sample.time <= this.newest.time) return false;
    this.history.push(withSelectedProcesses(sample, { top: this.keepTop }));
    this.newest = sample;
    return true;
  }

  at(index: number): Sample | undefined {
    return index === this.history.length - 1 ? this.newest : this.history.at(index);
  }

  slice(start: number, end: number): Sample[] {
    const out = this.history.slice(start, end);
    if (out.length > 0 && Math.min(end, this.history.length) === this.history.length && this.newest) out[out.length - 1] = this.newest;
    return out;
  }

  indexAtTime(time: number): number {
    return indexAtTime(this, time);
  }
}
