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

/** Counts inbound frames in one-second windows; `admit` says whether `count` more are allowed. */
export class MessageRate {
  private windowStart = -Infinity;
  private count = 0;

  constructor(private readonly maxPerSec: number) {}

  admit(nowMs: number, count = 1): boolean {
    if (nowMs - this.windowStart >= 1000) {
      this.windowStart = nowMs;
      this.count = 0;
    }
    this.count += count;
    return this.count <= this.maxPerSec;
  }
}

/** Sample times in time order, by index: what range lookups need from a history. */
export interface TimeIndex {
  readonly length: number;
  timeAt(index: number): number | undefined;
}

/** Index of the first sample taken at or after `time` (length when none is). */
export function indexFrom(h: TimeIndex, time: number): number {
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((h.timeAt(mid) ?? Infinity) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first sample taken after `time` (length when none is). */
export function indexAfter(h: TimeIndex, time: number): number {
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((h.timeAt(mid) ?? Infinity) <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Indices [start, end) of the samples with from ≤ time ≤ to. */
export function timeRange(h: TimeIndex, from: number, to: number): [number, number] {
  if (from > to) return [0, 0];
  const start = indexFrom(h, from);
  return [start, Math.max(start, indexAfter(h, to))];
}
