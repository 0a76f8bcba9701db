import { describe, expect, test } from 'vitest';
import { reapedChildTicks } from '../src/collect/child-cpu.js';
import { derive } from '../src/collect/derive.js';
import type { RawCgroupMemory } from '../src/collect/raw.js';
import { BTIME, byPid, cpuTimes, rawProcess, rawSnapshot } from './helpers/raw-snapshot.js';
import { TEST_HOST } from './helpers/make-sample.js';

const GiB = 1024 ** 3;
const cpu = cpuTimes;
const proc = rawProcess;
const snap = rawSnapshot;

describe('derive', () => {
  test('process CPU is percent of one core over the interval; children CPU likewise', () => {
    const prev = snap({ mono: 0, processes: byPid(proc({ pid: 10, utime: 100, stime: 50, cutime: 5 })) });
    // 2 s later: +150 ticks own (1.5 s → 75 %), +60 ticks of reaped children (0.6 s → 30 %).
    const cur = snap({ mono: 2000, processes: byPid(proc({ pid: 10, utime: 200, stime: 100, cutime: 45, cstime: 20 })) });
    cur.childTicks = reapedChildTicks(prev, cur);
    const s = derive(prev, cur, TEST_HOST);
    expect(s.intervalMs).toBe(2000);
    const p = s.processes[0];
    expect(p?.cpu).toBeCloseTo(75);
    expect(p?.childCpu).toBeCloseTo(30);
    expect(p).toMatchObject({ pid: 10, name: 'p10', cmd: '/bin/p10', user: 'alice', uid: 1000, startTime: (BTIME + 1) * 1000 });
    expect(p?.memPercent).toBeCloseTo((100 / 8192) * 100);
    expect(p?.exited).toBeUndefined();
  });

  test('reaped children: seen ones on themselves only, the parent charged the unseen rest; the sum matches system busy', () => {
    // 2 cores, 1 s. A shell ran two busy children of 1.5 s each, seen at the previous tick (140 ticks each so far),
    // reaped now after 10 more ticks each, plus 30 ticks of 30 ms children tmon never saw; its own CPU is 2 ticks.
    const child = (pid: number, utime: number) => proc({ pid, ppid: 100, utime, startTicks: 99_950 });
    const prev = snap({
      mono: 0,
      stat: { total: cpu(1000, 1000), cores: [cpu(500, 500), cpu(500, 500)], coreIds: [0, 1], btime: BTIME },
      processes: byPid(proc({ pid: 100, name: 'bash', utime: 50 }), child(101, 140), child(102, 140)),
    });
    const cur = snap({
      mono: 1000,
      // Busy +52 of 200 ticks: 26 % of the machine.
      stat: { total: cpu(1052, 1148), cores: [cpu(526, 574), cpu(526, 574)], coreIds: [0, 1], btime: BTIME },
      processes: byPid(proc({ pid: 100, name: 'bash', utime: 52, cutime: 150 + 150 + 30 })),
    });
    cur.childTicks = reapedChildTicks(prev, cur);
    const s = derive(prev, cur, TEST_HOST);
    const bash = s.processes.find((p) => p.pid === 100);
    expect(bash?.cpu).toBeCloseTo(2);
    // The last 20 ticks of the seen children and the 30 of the unseen ones: not their 300 ticks of lifetime.
    expect(bash?.childCpu).toBeCloseTo(50);
    const charged = s.processes.reduce((sum, p) => sum + p.cpu + (p.childCpu ?? 0), 0);
    expect(Math.abs(charged / 2 - s.cpu.total.busy)).toBeLessThan(3);
  });

  test('no process shows more CPU than the machine has, its children included', () => {
    // A process first seen 1.5 s after its start (btime rounding), with 3 s of CPU on a 2-core machine.
    const prev = snap({ mono: 0 });
    const cur = snap({ mono: 1000, processes: byPid(proc({ pid: 10, utime: 250, stime: 50, cutime: 900, startTicks: 99_950 })) });
    cur.childTicks = reapedChildTicks(prev, cur);
    const p = derive(prev, cur, TEST_HOST).processes[0];
    expect(p?.cpu).toBe(200);
    expect(p?.childCpu).toBeUndefined();
    const q = snap({ mono: 1000, processes: byPid(proc({ pid: 10, utime: 30, cutime: 900, startTicks: 99_950 })) });
    q.childTicks = reapedChildTicks(prev, q);
    const r = derive(prev, q, TEST_HOST).processes[0];
    expect((r?.cpu ?? 0) + (r?.childCpu ?? 0)).toBeCloseTo(200);
  });

  test('the first sample has no rates', () => {
    const cur = snap({
      mono: 5,
      stat: { total: cpu(500, 500), cores: [cpu(250, 250)], coreIds: [0], btime: BTIME },
      processes: byPid(proc({ pid: 10, utime: 999 })),
      net: [{ name: 'eth0', rxBytes: 1e9, txBytes: 1e9 }],
      disks: [{ name: 'sda', sectorsRead: 1e6, sectorsWritten: 1e6 }],
    });
    const s = derive(null, cur, TEST_HOST);
    expect(s.intervalMs).toBe(0);
    expect(s.cpu.total).toEqual({ user: 0, system: 0, iowait: 0, steal: 0, idle: 100, busy: 0 });
    expect(s.processes[0]?.cpu).toBe(0);
    expect(s.net[0]).toEqual({ name: 'eth0', rxBytesPerSec: 0, txBytesPerSec: 0 });
    expect(s.disks[0]).toEqual({ device: 'sda', readBytesPerSec: 0, writeBytesPerSec: 0 });
  });

  test('counters going backwards count as zero, never negative', () => {
    const prev = snap({
      mono: 0,
      stat: { total: cpu(1000, 1000, { steal: 50 }), cores: [cpu(1000, 1000)], coreIds: [0], btime: BTIME },
      processes: byPid(proc({ pid: 10, utime: 500, cutime: 100 })),
      net: [{ name: 'eth0', rxBytes: 5_000_000, txBytes: 100 }],
      disks: [{ name: 'sda', sectorsRead: 1000, sectorsWritten: 1000 }],
    });
    const cur = snap({
      mono: 1000,
      stat: { total: cpu(1100, 1100, { steal: 10 }), cores: [cpu(900, 1100)], coreIds: [0], btime: BTIME },
      processes: byPid(proc({ pid: 10, utime: 400, cutime: 50 })),
      net: [{ name: 'eth0', rxBytes: 10, txBytes: 1124 }],
      disks: [{ name: 'sda', sectorsRead: 10, sectorsWritten: 1002 }],
    });
    cur.childTicks = reapedChildTicks(prev, cur);
    const s = derive(prev, cur, TEST_HOST);
    expect(s.processes[0]?.cpu).toBe(0);
    expect(s.processes[0]?.childCpu).toBeUndefined();
    expect(s.net[0]).toEqual({ name: 'eth0', rxBytesPerSec: 0, txBytesPerSec: 1024 });
    expect(s.disks[0]).toEqual({ device: 'sda', readBytesPerSec: 0, writeBytesPerSec: 1024 });
    expect(s.cpu.total.steal).toBe(0);
    expect(s.cpu.total.busy).toBeCloseTo(50);
    // The core's busy counter went back: only its idle time advanced.
    expect(s.cpu.cores[0]?.busy).toBe(0);
    expect(s.cpu.cores[0]?.idle).toBe(100);
  });

  test('CPU shares: user+nice, system+irq+softirq, iowait and steal apart, busy excludes idle and iowait', () => {
    const prev = snap({ mono: 0, stat: { total: cpu(0, 0), cores: [cpu(0, 0), cpu(0, 0)], coreIds: [0, 1], btime: BTIME } });
    const cur = snap({
      mono: 1000,
      stat: {
        total: { user: 20, nice: 10, system: 10, irq: 5, softirq: 5, iowait: 20, steal: 10, idle: 120 },
        cores: [cpu(0, 100), cpu(100, 0)],
        coreIds: [0, 1],
        btime: BTIME,
      },
    });
    const s = derive(prev, cur, TEST_HOST);
    expect(s.cpu.total).toEqual({ user: 15, system: 10, iowait: 10, steal: 5, idle: 60, busy: 30 });
    expect(s.cpu.cores.map((c) => c.busy)).toEqual([0, 100]);
  });

  test('cores are matched by their number when one goes offline', () => {
    const prev = snap({ mono: 0, stat: { total: cpu(0, 0), cores: [cpu(0, 0), cpu(1000, 0), cpu(0, 0)], coreIds: [0, 1, 2], btime: BTIME } });
    const cur = snap({ mono: 1000, stat: { total: cpu(100, 100), cores: [cpu(0, 100), cpu(100, 0)], coreIds: [0, 2], btime: BTIME } });
    const s = derive(prev, cur, TEST_HOST);
    expect(s.cpu.cores.map((c) => c.busy)).toEqual([0, 100]);
  });

  test('PID reuse: a different start time is a new process, its CPU counted from its start', () => {
    const prev = snap({ mono: 0, processes: byPid(proc({ pid: 10, utime: 5000, startTicks: 100 })) });
    // Started 0.5 s after prev (boot + 1000.5 s), used 40 ticks (0.4 s) of a 1 s interval.
    const cur = snap({ mono: 1000, processes: byPid(proc({ pid: 10, utime: 30, stime: 10, startTicks: 100_050 })) });
    const p = derive(prev, cur, TEST_HOST).processes[0];
    expect(p?.cpu).toBeCloseTo(40);
    expect(p?.startTime).toBe((BTIME + 1000.5) * 1000);
  });

  test('a process missing from prev but started long before (a read that failed then) gets 0, not its lifetime', () => {
    const prev = snap({ mono: 0 });
    const cur = snap({ mono: 1000, processes: byPid(proc({ pid: 11, utime: 90_000, startTicks: 100 })) });
    expect(derive(prev, cur, TEST_HOST).processes[0]?.cpu).toBe(0);
  });

  test('exited processes from burst scans appear with exited: true, their max RSS and CPU', () => {
    const prev = snap({ mono: 0, processes: byPid(proc({ pid: 10, utime: 100 })) });
    const gone = proc({ pid: 10, utime: 150, rss: 600 * 1024 * 1024 });
    const child = proc({ pid: 12, utime: 20, startTicks: 100_020, rss: 500 * 1024 * 1024, rssPeak: 520 * 1024 * 1024 });
    const cur = snap({ mono: 1000, exited: [gone, child] });
    const s = derive(prev, cur, TEST_HOST);
    expect(s.tasks.total).toBe(0);
    expect(s.processes.map((p) => [p.pid, p.exited, Math.round(p.cpu), p.rss])).toEqual([
      [10, true, 50, 600 * 1024 * 1024],
      [12, true, 20, 500 * 1024 * 1024],
    ]);
    expect(s.processes[1]?.rssPeak).toBe(520 * 1024 * 1024);
  });

  test('a process of the previous tick gone now is sent once more, marked exited, with its last RSS and no CPU', () => {
    const prev = snap({ mono: 0, processes: byPid(proc({ pid: 10, utime: 100 }), proc({ pid: 11, utime: 5, rss: 300 * 1024 * 1024 })) });
    const cur = snap({ mono: 1000, processes: byPid(proc({ pid: 10, utime: 150 })) });
    const s = derive(prev, cur, TEST_HOST);
    expect(s.processes.map((p) => [p.pid, p.exited, Math.round(p.cpu), p.rss])).toEqual([
      [10, undefined, 50, 100 * 1024 * 1024],
      [11, true, 0, 300 * 1024 * 1024],
    ]);
    // Seen leaving by a burst scan already: listed once.
    const seen = derive(prev, snap({ mono: 1000, processes: byPid(proc({ pid: 10, utime: 150 })), exited: [proc({ pid: 11, utime: 9 })] }), TEST_HOST);
    expect(seen.processes.filter((p) => p.pid === 11)).toHaveLength(1);
  });

  test('rssPeak shows only when above the RSS at the tick', () => {
    const cur = snap({
      mono: 1000,
      processes: byPid(proc({ pid: 1, rss: 100, rssPeak: 900 }), proc({ pid: 2, rss: 100, rssPeak: 100 })),
    });
    const [a, b] = derive(snap({ mono: 0 }), cur, TEST_HOST).processes;
    expect(a?.rssPeak).toBe(900);
    expect(b?.rssPeak).toBeUndefined();
  });

  test('memory: used = total - available; min/max from the fast window include the tick', () => {
    const window = { usedMin: 1.5 * GiB, usedMax: 7 * GiB, busyMin: 5, busyMax: 97 };
    const prev = snap({ mono: 0, stat: { total: cpu(0, 0), cores: [], coreIds: [], btime: BTIME } });
    const cur = snap({ mono: 1000, window, stat: { total: cpu(1, 99), cores: [], coreIds: [], btime: BTIME } });
    const s = derive(prev, cur, TEST_HOST);
    expect(s.memory).toMatchObject({ total: 8 * GiB, used: 2 * GiB, available: 6 * GiB, swapUsed: GiB / 2, usedMin: 1.5 * GiB, usedMax: 7 * GiB });
    expect(s.cpu).toMatchObject({ busyMin: 1, busyMax: 97 });
    const plain = derive(prev, snap({ mono: 1000 }), TEST_HOST);
    expect(plain.memory.usedMin).toBe(plain.memory.used);
    expect(plain.memory.usedMax).toBe(plain.memory.used);
    expect(plain.cpu.busyMax).toBe(plain.cpu.total.busy);
  });

  test('tasks are counted by state', () => {
    const states = ['R', 'S', 'S', 'D', 'Z', 'T', 't', 'I', 'W'];
    const cur = snap({ mono: 1, processes: byPid(...states.map((state, i) => proc({ pid: i + 1, state }))) });
    expect(derive(null, cur, TEST_HOST).tasks).toEqual({ total: 9, running: 1, sleeping: 3, blocked: 1, stopped: 2, zombie: 1, idle: 1 });
  });

  test('net and disk rates per second; a new interface starts at 0', () => {
    const prev = snap({ mono: 0, net: [{ name: 'eth0', rxBytes: 0, txBytes: 0 }], disks: [{ name: 'vda', sectorsRead: 0, sectorsWritten: 0 }] });
    const cur = snap({
      mono: 500,
      net: [
        { name: 'eth0', rxBytes: 1000, txBytes: 500 },
        { name: 'wg0', rxBytes: 1e6, txBytes: 1e6, virtual: true },
      ],
      disks: [{ name: 'vda', sectorsRead: 2, sectorsWritten: 4 }],
    });
    const s = derive(prev, cur, TEST_HOST);
    expect(s.net).toEqual([
      { name: 'eth0', rxBytesPerSec: 2000, txBytesPerSec: 1000 },
      { name: 'wg0', rxBytesPerSec: 0, txBytesPerSec: 0, virtual: true },
    ]);
    expect(s.disks).toEqual([{ device: 'vda', readBytesPerSec: 2048, writeBytesPerSec: 4096 }]);
    expect(s.uptime).toBe(1000.5);
  });
});

