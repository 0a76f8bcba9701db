import { SAMPLE_VERSION, type CpuShare, type HostFacts, type NetInterfaceStats, type ProcessStats, type Sample } from '../core/sample.js';
import { ByteReader, ByteWriter } from './varint.js';
import { Q, compareProcesses } from './quantise.js';
import { validHostFacts } from './record-format.js';

/**
 * Samples ↔ bytes inside one keyframe group. The first sample of a group is a
 * keyframe (everything written out); each later one holds only what changed
 * since the sample before it: the numeric system fields as differences, and
 * processes as exits, arrivals (written in full) and changed fields. Encoder
 * and decoder keep the same state (string table, previous values, process
 * slots), reset at every keyframe, so one group decodes on its own.
 *
 * Body layout (all integers are varints, `int` zigzag, strings references
 * into the group's string table: 0 + literal for a new one, id + 1 after):
 *   flags             bit0 host facts follow (JSON), bit1 shape follows, bit2 the shape marks virtual interfaces,
 *                     bit3 the memory cgroup fields follow the system vector (format 2 on)
 *   [host JSON]
 *   [shape]           cores, net names, filesystem (mount, device, type), disk names,
 *                     [bit2: count + indices of the virtual net interfaces (format 2 on)]
 *   system vector     int differences from the previous sample's vector (keyframe: from 0)
 *   processes         keyframe: count + full records, sorted by pid
 *                     delta: exits (slot gaps), arrivals (full records), changes (slot gap, field mask, values)
 *                     (`outside`, a record flag and a mask bit with no value, came later within format 2:
 *                     a reader that does not know it reads the rest correctly)
 */

/** Quantised per-process fields as stored integers. */
interface ProcState {
  pid: number;
  startTime: number;
  ppid: number;
  uid: number;
  user: string;
  name: string;
  cmd: string;
  state: string;
  cpu: number;
  rss: number;
  mem: number;
  threads: number;
  kernelThread: boolean;
  rssPeak: number | undefined;
  childCpu: number | undefined;
  exited: boolean | undefined;
  outside: boolean;
}

/** Bits of the change mask of a process in a delta sample; frequent changes first so the mask stays one byte. */
const F = {
  cpu: 1 << 0,
  rss: 1 << 1,
  mem: 1 << 2,
  state: 1 << 3,
  threads: 1 << 4,
  rssPeak: 1 << 5,
  childCpu: 1 << 6,
  exited: 1 << 7,
  ppid: 1 << 8,
  uid: 1 << 9,
  user: 1 << 10,
  name: 1 << 11,
  cmd: 1 << 12,
  kernelThread: 1 << 13,
  /** Flips `outside`; it carries no value, so a reader that does not know it reads on correctly. */
  outside: 1 << 14,
} as const;

/** Flags of a full process record. */
const R = { kernelThread: 1, rssPeak: 2, childCpu: 4, exitedPresent: 8, exited: 16, outside: 32 } as const;

const HAS_HOST = 1;
const HAS_SHAPE = 2;
const HAS_VIRTUAL_NET = 4;
/** The memory cgroup fields follow the system vector (MEM_EXTRA_FIELDS more integers). */
const HAS_MEM_EXTRA = 8;

function procState(p: ProcessStats): ProcState {
  return {
    pid: Q.exact.encode(p.pid),
    startTime: Q.ms.encode(p.startTime),
    ppid: Q.exact.encode(p.ppid),
    uid: Q.exact.encode(p.uid),
    user: p.user,
    name: p.name,
    cmd: p.cmd,
    state: p.state,
    cpu: Q.cpu.encode(p.cpu),
    rss: Q.kib.encode(p.rss),
    mem: Q.percent.encode(p.memPercent),
    threads: Q.exact.encode(p.threads),
    kernelThread: p.kernelThread,
    rssPeak: p.rssPeak === undefined ? undefined : Q.kib.encode(p.rssPeak),
    childCpu: p.childCpu === undefined ? undefined : Q.cpu.encode(p.childCpu),
    exited: p.exited,
    outside: p.outside === true,
  };
}

