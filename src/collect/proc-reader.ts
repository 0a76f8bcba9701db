import fs from 'node:fs';
import { parseProcCgroup } from './cgroup-memory.js';
import { ProcFile } from './proc-file.js';
import {
  PF_KTHREAD,
  emptyPidStat,
  parseCmdline,
  parseCpuTotalTicks,
  parseDiskstats,
  parseLoadavg,
  parseMemUsed,
  parseMeminfo,
  parseNetDev,
  parsePasswd,
  parsePidStat,
  parsePressureSome,
  parsePressureTotals,
  parseSchedRuntime,
  parseStatus,
  parseStatusHwmKb,
  parseSystemStat,
} from './proc-parse.js';
import type { Pressure } from '../core/sample.js';
import type { ProcIdentity, RawDiskCounters, RawMemInfo, RawNetCounters, RawProcess, RawSnapshot, RawSystemStat } from './raw.js';

export interface ProcReaderOptions {
  /** Where procfs is mounted; tests point it at a fixture tree. Default '/proc'. */
  procRoot?: string;
  /** Default '/etc/passwd'. */
  passwdPath?: string;
  /** Where sysfs is mounted (tells physical network interfaces from virtual ones); tests point it at a fixture tree. Default '/sys'. */
  sysRoot?: string;
}

/** What the reader remembers about a process between scans. */
interface Tracked {
  startTicks: number;
  statPath: string;
  /** A kept-open fd on its stat (-1: none), so each tick is one pread instead of open/read/close. */
  fd: number;
  ident: ProcIdentity;
  /** comm bytes and their decoded string: re-decoded only when comm changes (an exec, prctl, a thread rename). */
  commBytes: Buffer;
  name: string;
  /** start_stack at the last identity read: a new value means an exec, even of the same binary. */
  startStack: number;
  /** performance.now() of the last identity read, and utime+stime at the last scan (to tell a busy process). */
  identAt: number;
  cpuTicks: number;
  /** utime+stime at the last identity read: unchanged, the process has hardly run since. */
  cpuAtIdent: number;
  /** The passwd generation its user name was resolved with. */
  usersGen: number;
  /** VmHWM (kB) and the fault count when status was last read. */
  hwmKb: number;
  faultsAtHwm: number;
  /** Scan generation in which the process was last seen, to forget the dead. */
  seen: number;
  /** The last reading (tick or burst scan); a quiet process skipped at a tick is reported with it. */
  last: RawProcess | null;
  /** Tick scans in a row that found CPU, RSS, state and threads unchanged. */
  still: number;
  /** utime+stime at the last tick scan that read it, and that tick's number (to sum the CPU read in one interval). */
  tickCpu: number;
  tickNo: number;
  /** The last tick that read it between the machine readings. */
  lateTick: number;
  /** A kept-open fd on its schedstat (-1: none), and the run time read there last (NaN: none): see unmoved(). */
  schedFd: number;
  runNs: number;
}

/** Fast-watch readings: memory used in bytes, cumulative busy and total CPU ticks. */
export interface FastProbe {
  memUsed: number;
  busyTicks: number;
  totalTicks: number;
}

export interface ScanOptions {
  /** A tick's scan: also reads VmHWM where faults say the peak may have moved, and catches up on identities. */
  peaks: boolean;
  /** A previous scan exists: only then is a new process's whole lifetime, and so its VmHWM, inside the interval. */
  primed: boolean;
  now?: number;
  /**
   * At ticks: how far the machine's memory used moved inside the interval (the fast
   * watch's swing). Quiet processes may be skipped only below QUIET_MEMORY_SWING_BYTES
   * (see QUIET_TICKS); absent, none is.
   */
  memorySwing?: number;
}

/** One scan's running state, shared by the reads it makes. */
interface ScanPass {
  gen: number;
  out: Map<number, RawProcess>;
  now: number;
  /** Identity re-reads left for this scan. */
  budget: number;
  peaks: boolean;
  primed: boolean;
  /** This tick's number (0: not a tick that may skip), and the CPU ticks the processes read in it used since the previous one. */
  tick: number;
  tickCpu: number;
  /** Reading the moving processes, between the two machine readings. */
  late: boolean;
}

/** The same reading without its peak: a peak belongs to the interval that found it. */
function withoutPeak(p: RawProcess): RawProcess {
  const copy = { ...p };
  delete copy.rssPeak;
  return copy;
}

