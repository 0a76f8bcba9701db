import type { ProcessStats } from '../core/sample.js';
import type { FieldSpec, NamedField } from '../core/field-table.js';
import { PROCESS_FIELDS, PROCESS_FIELD_LIST, asRecord, fromRecord, type ProcessRecord } from '../core/process-schema.js';
import { Q } from './quantise.js';
import type { ByteReader, ByteWriter } from './varint.js';

/**
 * Process records inside a sample body (sample-codec.ts), laid out from the
 * process schema (core/process-schema.ts).
 *
 * Format 3: a keyframe declares the group's process fields before its records,
 *   count, then per field: name (string), kind (uint: bits 0-1 int/string/boolean/flag,
 *   bit 2 optional, bit 3 changes stored as differences)
 * in the order the records and change masks use. A full record is
 *   pid gap (int), start time gap (int), bits (uint), then each present int or string field's value
 * where the bits hold, field by field in declared order, one presence bit per
 * optional field and one value bit per boolean or flag. A change is a mask
 * (bit i: declared field i) and the changed values in order: an int as itself
 * or its difference, an optional int as optionalOut, a string as a reference
 * (an optional one after a 0/1 presence uint), a boolean as 0 absent, 1 false,
 * 2 true; a flag flips and carries no value. A reader skips a field it does
 * not know by its declared kind and reads a field the group does not declare
 * as absent (0, '' or false when the schema requires it): a newer file with
 * more fields opens in an older tmon.
 *
 * Formats 1 and 2 had one fixed layout, read by the legacy functions at the end.
 */

/** The fields written per record: pid and start time, the process's key, are written as gaps first. */
export const RECORD_FIELDS: readonly NamedField[] = PROCESS_FIELD_LIST.filter((f) => f.name !== 'pid' && f.name !== 'startTime');
/** How the key's two numbers are stored: their table lines' quanta. */
const PID = Q[PROCESS_FIELDS.pid.quantum];
const START_TIME = Q[PROCESS_FIELDS.startTime.quantum];

/** A stored value: numbers as quantised integers, flags as true or undefined. */
type Value = number | string | boolean | undefined;

/** A process as stored: its key and its other fields' values, indexed like RECORD_FIELDS. */
export interface ProcState {
  pid: number;
  startTime: number;
  v: Value[];
}

const KIND = { int: 0, string: 1, boolean: 2, flag: 3 } as const;
type Kind = (typeof KIND)[keyof typeof KIND];
const OPTIONAL = 4;
const DELTA = 8;
/** Masks and record bits are 32-bit integers. */
const MAX_DECLARED_FIELDS = 31;
const MAX_FIELD_NAME_BYTES = 64;

function kindOf(f: FieldSpec): Kind {
  return f.type === 'number' ? KIND.int : KIND[f.type];
}

/** A field as a group declares it, with where it goes in this tmon's state (-1: unknown, skipped). */
interface DeclaredField {
  kind: Kind;
  optional: boolean;
  delta: boolean;
  target: number;
}

/** How the records of one group are laid out. */
export interface Layout {
  fields: DeclaredField[];
  /** The fewest bytes a full record takes. */
  minRecordBytes: number;
}

/** A record's bits are one varint read as a double: past 2^53 they would not be exact (ByteWriter.uint). */
const MAX_RECORD_BITS = 53;

function layoutOf(fields: DeclaredField[]): Layout {
  let bits = 0;
  for (const f of fields) bits += (f.optional ? 1 : 0) + (f.kind === KIND.boolean || f.kind === KIND.flag ? 1 : 0);
  if (bits > MAX_RECORD_BITS) throw new RangeError(`${bits} bits per process record: at most ${MAX_RECORD_BITS}`);
  const required = fields.filter((f) => !f.optional && (f.kind === KIND.int || f.kind === KIND.string)).length;
  return { fields, minRecordBytes: 3 + required };
}

/** Encodes processes as format 3 records of the given fields (the schema's; tests add one). */
export class RecordWriter {
  private readonly layout: Layout;
  /** Per field: reads it from a process and gives its stored value (one small function each keeps the reads fast). */
  private readonly store: ((r: Record<string, Value>) => Value)[];

