export type SpikeMetric = 'cpu' | 'memory';

/**
 * One-sample events logged with the spikes (analysis/memory-events.ts): `oom` an
 * OOM kill, its culprit the process that vanished with its last RSS as `rise`;
 * `limit` the memory cgroup hit its limit.
 */
export type EventMetric = 'oom' | 'limit';

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
  /** Stable within a session: `${metric}@${start}`. */
  id: string;
  metric: SpikeMetric | EventMetric;
  /** ms since epoch of the first sample above the threshold. */
  start: number;
  /** ms since epoch of the last sample above the threshold; null while it is still going on. */
  end: number | null;
  /** Highest value: busy % for cpu, used bytes for memory and the events. */
  peak: number;
  peakAt: number;
  min: number;
  avg: number;
  /** The recent level it rose from, same unit as peak. */
  baseline: number;
  severity: Severity;
  culprits: Culprit[];
}
