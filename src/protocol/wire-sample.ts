import { withSelectedProcesses } from '../core/process-selection.js';
import type { Sample } from '../core/sample.js';

/** How many of the busiest processes by CPU and by RSS a sample carries over the wire. */
export const DEFAULT_WIRE_TOP = 15;

/**
 * Fractional numbers keep two decimals on the wire: 0.01 % of CPU, 0.01 B/s.
 * Measured: full-precision floats (12.345678901234) are most of what deflate
 * cannot compress; rounding takes a 15+15-process sample from ~1.2 KB to
 * ~0.57 KB per sample on the wire, below the 1 KB target, with no visible loss.
 */
export function roundForWire(value: number): number {
  if (Number.isInteger(value)) return value;
  // JSON has no NaN or Infinity (they would arrive as null and fail validation): a reading that broke is 0.
  if (!Number.isFinite(value)) return 0;
  return Math.round(value * 100) / 100;
}

/** Every number in `value` rounded as roundForWire rounds it (a copy; `value` is left as it is). */
export function roundDeep<T>(value: T): T {
  if (typeof value === 'number') return roundForWire(value) as T;
  if (Array.isArray(value)) return value.map(roundDeep) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = roundDeep(v);
    return out as T;
  }
  return value;
}

/**
 * The sample as it travels and as the agent keeps it for backfill: only the
 * selected processes (core's selection, so attribution finds the same
 * culprits), fractional numbers rounded, non-finite ones 0. Host facts are shared by reference:
 * they rarely change and are mostly integers.
 */
export function toWireSample(sample: Sample, top: number = DEFAULT_WIRE_TOP): Sample {
  return roundForWireDeep(withSelectedProcesses(sample, { top }));
}

/** The sample with its fractional numbers rounded for the wire (roundForWire), host facts shared. */
export function roundForWireDeep(sample: Sample): Sample {
  const { host, ...rest } = sample;
  return { ...roundDeep(rest), host };
}
