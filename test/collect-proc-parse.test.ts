import { describe, expect, test } from 'vitest';
import {
  emptyPidStat,
  parseCmdline,
  parseCpuTotalTicks,
  parseDiskstats,
  parseLoadavg,
  parseMemUsed,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseOsRelease,
  parsePasswd,
  parsePidStat,
  parsePressureSome,
  parsePressureTotals,
  parseSchedRuntime,
  parseStatus,
  parseStatusHwmKb,
  parseSystemStat,
} from '../src/collect/proc-parse.js';

/** The content at the start of a bigger reused buffer whose tail holds stale bytes, as in the reader. */
function reused(content: string, stale = ') X 9 9 9 9'.repeat(20)): [Buffer, number] {
  const buf = Buffer.alloc(4096, stale);
  const n = buf.write(content, 0, 'utf8');
  return [buf, n];
}

function stat(pid: number, comm: string, rest: string): string {
  return `${pid} (${comm}) ${rest}\n`;
}

// Fields 3.. of a real line: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
// utime stime cutime cstime prio nice threads itreal starttime vsize rss rsslim startcode endcode startstack …
const REST = 'S 1 77 77 0 -1 4194560 1200 50 3 0 250 120 40 7 20 0 5 0 31309 3133440 380 18446744073709551615 1 1 140724603453440 0 0';

describe('parsePidStat', () => {
  test.each(['node', '(sd-pam)', 'a) b (c', 'x)', ') )', 'with space'])('reads the fields after comm %j', (comm) => {
    const [buf, n] = reused(stat(4256, comm, REST));
    const s = emptyPidStat();
    expect(parsePidStat(buf, n, s)).toBe(true);
    expect(buf.toString('utf8', s.commStart, s.commEnd)).toBe(comm);
    expect(s).toMatchObject({ pid: 4256, state: 'S', ppid: 1, flags: 4194560, faults: 1203, utime: 250, stime: 120, cutime: 40, cstime: 7, threads: 5, startTicks: 31309, rssPages: 380, startStack: 140724603453440 });
  });

  test('a truncated line is rejected, not misread from stale bytes', () => {
    const [buf] = reused('');
    const line = stat(12, 'cut', REST);
    buf.write(line, 0);
    const s = emptyPidStat();
    expect(parsePidStat(buf, line.indexOf('31309'), s)).toBe(false);
    expect(parsePidStat(buf, 0, s)).toBe(false);
  });

  test('negative fields do not derail the fields after them', () => {
    const [buf, n] = reused(stat(7, 'neg', 'R 1 7 7 -5 -1 0 10 0 2 0 1 2 3 4 -100 -20 3 0 99 1000 42 0'));
    const s = emptyPidStat();
    expect(parsePidStat(buf, n, s)).toBe(true);
    expect(s).toMatchObject({ state: 'R', utime: 1, stime: 2, cutime: 3, cstime: 4, threads: 3, startTicks: 99, rssPages: 42, faults: 12 });
    // A line that ends before start_stack: 0, no exec signal.
    expect(s.startStack).toBe(0);
  });
});

test('parseCmdline joins argv and drops the trailing NUL; kernel threads have none', () => {
  const [buf, n] = reused('/usr/bin/node\0-e\0for(;;){}\0');
  expect(parseCmdline(buf, n)).toBe('/usr/bin/node -e for(;;){}');
  expect(parseCmdline(buf, 0)).toBe('');
  const [b2, n2] = reused('postgres: writer process   ');
  expect(parseCmdline(b2, n2)).toBe('postgres: writer process   ');
});

test('parseStatus reads the real uid and VmHWM; a kernel thread has no VmHWM', () => {
  const text = 'Name:\tnode\nUmask:\t0022\nUid:\t1000\t0\t0\t0\nGid:\t1\t1\t1\t1\nVmPeak:\t  999 kB\nVmHWM:\t  51234 kB\nVmRSS:\t 40000 kB\n';
  const [buf, n] = reused(text, '\nVmHWM:\t 77777 kB\n');
  expect(parseStatus(buf, n)).toEqual({ uid: 1000, hwmKb: 51234 });
  expect(parseStatusHwmKb(buf, n)).toBe(51234);
  const [kb, kn] = reused('Name:\tkthreadd\nUid:\t0\t0\t0\t0\nThreads:\t1\n', '\nVmHWM:\t 77777 kB\n');
  expect(parseStatus(kb, kn)).toEqual({ uid: 0, hwmKb: NaN });
});

