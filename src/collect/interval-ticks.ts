import { CLK_TCK, type RawProcess, type RawSnapshot } from './raw.js';

const MS_PER_TICK = 1000 / CLK_TCK;
/** btime has whole-second resolution, so a start time can read up to ~1 s early. */
const START_TIME_SLACK_MS = 2000;

/** A counter's increase; a counter that went backwards (wrap, reset, reboot of a device) counts as no increase. */
export function delta(cur: number, prev: number): number {
  return cur > prev ? cur - prev : 0;
}

/** When `p` started, ms since epoch. */
export function startTimeOf(p: RawProcess, btime: number): number {
  return btime * 1000 + p.startTicks * MS_PER_TICK;
}

/**
 * Clock ticks `p` used in the interval since `prev`, its own and its reaped
 * children's (cutime+cstime): the increase since `prev` saw the same process
 * (pid + start), its whole lifetime when it started inside the interval, else
 * 0 (a process missed by the previous scan is not charged its lifetime). Pure.
 */
export function intervalTicks(prev: RawSnapshot | null, p: RawProcess, btime: number): { own: number; children: number } {
  if (!prev) return { own: 0, children: 0 };
  const before = prev.processes.get(p.pid);
  if (before && before.startTicks === p.startTicks) {
    return { own: delta(p.utime + p.stime, before.utime + before.stime), children: delta(p.cutime + p.cstime, before.cutime + before.cstime) };
  }
  if (startTimeOf(p, btime) >= prev.time - START_TIME_SLACK_MS) return { own: p.utime + p.stime, children: p.cutime + p.cstime };
  return { own: 0, children: 0 };
}
