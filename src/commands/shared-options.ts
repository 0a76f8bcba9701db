import type { ThresholdOverrides } from '../analysis/thresholds.js';
import { MIN_INTERVAL_MS } from '../core/interval.js';
import { durationOption, numberOption, type OptionSpec } from '../cli-args.js';

/** Flags of every command that finds spikes (and --help, which every command has). */
export const THRESHOLD_OPTIONS: OptionSpec = {
  'cpu-threshold': { type: 'string' },
  'cpu-margin': { type: 'string' },
  'mem-threshold': { type: 'string' },
  'mem-margin': { type: 'string' },
  'cpu-rise': { type: 'string' },
  'mem-rise': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** Flags of the commands that sample and show a process table. */
export const SAMPLING_OPTIONS: OptionSpec = {
  ...THRESHOLD_OPTIONS,
  interval: { type: 'string', short: 'i' },
  top: { type: 'string', short: 'n' },
};

/** Flags of the commands that sample this machine. */
export const COLLECTOR_OPTIONS: OptionSpec = {
  cgroup: { type: 'string' },
};

/** The --cgroup PATH to watch instead of tmon's own memory cgroup (checked when the collector opens it). */
export function cgroupOption(values: Record<string, unknown>): { cgroup?: string } {
  const raw = values['cgroup'];
  return typeof raw === 'string' ? { cgroup: raw } : {};
}

export interface SamplingSettings {
  intervalMs: number;
  top: number;
  thresholds: ThresholdOverrides;
}

export const MAX_INTERVAL_MS = 60_000;

export function samplingSettings(values: Record<string, unknown>): SamplingSettings {
  return {
    intervalMs: durationOption('interval', values['interval'], MIN_INTERVAL_MS, MAX_INTERVAL_MS, 1000),
    top: numberOption('top', values['top'], 1, 500, 15),
    thresholds: thresholdOverrides(values),
  };
}

export function thresholdOverrides(values: Record<string, unknown>): ThresholdOverrides {
  return {
    cpu: {
      absolute: optionalNumber('cpu-threshold', values['cpu-threshold'], 1, 100),
      margin: optionalNumber('cpu-margin', values['cpu-margin'], 0, 100),
      rise: optionalNumber('cpu-rise', values['cpu-rise'], 0, 100),
    },
    memory: {
      absolute: optionalNumber('mem-threshold', values['mem-threshold'], 1, 100),
      margin: optionalNumber('mem-margin', values['mem-margin'], 0, 100),
      rise: optionalNumber('mem-rise', values['mem-rise'], 0, 100),
    },
  };
}

/** Undefined when the flag was not given: the analysis layer fills in its defaults. */
function optionalNumber(name: string, raw: unknown, min: number, max: number): number | undefined {
  return raw === undefined ? undefined : numberOption(name, raw, min, max, 0);
}

/** NO_COLOR (https://no-color.org): present and non-empty disables color. */
export function colorEnabled(env: NodeJS.ProcessEnv): boolean {
  return !(env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '');
}
