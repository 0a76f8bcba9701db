/**
 * The memory cgroup tmon watches: in a container, a systemd slice or a VPS,
 * its limit (not MemTotal) is what the OOM killer enforces and what "over
 * quota" means. Found from /proc/self/cgroup (or given with --cgroup), on
 * cgroup v2 or, where the memory controller is still there, v1. The effective
 * limit is the smallest one from the cgroup up to the hierarchy's root, since
 * a parent slice may carry it.
 */
import fs from 'node:fs';
import { UserError } from '../core/errors.js';
import { ProcFile } from './proc-file.js';
import type { RawCgroupMemory } from './raw.js';

/** v1 says "no limit" with the largest page-aligned signed 64-bit value (9223372036854771712); anything this high is none. */
const V1_NO_LIMIT = 2 ** 62;

/** statfs magics: files there regenerate on a read at offset 0, so their fds can be kept open. */
const CGROUP_SUPER_MAGIC = 0x27e0eb;
const CGROUP2_SUPER_MAGIC = 0x63677270;
const PROC_SUPER_MAGIC = 0x9fa0;

export interface CgroupLocation {
  version: 1 | 2;
  /** Where the hierarchy is mounted, e.g. /sys/fs/cgroup/memory (v1) or /sys/fs/cgroup (v2). */
  mount: string;
  /** The cgroup inside it as /proc/PID/cgroup names it: '/' or '/a/b'. */
  path: string;
}

export interface CgroupMemoryOptions {
  /** Where cgroupfs is mounted; tests point it at a fixture tree. Default '/sys/fs/cgroup'. */
  cgroupRoot?: string;
  /** Where procfs is mounted. Default '/proc'. */
  procRoot?: string;
  /** The cgroup to watch instead of tmon's own: its path as /proc/PID/cgroup shows it, or its directory. */
  cgroup?: string;
}

/** The memory cgroup paths in a /proc/PID/cgroup: v1's `N:…memory…:/path` line and v2's `0::/path`. Pure. */
export function parseProcCgroup(text: string): { v1: string | null; v2: string | null } {
  let v1: string | null = null;
  let v2: string | null = null;
  for (const line of text.split('\n')) {
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const controllers = line.slice(a + 1, b);
    // The path is everything after the second colon: a cgroup name may hold colons.
    const path = line.slice(b + 1);
    if (!path.startsWith('/')) continue;
    if (line.slice(0, a) === '0' && controllers === '') v2 = path;
    else if (controllers.split(',').includes('memory')) v1 = path;
  }
  return { v1, v2 };
}

/** Whether cgroup `path` is `scope` or beneath it (every path is within the root '/'); `prefix` is `scope/`, made once by a caller that asks for many. Pure. */
export function withinCgroup(path: string, scope: string, prefix = `${scope}/`): boolean {
  return scope === '/' || path === scope || path.startsWith(prefix);
}

/** The limiting level's path when a limit below the root applies: then which processes are in its subtree matters. Pure. */
export function limitingPath(cg: RawCgroupMemory | null | undefined): string | null {
  return cg && cg.path !== '/' ? cg.path : null;
}

/** `key value` lines (memory.stat, memory.events, memory.oom_control) → value of `key`, NaN when absent. Pure. */
export function keyedValue(text: string, key: string): number {
  const line = text.startsWith(`${key} `) ? 0 : text.indexOf(`\n${key} `) + 1;
  return line === 0 && !text.startsWith(`${key} `) ? NaN : parseInt(text.slice(line + key.length + 1), 10);
}

/** A limit file's value in bytes: Infinity for none (v2 `max`, v1's huge value) and for an unreadable file. Pure. */
export function parseLimit(text: string | null): number {
  if (text === null) return Infinity;
  const t = text.trim();
  if (t === 'max') return Infinity;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 && n < V1_NO_LIMIT ? n : Infinity;
}

/** The cgroup and its ancestors, itself first, the hierarchy's root last. Pure. */
export function cgroupLevels(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.' && p !== '..');
  const levels: string[] = [];
  for (let n = parts.length; n >= 0; n--) levels.push(`/${parts.slice(0, n).join('/')}`);
  return levels;
}

function exists(path: string): boolean {
  try {
    fs.accessSync(path);
    return true;
  } catch {
    return false;
  }
}

