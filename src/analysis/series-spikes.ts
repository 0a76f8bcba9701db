import { MIN_INTERVAL_MS } from '../core/interval.js';
import type { Sample } from '../core/sample.js';
import type { Severity, Spike } from '../core/spike.js';
import type { SpikeAttribution } from './attribution.js';
import { BaselineWindow } from './baseline-window.js';
import type { RecentSamples } from './recent-samples.js';
import type { SpikeThresholds } from './thresholds.js';

/**
 * Samples the baseline needs before anything is called a spike: "above the usual
 * level" means nothing before the usual level is known (a monitor started in the
 * middle of a build would call its first peak a spike).
 */
export const MIN_BASELINE_SAMPLES = 3;

/** One series of one sample: its level at the tick and its extremes inside the interval. */
export interface Reading {
  /** Total busy % over the interval, memory used at the tick, a round trip: what a spike's avg is made of. */
  level: number;
  /** The true peak inside the interval (fast watch), never below the level. */
  high: number;
  low: number;
  /** Bytes of RAM, to turn memory into the percent the thresholds speak in (0 where no percent is taken). */
  memTotal: number;
}

/** What makes a spike of one series: when a peak counts, how bad it is, who caused it. */
export interface SpikeRule {
  readonly metric: Spike['metric'];
  /** The probe target a latency series belongs to. */
  readonly target?: string;
  /** The spike's id: `${metric}@${start}`, told apart per target where there is one. */
  id(start: number): string;
  /** Cheap: whether this reading could be above any baseline (the median costs a sort of the window). */
  mayBeAbove(r: Reading): boolean;
  isAbove(r: Reading, baseline: number): boolean;
  /** `last` is the newest reading inside the spike (memory's total may have changed). */
  severity(peak: number, last: Reading): Severity;
  /** Who caused it, fed each sample inside the spike; null for a series no process can be named for. */
  attribution(sample: Sample, recent: RecentSamples): SpikeAttribution | null;
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
  attribution: SpikeAttribution | null;
  last: Reading;
  /** Reported once its duration reaches minDurationMs; until then nobody has seen it. */
  reported: boolean;
  snapshot: Spike | null;
}

/** Spike detection for one series: the baseline window and at most one open spike. */
export class SeriesSpikes {
  private readonly window: BaselineWindow;
  private open: OpenSpike | null = null;

  constructor(
    private readonly rule: SpikeRule,
    private readonly t: SpikeThresholds,
  ) {
    // Sized for the fastest sampling; it holds fewer seconds if samples come faster still.
    const capacity = Math.min(4096, Math.max(16, Math.ceil(t.baselineMs / MIN_INTERVAL_MS) + 1));
    this.window = new BaselineWindow(t.baselineMs, capacity);
  }

  get baselineSize(): number {
    return this.window.size;
  }

  /** Whether a spike is open (reported or not). */
  get isOpen(): boolean {
    return this.open !== null;
  }

  /**
   * Spikes this sample opened, updated or closed (reported ones only). `r` undefined: the series
   * has no reading in this sample (a probe down); it counts as quiet and joins neither the baseline
   * nor the spike's min and average.
   */
  step(sample: Sample, r: Reading | undefined, recent: RecentSamples): Spike[] {
    const out: Spike[] = [];
    let open = this.open;
    if (open) {
      const above = r !== undefined && this.rule.isAbove(r, open.baseline);
      const withinGap = sample.time - open.lastAbove < this.t.mergeGapMs;
      if (r && above && (!open.quietSinceAbove || withinGap)) {
        this.extend(open, sample, r);
        if (this.shouldReport(open)) out.push(this.snapshot(open));
      } else if (above || !withinGap) {
        // A repeat too late to merge, or a quiet stretch past the gap: the spike is over.
        const closed = this.close(open);
        if (closed) out.push(closed);
        open = null;
      } else {
        open.quietSinceAbove = true;
        if (r) addTo(open.pending, r);
      }
    }
    if (!r) return out;
    // The median costs a sort of the window, so it is taken only when the peak could be a spike.
    if (!open && this.window.size >= MIN_BASELINE_SAMPLES && this.rule.mayBeAbove(r)) {
      const baseline = this.window.median() ?? r.level;
      if (this.rule.isAbove(r, baseline)) {
        open = this.start(sample, recent, r, baseline);
        if (this.shouldReport(open)) out.push(this.snapshot(open));
      }
    }
    // The baseline is the usual *peak*: a steady build peaks at 100 % every second while
    // averaging 70 %, and its peaks are its normal, not a spike each.
    this.window.push(sample.time, r.high);
    return out;
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
      attribution: this.rule.attribution(sample, recent),
      last: r,
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
    open.last = r;
    // Attribution runs only here, on samples inside a spike.
    open.attribution?.add(sample);
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
    const rule = this.rule;
    open.snapshot ??= {
      id: rule.id(open.start),
      metric: rule.metric,
      ...(rule.target !== undefined ? { target: rule.target } : {}),
      start: open.start,
      end: null,
      peak: open.peak,
      peakAt: open.peakAt,
      min: open.tally.min,
      avg: open.tally.sum / open.tally.count,
      baseline: open.baseline,
      severity: rule.severity(open.peak, open.last),
      culprits: open.attribution?.culprits() ?? [],
    };
    return open.snapshot;
  }
}

function addTo(t: Tally, r: Reading): void {
  t.min = Math.min(t.min, r.low);
  t.sum += r.level;
  t.count++;
}
