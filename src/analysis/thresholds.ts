import type { Severity, SpikeMetric } from '../core/spike.js';

export interface MetricThreshold {
  /** Percent the peak must reach: busy % of all cores for cpu, % of RAM (or the cgroup limit) for memory. */
  absolute: number;
  /** Percent points the peak must rise above the recent baseline. */
  margin: number;
  /**
   * The sudden-rise rule, whatever the absolute level: a peak this many percent points
   * above the baseline that is also at least RISE_FACTOR[metric] times the baseline (and,
   * for memory, MIN_MEMORY_RISE_BYTES) is a spike of severity `notice`. 0 turns it off.
   */
  rise: number;
}

/**
 * A sudden rise must also be this large against the baseline itself. CPU: half again
 * what the machine normally uses. Memory: a quarter, since what a machine normally
 * uses is mostly long-lived (daemons, a database's cache): 500 MB on a machine using
 * 1 GB is the transient a quota alert is about, and at half it would hang on the edge.
 */
const RISE_FACTOR: Readonly<Record<SpikeMetric, number>> = Object.freeze({ cpu: 0.5, memory: 0.25 });
/** …and for memory at least this many bytes, so a nearly empty container does not log every small allocation. */
export const MIN_MEMORY_RISE_BYTES = 64 * 1024 * 1024;

/**
 * A probe's round trip against its own usual level (the median of the last baselineMs): a spike
 * when the peak is at least `factor` times it AND `margin` ms above it. No absolute level makes a
 * spike (a site that always answers in 800 ms has none); `absolute` grades one (severityOfLatency).
 */
export interface LatencyThreshold {
  factor: number;
  /** ms above the usual round trip, so jitter on a fast link (0.3 → 20 ms) is no spike. */
  margin: number;
  /** ms from which a spike is careful; warning from twice, critical from four times this. */
  absolute: number;
}

export interface SpikeThresholds {
  cpu: MetricThreshold;
  memory: MetricThreshold;
  latency: LatencyThreshold;
  /** How far back the recent baseline reaches: the median of the levels in this window before a spike. */
  baselineMs: number;
  /** Shortest spike reported. 0: a single sample above is a spike, because brief spikes are the point of tmon. */
  minDurationMs: number;
  /** A repeat that starts less than this after the previous spike's last sample above merges into it. */
  mergeGapMs: number;
}

/** What callers may override: any field, including just one half of a metric's threshold. */
export type ThresholdOverrides = Partial<Omit<SpikeThresholds, 'cpu' | 'memory' | 'latency'>> & {
  cpu?: Partial<MetricThreshold>;
  memory?: Partial<MetricThreshold>;
  latency?: Partial<LatencyThreshold>;
};

/**
 * mergeGapMs is 2.5 s, not longer: issue 5's generator spikes every 5 s and each
 * one must stay its own entry in the log; 2.5 s merges a single quiet sample at
 * 1 Hz (flapping) but never two.
 *
 * Sudden rises: memory from 1 point of RAM (240 MB on 24 GB, where 400 MB transients
 * at 2 % used must be logged); CPU from 50 points, so on a small machine one busy
 * core (an ordinary job) is not a spike and a steady build cannot make one.
 *
 * Latency: twice the usual round trip and 100 ms more, so a web check going from 80 to 400 ms is a
 * spike and a LAN ping's jitter is not; careful from 500 ms (the README's example alert), warning
 * from 1 s, critical from 2 s (near the default 3 s timeout, past which the probe is down).
 */
export const DEFAULT_THRESHOLDS: SpikeThresholds = Object.freeze({
  cpu: Object.freeze({ absolute: 80, margin: 20, rise: 50 }),
  memory: Object.freeze({ absolute: 80, margin: 10, rise: 1 }),
  latency: Object.freeze({ factor: 2, margin: 100, absolute: 500 }),
  baselineMs: 60_000,
  minDurationMs: 0,
  mergeGapMs: 2_500,
});