test('parseSchedRuntime reads the run time in ns, the first field of /proc/<pid>/schedstat; NaN when there is none', () => {
  const [buf, n] = reused('8071031 28736025 3\n', '99999 1 1\n');
  expect(parseSchedRuntime(buf, n)).toBe(8071031);
  expect(parseSchedRuntime(buf, 0)).toBeNaN();
  // A kernel that keeps no run times writes zeros: unknown, never "has not run".
  expect(parseSchedRuntime(...reused('0 0 0\n'))).toBeNaN();
  // Past 2^53 (a thread that ran 231 days here) the value is rounded the same way each time: equal text,
  // equal number; one more µs, another.
  const [big, bn] = reused('20000000000000001 0 0\n');
  const [more, mn] = reused('20000000000001001 0 0\n');
  expect(parseSchedRuntime(big, bn)).toBe(parseSchedRuntime(...reused('20000000000000001 0 0\n')));
  expect(parseSchedRuntime(more, mn)).toBeGreaterThan(parseSchedRuntime(big, bn));
});

const PROC_STAT = `cpu  3028 10 1660 57446 106 1 39 44 5 0
cpu0 1098 5 715 29289 6 0 12 24 0 0
cpu2 1930 5 944 28157 100 1 26 20 0 0
intr 143098 0 0 0 ${'0 '.repeat(500)}
ctxt 331413
btime 1795372208
processes 4300
procs_running 1
procs_blocked 0
`;

test('parseSystemStat reads total, cores with their numbers, and btime', () => {
  const [buf, n] = reused(PROC_STAT);
  const s = parseSystemStat(buf, n);
  expect(s?.total).toEqual({ user: 3028, nice: 10, system: 1660, idle: 57446, iowait: 106, irq: 1, softirq: 39, steal: 44 });
  expect(s?.coreIds).toEqual([0, 2]);
  expect(s?.cores[1]).toMatchObject({ user: 1930, steal: 20 });
  expect(s?.btime).toBe(1795372208);
  const [bad, bn] = reused('nothing here\n');
  expect(parseSystemStat(bad, bn)).toBeNull();
});

test('parseCpuTotalTicks: busy excludes idle and iowait; tasks is user + nice + system', () => {
  const [buf, n] = reused(PROC_STAT);
  const out = { busy: 0, total: 0, tasks: 0 };
  expect(parseCpuTotalTicks(buf, n, out)).toBe(true);
  expect(out.total).toBe(3028 + 10 + 1660 + 57446 + 106 + 1 + 39 + 44);
  expect(out.busy).toBe(out.total - 57446 - 106);
  expect(out.tasks).toBe(3028 + 10 + 1660);
  // An old kernel with four fields.
  const [old, on] = reused('cpu  10 0 10 80\ncpu0 10 0 10 80\n');
  expect(parseCpuTotalTicks(old, on, out)).toBe(true);
  expect(out).toEqual({ busy: 20, total: 100, tasks: 20 });
});

const MEMINFO = `MemTotal:        8000000 kB
MemFree:         5000000 kB
MemAvailable:    6000000 kB
Buffers:          100000 kB
Cached:           800000 kB
SReclaimable:      50000 kB
SwapTotal:       2000000 kB
SwapFree:        1500000 kB
`;

test('parseMeminfo in bytes, cache including reclaimable slab', () => {
  expect(parseMeminfo(MEMINFO)).toEqual({
    total: 8000000 * 1024,
    free: 5000000 * 1024,
    available: 6000000 * 1024,
    buffers: 100000 * 1024,
    cached: 850000 * 1024,
    swapTotal: 2000000 * 1024,
    swapFree: 1500000 * 1024,
  });
  // Before Linux 3.14 there is no MemAvailable.
  expect(parseMeminfo(MEMINFO.replace(/MemAvailable.*\n/, '')).available).toBe((5000000 + 100000 + 850000) * 1024);
});

test('parseMemUsed for the fast watch', () => {
  const [buf, n] = reused(MEMINFO);
  expect(parseMemUsed(buf, n)).toBe(2000000 * 1024);
  const [old, on] = reused(MEMINFO.replace(/MemAvailable.*\n/, ''), '\nMemAvailable: 1 kB\n');
  expect(parseMemUsed(old, on)).toBeNaN();
});

test('parseMemUsed: the MemAvailable line wherever it is, never a key inside another line, never past the valid length', () => {
  // Further down (a kernel that orders lines otherwise), after a line that holds the key's text mid-line.
  const [down, dn] = reused('MemTotal:        8000000 kB\nMemFree:  1 kB\nXMemAvailable: 5 kB\nMemAvailable:    6000000 kB\n');
  expect(parseMemUsed(down, dn)).toBe(2000000 * 1024);
  // Truncated inside the MemAvailable line: its number is cut off, the stale bytes after it are not read.
  const cut = 'MemTotal:        8000000 kB\nMemFree:  1 kB\nMemAvailable:';
  const [buf] = reused('', '9999999 kB\n');
  buf.write(cut, 0);
  expect(parseMemUsed(buf, cut.length)).toBeNaN();
  expect(parseMemUsed(buf, 'MemTot'.length)).toBeNaN();
  // Huge figures (a 64 TiB machine) stay exact.
  const [big, bn] = reused('MemTotal:    68719476736 kB\nMemFree: 1 kB\nMemAvailable:    68719476000 kB\n');
  expect(parseMemUsed(big, bn)).toBe(736 * 1024);
});

