import { setImmediate as nextTurn } from 'node:timers/promises';
import { SpikeDetector } from '../analysis/spike-detector.js';
import type { SpikeThresholds, ThresholdOverrides } from '../analysis/thresholds.js';
import { firstFrom } from '../core/binary-search.js';
import { UserError, errorMessage } from '../core/errors.js';
import type { Sample } from '../core/sample.js';
import type { SampleSource } from '../core/source.js';
import type { Spike } from '../core/spike.js';
import type { Timeline } from '../core/timeline.js';

/** Where a hub keeps its stream: a Timeline that takes samples in time order. */
export interface HubHistory extends Timeline {
  /** Takes a sample newer than the newest held; may throw for one it cannot keep (the hub skips it). */
  push(sample: Sample): unknown;
  /** Time of the sample at `index`, read without decoding the sample. */
  timeAt(index: number): number | undefined;
}

/** Called with each new sample once the history and the detector have it, and the spikes it opened, grew or closed. */
export type SampleListener = (sample: Sample, changed: readonly Spike[]) => void;

export interface SessionHubOptions<H extends HubHistory | undefined> {
  /** What keeps the samples (none: they only pass through to the subscribers). */
  history: H;
  thresholds?: ThresholdOverrides;
}

/** A backfill arrives as thousands of samples at once: let keys and frames through after this many. */
const BATCH = 256;
/** Samples a stream() keeps for a reader that fell behind; the oldest go first. */
const STREAM_BACKLOG = 1024;

/**
 * One session's pipeline: consumes one SampleSource once and fans each sample
 * out, in this order, to the history, the stream's one spike detector (memory
 * events included), then every subscriber (a recorder, an agent's broadcaster,
 * a screen's view). A subscriber's failure is its own: the others and the
 * stream go on. Samples not newer than the newest taken (an overlap a source
 * resends after a reconnect) are skipped, so everything downstream stays in
 * time order.
 *
 * Nothing is delivered before start(); first() takes the first sample early
 * (a recording's header needs its host facts) and holds it until then, so a
 * subscriber added in between misses nothing.
 */
export class SessionHub<S extends SampleSource = SampleSource, H extends HubHistory | undefined = HubHistory | undefined> {
  readonly label: string;
  readonly history: H;
  private readonly detector: SpikeDetector;
  private readonly subscribers = new Set<{ listener: SampleListener; onError: (err: unknown) => void }>();
  private readonly changeListeners = new Set<() => void>();
  /** Readers waiting for the next sample (follow() and stream()). */
  private readonly waiting = new Set<() => void>();
  private closed = false;
  private done = false;
  private newestTime = -Infinity;
  /** The newest sample as it arrived: what a caught-up follower reads, not decoded again from the history. */
  private latest: Sample | undefined;
  private trouble = '';
  /** Why the source stopped, when it threw. */
  private failure: Error | undefined;
  private release: () => void = () => undefined;
  private readonly started = new Promise<void>((resolve) => (this.release = resolve));
  private readonly firstSample: Promise<Sample>;
  private settleFirst: { resolve: (s: Sample) => void; reject: (err: unknown) => void } | undefined;
  private readonly consuming: Promise<void>;

  constructor(
    readonly source: S,
    opts: SessionHubOptions<H>,
  ) {
    this.label = source.label;
    this.history = opts.history;
    this.detector = new SpikeDetector(opts.thresholds);
    this.firstSample = new Promise<Sample>((resolve, reject) => (this.settleFirst = { resolve, reject }));
    // Whoever never asks for the first sample must not see its rejection as unhandled.
    this.firstSample.catch(() => undefined);
    this.consuming = this.consume();
  }

  get thresholds(): SpikeThresholds {
    return this.detector.thresholds;
  }

  /** Every spike of the stream so far, open ones included. */
  spikes(): readonly Spike[] {
    return this.detector.spikes();
  }

  /** The stream is over for its recorder: the spikes still open, ended at their last sample above. */
  finishSpikes(): Spike[] {
    return this.detector.finish();
  }

  /** What went wrong last (a skipped sample, the source failing or ending); '' while all is well. */
  get problem(): string {
    return this.trouble;
  }

  /** The first sample, taken early and held until start(); rejects with a UserError when the source ends before one. */
  first(): Promise<Sample> {
    return this.firstSample;
  }

  /** Delivers samples from here on (the one first() took included). Idempotent. */
  start(): this {
    this.release();
    return this;
  }

  /** Resolves when the source has ended or the hub is closed; rejects with the source's error when it threw. */
  async ended(): Promise<void> {
    await this.consuming;
    if (this.failure) throw this.failure;
  }

  /**
   * Calls `listener` with each new sample. A throw goes to `onError` (default: the
   * hub's problem, as "<what> failed: …"), never stops the stream. Returns the unsubscribe.
   */
  subscribe(listener: SampleListener, onError?: (err: unknown) => void, what = 'a subscriber'): () => void {
    const sub = { listener, onError: onError ?? ((err: unknown) => this.fail(`${what} failed: ${errorMessage(err)}`)) };
    this.subscribers.add(sub);
    return () => this.subscribers.delete(sub);
  }

  /** Called after each sample taken and each problem; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Tells the change listeners (e.g. a link state changed without a sample). */
  changed(): void {
    for (const listener of this.changeListeners) {
      try {
        listener();
      } catch {
        // A listener is a screen asking to redraw; its failure is its own to show, not the hub's to stop on.
      }
    }
  }