/** Reports a process not read again with its last reading (without a peak, which was an earlier interval's). */
function keepLast(last: RawProcess, out: Map<number, RawProcess>): void {
  out.set(last.pid, last.rssPeak === undefined ? last : withoutPeak(last));
}

export type SystemCounters = Pick<RawSnapshot, 'stat' | 'mem' | 'load' | 'pressure' | 'net' | 'disks'>;

/**
 * A process must have taken this many page faults since VmHWM was last read
 * for a new read to be worth it: RSS cannot grow without faults, so a process
 * below this cannot have raised its peak by more than a few MB (THP aside:
 * 64 huge-page faults are 128 MB). Most processes at rest take none.
 */
export const HWM_FAULT_THRESHOLD = 64;

const PRESSURE = ['cpu', 'memory', 'io'] as const;

/**
 * How stale a command line or uid may get without an exec to tell (setproctitle
 * rewrites argv in place, setuid changes status only): a process that used CPU
 * since the last scan, the kind shown and blamed, is re-read after 2 s; an idle
 * one after 15 to 30 s; one that has not used a tick of CPU since its last
 * re-read (it could hardly have retitled itself) after 60 to 120 s. Each re-read
 * is one cmdline and one status read.
 */
export const ACTIVE_IDENTITY_MS = 2000;
export const IDLE_IDENTITY_MS = 30_000;
export const UNMOVED_IDENTITY_MS = 120_000;

/**
 * Quiet processes (unchanged for QUIET_TICKS tick scans) have their stat read
 * at one tick in QUIET_EVERY (by pid, so they spread over the ticks). At the
 * other ticks they are skipped, no file of theirs touched, as long as the
 * machine's CPU is accounted for without them: if the CPU /proc/stat counted
 * since the last tick exceeds what the processes read this tick used by
 * QUIET_GAP_TICKS or more, one of the skipped ones (or something short-lived)
 * used it, and the skipped ones are looked at after all: a single-threaded one
 * through its schedstat (see unmoved(): not run since, it keeps its last
 * reading; run, it is read), the others read. Where no gap can be measured this
 * tick, a single-threaded one not due goes by its schedstat at once. So such a process can only
 * hide less than QUIET_GAP_TICKS of CPU (30 ms) for at most QUIET_EVERY - 1
 * ticks. RSS cannot grow without page faults, yet a process can fault in memory
 * with little CPU: so none of those is skipped in an interval where memory used
 * moved by QUIET_MEMORY_SWING_BYTES or more, as a missed riser would be a
 * missed culprit. Burst scans look at every process, through schedstat too.
 */
export const QUIET_TICKS = 5;
export const QUIET_MEMORY_SWING_BYTES = 16 * 1024 * 1024;
export const QUIET_EVERY = 4;
export const QUIET_GAP_TICKS = 3;

/** 15 to 30 s by pid, so idle processes first seen together are not re-read together. */
function idlePeriod(pid: number, longest = IDLE_IDENTITY_MS): number {
  return longest - (pid % 16) * (longest / 32);
}

/** Identity re-reads per tick at most: a machine full of busy processes spreads them over a few ticks. */
export function identityBudget(processes: number): number {
  return Math.max(16, processes >> 4);
}

/**
 * Linux /proc reader. Per process per scan it reads one file, /proc/<pid>/stat,
 * through an fd kept open between scans (one pread; open+read+close costs 2x);
 * cmdline and status for a process it has not seen (pid + starttime, so a
 * reused PID is a new process), again at once after an exec (comm or start_stack
 * changed) and otherwise on a bounded cadence (ACTIVE/IDLE_IDENTITY_MS, a budget
 * per tick); status also when faults say the peak may have moved. At ticks a
 * process quiet for a while is read only every few ticks, as long as the
 * machine's CPU says none of the skipped ones woke (QUIET_TICKS); when it
 * says one may have, each skipped one is looked at. Burst scans look at every
 * process. Either way a single-threaded process whose schedstat says it has
 * not run since is taken from its last reading (see unmoved()). /etc/passwd is
 * re-read when it changes. A process that vanishes mid-read is skipped. close()
 * releases the fds.
 */
