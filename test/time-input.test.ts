import { describe, expect, it } from 'vitest';
import { parseTimeInput } from '../src/ui/time-input.js';

// Local time throughout, like the dashboard's clocks.
const at = (y: number, mo: number, d: number, h: number, mi: number, s = 0): number => new Date(y, mo - 1, d, h, mi, s).getTime();
const ctx = { cursor: at(2026, 11, 22, 3, 30), first: at(2026, 11, 22, 0, 0), last: at(2026, 11, 22, 6, 0) };

describe('parseTimeInput', () => {
  it('reads a time of day on the cursor\'s day', () => {
    expect(parseTimeInput('03:12', ctx)).toBe(at(2026, 11, 22, 3, 12));
    expect(parseTimeInput('03:12:05', ctx)).toBe(at(2026, 11, 22, 3, 12, 5));
    expect(parseTimeInput(' 3:12 ', ctx)).toBe(at(2026, 11, 22, 3, 12));
  });

  it('takes the occurrence nearest the cursor across midnight', () => {
    const lateNight = { ...ctx, cursor: at(2026, 11, 22, 23, 50) };
    expect(parseTimeInput('00:10', lateNight)).toBe(at(2026, 11, 23, 0, 10));
    const earlyMorning = { ...ctx, cursor: at(2026, 11, 23, 0, 5) };
    expect(parseTimeInput('23:55', earlyMorning)).toBe(at(2026, 11, 22, 23, 55));
  });

  it('reads a full date and time', () => {
    expect(parseTimeInput('2026-11-22 03:12:05', ctx)).toBe(at(2026, 11, 22, 3, 12, 5));
    expect(parseTimeInput('2026-11-21T23:00', ctx)).toBe(at(2026, 11, 21, 23, 0));
    expect(parseTimeInput('2026-11-20', ctx)).toBe(at(2026, 11, 20, 0, 0));
  });

  it('reads "-2h" as that long before the newest sample', () => {
    expect(parseTimeInput('-2h', ctx)).toBe(ctx.last - 2 * 3_600_000);
    expect(parseTimeInput('-90s', ctx)).toBe(ctx.last - 90_000);
    expect(parseTimeInput('-1h30m', ctx)).toBe(ctx.last - 90 * 60_000);
  });

  it('knows start, end and now', () => {
    expect(parseTimeInput('start', ctx)).toBe(ctx.first);
    expect(parseTimeInput('end', ctx)).toBe(ctx.last);
    expect(parseTimeInput('NOW', ctx)).toBe(ctx.last);
  });

  it.each(['', 'yesterday', '25:00', '03:60', '3', '-2', '-h', '-2x', '2026-13-01', '2026-02-30 01:00', '2026-11-22 3pm', '+2h'])('rejects %j', (text) => {
    expect(parseTimeInput(text, ctx)).toBeNull();
  });
});
