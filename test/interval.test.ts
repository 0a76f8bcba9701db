import { describe, expect, it } from 'vitest';
import { MIN_INTERVAL_MS, clampInterval, isSamplingInterval } from '../src/core/interval.js';

describe('the sampling interval', () => {
  it('is never run below the minimum, in whole milliseconds, 1 s when not a number', () => {
    expect(MIN_INTERVAL_MS).toBe(200);
    expect(clampInterval(50)).toBe(200);
    expect(clampInterval(250.4)).toBe(250);
    expect(clampInterval(5000)).toBe(5000);
    expect(clampInterval(Number.NaN)).toBe(1000);
    expect(clampInterval(Infinity)).toBe(1000);
  });

  it('may be asked of a collector from the minimum up', () => {
    expect(isSamplingInterval(200)).toBe(true);
    expect(isSamplingInterval(60_000)).toBe(true);
    expect(isSamplingInterval(199)).toBe(false);
    expect(isSamplingInterval(Number.NaN)).toBe(false);
  });
});
