import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, isLatencyAbove, percentOf, resolveThresholds, severityOf, severityOfLatency } from '../src/analysis/thresholds.js';

const GiB = 1024 ** 3;

describe('resolveThresholds', () => {
  it('fills every default', () => {
    expect(resolveThresholds()).toEqual({
      cpu: { absolute: 80, margin: 20, rise: 50 },
      memory: { absolute: 80, margin: 10, rise: 1 },
      latency: { factor: 2, margin: 100, absolute: 500 },
      baselineMs: 60_000,
      minDurationMs: 0,
      mergeGapMs: 2_500,
    });
  });

  it('overrides one half of a metric and keeps the other', () => {
    const t = resolveThresholds({ cpu: { absolute: 50 }, memory: { margin: 3, absolute: undefined }, mergeGapMs: 0 });
    expect(t.cpu).toEqual({ absolute: 50, margin: 20, rise: 50 });
    expect(t.memory).toEqual({ absolute: 80, margin: 3, rise: 1 });
    expect(t.mergeGapMs).toBe(0);
  });

  it('does not let callers change the defaults', () => {
    const t = resolveThresholds();
    t.cpu.absolute = 1;
    expect(DEFAULT_THRESHOLDS.cpu.absolute).toBe(80);
    expect(() => {
      (DEFAULT_THRESHOLDS.cpu as { absolute: number }).absolute = 1;
    }).toThrow(TypeError);
  });

  it.each([
    [{ cpu: { absolute: 101 } }, /cpu\.absolute/],
    [{ memory: { margin: -1 } }, /memory\.margin/],
    [{ latency: { factor: 0.5 } }, /latency\.factor/],
    [{ baselineMs: 0 }, /baselineMs/],
    [{ mergeGapMs: Number.NaN }, /mergeGapMs/],
    [{ minDurationMs: -5 }, /minDurationMs/],
  ])('rejects %j', (overrides, message) => {
    expect(() => resolveThresholds(overrides)).toThrow(message);
  });
});

describe('severityOf', () => {
  const t = resolveThresholds();

  it('grades cpu in busy %: careful from the threshold, warning at 90, critical at 95 (default 80)', () => {
    expect(severityOf('cpu', 80, t, 0)).toBe('careful');
    expect(severityOf('cpu', 89.9, t, 0)).toBe('careful');
    expect(severityOf('cpu', 90, t, 0)).toBe('warning');
    expect(severityOf('cpu', 94.9, t, 0)).toBe('warning');
    expect(severityOf('cpu', 95, t, 0)).toBe('critical');
    expect(severityOf('cpu', 100, t, 0)).toBe('critical');
  });

  it('grades memory in bytes as a percent of memTotal', () => {
    const total = 8 * GiB;
    expect(severityOf('memory', 0.85 * total, t, total)).toBe('careful');
    expect(severityOf('memory', 0.92 * total, t, total)).toBe('warning');
    expect(severityOf('memory', 0.97 * total, t, total)).toBe('critical');
  });

  it('scales the levels to the room above a custom threshold', () => {
    const low = resolveThresholds({ cpu: { absolute: 40 } });
    expect(severityOf('cpu', 60, low, 0)).toBe('careful');
    expect(severityOf('cpu', 70, low, 0)).toBe('warning');
    expect(severityOf('cpu', 85, low, 0)).toBe('critical');
  });

  it('percentOf converts only memory', () => {
    expect(percentOf('cpu', 42, 1000)).toBe(42);
    expect(percentOf('memory', 250, 1000)).toBe(25);
  });
});

describe('latency thresholds', () => {
  const t = resolveThresholds();

  it('a spike is twice the usual round trip and 100 ms more', () => {
    expect(isLatencyAbove(250, 100, t)).toBe(true);
    expect(isLatencyAbove(190, 100, t)).toBe(false); // not twice
    expect(isLatencyAbove(60, 1, t)).toBe(false); // 60 times, but jitter on a fast link
    expect(isLatencyAbove(102, 1, t)).toBe(true);
    expect(isLatencyAbove(102, 1, resolveThresholds({ latency: { margin: 200 } }))).toBe(false);
  });

  it('grades the round trip itself: careful from 500 ms, warning from 1 s, critical from 2 s', () => {
    expect(severityOfLatency(499, t)).toBe('notice');
    expect(severityOfLatency(500, t)).toBe('careful');
    expect(severityOfLatency(1000, t)).toBe('warning');
    expect(severityOfLatency(2000, t)).toBe('critical');
    expect(severityOfLatency(100, resolveThresholds({ latency: { absolute: 50 } }))).toBe('warning');
  });
});
