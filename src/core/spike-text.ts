import type { Culprit, Spike } from './spike.js';
import { formatBytes, formatDuration, formatRoundTrip } from './units.js';

/**
 * `alloc[4242] 92%`, with `via children` / `exited` / `(tmon itself)` when they apply; an OOM kill's
 * `alloc[4242] last RSS 61M`: the same words on screen and in `tmon spikes`.
 */
export function culpritText(c: Culprit, metric?: Spike['metric']): string {
  if (metric === 'oom') return `${c.name}[${c.pid}] last RSS ${formatBytes(c.rise)}`;
  let text = `${c.name}[${c.pid}] ${Math.round(c.share * 100)}%`;
  if (c.viaChildren === true) text += ' via children';
  if (c.exited === true) text += ' exited';
  if (c.monitor === true) text += ' (tmon itself)';
  return text;
}

/**
 * How long a spike lasted. One seen in a single sample lasted less than an
 * interval, and says so rather than "0.0s"; an ongoing one shows its duration
 * so far when `now` is known.
 */
export function spikeDuration(s: Spike, intervalMs: number, now?: number): string {
  if (s.end === null) return now === undefined ? 'ongoing' : `${formatDuration(Math.max(0, now - s.start))}+`;
  const d = s.end - s.start;
  return d <= 0 ? `<${formatDuration(intervalMs)}` : formatDuration(d);
}

/** What a latency spike names instead of culprits: `https://db1/health (usual 12ms)` (raw: sanitise where shown). */
export function latencySubject(s: Spike): string {
  return `${s.target ?? 'unknown target'} (usual ${formatRoundTrip(s.baseline)})`;
}
