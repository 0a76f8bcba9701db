import type { ProcessStats } from './sample.js';

/**
 * The one description of a process record: every part that moves, checks or
 * stores a ProcessStats walks this table instead of naming fields — the wire
 * validator (protocol/wire-decode.ts), quantisation (store/quantise.ts),
 * in-memory packing (core/process-pack.ts) and the recording codec with its
 * change mask (store/sample-codec.ts). Adding a per-process field is one line
 * here plus its collector; `ProcessFieldTable` below fails to compile until
 * the line and the ProcessStats interface agree (name, type, optional).
 *
 * The order is the recording's order for a format 3 group (and its change
 * mask bits): values that change most often come first so the mask of a
 * typical change stays one byte. New fields go at the end.
 */

/** How finely a number is kept in a recording; the steps are in store/quantise.ts. */
export type QuantumName = 'exact' | 'ms' | 'uptime' | 'cpu' | 'percent' | 'load' | 'kib' | 'rate' | 'bytes';

interface FieldCommon {
  /** What a value means: a unit for numbers, a short description otherwise. */
  unit: string;
  /** Absent (undefined) when not known or not applicable. */
  optional: boolean;
  /** The recording format that first stored it; older files read it as absent. */
  since: number;
}

export interface NumberField extends FieldCommon {
  type: 'number';
  quantum: QuantumName;
  /**
   * A usage figure that moves from sample to sample: packed per sample, while
   * everything else of a process is kept once per process (core/process-pack.ts).
   */
  varies?: true;
  /** A recording stores its change as the difference from the previous value (levels that move slowly). */
  delta?: true;
}

export interface StringField extends FieldCommon {
  type: 'string';
  /** Longer values are cut on the wire (default MAX_STRING_CHARS). */
  maxChars?: number;
}

export interface BooleanField extends FieldCommon {
  type: 'boolean';
}

/** True or absent, never false. */
export interface FlagField extends FieldCommon {
  type: 'flag';
  optional: true;
}

export type FieldSpec = NumberField | StringField | BooleanField | FlagField;

type IsOptional<T, K extends keyof T> = object extends Pick<T, K> ? true : false;

/** The spec a field of type V (optional or not) must have. */
type SpecFor<V, Optional extends boolean> = [V] extends [true]
  ? FlagField
  : [V] extends [boolean]
    ? BooleanField & { optional: Optional }
    : [V] extends [number]
      ? NumberField & { optional: Optional }
      : [V] extends [string]
        ? StringField & { optional: Optional }
        : never;

/** A table for T: one spec per field of T, of the field's type and optionality; no other fields. */
export type FieldTable<T> = { readonly [K in keyof T]-?: SpecFor<Exclude<T[K], undefined>, IsOptional<T, K>> };

/** Longest command line a viewer keeps of one process (protocol/wire-decode.ts). */
export const MAX_CMD_CHARS = 1024;

export const PROCESS_FIELDS = {
  pid: { type: 'number', quantum: 'exact', unit: 'process id', optional: false, since: 1 },
  startTime: { type: 'number', quantum: 'ms', unit: 'ms since epoch', optional: false, since: 1 },
  cpu: { type: 'number', quantum: 'cpu', unit: '% of one core', optional: false, since: 1, varies: true },
  rss: { type: 'number', quantum: 'kib', unit: 'bytes', optional: false, since: 1, varies: true, delta: true },
  memPercent: { type: 'number', quantum: 'percent', unit: '% of physical memory', optional: false, since: 1, varies: true, delta: true },
  state: { type: 'string', unit: 'kernel state letter', optional: false, since: 1 },
  threads: { type: 'number', quantum: 'exact', unit: 'count', optional: false, since: 1, varies: true, delta: true },
  rssPeak: { type: 'number', quantum: 'kib', unit: 'bytes', optional: true, since: 1, varies: true },
  childCpu: { type: 'number', quantum: 'cpu', unit: '% of one core', optional: true, since: 1, varies: true },
  exited: { type: 'boolean', unit: 'gone at the tick', optional: true, since: 1 },
  ppid: { type: 'number', quantum: 'exact', unit: 'process id', optional: false, since: 1 },
  uid: { type: 'number', quantum: 'exact', unit: 'user id', optional: false, since: 1 },
  user: { type: 'string', unit: 'user name', optional: false, since: 1 },
  name: { type: 'string', unit: 'comm', optional: false, since: 1 },
  cmd: { type: 'string', unit: 'command line', optional: false, since: 1, maxChars: MAX_CMD_CHARS },
  kernelThread: { type: 'boolean', unit: 'kernel thread', optional: false, since: 1 },
  outside: { type: 'flag', unit: 'outside the limiting memory cgroup', optional: true, since: 2 },
} as const satisfies FieldTable<ProcessStats>;

export type ProcessFieldName = keyof ProcessStats;

/** The fields in table order, with their names. */
export const PROCESS_FIELD_LIST: readonly (FieldSpec & { name: ProcessFieldName })[] = (
  Object.entries(PROCESS_FIELDS) as [ProcessFieldName, FieldSpec][]
).map(([name, spec]) => ({ ...spec, name }));

/** A process as a map from field name to value: what the table-driven code reads and builds. */
export type ProcessRecord = Partial<Record<ProcessFieldName, number | string | boolean>>;

/** Views a process as a record of its fields (no copy). */
export function asRecord(p: ProcessStats): ProcessRecord {
  return p as unknown as ProcessRecord;
}

/** Takes a record built field by field from the table as the process it describes. */
export function fromRecord(r: ProcessRecord): ProcessStats {
  return r as unknown as ProcessStats;
}
