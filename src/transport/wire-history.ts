import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { HostFacts, Sample } from '../core/sample.js';
import { RingBuffer } from '../core/ring-buffer.js';
import type { Timeline } from '../core/timeline.js';
import { encodeSample } from '../protocol/wire-messages.js';

/** How often the compression dictionary is refreshed from the newest sample, so it follows the process list. */
const DICTIONARY_EVERY = 300;

interface Entry {
  time: number;
  /** The sample's JSON, raw-deflated against `dictionary`. */
  data: Buffer;
  dictionary: Buffer;
}

/**
 * The agent's backfill history: the newest `capacity` wire samples, each kept
 * as deflated JSON. Measured (300-process machine, 23 processes on the wire):
 * 7.3 KB of JSON is ~9.6 KB of heap as live objects but ~0.6 KB deflated
 * against a recent sample as dictionary, so an hour costs ~2 MB instead of
 * ~34 MB; a sample costs ~80 µs to store and ~20 µs to read back. Replies are sent as
 * the stored JSON, never re-encoded. Implements Timeline, so it can be browsed
 * like any other history.
 */
export class WireHistory implements Timeline {
  private readonly ring: RingBuffer<Entry>;
  private dictionary: Buffer | undefined;
  private sinceDictionary = 0;
  private newest: { json: string; host: HostFacts } | undefined;
  private compressedBytes = 0;

  /** At most `capacity` samples, and the oldest dropped while the deflated ones take more than `maxBytes`. */
  constructor(
    capacity: number,
    private readonly maxBytes = Infinity,
  ) {
    this.ring = new RingBuffer<Entry>(capacity);
  }

  get length(): number {
    return this.ring.length;
  }

  get capacity(): number {
    return this.ring.capacity;
  }

  /** Bytes of deflated samples held (not counting the few dictionaries). */
  get storedBytes(): number {
    return this.compressedBytes;
  }

  /** Host facts of the newest sample. */
  get host(): HostFacts | undefined {
    return this.newest?.host;
  }

  /**
   * Keeps a sample (already prepared for the wire); samples must come in
   * time order. Returns its JSON and the time of the sample it pushed out.
   */
  push(sample: Sample): { json: string; droppedTime: number | undefined } {
    const json = encodeSample(sample);
    const raw = Buffer.from(json, 'utf8');
    const dictionary = this.dictionary ?? raw;
    // A copy of exact size: zlib's output may be a view into a much larger chunk.
    const data = Buffer.from(deflateRawSync(raw, { dictionary }));
    if (++this.sinceDictionary >= DICTIONARY_EVERY || !this.dictionary) {
      this.dictionary = raw;
      this.sinceDictionary = 0;
    }
    let dropped = this.ring.push({ time: sample.time, data, dictionary });
    this.compressedBytes += data.length - (dropped?.data.length ?? 0);
    while (this.compressedBytes > this.maxBytes && this.ring.length > 1) {
      dropped = this.ring.shift();
      this.compressedBytes -= dropped?.data.length ?? 0;
    }
    this.newest = { json, host: sample.host };
    return { json, droppedTime: dropped?.time };
  }

  timeAt(index: number): number | undefined {
    return index < 0 ? undefined : this.ring.at(index)?.time;
  }

  /** The sample's JSON exactly as sent. */
  jsonAt(index: number): string | undefined {
    if (index === this.ring.length - 1 && this.newest) return this.newest.json;
    const entry = index < 0 ? undefined : this.ring.at(index);
    return entry && inflateRawSync(entry.data, { dictionary: entry.dictionary }).toString('utf8');
  }

  at(index: number): Sample | undefined {
    const json = this.jsonAt(index);
    return json === undefined ? undefined : (JSON.parse(json) as Sample);
  }

  last(): Sample | undefined {
    return this.at(this.ring.length - 1);
  }

  slice(start: number, end: number): Sample[] {
    const out: Sample[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) out.push(this.at(i) as Sample);
    return out;
  }

  indexAtTime(time: number): number {
    if (this.length === 0) return -1;
    let lo = 0;
    let hi = this.length - 1;
    if ((this.timeAt(0) ?? 0) > time) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.timeAt(mid) ?? 0) <= time) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
