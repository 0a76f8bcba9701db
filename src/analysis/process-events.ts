import { processKey, type ProcessStats, type Sample } from '../core/sample.js';

export interface ProcessEvent {
  /** ms since epoch: the process's own start time for 'start', the sample's time for 'exit'. */
  time: number;
  kind: 'start' | 'exit';
  pid: number;
  name: string;
  user: string;
  /** processKey, for opening the process in the inspector. */
  key: string;
}

/**
 * How far a start time may lie before the previous sample and still be a birth: start
 * times are derived from the boot time, which /proc gives only to the second.
 */
const START_TIME_SLACK_MS = 1000;

/**
 * Births and deaths between two consecutive samples, oldest first, from the difference
 * of their process sets (keyed by processKey, so a reused PID is one exit and one start).
 * A process marked exited (seen by a burst scan, gone at the tick) exits at cur.time,
 * and if it was not in prev it also starts: a short-lived process gets both events.
 *
 * Without prev there is nothing to compare: no events. Samples from an agent carry
 * only a selection of processes; births and deaths are then only of processes in
 * the selection. A process that enters the selection but started long before prev is
 * not reported as born; one that leaves the selection is not an exit (`omitted` tells
 * a selection; the collector sends processes that left marked exited).
 */
export function processEvents(prev: Sample | undefined, cur: Sample): ProcessEvent[] {
  if (!prev) return [];
  // By pid, then start time: this runs at every sample over every process, and a string key each was most
  // of its cost. A second live process on one pid (only a malformed sample has one) waits in `extra`.
  const before = new Map<number, ProcessStats>();
  const extra: ProcessStats[] = [];
  for (const p of prev.processes) {
    // Already reported as an exit at prev.
    if (p.exited === true) continue;
    if (before.has(p.pid)) extra.push(p);
    else before.set(p.pid, p);
  }
  const events: ProcessEvent[] = [];
  const matched = new Set<ProcessStats>();
  const sameIn = (p: ProcessStats): ProcessStats | undefined => {
    const old = before.get(p.pid);
    if (old !== undefined && old.startTime === p.startTime) return old;
    return extra.length > 0 ? extra.find((e) => e.pid === p.pid && e.startTime === p.startTime) : undefined;
  };
  for (const p of cur.processes) {
    const old = sameIn(p);
    if (old) matched.add(old);
    else if (p.startTime >= prev.time - START_TIME_SLACK_MS) events.push(event(Math.min(p.startTime, cur.time), 'start', p, processKey(p)));
    // The collector saw it go: a real exit even if it was never in a selection before.
    if (p.exited === true) events.push(event(cur.time, 'exit', p, processKey(p)));
  }
  // A selection (omitted set) tells exits with `exited`; missing from it is only "not sent".
  if (!cur.omitted) {
    const gone = (p: ProcessStats): void => {
      if (!matched.has(p)) events.push(event(cur.time, 'exit', p, processKey(p)));
    };
    before.forEach(gone);
    extra.forEach(gone);
  }
  return events.sort((a, b) => a.time - b.time || (a.kind === b.kind ? 0 : a.kind === 'start' ? -1 : 1) || a.pid - b.pid);
}

function event(time: number, kind: ProcessEvent['kind'], p: ProcessStats, key: string): ProcessEvent {
  return { time, kind, pid: p.pid, name: p.name, user: p.user, key };
}
