import { UserError } from '../core/errors.js';
import type { HostFacts, Sample } from '../core/sample.js';
import { noChildTicks, reapedChildTicks } from './child-cpu.js';
import { CgroupMemory, VmstatOomKills, limitingPath } from './cgroup-memory.js';
import { derive } from './derive.js';
import { FastWatch, defaultFastWatchOptions } from './fast-watch.js';
import { FilesystemWatch } from './filesystems.js';
import { linuxHostFacts } from './host-facts.js';
import { IntervalSightings } from './interval-sightings.js';
import type { Collector } from './collector.js';
import { ProcReader } from './proc-reader.js';
import type { RawSnapshot } from './raw.js';

export interface LinuxCollectorOptions {
  procRoot?: string;
  passwdPath?: string;
  sysRoot?: string;
  /** Default true. */
  fastWatch?: boolean;
  fastWatchHz?: number;
  /** Where cgroupfs is mounted. Default '/sys/fs/cgroup'. */
  cgroupRoot?: string;
  /** The memory cgroup to watch instead of tmon's own (--cgroup). */
  cgroup?: string;
}

/**
 * The Linux collector: /proc read directly, one raw snapshot per tick, rates
 * by derive(). A fast watch between ticks records memory and CPU extremes and
 * triggers burst process scans; what those scans saw is folded into the
 * tick's sample (peaks, processes that exited meanwhile).
 */
export class LinuxCollector implements Collector {
  private prev: RawSnapshot;
  private readonly sightings = new IntervalSightings();
  private readonly fast: FastWatch | null;

  private readonly vmstat: VmstatOomKills;

  private constructor(
    private readonly reader: ProcReader,
    private readonly filesystems: FilesystemWatch,
    readonly host: HostFacts,
    private readonly cgroup: CgroupMemory | null,
    opts: LinuxCollectorOptions,
  ) {
    this.vmstat = new VmstatOomKills(reader.root);
    const limit = cgroup?.read(host.memTotal)?.limit ?? host.memTotal;
    this.fast =
      opts.fastWatch === false
        ? null
        : new FastWatch(
            // Under a cgroup limit the watch follows the cgroup's usage, so its peaks are caught too.
            (out) => {
              if (!reader.probe(out)) return false;
              const used = cgroup?.probeUsed() ?? NaN;
              if (!Number.isNaN(used)) out.memUsed = used;
              return true;
            },
            defaultFastWatchOptions(limit, opts.fastWatchHz),
            // Burst scan: stat only, no VmHWM reads; the tick folds what it saw in.
            () => this.sightings.note(reader.scanProcesses({ peaks: false, primed: true })),
          );
    // The baseline: the first sample()'s rates are measured from here.
    this.prev = this.snapshot(null);
    this.fast?.start();
  }

  static async create(opts: LinuxCollectorOptions = {}): Promise<LinuxCollector> {
    const reader = new ProcReader(opts);
    const stat = reader.readStat();
    const mem = reader.readMeminfo();
    if (!stat || !mem) {
      reader.close();
      throw new UserError(`cannot read ${reader.root}/stat and ${reader.root}/meminfo: tmon needs procfs mounted there`);
    }
    const filesystems = new FilesystemWatch(`${reader.root}/mounts`);
    // Waits for statfs at most a moment: a hung network mount must not delay the dashboard.
    await filesystems.refresh(performance.now());
    const host = linuxHostFacts(reader.root, stat.cores.length, mem.total, stat.btime);
    let cgroup: CgroupMemory | null;
    try {
      cgroup = CgroupMemory.open({ cgroupRoot: opts.cgroupRoot, procRoot: reader.root, cgroup: opts.cgroup });
    } catch (err) {
      reader.close();
      throw err;
    }
    return new LinuxCollector(reader, filesystems, host, cgroup, opts);
  }

  /** VmHWM reads for the peak check since start (benchmarks report it). */
  get hwmReads(): number {
    return this.reader.hwmReads;
  }

  /** Burst scans since start (benchmarks report it). */
  get burstScans(): number {
    return this.fast?.burstsTotal ?? 0;
  }

  /** Whether the fast watch is running (it stops on close()). */
  get watching(): boolean {
    return this.fast?.running ?? false;
  }

  sample(): Promise<Sample> {
    try {
      return Promise.resolve(this.sampleNow());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** The synchronous core of sample(): the whole tick runs without yielding. */
  sampleNow(): Sample {
    const cur = this.snapshot(this.prev);
    const sample = derive(this.prev, cur, this.host);
    this.prev = cur;
    return sample;
  }

  close(): void {
    this.fast?.close();
    this.reader.close();
    this.cgroup?.close();
    this.vmstat.close();
  }

  /** A raw snapshot; `prev` (null for the baseline) is what its child CPU is split against. */
  private snapshot(prev: RawSnapshot | null): RawSnapshot {
    const primed = prev !== null;
    const time = Date.now();
    const mono = performance.now();
    const system = this.reader.readSystem();
    // Before the process scan: a kill counted now has had its victim gone by the scan.
    const cgroup = this.cgroup?.read(this.host.memTotal) ?? null;
    // Under a limit below the root, which processes are in that cgroup decides who can be a memory culprit
    // or an OOM victim; otherwise nobody is outside, and no process's cgroup file is read.
    this.reader.cgroupVersion = limitingPath(cgroup) !== null ? (this.cgroup?.location.version ?? null) : null;
    const oomKills = this.vmstat.read();
    const processes = this.reader.scanProcesses({ peaks: primed, primed, memorySwing: this.fast?.memorySwing });
    const exited = this.sightings.settle(processes);
    const window = this.fast?.takeWindow() ?? null;
    this.filesystems.tick(mono);
    const cur: RawSnapshot = { time, mono, ...system, processes, exited, childTicks: noChildTicks(), filesystems: this.filesystems.current, window, cgroup, oomKills };
    cur.childTicks = reapedChildTicks(prev, cur);
    return cur;
  }
}
