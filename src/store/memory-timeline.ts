import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { lastAtOrBefore } from '../core/binary-search.js';
import { LruCache } from '../core/lru-cache.js';
import { selectProcesses } from '../core/process-selection.js';
import type { HostFacts, OmittedProcesses, Sample } from '../core/sample.js';
import type { Timeline } from '../core/timeline.js';
import { SampleDecoder, SampleEncoder } from './sample-codec.js';

/** Samples per group: a minute at 1 Hz, as a recording's keyframe groups. */
const GROUP_SAMPLES = 60;
/**
 * Decoded groups kept at most: enough for what a dashboard frame reads (the
 * graphs' window at two samples a column, five groups for a graph 150 columns
 * wide, and the oldest sample), so a frame decodes a group only when one closes
 * or the cursor moves on. The events panel reads times, not samples. A decoded
 * group not read since the close before last is let go at a close: live, the window has
 * moved past it (~350 KB a group at 300 processes).
 */
const CACHED_GROUPS = 6;
/** An open group is closed early once its bodies take this share of `maxBytes`, so the bound holds for huge samples too. */
const OPEN_SHARE_OF_MAX = 8;

export interface MemoryTimelineOptions {
  /** The most the encoded groups may take; the oldest group goes first (default: no bound but the count). */
  maxBytes?: number;
  /**
   * Processes each past sample keeps: the top this many by CPU and, separately, by RSS,
   * plus every one carrying spike evidence (core's selection, the one the wire uses).
   * Default: all. The newest sample is served whole either way.
   */
  keepTop?: number;
  /** Samples per group (default 60, never more than the capacity). */
  groupSamples?: number;
}

/** A group of samples encoded with the recording's keyframe codec: it decodes on its own. */
interface ClosedGroup {
  /** Sequence number of its first sample. */
  first: number;
  count: number;
  /** The host facts its encoder started from. */
  host: HostFacts;
  /** The sample bodies one after another, deflated when that was smaller. */
  data: Buffer;
  deflated: boolean;
  /** Byte length of each body. */
  sizes: Uint32Array;
  /** Each sample's `omitted` (the codec keeps only what a recording holds); undefined when none had one. */
  omitted: (OmittedProcesses | undefined)[] | undefined;
}

/** The group being filled: its samples kept as objects, each also encoded as it arrives. */
interface OpenGroup {
  first: number;
  host: HostFacts;
  encoder: SampleEncoder;
  bodies: Buffer[];
  bytes: number;
  samples: Sample[];
}

/**
 * The in-memory history of a stream (the dashboard's hour, an agent's backfill,
 * each host of `tmon connect`): samples in time order, random access by index
 * and time. Past samples are kept as the recording keeps them: groups of a
 * minute encoded with the keyframe codec (store/sample-codec.ts) and deflated,
 * a few hundred bytes a sample instead of kilobytes of objects. Times sit in a
 * typed-array ring, so finding a time decodes nothing; a group is decoded when
 * read, and the last few decoded groups are kept. The group being filled stays
 * objects, and the newest sample is served whole (all its processes, exact).
 *
 * Samples read from an encoded group are quantised as a recording quantises
 * (store/quantise.ts) and list their processes in pid order. Every sample
 * handed out is the caller's to keep: none changes or goes stale when it
 * leaves the history.
 */
export class MemoryTimeline implements Timeline {
  readonly capacity: number;
  private readonly maxBytes: number;
  private readonly keepTop: number | undefined;
  private readonly groupSamples: number;
  /** Times of the held samples, a ring: the oldest at `head`. */
  private readonly times: Float64Array;
  private head = 0;
  private count = 0;
  /** Sequence number of the oldest held sample; the next pushed one gets `firstSeq + count`. */
  private firstSeq = 0;
  private readonly closed: ClosedGroup[] = [];
  private open: OpenGroup | undefined;
  private closedBytes = 0;
  private newest: Sample | undefined;
  private droppedTime = -Infinity;
  private readonly decoded = new LruCache<ClosedGroup, Sample[]>(CACHED_GROUPS);
  /** Groups read since the last group closed: the decoded ones not among them are dropped at the next close. */
  private readonly readSinceClose = new Set<ClosedGroup>();

  /** At most `capacity` samples, and the oldest dropped a group at a time while they take more than `opts.maxBytes`. */
  constructor(capacity: number, opts: MemoryTimelineOptions = {}) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.maxBytes = opts.maxBytes ?? Infinity;
    this.keepTop = opts.keepTop;
    this.groupSamples = Math.max(1, Math.min(opts.groupSamples ?? GROUP_SAMPLES, capacity));
    this.times = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Bytes the encoded samples take (the open group's bodies included). */
  get storedBytes(): number {
    return this.closedBytes + (this.open?.bytes ?? 0);
  }

  /** Host facts of the newest sample. */
  get host(): HostFacts | undefined {
    return this.newest?.host;
  }

  /**
   * Samples [0, encodedLength) read back from encoded groups, quantised as a
   * recording quantises; the rest (the open group, the newest) as pushed.
   */
  get encodedLength(): number {
    if (this.count === 0) return 0;
    return this.open ? Math.max(0, Math.min(this.open.first - this.firstSeq, this.count - 1)) : this.count - 1;
  }

  /** Time of the newest sample ever dropped (-Infinity while none was): a reader whose cursor is older missed samples. */
  get newestDroppedTime(): number {
    return this.droppedTime;
  }

  /**
   * Adds a sample newer than the newest; returns false (and keeps nothing) for
   * one that is not, such as an overlap a source resends after a reconnect.
   */
  push(sample: Sample): boolean {
    if (this.newest && sample.time <= this.newest.time) return false;
    const past = this.keepTop === undefined ? sample : { ...sample, processes: selectProcesses(sample.processes, { top: this.keepTop }) };
    this.append(past);
    if (this.count === this.capacity) this.dropOldest(1);
    this.times[(this.head + this.count) % this.capacity] = sample.time;
    this.count++;
    this.newest = sample;
    this.closeIfFull();
    this.keepWithinBytes();
    return true;
  }

  timeAt(index: number): number | undefined {
    return index < 0 || index >= this.count ? undefined : this.times[(this.head + index) % this.capacity];
  }

  at(index: number): Sample | undefined {
    if (index < 0 || index >= this.count) return undefined;
    if (index === this.count - 1) return this.newest;
    const seq = this.firstSeq + index;
    const open = this.open;
    if (open && seq >= open.first) return open.samples[seq - open.first];
    const group = this.closed[lastAtOrBefore(this.closed.length, (k) => (this.closed[k] as ClosedGroup).first, seq)] as ClosedGroup;
    return this.samplesOf(group)[seq - group.first];
  }

  last(): Sample | undefined {
    return this.newest;
  }

  /** Samples [start, end), oldest first, clamped to what exists. */
  slice(start: number, end: number): Sample[] {
    const out: Sample[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.count); i++) out.push(this.at(i) as Sample);
    return out;
  }

