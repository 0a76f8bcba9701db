import type { RawProcess } from './raw.js';

/**
 * What burst scans saw of each process between two ticks: its latest CPU
 * times and the highest RSS. At the tick this becomes peaks for the processes
 * still alive and `exited` records for those that are gone — how a process
 * that lived for 300 ms between two ticks still shows up, named.
 */
export class IntervalSightings {
  private readonly byPid = new Map<number, RawProcess>();
  /** A PID reused within one interval: the earlier process, already gone. */
  private readonly superseded: RawProcess[] = [];

  get size(): number {
    return this.byPid.size + this.superseded.length;
  }

  /** Records one burst scan. */
  note(scan: ReadonlyMap<number, RawProcess>): void {
    for (const [pid, p] of scan) {
      const known = this.byPid.get(pid);
      if (!known) {
        this.byPid.set(pid, p);
      } else if (known.startTicks !== p.startTicks) {
        this.superseded.push(known);
        this.byPid.set(pid, p);
      } else if (p.rss >= known.rss && (known.rssPeak === undefined || (p.rssPeak ?? -1) >= known.rssPeak)) {
        // The newer reading holds the highest figures already (most of the time): kept as it is, no copy.
        this.byPid.set(pid, p);
      } else {
        this.byPid.set(pid, { ...p, rss: Math.max(known.rss, p.rss), rssPeak: maxOf(known.rssPeak, p.rssPeak) });
      }
    }
  }

  /**
   * Folds the sightings into the tick's scan (raising `rssPeak` where a burst
   * saw more than the tick does) and returns the processes that are gone, each
   * with the highest RSS seen. Forgets everything: the next interval starts empty.
   */
  settle(tick: Map<number, RawProcess>): RawProcess[] {
    const exited = this.superseded.splice(0);
    for (const [pid, seen] of this.byPid) {
      const now = tick.get(pid);
      if (!now || now.startTicks !== seen.startTicks) {
        exited.push(seen);
        continue;
      }
      const peak = Math.max(seen.rss, seen.rssPeak ?? 0);
      if (peak > now.rss && peak > (now.rssPeak ?? 0)) now.rssPeak = peak;
    }
    this.byPid.clear();
    return exited;
  }
}

function maxOf(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
