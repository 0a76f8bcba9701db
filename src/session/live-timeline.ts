import { LruCache } from '../core/lru-cache.js';
import { ProcessPacker, type PackedProcesses } from '../core/process-pack.js';
import { selectProcesses } from '../core/process-selection.js';
import { RingBuffer } from '../core/ring-buffer.js';
import type { HostFacts, ProcessStats, Sample } from '../core/sample.js';
import { indexAtTime, type Timeline } from '../core/timeline.js';

/** Past samples whose processes stay unpacked: the cursor's and its neighbours, as stepping reads them. */
const UNPACKED_KEPT = 64;

/**
 * A live session's history, cheap enough to keep an hour of: every sample but the
 * newest keeps only the processes worth remembering (the top N by CPU and by
 * memory, and every process carrying spike evidence — core's selection, the same
 * one the wire uses), so a paused view still shows the table of that moment.
 * Those processes are kept packed (core's ProcessPacker: ~1.5 KB a sample instead
 * of ~7 KB of objects) and unpacked only when read; the rest of a past sample
 * (what graphs, sparklines and events read every frame) stays plain objects.
 * The newest sample stays whole: per-user totals and the live table see every process.
 */
export class LiveTimeline implements Timeline {
  private readonly ring: RingBuffer<PastSample>;
  private readonly packer = new ProcessPacker();
  /** Recently unpacked process lists. */
  private readonly unpacked = new LruCache<PackedProcesses, ProcessStats[]>(UNPACKED_KEPT);
  private newest: Sample | undefined;

  constructor(
    capacity: number,
    /** Processes kept per past sample: the top this many by CPU and, separately, by RSS. */
    private readonly keepTop: number,
  ) {
    this.ring = new RingBuffer<PastSample>(capacity);
  }

  get length(): number {
    return this.ring.length;
  }

  /**
   * Adds a sample newer than the newest; returns false (and keeps nothing) for one
   * that is not, such as an overlap a source resends after a reconnect: the
   * timeline must stay in time order. The ring holds the slim copy from the start;
   * the whole sample is served while it is the newest.
   */
  push(sample: Sample): boolean {
    if (this.newest && sample.time <= this.newest.time) return false;
    const previous = this.ring.last();
    // Host facts rarely change: one object for a run of equal ones.
    const host = previous && sameHost(previous.host, sample.host) ? previous.host : sample.host;
    const packed = this.packer.pack(selectProcesses(sample.processes, { top: this.keepTop }));
    const dropped = this.ring.push(new PastSample(sample, host, packed, this));
    if (dropped) dropped.detach();
    this.newest = sample;
    return true;
  }

  at(index: number): Sample | undefined {
    return index === this.ring.length - 1 ? this.newest : index < 0 ? undefined : this.ring.at(index);
  }

  slice(start: number, end: number): Sample[] {
    const out: Sample[] = this.ring.slice(start, end);
    if (out.length > 0 && Math.min(end, this.ring.length) === this.ring.length && this.newest) out[out.length - 1] = this.newest;
    return out;
  }

  indexAtTime(time: number): number {
    return indexAtTime(this, time);
  }

  /** @internal A past sample's processes, unpacked (and remembered for a while). */
  processesOf(packed: PackedProcesses): ProcessStats[] {
    let list = this.unpacked.get(packed);
    if (!list) {
      list = this.packer.unpack(packed);
      this.unpacked.set(packed, list);
    }
    return list;
  }

  /** @internal A packed list leaving the history: its processes, unpacked for the last time. */
  releasePacked(packed: PackedProcesses): ProcessStats[] {
    const list = this.unpacked.get(packed) ?? this.packer.unpack(packed);
    this.unpacked.delete(packed);
    this.packer.release(packed);
    return list;
  }
}

/**
 * A past sample: plain fields, with `processes` an own enumerable getter (so
 * spreading or serialising the sample still carries them) that unpacks on read.
 */
class PastSample implements Sample {
  declare readonly version: Sample['version'];
  declare readonly time: number;
  declare readonly intervalMs: number;
  declare readonly host: HostFacts;
  declare readonly uptime: number;
  declare readonly cpu: Sample['cpu'];
  declare readonly load: Sample['load'];
  declare readonly memory: Sample['memory'];
  declare readonly pressure: Sample['pressure'];
  declare readonly tasks: Sample['tasks'];
  declare readonly processes: ProcessStats[];
  declare readonly net: Sample['net'];
  declare readonly filesystems: Sample['filesystems'];
  declare readonly disks: Sample['disks'];
  #packed: PackedProcesses | null;
  #owner: LiveTimeline | null;
  /** Set once the sample has left the history and owns its processes outright. */
  #detached: ProcessStats[] | null = null;

  // One getter shared by every PastSample, so they all keep one hidden class.
  static readonly #processes: PropertyDescriptor = {
    enumerable: true,
    get(this: PastSample): ProcessStats[] {
      return this.#detached ?? (this.#owner as LiveTimeline).processesOf(this.#packed as PackedProcesses);
    },
  };

  constructor(s: Sample, host: HostFacts, packed: PackedProcesses, owner: LiveTimeline) {
    this.#packed = packed;
    this.#owner = owner;
    // Assigned in Sample's field order, so the copy serialises like the original.
    Object.assign(this, { version: s.version, time: s.time, intervalMs: s.intervalMs, host, uptime: s.uptime, cpu: s.cpu, load: s.load, memory: s.memory, pressure: s.pressure, tasks: s.tasks });
    Object.defineProperty(this, 'processes', PastSample.#processes);
    Object.assign(this, { net: s.net, filesystems: s.filesystems, disks: s.disks });
  }

  /** Leaves the history: a caller still holding this sample keeps reading the same processes. */
  detach(): void {
    this.#detached = (this.#owner as LiveTimeline).releasePacked(this.#packed as PackedProcesses);
    this.#packed = null;
    this.#owner = null;
  }
}

function sameHost(a: HostFacts, b: HostFacts): boolean {
  return (
    a === b ||
    (a.hostname === b.hostname &&
      a.os === b.os &&
      a.kernel === b.kernel &&
      a.arch === b.arch &&
      a.cpuModel === b.cpuModel &&
      a.cpuCount === b.cpuCount &&
      a.memTotal === b.memTotal &&
      a.bootTime === b.bootTime &&
      a.monitorPid === b.monitorPid)
  );
}
