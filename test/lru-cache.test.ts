import { describe, expect, it } from 'vitest';
import { LruCache } from '../src/core/lru-cache.js';

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const c = new LruCache<number, string>(2);
    c.set(1, 'a');
    c.set(2, 'b');
    expect(c.get(1)).toBe('a');
    c.set(3, 'c');
    expect(c.get(2)).toBeUndefined();
    expect(c.get(1)).toBe('a');
    expect(c.get(3)).toBe('c');
    expect(c.size).toBe(2);
  });

  it('rejects a capacity below one', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });

  it('with a weight limit, evicts the oldest until the rest fits, but always keeps the newest', () => {
    const c = new LruCache<number, number[]>(10, { maxWeight: 5, weigh: (v) => v.length });
    c.set(1, [1, 1]);
    c.set(2, [2, 2]);
    expect(c.size).toBe(2);
    c.set(3, [3, 3]);
    expect(c.get(1)).toBeUndefined();
    expect(c.get(2)).toEqual([2, 2]);
    c.set(4, [4, 4, 4, 4, 4, 4, 4]);
    expect(c.size).toBe(1);
    expect(c.get(4)).toHaveLength(7);
    c.set(4, [4]);
    c.set(5, [5, 5]);
    expect(c.size).toBe(2);
  });

  it('forgets a deleted entry and its weight', () => {
    const c = new LruCache<number, number[]>(10, { maxWeight: 4, weigh: (v) => v.length });
    c.set(1, [1, 1, 1]);
    c.delete(1);
    c.delete(2);
    expect(c.get(1)).toBeUndefined();
    expect(c.size).toBe(0);
    // Had the deleted entry's weight stayed counted, these two would not both fit.
    c.set(2, [2, 2]);
    c.set(3, [3, 3]);
    expect(c.get(2)).toEqual([2, 2]);
    expect(c.size).toBe(2);
  });
});
