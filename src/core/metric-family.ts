/**
 * A metric family as Prometheus exposes it: one name, its help and type, and a
 * value per label set. Built by analysis (what a sample means) and written out by
 * protocol (the text formats), so neither needs the other.
 */
export interface MetricFamily {
  /** Without the `_total` suffix of a counter: the writer adds it. */
  name: string;
  help: string;
  type: 'gauge' | 'counter' | 'info';
  /** Unit as OpenMetrics names it (the name ends with it): bytes, seconds, ratio. */
  unit?: 'bytes' | 'seconds' | 'ratio';
  samples: readonly MetricSample[];
}

export interface MetricSample {
  labels?: Readonly<Record<string, string>>;
  value: number;
}
