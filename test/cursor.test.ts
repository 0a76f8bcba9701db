import { describe, expect, it } from 'vitest';
import type { Spike } from '../src/core/spike.js';
import { SampleHistory } from '../src/core/sample-history.js';
import { adjacentSpike, cursorIndex, initialCursor, nextSpeed, playStep, snapToTyped, stepSamples, stepTime } from '../src/ui/cursor.js';
import { makeSample } from './helpers/make-sample.js';

const T = 1_800_000_000_000;

/** Samples every second for 2 hours, except a 10-minute gap after the first hour. */
function history(): SampleHistory {
  const h = new SampleHistory(10_000);
  for (let t = 0; t < 7200; t++) if (t < 3600 || t >= 4200) h.push(makeSample({ time: T + t * 1000 }));
  return h;
}

function spike(id: string, start: number, peakAt: number): Spike {
  return { id, metric: 'cpu', start, end: start + 1000, peak: 99, peakAt, min: 90, avg: 95, baseline: 10, severity: 'critical', culprits: [] };
}

describe('time cursor', () => {
  const tl = history();
  const last = T + 7199_000;

  it('follows the newest sample when there is no cursor, else the sample at or before it', () => {
    expect(cursorIndex(tl, null)).toBe(tl.length - 1);
    expect(cursorIndex(tl, T + 10_500)).toBe(10);
    expect(cursorIndex(new SampleHistory(3), null)).toBe(-1);
  });

  it('steps one sample, clamped at both ends', () => {
    expect(stepSamples(tl, T + 10_000, -1)).toBe(T + 9_000);
    expect(stepSamples(tl, T + 10_000, 1)).toBe(T + 11_000);
    expect(stepSamples(tl, T, -1)).toBe(T);
    expect(stepSamples(tl, last, 1)).toBe(last);
    // From between samples: relative to the one shown.
    expect(stepSamples(tl, T + 10_700, 1)).toBe(T + 11_000);
  });

  it('steps a minute or an hour, and always moves across a gap', () => {
    expect(stepTime(tl, T + 120_000, -60_000)).toBe(T + 60_000);
    expect(stepTime(tl, T + 120_000, 3_600_000)).toBe(T + 3599_000);
    // Inside the gap a minute forward would land on the same sample: it moves on to the next one.
    expect(stepTime(tl, T + 3599_000, 60_000)).toBe(T + 4200_000);
    expect(stepTime(tl, T + 4200_000, -60_000)).toBe(T + 3599_000);
    expect(stepTime(tl, last, 3_600_000)).toBe(last);
    expect(stepTime(tl, T, -3_600_000)).toBe(T);
  });

  it('snaps a typed time to a sample inside that second, else the nearest', () => {
    expect(snapToTyped(tl, T + 3700_000)).toBe(T + 3599_000);
    expect(snapToTyped(tl, T + 4100_000)).toBe(T + 4200_000);
    expect(snapToTyped(tl, T - 5000)).toBe(T);
    // Samples taken late in their second: 00:00:01 is the one at 1.9 s, not the one at 0.9 s shown as 00:00:00.
    const late = new SampleHistory(10);
    for (const ms of [900, 1900, 2900]) late.push(makeSample({ time: T + ms }));
    expect(snapToTyped(late, T + 1000)).toBe(T + 1900);
    expect(snapToTyped(late, T + 60_000)).toBe(T + 2900);
  });

  it('finds the next and previous spike by their peaks', () => {
    const spikes = [spike('a', T + 100_000, T + 101_000), spike('b', T + 500_000, T + 502_000), spike('c', T + 900_000, T + 900_000)];
    expect(adjacentSpike(spikes, T, 1)?.id).toBe('a');
    expect(adjacentSpike(spikes, T + 101_000, 1)?.id).toBe('b');
    expect(adjacentSpike(spikes, T + 502_000, -1)?.id).toBe('a');
    expect(adjacentSpike(spikes, T + 900_000, 1)).toBeUndefined();
    expect(adjacentSpike(spikes, T + 101_000, -1)).toBeUndefined();
  });

  it('opens a replay at the first spike, or at the start without spikes', () => {
    const spikes = [spike('later', T + 500_000, T + 502_000), spike('first', T + 100_000, T + 101_000)];
    expect(initialCursor(tl, spikes)).toBe(T + 101_000);
    expect(initialCursor(tl, [])).toBe(T);
    expect(initialCursor(new SampleHistory(2), [])).toBeNull();
  });

  it('cycles the play speed and advances by elapsed time times speed, stopping at the end', () => {
    expect([nextSpeed(0), nextSpeed(1), nextSpeed(10), nextSpeed(60)]).toEqual([1, 10, 60, 0]);
    // At 1x, 100 ms frames advance the cursor between samples; it is not snapped back.
    expect(playStep(tl, T, 100, 1)).toEqual({ cursor: T + 100, ended: false });
    expect(playStep(tl, T, 1000, 60)).toEqual({ cursor: T + 60_000, ended: false });
    expect(playStep(tl, last - 1000, 1000, 10)).toEqual({ cursor: last, ended: true });
  });
});
