import { realClock, type Clock, type Timer } from '../core/clock.js';
import type { Sample } from '../core/sample.js';
import type { SampleSource } from '../core/source.js';
import { clampInterval } from '../core/interval.js';
import type { Collector } from './collector.js';

/**
 * How soon the first sample comes: the collector took its baseline when it
 * was created, so 200 ms later there are real rates to show and the dashboard
 * does not sit empty for a whole interval. Rates over 200 ms are coarser
 * (10 ms CPU ticks), which only the first sample pays.
 */
export const FIRST_SAMPLE_DELAY_MS = 200;

export interface LiveSourceOptions {
  /** Told of each failed tick that sampling survives (it is skipped). */
  onError?: (err: Error) => void;
  /** This many failed ticks in a row end the iterator with the last error (default 5). */
  maxConsecutiveFailures?: number;
  /** Times the ticks (default realClock; its monotonic time, so a wall-clock step does not shift them). */
  clock?: Clock;
}

/**
 * The local machine as a SampleSource: one sample per interval from a
 * Collector, for ONE consumer (fan-out happens downstream). Ticks are
 * scheduled from the previous tick's target time, so they do not drift; a
 * consumer that falls behind gets the next sample at once rather than a burst
 * of queued ones. Owns the collector: close() closes it.
 */
export class LiveSource implements SampleSource {
  readonly kind = 'live' as const;
  readonly label = 'local';
  private interval: number;
  private closed = false;
  private consuming = false;
  private timer: Timer | null = null;
  /** Resolves the pending wait for the next tick (on time, on interval change, or on close). */
  private wake: (() => void) | null = null;
  private nextAt = 0;
  private lastTickAt = 0;

  private failures = 0;
  private readonly maxFailures: number;
  private readonly onError: (err: Error) => void;
  private readonly clock: Clock;

  constructor(
    private readonly collector: Collector,
    intervalMs: number,
    opts: LiveSourceOptions = {},
  ) {
    this.interval = clampInterval(intervalMs);
    this.maxFailures = Math.max(1, opts.maxConsecutiveFailures ?? 5);
    this.onError = opts.onError ?? (() => undefined);
    this.clock = opts.clock ?? realClock;
  }

  get intervalMs(): number {
    return this.interval;
  }

  /** Takes effect at the next tick: a pending wait is re-aimed at the last tick + the new interval. */
  setIntervalMs(ms: number): void {
    this.interval = clampInterval(ms);
    if (this.wake && this.lastTickAt > 0) this.schedule(this.lastTickAt + this.interval);
  }

  /** One consumer at a time; ends when close() is called. A failing collector ends it with that error. */
  samples(): AsyncIterable<Sample> {
    if (this.consuming) throw new Error('LiveSource.samples() already has a consumer; fan out downstream');
    this.consuming = true;
    return this.run();
  }

  private async *run(): AsyncGenerator<Sample> {
    try {
      this.nextAt = this.clock.monotonic() + Math.min(FIRST_SAMPLE_DELAY_MS, this.interval);
      while (!this.closed) {
        await this.waitFor(this.nextAt);
        if (this.closed) return;
        const now = this.clock.monotonic();
        this.lastTickAt = now;
        // Drift-free: the next target is this one + interval; a consumer that made
        // us miss a whole interval restarts the grid from now instead of catching up.
        this.nextAt = now - this.nextAt >= this.interval ? now + this.interval : this.nextAt + this.interval;
        let sample: Sample;
        try {
          sample = await this.collector.sample();
          this.failures = 0;
        } catch (err) {
          // One bad read (a /proc file that vanished, EMFILE for a moment) costs one
          // tick, not the session; only a collector that keeps failing ends it.
          if (++this.failures >= this.maxFailures) throw err;
          this.onError(err instanceof Error ? err : new Error(String(err)));
          continue;
        }
        if (this.closed) return;
        yield sample;
      }
    } finally {
      this.consuming = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    this.timer = null;
    this.wake?.();
    this.collector.close();
  }

  private waitFor(at: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = () => {
        this.wake = null;
        this.timer?.cancel();
        this.timer = null;
        resolve();
      };
      this.schedule(at);
    });
  }

  private schedule(at: number): void {
    this.timer?.cancel();
    this.nextAt = at;
    // Not unref'd: a headless `tmon record` has nothing else keeping the process alive.
    this.timer = this.clock.after(Math.max(0, at - this.clock.monotonic()), () => this.wake?.());
  }
}
