import {
  SAMPLE_VERSION,
  type CpuShare,
  type FilesystemStats,
  type HostFacts,
  type LoadAverage,
  type MemoryStats,
  type NetInterfaceStats,
  type ProcessStats,
  type Sample,
  type TaskCounts,
} from '../core/sample.js';
import type { ProbeResult } from '../core/probe.js';
import type { NamedField } from '../core/field-table.js';
import { CPU_SHARE_FIELDS, FILESYSTEM_FIELDS, LOAD_FIELDS, MEMORY_FIELDS, TASK_FIELDS } from '../core/sample-schema.js';
import { ByteReader, ByteWriter } from './varint.js';
import { Q, compareProcesses } from './quantise.js';
import { validHostFacts } from './record-format.js';
import {
  SYSTEM_OPTIONAL,
  declareSystemFields,
  optionalCount,
  optionalVector,
  readSystemDeclaration,
  setOptional,
  type DeclaredLine,
  type ShapeCounts,
  type SystemLine,
} from './system-fields.js';
import {
  LEGACY_MIN_RECORD_BYTES,
  RecordWriter,
  compareStates,
  optionalIn,
  readChange,
  readDeclaration,
  readLegacyChange,
  readLegacyRecordValues,
  readRecordValues,
  toProcess,
  type Layout,
  type ProcState,
} from './process-records.js';

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
 *                     bit3 optional system values follow the system vector (format 2 on),
 *                     bit4 the process fields are declared (every keyframe from format 3 on),
 *                     bit5 the optional system fields are declared (every keyframe from format 4 on),
 *                     bit6 the shape ends with probe targets (format 4 on)
 *   [bit4: process field declaration, process-records.ts]
 *   [bit5: optional system field declaration, system-fields.ts]
 *   [host JSON]
 *   [shape]           cores, net names, filesystem (mount, device, type), disk names,
 *                     [bit2: count + indices of the virtual net interfaces (format 2 on)]
 *                     [bit6: count + probe targets]
 *   [bit3 in a format 3 group: the number of optional memory fields, MEMORY_FIELDS' optional lines in order]
 *   system vector     int differences from the previous sample's vector (keyframe: from 0), laid out from
 *                     the tables of core/sample-schema.ts, each probe's up (0/1) last; with bit3 the optional values follow (optionalOut
 *                     each) and take part in the differences: format 4, each declared field's values in
 *                     declared order (a reader skips a field it does not know by its kind and the shape);
 *                     format 3, the counted memory fields; format 2, exactly three memory fields
 *   processes         keyframe: count + full records, sorted by pid
 *                     delta: exits (slot gaps), arrivals (full records), changes (slot gap, field mask, values)
 *                     records and changes are laid out as the group's declaration says (process-records.ts);
 *                     a group without one (formats 1 and 2) has the fixed layout of those formats
 */

const HAS_HOST = 1;
const HAS_SHAPE = 2;
const HAS_VIRTUAL_NET = 4;
/** Optional system values follow the system vector: the declared ones (format 4), or the optional memory fields (formats 2 and 3). */
const HAS_OPTIONAL = 8;
/** A keyframe declares its process fields before its records (format 3 on; process-records.ts). */
const HAS_PROCESS_FIELDS = 16;
/** A keyframe declares its optional system fields (format 4 on). */
const HAS_SYSTEM_FIELDS = 32;
/** The shape ends with the probe targets (format 4 on; a sample without probes leaves it out). */
const HAS_PROBES = 64;

/** The names that fix the layout of the system vector. */
interface Shape {
  cores: number;
  net: string[];
  /** Indices into `net` of the virtual interfaces (usually none). */
  virtualNet: number[];
  filesystems: [string, string, string][];
  disks: string[];
  /** Probe targets; each holds its `up` in the vector. */
  probes: string[];
}

function shapeOf(s: Sample): Shape {
  return {
    cores: s.cpu.cores.length,
    net: s.net.map((n) => n.name),
    virtualNet: s.net.flatMap((n, i) => (n.virtual === true ? [i] : [])),
    filesystems: s.filesystems.map((f) => [f.mount, f.device, f.fsType]),
    disks: s.disks.map((d) => d.device),
    probes: s.probes?.map((p) => p.target) ?? [],
  };
}