export class ProcReader {
  readonly root: string;
  readonly pageSize: number;
  /** How many status reads the VmHWM check made (benchmarks show it stays small). */
  hwmReads = 0;
  private readonly passwdPath: string;
  private readonly sysRoot: string;
  /** Interface name → virtual, looked up in sysfs once per name while it stays. */
  private readonly virtualNet = new Map<string, boolean>();
  private readonly file: ProcFile;
  private readonly scratch = emptyPidStat();
  private readonly ticks = { busy: 0, total: 0, tasks: 0 };
  private readonly tracked = new Map<number, Tracked>();
  private users = new Map<number, string>();
  /** /etc/passwd as last read (mtime, size, inode) and a generation bumped when it changes. */
  private passwdStamp = '';
  private usersGen = 0;
  /** How many identity re-reads the cadence made (benchmarks report it). */
  identityReads = 0;
  /**
   * The cgroup hierarchy whose memory path each identity read also takes from
   * /proc/PID/cgroup; null (the default) reads none. Set while a limit below the
   * root applies; a process read before that has no cgroup, so it is never ruled out.
   */
  cgroupVersion: 1 | 2 | null = null;
  /** Stat reads skipped at ticks (quiet processes), and ticks whose CPU gap made it read the quiet ones after all. */
  quietSkips = 0;
  quietCatchUps = 0;
  /** Stat reads that burst scans and tick catch-ups skipped because schedstat said the process had not run (see unmoved()). */
  unmovedSkips = 0;
  /** The last tick's unaccounted CPU ticks (benchmarks report it). */
  lastGap = NaN;
  private tickNo = 0;
  /** Tick scans so far (any memory swing): which quiet processes are due for a stat read goes by it. */
  private tickScans = 0;
  /** The machine's task CPU ticks just before the previous tick scan read its moving processes (NaN: none). */
  private lastMark = NaN;
  private generation = 0;
  private keptFds = 0;
  /** 0 off procfs: a fixture file replaced under a kept fd would keep showing the old content. */
  private maxKeptFds: number;
  /** Present pressure files; one that fails is dropped so a kernel without PSI costs nothing per tick. */
  private readonly pressurePaths: Map<(typeof PRESSURE)[number], string>;
  /** Made once: the fast watch reads these 15 times a second. */
  private readonly statPath: string;
  private readonly meminfoPath: string;

  constructor(opts: ProcReaderOptions = {}) {
    this.root = opts.procRoot ?? '/proc';
    this.passwdPath = opts.passwdPath ?? '/etc/passwd';
    this.sysRoot = opts.sysRoot ?? '/sys';
    this.statPath = `${this.root}/stat`;
    this.meminfoPath = `${this.root}/meminfo`;
    const procfs = isProcfs(this.root);
    this.file = new ProcFile(procfs);
    this.pageSize = this.detectPageSize();
    this.maxKeptFds = procfs ? fdBudget(this.file.text(`${this.root}/self/limits`)) : 0;
    this.pressurePaths = new Map(PRESSURE.map((r) => [r, `${this.root}/pressure/${r}`]));
  }

  /** /proc/stat, or null when the root is not a procfs. */
  readStat(): RawSystemStat | null {
    const n = this.file.readKept(this.statPath);
    return n < 0 ? null : parseSystemStat(this.file.buf, n);
  }

  readMeminfo(): RawMemInfo | null {
    const text = this.file.text(this.meminfoPath, true);
    return text === null ? null : parseMeminfo(text);
  }

  /** Everything per tick except processes and filesystems. Throws when /proc/stat or /proc/meminfo is unreadable. */
  readSystem(): SystemCounters {
    const stat = this.readStat();
    const mem = this.readMeminfo();
    if (!stat || !mem) throw new Error(`cannot read ${this.root}/stat and ${this.root}/meminfo`);
    const loadText = this.file.text(`${this.root}/loadavg`, true);
    return {
      stat,
      mem,
      load: loadText === null ? { one: 0, five: 0, fifteen: 0 } : parseLoadavg(loadText),
      pressure: this.readPressure(),
      net: this.readNet(),
      disks: this.readDisks(),
    };
  }

  /** The fast watch's two cheap reads, parsed without allocating. False when either failed. */
  probe(out: FastProbe): boolean {
    let n = this.file.readKept(this.meminfoPath);
    if (n < 0) return false;
    out.memUsed = parseMemUsed(this.file.buf, n);
    n = this.file.readKept(this.statPath);
    if (n < 0) return false;
    const ticks = this.ticks;
    if (!parseCpuTotalTicks(this.file.buf, n, ticks)) return false;
    out.busyTicks = ticks.busy;
    out.totalTicks = ticks.total;
    return Number.isFinite(out.memUsed);
  }

