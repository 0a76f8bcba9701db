import type { ThresholdOverrides } from '../analysis/thresholds.js';
import type { ThresholdValues } from './command-flags.js';

/** The --cgroup PATH to watch instead of tmon's own memory cgroup (checked when the collector opens it). */
export function cgroupOption(values: { cgroup?: string | undefined }): { cgroup?: string } {
  return values.cgroup !== undefined ? { cgroup: values.cgroup } : {};
}

export interface SamplingSettings {
  intervalMs: number;
  top: number;
  thresholds: ThresholdOverrides;
}

export function samplingSettings(values: { interval: number; top: number } & ThresholdValues): SamplingSettings {
  return { intervalMs: values.interval, top: values.top, thresholds: thresholdOverrides(values) };
}

/** Undefined where a flag was not given: the analysis layer fills in its defaults. */
export function thresholdOverrides(values: ThresholdValues): ThresholdOverrides {
  return {
    cpu: { absolute: values['cpu-threshold'], margin: values['cpu-margin'], rise: values['cpu-rise'] },
    memory: { absolute: values['mem-threshold'], margin: values['mem-margin'], rise: values['mem-rise'] },
    latency: { factor: values['latency-factor'], margin: values['latency-margin'], absolute: values['latency-threshold'] },
  };
}

/** NO_COLOR (https://no-color.org): present and non-empty disables color. */
export function colorEnabled(env: NodeJS.ProcessEnv): boolean {
  return !(env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '');
}
