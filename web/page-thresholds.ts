import type { ThresholdOverrides } from '../src/analysis/thresholds.js';

/**
 * The page's spike thresholds from its address, named as `tmon connect`'s flags
 * (?mem-threshold=90&cpu-margin=30): the page runs its own detector over the
 * samples, as a terminal viewer does. Anything not a number is left at its default.
 */
export function thresholdsFromQuery(query: string): ThresholdOverrides {
  const params = new URLSearchParams(query);
  const read = (name: string): number | undefined => {
    const text = params.get(name);
    const value = text === null || text.trim() === '' ? NaN : Number(text);
    return Number.isFinite(value) ? value : undefined;
  };
  const metric = (prefix: 'mem' | 'cpu'): { absolute?: number; margin?: number } => {
    const absolute = read(`${prefix}-threshold`);
    const margin = read(`${prefix}-margin`);
    return { ...(absolute !== undefined ? { absolute } : {}), ...(margin !== undefined ? { margin } : {}) };
  };
  return { memory: metric('mem'), cpu: metric('cpu') };
}