  constructor(private readonly fields: readonly NamedField[] = RECORD_FIELDS) {
    this.store = fields.map(storeFn);
    if (fields.length > MAX_DECLARED_FIELDS) throw new RangeError(`more than ${MAX_DECLARED_FIELDS} process fields`);
    this.layout = layoutOf(fields.map((f, i) => ({ kind: kindOf(f), optional: f.optional && f.type !== 'flag', delta: f.type === 'number' && f.delta === true, target: i })));
  }

  state(p: ProcessStats): ProcState {
    const r = asRecord(p) as Record<string, Value>;
    const n = this.store.length;
    const v = new Array<Value>(n);
    for (let i = 0; i < n; i++) v[i] = (this.store[i] as (r: Record<string, Value>) => Value)(r);
    return { pid: PID.encode(p.pid), startTime: START_TIME.encode(p.startTime), v };
  }

  declare(w: ByteWriter): void {
    w.uint(this.fields.length);
    this.fields.forEach((f, i) => {
      const d = this.layout.fields[i] as DeclaredField;
      w.string(f.name);
      w.uint(d.kind | (d.optional ? OPTIONAL : 0) | (d.delta ? DELTA : 0));
    });
  }

  record(w: ByteWriter, s: ProcState, writeString: (s: string) => void): void {
    let bits = 0;
    let bit = 0;
    const fields = this.layout.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as DeclaredField;
      const x = s.v[i];
      // Up to two bits per field: arithmetic, not 32-bit operators.
      if (f.optional && x !== undefined) bits += 2 ** bit;
      if (f.optional) bit++;
      if (f.kind === KIND.boolean || f.kind === KIND.flag) {
        if (x === true) bits += 2 ** bit;
        bit++;
      }
    }
    w.uint(bits);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as DeclaredField;
      const x = s.v[i];
      if (x === undefined) continue;
      if (f.kind === KIND.int) w.int(x as number);
      else if (f.kind === KIND.string) writeString(x as string);
    }
  }

  /** Bit i set when field i differs. */
  changeMask(a: ProcState, b: ProcState): number {
    let m = 0;
    for (let i = 0; i < a.v.length; i++) if (a.v[i] !== b.v[i]) m |= 1 << i;
    return m >>> 0;
  }

  change(w: ByteWriter, mask: number, old: ProcState, cur: ProcState, writeString: (s: string) => void): void {
    w.uint(mask);
    const fields = this.layout.fields;
    for (let i = 0; i < fields.length; i++) {
      if (!(mask & (1 << i))) continue;
      const f = fields[i] as DeclaredField;
      const x = cur.v[i];
      if (f.kind === KIND.int) {
        if (f.optional) w.uint(optionalOut(x as number | undefined));
        else w.int(f.delta ? (x as number) - (old.v[i] as number) : (x as number));
      } else if (f.kind === KIND.string) {
        if (f.optional) w.uint(x === undefined ? 0 : 1);
        if (x !== undefined) writeString(x as string);
      } else if (f.kind === KIND.boolean) {
        w.uint(x === undefined ? 0 : x === true ? 2 : 1);
      }
    }
  }
}

/** Reads the field declaration of a format 3 keyframe. */
export function readDeclaration(r: ByteReader): Layout {
  const count = r.count(2);
  if (count > MAX_DECLARED_FIELDS) throw new RangeError(`more than ${MAX_DECLARED_FIELDS} process fields declared`);
  const fields: DeclaredField[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const name = r.string(MAX_FIELD_NAME_BYTES);
    const code = r.uint();
    if (seen.has(name)) throw new RangeError(`process field ${name} declared twice`);
    seen.add(name);
    const kind = (code & 3) as Kind;
    const optional = (code & OPTIONAL) !== 0;
    const target = RECORD_FIELDS.findIndex((f) => f.name === name);
    const known = target >= 0 && kindOf(RECORD_FIELDS[target] as FieldSpec) === kind;
    fields.push({ kind, optional: optional && kind !== KIND.flag, delta: (code & DELTA) !== 0, target: known ? target : -1 });
  }
  return layoutOf(fields);
}

