import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../src/core/ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the newest items up to its capacity, oldest first', () => {
    const r = new RingBuffer<number>(3);
    expect(r.push(1)).toBeUndefined();
    r.push(2);
    r.push(3);
    expect(r.push(4)).toBe(1);
    expect(r.toArray()).toEqual([2, 3, 4]);
    expect(r.length).toBe(3);
    expect(r.at(0)).toBe(2);
    expect(r.at(-1)).toBe(4);
    expect(r.last()).toBe(4);
    expect(r.at(3)).toBeUndefined();
    expect(r.at(-4)).toBeUndefined();
  });

  it('slices across the wrap point and clamps the range', () => {
    const r = new RingBuffer<number>(4);
    for (let i = 0; i < 10; i++) r.push(i);
    expect(r.slice(1, 3)).toEqual([7, 8]);
    expect(r.slice(-5, 99)).toEqual([6, 7, 8, 9]);
    r.clear();
    expect(r.length).toBe(0);
    expect(r.toArray()).toEqual([]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(/positive integer/);
  });
});
