import { processEvents, type ProcessEvent } from '../analysis/process-events.js';
import { resolveThresholds, type SpikeThresholds, type ThresholdOverrides } from '../analysis/thresholds.js';
import { userTotals, type UserTotal } from '../analysis/user-totals.js';
import { errorMessage } from '../core/errors.js';
import type { Sample } from '../core/sample.js';
import type { SampleSource } from '../core/source.js';
import type { Spike } from '../core/spike.js';
import type { Timeline } from '../core/timeline.js';
import { LiveHistory } from './live-history.js';
import { SessionHub, type HubHistory } from './session-hub.js';

/**
 * The process starts and exits between the sample at `index - 1` and the one at
 * `index`; undefined when there is no sample at `index` (a damaged one). Taken
 * by index, so a live history answers from the times it keeps without decoding
 * a sample.
 */
export type EventsOf = (tl: Timeline, index: number) => readonly ProcessEvent[] | undefined;

/**
 * A replay whose timeline is a window onto a longer history that is fetched on
 * demand (a remote agent's store). When a move targets a time outside the
 * window (n/N to a spike, Enter on one in the log, g, PgUp/PgDn, Shift-arrows,
 * ←/→ off an end), the dashboard asks for the window there, keeps taking keys
 * meanwhile ("loading…" in the status bar), then swaps the timeline in.
 */
export interface HistoryWindow {
  /** The whole history's first and last sample times. */
  readonly first: number;
  readonly last: number;
  /** The samples around `time`; null or empty when nothing is stored there. A rejection is shown in the status bar. */
  seek(time: number): Promise<Timeline | null>;
}

/**
 * What a screen reads of a session, whatever it is: live (new samples arrive;
 * paused is the screen's cursor over the same view), a replay, or a window of
 * stored history. The screen draws from it and builds no part of the pipeline.
 */
export interface SessionView {
  /** For the status bar: "local", "db1:7654", "replay". */
  readonly label: string;
  readonly mode: 'live' | 'replay';
  /** The samples held (a windowed view: the window it opened with). */
  readonly timeline: Timeline;
  spikes(): readonly Spike[];
  readonly thresholds: SpikeThresholds;
  /** Process starts and exits between two consecutive samples of the timeline. */
  readonly eventsOf: EventsOf;
  /** Per-user totals at a sample. */
  readonly usersOf: (sample: Sample) => readonly UserTotal[];
  /** A replay's starting cursor (default: its first spike, or the start). */
  readonly cursor?: number;
  /** The longer history the timeline is a window of. */
  readonly window?: HistoryWindow;
  /** What went wrong in the stream, for the status bar; '' while all is well. */
  status(): string;
  /** Called when samples or a problem arrive; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Stops what the view itself started (a following view's reading); the session goes on. */
  close(): Promise<void>;
}

export interface LiveSessionOptions {
  /** Rows of the process table: past samples keep at least this many processes for both sort orders. */
  top: number;
  thresholds?: ThresholdOverrides;
  /** Samples kept (default 3600). */
  historyCapacity?: number;
}

/** The live history a screen reads: past samples keep the table's worth of processes for both sort orders (at least 15). */
function liveHistory(opts: Omit<LiveSessionOptions, 'thresholds'>): LiveHistory {
  return new LiveHistory(opts.historyCapacity ?? 3600, Math.max(15, opts.top));
}

/** A hub over `source` keeping the live history a screen reads; not yet started. */
export function liveHub<S extends SampleSource>(source: S, opts: LiveSessionOptions): SessionHub<S, LiveHistory> {
  return new SessionHub(source, {
    history: liveHistory(opts),
    ...(opts.thresholds ? { thresholds: opts.thresholds } : {}),
  });
}

/** The live view of a hub that keeps a LiveHistory: it reads the hub's own history and spikes. */
export function liveView<S extends SampleSource>(hub: SessionHub<S, LiveHistory>): SessionView {
  return viewOf(hub, hub.history, {
    trouble: () => hub.problem,
    onChange: (listener) => hub.onChange(listener),
    close: () => Promise.resolve(),
  });
}

/** A live view reading `history`, with the hub's spikes and thresholds. */
function viewOf<S extends SampleSource>(
  hub: SessionHub<S, HubHistory>,
  history: LiveHistory,
  own: { trouble: () => string; onChange: SessionView['onChange']; close: SessionView['close'] },
): SessionView {
  return {
    label: hub.label,
    mode: 'live',
    timeline: history,
    spikes: () => hub.spikes(),
    thresholds: hub.thresholds,
    eventsOf: (tl, index) => {
      // The dashboard's timeline is this history: its times answer without decoding a sample.
      const time = tl === history ? history.timeAt(index) : tl.at(index)?.time;
      return time === undefined ? undefined : history.eventsAt(time);
    },
    usersOf: (s) => history.usersAt(s.time) ?? userTotals(s.processes),
    status: () => [own.trouble(), history.problem].filter(Boolean).join(' │ '),
    onChange: own.onChange,
    close: own.close,
  };
}

/**
 * A live view of a hub whose history is kept some other way (deflated, for a
 * host of the overview): it reads everything held, then each new sample, into
 * a history of its own while it is open; the spikes stay the hub's.
 */
export function followView<S extends SampleSource>(hub: SessionHub<S, HubHistory>, opts: Omit<LiveSessionOptions, 'thresholds'>): SessionView {
  const history = liveHistory(opts);
  const source = hub.follow();
  const listeners = new Set<() => void>();
  let trouble = '';
  const changed = (): void => {
    for (const l of listeners) l();
  };
  const reading = (async () => {
    try {
      for await (const sample of source.samples()) {
        try {
          history.push(sample);
        } catch (err) {
          // A malformed sample is skipped; the next one may be fine.
          trouble = `bad sample skipped: ${errorMessage(err)}`;
        }
        changed();
      }
    } catch (err) {
      trouble = `${hub.label} failed: ${errorMessage(err)}`;
      changed();
    }
  })();
  return viewOf(hub, history, {
    trouble: () => trouble,
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      listeners.clear();
      await source.close();
      await reading;
    },
  });
}

export interface ReplayViewOptions {
  timeline: Timeline;
  spikes: readonly Spike[];
  /** Where the cursor starts (default: the first spike, or the start). */
  cursor?: number;
  /** `timeline` is the loaded part of this longer history. */
  window?: HistoryWindow;
  thresholds?: ThresholdOverrides;
}

/** A recording, or a window of stored history: nothing arrives; events and totals are taken from the samples. */
export function replayView(opts: ReplayViewOptions): SessionView {
  // Remembered by the later sample of each pair while it stays the same object.
  const eventMemo = new WeakMap<Sample, readonly ProcessEvent[]>();
  return {
    label: 'replay',
    mode: 'replay',
    timeline: opts.timeline,
    spikes: () => opts.spikes,
    thresholds: resolveThresholds(opts.thresholds),
    eventsOf: (tl, index) => {
      const cur = tl.at(index);
      if (!cur) return undefined;
      let e = eventMemo.get(cur);
      if (!e) eventMemo.set(cur, (e = processEvents(tl.at(index - 1), cur)));
      return e;
    },
    usersOf: (s) => userTotals(s.processes),
    ...(opts.cursor !== undefined ? { cursor: opts.cursor } : {}),
    ...(opts.window ? { window: opts.window } : {}),
    status: () => '',
    onChange: () => () => undefined,
    close: () => Promise.resolve(),
  };
}
