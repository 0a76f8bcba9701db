import { describe, expect, it } from 'vitest';
import { timeSlots } from '../src/ui/time-slots.js';

const at = (...seconds: number[]): { time: number }[] => seconds.map((s) => ({ time: 1_700_000_000_000 + s * 1000 }));
const shape = (slots: readonly ({ time: number } | null)[]): string => slots.map((s) => (s ? 'x' : '.')).join('');

describe('timeSlots', () => {
  it('keeps evenly spaced samples as they are, jitter included', () => {
    const r = timeSlots(at(0, 1, 2.4, 3, 4), 100);
    expect(shape(r.slots)).toBe('xxxxx');
    expect(r.slotOf).toEqual([0, 1, 2, 3, 4]);
  });

  it('leaves one empty slot per missing step of an outage', () => {
    const r = timeSlots(at(0, 1, 2, 3, 33, 34, 35), 100);
    expect(shape(r.slots)).toBe(`xxxx${'.'.repeat(29)}xxx`);
    expect(r.slotOf).toEqual([0, 1, 2, 3, 33, 34, 35]);
  });

  it('takes the usual step from the median, so a changed interval is not a gap', () => {
    expect(shape(timeSlots(at(0, 2, 4, 6, 8, 9, 10), 100).slots)).toBe('xxxxxxx');
    expect(shape(timeSlots(at(0, 0.5, 1, 1.5, 3.5, 4), 100).slots)).toBe('xxxx...xx');
  });

  it('caps a long gap at maxGap slots', () => {
    const r = timeSlots(at(0, 1, 2, 3600 * 8, 3600 * 8 + 1), 10);
    expect(shape(r.slots)).toBe(`xxx${'.'.repeat(10)}xx`);
  });

  it('has nothing to space with fewer than two samples', () => {
    expect(timeSlots([], 10)).toEqual({ slots: [], slotOf: [] });
    expect(shape(timeSlots(at(5), 10).slots)).toBe('x');
  });
});