/** Defaults filled in and every value checked; a RangeError names the bad field. */
export function resolveThresholds(overrides: ThresholdOverrides = {}): SpikeThresholds {
  const t: SpikeThresholds = {
    cpu: { ...DEFAULT_THRESHOLDS.cpu, ...definedOnly(overrides.cpu) },
    memory: { ...DEFAULT_THRESHOLDS.memory, ...definedOnly(overrides.memory) },
    latency: { ...DEFAULT_THRESHOLDS.latency, ...definedOnly(overrides.latency) },
    baselineMs: overrides.baselineMs ?? DEFAULT_THRESHOLDS.baselineMs,
    minDurationMs: overrides.minDurationMs ?? DEFAULT_THRESHOLDS.minDurationMs,
    mergeGapMs: overrides.mergeGapMs ?? DEFAULT_THRESHOLDS.mergeGapMs,
  };
  for (const metric of ['cpu', 'memory'] as const) {
    check(`${metric}.absolute`, t[metric].absolute, 0, 100);
    check(`${metric}.margin`, t[metric].margin, 0, 100);
    check(`${metric}.rise`, t[metric].rise, 0, 100);
  }
  check('latency.factor', t.latency.factor, 1, 1000);
  check('latency.margin', t.latency.margin, 0, 3_600_000);
  check('latency.absolute', t.latency.absolute, 1, 3_600_000);
  check('baselineMs', t.baselineMs, 1, Number.MAX_SAFE_INTEGER);
  check('minDurationMs', t.minDurationMs, 0, Number.MAX_SAFE_INTEGER);
  check('mergeGapMs', t.mergeGapMs, 0, Number.MAX_SAFE_INTEGER);
  return t;
}

/**
 * Whether a peak is a sudden rise (the `notice` rule): `rise` points above the
 * baseline, at least RISE_FACTOR × the baseline, and for memory MIN_MEMORY_RISE_BYTES.
 * Values in the metric's unit (busy %, bytes).
 */
export function isSuddenRise(metric: SpikeMetric, peak: number, baseline: number, thresholds: SpikeThresholds, memTotal: number): boolean {
  const t = thresholds[metric];
  if (t.rise <= 0) return false;
  const rise = peak - baseline;
  if (percentOf(metric, rise, memTotal) < t.rise || rise < RISE_FACTOR[metric] * Math.max(0, baseline)) return false;
  return metric === 'cpu' || rise >= MIN_MEMORY_RISE_BYTES;
}

/**
 * How bad a peak is, glances-style, scaled to the room left above the threshold t
 * so the levels stay ordered for any t:
 *   notice   below t (a sudden rise, see isSuddenRise)
 *   careful  below t + ½(100 − t)
 *   warning  from  t + ½(100 − t)   (90 % at the default 80)
 *   critical from  t + ¾(100 − t)   (95 % at the default 80)
 * `peak` is in the spike's unit: busy % for cpu, bytes for memory (hence memTotal).
 */
export function severityOf(metric: SpikeMetric, peak: number, thresholds: SpikeThresholds, memTotal: number): Severity {
  const pct = percentOf(metric, peak, memTotal);
  const t = thresholds[metric].absolute;
  const room = 100 - t;
  if (pct >= t + 0.75 * room) return 'critical';
  if (pct >= t + 0.5 * room) return 'warning';
  return pct >= t ? 'careful' : 'notice';
}

/** How bad a round trip of `peakMs` is: notice below `absolute`, careful from it, warning from 2×, critical from 4×. */
export function severityOfLatency(peakMs: number, thresholds: SpikeThresholds): Severity {
  const t = thresholds.latency.absolute;
  if (peakMs >= 4 * t) return 'critical';
  if (peakMs >= 2 * t) return 'warning';
  return peakMs >= t ? 'careful' : 'notice';
}

/** Whether a round trip is a spike over the usual one (see LatencyThreshold). */
export function isLatencyAbove(peakMs: number, baselineMs: number, thresholds: SpikeThresholds): boolean {
  const t = thresholds.latency;
  return peakMs >= t.factor * baselineMs && peakMs - baselineMs >= t.margin;
}

/** A metric value as the percent the thresholds speak in. */
export function percentOf(metric: SpikeMetric, value: number, memTotal: number): number {
  return metric === 'cpu' ? value : (value / memTotal) * 100;
}

function check(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`spike threshold ${name} must be a number from ${min} to ${max}, got ${value}`);
  }
}

/** `{ absolute: undefined }` must not wipe out the default. */
function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
