export type SpikeMetric = 'cpu' | 'memory';

/**
 * One-sample events logged with the spikes (analysis/memory-events.ts): `oom` an
 * OOM kill, its culprit the process that vanished with its last RSS as `rise`;
 * `limit` the memory cgroup hit its limit.
 */
export type EventMetric = 'oom' | 'limit';

/** A probe's round trip (core/probe.ts), one series per target: its spikes name the target, never a process. */
export type ProbeMetric = 'latency';

/**
 * The metrics tmon's spikes had when recordings (format 4) and the wire (protocol 1) were
 * first read: those readers refuse a spike of any other metric, so such spikes travel and are
 * stored apart (`newerSpikes`), where those readers never look.
 */
export const FIRST_SPIKE_METRICS: readonly string[] = ['cpu', 'memory', 'oom', 'limit'];

/** Every metric this tmon's spikes may have. */
export const SPIKE_METRICS: readonly Spike['metric'][] = ['cpu', 'memory', 'oom', 'limit', 'latency'];

/** Spikes every reader knows (`first`) and those of newer metrics (`newer`), each in the order given. */
export function splitSpikesByReaders(spikes: readonly Spike[]): { first: Spike[]; newer: Spike[] } {
  const first: Spike[] = [];
  const newer: Spike[] = [];
  for (const s of spikes) (FIRST_SPIKE_METRICS.includes(s.metric) ? first : newer).push(s);
  return { first, newer };
}

/**
 * `notice`: a sudden rise far above what the machine usually uses, below the absolute
 * threshold. Then glances' three levels: how far above the absolute threshold the peak went.
 */
export type Severity = 'notice' | 'careful' | 'warning' | 'critical';

export interface Culprit {
  pid: number;
  name: string;
  cmd: string;
  user: string;
  startTime: number;
  /** How much this process rose from the baseline to the peak: CPU percent points of one core, or RSS bytes. */
  rise: number;
  /** Its part of the summed rise of all culprits, 0–1. */
  share: number;
  /** The process was gone by the end of the spike. */
  exited?: boolean;
  /** Set when the rise is CPU of reaped children, charged to this parent. */
  viaChildren?: boolean;
  /** This is the tmon process that took the samples. */
  monitor?: boolean;
}

export interface Spike {
  /** Stable within a session: `${metric}@${start}`; a latency spike's adds its target's hash (analysis/latency-spikes.ts). */
  id: string;
  metric: SpikeMetric | EventMetric | ProbeMetric;
  /** latency: the probe target (as given to --probe) whose round trip rose. */
  target?: string;
  /** ms since epoch of the first sample above the threshold. */
  start: number;
  /** ms since epoch of the last sample above the threshold; null while it is still going on. */
  end: number | null;
  /** Highest value: busy % for cpu, used bytes for memory and the events, round trip ms for latency. */
  peak: number;
  peakAt: number;
  min: number;
  avg: number;
  /** The recent level it rose from, same unit as peak. */
  baseline: number;
  severity: Severity;
  /** None for latency: a process named for a slow network answer would be a guess. */
  culprits: Culprit[];
}
