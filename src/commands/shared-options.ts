import { DEFAULT_THRESHOLDS, type SpikeThresholds } from '../analysis/thresholds.js';
import { durationOption, numberOption, type OptionSpec } from '../cli-args.js';

/** Flags every command that samples or detects spikes understands. */
export const SAMPLING_OPTIONS: OptionSpec = {
  interval: { type: 'string', short: 'i' },
  top: { type: 'string', short: 'n' },
  'cpu-threshold': { type: 'string' },
  'cpu-margin': { type: 'string' },
  'mem-threshold': { type: 'string' },
  'mem-margin': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export interface SamplingSettings {
  intervalMs: number;
  top: number;
  thresholds: Partial<SpikeThresholds>;
}

export const MIN_INTERVAL_MS = 200;
export const MAX_INTERVAL_MS = 60_000;

export function samplingSettings(values: Record<string, unknown>): SamplingSettings {
  const thresholds: Partial<SpikeThresholds> = {};
  const cpuAbs = numberOption('cpu-threshold', values['cpu-threshold'], 1, 100, NaN);
  const cpuMargin = numberOption('cpu-margin', values['cpu-margin'], 0, 100, NaN);
  const memAbs = numberOption('mem-threshold', values['mem-threshold'], 1, 100, NaN);
  const memMargin = numberOption('mem-margin', values['mem-margin'], 0, 100, NaN);
  if (!Number.isNaN(cpuAbs) || !Number.isNaN(cpuMargin)) {
    thresholds.cpu = { absolute: orDefault(cpuAbs, DEFAULT_THRESHOLDS.cpu.absolute), margin: orDefault(cpuMargin, DEFAULT_THRESHOLDS.cpu.margin) };
  }
  if (!Number.isNaN(memAbs) || !Number.isNaN(memMargin)) {
    thresholds.memory = { absolute: orDefault(memAbs, DEFAULT_THRESHOLDS.memory.absolute), margin: orDefault(memMargin, DEFAULT_THRESHOLDS.memory.margin) };
  }
  return {
    intervalMs: durationOption('interval', values['interval'], MIN_INTERVAL_MS, MAX_INTERVAL_MS, 1000),
    top: numberOption('top', values['top'], 1, 500, 15),
    thresholds,
  };
}

function orDefault(v: number, fallback: number): number {
  return Number.isNaN(v) ? fallback : v;
}

/** NO_COLOR (https://no-color.org): present and non-empty disables color. */
export function colorEnabled(env: NodeJS.ProcessEnv): boolean {
  return !(env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '');
}
