/**
 * An agent's stored history (`tmon agent --store DIR`) browsed from the viewer:
 * its spike index, and the samples around a moment fetched a window at a time
 * over the protocol's archive history requests, for the replay dashboard.
 */
import { UserError } from '../core/errors.js';
import type { Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import type { Timeline } from '../core/timeline.js';
import { formatClock } from '../core/units.js';
import { HISTORY_END, type ArchiveExtent } from '../protocol/wire-messages.js';
import { MemoryTimeline } from '../store/memory-timeline.js';
import { mergeSpikes } from '../store/recording-index.js';
import type { StoredSpikes } from '../transport/remote-source.js';
import type { HistoryWindow } from '../session/session-view.js';

/** What the stored history needs of a link to an agent (RemoteSource is one). */
export interface ArchiveLink {
  readonly label: string;
  /** The agent's store as last announced; null when it keeps none. */
  readonly archive: ArchiveExtent | null;
  requestHistory(from: number, to: number, opts?: { archive?: boolean }): Promise<Sample[]>;
  requestSpikes(from: number, to: number): Promise<StoredSpikes>;
}

/** What the replay dashboard opens with. */
export interface StoredHistory {
  /** The samples around `cursor`. */
  timeline: Timeline;
  /** Stored spikes and the live session's, once each, in start order. */
  spikes: Spike[];
  cursor: number;
  /** The whole stored range, and how to load another window of it. */
  window: HistoryWindow;
}

export interface StoredHistoryOptions {
  /** Spikes the live session found, e.g. in the last minute, not yet in the store's index. */
  liveSpikes?: readonly Spike[];
  /** Times of the oldest and newest live sample: archive requests read the agent's memory too, so the history spans them. */
  oldestLive?: number;
  newestLive?: number;
  /** Samples fetched on each side of a moment (default 5 minutes). */
  halfWindowMs?: number;
}

/**
 * ±5 minutes: wider than any graph shows, PgUp/PgDn stay inside for a while.
 * Measured on a store of 300-process samples: the agent spends ~0.6 s of CPU
 * (decoding stored groups) and ~30 MB of transient memory on such a window;
 * ±15 minutes cost ~1.3 s and ~60 MB.
 */
const DEFAULT_HALF_WINDOW_MS = 5 * 60_000;
/** A window is never narrowed below this on each side. */
const MIN_HALF_WINDOW_MS = 60_000;

/**
 * Opens the agent's stored history at its newest spike (or its end when it has
 * none): the spike index, then the window around that moment. Throws UserError
 * with one line when the agent keeps no store, cannot read it, or holds nothing.
 */
export async function openStoredHistory(link: ArchiveLink, opts: StoredHistoryOptions = {}): Promise<StoredHistory> {
  if (link.archive === null) throw noStore(link.label);
  const reply = await link.requestSpikes(0, HISTORY_END);
  if (reply.archive === null) throw noStore(link.label);
  if (reply.problem !== undefined) throw new UserError(`${link.label} cannot read its stored history: ${reply.problem}`);
  const spikes = mergeSpikeLists(reply.spikes, opts.liveSpikes ?? []);
  const known = (...times: (number | null | undefined)[]): number[] => times.filter((t): t is number => typeof t === 'number');
  const first = Math.min(...known(reply.archive.oldest, opts.oldestLive, spikes[0]?.start));
  const last = Math.max(...known(reply.archive.newest, opts.newestLive));
  if (!Number.isFinite(first) || !Number.isFinite(last)) throw new UserError(`${link.label} has no stored samples yet`);
  const newestSpike = spikes.reduce<Spike | undefined>((a, s) => (!a || s.start > a.start ? s : a), undefined);
  const target = newestSpike?.peakAt ?? last;
  const half = opts.halfWindowMs ?? DEFAULT_HALF_WINDOW_MS;
  const maxSamples = reply.archive.maxSamples;
  const timeline = await loadWindow(link, target, half, maxSamples);
  if (timeline.length === 0) throw new UserError(`${link.label} has nothing stored around ${formatClock(target)}`);
  return {
    timeline,
    spikes,
    cursor: timeline.at(timeline.indexAtTime(target))?.time ?? target,
    window: { first: Math.min(first, last), last, seek: (time) => loadWindow(link, time, half, maxSamples) },
  };
}

/**
 * The samples within `halfMs` of `time`. A reply can stop at the agent's
 * per-request limit (sampling faster than 1 s fills it sooner); when it stops
 * before `time` the window is narrowed until it reaches it.
 */
export async function loadWindow(link: Pick<ArchiveLink, 'requestHistory'>, time: number, halfMs: number, maxSamples: number): Promise<MemoryTimeline> {
  let half = halfMs;
  for (;;) {
    const samples = await link.requestHistory(Math.max(0, time - half), time + half, { archive: true });
    const lastTime = samples[samples.length - 1]?.time ?? Infinity;
    if (samples.length >= maxSamples && lastTime < time && half > MIN_HALF_WINDOW_MS) {
      half = Math.max(MIN_HALF_WINDOW_MS, half / 4);
      continue;
    }
    const timeline = new MemoryTimeline(Math.max(1, samples.length));
    for (const s of samples) timeline.push(s);
    return timeline;
  }
}

/** One spike per id, the stored version first (the agent saw every process), in start order. */
export function mergeSpikeLists(stored: readonly Spike[], live: readonly Spike[]): Spike[] {
  return mergeSpikes([...live, ...stored]);
}

function noStore(label: string): UserError {
  return new UserError(`${label} keeps no stored history (start its agent with --store DIR)`);
}
