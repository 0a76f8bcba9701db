/**
 * Pure parsers for /proc files. The per-process and fast-watch ones work on
 * bytes (a reused buffer plus its valid length) so the hot path allocates no
 * strings; the once-per-tick system files are parsed as text.
 *
 * Buffers are reused, so bytes past `len` are stale: every search is bounded by `len`.
 */
import type { RawCpuTimes, RawDiskCounters, RawMemInfo, RawNetCounters, RawSystemStat } from './raw.js';

const SPACE = 0x20;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;

/** Position of the next unread byte; parsers share one to avoid returning pairs. */
interface Cursor {
  pos: number;
}

/** The hot parsers' cursor, reused so parsing a process allocates nothing. */
const hot: Cursor = { pos: 0 };

/** Reads a (possibly negative) decimal integer at c.pos and steps past the space or newline after it. NaN if none. */
function readInt(buf: Buffer, len: number, c: Cursor): number {
  let i = c.pos;
  let neg = false;
  if (i < len && buf[i] === MINUS) {
    neg = true;
    i++;
  }
  const start = i;
  let v = 0;
  for (; i < len; i++) {
    const d = (buf[i] as number) - 0x30;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  c.pos = i + 1;
  if (i === start) return NaN;
  return neg ? -v : v;
}

/** Steps past n space-separated fields. */
function skipFields(buf: Buffer, len: number, c: Cursor, n: number): void {
  let i = c.pos;
  while (n > 0 && i < len) {
    if (buf[i] === SPACE) n--;
    i++;
  }
  c.pos = i;
}

/** The fields of /proc/<pid>/stat a tick needs. Filled in place so a scan reuses one object. */
export interface PidStat {
  pid: number;
  /** comm is buf[commStart, commEnd): decoded only when it changed (see ProcReader). */
  commStart: number;
  commEnd: number;
  state: string;
  ppid: number;
  flags: number;
  faults: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  threads: number;
  startTicks: number;
  rssPages: number;
  /**
   * Address of the stack's start (field 28): set anew, at a random place (ASLR), by
   * every exec, so it tells an exec of the same binary. 0 where the reader may not
   * ptrace the process (another user's, without root), for kernel threads and zombies.
   */
  startStack: number;
}

export function emptyPidStat(): PidStat {
  return { pid: 0, commStart: 0, commEnd: 0, state: '', ppid: 0, flags: 0, faults: 0, utime: 0, stime: 0, cutime: 0, cstime: 0, threads: 0, startTicks: 0, rssPages: 0, startStack: 0 };
}

/** PF_KTHREAD in the flags field (9) of /proc/<pid>/stat. */
export const PF_KTHREAD = 0x00200000;

/**
 * Parses /proc/<pid>/stat: `pid (comm) state ppid …`. comm may hold spaces and
 * ')' (`a) b (c`), so the fields start after the LAST ')' in the line. Returns
 * false when the content is malformed (treated like a vanished process).
 */
export function parsePidStat(buf: Buffer, len: number, out: PidStat): boolean {
  const open = buf.indexOf(OPEN_PAREN);
  const close = len > 0 ? buf.lastIndexOf(CLOSE_PAREN, len - 1) : -1;
  if (open < 0 || open >= len || close < open || close + 4 > len) return false;
  const c = hot;
  c.pos = 0;
  out.pid = readInt(buf, open, c);
  out.commStart = open + 1;
  out.commEnd = close;
  out.state = String.fromCharCode(buf[close + 2] as number);
  c.pos = close + 4;
  out.ppid = readInt(buf, len, c); // 4
  skipFields(buf, len, c, 4); // pgrp session tty_nr tpgid
  out.flags = readInt(buf, len, c); // 9
  const minflt = readInt(buf, len, c); // 10
  skipFields(buf, len, c, 1); // cminflt
  const majflt = readInt(buf, len, c); // 12
  skipFields(buf, len, c, 1); // cmajflt
  out.utime = readInt(buf, len, c); // 14
  out.stime = readInt(buf, len, c);
  out.cutime = readInt(buf, len, c);
  out.cstime = readInt(buf, len, c); // 17
  skipFields(buf, len, c, 2); // priority nice
  out.threads = readInt(buf, len, c); // 20
  skipFields(buf, len, c, 1); // itrealvalue
  out.startTicks = readInt(buf, len, c); // 22
  skipFields(buf, len, c, 1); // vsize
  out.rssPages = readInt(buf, len, c); // 24
  skipFields(buf, len, c, 3); // rsslim startcode endcode
  // Missing on a truncated line: no exec signal, identity refreshes still run on their cadence.
  out.startStack = readInt(buf, len, c) || 0; // 28
  out.faults = minflt + majflt;
  return Number.isFinite(out.rssPages) && Number.isFinite(out.startTicks) && Number.isFinite(out.pid);
}

/**
 * /proc/<pid>/schedstat: the first field, the time in ns the process's main
 * thread has run (`se.sum_exec_runtime`, the figure stat's utime+stime are
 * scaled to). NaN when malformed. Past 2^53 ns (104 days of CPU) the value is
 * rounded, to a few ns for years of CPU: a thread that ran at all still changes it.
 * NaN for 0 too: a kernel that keeps no run times (sched_info off) writes `0 0 0`.
 */
export function parseSchedRuntime(buf: Buffer, len: number): number {
  hot.pos = 0;
  const ns = readInt(buf, len, hot);
  return ns > 0 ? ns : NaN;
}

/** Longest command line kept: a 100 KB java classpath helps nobody in a table or on the wire. */
export const MAX_CMD_LENGTH = 4096;

/** /proc/<pid>/cmdline: NUL-separated argv → one line. Empty for kernel threads and zombies. */
export function parseCmdline(buf: Buffer, len: number): string {
  let end = Math.min(len, MAX_CMD_LENGTH);
  while (end > 0 && buf[end - 1] === 0) end--;
  if (end === 0) return '';
  return buf.toString('utf8', 0, end).replace(/\0/g, ' ');
}

const UID_KEY = Buffer.from('\nUid:');
const HWM_KEY = Buffer.from('\nVmHWM:');

/** The integer after `key` (which starts with '\n'), skipping tabs and spaces; NaN when absent. */
function valueAfter(buf: Buffer, len: number, key: Buffer): number {
  const at = buf.indexOf(key);
  if (at < 0 || at + key.length >= len) return NaN;
  let i = at + key.length;
  while (i < len && (buf[i] === SPACE || buf[i] === 0x09)) i++;
  hot.pos = i;
  return readInt(buf, len, hot);
}

/** /proc/<pid>/status: real uid, and VmHWM in kB (NaN for kernel threads, which have no mm). */
export function parseStatus(buf: Buffer, len: number): { uid: number; hwmKb: number } {
  return { uid: valueAfter(buf, len, UID_KEY), hwmKb: valueAfter(buf, len, HWM_KEY) };
}

/** Only VmHWM, for the peak check on a process already known. */
export function parseStatusHwmKb(buf: Buffer, len: number): number {
  return valueAfter(buf, len, HWM_KEY);
}

function cpuTimesAt(buf: Buffer, len: number, c: Cursor): RawCpuTimes {
  return {
    user: readInt(buf, len, c),
    nice: readInt(buf, len, c),
    system: readInt(buf, len, c),
    idle: readInt(buf, len, c),
    // iowait..steal are missing on very old kernels: count them as 0.
    iowait: readInt(buf, len, c) || 0,
    irq: readInt(buf, len, c) || 0,
    softirq: readInt(buf, len, c) || 0,
    steal: readInt(buf, len, c) || 0,
  };
}

/**
 * Busy and total ticks of the first line of /proc/stat, for the fast watch, and
 * `tasks`: user + nice + system, the part processes' utime and stime add up to
 * (irq, softirq and steal are nobody's). No allocation.
 */
export function parseCpuTotalTicks(buf: Buffer, len: number, out: { busy: number; total: number; tasks?: number }): boolean {
  if (len < 5 || buf[0] !== 0x63 || buf[3] !== SPACE) return false; // "cpu "
  const c = hot;
  c.pos = 4;
  while (c.pos < len && buf[c.pos] === SPACE) c.pos++;
  let total = 0;
  let idle = 0;
  let tasks = 0;
  for (let f = 0; f < 8; f++) {
    if (c.pos >= len || buf[c.pos - 1] === NEWLINE) break;
    const v = readInt(buf, len, c);
    if (Number.isNaN(v)) break;
    total += v;
    if (f === 3 || f === 4) idle += v; // idle, iowait
    if (f < 3) tasks += v; // user, nice, system
  }
  out.busy = total - idle;
  out.tasks = tasks;
  out.total = total;
  return total > 0;
}

/**
 * /proc/stat: the cpu lines and btime. The intr line (kilobytes on big
 * machines) is skipped byte-wise without being decoded.
 */
export function parseSystemStat(buf: Buffer, len: number): RawSystemStat | null {
  let total: RawCpuTimes | null = null;
  const cores: RawCpuTimes[] = [];
  const coreIds: number[] = [];
  let btime = 0;
  const c: Cursor = { pos: 0 };
  let line = 0;
  while (line < len) {
    if (buf[line] === 0x63 && buf[line + 1] === 0x70 && buf[line + 2] === 0x75) {
      // "cpu" or "cpuN"
      if (buf[line + 3] === SPACE) {
        c.pos = line + 4;
        while (buf[c.pos] === SPACE) c.pos++;
        total = cpuTimesAt(buf, len, c);
      } else {
        c.pos = line + 3;
        coreIds.push(readInt(buf, len, c));
        cores.push(cpuTimesAt(buf, len, c));
      }
    } else if (buf[line] === 0x62 && buf.toString('latin1', line, line + 6) === 'btime ') {
      c.pos = line + 6;
      btime = readInt(buf, len, c);
    }
    const nl = buf.indexOf(NEWLINE, line);
    if (nl < 0 || nl >= len) break;
    line = nl + 1;
  }
  if (!total) return null;
  return { total, cores, coreIds, btime };
}

const MEM_TOTAL_KEY = Buffer.from('MemTotal:');
const MEM_AVAILABLE_KEY = Buffer.from('MemAvailable:');

/** Whether the line at `at` starts with `key`. */
function startsWith(buf: Buffer, len: number, at: number, key: Buffer): boolean {
  if (at + key.length > len) return false;
  for (let k = 0; k < key.length; k++) if (buf[at + k] !== key[k]) return false;
  return true;
}

/**
 * The number on the first line from `from` that starts with `key`, found by
 * walking line starts in JS: MemAvailable is the third line, so this touches
 * ~80 bytes and makes no native call. NaN when no line has it or it has no digits.
 */
function lineValue(buf: Buffer, len: number, key: Buffer, from: number): number {
  for (let i = from; i < len; i++) {
    if (startsWith(buf, len, i, key)) {
      hot.pos = skipBlanks(buf, len, i + key.length);
      return readInt(buf, len, hot);
    }
    while (i < len && buf[i] !== NEWLINE) i++;
  }
  return NaN;
}

/** MemTotal - MemAvailable in bytes for the fast watch; NaN when the kernel lacks MemAvailable (< 3.14). */
export function parseMemUsed(buf: Buffer, len: number): number {
  if (!startsWith(buf, len, 0, MEM_TOTAL_KEY)) return NaN;
  hot.pos = skipBlanks(buf, len, MEM_TOTAL_KEY.length);
  const total = readInt(buf, len, hot);
  const available = lineValue(buf, len, MEM_AVAILABLE_KEY, hot.pos);
  return (total - available) * 1024;
}

function skipBlanks(buf: Buffer, len: number, i: number): number {
  while (i < len && buf[i] === SPACE) i++;
  return i;
}

/** /proc/meminfo → bytes. */
export function parseMeminfo(text: string): RawMemInfo {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) kb.set(line.slice(0, colon), parseInt(line.slice(colon + 1), 10));
  }
  const get = (key: string): number => (kb.get(key) ?? 0) * 1024;
  const free = get('MemFree');
  const buffers = get('Buffers');
  const cached = get('Cached') + get('SReclaimable');
  return {
    total: get('MemTotal'),
    free,
    // Kernels before 3.14 have no MemAvailable; free + buffers + cache is what they would have said.
    available: kb.has('MemAvailable') ? get('MemAvailable') : free + buffers + cached,
    buffers,
    cached,
    swapTotal: get('SwapTotal'),
    swapFree: get('SwapFree'),
  };
}

