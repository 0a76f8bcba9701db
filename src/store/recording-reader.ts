import { closeSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import type { AlertEvent } from '../core/alert-event.js';
import type { Timeline } from '../core/timeline.js';
import { UserError, errorMessage } from '../core/errors.js';
import { unknownHeader, type RecordingHeader } from './record-format.js';
import { mergeSpikes, readIndex, type GroupEntry, type RecordingIndex } from './recording-index.js';
import { decodeGroup } from './group-decode.js';
import { LruCache } from '../core/lru-cache.js';
import { openRegularFile } from './safe-open.js';
import { alertEventsInOrder } from './event-records.js';
import { lastAtOrBefore } from '../core/binary-search.js';

/**
 * A recording file or a directory of rolling files, read as one Timeline.
 * at(i) is undefined inside [0, length) only for samples of a cleanly closed
 * file that was damaged afterwards: its index promised them, decoding found
 * the damage (and added a warning). Files opened while still being written
 * show what was there at open time.
 */
export interface Recording extends Timeline {
  /** The header of the first file (host facts, interval, tmon version). */
  readonly header: RecordingHeader;
  /** The files read, oldest first. */
  readonly files: readonly string[];
  /** Everything skipped (damaged frames, torn tails, foreign files in a directory), one line each. Grows as damage is found while decoding. */
  readonly warnings: readonly string[];
  /** Of the warnings, those for whole files of a directory that were skipped (not a recording, a FIFO, a link…), one line each. */
  readonly skipped: readonly string[];
  /** Spikes stored in the recording, in start order. Read from the index: nothing is decoded. */
  spikes(): Spike[];
  /** Alert rules' transitions stored in the recording (firing, resolved), in time order. Read from the index. */
  alertEvents(): AlertEvent[];
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Decoded keyframe groups kept in memory (default 16, about 16 minutes at 1 Hz). */
  cacheGroups?: number;
}

/** The file suffix of recordings; a directory is read as the `*.tmon` files in it. */
export const RECORDING_SUFFIX = '.tmon';

interface Segment {
  path: string;
  label: string;
  index: RecordingIndex;
  header: RecordingHeader;
  /** Reopened for each group the same way it was first opened. */
  followLink: boolean;
}

/**
 * Process entries (a process in a sample) the decoded-group cache holds: on a
 * host of 10,000 processes, or a crafted file, fewer groups are kept rather
 * than memory growing with the cache's group count.
 */
const MAX_CACHED_PROCESS_ENTRIES = 2_000_000;

/** A group with its place in the whole recording. */
interface PlacedGroup extends GroupEntry {
  segment: Segment;
  /** Index of its first sample in the Timeline. */
  first: number;
}

/**
 * Opens a recording file, or a directory of them (`tmon agent --store DIR`),
 * reading only headers and indexes; samples are decoded a group at a time
 * when asked for. Throws UserError with one line for a missing path, a file
 * that is not a recording, or one from a newer format. An empty or
 * header-only file opens with length 0.
 */
export async function openRecording(pathOrDir: string, opts: OpenOptions = {}): Promise<Recording> {
  let isDir: boolean;
  try {
    isDir = statSync(pathOrDir).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${pathOrDir}: no such file or directory`);
    throw new UserError(`cannot read ${pathOrDir}: ${errorMessage(err)}`);
  }
  const segments: Segment[] = [];
  const warnings: string[] = [];
  if (!isDir) {
    segments.push(openSegment(pathOrDir, pathOrDir, true));
  } else {
    let names: string[];
    try {
      names = readdirSync(pathOrDir).filter((n) => n.endsWith(RECORDING_SUFFIX)).sort();
    } catch (err) {
      throw new UserError(`cannot read ${pathOrDir}: ${errorMessage(err)}`);
    }
    // One bad file costs that file: a FIFO, a directory, a link out of the store or a crafted file is skipped with one line.
    for (const name of names) {
      try {
        segments.push(openSegment(join(pathOrDir, name), name, false));
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        warnings.push(`${err.message}: skipped`);
      }
    }
    if (segments.length === 0) {
      const shown = warnings.slice(0, 3).join('; ') + (warnings.length > 3 ? `; and ${warnings.length - 3} more` : '');
      throw new UserError(`${pathOrDir} holds no tmon recordings (*${RECORDING_SUFFIX} files)${warnings.length ? `: ${shown}` : ''}`);
    }
    segments.sort((a, b) => startOf(a) - startOf(b));
  }
  return new RecordingTimeline(segments, warnings, opts.cacheGroups ?? 16);
}

function startOf(s: Segment): number {
  return s.index.groups[0]?.firstTime ?? s.header.created;
}

/**
 * Opens and indexes one file: a regular file only, a link followed only when
 * the person named it. Every failure is a UserError of one line naming it.
 */
function openSegment(path: string, label: string, followLink: boolean): Segment {
  const { fd } = openRegularFile(path, label, { followLink });
  try {
    const index = readIndex(fd, label);
    return { path, label, index, header: index.header ?? unknownHeader(), followLink };
  } catch (err) {
    if (err instanceof UserError) throw err;
    // An I/O error, or a case the checks above missed: still one line, never a stack.
    throw new UserError(`${label} could not be read: ${errorMessage(err)}`);
  } finally {
    closeSync(fd);
  }
}

class RecordingTimeline implements Recording {
  readonly header: RecordingHeader;
  readonly files: readonly string[];
  readonly length: number;
  readonly skipped: readonly string[];
  private readonly groups: PlacedGroup[] = [];
  private readonly cache: LruCache<number, Sample[]>;
  private readonly allWarnings: string[];
  private readonly allSpikes: Spike[];
  private readonly allAlerts: AlertEvent[];

  constructor(segments: Segment[], warnings: string[], cacheGroups: number) {
    this.header = (segments.find((s) => s.index.header) ?? segments[0] as Segment).header;
    this.files = segments.map((s) => s.path);
    this.skipped = warnings;
    this.allWarnings = [...warnings, ...segments.flatMap((s) => s.index.warnings)];
    this.allSpikes = mergeSpikes(segments.flatMap((s) => s.index.spikes));
    this.allAlerts = alertEventsInOrder(segments.flatMap((s) => s.index.alerts));
    let first = 0;
    for (const segment of segments) {
      for (const g of segment.index.groups) {
        this.groups.push({ ...g, segment, first });
        first += g.count;
      }
    }
    this.length = first;
    this.cache = new LruCache(cacheGroups, { maxWeight: MAX_CACHED_PROCESS_ENTRIES, weigh: (samples) => samples.reduce((n, s) => n + 1 + s.processes.length, 0) });
  }

  get warnings(): readonly string[] {
    return this.allWarnings;
  }

  spikes(): Spike[] {
    return [...this.allSpikes];
  }

  alertEvents(): AlertEvent[] {
    return [...this.allAlerts];
  }

  at(index: number): Sample | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined;
    const g = this.groupOf(index);
    return this.samplesOf(g)[index - (this.groups[g] as PlacedGroup).first];
  }

  slice(start: number, end: number): Sample[] {
    const s = Math.max(0, Math.floor(start));
    const e = Math.min(this.length, Math.floor(end));
    const out: Sample[] = [];
    if (s >= e) return out;
    for (let g = this.groupOf(s); g < this.groups.length; g++) {
      const group = this.groups[g] as PlacedGroup;
      if (group.first >= e) break;
      const samples = this.samplesOf(g);
      for (let i = Math.max(s, group.first); i < Math.min(e, group.first + group.count); i++) {
        const sample = samples[i - group.first];
        if (sample) out.push(sample);
      }
    }
    return out;
  }

  /** Searches the group table by time first, so only one group is decoded. */
  indexAtTime(time: number): number {
    if (this.length === 0) return -1;
    if ((this.groups[0] as PlacedGroup).firstTime > time) return 0;
    const lo = lastAtOrBefore(this.groups.length, (g) => (this.groups[g] as PlacedGroup).firstTime, time);
    const group = this.groups[lo] as PlacedGroup;
    const samples = this.samplesOf(lo);
    let best = group.first;
    for (let i = 0; i < group.count; i++) {
      const t = samples[i]?.time;
      if (t !== undefined && t <= time) best = group.first + i;
      else if (t !== undefined) break;
    }
    return best;
  }

  async close(): Promise<void> {
    this.cache.clear();
  }

  private groupOf(index: number): number {
    return Math.max(0, lastAtOrBefore(this.groups.length, (g) => (this.groups[g] as PlacedGroup).first, index));
  }

  private samplesOf(g: number): Sample[] {
    const cached = this.cache.get(g);
    if (cached) return cached;
    const group = this.groups[g] as PlacedGroup;
    const decoded = decodeGroup(readRange(group.segment, group.offset, group.end), group.offset, group.segment.header.host);
    // Never more samples than the index placed here: the timeline's positions come from it.
    const samples = decoded.samples.slice(0, group.count);
    if (decoded.problem || samples.length < group.count) {
      const lost = group.count - samples.length;
      this.allWarnings.push(
        `${group.segment.label}: ${decoded.problem ?? 'group shorter than its index'}; ${lost} samples from ${new Date(group.firstTime).toISOString()} unreadable`,
      );
    }
    this.cache.set(g, samples);
    return samples;
  }
}

function readRange(segment: Segment, start: number, end: number): Buffer {
  let fd: number | undefined;
  try {
    const file = openRegularFile(segment.path, segment.label, { followLink: segment.followLink });
    fd = file.fd;
    const buf = Buffer.allocUnsafe(Math.max(0, Math.min(end, file.size) - start));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } catch {
    // A file deleted (or replaced by something that is not a file) while being replayed reads as a damaged group, with a warning.
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
