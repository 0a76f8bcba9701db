import type { CpuShare, FilesystemStats, LoadAverage, MemoryStats, PressureTotals, TaskCounts } from './sample.js';
import { fieldList, type FieldTable, type NamedField } from './field-table.js';
import { PROBE_FIELDS } from './probe-schema.js';

/**
 * Field tables of the Sample's system records (see core/field-table.ts).
 * The wire validator, quantisation and the recording's system vector walk
 * them in this order; a new field goes at the end of its table. Required
 * numbers belong to the positional system vector of every format, so a new
 * field must be optional: from format 4 a recording's keyframe declares the
 * optional numbers of SYSTEM_RECORDS by name and each sample carries their
 * values after the vector, so a reader skips a field it does not know.
 */

export const CPU_SHARE_FIELDS = fieldList<CpuShare>({
  user: { type: 'number', quantum: 'cpu', unit: '% (user + nice)', optional: false, since: 1 },
  system: { type: 'number', quantum: 'cpu', unit: '% (system + irq + softirq)', optional: false, since: 1 },
  iowait: { type: 'number', quantum: 'cpu', unit: '%', optional: false, since: 1 },
  steal: { type: 'number', quantum: 'cpu', unit: '%', optional: false, since: 1 },
  idle: { type: 'number', quantum: 'cpu', unit: '%', optional: false, since: 1 },
  busy: { type: 'number', quantum: 'cpu', unit: '%', optional: false, since: 1 },
} as const satisfies FieldTable<CpuShare>);

export const LOAD_FIELDS = fieldList<LoadAverage>({
  one: { type: 'number', quantum: 'load', unit: 'runnable tasks, 1 min', optional: false, since: 1 },
  five: { type: 'number', quantum: 'load', unit: 'runnable tasks, 5 min', optional: false, since: 1 },
  fifteen: { type: 'number', quantum: 'load', unit: 'runnable tasks, 15 min', optional: false, since: 1 },
} as const satisfies FieldTable<LoadAverage>);

export const MEMORY_FIELDS = fieldList<MemoryStats>({
  total: { type: 'number', quantum: 'kib', unit: 'bytes', optional: false, since: 1 },
  used: { type: 'number', quantum: 'kib', unit: 'bytes', optional: false, since: 1 },
  available: { type: 'number', quantum: 'kib', unit: 'bytes', optional: false, since: 1 },
  free: { type: 'number', quantum: 'kib', unit: 'bytes', optional: false, since: 1 },
  cached: { type: 'number', quantum: 'kib', unit: 'bytes', optional: false, since: 1 },
  buffers: { type: 'number', quantum: 'kib', unit: 'bytes', optional: false, since: 1 },
  swapTotal: { type: 'number', quantum: 'kib', unit: 'bytes', optional: false, since: 1 },
  swapUsed: { type: 'number', quantum: 'kib', unit: 'bytes', optional: false, since: 1 },
  usedMin: { type: 'number', quantum: 'kib', unit: 'bytes', optional: false, since: 1 },
  usedMax: { type: 'number', quantum: 'kib', unit: 'bytes', optional: false, since: 1 },
  limit: { type: 'number', quantum: 'kib', unit: 'bytes (cgroup limit)', optional: true, since: 2 },
  oomKills: { type: 'number', quantum: 'exact', unit: 'count in the interval', optional: true, since: 2 },
  limitHits: { type: 'number', quantum: 'exact', unit: 'count in the interval', optional: true, since: 2 },
} as const satisfies FieldTable<MemoryStats>);

export const TASK_FIELDS = fieldList<TaskCounts>({
  total: { type: 'number', quantum: 'exact', unit: 'count', optional: false, since: 1 },
  running: { type: 'number', quantum: 'exact', unit: 'count', optional: false, since: 1 },
  sleeping: { type: 'number', quantum: 'exact', unit: 'count', optional: false, since: 1 },
  blocked: { type: 'number', quantum: 'exact', unit: 'count (state D)', optional: false, since: 1 },
  stopped: { type: 'number', quantum: 'exact', unit: 'count', optional: false, since: 1 },
  zombie: { type: 'number', quantum: 'exact', unit: 'count', optional: false, since: 1 },
  idle: { type: 'number', quantum: 'exact', unit: 'count (state I)', optional: false, since: 1 },
} as const satisfies FieldTable<TaskCounts>);

export const PRESSURE_TOTAL_FIELDS = fieldList<PressureTotals>({
  cpuSomeSeconds: { type: 'number', quantum: 'seconds', unit: 's some task stalled, since boot', optional: true, since: 4 },
  cpuFullSeconds: { type: 'number', quantum: 'seconds', unit: 's all tasks stalled, since boot', optional: true, since: 4 },
  memorySomeSeconds: { type: 'number', quantum: 'seconds', unit: 's some task stalled, since boot', optional: true, since: 4 },
  memoryFullSeconds: { type: 'number', quantum: 'seconds', unit: 's all tasks stalled, since boot', optional: true, since: 4 },
  ioSomeSeconds: { type: 'number', quantum: 'seconds', unit: 's some task stalled, since boot', optional: true, since: 4 },
  ioFullSeconds: { type: 'number', quantum: 'seconds', unit: 's all tasks stalled, since boot', optional: true, since: 4 },
} as const satisfies FieldTable<PressureTotals>);

/** One entry per filesystem; its three strings are the entry's identity (a recording keeps them in its shape). */
export const FILESYSTEM_FIELDS = fieldList<FilesystemStats>({
  mount: { type: 'string', unit: 'mount point', optional: false, since: 1 },
  device: { type: 'string', unit: 'device', optional: false, since: 1 },
  fsType: { type: 'string', unit: 'filesystem type', optional: false, since: 1 },
  sizeBytes: { type: 'number', quantum: 'bytes', unit: 'bytes', optional: false, since: 1 },
  usedBytes: { type: 'number', quantum: 'bytes', unit: 'bytes', optional: false, since: 1 },
  availBytes: { type: 'number', quantum: 'bytes', unit: 'bytes (statfs f_bavail)', optional: true, since: 4 },
} as const satisfies FieldTable<FilesystemStats>);

/** How many of a record a sample holds: one, or one per core, interface, filesystem or disk (the sample's shape). */
export type SystemPer = 'sample' | 'core' | 'net' | 'filesystem' | 'disk' | 'probe';

/**
 * The system records whose optional numbers a recording declares (format 4 on),
 * and how many of each record a sample holds: one (`sample`) or one per entry of
 * a list. A new optional number in one of these tables needs nothing else to be
 * recorded; a new record is one line here (and its place in the codec's PER).
 * Only numbers: an optional string or flag of a system record is not stored.
 */
export const SYSTEM_RECORDS = {
  memory: { per: 'sample', fields: MEMORY_FIELDS },
  pressure: { per: 'sample', fields: PRESSURE_TOTAL_FIELDS },
  filesystems: { per: 'filesystem', fields: FILESYSTEM_FIELDS },
  probes: { per: 'probe', fields: PROBE_FIELDS },
} as const satisfies Record<string, { per: SystemPer; fields: readonly NamedField[] }>;
