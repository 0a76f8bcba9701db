import { MIN_INTERVAL_MS } from '../core/interval.js';
import type { Sample } from '../core/sample.js';
import type { Spike, SpikeMetric } from '../core/spike.js';
import { SpikeAttribution, type AttributionOptions } from './attribution.js';
import { BaselineWindow } from './baseline-window.js';
import { MemoryEvents } from './memory-events.js';
import { RecentSamples, memoryPeak } from './recent-samples.js';
import { isSuddenRise, percentOf, resolveThresholds, severityOf, type SpikeThresholds, type ThresholdOverrides } from './thresholds.js';

/**
 * Samples the baseline needs before anything is called a spike: "above the usual
 * level" means nothing before the usual level is known (a monitor started in the
 * middle of a build would call its first peak a spike).
 */
const MIN_BASELINE_SAMPLES = 3;

/** One metric of one sample: its level at the tick and its extremes inside the interval. */
interface Reading {
  /** Total busy % over the interval, or memory used at the tick: what a spike's avg is made of. */
  level: number;
  /** The true peak inside the interval (fast watch), never below the level. */
  high: number;
  low: number;
  /** Bytes of RAM, to turn memory into the percent the thresholds speak in. */
  memTotal: number;
}

function read(metric: SpikeMetric, s: Sample): Reading {
  const memTotal = s.memory.total > 0 ? s.memory.total : s.host.memTotal;
  if (metric === 'cpu') {
    const level = s.cpu.total.busy;
    return { level, high: Math.max(level, s.cpu.busyMax), low: Math.min(level, s.cpu.busyMin), memTotal };
  }
  const level = s.memory.used;
  return { level, high: memoryPeak(s), low: Math.min(level, s.memory.usedMin), memTotal };
}

/** Running min/sum/count, so a quiet stretch can be folded in only if a repeat merges it into the spike. */
interface Tally {
  min: number;
  sum: number;
  count: number;
}

const emptyTally = (): Tally => ({ min: Infinity, sum: 0, count: 0 });

interface OpenSpike {
  start: number;
  baseline: number;
  lastAbove: number;
  /** A quiet sample came after lastAbove: the next sample above is a repeat, not a continuation. */
  quietSinceAbove: boolean;
  peak: number;
  peakAt: number;
  tally: Tally;
  /** Quiet samples after lastAbove; part of the spike only if a repeat merges. */
  pending: Tally;
  attribution: SpikeAttribution;
  memTotal: number;
  /** Reported once its duration reaches minDurationMs; until then nobody has seen it. */
  reported: boolean;
  snapshot: Spike | null;
}

/** Spike detection for one metric: the baseline window and at most one open spike. */
class MetricSpikes {
  private readonly window: BaselineWindow;
  private open: OpenSpike | null = null;

  constructor(
    private readonly metric: SpikeMetric,
    private readonly t: SpikeThresholds,
    private readonly attributionOpts: AttributionOptions,
  ) {
    // Sized for the fastest sampling; it holds fewer seconds if samples come faster still.
    const capacity = Math.min(4096, Math.max(16, Math.ceil(t.baselineMs / MIN_INTERVAL_MS) + 1));
    this.window = new BaselineWindow(t.baselineMs, capacity);
  }

  get baselineSize(): number {
    return this.window.size;
  }

  /** Spikes this sample opened, updated or closed (reported ones only). */
  step(sample: Sample, recent: RecentSamples): Spike[] {
    const r = read(this.metric, sample);
    const out: Spike[] = [];
    let open = this.open;
    if (open) {
      const above = this.isAbove(r, open.baseline);
      const withinGap = sample.time - open.lastAbove < this.t.mergeGapMs;
      if (above && (!open.quietSinceAbove || withinGap)) {
        this.extend(open, sample, r);
        if (this.shouldReport(open)) out.push(this.snapshot(open));
      } else if (above || !withinGap) {
        // A repeat too late to merge, or a quiet stretch past the gap: the spike is over.
        const closed = this.close(open);
        if (closed) out.push(closed);
        open = null;
      } else {
        open.quietSinceAbove = true;
        addTo(open.pending, r);
      }
    }
    // The median costs a sort of the window, so it is taken only when the peak could be a spike.
    if (!open && this.window.size >= MIN_BASELINE_SAMPLES && (this.pastAbsolute(r) || this.couldRise(r))) {
      const baseline = this.window.median() ?? r.level;
      if (this.isAbove(r, baseline)) {
        open = this.start(sample, recent, r, baseline);
        if (this.shouldReport(open)) out.push(this.snapshot(open));
      }
    }
    // The baseline is the usual *peak*: a steady build peaks at 100 % every second while
    // averaging 70 %, and its peaks are its normal, not a spike each.
    this.window.push(sample.time, r.high);
    return out;
  }

