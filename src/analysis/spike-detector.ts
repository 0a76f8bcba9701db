import type { Sample } from '../core/sample.js';
import type { Spike, SpikeMetric } from '../core/spike.js';
import { SpikeAttribution, type AttributionOptions } from './attribution.js';
import { LatencySpikes } from './latency-spikes.js';
import { MemoryEvents } from './memory-events.js';
import { RecentSamples, memoryPeak } from './recent-samples.js';
import { SeriesSpikes, type Reading, type SpikeRule } from './series-spikes.js';
import { isSuddenRise, percentOf, resolveThresholds, severityOf, type SpikeThresholds, type ThresholdOverrides } from './thresholds.js';

/** CPU busy % or memory used in one sample: at the tick, and its extremes inside the interval (fast watch). */
function read(metric: SpikeMetric, s: Sample): Reading {
  const memTotal = s.memory.total > 0 ? s.memory.total : s.host.memTotal;
  if (metric === 'cpu') {
    const level = s.cpu.total.busy;
    return { level, high: Math.max(level, s.cpu.busyMax), low: Math.min(level, s.cpu.busyMin), memTotal };
  }
  const level = s.memory.used;
  return { level, high: memoryPeak(s), low: Math.min(level, s.memory.usedMin), memTotal };
}

/** The machine's CPU or memory: percent thresholds, culprits from the processes' rises. */
function machineRule(metric: SpikeMetric, t: SpikeThresholds, attributionOpts: AttributionOptions): SpikeRule {
  const pastAbsolute = (r: Reading): boolean => percentOf(metric, r.high, r.memTotal) >= t[metric].absolute;
  return {
    metric,
    id: (start) => `${metric}@${start}`,
    // Past the absolute threshold, or high enough that the sudden-rise rule could hold over some baseline.
    mayBeAbove: (r) => pastAbsolute(r) || (t[metric].rise > 0 && percentOf(metric, r.high, r.memTotal) >= t[metric].rise),
    isAbove(r, baseline) {
      const rise = percentOf(metric, r.high - baseline, r.memTotal);
      if (pastAbsolute(r) && rise >= t[metric].margin) return true;
      return isSuddenRise(metric, r.high, baseline, t, r.memTotal);
    },
    severity: (peak, last) => severityOf(metric, peak, t, last.memTotal),
    // Rises from the sample before; for memory from where the climb to it began (see RAMP_MS).
    attribution: (sample, recent) =>
      new SpikeAttribution(metric, metric === 'memory' ? recent.climbStart(sample.time) : recent.prev, attributionOpts),
  };
}

/**
 * Finds CPU and memory spikes in a stream of samples, and each probe target's latency
 * spikes (analysis/latency-spikes.ts: the same series logic on its round trip).
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
 * Memory held: each metric's and probe target's baseline window, the samples of the last RAMP_MS (what
 * attribution measures rises from) and, during a spike, the attribution's bounded
 * per-process peaks — never the session's samples. The list of spikes grows: they are small, and the log
 * scrolls back to the first spike of the session.
 */
export class SpikeDetector {
  readonly thresholds: SpikeThresholds;
  private readonly metrics: { metric: SpikeMetric; series: SeriesSpikes }[];
  private readonly latency: LatencySpikes;
  private readonly all: Spike[] = [];
  private readonly recent = new RecentSamples();
  /** OOM kills and cgroup limit hits, logged with the spikes. */
  private readonly memoryEvents: MemoryEvents;

  constructor(thresholds?: ThresholdOverrides, attribution: AttributionOptions = {}) {
    this.thresholds = resolveThresholds(thresholds);
    this.metrics = (['cpu', 'memory'] as const).map((metric) => ({
      metric,
      series: new SeriesSpikes(machineRule(metric, this.thresholds, attribution), this.thresholds),
    }));
    this.latency = new LatencySpikes(this.thresholds);
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
    const changed = [
      ...this.metrics.flatMap((m) => m.series.step(sample, read(m.metric, sample), this.recent)),
      ...this.latency.step(sample, this.recent),
      ...this.memoryEvents.step(sample, this.recent),
    ];
    for (const spike of changed) this.record(spike);
    this.recent.push(sample);
    return changed;
  }

  /**
   * The stream ended (a recording closed, an agent stopping): every spike still open
   * ends at its last sample above, as a quiet gap would have ended it. Returns those.
   * Only the open spikes are closed: baselines and recent samples stay as they were.
   */
  finish(): Spike[] {
    const closed = [
      ...this.metrics.map((m) => m.series.finish()),
      ...this.latency.finish(),
      ...this.memoryEvents.finish(),
    ].filter((s): s is Spike => s !== null);
    for (const spike of closed) this.record(spike);
    return closed;
  }

  /** Every spike so far, oldest first, the ongoing ones included (end === null). */
  spikes(): readonly Spike[] {
    return this.all;
  }

  /** How many values the baseline windows hold: stays around baselineMs / interval however long the session. */
  get baselineSize(): number {
    return this.metrics.reduce((n, m) => n + m.series.baselineSize, this.latency.baselineSize);
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