  /**
   * Reads every process (at ticks given `busyTicks`, quiet ones only when due
   * or when the machine's CPU says one of them woke: see QUIET_TICKS).
   */
  scanProcesses(opts: ScanOptions): Map<number, RawProcess> {
    const gen = ++this.generation;
    const out = new Map<number, RawProcess>();
    let names: string[];
    try {
      names = fs.readdirSync(this.root);
    } catch {
      return out;
    }
    // Ticks (not burst scans, which must stay cheap) also catch up on stale identities.
    const pass: ScanPass = {
      gen,
      out,
      now: opts.now ?? performance.now(),
      budget: opts.peaks ? identityBudget(this.tracked.size) : 0,
      peaks: opts.peaks,
      primed: opts.primed,
      tick: 0,
      tickCpu: 0,
      late: false,
    };
    if (opts.peaks || this.usersGen === 0) this.refreshUsers();
    // Only ticks may skip quiet processes (see settleQuiet), and only after a tick that took the same measure.
    const tickScan = opts.peaks && opts.primed;
    const measuring = tickScan && (opts.memorySwing ?? Infinity) < QUIET_MEMORY_SWING_BYTES;
    const skipping = measuring && !Number.isNaN(this.lastMark);
    if (measuring) pass.tick = ++this.tickNo;
    if (tickScan) this.tickScans++;
    const deferred: Tracked[] = [];
    const active: Tracked[] = [];
    const burst = !opts.peaks && opts.primed;
    for (const entry of names) {
      const first = entry.charCodeAt(0);
      if (first < 0x30 || first > 0x39) continue;
      const pid = Number(entry);
      const t = this.tracked.get(pid);
      // In a burst scan any known process, at a tick a quiet one not due that cannot wait for the CPU gap (memory
      // moving, or no gap measured last tick): schedstat says whether it ran. One that can wait is not touched at all.
      const quietNotDue = tickScan && t !== undefined && t.still >= QUIET_TICKS && (this.tickScans + pid) % QUIET_EVERY !== 0;
      if (t?.last && (burst || (quietNotDue && !skipping))) {
        if (this.unmoved(t)) {
          t.seen = gen;
          keepLast(t.last, out);
          continue;
        }
        if (t.schedFd >= 0 && measuring) {
          // It ran (or is gone): read with the moving ones.
          t.seen = gen;
          active.push(t);
          continue;
        }
      }
      if (measuring && t?.last) {
        if (t.still < QUIET_TICKS) {
          t.seen = gen;
          active.push(t);
          continue;
        }
        if (skipping && (this.tickScans + pid) % QUIET_EVERY !== 0) {
          t.seen = gen;
          deferred.push(t);
          continue;
        }
      }
      this.readProcess(entry, pid, t, pass);
    }
    if (measuring) this.readMoving(active, deferred, pass);
    for (const [pid, t] of this.tracked) {
      if (t.seen === gen) continue;
      this.dropFd(t);
      this.tracked.delete(pid);
    }
    return out;
  }

  /** Processes that move are read last, between two readings of the machine's CPU, tmon itself at the very end; then the quiet ones are settled. */
  private readMoving(active: Tracked[], deferred: Tracked[], pass: ScanPass): void {
    const mark = this.taskTicks();
    pass.late = true;
    let self: Tracked | undefined;
    for (const t of active) {
      if (t.last?.pid === process.pid) self = t;
      else this.readLast(t, pass);
    }
    if (self) this.readLast(self, pass);
    pass.late = false;
    if (deferred.length > 0) this.settleQuiet(deferred, pass);
    this.lastMark = mark;
  }