export function parseLoadavg(text: string): { one: number; five: number; fifteen: number } {
  const [one = 0, five = 0, fifteen = 0] = text.split(' ', 3).map(Number);
  return { one, five, fifteen };
}

/** /proc/net/dev: every interface but loopback, whose traffic never leaves the machine. */
export function parseNetDev(text: string): RawNetCounters[] {
  const out: RawNetCounters[] = [];
  const lines = text.split('\n');
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === 'lo') continue;
    const f = line.slice(colon + 1).trim().split(/\s+/);
    out.push({ name, rxBytes: Number(f[0]), txBytes: Number(f[8]) });
  }
  return out;
}

/**
 * Devices that are not disks (loop, ram, zram) or stack on top of disks
 * (dm-*, md*) and would count the same bytes twice.
 */
const VIRTUAL_DISK = /^(loop|ram|zram|dm-|md)\d*/;

/**
 * /proc/diskstats: whole disks only. A partition is recognised without a name
 * table: another device's name plus a number (`sda` → `sda1`) or `p` and a
 * number (`nvme0n1` → `nvme0n1p2`, `mmcblk0` → `mmcblk0p1`).
 */
export function parseDiskstats(text: string): RawDiskCounters[] {
  const rows: { name: string; read: number; written: number }[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const name = f[2] as string;
    if (VIRTUAL_DISK.test(name)) continue;
    rows.push({ name, read: Number(f[5]), written: Number(f[9]) });
  }
  const names = new Set(rows.map((r) => r.name));
  const isPartition = (name: string): boolean => {
    const base = name.replace(/\d+$/, '');
    if (base === name || base === '') return false;
    // sda1 → sda, sdp1 → sdp, nvme0n1p2 → nvme0n1; vda is not a partition of a "vd".
    return names.has(base) || (base.endsWith('p') && names.has(base.slice(0, -1)));
  };
  return rows.filter((r) => !isPartition(r.name)).map((r) => ({ name: r.name, sectorsRead: r.read, sectorsWritten: r.written }));
}

