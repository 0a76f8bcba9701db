import type { ProbeResult } from '../core/probe.js';
import type { Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import type { RecentSamples } from './recent-samples.js';
import { SeriesSpikes, type Reading, type SpikeRule } from './series-spikes.js';
import { isLatencyAbove, severityOfLatency, type SpikeThresholds } from './thresholds.js';

/**
 * Targets followed at once. Each holds a baseline window of a few KB; a peer sending ever new
 * target names must not grow that without end. A host probes a handful.
 */
export const MAX_LATENCY_TARGETS = 128;

/** FNV-1a over the target's UTF-16 units: the same in every tmon, so a viewer's and an agent's ids agree. */
function targetHash(target: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < target.length; i++) h = Math.imul(h ^ target.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** One target's round trip: no culprit (a process named for a slow network answer would be a guess). */
function latencyRule(target: string, t: SpikeThresholds): SpikeRule {
  const hash = targetHash(target);
  return {
    metric: 'latency',
    target,
    id: (start) => `latency@${start}#${hash}`,
    mayBeAbove: (r) => r.high >= t.latency.margin,
    isAbove: (r, baseline) => isLatencyAbove(r.high, baseline, t),
    severity: (peak) => severityOfLatency(peak, t),
    attribution: () => null,
  };
}

/** A round trip answered; a probe that is down has none (the probes panel and `probe() down` rules say down). */
function reading(p: ProbeResult): Reading | undefined {
  if (!p.up || p.ms === undefined || !Number.isFinite(p.ms)) return undefined;
  return { level: p.ms, high: p.ms, low: p.ms, memTotal: 0 };
}

interface Followed {
  series: SeriesSpikes;
  /** When a sample last carried this target, up or down. */
  lastSeen: number;
}

/**
 * Latency spikes, one series per probe target (`Sample.probes`), judged as CPU and memory are:
 * the baseline is the median round trip of the last baselineMs, a spike ends at its last sample
 * above and repeats within mergeGapMs merge. A sample carries each target's latest answer, so a
 * slow answer counts until the next one replaces it. A down target gives no reading: a down
 * stretch is neither a spike nor part of one (its round trip is unknown), and ends an open one
 * like a quiet stretch. A target no sample has carried for baselineMs is forgotten.
 */
export class LatencySpikes {
  private readonly targets = new Map<string, Followed>();

  constructor(private readonly t: SpikeThresholds) {}

  get baselineSize(): number {
    let n = 0;
    for (const f of this.targets.values()) n += f.series.baselineSize;
    return n;
  }

  step(sample: Sample, recent: RecentSamples): Spike[] {
    const out: Spike[] = [];
    const seen = new Set<string>();
    for (const p of sample.probes ?? []) {
      if (seen.has(p.target)) continue;
      seen.add(p.target);
      const followed = this.follow(p.target, sample.time);
      if (!followed) continue;
      followed.lastSeen = sample.time;
      out.push(...followed.series.step(sample, reading(p), recent));
    }
    for (const [target, f] of this.targets) {
      if (seen.has(target)) continue;
      out.push(...f.series.step(sample, undefined, recent));
      if (!f.series.isOpen && sample.time - f.lastSeen >= this.t.baselineMs) this.targets.delete(target);
    }
    return out;
  }

  /** Every target's open spike, closed at its last sample above. */
  finish(): (Spike | null)[] {
    return [...this.targets.values()].map((f) => f.series.finish());
  }

  private follow(target: string, time: number): Followed | undefined {
    let f = this.targets.get(target);
    if (!f && this.targets.size < MAX_LATENCY_TARGETS) {
      f = { series: new SeriesSpikes(latencyRule(target, this.t), this.t), lastSeen: time };
      this.targets.set(target, f);
    }
    return f;
  }
}