  /** Reads one process's stat (and its identity or VmHWM when due) into `pass.out`; a process that vanished is left out. */
  private readProcess(entry: string, pid: number, tracked: Tracked | undefined, pass: ScanPass): void {
    let t = tracked;
    const s = this.scratch;
    const statPath = t?.statPath ?? `${this.root}/${entry}/stat`;
    // A kept fd fails (ESRCH) once its process is gone; the path may then name a new one.
    let n = t && t.fd >= 0 ? this.file.readAt(t.fd) : -1;
    let fd = -1;
    if (n < 0) {
      if (t) this.dropFd(t);
      fd = this.keptFds < this.maxKeptFds ? this.file.open(statPath) : -1;
      n = fd >= 0 ? this.file.readAt(fd) : this.file.read(statPath);
      if (fd >= 0) this.keptFds++;
    }
    if (n < 0 || !parsePidStat(this.file.buf, n, s)) {
      this.closeFd(fd);
      return;
    }
    const kernelThread = (s.flags & PF_KTHREAD) !== 0 || pid === 2 || s.ppid === 2;
    let rssPeak: number | undefined;
    // The numbers are in `s` now; only comm still lives in the buffer, which track and refreshTracked compare or copy.
    if (!t || t.startTicks !== s.startTicks) {
      t = this.track(entry, pid, t, statPath, fd, kernelThread, pass);
      if (!t) return;
      if (pass.primed && t.hwmKb > 0) rssPeak = t.hwmKb * 1024;
    } else {
      rssPeak = this.refreshTracked(t, entry, pid, fd, kernelThread, pass);
    }
    t.seen = pass.gen;
    const p: RawProcess = {
      pid,
      ppid: s.ppid,
      name: t.name,
      state: s.state,
      kernelThread,
      utime: s.utime,
      stime: s.stime,
      cutime: s.cutime,
      cstime: s.cstime,
      threads: s.threads,
      startTicks: s.startTicks,
      rss: s.rssPages * this.pageSize,
      faults: s.faults,
      ident: t.ident,
      rssPeak,
    };
    this.noteStill(t, p, pass);
    pass.out.set(pid, p);
  }

  /**
   * Starts tracking the process whose stat is in the scratch (new, or a new
   * process on a reused pid): its identity is read now. Undefined when it vanished
   * meanwhile; the stat fd opened for it is then closed.
   */
  private track(entry: string, pid: number, old: Tracked | undefined, statPath: string, fd: number, kernelThread: boolean, pass: ScanPass): Tracked | undefined {
    const s = this.scratch;
    // comm still lives in the read buffer, which the identity reads overwrite: copied first.
    const commBytes = Buffer.from(this.file.buf.subarray(s.commStart, s.commEnd));
    const ident = this.readIdentity(entry, kernelThread);
    if (!ident) {
      this.closeFd(fd);
      return undefined;
    }
    if (old) this.dropFd(old);
    const t: Tracked = {
      startTicks: s.startTicks,
      statPath,
      fd,
      ident: ident.ident,
      commBytes,
      name: commBytes.toString('utf8'),
      startStack: s.startStack,
      identAt: pass.now,
      cpuTicks: s.utime + s.stime,
      cpuAtIdent: s.utime + s.stime,
      usersGen: this.usersGen,
      hwmKb: ident.hwmKb,
      faultsAtHwm: s.faults,
      seen: pass.gen,
      last: null,
      still: 0,
      tickCpu: 0,
      tickNo: 0,
      lateTick: 0,
      schedFd: -1,
      runNs: NaN,
    };
    this.tracked.set(pid, t);
    return t;
  }

  /**
   * Updates a known process from the stat in the scratch: its name, and its
   * identity or VmHWM when due. Returns the new memory peak, if one was read.
   */
  private refreshTracked(t: Tracked, entry: string, pid: number, fd: number, kernelThread: boolean, pass: ScanPass): number | undefined {
    const s = this.scratch;
    const buf = this.file.buf;
    if (fd >= 0) t.fd = fd;
    const commChanged = buf.compare(t.commBytes, 0, t.commBytes.length, s.commStart, s.commEnd) !== 0;
    if (commChanged) {
      t.commBytes = Buffer.from(buf.subarray(s.commStart, s.commEnd));
      t.name = t.commBytes.toString('utf8');
    }
    const cpuTicks = s.utime + s.stime;
    const busy = cpuTicks !== t.cpuTicks;
    t.cpuTicks = cpuTicks;
    // An exec (a new comm or stack) is re-read at once, any scan; otherwise by age, within the tick's budget.
    const exec = commChanged || s.startStack !== t.startStack;
    const period = busy ? ACTIVE_IDENTITY_MS : idlePeriod(pid, cpuTicks === t.cpuAtIdent ? UNMOVED_IDENTITY_MS : IDLE_IDENTITY_MS);
    const due = pass.budget > 0 && pass.now - t.identAt >= period;
    let rssPeak: number | undefined;
    if (!kernelThread && (exec || due)) {
      if (!exec) pass.budget--;
      t.startStack = s.startStack;
      rssPeak = this.refreshIdentity(t, entry, pass.now, pass.peaks, s.faults, exec);
    } else if (pass.peaks && !kernelThread && s.faults - t.faultsAtHwm >= HWM_FAULT_THRESHOLD) {
      rssPeak = this.checkHwm(t, entry, s.faults);
    }
    if (t.usersGen !== this.usersGen) this.renameUser(t);
    return rssPeak;
  }

