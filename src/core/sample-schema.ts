import type { CpuShare, LoadAverage, MemoryStats, TaskCounts } from './sample.js';
import { fieldList, type FieldTable } from './field-table.js';

/**
 * Field tables of the Sample's fixed system records (see core/field-table.ts).
 * The wire validator, quantisation and the recording's system vector walk
 * them in this order; a new field goes at the end of its table. Required
 * fields belong to the system vector of every format, so a new one must be
 * optional: optional memory fields travel in the vector's tagged tail.
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
