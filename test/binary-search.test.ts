import { describe, expect, it } from 'vitest';
import { firstFrom, lastAtOrBefore } from '../src/core/binary-search.js';

const keys = [10, 20, 20, 30];
const at = (i: number): number => keys[i] as number;

describe('binary search', () => {
  it('lastAtOrBefore: the last key ≤ target, -1 before the first', () => {
    expect([5, 10, 15, 20, 25, 30, 99].map((t) => lastAtOrBefore(keys.length, at, t))).toEqual([-1, 0, 0, 2, 2, 3, 3]);
    expect(lastAtOrBefore(0, at, 10)).toBe(-1);
  });

  it('firstFrom: the first key ≥ target (or > with after), length past the last', () => {
    expect([5, 10, 15, 20, 25, 30, 99].map((t) => firstFrom(keys.length, at, t))).toEqual([0, 0, 1, 1, 3, 3, 4]);
    expect([5, 10, 15, 20, 25, 30, 99].map((t) => firstFrom(keys.length, at, t, true))).toEqual([0, 1, 1, 3, 3, 4, 4]);
    expect(firstFrom(0, at, 10)).toBe(0);
  });
});