/** Field value → stored value; a required field a source left out is written as its zero, so the record stays in step. */
function storeFn(f: NamedField): (r: Record<string, Value>) => Value {
  const { name } = f;
  const zero = f.optional ? undefined : zeroOf(f);
  if (f.type === 'number') {
    const q = Q[f.quantum];
    return (r) => {
      const x = r[name];
      return x === undefined ? zero : q.encode(x as number);
    };
  }
  if (f.type === 'flag') return (r) => (r[name] === true ? true : undefined);
  return (r) => r[name] ?? zero;
}

function zeroOf(f: FieldSpec): Value {
  return f.type === 'number' ? 0 : f.type === 'string' ? '' : f.type === 'boolean' ? false : undefined;
}

/** What a field reads as when a file does not hold it: absent, or zero when the schema requires it. */
function absent(at: number): Value {
  const f = RECORD_FIELDS[at] as NamedField;
  return f.optional ? undefined : zeroOf(f);
}

/** A record with no field read yet: each field absent; copied (slice) per record. */
const EMPTY: readonly Value[] = RECORD_FIELDS.map((_, i) => absent(i));

/** Reads one format 3 record's fields after its pid and start time. */
export function readRecordValues(r: ByteReader, layout: Layout, readString: () => string): Value[] {
  const v = EMPTY.slice();
  const bits = r.uint();
  const fields = layout.fields;
  // Bits and values both go in field order, so one walk reads both. The bits may
  // pass 32 (up to two per field): arithmetic, not 32-bit operators.
  let bit = 0;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as DeclaredField;
    const has = f.optional ? Math.floor(bits / 2 ** bit++) % 2 === 1 : true;
    if (f.kind === KIND.boolean || f.kind === KIND.flag) {
      const set = Math.floor(bits / 2 ** bit++) % 2 === 1;
      if (f.target >= 0 && has && (set || f.kind === KIND.boolean)) v[f.target] = set;
    } else if (has) {
      const x = f.kind === KIND.int ? r.int() : readString();
      if (f.target >= 0) v[f.target] = x;
    }
  }
  return v;
}

/** Applies one format 3 change (after its slot) to a copy of `old`'s values. */
export function readChange(r: ByteReader, layout: Layout, old: Value[], readString: () => string): Value[] {
  const v = [...old];
  const mask = r.uint();
  const fields = layout.fields;
  for (let i = 0; i < fields.length; i++) {
    if (!(mask & (1 << i))) continue;
    const f = fields[i] as DeclaredField;
    let x: Value;
    if (f.kind === KIND.int) {
      if (f.optional) x = optionalIn(r.uint());
      else {
        const n = r.int();
        x = f.delta && f.target >= 0 ? ((v[f.target] as number | undefined) ?? 0) + n : n;
      }
    } else if (f.kind === KIND.string) {
      x = !f.optional || r.uint() === 1 ? readString() : undefined;
    } else if (f.kind === KIND.boolean) {
      const b = r.uint();
      x = b === 0 ? undefined : b === 2;
    } else if (f.target >= 0) {
      x = v[f.target] === true ? undefined : true;
    }
    if (f.target >= 0) v[f.target] = x ?? absent(f.target);
  }
  return v;
}

/** Per record field: its name and how a stored value reads back. */
const READ_BACK = RECORD_FIELDS.map((f) => {
  const q = f.type === 'number' ? Q[f.quantum] : undefined;
  return { name: f.name as keyof ProcessRecord, decode: q ? (x: Value): Value => q.decode(x as number) : (x: Value): Value => x };
});

/** The process a stored state reads back as. */
export function toProcess(s: ProcState): ProcessStats {
  const p: ProcessRecord = { pid: PID.decode(s.pid), startTime: START_TIME.decode(s.startTime) };
  for (let i = 0; i < READ_BACK.length; i++) {
    const x = s.v[i];
    if (x === undefined) continue;
    const f = READ_BACK[i] as (typeof READ_BACK)[number];
    p[f.name] = f.decode(x) as number | string | boolean;
  }
  return fromRecord(p);
}

