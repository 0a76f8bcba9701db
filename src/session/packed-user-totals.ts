import type { UserTotal } from '../analysis/user-totals.js';
import { lastAtOrBefore } from '../core/binary-search.js';

/** Numbers per user: name index (into its chunk's names), uid, cpu, rss, processes. */
const FIELDS = 5;
/** Samples per chunk: a minute at 1 Hz, as the history's groups. */
const CHUNK_SAMPLES = 60;

/** The totals of consecutive samples, one number array for all of them. */
interface Chunk {
  times: number[] | Float64Array;
  /** Where each sample's users start in `data`; one more entry: the end. */
  starts: number[] | Uint32Array;
  data: number[] | Float64Array;
  /** User names, each once; a name's index is what `data` holds. */
  names: string[];
}

/**
 * Per-user totals of every sample of an hour, kept by sample time (`SampleFacts`).
 * As objects they took ~1 KB a sample, more than the encoded samples themselves;
 * packed, a few numbers per user in one typed array per minute, with the names of
 * that minute held once. Exact: every field comes back as recorded, in order.
 */
export class PackedUserTotals {
  private closed: Chunk[] = [];
  private open: Chunk = emptyChunk();
  /** Totals of samples older than this are forgotten. */
  private oldest = -Infinity;

  /** Takes the totals of a sample newer than every one recorded so far. */
  record(time: number, totals: readonly UserTotal[]): void {
    const o = this.open as Chunk & { times: number[]; starts: number[]; data: number[] };
    o.times.push(time);
    o.starts.push(o.data.length);
    for (const t of totals) {
      let name = o.names.indexOf(t.user);
      if (name < 0) name = o.names.push(t.user) - 1;
      o.data.push(name, t.uid, t.cpu, t.rss, t.processes);
    }
    if (o.times.length >= CHUNK_SAMPLES) {
      this.closed.push({ times: Float64Array.from(o.times), starts: Uint32Array.from([...o.starts, o.data.length]), data: Float64Array.from(o.data), names: o.names });
      this.open = emptyChunk();
    }
  }

  /** The totals recorded for the sample at `time`; undefined when none were, or they were pruned. */
  at(time: number): UserTotal[] | undefined {
    if (time < this.oldest) return undefined;
    const chunks = this.open.times.length > 0 ? [...this.closed, this.open] : this.closed;
    const c = chunks[lastAtOrBefore(chunks.length, (k) => (chunks[k] as Chunk).times[0] as number, time)];
    if (!c) return undefined;
    const k = lastAtOrBefore(c.times.length, (i) => c.times[i] as number, time);
    if (k < 0 || c.times[k] !== time) return undefined;
    // A closed chunk's starts end with its data's end; the open one's do not yet.
    const end = k + 1 < c.starts.length ? (c.starts[k + 1] as number) : c.data.length;
    const out: UserTotal[] = [];
    for (let at = c.starts[k] as number; at < end; at += FIELDS) {
      const d = c.data;
      out.push({ user: c.names[d[at] as number] as string, uid: d[at + 1] as number, cpu: d[at + 2] as number, rss: d[at + 3] as number, processes: d[at + 4] as number });
    }
    return out;
  }

  /** Forgets the totals of samples older than `time`: whole chunks go once all their samples are older. */
  prune(time: number): void {
    this.oldest = Math.max(this.oldest, time);
    while (this.closed.length > 0) {
      const c = this.closed[0] as Chunk;
      if ((c.times[c.times.length - 1] as number) >= time) break;
      this.closed.shift();
    }
  }
}

function emptyChunk(): Chunk {
  return { times: [], starts: [], data: [], names: [] };
}
