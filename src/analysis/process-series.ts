import { processKey, type ProcessStats, type Sample } from '../core/sample.js';

export interface ProcessPoint {
  time: number;
  /** Percent of one core over the interval ending at `time`. */
  cpu: number;
  /** Resident set size at `time`, bytes. */
  rss: number;
  /** The collector's last word on it: it had exited by `time` (its final figures). */
  exited: boolean;
}

/** What a sample says of a process beyond its figures: when it started and its parent. */
export interface ProcessFacts {
  startTime: number;
  ppid: number;
  /** The parent's name, when the same sample carries the parent. */
  parent?: string;
}

/**
 * One process's CPU and RSS over a stream of samples, for the inspector.
 * Only samples that carry the process give a point: before it started, after it
 * exited, or while it was outside a wire selection there is none. A caller drawing
 * a graph finds such gaps where consecutive points are further apart than the interval.
 * `key` is processKey(p), so a later process reusing the PID is not mixed in.
 */
export function processSeries(samples: Iterable<Sample>, key: string): ProcessPoint[] {
  const out: ProcessPoint[] = [];
  for (const s of samples) {
    const p = find(s, key);
    if (p) out.push({ time: s.time, cpu: p.cpu, rss: p.rss, exited: p.exited === true });
  }
  return out;
}

/** The process's stats in the newest sample that carries it; undefined if none does. */
export function findProcess(samples: Iterable<Sample>, key: string): ProcessStats | undefined {
  let latest: ProcessStats | undefined;
  for (const s of samples) latest = find(s, key) ?? latest;
  return latest;
}

/** The process's start and parent as sample `s` carries them; undefined when it does not carry the process. */
export function processFacts(s: Sample, key: string): ProcessFacts | undefined {
  const p = find(s, key);
  if (!p) return undefined;
  const parent = p.ppid > 0 ? s.processes.find((q) => q.pid === p.ppid && q.exited !== true) : undefined;
  return { startTime: p.startTime, ppid: p.ppid, ...(parent ? { parent: parent.name } : {}) };
}

function find(s: Sample, key: string): ProcessStats | undefined {
  return s.processes.find((p) => processKey(p) === key);
}
