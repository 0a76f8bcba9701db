import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { ACTIVE_IDENTITY_MS, HWM_FAULT_THRESHOLD, IDLE_IDENTITY_MS, UNMOVED_IDENTITY_MS, QUIET_EVERY, QUIET_GAP_TICKS, QUIET_MEMORY_SWING_BYTES, QUIET_TICKS, ProcReader, fdBudget, identityBudget } from '../src/collect/proc-reader.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures/proc');
const PASSWD = path.join(FIXTURES, 'passwd');

const tmpDirs: string[] = [];
afterEach(() => {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A writable copy of a fixture tree, so a test can change it between scans like the kernel would. */
function copyTree(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tmon-proc-'));
  tmpDirs.push(dir);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

function replaceTree(dir: string, name: string): void {
  for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
}

/** Rewrites fields of a fixture stat line (1-based field numbers as in proc(5)), keeping comm intact. */
function editStat(file: string, fields: Record<number, string | number>, comm?: string): void {
  const line = fs.readFileSync(file, 'utf8').trim();
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  const rest = line.slice(close + 2).split(' ');
  for (const [n, v] of Object.entries(fields)) rest[Number(n) - 3] = String(v);
  fs.writeFileSync(file, `${line.slice(0, open)}(${comm ?? line.slice(open + 1, close)}) ${rest.join(' ')}\n`);
}

describe('ProcReader on fixture trees', () => {
  test('processes: names with spaces and parentheses, kernel threads, users, a vanished pid', () => {
    const reader = new ProcReader({ procRoot: path.join(FIXTURES, 'base'), passwdPath: PASSWD });
    const procs = reader.scanProcesses({ peaks: true, primed: false });
    // 102 has a directory but no stat: it vanished mid-scan and is skipped.
    expect([...procs.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 100, 101, 103]);
    expect(procs.get(100)).toMatchObject({ name: '(sd-pam)', ppid: 1, kernelThread: false, ident: { cmd: '(sd-pam)', uid: 1000, user: 'alice' } });
    expect(procs.get(101)).toMatchObject({
      name: 'a) b (c',
      state: 'R',
      threads: 4,
      utime: 400,
      startTicks: 400,
      rss: 2000 * 4096,
      // uid 4242 is not in passwd: the number stands in for the name.
      ident: { cmd: '/opt/weird/a) b (c --flag', uid: 4242, user: '4242' },
    });
    expect(procs.get(1)).toMatchObject({ name: 'systemd', cutime: 1000, cstime: 100, ident: { cmd: '/sbin/init splash', user: 'root' } });
    expect(procs.get(2)).toMatchObject({ name: 'kthreadd', kernelThread: true, ident: { cmd: '' } });
    expect(procs.get(3)).toMatchObject({ name: 'kworker/0:0-events', kernelThread: true, state: 'I' });
    expect(procs.get(103)).toMatchObject({ state: 'Z', kernelThread: false, ident: { cmd: '' } });
    // The first scan has no earlier one: lifetime peaks are not peaks of this interval.
    expect([...procs.values()].every((p) => p.rssPeak === undefined)).toBe(true);
  });

  test('system counters', () => {
    const reader = new ProcReader({ procRoot: path.join(FIXTURES, 'base'), passwdPath: PASSWD });
    const sys = reader.readSystem();
    expect(sys.stat.total).toMatchObject({ user: 1000, system: 500, idle: 8000, iowait: 100, softirq: 50 });
    expect(sys.stat.cores).toHaveLength(2);
    expect(sys.stat.btime).toBe(1700000000);
    expect(sys.mem).toMatchObject({ total: 8000000 * 1024, available: 6000000 * 1024 });
    expect(sys.load).toEqual({ one: 0.5, five: 0.25, fifteen: 0.1 });
    expect(sys.pressure).toEqual({
      cpu: 1.5,
      memory: 0.25,
      io: 3,
      cpuSomeSeconds: 12.345678,
      cpuFullSeconds: 0,
      memorySomeSeconds: 2.5,
      memoryFullSeconds: 0.001,
      ioSomeSeconds: 7.000001,
      ioFullSeconds: 3.5,
    });
    expect(sys.net.map((n) => n.name)).toEqual(['eth0', 'wlan0']);
    expect(sys.disks.map((d) => d.name)).toEqual(['sda', 'nvme0n1', 'mmcblk0']);
    // No /proc/self in a fixture tree: the page size falls back to 4096.
    expect(reader.pageSize).toBe(4096);
    // Not procfs: files are re-opened each time, as a test replacing them expects.
    reader.scanProcesses({ peaks: true, primed: false });
    expect(reader.openFds).toBe(0);
  });

  test('network interfaces without a device in sysfs (bridge, veth, tun) are virtual; the answer follows the name', () => {
    const root = copyTree('base');
    fs.writeFileSync(
      path.join(root, 'net/dev'),
      ['Inter-|', ' face |'].concat(['lo', 'eth0', 'docker0', 'veth9f1', 'wlan0'].map((n) => `${n}: 100 1 0 0 0 0 0 0 200 1 0 0 0 0 0 0`)).join('\n'),
    );
    const sys = fs.mkdtempSync(path.join(os.tmpdir(), 'tmon-sys-'));
    tmpDirs.push(sys);
    for (const n of ['eth0', 'wlan0']) fs.mkdirSync(path.join(sys, 'class/net', n, 'device'), { recursive: true });
    for (const n of ['docker0', 'veth9f1']) fs.mkdirSync(path.join(sys, 'class/net', n), { recursive: true });
    const reader = new ProcReader({ procRoot: root, passwdPath: PASSWD, sysRoot: sys });
    expect(reader.readSystem().net.map((n) => [n.name, n.virtual === true])).toEqual([
      ['eth0', false],
      ['docker0', true],
      ['veth9f1', true],
      ['wlan0', false],
    ]);
    // wlan0 goes away and the name comes back as a virtual device: looked up again.
    fs.writeFileSync(path.join(root, 'net/dev'), 'Inter-|\n face |\n  eth0: 1 1 0 0 0 0 0 0 2 1 0 0 0 0 0 0');
    reader.readSystem();
    fs.rmSync(path.join(sys, 'class/net/wlan0/device'), { recursive: true });
    fs.writeFileSync(path.join(root, 'net/dev'), 'Inter-|\n face |\n wlan0: 1 1 0 0 0 0 0 0 2 1 0 0 0 0 0 0');
    expect(reader.readSystem().net).toEqual([{ name: 'wlan0', rxBytes: 1, txBytes: 2, virtual: true }]);
  });

  test('PSI stall totals on the real /proc are the kernel total= in seconds, between a read before and after', () => {
    const reader = new ProcReader({ procRoot: '/proc', passwdPath: '/etc/passwd' });
    const text = (r: string): string | null => (fs.existsSync(`/proc/pressure/${r}`) ? fs.readFileSync(`/proc/pressure/${r}`, 'utf8') : null);
    const totals = (t: string): number[] => [...t.matchAll(/^(?:some|full) .*total=(\d+)$/gm)].map((m) => Number(m[1]) / 1e6);
    const before = ['cpu', 'memory', 'io'].map(text);
    const p = reader.readSystem().pressure;
    const after = ['cpu', 'memory', 'io'].map(text);
    if (before.some((t) => t === null)) {
      // No PSI on this kernel (or a container hiding it): the totals are absent, never 0.
      expect(p.cpuSomeSeconds).toBeUndefined();
      return;
    }
    const read = [p.cpuSomeSeconds, p.cpuFullSeconds, p.memorySomeSeconds, p.memoryFullSeconds, p.ioSomeSeconds, p.ioFullSeconds];
    const lo = before.flatMap((t) => totals(t as string));
    const hi = after.flatMap((t) => totals(t as string));
    // cpu's full line came with Linux 5.13: without it, its total is absent.
    const cpuFull = lo.length === 6;
    expect(read.filter((x) => x !== undefined)).toHaveLength(lo.length);
    const present = cpuFull ? read : read.filter((_, i) => i !== 1);
    present.forEach((x, i) => {
      expect(x).toBeGreaterThanOrEqual(lo[i] as number);
      expect(x).toBeLessThanOrEqual(hi[i] as number);
    });
  });

  test('a kernel without /proc/pressure gives null, not an error', () => {
    const reader = new ProcReader({ procRoot: path.join(FIXTURES, 'no-pressure'), passwdPath: PASSWD });
    expect(reader.readSystem().pressure).toEqual({ cpu: null, memory: null, io: null });
    expect(reader.readSystem().pressure).toEqual({ cpu: null, memory: null, io: null });
  });

  test('PID reuse is a new process: identity re-read; a known process is not re-read', () => {
    const root = copyTree('base');
    const reader = new ProcReader({ procRoot: root, passwdPath: PASSWD });
    const first = reader.scanProcesses({ peaks: true, primed: false });
    replaceTree(root, 'later');
    const second = reader.scanProcesses({ peaks: true, primed: true });
    expect(first.get(100)).toMatchObject({ name: '(sd-pam)', startTicks: 300 });
    expect(second.get(100)).toMatchObject({ name: 'bash', startTicks: 90000, ident: { cmd: 'bash -l' } });
    // 101's cmdline file changed, but (pid, starttime) is the same process: its identity is kept.
    expect(second.get(101)?.ident).toBe(first.get(101)?.ident);
    expect(second.get(101)?.ident.cmd).toBe('/opt/weird/a) b (c --flag');
  });

  test('exec under the same pid (comm changes) re-reads the command line', () => {
    const root = copyTree('base');
    const reader = new ProcReader({ procRoot: root, passwdPath: PASSWD });
    reader.scanProcesses({ peaks: true, primed: false });
    editStat(path.join(root, '1/stat'), {}, 'newprog');
    fs.writeFileSync(path.join(root, '1/cmdline'), '/usr/bin/newprog\0--x\0');
    const after = reader.scanProcesses({ peaks: true, primed: true });
    expect(after.get(1)).toMatchObject({ name: 'newprog', ident: { cmd: '/usr/bin/newprog --x', user: 'root' } });
  });

  test('an exec of the same binary (same comm, new start_stack) re-reads the command line at once, even in a burst scan', () => {
    const root = copyTree('base');
    const reader = new ProcReader({ procRoot: root, passwdPath: PASSWD });
    editStat(path.join(root, '100/stat'), { 28: 140_737_000_000_000 });
    reader.scanProcesses({ peaks: true, primed: false, now: 0 });
    fs.writeFileSync(path.join(root, '100/cmdline'), '(sd-pam)\0--other\0');
    expect(reader.scanProcesses({ peaks: false, primed: true, now: 10 }).get(100)?.ident.cmd).toBe('(sd-pam)');
    editStat(path.join(root, '100/stat'), { 28: 140_737_111_111_111 });
    expect(reader.scanProcesses({ peaks: false, primed: true, now: 20 }).get(100)).toMatchObject({ name: '(sd-pam)', ident: { cmd: '(sd-pam) --other' } });
  });

  test('a retitled or setuid process that uses CPU is re-read after ACTIVE_IDENTITY_MS; an idle one within IDLE_IDENTITY_MS; one that never ran within UNMOVED_IDENTITY_MS', () => {
    const root = copyTree('base');
    const reader = new ProcReader({ procRoot: root, passwdPath: PASSWD });
    const first = reader.scanProcesses({ peaks: true, primed: false, now: 0 });
    // setproctitle rewrites argv in place (no exec, comm unchanged); setuid changes status only.
    fs.writeFileSync(path.join(root, '100/cmdline'), 'postgres: alice db SELECT\0');
    const status = path.join(root, '100/status');
    fs.writeFileSync(status, fs.readFileSync(status, 'utf8').replace(/Uid:.*\n/, 'Uid:\t0\t0\t0\t0\n'));
    fs.writeFileSync(path.join(root, '1/cmdline'), '/sbin/init retitled\0');
    fs.writeFileSync(path.join(root, '101/cmdline'), '/opt/weird/retitled\0');
    const busy = (utime: number): void => editStat(path.join(root, '100/stat'), { 14: utime });

    busy(10);
    // pid 1 ran a little (it retitled itself) and is idle from then on.
    editStat(path.join(root, '1/stat'), { 14: 501 });
    const early = reader.scanProcesses({ peaks: true, primed: true, now: ACTIVE_IDENTITY_MS - 1 });
    expect(early.get(100)?.ident).toBe(first.get(100)?.ident);
    busy(20);
    const later = reader.scanProcesses({ peaks: true, primed: true, now: ACTIVE_IDENTITY_MS + 1 });
    expect(later.get(100)?.ident).toEqual({ cmd: 'postgres: alice db SELECT', uid: 0, user: 'root' });
    // pid 1 is idle: still the old title, until its idle period is over.
    expect(later.get(1)?.ident.cmd).toBe('/sbin/init splash');
    // A process that did not change keeps sharing its identity object.
    expect(later.get(101)?.ident).toBe(first.get(101)?.ident);
    const idle = reader.scanProcesses({ peaks: true, primed: true, now: IDLE_IDENTITY_MS + 1 });
    expect(idle.get(1)?.ident.cmd).toBe('/sbin/init retitled');
    // pid 101 never used a tick since it was read: it waits longer.
    expect(idle.get(101)?.ident.cmd).toBe('/opt/weird/a) b (c --flag');
    const unmoved = reader.scanProcesses({ peaks: true, primed: true, now: UNMOVED_IDENTITY_MS + 1 });
    expect(unmoved.get(101)?.ident.cmd).toBe('/opt/weird/retitled');
  });

  test('identity re-reads per tick are bounded; the rest wait for the next tick', () => {
    const root = copyTree('base');
    const reader = new ProcReader({ procRoot: root, passwdPath: PASSWD });
    reader.scanProcesses({ peaks: true, primed: false, now: 0 });
    const before = reader.identityReads;
    reader.scanProcesses({ peaks: true, primed: true, now: 10 * IDLE_IDENTITY_MS });
    // 4 user processes are due (kernel threads have nothing to re-read): within the budget of 16.
    expect(identityBudget(4)).toBe(16);
    expect(reader.identityReads - before).toBe(4);
    expect(identityBudget(1000)).toBe(62);
    // Burst scans never spend it.
    reader.scanProcesses({ peaks: false, primed: true, now: 20 * IDLE_IDENTITY_MS });
    expect(reader.identityReads - before).toBe(4);
  });

  test('while a cgroup is watched, identity reads take the memory cgroup from /proc/PID/cgroup: of a new process, and again after an exec', () => {
    const root = copyTree('base');
    fs.writeFileSync(path.join(root, '100/cgroup'), '12:pids:/user.slice\n4:memory:/user.slice/session-1.scope\n0::/user.slice/session-1.scope\n');
    fs.writeFileSync(path.join(root, '1/cgroup'), '0::/init.scope\n');
    const unwatched = new ProcReader({ procRoot: root, passwdPath: PASSWD });
    expect(unwatched.scanProcesses({ peaks: true, primed: false, now: 0 }).get(100)?.ident.cgroup).toBeUndefined();
    const v1 = new ProcReader({ procRoot: root, passwdPath: PASSWD });
    v1.cgroupVersion = 1;
    const first = v1.scanProcesses({ peaks: true, primed: false, now: 0 });
    expect(first.get(100)?.ident.cgroup).toBe('/user.slice/session-1.scope');
    // No memory line in v1 terms: unknown, so never ruled out.
    expect(first.get(1)?.ident.cgroup).toBeUndefined();
    // Kernel threads have nothing to read.
    expect(first.get(2)?.ident.cgroup).toBeUndefined();
    const v2 = new ProcReader({ procRoot: root, passwdPath: PASSWD });
    v2.cgroupVersion = 2;
    expect(v2.scanProcesses({ peaks: true, primed: false, now: 0 }).get(1)?.ident.cgroup).toBe('/init.scope');
    fs.writeFileSync(path.join(root, '100/cgroup'), '4:memory:/system.slice/job.service\n');
    // A routine re-read (it ran, its period is over) keeps the cgroup: processes move between cgroups before an exec.
    editStat(path.join(root, '100/stat'), { 14: 999 });
    expect(v1.scanProcesses({ peaks: true, primed: true, now: ACTIVE_IDENTITY_MS + 1 }).get(100)?.ident.cgroup).toBe('/user.slice/session-1.scope');
    // An exec (a new start_stack) reads it again.
    editStat(path.join(root, '100/stat'), { 14: 1000, 28: 140_737_222_222_222 });
    expect(v1.scanProcesses({ peaks: true, primed: true, now: ACTIVE_IDENTITY_MS + 2 }).get(100)?.ident.cgroup).toBe('/system.slice/job.service');
  });

  test('a zombie keeps the command line it had', () => {
    const root = copyTree('base');
    const reader = new ProcReader({ procRoot: root, passwdPath: PASSWD });
    reader.scanProcesses({ peaks: true, primed: false, now: 0 });
    fs.writeFileSync(path.join(root, '101/cmdline'), '');
    editStat(path.join(root, '101/stat'), { 28: 1 });
    expect(reader.scanProcesses({ peaks: true, primed: true, now: 5 }).get(101)?.ident.cmd).toBe('/opt/weird/a) b (c --flag');
  });

  test('/etc/passwd is re-read when it changes: a new user gets its name', () => {
    const root = copyTree('base');
    const passwd = path.join(root, 'passwd');
    fs.copyFileSync(PASSWD, passwd);
    const reader = new ProcReader({ procRoot: root, passwdPath: passwd });
    expect(reader.scanProcesses({ peaks: true, primed: false, now: 0 }).get(101)?.ident.user).toBe('4242');
    fs.appendFileSync(passwd, 'newbie:x:4242:4242::/home/newbie:/bin/sh\n');
    const after = reader.scanProcesses({ peaks: true, primed: true, now: 5 });
    expect(after.get(101)?.ident).toMatchObject({ uid: 4242, user: 'newbie' });
    expect(after.get(100)?.ident.user).toBe('alice');
  });

  test('VmHWM is read only after enough page faults, and reported only when it rose', () => {
    const root = copyTree('base');
    const reader = new ProcReader({ procRoot: root, passwdPath: PASSWD });
    reader.scanProcesses({ peaks: true, primed: false });
    const status = path.join(root, '100/status');
    const setHwm = (kb: number): void => fs.writeFileSync(status, fs.readFileSync(status, 'utf8').replace(/VmHWM:\s*\d+/, `VmHWM:\t${kb}`));

    // HWM rose but the process took no faults: status is not read (it cannot have grown).
    setHwm(900000);
    expect(reader.scanProcesses({ peaks: true, primed: true }).get(100)?.rssPeak).toBeUndefined();

    // Enough faults: status is read, and the rise is a peak between scans.
    editStat(path.join(root, '100/stat'), { 10: 100 + HWM_FAULT_THRESHOLD });
    expect(reader.scanProcesses({ peaks: true, primed: true }).get(100)?.rssPeak).toBe(900000 * 1024);

    // More faults, same HWM: no new peak.
    editStat(path.join(root, '100/stat'), { 10: 100 + 3 * HWM_FAULT_THRESHOLD });
    expect(reader.scanProcesses({ peaks: true, primed: true }).get(100)?.rssPeak).toBeUndefined();

    // Burst scans never read status for known processes.
    setHwm(950000);
    editStat(path.join(root, '100/stat'), { 10: 100 + 5 * HWM_FAULT_THRESHOLD });
    expect(reader.scanProcesses({ peaks: false, primed: true }).get(100)?.rssPeak).toBeUndefined();
  });

  test('a process new since the last scan reports its VmHWM: its whole life is in the interval', () => {
    const root = copyTree('base');
    const reader = new ProcReader({ procRoot: root, passwdPath: PASSWD });
    reader.scanProcesses({ peaks: true, primed: false });
    replaceTree(root, 'later');
    const procs = reader.scanProcesses({ peaks: true, primed: true });
    // later/100/status: VmHWM = rss pages * 4 kB.
    expect(procs.get(100)?.rssPeak).toBe(1500 * 4 * 1024);
    expect(procs.get(1)?.rssPeak).toBeUndefined();
  });

  test('probe reads memory used and CPU ticks for the fast watch', () => {
    const reader = new ProcReader({ procRoot: path.join(FIXTURES, 'base'), passwdPath: PASSWD });
    const out = { memUsed: 0, busyTicks: 0, totalTicks: 0 };
    expect(reader.probe(out)).toBe(true);
    expect(out).toEqual({ memUsed: 2000000 * 1024, busyTicks: 1000 + 500 + 50, totalTicks: 1000 + 500 + 8000 + 100 + 50 });
  });

  test('quiet processes are skipped at ticks while the machine CPU is accounted for; one that woke is read at once; one gone is gone', () => {
    const root = copyTree('base');
    const reader = new ProcReader({ procRoot: root, passwdPath: PASSWD });
    /** The machine's user ticks in the fixture's /proc/stat (tasks = user + nice + system). */
    let user = 1000;
    const setMachineUser = (v: number): void => {
      user = v;
      fs.writeFileSync(path.join(root, 'stat'), `cpu  ${user} 0 500 8000 100 0 50 0 0 0\ncpu0 ${user} 0 250 4000 50 0 25 0 0 0\nbtime 1700000000\n`);
    };
    const tick = (): ReturnType<ProcReader['scanProcesses']> => reader.scanProcesses({ peaks: true, primed: true, memorySwing: 0, now: 0 });
    reader.scanProcesses({ peaks: true, primed: false, now: 0 });
    // Ticks 1..QUIET_TICKS: nothing moves, every process becomes quiet.
    for (let i = 0; i < QUIET_TICKS; i++) expect(tick().get(100)?.utime).toBe(5);
    expect(reader.quietSkips).toBe(0);
    // Tick 6: pid 100 is not due ((6 + 100) % QUIET_EVERY !== 0); it used less than the gap, so it is not read.
    expect((QUIET_TICKS + 1 + 100) % QUIET_EVERY).not.toBe(0);
    editStat(path.join(root, '100/stat'), { 14: 5 + QUIET_GAP_TICKS - 1 });
    const skipped = tick();
    expect(reader.quietSkips).toBeGreaterThan(0);
    expect(skipped.get(100)?.utime).toBe(5);
    expect([...skipped.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 100, 101, 103]);
    // Tick 7 (not due either): it wakes for 50 ticks and /proc/stat counts them: read at once.
    expect((QUIET_TICKS + 2 + 100) % QUIET_EVERY).not.toBe(0);
    editStat(path.join(root, '100/stat'), { 14: 60 });
    setMachineUser(user + 55);
    expect(tick().get(100)?.utime).toBe(60);
    expect(reader.quietCatchUps).toBe(1);
    // A quiet process that exits is gone from the next tick, read or not.
    fs.rmSync(path.join(root, '101'), { recursive: true });
    expect(tick().has(101)).toBe(false);
    // While memory moves, nothing is skipped: a quiet process can fault memory in with too little CPU to show in the gap.
    const skips = reader.quietSkips;
    editStat(path.join(root, '1/stat'), { 24: 99_999 });
    for (let i = 0; i < QUIET_EVERY; i++) {
      const moved = reader.scanProcesses({ peaks: true, primed: true, memorySwing: QUIET_MEMORY_SWING_BYTES, now: 0 });
      expect(moved.get(1)?.rss).toBe(99_999 * reader.pageSize);
    }
    expect(reader.quietSkips).toBe(skips);
    // Without a swing to go by (no fast watch), nothing is skipped either.
    reader.scanProcesses({ peaks: true, primed: true, now: 0 });
    expect(reader.quietSkips).toBe(skips);
  });

  test('a root that is not procfs: no processes, readStat null', () => {
    const reader = new ProcReader({ procRoot: path.join(FIXTURES, 'does-not-exist') });
    expect(reader.readStat()).toBeNull();
    expect(reader.scanProcesses({ peaks: true, primed: false }).size).toBe(0);
    expect(() => reader.readSystem()).toThrow(/does-not-exist\/stat/);
  });
});

describe('ProcReader on the real /proc', () => {
  test('finds this process with its command line, user and a plausible RSS; detects the page size', () => {
    const reader = new ProcReader();
    const me = reader.scanProcesses({ peaks: true, primed: false }).get(process.pid);
    reader.close();
    expect(me?.ident.cmd).toContain('node');
    expect(me?.ident.uid).toBe(os.userInfo().uid);
    expect(me?.ident.user).toBe(os.userInfo().username);
    const rss = process.memoryUsage().rss;
    expect(me?.rss).toBeGreaterThan(rss * 0.5);
    expect(me?.rss).toBeLessThan(rss * 2);
    expect([4096, 16384, 65536]).toContain(reader.pageSize);
  });

  test('every interface of this machine is virtual exactly when /sys/class/net/<name>/device is missing', () => {
    const reader = new ProcReader();
    const net = reader.readSystem().net;
    reader.close();
    for (const n of net) expect(n.virtual === true, n.name).toBe(!fs.existsSync(`/sys/class/net/${n.name}/device`));
  });
});

test('fd budget: a quarter of the soft limit, capped', () => {
  const limits = (soft: string): string => `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${soft}                 524288               files\n`;
  expect(fdBudget(limits('1024'))).toBe(256);
  expect(fdBudget(limits('20000'))).toBe(5000);
  expect(fdBudget(limits('unlimited'))).toBe(16384);
  expect(fdBudget(null)).toBe(256);
});

/** The /proc/<pid>/stat files this process holds open. */
function openStatFds(): string[] {
  const out: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (/^\/proc\/\d+\/stat$/.test(target)) out.push(target);
    } catch {
      // the fd readdir itself used, already closed
    }
  }
  return out;
}

test('real /proc: stat fds are kept between scans, closed when a process goes and on close()', async () => {
  const reader = new ProcReader();
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const mine = `/proc/${child.pid}/stat`;
  try {
    await new Promise((r) => child.once('spawn', r));
    const first = reader.scanProcesses({ peaks: true, primed: false });
    expect(first.has(child.pid as number)).toBe(true);
    expect(openStatFds()).toContain(mine);
    expect(reader.openFds).toBe(openStatFds().length);
    const again = reader.scanProcesses({ peaks: true, primed: true });
    // Read through the kept fd: the same process.
    expect(again.get(child.pid as number)?.startTicks).toBe(first.get(child.pid as number)?.startTicks);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const after = reader.scanProcesses({ peaks: true, primed: true });
    expect(after.has(child.pid as number)).toBe(false);
    expect(openStatFds()).not.toContain(mine);
    expect(reader.openFds).toBe(openStatFds().length);
  } finally {
    child.kill('SIGKILL');
    reader.close();
  }
  expect(reader.openFds).toBe(0);
  expect(openStatFds()).toEqual([]);
});

/** A single-threaded process (Python) that does not run at all until a line on stdin: then it takes 100 MB, burns CPU and says 'done'. */
function sleeperThatWakes(): { child: ReturnType<typeof spawn>; said: (word: string) => Promise<void> } {
  const script = `import sys
print('ready', flush=True)
sys.stdin.readline()
b = b'x' * (100 * 1024 * 1024)
n = sum(range(3_000_000))
print('done', flush=True)
sys.stdin.readline()`;
  const child = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'ignore'] });
  const said = (word: string): Promise<void> =>
    new Promise((resolve) => {
      let out = '';
      const on = (d: Buffer): void => {
        out += d.toString();
        if (!out.includes(word)) return;
        child.stdout?.off('data', on);
        resolve();
      };
      child.stdout?.on('data', on);
    });
  return { child, said };
}

