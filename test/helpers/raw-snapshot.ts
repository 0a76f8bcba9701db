/** Raw collector input for the pure collect/ functions (derive, child CPU, memory): defaults plus what a test sets. */
import { noChildTicks } from '../../src/collect/child-cpu.js';
import type { RawCpuTimes, RawProcess, RawSnapshot } from '../../src/collect/raw.js';

export const BTIME = 1_700_000_000;
/** 1000 s after boot. */
export const T0 = (BTIME + 1000) * 1000;
const GiB = 1024 ** 3;

export function cpuTimes(busy: number, idle: number, extra: Partial<RawCpuTimes> = {}): RawCpuTimes {
  return { user: busy, nice: 0, system: 0, idle, iowait: 0, irq: 0, softirq: 0, steal: 0, ...extra };
}

/** A process started 1 s after boot with 100 MB resident and no CPU used yet. */
export function rawProcess(p: Partial<RawProcess> & { pid: number }): RawProcess {
  return {
    ppid: 1,
    name: `p${p.pid}`,
    state: 'S',
    kernelThread: false,
    utime: 0,
    stime: 0,
    cutime: 0,
    cstime: 0,
    threads: 1,
    startTicks: 100,
    rss: 100 * 1024 * 1024,
    faults: 0,
    ident: { cmd: `/bin/p${p.pid}`, uid: 1000, user: 'alice' },
    ...p,
  };
}

/** A snapshot `mono` ms after T0 on a 2-core, 8 GiB machine. */
export function rawSnapshot(s: Partial<RawSnapshot> & { mono: number }): RawSnapshot {
  return {
    time: T0 + s.mono,
    stat: { total: cpuTimes(0, 0), cores: [cpuTimes(0, 0), cpuTimes(0, 0)], coreIds: [0, 1], btime: BTIME },
    mem: { total: 8 * GiB, free: 4 * GiB, available: 6 * GiB, buffers: 0, cached: GiB, swapTotal: GiB, swapFree: GiB / 2 },
    load: { one: 1, five: 1, fifteen: 1 },
    pressure: { cpu: null, memory: null, io: null },
    processes: new Map(),
    exited: [],
    childTicks: noChildTicks(),
    net: [],
    disks: [],
    filesystems: [],
    window: null,
    ...s,
  };
}

export const byPid = (...ps: RawProcess[]): Map<number, RawProcess> => new Map(ps.map((p) => [p.pid, p]));