describe('derive: OOM kills', () => {
  test('in a sample counting a kill, the victim is among the processes gone since the previous one, exited with its last RSS', () => {
    const victim = proc({ pid: 20, rss: 900 * 1024 * 1024 });
    const prev = snap({ mono: 0, processes: byPid(proc({ pid: 10 }), victim), oomKills: 3 });
    const killed = derive(prev, snap({ mono: 1000, processes: byPid(proc({ pid: 10 })), oomKills: 4 }), TEST_HOST);
    expect(killed.memory.oomKills).toBe(1);
    expect(killed.processes.filter((p) => p.exited === true).map((p) => [p.pid, p.rss])).toEqual([[20, 900 * 1024 * 1024]]);
    // Without a kill counted, a process that ended is listed as exited too (every exit is), and no kill is counted.
    const ended = derive(prev, snap({ mono: 1000, processes: byPid(proc({ pid: 10 })), oomKills: 3 }), TEST_HOST);
    expect(ended.processes.map((p) => [p.pid, p.exited])).toEqual([
      [10, undefined],
      [20, true],
    ]);
    expect(ended.memory.oomKills ?? 0).toBe(0);
  });
});

describe('derive: which processes are in the limiting cgroup', () => {
  const MB = 1024 * 1024;
  const limited = (path: string): RawCgroupMemory => ({
    level: `/sys/fs/cgroup${path}`,
    path,
    limit: 512 * MB,
    usage: 300 * MB,
    inactiveFile: 0,
    file: 0,
    swapLimit: Infinity,
    swapUsage: 0,
    limitHits: 0,
    underOom: false,
    oomKills: 0,
  });
  const inside = proc({ pid: 10, ident: { cmd: '/bin/job', uid: 1000, user: 'alice', cgroup: '/box/job' } });
  const sibling = proc({ pid: 11, ident: { cmd: '/bin/other', uid: 1000, user: 'alice', cgroup: '/box-2' } });
  const unknown = proc({ pid: 12 });
  const kernel = proc({ pid: 13, kernelThread: true, ident: { cmd: '', uid: 0, user: 'root' } });
  const gone = proc({ pid: 14, ident: { cmd: '/bin/gone', uid: 1000, user: 'alice', cgroup: '/elsewhere' } });

  test('a process whose cgroup is known and not in the limiting level’s subtree is marked outside, exited ones too; unknown ones never', () => {
    const prev = snap({ mono: 0, processes: byPid(inside, sibling, unknown, kernel, gone) });
    const cur = snap({ mono: 1000, processes: byPid(inside, sibling, unknown, kernel), cgroup: limited('/box') });
    const s = derive(prev, cur, TEST_HOST);
    expect(s.processes.map((p) => [p.pid, p.outside])).toEqual([
      [10, undefined],
      [11, true],
      [12, undefined],
      [13, undefined],
      [14, true],
    ]);
  });

  test('no limit, or the limit at the root: nobody is outside', () => {
    const prev = snap({ mono: 0, processes: byPid(inside, sibling) });
    for (const cgroup of [null, limited('/')]) {
      const s = derive(prev, snap({ mono: 1000, processes: byPid(inside, sibling), cgroup }), TEST_HOST);
      expect(s.processes.some((p) => p.outside !== undefined)).toBe(false);
    }
  });
});
