/**
 * The latency panel's content: per probe target, up or down at the cursor's
 * sample, its latest round trip, a sparkline of round trips over the samples
 * shown, and how often it was up there. Pure.
 */
import type { ProbeResult } from '../core/probe.js';
import type { Sample } from '../core/sample.js';
import { displayWidth, fitWidth, padWidth } from '../core/text-width.js';
import { formatRoundTrip } from '../core/units.js';
import { sparkline } from './view-model.js';

export interface ProbeLine {
  text: string;
  up: boolean;
}

/** `▲ tcp://db:5432   1.2ms  ▁▂▁▃█▁  100%` per target; `samples` end at the cursor. */
export function probeLines(samples: readonly Sample[], width: number): ProbeLine[] {
  const now = samples.at(-1)?.probes ?? [];
  if (width <= 0 || now.length === 0) return [];
  const nameWidth = Math.max(8, Math.min(Math.max(...now.map((p) => displayWidth(p.target))), Math.floor(width / 2)));
  return now.map((p) => {
    const history = samples.flatMap((s) => s.probes?.find((q) => q.target === p.target) ?? []);
    const upPct = Math.round((history.filter((h) => h.up).length / history.length) * 100);
    const head = `${p.up ? '▲' : '▼'} ${padWidth(fitWidth(p.target, nameWidth), nameWidth)} ${figure(p).padStart(8)}`;
    const tail = ` ${`${upPct}%`.padStart(4)}`;
    const sparkWidth = width - displayWidth(head) - displayWidth(tail) - 1;
    // A down probe draws as the floor of its sparkline: no round trip, not a fast one.
    const spark = sparkWidth >= 4 ? ` ${sparkline(history.map((h) => h.ms ?? 0), sparkWidth).padEnd(sparkWidth)}` : '';
    return { text: fitWidth(`${head}${spark}${tail}`, width), up: p.up };
  });
}

/** The latest round trip, or why it is down, in eight columns. */
function figure(p: ProbeResult): string {
  if (!p.up) return p.status !== undefined ? `HTTP ${p.status}` : 'down';
  return formatRoundTrip(p.ms ?? 0);
}