  indexAtTime(time: number): number {
    if (this.count === 0) return -1;
    // Before the first sample: the first.
    return Math.max(0, lastAtOrBefore(this.count, (i) => this.times[(this.head + i) % this.capacity] as number, time));
  }

  /** Encodes a sample into the open group, starting one when there is none. */
  private append(s: Sample): void {
    const open = this.open ?? { first: this.firstSeq + this.count, host: s.host, encoder: new SampleEncoder(s.host), bodies: [], bytes: 0, samples: [] };
    let body: Buffer;
    try {
      body = open.encoder.encode(s, open.bodies.length === 0);
    } catch (err) {
      // The encoder's state is unknown now: what it wrote so far stays a group, the next sample starts another.
      if (this.open) this.closeOpen();
      throw err;
    }
    this.open = open;
    open.bodies.push(body);
    open.bytes += body.length;
    open.samples.push(s);
  }

  private closeIfFull(): void {
    const open = this.open;
    if (open && (open.samples.length >= this.groupSamples || open.bytes * OPEN_SHARE_OF_MAX >= this.maxBytes)) this.closeOpen();
  }

  private closeOpen(): void {
    const open = this.open;
    this.open = undefined;
    if (!open || open.samples.length === 0) return;
    const raw = Buffer.concat(open.bodies, open.bytes);
    const packed = deflateRawSync(raw);
    const deflated = packed.length < raw.length;
    const omitted = open.samples.some((s) => s.omitted !== undefined) ? open.samples.map((s) => s.omitted) : undefined;
    const group: ClosedGroup = {
      first: open.first,
      count: open.samples.length,
      host: open.host,
      // A copy of exact size: zlib's output may be a view into a larger chunk.
      data: deflated ? Buffer.from(packed) : raw,
      deflated,
      sizes: Uint32Array.from(open.bodies, (b) => b.length),
      omitted,
    };
    this.closed.push(group);
    this.closedBytes += group.data.length;
    for (const g of this.closed) if (!this.readSinceClose.has(g)) this.decoded.delete(g);
    this.readSinceClose.clear();
  }

  /** The group's samples, decoded (and kept among the last few decoded). */
  private samplesOf(group: ClosedGroup): Sample[] {
    this.readSinceClose.add(group);
    let samples = this.decoded.get(group);
    if (!samples) {
      samples = this.decodeGroup(group);
      this.decoded.set(group, samples);
    }
    return samples;
  }

  private decodeGroup(group: ClosedGroup): Sample[] {
    const raw = group.deflated ? inflateRawSync(group.data) : group.data;
    const decoder = new SampleDecoder(group.host);
    const out: Sample[] = [];
    let at = 0;
    for (let k = 0; k < group.count; k++) {
      const size = group.sizes[k] as number;
      const seq = group.first + k;
      // A dropped sample's time is gone from the ring; it is decoded only because the next ones build on it.
      const time = seq >= this.firstSeq ? (this.timeAt(seq - this.firstSeq) as number) : 0;
      const sample = decoder.decode(raw.subarray(at, at + size), time, k === 0);
      const omitted = group.omitted?.[k];
      if (omitted) sample.omitted = omitted;
      out.push(sample);
      at += size;
    }
    return out;
  }

  /** Lets go of the `n` oldest samples, and of every group none of whose samples is held any more. */
  private dropOldest(n: number): void {
    const k = Math.min(n, this.count);
    if (k === 0) return;
    this.droppedTime = this.times[(this.head + k - 1) % this.capacity] as number;
    this.head = (this.head + k) % this.capacity;
    this.count -= k;
    this.firstSeq += k;
    for (let g = this.closed[0]; g && g.first + g.count <= this.firstSeq; g = this.closed[0]) {
      this.closed.shift();
      this.closedBytes -= g.data.length;
      this.decoded.delete(g);
      this.readSinceClose.delete(g);
    }
  }

  /** Drops the oldest groups while over the byte bound, never the newest sample's. */
  private keepWithinBytes(): void {
    while (this.storedBytes > this.maxBytes) {
      const oldest = this.closed[0];
      if (!oldest || (!this.open && this.closed.length === 1)) return;
      this.dropOldest(oldest.first + oldest.count - this.firstSeq);
    }
  }
}