  /**
   * Skipped quiet processes: reported with their last reading, unless the
   * machine's task CPU from the start of the previous tick scan to now (a
   * window holding every process's own interval) exceeds what the processes
   * read account for by QUIET_GAP_TICKS: then one of them may have woken, and
   * all are read.
   */
  private settleQuiet(deferred: Tracked[], pass: ScanPass): void {
    this.lastGap = this.taskTicks() - this.lastMark - pass.tickCpu;
    if (!(this.lastGap < QUIET_GAP_TICKS)) {
      this.quietCatchUps++;
      // Something ran unaccounted for: each skipped one is looked at, through schedstat where it can say.
      for (const t of deferred) {
        if (this.unmoved(t)) keepLast(t.last as RawProcess, pass.out);
        else this.readLast(t, pass);
      }
      return;
    }
    this.quietSkips += deferred.length;
    for (const t of deferred) keepLast(t.last as RawProcess, pass.out);
  }

  /** Reads a known process again (it may have vanished, or its pid be a new process now). */
  private readLast(t: Tracked, pass: ScanPass): void {
    const pid = (t.last as RawProcess).pid;
    this.readProcess(String(pid), pid, t, pass);
  }

  /** user + nice + system of /proc/stat (NaN when unreadable). */
  private taskTicks(): number {
    const n = this.file.readKept(this.statPath);
    return n >= 0 && parseCpuTotalTicks(this.file.buf, n, this.ticks) ? this.ticks.tasks : NaN;
  }

  /** Whether `t` stayed unchanged (for quiet skipping), and the CPU it used since the previous tick (for the gap). */
  private noteStill(t: Tracked, p: RawProcess, pass: ScanPass): void {
    const tick = pass.tick;
    const last = t.last;
    const cpu = p.utime + p.stime;
    const same = last !== null && last.utime + last.stime === cpu && last.rss === p.rss && last.state === p.state && last.threads === p.threads && last.ident === p.ident && last.name === p.name;
    if (!same) t.still = 0;
    else if (pass.peaks) t.still++;
    t.last = p;
    if (tick === 0) return;
    // Counted only when both readings lay between their tick's machine readings, so the window holds its interval.
    if (pass.late) {
      if (t.lateTick === tick - 1 && t.tickNo === tick - 1) pass.tickCpu += cpu - t.tickCpu;
      t.lateTick = tick;
    }
    t.tickCpu = cpu;
    t.tickNo = tick;
  }

  /** Closes every kept fd; the reader still works afterwards, through paths. */
  close(): void {
    for (const t of this.tracked.values()) this.dropFd(t);
    this.maxKeptFds = 0;
    this.file.close();
  }

  /** How many per-process stat fds are kept open. */
  get openFds(): number {
    return this.keptFds;
  }

  private dropFd(t: Tracked): void {
    this.closeFd(t.fd);
    t.fd = -1;
    this.closeFd(t.schedFd);
    t.schedFd = -1;
  }

  /**
   * For a burst scan, or a tick on a quiet process not due: whether the
   * single-threaded process `t` has not run since its run time was last read here; the run time read now is kept for next
   * time, before any stat read, so a stat read after it is never older. Its
   * stat would then show what `t.last` shows: utime+stime are scaled to that
   * run time, and RSS, faults, state, threads and comm change only when the
   * process itself runs (reclaim aside, which only lowers RSS). A schedstat
   * read costs about a third of a stat read, and nothing is parsed or built.
   * Only through a kept fd (one from the same budget as the stat fds, up to
   * half of it), so off procfs, where none is kept, it is always false.
   */
  private unmoved(t: Tracked): boolean {
    const last = t.last;
    if (last === null || last.threads !== 1) return false;
    if (t.schedFd < 0) {
      if (this.keptFds >= this.maxKeptFds / 2) return false;
      t.schedFd = this.file.open(`${this.root}/${last.pid}/schedstat`);
      if (t.schedFd < 0) return false;
      this.keptFds++;
    }
    const n = this.file.readAt(t.schedFd);
    // Gone (ESRCH) or no schedstat: the stat read settles it.
    const ns = n < 0 ? NaN : parseSchedRuntime(this.file.buf, n);
    const same = ns === t.runNs;
    t.runNs = ns;
    if (same) this.unmovedSkips++;
    return same;
  }

