import { AlertBoard, type AlertSnapshot } from '../analysis/alert-board.js';
import type { ThresholdOverrides } from '../analysis/thresholds.js';
import type { SampleSource } from '../core/source.js';
import type { Spike } from '../core/spike.js';
import { SessionHub } from '../session/session-hub.js';
import { SampleHistory } from '../core/sample-history.js';
import { MemoryTimeline } from '../store/memory-timeline.js';
import type { LinkState } from '../transport/link-state.js';
import type { LinkStateListener } from '../transport/remote-source.js';
import type { OverviewHost } from '../ui/overview-model.js';

/** A source that reports its link as well as samples (RemoteSource is one). */
export interface LinkedSource extends SampleSource {
  readonly state: LinkState;
  readonly lastError: string | undefined;
  onState(listener: LinkStateListener): () => void;
  /** Asks the agent to sample this fast while someone looks closely; null withdraws. */
  setIntervalMs?(ms: number | null): void;
  /** Calls `listener` with the agent's alert rules and those firing, at each `alert` message; returns the unsubscribe function. */
  onAlerts?(listener: (msg: { at: number | null; alerts: AlertSnapshot }) => void): () => void;
}

export interface HostFeedOptions {
  /** Samples kept (default 3600, as the dashboard keeps): what a host's dashboard opens with. */
  historyCapacity?: number;
  /** The most the history may take, encoded (default MAX_HOST_HISTORY_BYTES); the oldest samples go first. */
  maxHistoryBytes?: number;
  thresholds?: ThresholdOverrides;
}

/** Enough for the sparklines of the widest box a terminal can give one host. */
const RECENT_SAMPLES = 300;
/**
 * The most one host's history may take, encoded: an hour at 1 s of an honest
 * agent is well under 2 MB; a hostile one sending huge samples loses its
 * oldest instead of exhausting the viewer.
 */
const MAX_HOST_HISTORY_BYTES = 64 * 1024 * 1024;

/**
 * One host of the overview: its session hub consumes the host's source once for
 * the whole session, keeping the history, the one spike detector of the stream,
 * and the box's recent samples; a host's dashboard opens a view that follows
 * the hub (session/session-view.ts followView: everything held, then live). The
 * overview and a dashboard come and go in turn; the hub outlives both.
 *
 * Memory: a decoded sample is ~20 KB of objects, an hour of them ~75 MB, per
 * host. So the hour is kept encoded (MemoryTimeline, a recording's keyframe
 * groups) and decoded only while a dashboard reads it; the boxes draw from the
 * newest few hundred samples kept without their processes.
 */
export class HostFeed<S extends LinkedSource = LinkedSource> implements OverviewHost {
  readonly label: string;
  readonly hub: SessionHub<S, MemoryTimeline>;
  /** The newest samples without their process lists: what a box draws. */
  readonly recent = new SampleHistory(RECENT_SAMPLES);
  /** The agent's alert rules, those firing and what changed while this session watched. */
  readonly alerts = new AlertBoard();
  private readonly stopWatchingLink: () => void;
  private readonly stopWatchingAlerts: () => void;

  constructor(
    readonly source: S,
    opts: HostFeedOptions = {},
  ) {
    this.label = source.label;
    this.hub = new SessionHub(source, {
      history: new MemoryTimeline(opts.historyCapacity ?? 3600, { maxBytes: opts.maxHistoryBytes ?? MAX_HOST_HISTORY_BYTES }),
      ...(opts.thresholds ? { thresholds: opts.thresholds } : {}),
    });
    this.hub.subscribe((sample) => this.recent.push({ ...sample, processes: [] }));
    this.stopWatchingLink = source.onState(() => this.hub.changed());
    // A rule fires or resolves without a sample of its own: the screens redraw as for a link change.
    this.stopWatchingAlerts =
      source.onAlerts?.((msg) => {
        this.alerts.update(msg.alerts, msg.at ?? Date.now());
        this.hub.changed();
      }) ?? ((): void => undefined);
    this.hub.start();
  }

  /** Every sample held, encoded. */
  get history(): MemoryTimeline {
    return this.hub.history;
  }

  get state(): LinkState {
    return this.source.state;
  }

  /** The link's own error first, then a failure of the stream (the source threw, a sample could not be taken). */
  get lastError(): string | undefined {
    return this.source.lastError ?? (this.hub.problem || undefined);
  }

  spikes(): readonly Spike[] {
    return this.hub.spikes();
  }

  onChange(listener: () => void): () => void {
    return this.hub.onChange(listener);
  }

  /** Ends every view following the hub and closes the host's source. */
  async close(): Promise<void> {
    this.stopWatchingLink();
    this.stopWatchingAlerts();
    await this.hub.close();
  }
}
