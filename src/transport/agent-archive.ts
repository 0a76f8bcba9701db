import { readdirSync } from 'node:fs';
import { realClock, type Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { RECORDING_SUFFIX, openRecording, type Recording } from '../store/recording-reader.js';
import { ARCHIVE_MAX_SAMPLES, type ArchiveExtent } from '../protocol/wire-messages.js';

export interface ArchiveOptions {
  /**
   * Opens the store as one timeline, e.g. `openRecording(dir, { cacheGroups: 2 })`;
   * null while it holds no recording yet. May throw (a deleted directory): the
   * agent then answers from memory and says why.
   */
  open(): Promise<Recording | null>;
  /**
   * How long an opened store serves requests before the next one reopens it
   * (default 60 s): the recorder keeps appending, rotating and deleting files.
   * Older samples than the in-memory history are what it is asked for, so a
   * minute's lag costs nothing a viewer sees.
   */
  maxAgeMs?: number;
}

/**
 * The archive of a `--store DIR`: the directory read as one timeline, nothing
 * before its first file. Only two decoded groups are cached: stored samples
 * carry every process, not the wire's top N.
 */
export function storeArchive(dir: string, maxAgeMs?: number): ArchiveOptions {
  return {
    open: async () => {
      if (!readdirSync(dir).some((name) => name.endsWith(RECORDING_SUFFIX))) return null;
      return openRecording(dir, { cacheGroups: 2 });
    },
    ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
  };
}

/** What a request gets: the store as last opened, or why there is none. */
export interface ArchiveSnapshot {
  recording: Recording | null;
  problem: string | undefined;
}

const EMPTY: Omit<ArchiveExtent, 'spikes'> = { oldest: null, newest: null, maxSamples: ARCHIVE_MAX_SAMPLES };
/** Skipped files remembered as logged; past this many the memory starts over (a store of thousands of bad files). */
const MAX_LOGGED_SKIPS = 1000;
/** Samples looked at from each end for the extent: a damaged first group should not hide the rest. */
const EDGE_SAMPLES = 120;

/**
 * The agent's view of its own store (`--store DIR`) for viewers: one Recording
 * at a time, reopened when older than maxAgeMs so new and rotated files show,
 * the previous one closed (a Recording holds no file open between reads). A
 * store that cannot be read is logged once per failure streak and never stops
 * the agent.
 */
export class AgentArchive {
  private current: { recording: Recording | null; extent: ArchiveExtent } | undefined;
  private problem: string | undefined;
  private checkedAt = -Infinity;
  private reopening: Promise<void> | undefined;
  private closed = false;
  private readonly maxAgeMs: number;
  /** Files of the store already logged as skipped: each bad file gets one line, not one a minute. */
  private readonly loggedSkips = new Set<string>();

  constructor(
    private readonly opts: ArchiveOptions,
    private readonly log: (line: string) => void,
    private readonly clock: Clock = realClock,
  ) {
    this.maxAgeMs = opts.maxAgeMs ?? 60_000;
  }

  /** The store's extent as last seen, without waiting (for hello); a stale one is refreshed in the background. */
  extent(): ArchiveExtent {
    if (this.stale()) void this.refresh();
    return this.current?.extent ?? { ...EMPTY, spikes: 0 };
  }

  /** The store, reopened first when stale. Never rejects. */
  async snapshot(): Promise<ArchiveSnapshot> {
    await this.refresh();
    return { recording: this.current?.recording ?? null, problem: this.problem };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.reopening;
    await this.current?.recording?.close();
    this.current = undefined;
  }

  private stale(): boolean {
    return this.clock.monotonic() - this.checkedAt >= this.maxAgeMs;
  }

  /** Reopens when stale; concurrent callers share one reopening. */
  private refresh(): Promise<void> {
    if (!this.stale() || this.closed) return this.reopening ?? Promise.resolve();
    this.reopening ??= this.reopen().finally(() => {
      this.reopening = undefined;
    });
    return this.reopening;
  }

  private async reopen(): Promise<void> {
    const previous = this.current;
    try {
      const recording = await this.opts.open();
      this.current = { recording, extent: recording ? extentOf(recording) : { ...EMPTY, spikes: 0 } };
      for (const line of recording?.skipped ?? []) this.logSkip(line);
      if (this.problem !== undefined) this.log('stored history readable again');
      this.problem = undefined;
    } catch (err) {
      // Files that may be gone are not served: memory answers until the store reads again.
      this.current = undefined;
      const problem = errorMessage(err);
      if (this.problem === undefined) this.log(`stored history cannot be read: ${problem}; viewers get what memory holds`);
      this.problem = problem;
    } finally {
      this.checkedAt = this.clock.monotonic();
    }
    if (previous?.recording && previous.recording !== this.current?.recording) await previous.recording.close();
    if (this.closed) await this.current?.recording?.close();
  }

  private logSkip(line: string): void {
    if (this.loggedSkips.has(line)) return;
    if (this.loggedSkips.size >= MAX_LOGGED_SKIPS) this.loggedSkips.clear();
    this.loggedSkips.add(line);
    this.log(`stored history: ${line}`);
  }
}

function extentOf(rec: Recording): ArchiveExtent {
  const head = rec.slice(0, EDGE_SAMPLES);
  const tail = rec.slice(Math.max(0, rec.length - EDGE_SAMPLES), rec.length);
  return {
    oldest: head[0]?.time ?? null,
    newest: tail[tail.length - 1]?.time ?? null,
    spikes: rec.spikes().length,
    maxSamples: ARCHIVE_MAX_SAMPLES,
  };
}
