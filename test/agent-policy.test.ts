import { describe, expect, it } from 'vitest';
import { MessageRate, effectiveInterval, indexAfter, indexFrom, timeRange, type TimeIndex } from '../src/transport/agent-policy.js';

function timeIndex(times: number[]): TimeIndex {
  return { length: times.length, timeAt: (i) => times[i] };
}

describe('effectiveInterval', () => {
  it('is the agent’s own rate without requests', () => {
    expect(effectiveInterval(1000, [], 200)).toBe(1000);
    expect(effectiveInterval(1000, [null, null], 200)).toBe(1000);
  });
  it('takes the fastest request, clamped to the minimum', () => {
    expect(effectiveInterval(1000, [500, null, 300], 200)).toBe(300);
    expect(effectiveInterval(1000, [50], 200)).toBe(200);
  });
  it('never slows the agent down', () => {
    expect(effectiveInterval(1000, [5000], 200)).toBe(1000);
  });
});

describe('MessageRate', () => {
  it('admits up to the limit per one-second window', () => {
    const rate = new MessageRate(3);
    expect([0, 10, 20, 30].map((t) => rate.admit(t))).toEqual([true, true, true, false]);
    expect(rate.admit(999)).toBe(false);
    expect(rate.admit(1000)).toBe(true);
  });
});

describe('timeRange, indexFrom and indexAfter', () => {
  const h = timeIndex([10, 20, 30, 40]);

  it('finds the samples with from ≤ time ≤ to', () => {
    expect(timeRange(h, 15, 35)).toEqual([1, 3]);
    expect(timeRange(h, 20, 30)).toEqual([1, 3]);
    expect(timeRange(h, 0, Number.MAX_SAFE_INTEGER)).toEqual([0, 4]);
    expect(timeRange(h, 0, 5)).toEqual([0, 0]);
    expect(timeRange(h, 41, 50)).toEqual([4, 4]);
    expect(timeRange(timeIndex([]), 0, 100)).toEqual([0, 0]);
  });

  it('finds the first sample after a time', () => {
    expect(indexAfter(h, -Infinity)).toBe(0);
    expect(indexAfter(h, 20)).toBe(2);
    expect(indexAfter(h, 25)).toBe(2);
    expect(indexAfter(h, 40)).toBe(4);
    expect(indexAfter(timeIndex([]), 5)).toBe(0);
    expect(indexFrom(h, 20)).toBe(1);
    expect(indexFrom(h, 21)).toBe(2);
    expect(indexFrom(h, -Infinity)).toBe(0);
    expect(indexFrom(h, 41)).toBe(4);
  });
});