  private pastAbsolute(r: Reading): boolean {
    return percentOf(this.metric, r.high, r.memTotal) >= this.t[this.metric].absolute;
  }

  /** Cheap precheck of the sudden-rise rule: a peak below `rise` percent cannot be that far above any baseline. */
  private couldRise(r: Reading): boolean {
    const rise = this.t[this.metric].rise;
    return rise > 0 && percentOf(this.metric, r.high, r.memTotal) >= rise;
  }

  private isAbove(r: Reading, baseline: number): boolean {
    const rise = percentOf(this.metric, r.high - baseline, r.memTotal);
    if (this.pastAbsolute(r) && rise >= this.t[this.metric].margin) return true;
    return isSuddenRise(this.metric, r.high, baseline, this.t, r.memTotal);
  }

  private start(sample: Sample, recent: RecentSamples, r: Reading, baseline: number): OpenSpike {
    const open: OpenSpike = {
      start: sample.time,
      baseline,
      lastAbove: sample.time,
      quietSinceAbove: false,
      peak: -Infinity,
      peakAt: sample.time,
      tally: emptyTally(),
      pending: emptyTally(),
      // Rises from the sample before; for memory from where the climb to it began (see RAMP_MS).
      attribution: new SpikeAttribution(this.metric, this.metric === 'memory' ? recent.climbStart(sample.time) : recent.prev, this.attributionOpts),
      memTotal: r.memTotal,
      reported: false,
      snapshot: null,
    };
    this.extend(open, sample, r);
    this.open = open;
    return open;
  }

  private extend(open: OpenSpike, sample: Sample, r: Reading): void {
    if (open.pending.count > 0) {
      open.tally.min = Math.min(open.tally.min, open.pending.min);
      open.tally.sum += open.pending.sum;
      open.tally.count += open.pending.count;
      open.pending = emptyTally();
    }
    addTo(open.tally, r);
    if (r.high > open.peak) {
      open.peak = r.high;
      open.peakAt = sample.time;
    }
    open.lastAbove = sample.time;
    open.quietSinceAbove = false;
    open.memTotal = r.memTotal;
    // Attribution runs only here, on samples inside a spike.
    open.attribution.add(sample);
    open.snapshot = null;
  }

  private shouldReport(open: OpenSpike): boolean {
    if (!open.reported && open.lastAbove - open.start >= this.t.minDurationMs) open.reported = true;
    return open.reported;
  }

  /** The stream ended: the open spike, if reported, closed at its last sample above (no repeat can come). */
  finish(): Spike | null {
    return this.open ? this.close(this.open) : null;
  }

  /** Ends the open spike at its last sample above; returns it if it was ever reported. */
  private close(open: OpenSpike): Spike | null {
    this.open = null;
    return open.reported ? { ...this.snapshot(open), end: open.lastAbove } : null;
  }

  /** A fresh object per change, so whoever holds an earlier one never sees it mutate. */
  private snapshot(open: OpenSpike): Spike {
    open.snapshot ??= {
      id: `${this.metric}@${open.start}`,
      metric: this.metric,
      start: open.start,
      end: null,
      peak: open.peak,
      peakAt: open.peakAt,
      min: open.tally.min,
      avg: open.tally.sum / open.tally.count,
      baseline: open.baseline,
      severity: severityOf(this.metric, open.peak, this.t, open.memTotal),
      culprits: open.attribution.culprits(),
    };
    return open.snapshot;
  }
}

function addTo(t: Tally, r: Reading): void {
  t.min = Math.min(t.min, r.low);
  t.sum += r.level;
  t.count++;
}