/** How many of each list a sample of this shape holds, for the optional system fields. */
function countsOf(shape: Shape): ShapeCounts {
  return { sample: 1, core: shape.cores, net: shape.net.length, filesystem: shape.filesystems.length, disk: shape.disks.length, probe: shape.probes.length };
}

/** A numeric table line. */
type NumberLine = Extract<NamedField, { type: 'number' }>;

/** A table's required numbers: a fixed run of the system vector, in table order. */
function requiredNumbers(list: readonly NamedField[]): readonly NumberLine[] {
  return list.filter((f): f is NumberLine => f.type === 'number' && !f.optional);
}

const SHARE = requiredNumbers(CPU_SHARE_FIELDS);
const LOAD = requiredNumbers(LOAD_FIELDS);
const MEMORY = requiredNumbers(MEMORY_FIELDS);
const TASKS = requiredNumbers(TASK_FIELDS);
const FILESYSTEM = requiredNumbers(FILESYSTEM_FIELDS);
/** The optional memory fields in table order: what formats 2 and 3 wrote after the vector. */
const MEMORY_OPTIONAL = (MEMORY_FIELDS as readonly NamedField[]).filter((f): f is NumberLine => f.type === 'number' && f.optional);
/** Format 2 wrote the tail without its length: the three fields it knew. */
const LEGACY_MEM_EXTRA_FIELDS = 3;
/** A longer format 3 tail is damage. */
const MAX_MEM_EXTRA_FIELDS = 64;

function pushFields(v: number[], fields: readonly NumberLine[], x: object): void {
  const r = x as Record<string, number>;
  for (const f of fields) v.push(Q[f.quantum].encode(r[f.name] as number));
}

function readFields<T>(fields: readonly NumberLine[], next: () => number): T {
  const out: Record<string, number> = {};
  for (const f of fields) out[f.name] = Q[f.quantum].decode(next());
  return out as T;
}

/** Every numeric system field of a sample as stored integers, in a fixed order. */
function systemVector(s: Sample): number[] {
  const v: number[] = [Q.ms.encode(s.intervalMs), Q.uptime.encode(s.uptime)];
  for (const share of [s.cpu.total, ...s.cpu.cores]) pushFields(v, SHARE, share);
  v.push(Q.cpu.encode(s.cpu.busyMin), Q.cpu.encode(s.cpu.busyMax));
  pushFields(v, LOAD, s.load);
  pushFields(v, MEMORY, s.memory);
  for (const x of [s.pressure.cpu, s.pressure.memory, s.pressure.io]) {
    v.push(x === null ? 0 : 1, x === null ? 0 : Q.percent.encode(x));
  }
  pushFields(v, TASKS, s.tasks);
  for (const n of s.net) v.push(Q.rate.encode(n.rxBytesPerSec), Q.rate.encode(n.txBytesPerSec));
  for (const f of s.filesystems) pushFields(v, FILESYSTEM, f);
  for (const d of s.disks) v.push(Q.rate.encode(d.readBytesPerSec), Q.rate.encode(d.writeBytesPerSec));
  for (const p of s.probes ?? []) v.push(p.up ? 1 : 0);
  return v;
}

/** Sets the optional memory fields of a format 2 or 3 tail; a format 3 file's further ones are skipped. */
function setMemExtra(m: Sample['memory'], tail: number[]): void {
  const r = m as unknown as Record<string, number>;
  MEMORY_OPTIONAL.forEach((f, i) => {
    const x = i < tail.length ? optionalIn(tail[i] as number) : undefined;
    if (x !== undefined) r[f.name] = Q[f.quantum].decode(x);
  });
}

function vectorLength(shape: Shape): number {
  const perCpu = SHARE.length * (1 + shape.cores) + 2;
  return (
    2 + perCpu + LOAD.length + MEMORY.length + 6 + TASKS.length + 2 * (shape.net.length + shape.disks.length) + FILESYSTEM.length * shape.filesystems.length + shape.probes.length
  );
}