test('real /proc: a burst scan takes a single-threaded process that has not run since from its last reading; once it runs, it is read', async () => {
  const reader = new ProcReader();
  const { child, said } = sleeperThatWakes();
  try {
    await said('ready');
    const pid = child.pid as number;
    reader.scanProcesses({ peaks: true, primed: false });
    const burst = (): ReturnType<ProcReader['scanProcesses']> => reader.scanProcesses({ peaks: false, primed: true });
    const first = burst().get(pid);
    expect(first?.threads).toBe(1);
    const skips = reader.unmovedSkips;
    expect(burst().get(pid)).toBe(first);
    expect(reader.unmovedSkips).toBeGreaterThan(skips);
    // It wakes, allocates 100 MB and burns CPU: the next burst scan reads it.
    child.stdin?.write('\n');
    await said('done');
    const woke = burst().get(pid);
    expect((woke?.utime ?? 0) + (woke?.stime ?? 0)).toBeGreaterThan((first?.utime ?? 0) + (first?.stime ?? 0));
    expect(woke?.rss ?? 0).toBeGreaterThan((first?.rss ?? 0) + 90 * 1024 * 1024);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(burst().has(pid)).toBe(false);
  } finally {
    child.kill('SIGKILL');
    reader.close();
  }
  expect(reader.openFds).toBe(0);
}, 30_000);

