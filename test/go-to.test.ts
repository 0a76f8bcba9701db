import { describe, expect, it } from 'vitest';
import { parseGoTo } from '../web/go-to.js';

/** The newest live sample: local 09:30 on 30 Nov 2026. */
const NEWEST = new Date(2026, 10, 30, 9, 30, 0).getTime();

describe('parseGoTo', () => {
  it('reads a date and time, a time of day (the latest at or before the newest sample) and a span ago', () => {
    expect(parseGoTo('2026-11-22 03:12', NEWEST)).toBe(new Date(2026, 10, 22, 3, 12, 0).getTime());
    expect(parseGoTo('2026-11-22T03:12:05', NEWEST)).toBe(new Date(2026, 10, 22, 3, 12, 5).getTime());
    expect(parseGoTo('03:00', NEWEST)).toBe(new Date(2026, 10, 30, 3, 0, 0).getTime());
    // 23:10 has not come yet today: last night's.
    expect(parseGoTo(' 23:10 ', NEWEST)).toBe(new Date(2026, 10, 29, 23, 10, 0).getTime());
    expect(parseGoTo('-6h', NEWEST)).toBe(NEWEST - 6 * 3600_000);
    expect(parseGoTo('-1h30m', NEWEST)).toBe(NEWEST - 90 * 60_000);
  });

  it('refuses what it cannot read', () => {
    for (const text of ['', 'yesterday', '25:00', '03:60', '2026-02-30 03:00', '-5', '3']) expect(parseGoTo(text, NEWEST), text).toBeNull();
  });
});