/** The numbers of a filesystem entry the vector holds. */
type FilesystemNumbers = Pick<FilesystemStats, 'sizeBytes' | 'usedBytes'>;

/** The inverse of systemVector: a sample without host, time and processes. */
function fromVector(v: number[], shape: Shape): Omit<Sample, 'version' | 'time' | 'host' | 'processes'> {
  let i = 0;
  const next = (): number => v[i++] as number;
  const intervalMs = Q.ms.decode(next());
  const uptime = Q.uptime.decode(next());
  const share = (): CpuShare => readFields<CpuShare>(SHARE, next);
  const total = share();
  const cores = Array.from({ length: shape.cores }, share);
  const busyMin = Q.cpu.decode(next());
  const busyMax = Q.cpu.decode(next());
  const load = readFields<LoadAverage>(LOAD, next);
  const memory = readFields<MemoryStats>(MEMORY, next);
  const nullable = (): number | null => {
    const present = next();
    const value = next();
    return present === 0 ? null : Q.percent.decode(value);
  };
  const pressure = { cpu: nullable(), memory: nullable(), io: nullable() };
  const tasks = readFields<TaskCounts>(TASKS, next);
  const net = shape.net.map((name, i): NetInterfaceStats => {
    const n: NetInterfaceStats = { name, rxBytesPerSec: Q.rate.decode(next()), txBytesPerSec: Q.rate.decode(next()) };
    if (shape.virtualNet.includes(i)) n.virtual = true;
    return n;
  });
  const filesystems = shape.filesystems.map(([mount, device, fsType]): FilesystemStats => ({ mount, device, fsType, ...readFields<FilesystemNumbers>(FILESYSTEM, next) }));
  const disks = shape.disks.map((device) => ({
    device,
    readBytesPerSec: Q.rate.decode(next()),
    writeBytesPerSec: Q.rate.decode(next()),
  }));
  const probes = shape.probes.map((target): ProbeResult => ({ target, up: next() === 1 }));
  return { intervalMs, uptime, cpu: { total, cores, busyMin, busyMax }, load, memory, pressure, tasks, net, filesystems, disks, ...(probes.length > 0 ? { probes } : {}) };
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

interface EncoderSchema {
  /** Process fields after pid and start time (default: core/process-schema.ts). */
  processFields?: readonly NamedField[];
  /** Optional system fields, declared in this order (default: SYSTEM_OPTIONAL). */
  systemOptional?: readonly SystemLine[];
}

/** Encodes the samples of one group in order; `keyframe: true` starts a new group. */
export class SampleEncoder {
  private strings = new StringTableWriter();
  private prevVector: number[] = [];
  private prevShape = '';
  private hostJson: string;
  private slots = new Map<string, { slot: number; state: ProcState }>();
  private nextSlot = 0;
  private readonly records: RecordWriter;
  private readonly systemOptional: readonly SystemLine[];

  /** `schema`: the fields written, the tables' unless a test writes what a newer tmon would. */
  constructor(
    private readonly headerHost: HostFacts,
    schema: EncoderSchema = {},
  ) {
    this.hostJson = JSON.stringify(headerHost);
    this.records = new RecordWriter(schema.processFields);
    this.systemOptional = schema.systemOptional ?? SYSTEM_OPTIONAL;
  }

  encode(sample: Sample, keyframe: boolean): Buffer {
    if (keyframe) this.reset();
    const w = new ByteWriter();
    const hostJson = JSON.stringify(sample.host);
    const shape = shapeOf(sample);
    const shapeJson = JSON.stringify(shape);
    const withShape = keyframe || shapeJson !== this.prevShape;
    const optional = optionalVector(sample, this.systemOptional);
    const flags =
      (hostJson !== this.hostJson ? HAS_HOST : 0) |
      (withShape ? HAS_SHAPE : 0) |
      (withShape && shape.virtualNet.length > 0 ? HAS_VIRTUAL_NET : 0) |
      (withShape && shape.probes.length > 0 ? HAS_PROBES : 0) |
      (optional ? HAS_OPTIONAL : 0) |
      (keyframe ? HAS_PROCESS_FIELDS | HAS_SYSTEM_FIELDS : 0);
    w.uint(flags);
    if (keyframe) {
      this.records.declare(w);
      declareSystemFields(w, this.systemOptional);
    }
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
    const vector = optional ? [...systemVector(sample), ...optional] : systemVector(sample);
    for (let i = 0; i < vector.length; i++) w.int((vector[i] as number) - (prev[i] ?? 0));
    this.prevVector = vector;
    // One string writer for the whole body, not one closure per process record.
    const writeString = (str: string): void => this.strings.write(w, str);
    if (keyframe) this.writeKeyProcesses(w, sample.processes, writeString);
    else this.writeDeltaProcesses(w, sample.processes, writeString);
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
    if (shape.virtualNet.length > 0) {
      w.uint(shape.virtualNet.length);
      for (const i of shape.virtualNet) w.uint(i);
    }
    if (shape.probes.length === 0) return;
    w.uint(shape.probes.length);
    for (const p of shape.probes) this.strings.write(w, p);
  }

  /** Arrivals in pid order; pid and start time as gaps from the record before. */
  private writeRecords(w: ByteWriter, states: ProcState[], writeString: (s: string) => void): void {
    states.sort(compareStates);
    w.uint(states.length);
    let prevPid = 0;
    let prevStart = 0;
    for (const s of states) {
      w.int(s.pid - prevPid);
      w.int(s.startTime - prevStart);
      prevPid = s.pid;
      prevStart = s.startTime;
      this.records.record(w, s, writeString);
      this.slots.set(`${s.pid}@${s.startTime}`, { slot: this.nextSlot++, state: s });
    }
  }

  private writeKeyProcesses(w: ByteWriter, processes: ProcessStats[], writeString: (s: string) => void): void {
    this.writeRecords(w, this.uniqueStates(processes), writeString);
  }

  private writeDeltaProcesses(w: ByteWriter, processes: ProcessStats[], writeString: (s: string) => void): void {
    const current = new Map<string, ProcState>();
    for (const s of this.uniqueStates(processes)) current.set(`${s.pid}@${s.startTime}`, s);
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
      const mask = this.records.changeMask(known.state, cur);
      if (mask !== 0) changes.push({ slot: known.slot, mask, old: known.state, cur });
      known.state = cur;
    }
    this.writeRecords(w, arrivals, writeString);
    changes.sort((a, b) => a.slot - b.slot);
    w.uint(changes.length);
    prevSlot = -1;
    for (const c of changes) {
      w.uint(c.slot - prevSlot - 1);
      prevSlot = c.slot;
      this.records.change(w, c.mask, c.old, c.cur, writeString);
    }
  }

  /** A process listed twice under one identity is kept once (the last one wins), as it reads back. */
  private uniqueStates(processes: ProcessStats[]): ProcState[] {
    const byKey = new Map<string, ProcState>();
    for (const p of processes) {
      const s = this.records.state(p);
      byKey.set(`${s.pid}@${s.startTime}`, s);
    }
    return [...byKey.values()];
  }
}

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
  /** How this group's process records are laid out: declared by its keyframe (format 3), or the fixed layout of formats 1 and 2. */
  private layout: Layout | 'legacy' = 'legacy';
  /** The group's keyframe declared its process fields (format 3 on): a memory tail then carries its length. */
  private tagged = false;
  /** The optional system fields the group's keyframe declared (format 4 on); undefined in older groups. */
  private declared: DeclaredLine[] | undefined;

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
    if (flags & HAS_PROCESS_FIELDS) {
      if (!keyframe) throw new RangeError('process fields declared outside a keyframe');
      this.layout = readDeclaration(r);
      this.tagged = true;
    }
    if (flags & HAS_SYSTEM_FIELDS) {
      if (!keyframe) throw new RangeError('optional system fields declared outside a keyframe');
      this.declared = readSystemDeclaration(r);
    }
    if (flags & HAS_HOST) this.host = hostIn(r.string());
    let prev = this.prevVector;
    if (flags & HAS_SHAPE) {
      this.shape = this.readShape(r, (flags & HAS_VIRTUAL_NET) !== 0, (flags & HAS_PROBES) !== 0);
      prev = [];
    }
    const shape = this.shape as Shape;
    const base = vectorLength(shape);
    const n = base + (flags & HAS_OPTIONAL ? this.optionalLength(r, shape) : 0);
    // Each value takes a byte at least: a shape or declaration that says more is damage, refused before allocating.
    if (n > body.length) throw new RangeError(`${n} system values in a body of ${body.length} bytes`);
    const vector = new Array<number>(n);
    for (let i = 0; i < n; i++) vector[i] = r.int() + (prev[i] ?? 0);
    this.prevVector = vector;
    if (keyframe) this.readRecords(r);
    else this.readDelta(r);
    if (!r.done) throw new RangeError('trailing bytes after the sample');
    const processes = this.order.map((slot) => (this.slots[slot] as { obj: ProcessStats }).obj);
    const sample: Sample = { version: SAMPLE_VERSION, time, host: this.host, ...fromVector(vector, shape), processes };
    if (n > base) {
      const tail = vector.slice(base);
      if (this.declared) setOptional(sample, this.declared, countsOf(shape), tail);
      else setMemExtra(sample.memory, tail);
    }
    return sample;
  }

  /** Format 4: the declared fields' values; format 3 wrote the memory tail's length; format 2 wrote three without it. */
  private optionalLength(r: ByteReader, shape: Shape): number {
    if (this.declared) return optionalCount(this.declared, countsOf(shape));
    if (!this.tagged) return LEGACY_MEM_EXTRA_FIELDS;
    const n = r.uint();
    if (n > MAX_MEM_EXTRA_FIELDS) throw new RangeError(`${n} optional memory fields`);
    return n;
  }

  private reset(): void {
    this.strings = new StringTableReader();
    this.prevVector = [];
    this.shape = undefined;
    this.host = this.headerHost;
    this.slots = [];
    this.order = [];
    this.records = 0;
    this.layout = 'legacy';
    this.tagged = false;
    this.declared = undefined;
  }

  private readShape(r: ByteReader, withVirtualNet: boolean, withProbes: boolean): Shape {
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
    // Each probe holds its `up` in the vector: a byte at least.
    const probes = withProbes ? Array.from({ length: r.count() }, () => this.strings.read(r)) : [];
    return { cores, net, virtualNet, filesystems, disks, probes };
  }

  private readRecords(r: ByteReader): boolean {
    const layout = this.layout;
    const count = r.count(layout === 'legacy' ? LEGACY_MIN_RECORD_BYTES : layout.minRecordBytes);
    if (this.slots.length + count > MAX_PROCESS_SLOTS) throw new RangeError(`more than ${MAX_PROCESS_SLOTS} processes in one group`);
    this.addRecords(count);
    const readString = (): string => this.strings.read(r);
    let pid = 0;
    let startTime = 0;
    for (let i = 0; i < count; i++) {
      pid += r.int();
      startTime += r.int();
      const v = layout === 'legacy' ? readLegacyRecordValues(r, pid, readString) : readRecordValues(r, layout, readString);
      const s: ProcState = { pid, startTime, v };
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
    const readString = (): string => this.strings.read(r);
    slot = -1;
    for (let i = 0; i < changes; i++) {
      slot += r.uint() + 1;
      const entry = this.slots[slot];
      if (!entry) throw new RangeError(`change of unknown process slot ${slot}`);
      const old = entry.state;
      const v = this.layout === 'legacy' ? readLegacyChange(r, old.v, readString) : readChange(r, this.layout, old.v, readString);
      const s: ProcState = { pid: old.pid, startTime: old.startTime, v };
      this.slots[slot] = { state: s, obj: toProcess(s) };
    }
  }
}

