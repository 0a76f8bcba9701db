import { describe, expect, it } from 'vitest';
import { colorEnabled, samplingSettings, thresholdOverrides } from '../src/commands/shared-options.js';

describe('sampling flags', () => {
  it('default to 1 s, 15 rows and the analysis layer’s thresholds', () => {
    const s = samplingSettings({});
    expect(s.intervalMs).toBe(1000);
    expect(s.top).toBe(15);
    expect(s.thresholds).toEqual({ cpu: { absolute: undefined, margin: undefined }, memory: { absolute: undefined, margin: undefined } });
  });

  it('map each threshold flag to its half of a metric', () => {
    expect(thresholdOverrides({ 'cpu-threshold': '70', 'mem-margin': '5' })).toEqual({
      cpu: { absolute: 70, margin: undefined },
      memory: { absolute: undefined, margin: 5 },
    });
    expect(() => thresholdOverrides({ 'mem-threshold': '0' })).toThrow(/--mem-threshold must be a number from 1 to 100/);
  });

  it('honour NO_COLOR when set and not empty', () => {
    expect(colorEnabled({})).toBe(true);
    expect(colorEnabled({ NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ NO_COLOR: '1' })).toBe(false);
  });
});
