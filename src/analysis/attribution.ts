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
  /**
   * tmon's own process (the host's monitorPid) is named only past these: drawing a
   * resized screen costs a burst of CPU that is tmon's, not the spike's cause.
   */
  minMonitorCpuRise?: number;
  minMonitorRssRise?: number;
  /** Culprits whose share of the summed rise is below this are noise and dropped (0–1). */
  minShare?: number;
}

const DEFAULTS: Required<AttributionOptions> = {
  max: 5,
  minCpuRise: 1,
  minRssRise: 1024 * 1024,
  minKernelCpuRise: 10,
  minMonitorCpuRise: 25,
  minMonitorRssRise: 64 * 1024 * 1024,
  minShare: 0.03,
};

/** startTime comes from btime, whole seconds: a process can read up to ~1 s older than it is. */
const START_TIME_SLACK_MS = 2000;

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
 * Over the wire a sample carries only a selection of processes (`omitted` says so):
 * one missing from the baseline sample that was already running counts from the most
 * a left-out process used, and only a process the source marked exited is exited.
 */
export class SpikeAttribution {
  private readonly opts: Required<AttributionOptions>;
  private readonly baseline = new Map<string, ProcessStats>();
  /** The baseline sample's time and what it left out (a selection), to bound a missing process's level. */
  private readonly beforeTime: number;
  private readonly omitted: { cpu: number; rss: number } | null;
  private monitorPid: number | undefined;
  private readonly candidates = new Map<string, Candidate>();
  private lastTime = -Infinity;
  /** Whether the newest sample carried every process, so that missing from it means gone. */
  private lastComplete = true;

  constructor(
    readonly metric: SpikeMetric,
    /** What rises are measured from: the sample just before the spike (for memory, where its climb began); undefined at the first sample. */
    before: Sample | undefined,
    opts: AttributionOptions = {},
  ) {
    this.opts = {
      max: opts.max ?? DEFAULTS.max,
      minCpuRise: opts.minCpuRise ?? DEFAULTS.minCpuRise,
      minRssRise: opts.minRssRise ?? DEFAULTS.minRssRise,
      minKernelCpuRise: opts.minKernelCpuRise ?? DEFAULTS.minKernelCpuRise,
      minMonitorCpuRise: opts.minMonitorCpuRise ?? DEFAULTS.minMonitorCpuRise,
      minMonitorRssRise: opts.minMonitorRssRise ?? DEFAULTS.minMonitorRssRise,
      minShare: opts.minShare ?? DEFAULTS.minShare,
    };
    for (const p of before?.processes ?? []) {
      if (p.exited !== true) this.baseline.set(processKey(p), p);
    }
    this.beforeTime = before?.time ?? -Infinity;
    this.omitted = before?.omitted ? { cpu: before.omitted.maxCpu, rss: before.omitted.maxRss } : null;
    this.monitorPid = before?.host.monitorPid;
  }

  /** Processes currently tracked as possible culprits (bounded). */
  get size(): number {
    return this.candidates.size;
  }

  /** Take in one sample of the spike (time order). */
  add(sample: Sample): void {
    this.lastTime = sample.time;
    this.lastComplete = sample.omitted === undefined;
    this.monitorPid = sample.host.monitorPid ?? this.monitorPid;
    for (const p of sample.processes) {
      const key = processKey(p);
      const known = this.baseline.get(key);
      if (this.metric === 'cpu') {
        // One culprit per process: its own CPU and that of reaped children it alone can answer for.
        const children = p.childCpu ?? 0;
        const base = known ? (known.cpu + (known.childCpu ?? 0)) : this.unknownBase(p, 'cpu');
        this.track(key, p, base, p.cpu + children, known?.childCpu ?? 0, children, sample.time);
      } else if (p.outside !== true) {
        // A process outside the cgroup whose limit is the total cannot have raised that memory.
        this.track(key, p, known?.rss ?? this.unknownBase(p, 'rss'), peakRss(p, known), 0, 0, sample.time);
      }
    }
    if (this.candidates.size > MAX_TRACKED) this.prune();
  }

  /**
   * The top culprits so far, biggest rise first, each with its share of the top's
   * summed rise; shares below minShare are dropped as noise.
   */
  culprits(): Culprit[] {
    const o = this.opts;
    const kept: { c: Candidate; rise: number }[] = [];
    for (const c of this.candidates.values()) {
      const rise = c.peak - c.base;
      if (rise > 0 && rise >= this.floor(c.proc)) kept.push({ c, rise });
    }
    kept.sort((a, b) => b.rise - a.rise || a.c.proc.pid - b.c.proc.pid);
    const top = kept.slice(0, o.max);
    const total = top.reduce((s, k) => s + k.rise, 0);
    return top.filter(({ rise }) => rise / total >= o.minShare).map(({ c, rise }) => {
      const culprit: Culprit = {
        pid: c.proc.pid,
        name: c.proc.name,
        cmd: c.proc.cmd,
        user: c.proc.user,
        startTime: c.proc.startTime,
        rise,
        share: rise / total,
      };
      // A selection (omitted set) tells exits with `exited`: missing from it may just be "not sent".
      if (c.exitedFlag || (this.lastComplete && c.lastSeen < this.lastTime)) culprit.exited = true;
      // Part of the share came from reaped children (at least the noise floor of it).
      if (c.peakChildren - c.baseChildren >= o.minCpuRise) culprit.viaChildren = true;
      if (c.proc.pid === this.monitorPid) culprit.monitor = true;
      return culprit;
    });
  }

  /** The smallest rise that names a process: kernel threads and tmon itself need more. */
  private floor(p: ProcessStats): number {
    const o = this.opts;
    const monitor = p.pid === this.monitorPid;
    if (this.metric === 'memory') return monitor ? Math.max(o.minRssRise, o.minMonitorRssRise) : o.minRssRise;
    if (monitor) return Math.max(o.minCpuRise, o.minMonitorCpuRise);
    return p.kernelThread ? Math.max(o.minCpuRise, o.minKernelCpuRise) : o.minCpuRise;
  }

  /**
   * The level before the spike of a process the baseline sample does not carry: 0 if
   * it started since (or the sample carried every process), else at most the most
   * any left-out process used. That bound understates the rise rather than inventing one.
   */
  private unknownBase(p: ProcessStats, field: 'cpu' | 'rss'): number {
    if (!this.omitted || p.startTime >= this.beforeTime - START_TIME_SLACK_MS) return 0;
    return this.omitted[field];
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

