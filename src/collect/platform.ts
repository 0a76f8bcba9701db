/**
 * The one place that looks at the platform and picks a collector: /proc read
 * directly on Linux, systeminformation elsewhere (loaded only there, so Linux
 * startup never pays for it).
 */
import { UsageError } from '../core/errors.js';
import { MIN_INTERVAL_MS, isSamplingInterval } from '../core/interval.js';
import type { Collector } from './collector.js';
import { LinuxCollector } from './linux-collector.js';
import type { ProbeSpec } from '../core/probe.js';

export interface CollectorOptions {
  /**
   * The sampling interval the caller will use (>= 200 ms). Rates are measured
   * between sample() calls whatever their spacing; this validates the request.
   */
  intervalMs: number;
  /** Linux: where procfs is mounted. Default '/proc'. */
  procRoot?: string;
  /** Linux: user names for uids. Default '/etc/passwd'. */
  passwdPath?: string;
  /** Linux: the 10–20 Hz watch of memory and CPU between samples (issue 5). Default true. */
  fastWatch?: boolean;
  /** Linux: readings per second of the fast watch. Default 15. */
  fastWatchHz?: number;
  /** Linux: the memory cgroup to watch instead of tmon's own; its limit is the memory total. */
  cgroup?: string;
  /** Linux: where cgroupfs is mounted. Default '/sys/fs/cgroup'. */
  cgroupRoot?: string;
  /** Targets probed on their own timers; each sample carries their latest answers. */
  probes?: readonly ProbeSpec[];
}

export async function createCollector(opts: CollectorOptions): Promise<Collector> {
  const collector = await platformCollector(opts);
  if (!opts.probes || opts.probes.length === 0) return collector;
  // Loaded only when probes are asked for: node:https alone is ~3 MB of a dashboard's RSS.
  const { ProbeRunner, withProbes } = await import('./probe-runner.js');
  return withProbes(collector, new ProbeRunner(opts.probes));
}

async function platformCollector(opts: CollectorOptions): Promise<Collector> {
  if (!isSamplingInterval(opts.intervalMs)) {
    throw new UsageError(`sampling interval must be at least ${MIN_INTERVAL_MS} ms, got ${opts.intervalMs}`);
  }
  if (process.platform === 'linux') {
    return LinuxCollector.create({
      procRoot: opts.procRoot,
      passwdPath: opts.passwdPath,
      fastWatch: opts.fastWatch,
      fastWatchHz: opts.fastWatchHz,
      cgroup: opts.cgroup,
      cgroupRoot: opts.cgroupRoot,
    });
  }
  const { SiCollector } = await import('./si-collector.js');
  return SiCollector.create();
}
