import { describe, expect, it } from 'vitest';
import { SampleHistory } from '../src/core/sample-history.js';
import { makeSample } from './helpers/make-sample.js';

const T0 = Date.UTC(2026, 10, 30, 5, 0, 0);

describe('SampleHistory', () => {
  it('keeps the newest `capacity` samples as the very objects pushed, found by time', () => {
    const h = new SampleHistory(3);
    const pushed = [0, 1, 2, 3, 4].map((i) => makeSample({ time: T0 + i * 1000 }));
    const dropped = pushed.map((s) => h.push(s));
    expect(dropped.map((d) => d?.time)).toEqual([undefined, undefined, undefined, T0, T0 + 1000]);
    expect(h.length).toBe(3);
    expect(h.at(0)).toBe(pushed[2]);
    expect(h.last()).toBe(pushed[4]);
    expect(h.slice(1, 10)).toEqual([pushed[3], pushed[4]]);
    expect(h.indexAtTime(T0 + 3500)).toBe(1);
    expect(h.indexAtTime(T0)).toBe(0);
    expect(h.at(-1)).toBeUndefined();
    expect(new SampleHistory(2).indexAtTime(T0)).toBe(-1);
  });
});
