import { processKey, type ProcessStats, type Sample } from '../core/sample.js';
import type { Culprit, SpikeMetric } from '../core/spike.js';

export interface AttributionOptions {
  /** How many culprits to keep. */
  max?: number;
  /** Smaller CPU rises (percent points of one core) are noise, not culprits. */
  minCpuRise?: number;
  /** Smaller RSS rises (bytes) are noise, not culprits. */
  minRssRise?: number;
  /**
   * Kernel threads (kworker, ksoftirqd…) come and go all the time; they are named only
   * when their CPU rose at least this much — kswapd at 60 % during a memory squeeze is news.
   */
  minKernelCpuRise?: number;
}

const DEFAULTS: Required<AttributionOptions> = {
  max: 5,
  minCpuRise: 1,
  minRssRise: 1024 * 1024,
  minKernelCpuRise: 10,
};

/** Past this many tracked candidates the weakest are dropped, so a long spike stays bounded. */
const MAX_TRACKED = 512;
const TRACKED_AFTER_PRUNE = 256;

interface Candidate {
  /** The newest stats seen, for the name, command and user shown. */
  proc: ProcessStats;
  base: number;
  peak: number;
  /** CPU: the reaped children's part of the baseline and of the peak. */
  baseChildren: number;
  peakChildren: number;
  lastSeen: number;
  exitedFlag: boolean;
}

/**
 * The processes behind one spike, built up sample by sample so the detector never
 * has to keep a long spike's samples: it remembers, per process, only its level in
 * the baseline sample and its highest level since.
 *
 * Processes are matched by processKey (pid + start time), so a reused PID is a new
 * process with baseline 0, as is any process that appeared during the spike.
 * Over the wire a sample carries only a selection of processes: one missing from the
 * baseline sample then also counts from 0, and one that left the selection reads as
 * exited. The selection keeps every process with spike evidence, which limits this.
 */
export class SpikeAttribution {
  private readonly opts: Required<AttributionOptions>;
  private readonly baseline = new Map<string, ProcessStats>();
  private readonly candidates = new Map<string, Candidate>();
  private lastTime = -Infinity;

  constructor(
    readonly metric: SpikeMetric,
    /** The sample just before the spike; undefined when the spike starts with the first sample. */
    before: Sample | undefined,
    opts: AttributionOptions = {},
  ) {
    this.opts = {
      max: opts.max ?? DEFAULTS.max,
      minCpuRise: opts.minCpuRise ?? DEFAULTS.minCpuRise,
      minRssRise: opts.minRssRise ?? DEFAULTS.minRssRise,
      minKernelCpuRise: opts.minKernelCpuRise ?? DEFAULTS.minKernelCpuRise,
    };
    for (const p of before?.processes ?? []) {
      if (p.exited !== true) this.baseline.set(processKey(p), p);
    }
  }

  /** Processes currently tracked as possible culprits (bounded). */
  get size(): number {
    return this.candidates.size;
  }

  /** Take in one sample of the spike (time order). */
  add(sample: Sample): void {
    this.lastTime = sample.time;
    for (const p of sample.processes) {
      const key = processKey(p);
      const base = this.baseline.get(key);
      if (this.metric === 'cpu') {
        // One culprit per process: its own CPU and that of reaped children it alone can answer for.
        const children = p.childCpu ?? 0;
        this.track(key, p, (base?.cpu ?? 0) + (base?.childCpu ?? 0), p.cpu + children, base?.childCpu ?? 0, children, sample.time);
      } else {
        this.track(key, p, base?.rss ?? 0, peakRss(p, base), 0, 0, sample.time);
      }
    }
    if (this.candidates.size > MAX_TRACKED) this.prune();
  }

  /** The top culprits so far, biggest rise first, shares summing to 1. */
  culprits(): Culprit[] {
    const o = this.opts;
    const kept: { c: Candidate; rise: number }[] = [];
    for (const c of this.candidates.values()) {
      const rise = c.peak - c.base;
      const floor =
        this.metric === 'memory'
          ? o.minRssRise
          : c.proc.kernelThread
            ? Math.max(o.minCpuRise, o.minKernelCpuRise)
            : o.minCpuRise;
      if (rise > 0 && rise >= floor) kept.push({ c, rise });
    }
    kept.sort((a, b) => b.rise - a.rise || a.c.proc.pid - b.c.proc.pid);
    const top = kept.slice(0, o.max);
    const total = top.reduce((s, k) => s + k.rise, 0);
    return top.map(({ c, rise }) => {
      const culprit: Culprit = {
        pid: c.proc.pid,
        name: c.proc.name,
        cmd: c.proc.cmd,
        user: c.proc.user,
        startTime: c.proc.startTime,
        rise,
        share: rise / total,
      };
      if (c.exitedFlag || c.lastSeen < this.lastTime) culprit.exited = true;
      // Part of the share came from reaped children (at least the noise floor of it).
      if (c.peakChildren - c.baseChildren >= o.minCpuRise) culprit.viaChildren = true;
      return culprit;
    });
  }

  private track(id: string, p: ProcessStats, base: number, value: number, baseChildren: number, children: number, time: number): void {
    const c = this.candidates.get(id);
    if (c) {
      c.proc = p;
      if (value > c.peak) {
        c.peak = value;
        c.peakChildren = children;
      }
      c.lastSeen = time;
      c.exitedFlag ||= p.exited === true;
    } else if (value > base) {
      // Only a rise can make a culprit; not tracking the rest keeps the map small.
      this.candidates.set(id, { proc: p, base, peak: value, baseChildren, peakChildren: children, lastSeen: time, exitedFlag: p.exited === true });
    }
  }

  private prune(): void {
    const byRise = [...this.candidates.entries()].sort(([, a], [, b]) => b.peak - b.base - (a.peak - a.base));
    for (const [id] of byRise.slice(TRACKED_AFTER_PRUNE)) this.candidates.delete(id);
  }
}

/**
 * The processes whose CPU (metric 'cpu') or RSS (metric 'memory') rose most from
 * `before` (the sample just before the spike) to their highest level in `during`.
 * For CPU a process's level is its own CPU plus childCpu (reaped children tmon did
 * not see itself), one culprit per process, marked viaChildren when part of its
 * rise came from those children. For memory a process's level is max(rss, rssPeak).
 */
export function attribute(
  metric: SpikeMetric,
  before: Sample | undefined,
  during: Iterable<Sample>,
  opts?: AttributionOptions,
): Culprit[] {
  const a = new SpikeAttribution(metric, before, opts);
  for (const s of during) a.add(s);
  return a.culprits();
}

/**
 * A process's memory level within the interval. VmHWM is a lifetime high-water mark,
 * so it is evidence of a peak in this interval only when it is above the mark the
 * baseline sample saw; otherwise an old peak would be blamed for a new spike.
 */
function peakRss(p: ProcessStats, base: ProcessStats | undefined): number {
  if (p.rssPeak === undefined) return p.rss;
  if (base?.rssPeak !== undefined && p.rssPeak <= base.rssPeak) return p.rss;
  return Math.max(p.rss, p.rssPeak);
}

