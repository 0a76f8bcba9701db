import { setImmediate as nextTurn } from 'node:timers/promises';
import { SpikeDetector } from '../analysis/spike-detector.js';
import type { ThresholdOverrides } from '../analysis/thresholds.js';
import { errorMessage } from '../core/errors.js';
import type { Sample } from '../core/sample.js';
import type { SampleSource } from '../core/source.js';
import type { Spike } from '../core/spike.js';
import { SampleHistory } from '../core/timeline.js';
import type { LinkState } from '../transport/link-state.js';
import type { LinkStateListener } from '../transport/remote-source.js';
import { WireHistory } from '../transport/wire-history.js';
import type { OverviewHost } from '../ui/overview-model.js';

/** A source that reports its link as well as samples (RemoteSource is one). */
export interface LinkedSource extends SampleSource {
  readonly state: LinkState;
  readonly lastError: string | undefined;
  onState(listener: LinkStateListener): () => void;
  /** Asks the agent to sample this fast while someone looks closely; null withdraws. */
  setIntervalMs?(ms: number | null): void;
}

export interface HostFeedOptions {
  /** Samples kept (default 3600, as the dashboard keeps): what a host's dashboard opens with. */
  historyCapacity?: number;
  /** The most the history may take, deflated (default MAX_HOST_HISTORY_BYTES); the oldest samples go first. */
  maxHistoryBytes?: number;
  thresholds?: ThresholdOverrides;
}

/** One dashboard's borrowing: stopped by its close(), woken by each new sample. */
interface Lending {
  stopped: boolean;
  wake: (() => void) | undefined;
}

/** Enough for the sparklines of the widest box a terminal can give one host. */
const RECENT_SAMPLES = 300;
/**
 * The most one host's history may take, deflated: an hour at 1 s of an honest
 * agent is ~2 MB (~70 MB with --top 500); a hostile one sending huge samples
 * loses its oldest instead of exhausting the viewer.
 */
const MAX_HOST_HISTORY_BYTES = 64 * 1024 * 1024;
/** A backfill arrives as thousands of samples at once: let keys and frames through after this many. */
const BATCH = 256;

/**
 * One host of the overview: consumes its source once for the whole session,
 * keeping the history and the spikes its box shows, and lends the samples to a
 * full dashboard when the host is opened (everything held, then live). The
 * source can have only one consumer, and the overview and a dashboard come and
 * go in turn, so this is that consumer for both.
 *
 * Memory: a decoded sample is ~20 KB of objects, an hour of them ~75 MB, per
 * host. So the hour is kept deflated (WireHistory, ~2 MB) and decoded only
 * while a dashboard reads it; the boxes draw from the newest few hundred
 * samples kept without their processes.
 */
export class HostFeed<S extends LinkedSource = LinkedSource> implements OverviewHost {
  readonly label: string;
  /** Every sample held, deflated. */
  readonly history: WireHistory;
  /** The newest samples without their process lists: what a box draws. */
  readonly recent = new SampleHistory(RECENT_SAMPLES);
  private readonly detector: SpikeDetector;
  private readonly listeners = new Set<() => void>();
  /** Lent sources waiting for the next sample. */
  private readonly waiting = new Set<() => void>();
  private closed = false;
  /** A failure of this feed itself (the source threw, a sample could not be taken); the link's own error comes first. */
  private problem: string | undefined;
  /** The newest sample, decoded: what a caught-up lending yields. */
  private latest: Sample | undefined;
  private readonly stopWatchingLink: () => void;
  private readonly consuming: Promise<void>;

  constructor(
    readonly source: S,
    opts: HostFeedOptions = {},
  ) {
    this.label = source.label;
    this.history = new WireHistory(opts.historyCapacity ?? 3600, opts.maxHistoryBytes ?? MAX_HOST_HISTORY_BYTES);
    this.detector = new SpikeDetector(opts.thresholds);
    this.stopWatchingLink = source.onState(() => this.changed());
    this.consuming = this.consume();
  }

  get state(): LinkState {
    return this.source.state;
  }

  get lastError(): string | undefined {
    return this.source.lastError ?? this.problem;
  }

  spikes(): readonly Spike[] {
    return this.detector.spikes();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A source for one dashboard: every sample held so far, then each new one as
   * it arrives, so the dashboard opens with its graphs and spike log filled.
   * It reads the history by time, so nothing is missed or sent twice however
   * far behind it is. Its close() only stops the lending; the feed goes on.
   */
  lend(): SampleSource {
    const lending: Lending = { stopped: false, wake: undefined };
    return {
      label: this.label,
      kind: 'remote',
      samples: () => this.read(lending),
      close: () => {
        lending.stopped = true;
        const wake = lending.wake;
        if (wake) {
          this.waiting.delete(wake);
          wake();
        }
        return Promise.resolve();
      },
    };
  }

  /** Ends every lent source and closes the host's source. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopWatchingLink();
    this.wakeLenders();
    await this.source.close();
    await this.consuming;
    this.listeners.clear();
  }

  private async *read(lending: Lending): AsyncGenerator<Sample> {
    let after = -Infinity;
    let sinceTurn = 0;
    while (!lending.stopped && !this.closed) {
      const i = this.indexAfter(after);
      // A caught-up reader gets the newest sample as it arrived: decoding it again
      // from the deflated history would redo, every tick, work already done.
      const newest = this.latest !== undefined && this.history.timeAt(i) === this.latest.time;
      const sample = newest ? this.latest : i < this.history.length ? this.history.at(i) : undefined;
      if (!sample) {
        await new Promise<void>((resolve) => {
          lending.wake = resolve;
          this.waiting.add(resolve);
        });
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

  /** Index of the first sample held that is newer than `time`. */
  private indexAfter(time: number): number {
    if (time === -Infinity) return 0;
    const i = this.history.indexAtTime(time);
    return (this.history.timeAt(i) ?? Infinity) <= time ? i + 1 : i;
  }

  private async consume(): Promise<void> {
    try {
      let sinceTurn = 0;
      for await (const sample of this.source.samples()) {
        this.take(sample);
        if (++sinceTurn >= BATCH) {
          sinceTurn = 0;
          await nextTurn();
        }
      }
    } catch (err) {
      this.problem = `${this.label} failed: ${errorMessage(err)}`;
      this.changed();
    }
  }

  private take(sample: Sample): void {
    const newest = this.recent.last();
    // The histories and the detector are in time order; a source resending an overlap is skipped.
    if (newest && sample.time <= newest.time) return;
    try {
      this.history.push(sample);
    } catch (err) {
      // A malformed sample is skipped; the next one may be fine.
      this.problem = `bad sample skipped: ${errorMessage(err)}`;
      this.changed();
      return;
    }
    try {
      this.detector.push(sample);
    } catch (err) {
      this.problem = `spike detection failed: ${errorMessage(err)}`;
    }
    this.recent.push({ ...sample, processes: [] });
    this.latest = sample;
    this.wakeLenders();
    this.changed();
  }

  private wakeLenders(): void {
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const wake of waiting) wake();
  }

  private changed(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A listener is a screen asking to redraw; its failure is its own to show, not the feed's to stop on.
      }
    }
  }
}
