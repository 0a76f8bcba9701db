/**
 * The process table's orders: one per column, each in its natural direction
 * (busiest, biggest, newest first; names and numbers ascending), or reversed.
 */
import type { ProcessStats } from '../core/sample.js';

export type SortColumn = 'pid' | 'user' | 'cpu' | 'mem' | 'state' | 'threads' | 'start' | 'name';

export interface TableSort {
  column: SortColumn;
  reverse: boolean;
}

/** The columns in their order on screen (memory is MEM% and RSS together), for `<` `>`. */
export const SORT_COLUMNS: readonly SortColumn[] = ['pid', 'user', 'cpu', 'mem', 'state', 'threads', 'start', 'name'];

/** How the title says the order: "Processes by CPU". */
export const SORT_LABEL: Record<SortColumn, string> = {
  pid: 'PID',
  user: 'user',
  cpu: 'CPU',
  mem: 'memory',
  state: 'state',
  threads: 'threads',
  start: 'start time',
  name: 'name',
};

/** True for the columns whose natural order is largest first. */
export const DESCENDING: Record<SortColumn, boolean> = {
  pid: false,
  user: false,
  cpu: true,
  mem: true,
  state: false,
  threads: true,
  start: true,
  name: false,
};

type Compare = (a: ProcessStats, b: ProcessStats) => number;

const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byCpu: Compare = (a, b) => b.cpu - a.cpu || b.rss - a.rss || a.pid - b.pid;

const NATURAL: Record<SortColumn, Compare> = {
  pid: (a, b) => a.pid - b.pid || a.startTime - b.startTime,
  user: (a, b) => text(a.user, b.user) || byCpu(a, b),
  cpu: byCpu,
  mem: (a, b) => b.rss - a.rss || b.cpu - a.cpu || a.pid - b.pid,
  state: (a, b) => text(a.state, b.state) || byCpu(a, b),
  threads: (a, b) => b.threads - a.threads || byCpu(a, b),
  start: (a, b) => b.startTime - a.startTime || a.pid - b.pid,
  name: (a, b) => text(a.name.toLowerCase(), b.name.toLowerCase()) || a.pid - b.pid,
};

/** The comparison for a sort: its column's natural order, or that order reversed. */
export function processOrder(sort: TableSort): Compare {
  const natural = NATURAL[sort.column];
  return sort.reverse ? (a, b) => natural(b, a) : natural;
}

/** The column `dir` places left (-1) or right (1) of `column` on screen, wrapping round. */
export function adjacentColumn(column: SortColumn, dir: 1 | -1): SortColumn {
  const i = SORT_COLUMNS.indexOf(column);
  return SORT_COLUMNS[(i + dir + SORT_COLUMNS.length) % SORT_COLUMNS.length] as SortColumn;
}