  /** Closes an fd this reader kept (-1: nothing to do). */
  private closeFd(fd: number): void {
    if (fd < 0) return;
    fs.closeSync(fd);
    this.keptFds--;
  }

  /**
   * cmdline and uid (+ VmHWM from the same status read), and with `cgroup` its memory cgroup;
   * null when the process vanished meanwhile.
   */
  private readIdentity(entry: string, kernelThread: boolean, cgroup = true): { ident: ProcIdentity; hwmKb: number } | null {
    // Kernel threads have an empty cmdline, uid 0 and no memory of their own: nothing to read.
    if (kernelThread) return { ident: { cmd: '', uid: 0, user: this.userName(0) }, hwmKb: 0 };
    let n = this.file.read(`${this.root}/${entry}/cmdline`);
    if (n < 0) return null;
    const cmd = parseCmdline(this.file.buf, n);
    n = this.file.read(`${this.root}/${entry}/status`);
    if (n < 0) return null;
    const { uid, hwmKb } = parseStatus(this.file.buf, n);
    if (!Number.isFinite(uid)) return null;
    const ident: ProcIdentity = { cmd, uid, user: this.userName(uid) };
    const path = cgroup ? this.readCgroup(entry) : null;
    if (path !== null) ident.cgroup = path;
    return { ident, hwmKb: Number.isFinite(hwmKb) ? hwmKb : 0 };
  }

  /** The process's memory cgroup path in the watched hierarchy; null when none is watched or it is unreadable. */
  private readCgroup(entry: string): string | null {
    if (this.cgroupVersion === null) return null;
    const text = this.file.text(`${this.root}/${entry}/cgroup`);
    if (text === null) return null;
    const paths = parseProcCgroup(text);
    return this.cgroupVersion === 1 ? paths.v1 : paths.v2;
  }

  /**
   * Re-reads cmdline and status (uid, and VmHWM from the same read); the cgroup only
   * after an exec or when not known yet, as a process moves between cgroups in
   * practice only before it execs. A new identity object only when something
   * changed, so snapshots keep sharing it. Returns VmHWM in bytes when it rose and
   * `peaks` asks for it.
   */
  private refreshIdentity(t: Tracked, entry: string, now: number, peaks: boolean, faults: number, exec: boolean): number | undefined {
    this.identityReads++;
    const fresh = this.readIdentity(entry, false, exec || t.ident.cgroup === undefined);
    if (!fresh) return undefined;
    const { uid, user } = fresh.ident;
    // An exiting process or a zombie has no command line left, nor a cgroup file: keep what it had.
    const cmd = fresh.ident.cmd === '' ? t.ident.cmd : fresh.ident.cmd;
    const cgroup = fresh.ident.cgroup ?? t.ident.cgroup;
    if (cmd !== t.ident.cmd || uid !== t.ident.uid || user !== t.ident.user || cgroup !== t.ident.cgroup) {
      t.ident = { cmd, uid, user };
      if (cgroup !== undefined) t.ident.cgroup = cgroup;
    }
    t.identAt = now;
    t.cpuAtIdent = t.cpuTicks;
    t.usersGen = this.usersGen;
    return peaks ? this.noteHwm(t, fresh.hwmKb, faults) : undefined;
  }

  /** Reads VmHWM; returns it in bytes when it rose since the last read (a peak between scans). */
  private checkHwm(t: Tracked, entry: string, faults: number): number | undefined {
    this.hwmReads++;
    const n = this.file.read(`${this.root}/${entry}/status`);
    if (n < 0) return undefined;
    return this.noteHwm(t, parseStatusHwmKb(this.file.buf, n), faults);
  }

  private noteHwm(t: Tracked, hwmKb: number, faults: number): number | undefined {
    t.faultsAtHwm = faults;
    if (!Number.isFinite(hwmKb) || hwmKb <= 0) return undefined;
    const rose = hwmKb > t.hwmKb;
    // A lower value means someone reset it via clear_refs; take it as the new reference.
    t.hwmKb = hwmKb;
    return rose ? hwmKb * 1024 : undefined;
  }