/**
 * Finds CPU and memory spikes in a stream of samples.
 *
 * A spike is a metric's true peak inside an interval (busyMax, usedMax) at or above
 * the absolute threshold AND at least `margin` points above the recent baseline (the
 * median of the peaks of the last baselineMs) — or, whatever the absolute level, a sudden
 * rise far above that baseline (severity `notice`, see isSuddenRise). While a spike is open its baseline is frozen,
 * so a long spike cannot raise the bar it is measured against. A spike ends at its
 * last sample above; it is closed (end set, never changed again) once mergeGapMs has
 * passed without a repeat, so until then end stays null. A repeat within the gap
 * merges into it.
 *
 * Memory held: each metric's baseline window, the samples of the last RAMP_MS (what
 * attribution measures rises from) and, during a spike, the attribution's bounded
 * per-process peaks — never the session's samples. The list of spikes grows: they are small, and the log
 * scrolls back to the first spike of the session.
 */
export class SpikeDetector {
  readonly thresholds: SpikeThresholds;
  private readonly metrics: MetricSpikes[];
  private readonly all: Spike[] = [];
  private readonly recent = new RecentSamples();
  /** OOM kills and cgroup limit hits, logged with the spikes. */
  private readonly memoryEvents: MemoryEvents;

  constructor(thresholds?: ThresholdOverrides, attribution: AttributionOptions = {}) {
    this.thresholds = resolveThresholds(thresholds);
    this.metrics = [
      new MetricSpikes('cpu', this.thresholds, attribution),
      new MetricSpikes('memory', this.thresholds, attribution),
    ];
    this.memoryEvents = new MemoryEvents(this.thresholds.mergeGapMs, attribution);
  }

  /**
   * Feed the next sample. Returns the spikes it opened, updated or closed; a spike's
   * id (`${metric}@${start}`) is how the same spike is recognised across calls.
   * A sample not newer than the previous one (an overlap after a reconnect) is ignored.
   */
  push(sample: Sample): Spike[] {
    const prev = this.recent.prev;
    if (prev && sample.time <= prev.time) return [];
    const changed: Spike[] = [];
    for (const m of this.metrics) {
      for (const spike of m.step(sample, this.recent)) {
        this.record(spike);
        changed.push(spike);
      }
    }
    for (const event of this.memoryEvents.step(sample, this.recent)) {
      this.record(event);
      changed.push(event);
    }
    this.recent.push(sample);
    return changed;
  }

  /**
   * The stream ended (a recording closed, an agent stopping): every spike still open
   * ends at its last sample above, as a quiet gap would have ended it. Returns those.
   * Only the open spikes are closed: baselines and recent samples stay as they were.
   */
  finish(): Spike[] {
    const closed = [...this.metrics.map((m) => m.finish()), ...this.memoryEvents.finish()].filter((s): s is Spike => s !== null);
    for (const spike of closed) this.record(spike);
    return closed;
  }

  /** Every spike so far, oldest first, the ongoing ones included (end === null). */
  spikes(): readonly Spike[] {
    return this.all;
  }

  /** How many values the baseline windows hold: stays around baselineMs / interval however long the session. */
  get baselineSize(): number {
    return this.metrics.reduce((n, m) => n + m.baselineSize, 0);
  }

  /** Replaces the spike's earlier version, or inserts it in start order (a start never changes). */
  private record(spike: Spike): void {
    const all = this.all;
    for (let i = all.length - 1; i >= 0 && (all[i] as Spike).start >= spike.start; i--) {
      if ((all[i] as Spike).id === spike.id) {
        all[i] = spike;
        return;
      }
    }
    let at = all.length;
    while (at > 0 && (all[at - 1] as Spike).start > spike.start) at--;
    all.splice(at, 0, spike);
  }
}

/** All spikes of a finished series: exactly what feeding a SpikeDetector gives. */
export function detectSpikes(
  samples: Iterable<Sample>,
  thresholds?: ThresholdOverrides,
  attribution?: AttributionOptions,
): Spike[] {
  const d = new SpikeDetector(thresholds, attribution);
  for (const s of samples) d.push(s);
  return [...d.spikes()];
}
