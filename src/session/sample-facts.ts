import { processEvents, type ProcessEvent } from '../analysis/process-events.js';
import { userTotals, type UserTotal } from '../analysis/user-totals.js';
import type { Sample } from '../core/sample.js';
import { PackedUserTotals } from './packed-user-totals.js';

const NONE: readonly ProcessEvent[] = Object.freeze([]);

/**
 * What a live session must compute from whole samples before the history slims
 * them (live-history.ts): the process starts and exits between consecutive
 * samples (a process merely leaving the top-N selection is no exit) and the
 * per-user totals (a sum over every process, not the top N). Kept by sample time
 * for as long as the history keeps the sample.
 */
export class SampleFacts {
  private readonly events = new Map<number, readonly ProcessEvent[]>();
  private readonly users = new PackedUserTotals();
  private prev: Sample | undefined;

  record(sample: Sample): void {
    const e = this.prev && sameProcesses(this.prev, sample) ? NONE : processEvents(this.prev, sample);
    // Most ticks see no start or exit: nothing stored for them.
    if (e.length > 0) this.events.set(sample.time, e);
    this.users.record(sample.time, userTotals(sample.processes));
    this.prev = sample;
  }

  eventsAt(time: number): readonly ProcessEvent[] {
    return this.events.get(time) ?? NONE;
  }

  usersAt(time: number): readonly UserTotal[] | undefined {
    return this.users.at(time);
  }

  /** Forgets samples older than `time` (the history's oldest); the events map is in time order. */
  prune(time: number): void {
    for (const t of this.events.keys()) {
      if (t >= time) break;
      this.events.delete(t);
    }
    this.users.prune(time);
  }
}

/**
 * The same processes in the same order, none marked exited: the usual tick, and
 * nothing to report. Checked without allocating, because diffing hundreds of
 * processes every sample (maps and key strings) is most of what this would cost.
 */
function sameProcesses(a: Sample, b: Sample): boolean {
  const pa = a.processes;
  const pb = b.processes;
  if (pa.length !== pb.length) return false;
  for (let i = 0; i < pa.length; i++) {
    const x = pa[i] as Sample['processes'][number];
    const y = pb[i] as Sample['processes'][number];
    if (x.pid !== y.pid || x.startTime !== y.startTime || y.exited === true) return false;
  }
  return true;
}