function toProcess(s: ProcState): ProcessStats {
  const p: ProcessStats = {
    pid: s.pid,
    ppid: s.ppid,
    uid: s.uid,
    user: s.user,
    name: s.name,
    cmd: s.cmd,
    state: s.state,
    startTime: Q.ms.decode(s.startTime),
    cpu: Q.cpu.decode(s.cpu),
    rss: Q.kib.decode(s.rss),
    memPercent: Q.percent.decode(s.mem),
    threads: s.threads,
    kernelThread: s.kernelThread,
  };
  if (s.rssPeak !== undefined) p.rssPeak = Q.kib.decode(s.rssPeak);
  if (s.childCpu !== undefined) p.childCpu = Q.cpu.decode(s.childCpu);
  if (s.exited !== undefined) p.exited = s.exited;
  if (s.outside) p.outside = true;
  return p;
}

function compareStates(a: ProcState, b: ProcState): number {
  return a.pid - b.pid || a.startTime - b.startTime;
}

/** The names that fix the layout of the system vector. */
interface Shape {
  cores: number;
  net: string[];
  /** Indices into `net` of the virtual interfaces (usually none). */
  virtualNet: number[];
  filesystems: [string, string, string][];
  disks: string[];
}

function shapeOf(s: Sample): Shape {
  return {
    cores: s.cpu.cores.length,
    net: s.net.map((n) => n.name),
    virtualNet: s.net.flatMap((n, i) => (n.virtual === true ? [i] : [])),
    filesystems: s.filesystems.map((f) => [f.mount, f.device, f.fsType]),
    disks: s.disks.map((d) => d.device),
  };
}

const SHARE_FIELDS = ['user', 'system', 'iowait', 'steal', 'idle', 'busy'] as const;

/** Every numeric system field of a sample as stored integers, in a fixed order. */
function systemVector(s: Sample): number[] {
  const v: number[] = [Q.ms.encode(s.intervalMs), Q.uptime.encode(s.uptime)];
  for (const share of [s.cpu.total, ...s.cpu.cores]) for (const f of SHARE_FIELDS) v.push(Q.cpu.encode(share[f]));
  v.push(Q.cpu.encode(s.cpu.busyMin), Q.cpu.encode(s.cpu.busyMax));
  v.push(Q.load.encode(s.load.one), Q.load.encode(s.load.five), Q.load.encode(s.load.fifteen));
  const m = s.memory;
  for (const x of [m.total, m.used, m.available, m.free, m.cached, m.buffers, m.swapTotal, m.swapUsed, m.usedMin, m.usedMax]) {
    v.push(Q.kib.encode(x));
  }
  for (const x of [s.pressure.cpu, s.pressure.memory, s.pressure.io]) {
    v.push(x === null ? 0 : 1, x === null ? 0 : Q.percent.encode(x));
  }
  const t = s.tasks;
  for (const x of [t.total, t.running, t.sleeping, t.blocked, t.stopped, t.zombie, t.idle]) v.push(Q.exact.encode(x));
  for (const n of s.net) v.push(Q.rate.encode(n.rxBytesPerSec), Q.rate.encode(n.txBytesPerSec));
  for (const f of s.filesystems) v.push(Q.bytes.encode(f.sizeBytes), Q.bytes.encode(f.usedBytes));
  for (const d of s.disks) v.push(Q.rate.encode(d.readBytesPerSec), Q.rate.encode(d.writeBytesPerSec));
  return v;
}

const MEM_EXTRA_FIELDS = 3;

/** The optional memory fields (cgroup limit, OOM kills, limit hits) as stored integers, or null when none is set. */
function memExtraVector(m: Sample['memory']): number[] | null {
  if (m.limit === undefined && m.oomKills === undefined && m.limitHits === undefined) return null;
  return [optionalOut(m.limit === undefined ? undefined : Q.kib.encode(m.limit)), optionalOut(m.oomKills), optionalOut(m.limitHits)];
}