export function compareStates(a: ProcState, b: ProcState): number {
  return a.pid - b.pid || a.startTime - b.startTime;
}

export function optionalOut(v: number | undefined): number {
  return v === undefined ? 0 : (v >= 0 ? v * 2 : -v * 2 - 1) + 1;
}

export function optionalIn(z: number): number | undefined {
  if (z === 0) return undefined;
  const u = z - 1;
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

/* ---- Formats 1 and 2: one fixed layout, frozen. ---- */

/** The fewest bytes a format 1/2 record takes (13 one-byte fields). */
export const LEGACY_MIN_RECORD_BYTES = 13;

/** Flags of a format 1/2 record. */
const R = { kernelThread: 1, rssPeak: 2, childCpu: 4, exitedPresent: 8, exited: 16, outside: 32 } as const;

/** Bits of a format 1/2 change mask. */
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
  /** Flips `outside` and carries no value (added within format 2). */
  outside: 1 << 14,
} as const;

type LegacyName = keyof typeof F;

/** Where each format 1/2 field lives in a state. */
const AT = Object.fromEntries(
  (Object.keys(F) as LegacyName[]).map((name) => [name, RECORD_FIELDS.findIndex((f) => f.name === (name === 'mem' ? 'memPercent' : name))]),
) as Record<LegacyName, number>;

/** Reads one format 1/2 record's fields after its pid and start time. */
export function readLegacyRecordValues(r: ByteReader, pid: number, readString: () => string): Value[] {
  const v = EMPTY.slice();
  v[AT.ppid] = pid - r.int();
  const flags = r.uint();
  v[AT.uid] = r.int();
  v[AT.user] = readString();
  v[AT.name] = readString();
  v[AT.cmd] = readString();
  v[AT.state] = readString();
  v[AT.cpu] = r.int();
  v[AT.rss] = r.int();
  v[AT.mem] = r.int();
  v[AT.threads] = r.int();
  v[AT.kernelThread] = (flags & R.kernelThread) !== 0;
  if (flags & R.rssPeak) v[AT.rssPeak] = r.int();
  if (flags & R.childCpu) v[AT.childCpu] = r.int();
  if (flags & R.exitedPresent) v[AT.exited] = (flags & R.exited) !== 0;
  if (flags & R.outside) v[AT.outside] = true;
  return v;
}

/** Applies one format 1/2 change (after its slot) to a copy of `old`'s values. */
export function readLegacyChange(r: ByteReader, old: Value[], readString: () => string): Value[] {
  const v = [...old];
  const mask = r.uint();
  if (mask & F.cpu) v[AT.cpu] = r.int();
  if (mask & F.rss) v[AT.rss] = (v[AT.rss] as number) + r.int();
  if (mask & F.mem) v[AT.mem] = (v[AT.mem] as number) + r.int();
  if (mask & F.state) v[AT.state] = readString();
  if (mask & F.threads) v[AT.threads] = (v[AT.threads] as number) + r.int();
  if (mask & F.rssPeak) v[AT.rssPeak] = optionalIn(r.uint());
  if (mask & F.childCpu) v[AT.childCpu] = optionalIn(r.uint());
  if (mask & F.exited) {
    const e = r.uint();
    v[AT.exited] = e === 0 ? undefined : e === 2;
  }
  if (mask & F.ppid) v[AT.ppid] = r.int();
  if (mask & F.uid) v[AT.uid] = r.int();
  if (mask & F.user) v[AT.user] = readString();
  if (mask & F.name) v[AT.name] = readString();
  if (mask & F.cmd) v[AT.cmd] = readString();
  if (mask & F.kernelThread) v[AT.kernelThread] = r.uint() === 1;
  if (mask & F.outside) v[AT.outside] = v[AT.outside] === true ? undefined : true;
  return v;
}
