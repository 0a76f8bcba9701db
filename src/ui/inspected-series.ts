import { processFacts, processSeries, type ProcessPoint } from '../analysis/process-series.js';
import { processKey, type Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import type { Timeline } from '../core/timeline.js';
import type { InspectedHistory } from './view-model.js';

/**
 * The inspected process's series. Read whole once per opening; after that a
 * timeline that only moved forward (live) costs just its new samples, so an
 * open inspector does not re-read an hour of history every second.
 */
export class InspectedSeries {
  private cached: { key: string; first: number; last: number; points: ProcessPoint[] } | null = null;

  /** The series of process `key` over `timeline`; null (and forgotten) when no process is inspected. */
  points(timeline: Timeline, key: string | null): ProcessPoint[] | null {
    if (key === null) return (this.cached = null);
    const first = timeline.at(0)?.time ?? 0;
    const last = timeline.at(timeline.length - 1)?.time ?? 0;
    const c = this.cached;
    if (c && c.key === key && first >= c.first && last >= c.last) {
      if (last > c.last) {
        const fresh = processSeries(timeline.slice(timeline.indexAtTime(c.last) + 1, timeline.length), key);
        this.cached = { key, first, last, points: [...c.points.filter((p) => p.time >= first), ...fresh] };
        return this.cached.points;
      }
      return c.points;
    }
    this.cached = { key, first, last, points: processSeries(allSamples(timeline), key) };
    return this.cached.points;
  }

  /** Its points, its start and parent as the newest sample carrying it says, and the spikes naming it. */
  history(timeline: Timeline, key: string | null, spikes: readonly Spike[]): InspectedHistory | null {
    const points = this.points(timeline, key);
    if (key === null || points === null) return null;
    const last = points[points.length - 1];
    const sample = last && timeline.at(timeline.indexAtTime(last.time));
    return {
      points,
      facts: sample ? processFacts(sample, key) : undefined,
      spikes: spikes.filter((s) => s.culprits.some((c) => processKey(c) === key)),
    };
  }

  /** A different timeline was swapped in: the next read starts afresh. */
  reset(): void {
    this.cached = null;
  }
}

function* allSamples(tl: Timeline): Iterable<Sample> {
  for (let i = 0; i < tl.length; i++) {
    const s = tl.at(i);
    if (s) yield s;
  }
}