test('real /proc: a quiet process that wakes is read at the next tick, whichever way the CPU gap went', async () => {
  const reader = new ProcReader();
  const { child, said } = sleeperThatWakes();
  try {
    await said('ready');
    const pid = child.pid as number;
    const tick = (): ReturnType<ProcReader['scanProcesses']> => reader.scanProcesses({ peaks: true, primed: true, memorySwing: 0 });
    reader.scanProcesses({ peaks: true, primed: false });
    // Quiet after QUIET_TICKS ticks; its stat is then read at one tick in QUIET_EVERY (tick number + pid). At the
    // others it is skipped untouched while the machine's CPU is accounted for, else schedstat tells (a busy machine).
    // The ticks stop so that the one after the wake-up is not its due one.
    let ticks = QUIET_TICKS + 2 * QUIET_EVERY;
    while ((ticks + 2 + pid) % QUIET_EVERY === 0) ticks++;
    for (let i = 0; i < ticks; i++) tick();
    const skips = reader.unmovedSkips + reader.quietSkips;
    const before = tick().get(pid);
    expect(reader.unmovedSkips + reader.quietSkips).toBeGreaterThan(skips);
    child.stdin?.write('\n');
    await said('done');
    const woke = tick().get(pid);
    expect((woke?.utime ?? 0) + (woke?.stime ?? 0)).toBeGreaterThan((before?.utime ?? 0) + (before?.stime ?? 0));
    expect(woke?.rss ?? 0).toBeGreaterThan((before?.rss ?? 0) + 90 * 1024 * 1024);
  } finally {
    child.kill('SIGKILL');
    reader.close();
  }
}, 30_000);