  /** Re-reads /etc/passwd when its mtime, size or inode changed (one stat per tick), so a new user gets its name. */
  private refreshUsers(): void {
    let stamp: string;
    try {
      const st = fs.statSync(this.passwdPath);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      stamp = 'none';
    }
    if (stamp === this.passwdStamp) return;
    this.passwdStamp = stamp;
    try {
      this.users = parsePasswd(fs.readFileSync(this.passwdPath, 'utf8'));
    } catch {
      this.users = new Map();
    }
    this.usersGen++;
  }

  /** The user name again after /etc/passwd changed (a user added or renamed). */
  private renameUser(t: Tracked): void {
    t.usersGen = this.usersGen;
    const user = this.userName(t.ident.uid);
    if (user !== t.ident.user) t.ident = { ...t.ident, user };
  }

  private userName(uid: number): string {
    return this.users.get(uid) ?? String(uid);
  }

  /** avg10 of each resource and, where the kernel gives them, its stall totals. */
  private readPressure(): Pressure {
    const out: Pressure = { cpu: null, memory: null, io: null };
    for (const resource of PRESSURE) {
      const path = this.pressurePaths.get(resource);
      if (path === undefined) continue;
      const text = this.file.text(path, true);
      const avg10 = text === null ? null : parsePressureSome(text);
      if (text === null || avg10 === null) {
        this.pressurePaths.delete(resource);
        continue;
      }
      out[resource] = avg10;
      const { some, full } = parsePressureTotals(text);
      if (some !== undefined) out[`${resource}SomeSeconds`] = some;
      if (full !== undefined) out[`${resource}FullSeconds`] = full;
    }
    return out;
  }

  private readNet(): RawNetCounters[] {
    const text = this.file.text(`${this.root}/net/dev`, true);
    if (text === null) return [];
    const net = parseNetDev(text);
    for (const n of net) {
      let virtual = this.virtualNet.get(n.name);
      if (virtual === undefined) {
        // A physical interface has a device behind it; veth, bridges, tunnels and docker0 have none.
        virtual = !fs.existsSync(`${this.sysRoot}/class/net/${n.name}/device`);
        this.virtualNet.set(n.name, virtual);
      }
      if (virtual) n.virtual = true;
    }
    // Forget interfaces that went away: a name may come back as another kind of device.
    if (this.virtualNet.size > net.length) {
      const present = new Set(net.map((n) => n.name));
      for (const name of this.virtualNet.keys()) if (!present.has(name)) this.virtualNet.delete(name);
    }
    return net;
  }

  private readDisks(): RawDiskCounters[] {
    const text = this.file.text(`${this.root}/diskstats`, true);
    return text === null ? [] : parseDiskstats(text);
  }

  /**
   * Page size from /proc/self: VmRSS (kB) over statm's resident pages, taken
   * between two equal statm readings so RSS did not move. 4096 when it can't
   * tell (a fixture root has no `self`).
   */
  private detectPageSize(): number {
    const resident = (): number => {
      const t = this.file.text(`${this.root}/self/statm`);
      return t === null ? NaN : Number(t.split(' ')[1]);
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = resident();
      const status = this.file.text(`${this.root}/self/status`);
      const after = resident();
      const rssKb = Number(/VmRSS:\s*(\d+)/.exec(status ?? '')?.[1]);
      if (!(before > 0) || !(rssKb > 0)) return 4096;
      if (before !== after) continue;
      const size = 2 ** Math.round(Math.log2((rssKb * 1024) / before));
      return size >= 4096 ? size : 4096;
    }
    return 4096;
  }
}

/** statfs magic of procfs. */
const PROC_SUPER_MAGIC = 0x9fa0;

function isProcfs(root: string): boolean {
  try {
    return fs.statfsSync(root).type === PROC_SUPER_MAGIC;
  } catch {
    return false;
  }
}

/**
 * How many stat fds to keep open: a quarter of the soft "Max open files"
 * (Node raises it to the hard limit at startup, often 524288), at most 16384,
 * so the rest of the program never runs short. Processes past the budget are
 * read through their paths.
 */
export function fdBudget(limits: string | null): number {
  const m = /^Max open files\s+(\S+)/m.exec(limits ?? '');
  const soft = m?.[1] === 'unlimited' ? Infinity : Number(m?.[1]);
  return Number.isNaN(soft) ? 256 : Math.min(16384, Math.floor(soft / 4));
}