test('parseLoadavg and parsePressureSome', () => {
  expect(parseLoadavg('1.66 1.17 0.52 2/150 4300\n')).toEqual({ one: 1.66, five: 1.17, fifteen: 0.52 });
  expect(parsePressureSome('some avg10=23.19 avg60=1.00 avg300=0.00 total=1\nfull avg10=2.00 avg60=0 avg300=0 total=0\n')).toBe(23.19);
  expect(parsePressureSome('full avg10=2.00 avg60=0 avg300=0 total=0\n')).toBeNull();
});

test('parsePressureTotals: the total= of some and full in seconds; a missing line is absent', () => {
  expect(parsePressureTotals('some avg10=23.19 avg60=1.00 avg300=0.00 total=14759256943\nfull avg10=2.00 avg60=0 avg300=0 total=25677207\n')).toEqual({
    some: 14759.256943,
    full: 25.677207,
  });
  // cpu before Linux 5.13 has no full line.
  expect(parsePressureTotals('some avg10=0.00 avg60=0.00 avg300=0.00 total=430291\n')).toEqual({ some: 0.430291 });
  expect(parsePressureTotals('')).toEqual({});
});

test('parseNetDev finds every interface but lo', () => {
  const text = `Inter-|   Receive |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0
  eth0: 195946151    5707    0    0    0     0          0         0   477518    3539    0    0    0     0       0          0
veth1a2b:12 1 0 0 0 0 0 0 34 1 0 0 0 0 0 0
`;
  expect(parseNetDev(text)).toEqual([
    { name: 'eth0', rxBytes: 195946151, txBytes: 477518 },
    { name: 'veth1a2b', rxBytes: 12, txBytes: 34 },
  ]);
});

test('parseDiskstats keeps whole disks only', () => {
  const names = ['loop0', 'ram0', 'zram0', 'dm-0', 'md127', 'sda', 'sda1', 'sdp', 'sdp1', 'vda', 'vda15', 'nvme0n1', 'nvme0n1p2', 'mmcblk0', 'mmcblk0p1', 'sr0', 'xvdb'];
  const text = names.map((d, i) => `   8 ${i} ${d} 1 0 ${i * 2} 0 1 0 ${i * 3} 0 0 0 0 0 0 0 0 0 0`).join('\n');
  const disks = parseDiskstats(text);
  expect(disks.map((d) => d.name)).toEqual(['sda', 'sdp', 'vda', 'nvme0n1', 'mmcblk0', 'sr0', 'xvdb']);
  expect(disks[0]).toEqual({ name: 'sda', sectorsRead: 10, sectorsWritten: 15 });
});

test('parseMounts keeps real filesystems, each device once under its shortest path, unescaped', () => {
  const text = [
    'proc /proc proc rw 0 0',
    'tmpfs /run tmpfs rw 0 0',
    '/dev/sda1 /etc/hosts ext4 rw 0 0',
    '/dev/sda1 / ext4 rw 0 0',
    'overlay / overlay rw 0 0',
    '/dev/sdb1 /mnt/my\\040disk xfs rw 0 0',
    'server:/export /net nfs4 rw 0 0',
    'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0',
  ].join('\n');
  expect(parseMounts(text)).toEqual([
    { device: '/dev/sda1', mount: '/', fsType: 'ext4' },
    { device: '/dev/sdb1', mount: '/mnt/my disk', fsType: 'xfs' },
    { device: 'server:/export', mount: '/net', fsType: 'nfs4' },
  ]);
});

test('parsePasswd and parseOsRelease', () => {
  const users = parsePasswd('root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\nbroken\n+::::::\nshadow:x:1000:1:dup:/:/bin/false\n');
  expect([...users]).toEqual([
    [0, 'root'],
    [1000, 'alice'],
  ]);
  expect(parseOsRelease('NAME="Debian GNU/Linux"\nVERSION="12 (bookworm)"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe('Debian GNU/Linux 12 (bookworm)');
  expect(parseOsRelease("NAME='Alpine Linux'\nVERSION=3.19\n")).toBe('Alpine Linux 3.19');
  expect(parseOsRelease('')).toBeNull();
});
