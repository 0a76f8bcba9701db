import { processKey, type ProcessStats, type Sample } from '../core/sample.js';
import type { Culprit, Spike } from '../core/spike.js';
import { SpikeAttribution, type AttributionOptions } from './attribution.js';
import { memoryPeak, type RecentSamples } from './recent-samples.js';

/**
 * The processes that vanished between `prev` and `cur`, largest last RSS first:
 * alive in `prev` and not in `cur`; a zombie in `cur`, or one whose RSS fell
 * from some to none (a killed process drops its memory while it exits, before
 * it is a zombie); or in `cur` only as exited (seen by a burst scan, gone at the
 * tick). Each process once, with the higher RSS of its two records — or, if it had already given its
 * memory back while exiting (RSS 0), the RSS it had in `before`, the sample before `prev`: the size it was
 * killed at. Kernel threads (the OOM killer never picks one) and processes marked outside the limiting
 * cgroup are none of its victims, so they are left out.
 */
export function vanished(prev: Sample | undefined, cur: Sample, before?: Sample): ProcessStats[] {
  const alive = new Map<string, ProcessStats>();
  const gone = new Map<string, ProcessStats>();
  for (const p of cur.processes) {
    if (p.exited === true) gone.set(processKey(p), p);
    else if (p.state !== 'Z') alive.set(processKey(p), p);
  }
  for (const p of prev?.processes ?? []) {
    const key = processKey(p);
    if (p.exited === true || p.state === 'Z') continue;
    const now = alive.get(key);
    if (now && !(now.rss === 0 && p.rss > 0)) continue;
    const seen = gone.get(key);
    if (!seen || seen.rss < p.rss) gone.set(key, p);
  }
  return [...gone.values()]
    .filter((p) => p.outside !== true && !p.kernelThread)
    .map((p) => withLastRss(p, before))
    .sort((a, b) => b.rss - a.rss || a.pid - b.pid);
}

/**
 * A victim that had already given back its memory while exiting (RSS 0 in the sample
 * before it vanished) with the RSS it had one sample earlier: the size it was killed at.
 */
function withLastRss(p: ProcessStats, before: Sample | undefined): ProcessStats {
  if (p.rss > 0 || !before) return p;
  const key = processKey(p);
  const earlier = before.processes.find((q) => q.rss > 0 && processKey(q) === key);
  return earlier ? { ...p, rss: earlier.rss } : p;
}

function culpritOf(p: ProcessStats, rise: number, share: number): Culprit {
  return { pid: p.pid, name: p.name, cmd: p.cmd, user: p.user, startTime: p.startTime, rise, share, exited: true };
}

function withShares(victims: ProcessStats[]): Culprit[] {
  const total = victims.reduce((sum, p) => sum + p.rss, 0);
  return victims.map((p) => culpritOf(p, p.rss, total > 0 ? p.rss / total : 1 / victims.length));
}

/**
 * An OOM kill in `cur`'s interval as a spike-log entry: its culprits are the
 * victims, the largest processes that vanished in that interval (as many as
 * there were kills), each with its last RSS as `rise`.
 */
function oomEvent(prev: Sample | undefined, cur: Sample, victims: ProcessStats[]): Spike {
  const m = cur.memory;
  return {
    id: `oom@${cur.time}`,
    metric: 'oom',
    start: cur.time,
    end: cur.time,
    peak: Math.max(m.used, m.usedMax),
    peakAt: cur.time,
    min: Math.min(m.used, m.usedMin),
    avg: m.used,
    baseline: prev?.memory.used ?? m.used,
    severity: 'critical',
    culprits: withShares(victims),
  };
}

/**
 * A limit hit counts when the working set came this close to the limit: a cgroup
 * whose file cache fills it up to the limit hits it all day, and reclaiming that
 * cache is routine.
 */
const NEAR_LIMIT = 0.9;

interface OpenLimit {
  start: number;
  lastHit: number;
  baseline: number;
  peak: number;
  peakAt: number;
  min: number;
  sum: number;
  count: number;
  attribution: SpikeAttribution;
}

/**
 * OOM kills and cgroup limit hits (Sample.memory.oomKills, limitHits) as entries of
 * the spike log, so recordings, viewers and `tmon spikes` find them from the samples
 * as the live session did. A kill is one entry per sample; limit hits (with the working
 * set near the limit) in samples less than `mergeGapMs` apart are one entry, open (end null) until that gap passes, its
 * culprits the processes whose memory rose most, as for a memory spike.
 */
