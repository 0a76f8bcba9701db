import type { ProbeResult } from './probe.js';

/**
 * The one data model shared by live, remote and replay (see ARCHITECTURE.md).
 * Every unit is explicit in the field name or its comment: bytes, percent,
 * milliseconds since the Unix epoch.
 */

/** Bumped whenever a field changes meaning or a required field is added. */
export const SAMPLE_VERSION = 1;

export interface HostFacts {
  hostname: string;
  /** e.g. "Debian GNU/Linux 12", "macOS 14.5". */
  os: string;
  kernel: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  /** Bytes of physical memory. */
  memTotal: number;
  /** When the machine booted, ms since epoch. */
  bootTime: number;
  /** The pid of the tmon process that took the samples, so its own CPU and memory are told apart. */
  monitorPid?: number;
}

/** Shares of CPU time in percent. For the total they are of all cores together (0–100). */
export interface CpuShare {
  /** user + nice */
  user: number;
  /** system + irq + softirq */
  system: number;
  iowait: number;
  steal: number;
  idle: number;
  /** Everything that is not idle or iowait: what "CPU use" means on the graphs. */
  busy: number;
}

export interface CpuStats {
  total: CpuShare;
  cores: CpuShare[];
  /**
   * Lowest and highest total busy % seen inside the interval by the fast watch.
   * Equal to total.busy when no fast watch ran.
   */
  busyMin: number;
  busyMax: number;
}

export interface MemoryStats {
  /** All in bytes. used = total - available (what the kernel can't give back). */
  total: number;
  used: number;
  available: number;
  free: number;
  cached: number;
  buffers: number;
  swapTotal: number;
  swapUsed: number;
  /** Lowest and highest `used` seen inside the interval (fast watch); equal to used without one. */
  usedMin: number;
  usedMax: number;
  /**
   * Bytes: set when a cgroup memory limit below RAM applies (a container, a systemd
   * slice), since that limit is what the OOM killer enforces. Then `total` equals it
   * and the other figures are the cgroup's (collect/cgroup-memory.ts).
   */
  limit?: number;
  /** OOM kills inside the interval: the cgroup's with a limit, the machine's without. Absent when none. */
  oomKills?: number;
  /** Times the limited cgroup hit its limit inside the interval. Absent when none. */
  limitHits?: number;
}

export interface LoadAverage {
  one: number;
  five: number;
  fifteen: number;
}

export interface TaskCounts {
  total: number;
  running: number;
  sleeping: number;
  /** Uninterruptible sleep, state D. */
  blocked: number;
  stopped: number;
  zombie: number;
  /** Kernel idle threads, state I. */
  idle: number;
}

/**
 * Pressure stall information (PSI) totals: seconds since boot that some task
 * (`some`) or every non-idle task at once (`full`) stalled on the resource, the
 * `total=` of /proc/pressure/*. Absent without PSI (another OS, an older agent or
 * recording); `cpuFullSeconds` also before Linux 5.13.
 */
export interface PressureTotals {
  cpuSomeSeconds?: number;
  cpuFullSeconds?: number;
  memorySomeSeconds?: number;
  memoryFullSeconds?: number;
  ioSomeSeconds?: number;
  ioFullSeconds?: number;
}

/** Pressure stall information: `cpu`, `memory`, `io` are the percent of time some task stalled over the last 10 s. */
export interface Pressure extends PressureTotals {
  cpu: number | null;
  memory: number | null;
  io: number | null;
}

export interface ProcessStats {
  pid: number;
  ppid: number;
  uid: number;
  user: string;
  /** The short name (comm), e.g. "node"; may contain spaces and parentheses. */
  name: string;
  /** Full command line; empty for kernel threads. */
  cmd: string;
  /** One-letter kernel state: R S D Z T I … */
  state: string;
  /** When the process started, ms since epoch. (pid, startTime) identifies a process across PID reuse. */
  startTime: number;
  /** Percent of one core over the interval (top's convention: can exceed 100 on several cores). */
  cpu: number;
  /** Resident set size, bytes. */
  rss: number;
  /** rss as a percent of physical memory. */
  memPercent: number;
  threads: number;
  kernelThread: boolean;
  /** Peak RSS (VmHWM) in bytes when it was read this interval; a peak between scans shows here. */
  rssPeak?: number;
  /**
   * Percent of one core used during the interval by children that exited and were
   * reaped by this process (cutime + cstime): how short-lived processes are seen.
   */
  childCpu?: number;
  /**
   * Gone at the tick: seen by a burst scan inside the interval, or present in the
   * previous sample (then with its last RSS and no CPU of its own for this interval).
   */
  exited?: boolean;
  /**
   * Outside the memory cgroup whose limit is the memory total (a cgroup watched on a
   * host): it cannot raise that memory figure nor be one of its OOM victims. Absent
   * when no such cgroup applies.
   */
  outside?: true;
}

export interface OmittedProcesses {
  count: number;
  /** Highest CPU (percent of one core) among the processes left out. */
  maxCpu: number;
  /** Highest RSS (bytes) among the processes left out. */
  maxRss: number;
}

export interface NetInterfaceStats {
  name: string;
  rxBytesPerSec: number;
  txBytesPerSec: number;
  /** True for a virtual device (veth, bridge, tun…: no /sys/class/net/<name>/device); totals skip it (core/net-totals.ts). */
  virtual?: boolean;
}

export interface FilesystemStats {
  mount: string;
  device: string;
  fsType: string;
  sizeBytes: number;
  usedBytes: number;
  /**
   * Bytes an unprivileged user can still write (statfs f_bavail × block size, node_exporter's
   * avail): below size − used by the blocks reserved for root. Absent from older agents and recordings.
   */
  availBytes?: number;
}

export interface DiskIoStats {
  device: string;
  readBytesPerSec: number;
  writeBytesPerSec: number;
}

export interface Sample {
  version: typeof SAMPLE_VERSION;
  /** When the sample was taken, ms since epoch. */
  time: number;
  /** Milliseconds since the previous sample (the interval the rates cover). */
  intervalMs: number;
  host: HostFacts;
  /** Seconds since boot. */
  uptime: number;
  cpu: CpuStats;
  load: LoadAverage;
  memory: MemoryStats;
  pressure: Pressure;
  tasks: TaskCounts;
  /** The processes the source carries: all of them from the local collector, a selection over the wire. */
  processes: ProcessStats[];
  /**
   * Set when `processes` is a selection: how many were left out and the most any of
   * them used, so a process missing here is known to be "not sent", never "gone",
   * and its level is known to be at most these. Gone processes are sent with `exited`.
   */
  omitted?: OmittedProcesses;
  net: NetInterfaceStats[];
  filesystems: FilesystemStats[];
  disks: DiskIoStats[];
  /** The latest answer of each probe (--probe), when any runs. */
  probes?: ProbeResult[];
}

/** The program's own file name from a command line: "/usr/sbin/apache2 -k start" → "apache2". */
export function programName(cmd: string): string {
  const program = cmd.split(' ', 1)[0] ?? '';
  return program.slice(program.lastIndexOf('/') + 1);
}

/** A process's identity that survives PID reuse. */
export function processKey(p: Pick<ProcessStats, 'pid' | 'startTime'>): string {
  return `${p.pid}@${p.startTime}`;
}
