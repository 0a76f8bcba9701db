/**
 * Raw counters as the kernel reports them at one instant. `derive()` turns two
 * of these into a Sample; nothing here is a rate.
 */
import type { FilesystemStats, Pressure } from '../core/sample.js';

/** USER_HZ: the unit of every time in /proc/stat and /proc/<pid>/stat. 100 on every mainstream Linux arch. */
export const CLK_TCK = 100;

/** Cumulative clock ticks of one CPU line of /proc/stat (guest time is already inside user/nice). */
export interface RawCpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export interface RawSystemStat {
  total: RawCpuTimes;
  /** Per core, in /proc/stat order; `coreIds[i]` is the N of `cpuN` so an offlined core is not mismatched. */
  cores: RawCpuTimes[];
  coreIds: number[];
  /** Boot time, seconds since epoch. */
  btime: number;
}

/** /proc/meminfo, in bytes. */
export interface RawMemInfo {
  total: number;
  free: number;
  available: number;
  buffers: number;
  /** Cached + SReclaimable, as free(1) counts "cache". */
  cached: number;
  swapTotal: number;
  swapFree: number;
}

/** Who a process is: read once per (pid, starttime), shared by reference between snapshots. */
export interface ProcIdentity {
  cmd: string;
  uid: number;
  user: string;
  /** Its memory cgroup as /proc/PID/cgroup names it; read only while a cgroup other than the root is watched. */
  cgroup?: string;
}

export interface RawProcess {
  pid: number;
  ppid: number;
  /** comm */
  name: string;
  state: string;
  kernelThread: boolean;
  /** Clock ticks. */
  utime: number;
  stime: number;
  /** Clock ticks of reaped children. */
  cutime: number;
  cstime: number;
  threads: number;
  /** Clock ticks after boot; with pid it identifies the process across PID reuse. */
  startTicks: number;
  /** Bytes. For a process that exited inside the interval: the highest RSS any scan saw. */
  rss: number;
  /** minflt + majflt: RSS cannot grow without page faults, so this tells when VmHWM is worth reading. */
  faults: number;
  ident: ProcIdentity;
  /** Bytes: a peak inside the interval (VmHWM that rose, or a burst scan's higher RSS). */
  rssPeak?: number;
}

export interface RawNetCounters {
  name: string;
  rxBytes: number;
  txBytes: number;
  /** No backing device in sysfs: a veth, bridge, tunnel… whose bytes a physical interface also carries. */
  virtual?: boolean;
}

export interface RawDiskCounters {
  name: string;
  /** 512-byte sectors, whatever the device's real sector size. */
  sectorsRead: number;
  sectorsWritten: number;
}

/** Extremes the fast watch saw between two ticks. */
export interface FastWindow {
  usedMin: number;
  usedMax: number;
  busyMin: number;
  busyMax: number;
}

/** The memory cgroup whose limit applies (collect/cgroup-memory.ts), in bytes; counters are cumulative. */
export interface RawCgroupMemory {
  /** The directory of the level carrying the limit: counters are compared only while it stays the same. */
  level: string;
  /** That level as /proc/PID/cgroup names it ('/' or '/a/b'): its OOM kills and usage are of processes in its subtree. */
  path: string;
  limit: number;
  usage: number;
  /** Page cache the kernel reclaims first: usage less this is the working set. */
  inactiveFile: number;
  /** All page cache charged to the cgroup. */
  file: number;
  /** Infinity when none. */
  swapLimit: number;
  /** Null when the kernel does not account swap per cgroup. */
  swapUsage: number | null;
  /** v2 memory.events max + oom, v1 failcnt. */
  limitHits: number;
  /** v1: the cgroup is stuck at its limit with the OOM killer disabled. */
  underOom: boolean;
  oomKills: number;
}

export interface RawSnapshot {
  /** ms since epoch. */
  time: number;
  /** Monotonic ms: rates divide by this, so a wall-clock step does not distort them. */
  mono: number;
  stat: RawSystemStat;
  mem: RawMemInfo;
  load: { one: number; five: number; fifteen: number };
  pressure: Pressure;
  /** Alive at the tick, by pid. */
  processes: Map<number, RawProcess>;
  /** Seen by a burst scan since the previous tick but gone at this one. */
  exited: RawProcess[];
  /** Reaped children's CPU split from what tmon saw of them (reapedChildTicks against the previous snapshot). */
  childTicks: ChildTicks;
  net: RawNetCounters[];
  disks: RawDiskCounters[];
  /** Refreshed every ~10 s, not per tick. */
  filesystems: FilesystemStats[];
  /** Null when no fast watch ran. */
  window: FastWindow | null;
  /** The memory cgroup, when one has a limit below RAM. */
  cgroup?: RawCgroupMemory | null;
  /** /proc/vmstat oom_kill (the machine's OOM kills since boot); null when unreadable. */
  oomKills?: number | null;
}

/** Lifetime CPU of seen children not yet found in their parent's cutime+cstime, by parent pid. */
export interface ChildCredit {
  /** The parent's start, so a reused PID does not inherit it. */
  startTicks: number;
  ticks: number;
}
export type ChildCarry = Map<number, ChildCredit>;

export interface ChildTicks {
  /** Per process of the snapshot (alive or exited): clock ticks of CPU of reaped children tmon did not see. */
  unseen: Map<RawProcess, number>;
  /**
   * Credit of children that vanished in this interval but are not in their parent's
   * counters yet: a scan can read the parent just before the reap and miss the child
   * just after. Kept one interval, then dropped (a parent that ignores SIGCHLD never
   * gets its children's time).
   */
  carry: ChildCarry;
}
