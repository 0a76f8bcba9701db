import type { Spike } from '../core/spike.js';
import type { Timeline } from '../core/timeline.js';

/**
 * The time cursor: pure moves over a Timeline. The cursor is a time, not an
 * index, because a live history drops its oldest samples and indices shift
 * under a paused view; the sample shown is the last one at or before the cursor.
 */

/** Index of the sample under the cursor; null cursor means "follow the newest". -1 when empty. */
export function cursorIndex(tl: Timeline, cursor: number | null): number {
  if (cursor === null) return tl.length - 1;
  return tl.indexAtTime(cursor);
}

/** The time of the sample `n` samples after (or, negative, before) the one under the cursor, clamped to the ends. */
export function stepSamples(tl: Timeline, cursor: number, n: number): number {
  if (tl.length === 0) return cursor;
  const i = clamp(tl.indexAtTime(cursor) + n, 0, tl.length - 1);
  return tl.at(i)?.time ?? cursor;
}

/**
 * Move by a span of time (a minute, an hour) and land on a sample. Moving always
 * changes the sample when there is one further in that direction, even across a gap.
 */
export function stepTime(tl: Timeline, cursor: number, deltaMs: number): number {
  if (tl.length === 0 || deltaMs === 0) return cursor;
  const from = tl.indexAtTime(cursor);
  let to = tl.indexAtTime(cursor + deltaMs);
  if (deltaMs > 0 && to <= from) to = from + 1;
  if (deltaMs < 0 && to >= from) to = from - 1;
  return tl.at(clamp(to, 0, tl.length - 1))?.time ?? cursor;
}

/**
 * The sample a typed time means: one taken inside that second (times show to the
 * second, so `g 19:42:24` must not land on 19:42:23.9), else the nearest one.
 */
export function snapToTyped(tl: Timeline, time: number): number {
  if (tl.length === 0) return time;
  const before = tl.indexAtTime(time);
  const b = tl.at(before)?.time ?? time;
  const a = tl.at(before + 1)?.time;
  if (b >= time && b < time + 1000) return b;
  if (a !== undefined && (a < time + 1000 || a - time < time - b)) return a;
  return b;
}

/** The next spike whose peak is after the cursor (dir 1), or the previous one before it (dir -1). */
export function adjacentSpike(spikes: readonly Spike[], cursor: number, dir: 1 | -1): Spike | undefined {
  let best: Spike | undefined;
  for (const s of spikes) {
    if (dir === 1 ? s.peakAt > cursor && (!best || s.peakAt < best.peakAt) : s.peakAt < cursor && (!best || s.peakAt > best.peakAt)) {
      best = s;
    }
  }
  return best;
}

/** Where a replay opens: the first spike's peak, or the first sample. */
export function initialCursor(tl: Timeline, spikes: readonly Spike[]): number | null {
  const first = spikes.reduce<Spike | undefined>((a, s) => (!a || s.start < a.start ? s : a), undefined);
  if (first) return first.peakAt;
  return tl.at(0)?.time ?? null;
}

export type PlaySpeed = 0 | 1 | 10 | 60;

/** `p` cycles stopped → 1x → 10x → 60x → stopped. */
export function nextSpeed(speed: PlaySpeed): PlaySpeed {
  return speed === 0 ? 1 : speed === 1 ? 10 : speed === 10 ? 60 : 0;
}

/**
 * Playback: the cursor advances by the elapsed wall time times the speed. It is
 * kept as an exact time between samples (snapping would stall at 1x with frames
 * shorter than the interval); `ended` when it reaches the newest sample.
 */
export function playStep(tl: Timeline, cursor: number, elapsedMs: number, speed: PlaySpeed): { cursor: number; ended: boolean } {
  const last = tl.at(tl.length - 1)?.time;
  if (last === undefined) return { cursor, ended: true };
  const next = cursor + elapsedMs * speed;
  return next >= last ? { cursor: last, ended: true } : { cursor: next, ended: false };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
