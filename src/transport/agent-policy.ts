/**
 * The sampling interval the agent runs at: its own, or faster while a viewer
 * asks for it. Requests are clamped to [minMs, base]; a request slower than
 * the agent's own rate changes nothing, so one viewer cannot slow others down.
 */
export function effectiveInterval(baseMs: number, requests: Iterable<number | null>, minMs: number): number {
  let ms = baseMs;
  for (const r of requests) {
    if (r !== null) ms = Math.min(ms, Math.max(minMs, r));
  }
  return ms;
}

/** Counts inbound messages in one-second windows; `admit` says whether one more is allowed. */
export class MessageRate {
  private windowStart = -Infinity;
  private count = 0;

  constructor(private readonly maxPerSec: number) {}

  admit(nowMs: number): boolean {
    if (nowMs - this.windowStart >= 1000) {
      this.windowStart = nowMs;
      this.count = 0;
    }
    this.count++;
    return this.count <= this.maxPerSec;
  }
}

/** Indices [start, end) of the samples with from ≤ time ≤ to in a time-ordered timeline. */
export function timeRange(
  timeline: { readonly length: number; at(i: number): { time: number } | undefined; indexAtTime(t: number): number },
  from: number,
  to: number,
): [number, number] {
  if (timeline.length === 0 || from > to) return [0, 0];
  let start = timeline.indexAtTime(from);
  if ((timeline.at(start)?.time ?? Infinity) < from) start++;
  let end = timeline.indexAtTime(to);
  if ((timeline.at(end)?.time ?? Infinity) <= to) end++;
  return [start, Math.max(start, end)];
}

/** Index of the first sample taken after `time` (length when none is). */
export function indexAfter(
  timeline: { readonly length: number; at(i: number): { time: number } | undefined; indexAtTime(t: number): number },
  time: number,
): number {
  if (timeline.length === 0) return 0;
  const i = timeline.indexAtTime(time);
  return (timeline.at(i)?.time ?? Infinity) <= time ? i + 1 : i;
}
