import { SAMPLE_VERSION, type CpuShare, type DiskIoStats, type HostFacts, type NetInterfaceStats, type ProcessStats, type Sample, type TaskCounts } from '../core/sample.js';
import { delta, intervalTicks, startTimeOf } from './interval-ticks.js';
import { CLK_TCK, type RawCpuTimes, type RawProcess, type RawSnapshot } from './raw.js';
import { limitingPath, withinCgroup } from './cgroup-memory.js';
import { deriveMemory } from './derive-memory.js';
import { countState, noTasks } from './task-counts.js';

/** diskstats counts 512-byte sectors whatever the device's real sector size. */
const SECTOR_BYTES = 512;
const MS_PER_TICK = 1000 / CLK_TCK;

const IDLE: CpuShare = { user: 0, system: 0, iowait: 0, steal: 0, idle: 100, busy: 0 };

function cpuShare(prev: RawCpuTimes | undefined, cur: RawCpuTimes): CpuShare {
  if (!prev) return { ...IDLE };
  const user = delta(cur.user, prev.user) + delta(cur.nice, prev.nice);
  const system = delta(cur.system, prev.system) + delta(cur.irq, prev.irq) + delta(cur.softirq, prev.softirq);
  const iowait = delta(cur.iowait, prev.iowait);
  const steal = delta(cur.steal, prev.steal);
  const idle = delta(cur.idle, prev.idle);
  const total = user + system + iowait + steal + idle;
  if (total === 0) return { ...IDLE };
  const pct = (v: number): number => (v / total) * 100;
  return { user: pct(user), system: pct(system), iowait: pct(iowait), steal: pct(steal), idle: pct(idle), busy: pct(user + system + steal) };
}

/**
 * Turns two raw snapshots into a Sample: every rate is the increase of a
 * counter between `prev` and `cur` over the monotonic time between them.
 * Without `prev` (the first sample) every rate is 0. Pure.
 */
export function derive(prev: RawSnapshot | null, cur: RawSnapshot, host: HostFacts): Sample {
  const dtMs = prev ? cur.mono - prev.mono : 0;
  const perSec = dtMs > 0 ? 1000 / dtMs : 0;
  const bootMs = cur.stat.btime * 1000;
  const total = cpuShare(prev?.stat.total, cur.stat.total);
  // RAM, or the cgroup's limit when one applies: process percentages are of the same total.
  const memory = deriveMemory(prev, cur);
  const w = cur.window;
  const { processes, tasks } = deriveProcesses(prev, cur, dtMs, memory.total);

  return {
    version: SAMPLE_VERSION,
    time: cur.time,
    intervalMs: Math.round(dtMs),
    host,
    uptime: Math.max(0, (cur.time - bootMs) / 1000),
    cpu: {
      total,
      cores: coreShares(prev, cur),
      // The tick's own value is inside the interval too.
      busyMin: w ? Math.min(w.busyMin, total.busy) : total.busy,
      busyMax: w ? Math.max(w.busyMax, total.busy) : total.busy,
    },
    load: cur.load,
    memory,
    pressure: cur.pressure,
    tasks,
    processes,
    net: netRates(prev, cur, perSec),
    filesystems: cur.filesystems,
    disks: diskRates(prev, cur, perSec),
  };
}

/** Each core's share, matched to its previous counters by core id (cores can go offline). */
function coreShares(prev: RawSnapshot | null, cur: RawSnapshot): CpuShare[] {
  return cur.stat.cores.map((core, i) => {
    const j = prev ? prev.stat.coreIds.indexOf(cur.stat.coreIds[i] as number) : -1;
    return cpuShare(j >= 0 ? prev?.stat.cores[j] : undefined, core);
  });
}

/** What turning one raw process into its stats needs to know of the whole tick. */
interface ProcessScope {
  prev: RawSnapshot | null;
  cur: RawSnapshot;
  dtMs: number;
  memTotal: number;
  /** No process uses more than the machine has: tick rounding and a start time read early could say so. */
  capacity: number;
  /** The limiting cgroup whose subtree can raise the memory figure, when that is not the root, and its path with a slash. */
  cgroup: { path: string; prefix: string } | null;
}

function cgroupScope(path: string | null): ProcessScope['cgroup'] {
  return path === null ? null : { path, prefix: `${path}/` };
}