  /**
   * A source over the hub's history: every sample held, then each new one, read
   * by time, so nothing is missed or repeated however far behind its reader is
   * (a dashboard opening on a host that has streamed for an hour). Its close()
   * stops only this reader; the hub goes on.
   */
  follow(): SampleSource {
    const history = this.history;
    if (!history) throw new Error(`${this.label}: a hub without a history cannot be followed`);
    const reader: Reader = { stopped: false, wake: undefined };
    return { label: this.label, kind: this.source.kind, samples: () => this.readHistory(history, reader), close: () => this.stopReader(reader) };
  }

  /**
   * A source of the samples taken from now on, for one more consumer of the
   * stream (an agent's broadcaster). A reader more than STREAM_BACKLOG samples
   * behind loses the oldest. Its close() stops only this reader.
   */
  stream(): SampleSource {
    const reader: Reader = { stopped: false, wake: undefined };
    const queue: Sample[] = [];
    const unsubscribe = this.subscribe((sample) => {
      if (queue.push(sample) > STREAM_BACKLOG) queue.shift();
    });
    return {
      label: this.label,
      kind: this.source.kind,
      samples: () => this.readQueue(queue, reader, unsubscribe),
      close: () => {
        unsubscribe();
        return this.stopReader(reader);
      },
    };
  }

  /** Closes the source and ends every reader; subscribers get nothing more. */
  async close(): Promise<void> {
    this.closed = true;
    this.release();
    this.wakeReaders();
    await this.source.close();
    await this.consuming;
    this.subscribers.clear();
    this.changeListeners.clear();
  }

  private async *readHistory(history: HubHistory, reader: Reader): AsyncGenerator<Sample> {
    let after = -Infinity;
    let sinceTurn = 0;
    while (!reader.stopped && !this.closed) {
      const i = indexAfter(history, after);
      const newest = this.latest !== undefined && history.timeAt(i) === this.latest.time;
      const sample = newest ? this.latest : i < history.length ? history.at(i) : undefined;
      if (!sample) {
        if (this.done) return;
        await this.nextSample(reader);
        continue;
      }
      after = sample.time;
      yield sample;
      if (++sinceTurn >= BATCH) {
        sinceTurn = 0;
        await nextTurn();
      }
    }
  }

  private async *readQueue(queue: Sample[], reader: Reader, unsubscribe: () => void): AsyncGenerator<Sample> {
    try {
      while (!reader.stopped && !this.closed) {
        const sample = queue.shift();
        if (sample) yield sample;
        else if (this.done) return;
        else await this.nextSample(reader);
      }
    } finally {
      unsubscribe();
    }
  }

  private nextSample(reader: Reader): Promise<void> {
    return new Promise<void>((resolve) => {
      reader.wake = resolve;
      this.waiting.add(resolve);
    });
  }

  private stopReader(reader: Reader): Promise<void> {
    reader.stopped = true;
    const wake = reader.wake;
    if (wake) {
      this.waiting.delete(wake);
      wake();
    }
    return Promise.resolve();
  }

  private wakeReaders(): void {
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const wake of waiting) wake();
  }

  private fail(problem: string): void {
    this.trouble = problem;
    this.changed();
  }

  private async consume(): Promise<void> {
    const it = this.source.samples()[Symbol.asyncIterator]();
    let taken = 0;
    try {
      for (let r = await it.next(); !r.done && !this.closed; r = await it.next()) {
        if (taken === 0) {
          this.settleFirst?.resolve(r.value);
          await this.started;
          if (this.closed) break;
        }
        this.take(r.value);
        if (++taken % BATCH === 0) await nextTurn();
      }
      if (!this.closed) this.fail(`${this.label}: no more samples`);
      if (this.closed) await it.return?.();
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(errorMessage(err));
      this.fail(`${this.label} failed: ${errorMessage(err)}`);
      this.settleFirst?.reject(err);
    } finally {
      this.settleFirst?.reject(new UserError(`${this.label} ended before its first sample`));
      this.done = true;
      this.wakeReaders();
    }
  }

  private take(sample: Sample): void {
    if (sample.time <= this.newestTime) return;
    try {
      this.history?.push(sample);
    } catch (err) {
      // A malformed sample is skipped; the next one may be fine.
      this.fail(`bad sample skipped: ${errorMessage(err)}`);
      return;
    }
    this.newestTime = sample.time;
    this.latest = sample;
    let changedSpikes: readonly Spike[] = [];
    try {
      changedSpikes = this.detector.push(sample);
    } catch (err) {
      this.trouble = `spike detection failed: ${errorMessage(err)}`;
    }
    for (const sub of this.subscribers) {
      try {
        sub.listener(sample, changedSpikes);
      } catch (err) {
        sub.onError(err);
      }
    }
    this.wakeReaders();
    this.changed();
  }
}

/** One reader of follow() or stream(): stopped by its close(), woken by each new sample. */
interface Reader {
  stopped: boolean;
  wake: (() => void) | undefined;
}

/** Index of the first sample held that is newer than `time`. */
function indexAfter(history: HubHistory, time: number): number {
  return firstFrom(history.length, (i) => history.timeAt(i) ?? Infinity, time, true);
}