function readText(path: string): string | null {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function fsType(path: string): number {
  try {
    return fs.statfsSync(path).type;
  } catch {
    return 0;
  }
}

/** The v1 memory hierarchy and the v2 one (when it has the memory controller) under `root`. */
function mounts(root: string): { v1: string | null; v2: string | null } {
  const v1 = exists(`${root}/memory/memory.limit_in_bytes`) ? `${root}/memory` : null;
  // Pure v2 mounts at the root; a hybrid system mounts it at unified/ (usually without memory).
  const v2Mount = exists(`${root}/cgroup.controllers`) ? root : exists(`${root}/unified/cgroup.controllers`) ? `${root}/unified` : null;
  const controllers = v2Mount === null ? null : readText(`${v2Mount}/cgroup.controllers`);
  const v2 = controllers !== null && /(^|\s)memory(\s|$)/.test(controllers) ? v2Mount : null;
  return { v1, v2 };
}

/** The memory cgroup asked for is under none of the memory controllers' mounts. */
export class CgroupNotFoundError extends UserError {
  constructor(
    readonly cgroup: string,
    readonly root: string,
  ) {
    super(`no memory cgroup ${cgroup} under ${root}`);
    this.name = 'CgroupNotFoundError';
  }
}

/**
 * Where the memory cgroup to watch is: the one given, or tmon's own. Null when
 * there is no memory controller to read. A given cgroup that is not there is a
 * CgroupNotFoundError.
 */
export function locateMemoryCgroup(opts: CgroupMemoryOptions = {}): CgroupLocation | null {
  const root = opts.cgroupRoot ?? '/sys/fs/cgroup';
  const m = mounts(root);
  if (opts.cgroup !== undefined) {
    const given = opts.cgroup.replace(/\/+$/, '') || '/';
    for (const [version, mount] of [
      [1, m.v1],
      [2, m.v2],
    ] as const) {
      if (mount === null) continue;
      // A directory under the mount is accepted as well as the path /proc/PID/cgroup shows.
      const path = given === mount ? '/' : given.startsWith(`${mount}/`) ? given.slice(mount.length) : given;
      if (path.startsWith('/') && exists(`${mount}${path}`)) return { version, mount, path };
    }
    throw new CgroupNotFoundError(opts.cgroup, root);
  }
  const own = parseProcCgroup(readText(`${opts.procRoot ?? '/proc'}/self/cgroup`) ?? '');
  // In a container without a cgroup namespace the path names the host's view, while the
  // mount shows the container's own cgroup as its root.
  const inside = (mount: string, path: string): string => (exists(`${mount}${path}`) ? path : '/');
  if (m.v1 !== null && own.v1 !== null) return { version: 1, mount: m.v1, path: inside(m.v1, own.v1) };
  if (m.v2 !== null && own.v2 !== null) return { version: 2, mount: m.v2, path: inside(m.v2, own.v2) };
  return null;
}

/** File names per cgroup version. */
const FILES = {
  1: { limit: 'memory.limit_in_bytes', usage: 'memory.usage_in_bytes', inactive: 'total_inactive_file', file: 'total_cache' },
  2: { limit: 'memory.max', usage: 'memory.current', inactive: 'inactive_file', file: 'file' },
} as const;

/**
 * Reads the watched cgroup each tick: the limits up the hierarchy, then usage,
 * swap and the limit and OOM counters of the level that carries the smallest
 * limit. Files are read through kept fds on cgroupfs (one pread each), and the
 * fast watch reads just the usage between ticks.
 */
export class CgroupMemory {
  private readonly file: ProcFile;
  /** The watched cgroup and its ancestors as /proc/PID/cgroup names them, and their absolute directories. */
  private readonly paths: string[];
  private readonly levels: string[];
  /** The level carrying the limit at the last read; null when none applies. */
  private limiting: string | null = null;
  private inactiveFile = 0;

  constructor(readonly location: CgroupLocation) {
    const type = fsType(location.mount);
    this.file = new ProcFile(type === CGROUP_SUPER_MAGIC || type === CGROUP2_SUPER_MAGIC);
    this.paths = cgroupLevels(location.path);
    this.levels = this.paths.map((p) => (p === '/' ? location.mount : `${location.mount}${p}`));
  }

  /** The watched cgroup, or null when there is no memory controller. */
  static open(opts: CgroupMemoryOptions = {}): CgroupMemory | null {
    const where = locateMemoryCgroup(opts);
    return where === null ? null : new CgroupMemory(where);
  }

  /** This tick's reading; null when no level has a limit below `memTotal` (then RAM is the total, as without a cgroup). */
  read(memTotal: number): RawCgroupMemory | null {
    const v = this.location.version;
    const f = FILES[v];
    let limit = Infinity;
    let at = -1;
    for (let i = 0; i < this.levels.length; i++) {
      const value = parseLimit(this.text(`${this.levels[i] as string}/${f.limit}`));
      if (value < limit) {
        limit = value;
        at = i;
      }
    }
    this.limiting = at >= 0 && limit < memTotal ? (this.levels[at] as string) : null;
    if (this.limiting === null) return null;
    const dir = this.limiting;
    const usage = parseLimit(this.text(`${dir}/${f.usage}`));
    if (!Number.isFinite(usage)) {
      this.limiting = null;
      return null;
    }
    const stat = this.text(`${dir}/memory.stat`) ?? '';
    this.inactiveFile = orZero(keyedValue(stat, f.inactive));
    const out: RawCgroupMemory = {
      level: dir,
      path: this.paths[at] as string,
      limit,
      usage,
      inactiveFile: this.inactiveFile,
      file: orZero(keyedValue(stat, f.file)),
      swapLimit: Infinity,
      swapUsage: null,
      limitHits: 0,
      underOom: false,
      oomKills: 0,
    };
    if (v === 2) this.readV2(dir, out);
    else this.readV1(dir, out);
    return out;
  }

  /** The fast watch's reading: the limited cgroup's usage less its inactive file cache at the last tick; NaN when no limit applies. */
  probeUsed(): number {
    if (this.limiting === null) return NaN;
    const usage = parseLimit(this.text(`${this.limiting}/${FILES[this.location.version].usage}`));
    return Number.isFinite(usage) ? Math.max(0, usage - this.inactiveFile) : NaN;
  }

  close(): void {
    this.file.close();
  }

  private readV2(dir: string, out: RawCgroupMemory): void {
    out.swapLimit = parseLimit(this.text(`${dir}/memory.swap.max`));
    const swap = parseLimit(this.text(`${dir}/memory.swap.current`));
    out.swapUsage = Number.isFinite(swap) ? swap : null;
    // Hierarchical counts: the limiting level's include the watched cgroup's.
    const events = this.text(`${dir}/memory.events`) ?? '';
    // `max`: usage reached the limit and the kernel had to reclaim; `oom`: reclaim failed.
    out.limitHits = orZero(keyedValue(events, 'max')) + orZero(keyedValue(events, 'oom'));
    out.oomKills = orZero(keyedValue(events, 'oom_kill'));
  }

  private readV1(dir: string, out: RawCgroupMemory): void {
    const memsw = parseLimit(this.text(`${dir}/memory.memsw.limit_in_bytes`));
    out.swapLimit = Number.isFinite(memsw) ? Math.max(0, memsw - out.limit) : Infinity;
    const memswUsage = parseLimit(this.text(`${dir}/memory.memsw.usage_in_bytes`));
    out.swapUsage = Number.isFinite(memswUsage) ? Math.max(0, memswUsage - out.usage) : null;
    // With swap accounted, memory+swap is charged first: at equal limits it is memsw that fails.
    out.limitHits = this.count(`${dir}/memory.failcnt`) + this.count(`${dir}/memory.memsw.failcnt`);
    const control = this.text(`${dir}/memory.oom_control`) ?? '';
    out.underOom = keyedValue(control, 'under_oom') === 1;
    // v1 counts a kill only in the victim's own cgroup, not up the tree: add the watched one's.
    out.oomKills = orZero(keyedValue(control, 'oom_kill'));
    const watched = this.levels[0] as string;
    if (watched !== dir) out.oomKills += orZero(keyedValue(this.text(`${watched}/memory.oom_control`) ?? '', 'oom_kill'));
  }

  private text(path: string): string | null {
    return this.file.text(path, true);
  }

  /** A file holding one counter; 0 when absent. */
  private count(path: string): number {
    return orZero(Number(this.text(path)?.trim() ?? NaN));
  }
}

/** /proc/vmstat's oom_kill: the machine's OOM kills since boot, read through a kept fd. */
export class VmstatOomKills {
  private readonly file: ProcFile;
  private readonly path: string;

  constructor(procRoot = '/proc') {
    this.path = `${procRoot}/vmstat`;
    this.file = new ProcFile(fsType(procRoot) === PROC_SUPER_MAGIC);
  }

  /** Null when unreadable (a kernel before 4.13 has no oom_kill line). */
  read(): number | null {
    const n = keyedValue(this.file.text(this.path, true) ?? '', 'oom_kill');
    return Number.isFinite(n) ? n : null;
  }

  close(): void {
    this.file.close();
  }
}

function orZero(n: number): number {
  return Number.isFinite(n) ? n : 0;
}
