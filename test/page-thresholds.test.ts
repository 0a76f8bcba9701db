import { describe, expect, it } from 'vitest';
import { thresholdsFromQuery } from '../web/page-thresholds.js';

describe('thresholdsFromQuery', () => {
  it('reads the thresholds named as tmon connect’s flags', () => {
    expect(thresholdsFromQuery('?mem-threshold=42.5&mem-margin=0&cpu-threshold=100&cpu-margin=30')).toEqual({
      memory: { absolute: 42.5, margin: 0 },
      cpu: { absolute: 100, margin: 30 },
    });
  });

  it('leaves anything missing or not a number at its default', () => {
    expect(thresholdsFromQuery('')).toEqual({ memory: {}, cpu: {} });
    expect(thresholdsFromQuery('?mem-threshold=&cpu-threshold=lots&cpu-margin=Infinity')).toEqual({ memory: {}, cpu: {} });
  });
});
