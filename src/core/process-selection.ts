import type { OmittedProcesses, ProcessStats, Sample } from './sample.js';

export interface SelectionOptions {
  /** How many of the busiest by CPU and, separately, by RSS to keep. */
  top: number;
  /** Also keep any process at or above this CPU % of one core. */
  minCpu?: number;
}

/**
 * The processes worth carrying over the wire or into a summary: the top N by
 * CPU, the top N by RSS, and every process that carries spike evidence (a
 * peak between scans, reaped children's CPU, exited during the interval).
 * Attribution needs exactly these, so a viewer finds the same culprits as
 * the agent. Order: by CPU, descending.
 */
export function selectProcesses(processes: readonly ProcessStats[], opts: SelectionOptions): ProcessStats[] {
  const minCpu = opts.minCpu ?? 5;
  const keep = new Set<ProcessStats>();
  const byCpu = [...processes].sort((a, b) => b.cpu - a.cpu);
  const byRss = [...processes].sort((a, b) => b.rss - a.rss);
  for (let i = 0; i < opts.top; i++) {
    const c = byCpu[i];
    const r = byRss[i];
    if (c) keep.add(c);
    if (r) keep.add(r);
  }
  for (const p of processes) {
    if (
      p.cpu >= minCpu ||
      p.exited === true ||
      (p.childCpu ?? 0) >= minCpu ||
      (p.rssPeak !== undefined && p.rssPeak > p.rss * 1.2 && p.rssPeak - p.rss > 16 * 1024 * 1024)
    ) {
      keep.add(p);
    }
  }
  return byCpu.filter((p) => keep.has(p));
}

/**
 * The same sample carrying only the selected processes, with what was left out
 * summed up in `omitted` (merged with an earlier selection's, if any).
 */
export function withSelectedProcesses(sample: Sample, opts: SelectionOptions): Sample {
  const processes = selectProcesses(sample.processes, opts);
  const kept = new Set(processes);
  const omitted: OmittedProcesses = sample.omitted ? { ...sample.omitted } : { count: 0, maxCpu: 0, maxRss: 0 };
  for (const p of sample.processes) {
    if (kept.has(p)) continue;
    omitted.count++;
    omitted.maxCpu = Math.max(omitted.maxCpu, p.cpu);
    omitted.maxRss = Math.max(omitted.maxRss, p.rss);
  }
  return { ...sample, processes, omitted };
}
