import type { ProcessStats } from './sample.js';
import { fieldList, type FieldTable, type NamedField } from './field-table.js';

/**
 * The one description of a process record: every part that moves, checks or
 * stores a ProcessStats walks this table instead of naming fields — the wire
 * validator (protocol/wire-decode.ts), quantisation (store/quantise.ts) and
 * the recording codec with its change mask (store/process-records.ts), which
 * the in-memory histories encode with too (store/memory-timeline.ts). Adding a
 * per-process field is one line here plus its collector;
 * `FieldTable<ProcessStats>` fails to compile until the line and the
 * ProcessStats interface agree (name, type, optional).
 *
 * The order is the recording's order for a format 3 group (and its change
 * mask bits): values that change most often come first so the mask of a
 * typical change stays one byte. New fields go at the end.
 */

/** Longest command line a viewer keeps of one process (protocol/wire-decode.ts). */
export const MAX_CMD_CHARS = 1024;

export const PROCESS_FIELDS = {
  pid: { type: 'number', quantum: 'exact', unit: 'process id', optional: false, since: 1 },
  startTime: { type: 'number', quantum: 'ms', unit: 'ms since epoch', optional: false, since: 1 },
  cpu: { type: 'number', quantum: 'cpu', unit: '% of one core', optional: false, since: 1 },
  rss: { type: 'number', quantum: 'kib', unit: 'bytes', optional: false, since: 1, delta: true },
  memPercent: { type: 'number', quantum: 'percent', unit: '% of physical memory', optional: false, since: 1, delta: true },
  state: { type: 'string', unit: 'kernel state letter', optional: false, since: 1 },
  threads: { type: 'number', quantum: 'exact', unit: 'count', optional: false, since: 1, delta: true },
  rssPeak: { type: 'number', quantum: 'kib', unit: 'bytes', optional: true, since: 1 },
  childCpu: { type: 'number', quantum: 'cpu', unit: '% of one core', optional: true, since: 1 },
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
export const PROCESS_FIELD_LIST: readonly NamedField<ProcessStats>[] = fieldList<ProcessStats>(PROCESS_FIELDS);

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