/** `some avg10=1.23 avg60=…` → 1.23; null when the line is missing. */
export function parsePressureSome(text: string): number | null {
  const m = /^some avg10=([\d.]+)/m.exec(text);
  return m ? Number(m[1]) : null;
}

/** The `total=` of the `some` and `full` lines (µs since boot) in seconds; a line that is missing (`full` of cpu before Linux 5.13) is absent. */
export function parsePressureTotals(text: string): { some?: number; full?: number } {
  const out: { some?: number; full?: number } = {};
  for (const m of text.matchAll(/^(some|full) .*\btotal=(\d+)/gm)) out[m[1] as 'some' | 'full'] = Number(m[2]) / 1e6;
  return out;
}

/** Filesystem types that hold no user data: kernel interfaces, memory-backed and layered views. */
const PSEUDO_FS = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'ramfs', 'cgroup', 'cgroup2', 'securityfs', 'debugfs',
  'tracefs', 'pstore', 'bpf', 'mqueue', 'hugetlbfs', 'configfs', 'fusectl', 'autofs', 'binfmt_misc',
  'rpc_pipefs', 'nsfs', 'efivarfs', 'selinuxfs', 'overlay', 'aufs', 'squashfs', 'iso9660', 'nfsd',
  'fuse.lxcfs', 'fuse.gvfsd-fuse', 'fuse.portal', 'fuse.snapfuse',
]);

