import os from 'node:os';
import type { Systeminformation } from 'systeminformation';
import { SAMPLE_VERSION, type CpuShare, type FilesystemStats, type HostFacts, type ProcessStats, type Sample, type TaskCounts } from '../core/sample.js';
import { FILESYSTEM_REFRESH_MS } from './filesystems.js';
import { nodeHostFacts } from './host-facts.js';
import type { Collector } from './collector.js';
import { countState, noTasks } from './task-counts.js';

type Si = typeof import('systeminformation');

/** systeminformation's process states → the kernel's one-letter codes the Sample uses. */
const STATE_LETTER: Record<string, string> = { running: 'R', sleeping: 'S', blocked: 'D', stopped: 'T', zombie: 'Z' };

/**
 * macOS, Windows and the BSDs: systeminformation, which spawns `ps` and friends
 * per call — far slower than /proc (see ARCHITECTURE.md), acceptable where
 * there is no /proc. No fast watch here: each call is too expensive to repeat
 * at 15 Hz, so min/max equal the tick's value.
 */
export class SiCollector implements Collector {
  private host: HostFacts;
  private lastMono = performance.now();
  private filesystems: FilesystemStats[] = [];
  private filesystemsAt = -Infinity;
  /** systeminformation measures CPU and I/O rates since its previous call: this first round of calls starts them. */
  private primed: Promise<unknown>;

  private constructor(private readonly si: Si) {
    this.host = nodeHostFacts();
    this.primed = Promise.all([si.currentLoad(), si.processes(), si.networkStats('*'), si.fsStats()]).catch(() => undefined);
    // osInfo() spawns tools (sw_vers, wmic) and can take a while: refine the OS name once it answers.
    si.osInfo()
      .then((o) => {
        const name = [o.distro, o.release].filter(Boolean).join(' ');
        if (name) this.host = { ...this.host, os: name, kernel: o.kernel || this.host.kernel };
      })
      .catch(() => undefined);
  }

  static async create(): Promise<SiCollector> {
    const mod = await import('systeminformation');
    return new SiCollector(mod.default);
  }

  async sample(): Promise<Sample> {
    await this.primed;
    const si = this.si;
    const [load, mem, procs, net, io] = await Promise.all([
      si.currentLoad(),
      si.mem(),
      si.processes(),
      si.networkStats('*').catch(() => [] as Systeminformation.NetworkStatsData[]),
      si.fsStats().catch(() => null),
    ]);
    const now = performance.now();
    if (now - this.filesystemsAt >= FILESYSTEM_REFRESH_MS) {
      this.filesystemsAt = now;
      this.filesystems = await this.readFilesystems();
    }
    const time = Date.now();
    const intervalMs = Math.round(now - this.lastMono);
    this.lastMono = now;
    const used = mem.total - mem.available;
    const total = share(load.currentLoadUser + load.currentLoadNice, load.currentLoadSystem + load.currentLoadIrq, load.currentLoadSteal, load.currentLoadIdle);
    const [one = 0, five = 0, fifteen = 0] = os.loadavg();
    const processes = procs.list.map((p) => toProcess(p, mem.total));
    return {
      version: SAMPLE_VERSION,
      time,
      intervalMs,
      host: this.host,
      uptime: os.uptime(),
      cpu: {
        total,
        cores: load.cpus.map((c) => share(c.loadUser + c.loadNice, c.loadSystem + c.loadIrq, c.loadSteal, c.loadIdle)),
        busyMin: total.busy,
        busyMax: total.busy,
      },
      load: { one, five, fifteen },
      memory: {
        total: mem.total,
        used,
        available: mem.available,
        free: mem.free,
        cached: mem.cached,
        buffers: mem.buffers,
        swapTotal: mem.swaptotal,
        swapUsed: mem.swapused,
        usedMin: used,
        usedMax: used,
      },
      pressure: { cpu: null, memory: null, io: null },
      tasks: countTasks(processes),
      processes,
      net: net
        .filter((n) => !/^(lo\d*|Loopback)/i.test(n.iface))
        .map((n) => ({ name: n.iface, rxBytesPerSec: Math.max(0, n.rx_sec ?? 0), txBytesPerSec: Math.max(0, n.tx_sec ?? 0) })),
      filesystems: this.filesystems,
      // systeminformation has no per-device byte counters off Linux: one line for all disks.
      disks: io ? [{ device: 'all', readBytesPerSec: Math.max(0, io.rx_sec ?? 0), writeBytesPerSec: Math.max(0, io.wx_sec ?? 0) }] : [],
    };
  }

  close(): void {
    // Nothing runs between calls.
  }

  private async readFilesystems(): Promise<FilesystemStats[]> {
    try {
      const list = await this.si.fsSize();
      return list
        .filter((f) => f.size > 0)
        .map((f) => ({ mount: f.mount, device: f.fs, fsType: f.type, sizeBytes: f.size, usedBytes: f.used, ...(Number.isFinite(f.available) ? { availBytes: f.available } : {}) }));
    } catch {
      return this.filesystems;
    }
  }
}

function share(user: number, system: number, steal: number, idle: number): CpuShare {
  return { user, system, iowait: 0, steal, idle, busy: Math.max(0, 100 - idle) };
}

function toProcess(p: Systeminformation.ProcessesProcessData, memTotal: number): ProcessStats {
  const rss = p.memRss * 1024;
  const started = Date.parse(p.started.replace(' ', 'T'));
  return {
    pid: p.pid,
    ppid: p.parentPid,
    // systeminformation reports the user name only; -1 marks the uid as unknown.
    uid: -1,
    user: p.user,
    name: p.name,
    cmd: [p.command, p.params].filter(Boolean).join(' '),
    state: STATE_LETTER[p.state] ?? 'S',
    startTime: Number.isFinite(started) ? started : 0,
    cpu: p.cpu,
    rss,
    memPercent: memTotal > 0 ? (rss / memTotal) * 100 : 0,
    threads: 1,
    kernelThread: false,
  };
}

function countTasks(processes: readonly ProcessStats[]): TaskCounts {
  const t = noTasks();
  for (const p of processes) countState(t, p.state);
  return t;
}
