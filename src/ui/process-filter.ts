/**
 * The process table's `/` filter: a process matches when its name, command
 * line or user contains the text (case-insensitively), or its pid is the text.
 */
import type { ProcessStats } from '../core/sample.js';

export function matchesFilter(p: Pick<ProcessStats, 'pid' | 'name' | 'cmd' | 'user'>, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return String(p.pid) === q || p.name.toLowerCase().includes(q) || p.cmd.toLowerCase().includes(q) || p.user.toLowerCase().includes(q);
}

/** The processes matching `query`, in their order; all of them for an empty query. */
export function filterProcesses(processes: readonly ProcessStats[], query: string): readonly ProcessStats[] {
  return query.trim() === '' ? processes : processes.filter((p) => matchesFilter(p, query));
}
