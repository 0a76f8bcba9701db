import { describe, expect, it } from 'vitest';
import { filePeriod, periodFileName, planDeletions } from '../src/store/retention.js';

const H = 3_600_000;
const T = Date.UTC(2026, 10, 22, 3, 12, 5);

describe('rolling file names', () => {
  it('names a file after its UTC hour or day and reads the period back', () => {
    expect(periodFileName(T, 'hour')).toBe('tmon-2026-11-22T03.tmon');
    expect(periodFileName(T, 'day')).toBe('tmon-2026-11-22.tmon');
    expect(periodFileName(T, 'hour', 2)).toBe('tmon-2026-11-22T03-2.tmon');
    expect(filePeriod('tmon-2026-11-22T03.tmon')).toEqual({ start: Date.UTC(2026, 10, 22, 3), end: Date.UTC(2026, 10, 22, 4) });
    expect(filePeriod('tmon-2026-11-22-2.tmon')).toEqual({ start: Date.UTC(2026, 10, 22), end: Date.UTC(2026, 10, 23) });
    expect(filePeriod('notes.tmon')).toBeUndefined();
    expect(filePeriod('tmon-2026-11-22T03.tmon.bak')).toBeUndefined();
  });
});

describe('planDeletions', () => {
  const hours = (n: number, bytes = 100): { name: string; bytes: number }[] =>
    Array.from({ length: n }, (_, i) => ({ name: periodFileName(T - (n - 1 - i) * H, 'hour'), bytes }));

  it('deletes files whose whole period is older than the retention, oldest first', () => {
    const files = hours(10);
    const current = files[9]!.name;
    // Retain 3 h at 03:12: the file of 23:00–00:00 ended 3h12m ago; the one of 00:00–01:00 still holds kept minutes.
    expect(planDeletions(files, { retainMs: 3 * H, maxBytes: 1e9 }, T, current)).toEqual(files.slice(0, 6).map((f) => f.name));
  });

  it('then deletes the oldest until the total fits, never the current file', () => {
    const files = hours(5, 400);
    const current = files[4]!.name;
    expect(planDeletions(files, { retainMs: 100 * H, maxBytes: 1000 }, T, current)).toEqual(files.slice(0, 3).map((f) => f.name));
    expect(planDeletions(files, { retainMs: 100 * H, maxBytes: 10 }, T, current)).toEqual(files.slice(0, 4).map((f) => f.name));
    expect(planDeletions([{ name: current, bytes: 1e12 }], { retainMs: 1, maxBytes: 1 }, T + 100 * H, current)).toEqual([]);
  });

  it('never deletes a file that is not a rolling recording, and does not count it', () => {
    const files = [...hours(2, 400), { name: 'notes.txt', bytes: 1e9 }, { name: 'tmon-custom.tmon', bytes: 1e9 }];
    expect(planDeletions(files, { retainMs: 0, maxBytes: 1e12 }, T + 10 * H, undefined)).toEqual(hours(2).map((f) => f.name));
    expect(planDeletions(files, { retainMs: 100 * H, maxBytes: 800 }, T, files[1]!.name)).toEqual([]);
  });

  it('orders day files and several names of one period by time', () => {
    const files = [
      { name: 'tmon-2026-11-21-2.tmon', bytes: 10 },
      { name: 'tmon-2026-11-22.tmon', bytes: 10 },
      { name: 'tmon-2026-11-21.tmon', bytes: 10 },
    ];
    expect(planDeletions(files, { retainMs: 100 * H, maxBytes: 15 }, T, 'tmon-2026-11-22.tmon')).toEqual([
      'tmon-2026-11-21-2.tmon',
      'tmon-2026-11-21.tmon',
    ]);
  });
});
