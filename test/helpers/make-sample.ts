import { SAMPLE_VERSION, type CpuShare, type ProcessStats, type Sample } from '../../src/core/sample.js';

const GiB = 1024 ** 3;

export const TEST_HOST = {
  hostname: 'testhost',
  os: 'Test Linux 1',
  kernel: '6.1.0',
  arch: 'x64',
  cpuModel: 'Test CPU',
  cpuCount: 2,
  memTotal: 8 * GiB,
  bootTime: Date.UTC(2026, 10, 21, 0, 0, 0),
};

export function cpuShare(busy: number): CpuShare {
  return { user: busy * 0.7, system: busy * 0.3, iowait: 0, steal: 0, idle: 100 - busy, busy };
}

export function makeProcess(p: Partial<ProcessStats> & { pid: number; name: string }): ProcessStats {
  return {
    ppid: 1,
    uid: 1000,
    user: 'alice',
    cmd: p.name,
    state: 'S',
    startTime: TEST_HOST.bootTime + p.pid * 1000,
    cpu: 0,
    rss: 10 * 1024 * 1024,
    memPercent: 0,
    threads: 1,
    kernelThread: false,
    ...p,
  };
}

export interface SampleSpec {
  time: number;
  cpuBusy?: number;
  memUsed?: number;
  processes?: ProcessStats[];
  intervalMs?: number;
}

/** A complete, plausible Sample for tests that need one without reading /proc. */
export function makeSample(spec: SampleSpec): Sample {
  const busy = spec.cpuBusy ?? 10;
  const used = spec.memUsed ?? 2 * GiB;
  const processes = (spec.processes ?? []).map((p) => ({ ...p, memPercent: (p.rss / TEST_HOST.memTotal) * 100 }));
  return {
    version: SAMPLE_VERSION,
    time: spec.time,
    intervalMs: spec.intervalMs ?? 1000,
    host: TEST_HOST,
    uptime: (spec.time - TEST_HOST.bootTime) / 1000,
    cpu: { total: cpuShare(busy), cores: [cpuShare(busy), cpuShare(busy)], busyMin: busy, busyMax: busy },
    load: { one: busy / 50, five: busy / 60, fifteen: busy / 70 },
    memory: {
      total: TEST_HOST.memTotal,
      used,
      available: TEST_HOST.memTotal - used,
      free: TEST_HOST.memTotal - used - GiB,
      cached: GiB,
      buffers: 100 * 1024 * 1024,
      swapTotal: 2 * GiB,
      swapUsed: 0,
      usedMin: used,
      usedMax: used,
    },
    pressure: { cpu: 0, memory: 0, io: 0 },
    tasks: { total: processes.length, running: 1, sleeping: Math.max(0, processes.length - 1), blocked: 0, stopped: 0, zombie: 0, idle: 0 },
    processes,
    net: [{ name: 'eth0', rxBytesPerSec: 1000, txBytesPerSec: 500 }],
    filesystems: [{ mount: '/', device: '/dev/vda', fsType: 'ext4', sizeBytes: 100 * GiB, usedBytes: 40 * GiB }],
    disks: [{ device: 'vda', readBytesPerSec: 0, writeBytesPerSec: 4096 }],
  };
}