function setMemExtra(m: Sample['memory'], v: number[]): void {
  const limit = optionalIn(v[0] as number);
  const oomKills = optionalIn(v[1] as number);
  const limitHits = optionalIn(v[2] as number);
  if (limit !== undefined) m.limit = Q.kib.decode(limit);
  if (oomKills !== undefined) m.oomKills = oomKills;
  if (limitHits !== undefined) m.limitHits = limitHits;
}

function vectorLength(shape: Shape): number {
  return 2 + 6 * (1 + shape.cores) + 2 + 3 + 10 + 6 + 7 + 2 * shape.net.length + 2 * shape.filesystems.length + 2 * shape.disks.length;
}

/** The inverse of systemVector: a sample without host, time and processes. */
function fromVector(v: number[], shape: Shape): Omit<Sample, 'version' | 'time' | 'host' | 'processes'> {
  let i = 0;
  const next = (): number => v[i++] as number;
  const intervalMs = Q.ms.decode(next());
  const uptime = Q.uptime.decode(next());
  const share = (): CpuShare => ({
    user: Q.cpu.decode(next()),
    system: Q.cpu.decode(next()),
    iowait: Q.cpu.decode(next()),
    steal: Q.cpu.decode(next()),
    idle: Q.cpu.decode(next()),
    busy: Q.cpu.decode(next()),
  });
  const total = share();
  const cores = Array.from({ length: shape.cores }, share);
  const busyMin = Q.cpu.decode(next());
  const busyMax = Q.cpu.decode(next());
  const load = { one: Q.load.decode(next()), five: Q.load.decode(next()), fifteen: Q.load.decode(next()) };
  const kib = (): number => Q.kib.decode(next());
  const memory = {
    total: kib(),
    used: kib(),
    available: kib(),
    free: kib(),
    cached: kib(),
    buffers: kib(),
    swapTotal: kib(),
    swapUsed: kib(),
    usedMin: kib(),
    usedMax: kib(),
  };
  const nullable = (): number | null => {
    const present = next();
    const value = next();
    return present === 0 ? null : Q.percent.decode(value);
  };
  const pressure = { cpu: nullable(), memory: nullable(), io: nullable() };
  const tasks = { total: next(), running: next(), sleeping: next(), blocked: next(), stopped: next(), zombie: next(), idle: next() };
  const net = shape.net.map((name, i): NetInterfaceStats => {
    const n: NetInterfaceStats = { name, rxBytesPerSec: Q.rate.decode(next()), txBytesPerSec: Q.rate.decode(next()) };
    if (shape.virtualNet.includes(i)) n.virtual = true;
    return n;
  });
  const filesystems = shape.filesystems.map(([mount, device, fsType]) => ({
    mount,
    device,
    fsType,
    sizeBytes: Q.bytes.decode(next()),
    usedBytes: Q.bytes.decode(next()),
  }));
  const disks = shape.disks.map((device) => ({
    device,
    readBytesPerSec: Q.rate.decode(next()),
    writeBytesPerSec: Q.rate.decode(next()),
  }));
  return { intervalMs, uptime, cpu: { total, cores, busyMin, busyMax }, load, memory, pressure, tasks, net, filesystems, disks };
}

function optionalOut(v: number | undefined): number {
  return v === undefined ? 0 : (v >= 0 ? v * 2 : -v * 2 - 1) + 1;
}