export interface MountEntry {
  device: string;
  mount: string;
  fsType: string;
}

/**
 * /proc/mounts → real filesystems, each device once: bind mounts repeat a
 * device (a container's /etc/hosts), and the shortest mount path names it best.
 */
export function parseMounts(text: string): MountEntry[] {
  const byDevice = new Map<string, MountEntry>();
  for (const line of text.split('\n')) {
    const [device, rawMount, fsType] = line.split(' ');
    if (!device || !rawMount || !fsType || PSEUDO_FS.has(fsType)) continue;
    const mount = unescapeMount(rawMount);
    const known = byDevice.get(device);
    if (!known || mount.length < known.mount.length) byDevice.set(device, { device: unescapeMount(device), mount, fsType });
  }
  return [...byDevice.values()];
}

/** The kernel writes space, tab, newline and backslash in mount paths as octal escapes (`\040`). */
function unescapeMount(s: string): string {
  return s.includes('\\') ? s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))) : s;
}

/** /etc/passwd → uid → user name. */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    const uid = Number(f[2]);
    if (f[0] && f.length >= 3 && Number.isInteger(uid) && !users.has(uid)) users.set(uid, f[0]);
  }
  return users;
}

/** /etc/os-release → PRETTY_NAME (or NAME VERSION), e.g. "Debian GNU/Linux 12 (bookworm)". */
export function parseOsRelease(text: string): string | null {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) vars.set(m[1] as string, (m[2] as string).replace(/^["']|["']$/g, ''));
  }
  const pretty = vars.get('PRETTY_NAME');
  if (pretty) return pretty;
  const name = vars.get('NAME');
  return name ? [name, vars.get('VERSION')].filter(Boolean).join(' ') : null;
}