export class MemoryEvents {
  private open: OpenLimit | null = null;
  /** A kill whose victim was still exiting at its sample: the next sample's vanished complete it. */
  private unnamed: { event: Spike; victims: ProcessStats[]; missing: number } | null = null;

  constructor(
    private readonly mergeGapMs: number,
    private readonly attribution: AttributionOptions = {},
  ) {}

  /** The events this sample opened, updated or closed; `recent` holds the samples before it. */
  step(cur: Sample, recent: RecentSamples): Spike[] {
    const out: Spike[] = [];
    const prev = recent.prev;
    const m = cur.memory;
    const hit = (m.limitHits ?? 0) > 0 && memoryPeak(cur) >= NEAR_LIMIT * m.total;
    const open = this.open;
    // Closed at its last hit once the gap has passed without a repeat.
    if (open && cur.time - open.lastHit >= this.mergeGapMs) {
      out.push(this.snapshot(open, open.lastHit));
      this.open = null;
    }
    if (hit) {
      const o = (this.open ??= {
        start: cur.time,
        lastHit: cur.time,
        baseline: prev?.memory.used ?? m.used,
        peak: -Infinity,
        peakAt: cur.time,
        min: Infinity,
        sum: 0,
        count: 0,
        // As for a memory spike: rises from where the climb to the limit began.
        attribution: new SpikeAttribution('memory', recent.climbStart(cur.time), this.attribution),
      });
      o.lastHit = cur.time;
      if (m.usedMax > o.peak) {
        o.peak = m.usedMax;
        o.peakAt = cur.time;
      }
      o.min = Math.min(o.min, m.usedMin);
      o.sum += m.used;
      o.count++;
      o.attribution.add(cur);
      out.push(this.snapshot(o, null));
    }
    const before = recent.before;
    const kills = cur.memory.oomKills ?? 0;
    if (kills === 0 && !this.unnamed) return out;
    let gone = vanished(prev, cur, before);
    const late = this.unnamed;
    this.unnamed = null;
    if (late) {
      const known = new Set(late.victims.map(processKey));
      const more = gone.filter((p) => !known.has(processKey(p))).slice(0, late.missing);
      gone = gone.filter((p) => !more.includes(p));
      // Closed now, named or not: a kill is never held open longer.
      out.push({ ...late.event, end: late.event.start, culprits: withShares([...late.victims, ...more]) });
    }
    if (kills > 0) {
      const victims = gone.slice(0, kills);
      if (victims.length < kills && prev) {
        // The counters are read before the process scan, yet a kill between the two is counted a sample late.
        const named = new Set(victims.map(processKey));
        const alive = new Set(cur.processes.filter((p) => p.exited !== true && p.state !== 'Z').map(processKey));
        const earlier = vanished(before, prev).filter((p) => !named.has(processKey(p)) && !alive.has(processKey(p)));
        victims.push(...earlier.slice(0, kills - victims.length));
      }
      const event = oomEvent(prev, cur, victims);
      if (victims.length < kills) {
        // Its victim may still have been exiting at this sample's scan: open until the next one.
        event.end = null;
        this.unnamed = { event, victims, missing: kills - victims.length };
      }
      out.push(event);
    }
    return out;
  }

  /** The stream ended: an open limit entry closes at its last hit, a kill waiting for its victim's name without it. */
  finish(): Spike[] {
    const out: Spike[] = [];
    if (this.open) out.push(this.snapshot(this.open, this.open.lastHit));
    if (this.unnamed) out.push({ ...this.unnamed.event, end: this.unnamed.event.start, culprits: withShares(this.unnamed.victims) });
    this.open = null;
    this.unnamed = null;
    return out;
  }

  private snapshot(o: OpenLimit, end: number | null): Spike {
    return {
      id: `limit@${o.start}`,
      metric: 'limit',
      start: o.start,
      end,
      peak: o.peak,
      peakAt: o.peakAt,
      min: o.min,
      avg: o.sum / o.count,
      baseline: o.baseline,
      severity: 'warning',
      culprits: o.attribution.culprits(),
    };
  }
}