function optionalIn(z: number): number | undefined {
  if (z === 0) return undefined;
  const u = z - 1;
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

function exitedOut(e: boolean | undefined): number {
  return e === undefined ? 0 : e ? 2 : 1;
}

function exitedIn(v: number): boolean | undefined {
  return v === 0 ? undefined : v === 2;
}

class StringTableWriter {
  private readonly ids = new Map<string, number>();

  write(w: ByteWriter, s: string): void {
    const id = this.ids.get(s);
    if (id !== undefined) {
      w.uint(id + 1);
      return;
    }
    w.uint(0);
    w.string(s);
    this.ids.set(s, this.ids.size);
  }
}

class StringTableReader {
  private readonly strings: string[] = [];

  read(r: ByteReader): string {
    const ref = r.uint();
    if (ref === 0) {
      const s = r.string();
      this.strings.push(s);
      return s;
    }
    const s = this.strings[ref - 1];
    if (s === undefined) throw new RangeError(`string reference ${ref} not in the table`);
    return s;
  }
}

/** Encodes the samples of one group in order; `keyframe: true` starts a new group. */
export class SampleEncoder {
  private strings = new StringTableWriter();
  private prevVector: number[] = [];
  private prevShape = '';
  private hostJson: string;
  private slots = new Map<string, { slot: number; state: ProcState }>();
  private nextSlot = 0;

  constructor(private readonly headerHost: HostFacts) {
    this.hostJson = JSON.stringify(headerHost);
  }

  encode(sample: Sample, keyframe: boolean): Buffer {
    if (keyframe) this.reset();
    const w = new ByteWriter();
    const hostJson = JSON.stringify(sample.host);
    const shape = shapeOf(sample);
    const shapeJson = JSON.stringify(shape);
    const withShape = keyframe || shapeJson !== this.prevShape;
    const memExtra = memExtraVector(sample.memory);
    const flags =
      (hostJson !== this.hostJson ? HAS_HOST : 0) |
      (withShape ? HAS_SHAPE : 0) |
      (withShape && shape.virtualNet.length > 0 ? HAS_VIRTUAL_NET : 0) |
      (memExtra ? HAS_MEM_EXTRA : 0);
    w.uint(flags);
    if (flags & HAS_HOST) {
      w.string(hostJson);
      this.hostJson = hostJson;
    }
    let prev = this.prevVector;
    if (flags & HAS_SHAPE) {
      this.writeShape(w, shape);
      this.prevShape = shapeJson;
      prev = [];
    }
    const vector = memExtra ? [...systemVector(sample), ...memExtra] : systemVector(sample);
    for (let i = 0; i < vector.length; i++) w.int((vector[i] as number) - (prev[i] ?? 0));
    this.prevVector = vector;
    if (keyframe) this.writeKeyProcesses(w, sample.processes);
    else this.writeDeltaProcesses(w, sample.processes);
    return w.toBuffer();
  }

  private reset(): void {
    this.strings = new StringTableWriter();
    this.prevVector = [];
    this.prevShape = '';
    this.hostJson = JSON.stringify(this.headerHost);
    this.slots = new Map();
    this.nextSlot = 0;
  }

  private writeShape(w: ByteWriter, shape: Shape): void {
    w.uint(shape.cores);
    w.uint(shape.net.length);
    for (const n of shape.net) this.strings.write(w, n);
    w.uint(shape.filesystems.length);
    for (const f of shape.filesystems) for (const s of f) this.strings.write(w, s);
    w.uint(shape.disks.length);
    for (const d of shape.disks) this.strings.write(w, d);
    if (shape.virtualNet.length === 0) return;
    w.uint(shape.virtualNet.length);
    for (const i of shape.virtualNet) w.uint(i);
  }

  /** Arrivals in pid order; pid and start time as gaps from the record before. */
  private writeRecords(w: ByteWriter, states: ProcState[]): void {
    states.sort(compareStates);
    w.uint(states.length);
    let prevPid = 0;
    let prevStart = 0;
    for (const s of states) {
      w.int(s.pid - prevPid);
      w.int(s.startTime - prevStart);
      prevPid = s.pid;
      prevStart = s.startTime;
      w.int(s.pid - s.ppid);
      w.uint(
        (s.kernelThread ? R.kernelThread : 0) |
          (s.rssPeak !== undefined ? R.rssPeak : 0) |
          (s.childCpu !== undefined ? R.childCpu : 0) |
          (s.exited !== undefined ? R.exitedPresent : 0) |
          (s.exited === true ? R.exited : 0) |
          (s.outside ? R.outside : 0),
      );
      w.int(s.uid);
      this.strings.write(w, s.user);
      this.strings.write(w, s.name);
      this.strings.write(w, s.cmd);
      this.strings.write(w, s.state);
      w.int(s.cpu);
      w.int(s.rss);
      w.int(s.mem);
      w.int(s.threads);
      if (s.rssPeak !== undefined) w.int(s.rssPeak);
      if (s.childCpu !== undefined) w.int(s.childCpu);
      this.slots.set(`${s.pid}@${s.startTime}`, { slot: this.nextSlot++, state: s });
    }
  }

  private writeKeyProcesses(w: ByteWriter, processes: ProcessStats[]): void {
    this.writeRecords(w, uniqueStates(processes));
  }

  private writeDeltaProcesses(w: ByteWriter, processes: ProcessStats[]): void {
    const current = new Map<string, ProcState>();
    for (const s of uniqueStates(processes)) current.set(`${s.pid}@${s.startTime}`, s);
    const gone: number[] = [];
    for (const [key, { slot }] of this.slots) {
      if (!current.has(key)) {
        gone.push(slot);
        this.slots.delete(key);
      }
    }
    gone.sort((a, b) => a - b);
    w.uint(gone.length);
    let prevSlot = -1;
    for (const slot of gone) {
      w.uint(slot - prevSlot - 1);
      prevSlot = slot;
    }
    const arrivals: ProcState[] = [];
    const changes: { slot: number; mask: number; old: ProcState; cur: ProcState }[] = [];
    for (const [key, cur] of current) {
      const known = this.slots.get(key);
      if (!known) {
        arrivals.push(cur);
        continue;
      }
      const mask = changeMask(known.state, cur);
      if (mask !== 0) changes.push({ slot: known.slot, mask, old: known.state, cur });
      known.state = cur;
    }
    this.writeRecords(w, arrivals);
    changes.sort((a, b) => a.slot - b.slot);
    w.uint(changes.length);
    prevSlot = -1;
    for (const c of changes) {
      w.uint(c.slot - prevSlot - 1);
      prevSlot = c.slot;
      this.writeChange(w, c.mask, c.old, c.cur);
    }
  }

  private writeChange(w: ByteWriter, mask: number, old: ProcState, cur: ProcState): void {
    w.uint(mask);
    if (mask & F.cpu) w.int(cur.cpu);
    if (mask & F.rss) w.int(cur.rss - old.rss);
    if (mask & F.mem) w.int(cur.mem - old.mem);
    if (mask & F.state) this.strings.write(w, cur.state);
    if (mask & F.threads) w.int(cur.threads - old.threads);
    if (mask & F.rssPeak) w.uint(optionalOut(cur.rssPeak));
    if (mask & F.childCpu) w.uint(optionalOut(cur.childCpu));
    if (mask & F.exited) w.uint(exitedOut(cur.exited));
    if (mask & F.ppid) w.int(cur.ppid);
    if (mask & F.uid) w.int(cur.uid);
    if (mask & F.user) this.strings.write(w, cur.user);
    if (mask & F.name) this.strings.write(w, cur.name);
    if (mask & F.cmd) this.strings.write(w, cur.cmd);
    if (mask & F.kernelThread) w.uint(cur.kernelThread ? 1 : 0);
  }
}

/** A process listed twice under one identity is kept once (the last one wins), as it reads back. */
function uniqueStates(processes: ProcessStats[]): ProcState[] {
  const byKey = new Map<string, ProcState>();
  for (const p of processes) {
    const s = procState(p);
    byKey.set(`${s.pid}@${s.startTime}`, s);
  }
  return [...byKey.values()];
}

function changeMask(a: ProcState, b: ProcState): number {
  let m = 0;
  if (a.cpu !== b.cpu) m |= F.cpu;
  if (a.rss !== b.rss) m |= F.rss;
  if (a.mem !== b.mem) m |= F.mem;
  if (a.state !== b.state) m |= F.state;
  if (a.threads !== b.threads) m |= F.threads;
  if (a.rssPeak !== b.rssPeak) m |= F.rssPeak;
  if (a.childCpu !== b.childCpu) m |= F.childCpu;
  if (a.exited !== b.exited) m |= F.exited;
  if (a.ppid !== b.ppid) m |= F.ppid;
  if (a.uid !== b.uid) m |= F.uid;
  if (a.user !== b.user) m |= F.user;
  if (a.name !== b.name) m |= F.name;
  if (a.cmd !== b.cmd) m |= F.cmd;
  if (a.outside !== b.outside) m |= F.outside;
  if (a.kernelThread !== b.kernelThread) m |= F.kernelThread;
  return m;
}

/** The fewest bytes a full process record takes (13 one-byte fields). */
const MIN_RECORD_BYTES = 13;
/** Processes one group may introduce: 100,000 running at once, plus those arriving in its minute. */
const MAX_PROCESS_SLOTS = 200_000;
/** Process records (arrivals and changes) one group may decode into objects: bounds a group's memory whatever its bodies say. */
const MAX_GROUP_RECORDS = 1_000_000;

/** Host facts carried by a sample (a host renamed while recording), checked like the header's. */
function hostIn(json: string): HostFacts {
  let x: unknown;
  try {
    x = JSON.parse(json);
  } catch {
    throw new RangeError('host facts are not JSON');
  }
  const host = validHostFacts(x);
  if (!host) throw new RangeError('host facts are malformed');
  return host;
}

/** Decodes the samples of one group in the order they were encoded. Throws RangeError on a malformed body. */
export class SampleDecoder {
  private strings = new StringTableReader();
  private prevVector: number[] = [];
  private shape: Shape | undefined;
  private host: HostFacts;
  /** Decoded process per slot; the object is reused while the process does not change. */
  private slots: ({ state: ProcState; obj: ProcessStats } | undefined)[] = [];
  private order: number[] = [];
  /** Process objects made since the keyframe. */
  private records = 0;

  constructor(private readonly headerHost: HostFacts) {
    this.host = headerHost;
  }

  private addRecords(n: number): void {
    this.records += n;
    if (this.records > MAX_GROUP_RECORDS) throw new RangeError(`more than ${MAX_GROUP_RECORDS} process records in one group`);
  }

  decode(body: Buffer, time: number, keyframe: boolean): Sample {
    if (keyframe) this.reset();
    else if (!this.shape) throw new RangeError('delta sample without a keyframe before it');
    const r = new ByteReader(body);
    const flags = r.uint();
    if (flags & HAS_HOST) this.host = hostIn(r.string());
    let prev = this.prevVector;
    if (flags & HAS_SHAPE) {
      this.shape = this.readShape(r, (flags & HAS_VIRTUAL_NET) !== 0);
      prev = [];
    }
    const shape = this.shape as Shape;
    const base = vectorLength(shape);
    const n = base + (flags & HAS_MEM_EXTRA ? MEM_EXTRA_FIELDS : 0);
    const vector = new Array<number>(n);
    for (let i = 0; i < n; i++) vector[i] = r.int() + (prev[i] ?? 0);
    this.prevVector = vector;
    if (keyframe) this.readRecords(r);
    else this.readDelta(r);
    if (!r.done) throw new RangeError('trailing bytes after the sample');
    const processes = this.order.map((slot) => (this.slots[slot] as { obj: ProcessStats }).obj);
    const system = fromVector(vector, shape);
    if (n > base) setMemExtra(system.memory, vector.slice(base));
    return { version: SAMPLE_VERSION, time, host: this.host, ...system, processes };
  }

  private reset(): void {
    this.strings = new StringTableReader();
    this.prevVector = [];
    this.shape = undefined;
    this.host = this.headerHost;
    this.slots = [];
    this.order = [];
    this.records = 0;
  }

  private readShape(r: ByteReader, withVirtualNet: boolean): Shape {
    // Each core takes six numbers of the system vector, each string reference at least a byte.
    const cores = r.count(6);
    const net = Array.from({ length: r.count() }, () => this.strings.read(r));
    const filesystems = Array.from({ length: r.count(3) }, (): [string, string, string] => [
      this.strings.read(r),
      this.strings.read(r),
      this.strings.read(r),
    ]);
    const disks = Array.from({ length: r.count() }, () => this.strings.read(r));
    const virtualNet: number[] = [];
    if (withVirtualNet) {
      const count = r.uint();
      if (count > net.length) throw new RangeError('more virtual interfaces than interfaces');
      for (let k = 0; k < count; k++) {
        const i = r.uint();
        if (i >= net.length) throw new RangeError('virtual interface index out of range');
        virtualNet.push(i);
      }
    }
    return { cores, net, virtualNet, filesystems, disks };
  }

  private readRecords(r: ByteReader): boolean {
    const count = r.count(MIN_RECORD_BYTES);
    if (this.slots.length + count > MAX_PROCESS_SLOTS) throw new RangeError(`more than ${MAX_PROCESS_SLOTS} processes in one group`);
    this.addRecords(count);
    let pid = 0;
    let startTime = 0;
    for (let i = 0; i < count; i++) {
      pid += r.int();
      startTime += r.int();
      const ppid = pid - r.int();
      const flags = r.uint();
      const uid = r.int();
      const user = this.strings.read(r);
      const name = this.strings.read(r);
      const cmd = this.strings.read(r);
      const state = this.strings.read(r);
      const s: ProcState = {
        pid,
        startTime,
        ppid,
        uid,
        user,
        name,
        cmd,
        state,
        cpu: r.int(),
        rss: r.int(),
        mem: r.int(),
        threads: r.int(),
        kernelThread: (flags & R.kernelThread) !== 0,
        rssPeak: flags & R.rssPeak ? r.int() : undefined,
        childCpu: flags & R.childCpu ? r.int() : undefined,
        exited: flags & R.exitedPresent ? (flags & R.exited) !== 0 : undefined,
        outside: (flags & R.outside) !== 0,
      };
      this.order.push(this.slots.length);
      this.slots.push({ state: s, obj: toProcess(s) });
    }
    return count > 0;
  }

  private readDelta(r: ByteReader): void {
    const goneCount = r.count();
    const gone = new Set<number>();
    let slot = -1;
    for (let i = 0; i < goneCount; i++) {
      slot += r.uint() + 1;
      if (!this.slots[slot]) throw new RangeError(`exit of unknown process slot ${slot}`);
      this.slots[slot] = undefined;
      gone.add(slot);
    }
    if (gone.size > 0) this.order = this.order.filter((s) => !gone.has(s));
    if (this.readRecords(r)) {
      this.order.sort((a, b) => compareProcesses((this.slots[a] as { obj: ProcessStats }).obj, (this.slots[b] as { obj: ProcessStats }).obj));
    }
    const changes = r.count(2);
    this.addRecords(changes);
    slot = -1;
    for (let i = 0; i < changes; i++) {
      slot += r.uint() + 1;
      const entry = this.slots[slot];
      if (!entry) throw new RangeError(`change of unknown process slot ${slot}`);
      const s = { ...entry.state };
      const mask = r.uint();
      if (mask & F.cpu) s.cpu = r.int();
      if (mask & F.rss) s.rss += r.int();
      if (mask & F.mem) s.mem += r.int();
      if (mask & F.state) s.state = this.strings.read(r);
      if (mask & F.threads) s.threads += r.int();
      if (mask & F.rssPeak) s.rssPeak = optionalIn(r.uint());
      if (mask & F.childCpu) s.childCpu = optionalIn(r.uint());
      if (mask & F.exited) s.exited = exitedIn(r.uint());
      if (mask & F.ppid) s.ppid = r.int();
      if (mask & F.uid) s.uid = r.int();
      if (mask & F.user) s.user = this.strings.read(r);
      if (mask & F.name) s.name = this.strings.read(r);
      if (mask & F.cmd) s.cmd = this.strings.read(r);
      if (mask & F.kernelThread) s.kernelThread = r.uint() === 1;
      if (mask & F.outside) s.outside = !s.outside;
      this.slots[slot] = { state: s, obj: toProcess(s) };
    }
  }
}