/** Every process of the tick, then those that exited during it or since the previous one; and the task counts. */
function deriveProcesses(prev: RawSnapshot | null, cur: RawSnapshot, dtMs: number, memTotal: number): { processes: ProcessStats[]; tasks: TaskCounts } {
  const scope: ProcessScope = {
    prev,
    cur,
    dtMs,
    memTotal,
    capacity: Math.max(1, cur.stat.cores.length) * 100,
    cgroup: cgroupScope(limitingPath(cur.cgroup)),
  };
  const processes: ProcessStats[] = [];
  const tasks = noTasks();
  for (const p of cur.processes.values()) {
    processes.push(processStats(p, false, scope));
    countState(tasks, p.state);
  }
  for (const p of cur.exited) processes.push(processStats(p, true, scope));
  for (const p of vanished(prev, cur)) processes.push(processStats(p, true, scope));
  return { processes, tasks };
}

/** Percent of one core that `ticks` of CPU time are over `dtMs`. */
function pctOfCore(ticks: number, dtMs: number): number {
  return dtMs > 0 ? ((ticks * MS_PER_TICK) / dtMs) * 100 : 0;
}

function processStats(p: RawProcess, exited: boolean, scope: ProcessScope): ProcessStats {
  const { prev, cur, dtMs, capacity } = scope;
  const cpu = Math.min(capacity, pctOfCore(intervalTicks(prev, p, cur.stat.btime).own, dtMs));
  const childCpu = Math.min(capacity - cpu, pctOfCore(cur.childTicks.unseen.get(p) ?? 0, dtMs));
  const s: ProcessStats = {
    pid: p.pid,
    ppid: p.ppid,
    uid: p.ident.uid,
    user: p.ident.user,
    name: p.name,
    cmd: p.ident.cmd,
    state: p.state,
    startTime: startTimeOf(p, cur.stat.btime),
    cpu,
    rss: p.rss,
    memPercent: scope.memTotal > 0 ? (p.rss / scope.memTotal) * 100 : 0,
    threads: p.threads,
    kernelThread: p.kernelThread,
  };
  if (p.rssPeak !== undefined && p.rssPeak > p.rss) s.rssPeak = p.rssPeak;
  if (childCpu > 0) s.childCpu = childCpu;
  if (exited) s.exited = true;
  const c = scope.cgroup;
  if (c !== null && p.ident.cgroup !== undefined && !withinCgroup(p.ident.cgroup, c.path, c.prefix)) s.outside = true;
  return s;
}

function netRates(prev: RawSnapshot | null, cur: RawSnapshot, perSec: number): NetInterfaceStats[] {
  return cur.net.map((n) => {
    const before = prev?.net.find((x) => x.name === n.name);
    const stats: NetInterfaceStats = {
      name: n.name,
      rxBytesPerSec: before ? delta(n.rxBytes, before.rxBytes) * perSec : 0,
      txBytesPerSec: before ? delta(n.txBytes, before.txBytes) * perSec : 0,
    };
    if (n.virtual === true) stats.virtual = true;
    return stats;
  });
}

function diskRates(prev: RawSnapshot | null, cur: RawSnapshot, perSec: number): DiskIoStats[] {
  return cur.disks.map((d) => {
    const before = prev?.disks.find((x) => x.name === d.name);
    return {
      device: d.name,
      readBytesPerSec: before ? delta(d.sectorsRead, before.sectorsRead) * SECTOR_BYTES * perSec : 0,
      writeBytesPerSec: before ? delta(d.sectorsWritten, before.sectorsWritten) * SECTOR_BYTES * perSec : 0,
    };
  });
}

/**
 * Processes of the previous tick that are gone now and that no burst scan saw
 * leave: sent once more, marked exited, so every reader (a viewer getting only a
 * selection included) learns of an exit from the sample itself, never from absence.
 */
function vanished(prev: RawSnapshot | null, cur: RawSnapshot): RawProcess[] {
  if (!prev) return [];
  const out: RawProcess[] = [];
  for (const p of prev.processes.values()) {
    const now = cur.processes.get(p.pid);
    if (now && now.startTicks === p.startTicks) continue;
    if (cur.exited.some((e) => e.pid === p.pid && e.startTicks === p.startTicks)) continue;
    out.push(p);
  }
  return out;
}
