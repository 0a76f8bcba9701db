import { describe, expect, it } from 'vitest';
import { BaselineWindow } from '../src/analysis/baseline-window.js';

describe('BaselineWindow', () => {
  it('has no median while empty', () => {
    expect(new BaselineWindow(60_000).median()).toBeUndefined();
  });

  it('gives the median of odd and even counts, ignoring order', () => {
    const w = new BaselineWindow(60_000);
    [5, 1, 9].forEach((v, i) => w.push(i * 1000, v));
    expect(w.median()).toBe(5);
    w.push(3000, 7);
    expect(w.median()).toBe(6);
  });

  it('is not pulled up by a few high values, unlike a mean', () => {
    const w = new BaselineWindow(60_000);
    for (let i = 0; i < 50; i++) w.push(i * 1000, i % 10 === 0 ? 100 : 10);
    expect(w.median()).toBe(10);
  });

  it('forgets values older than its span', () => {
    const w = new BaselineWindow(10_000);
    for (let t = 0; t < 100_000; t += 1000) w.push(t, t < 50_000 ? 90 : 20);
    expect(w.size).toBe(10);
    expect(w.median()).toBe(20);
  });

  it('stays within its capacity when samples come faster than expected', () => {
    const w = new BaselineWindow(60_000, 16);
    for (let t = 0; t < 1000; t++) w.push(t, t);
    expect(w.size).toBe(16);
    expect(w.median()).toBe(991.5);
  });

  it('skips values that are not numbers', () => {
    const w = new BaselineWindow(60_000);
    w.push(0, 10);
    w.push(1000, Number.NaN);
    w.push(2000, Number.POSITIVE_INFINITY);
    expect(w.size).toBe(1);
    expect(w.median()).toBe(10);
  });
});
