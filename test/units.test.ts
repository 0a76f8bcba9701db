import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock, formatDuration, formatInterval, formatPercent, parseBytes, parseDuration } from '../src/core/units.js';

describe('units', () => {
  it('formats bytes htop-style with binary multiples', () => {
    expect(formatBytes(0)).toBe('0B');
    expect(formatBytes(1536)).toBe('1.5K');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300M');
    expect(formatBytes(3.2 * 1024 ** 3)).toBe('3.2G');
    expect(formatBytes(-1)).toBe('-');
    expect(formatBytes(NaN)).toBe('-');
  });

  it('formats percents and durations', () => {
    expect(formatPercent(4.25)).toBe('4.3%');
    expect(formatPercent(150)).toBe('150%');
    expect(formatDuration(800)).toBe('0.8s');
    // An interval is shown as set: 250 ms is not "0.3s".
    expect(formatInterval(250)).toBe('250ms');
    expect(formatInterval(1000)).toBe('1.0s');
    expect(formatInterval(60_000)).toBe('1m00s');
    expect(formatDuration(65_000)).toBe('1m05s');
    expect(formatDuration(3_725_000)).toBe('1h02m');
    expect(formatDuration(3 * 86_400_000 + 7_200_000)).toBe('3d02h');
  });

  it('formats a local time of day', () => {
    expect(formatClock(new Date(2026, 10, 22, 3, 12, 5).getTime())).toBe('03:12:05');
  });

  it('parses durations and sizes, or says it cannot', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5')).toBe(1500);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('soon')).toBeNull();
    expect(parseDuration('1h30')).toBeNull();
    expect(parseBytes('1GB')).toBe(1024 ** 3);
    expect(parseBytes('500M')).toBe(500 * 1024 ** 2);
    expect(parseBytes('2g')).toBe(2 * 1024 ** 3);
    expect(parseBytes('lots')).toBeNull();
  });
});
