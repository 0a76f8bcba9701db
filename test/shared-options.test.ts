import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/cli-flags.js';
import { DASHBOARD } from '../src/commands/command-flags.js';
import { cgroupOption, colorEnabled, samplingSettings, thresholdOverrides } from '../src/commands/shared-options.js';

/** The dashboard's flags as typed values. */
function values(argv: string[]): Parameters<typeof samplingSettings>[0] & { cgroup?: string | undefined } {
  const parsed = parseCommand(DASHBOARD, argv);
  if (parsed.help) throw new Error('help asked');
  return parsed.values;
}

describe('sampling flags', () => {
  it('default to 1 s, 15 rows and the analysis layer’s thresholds', () => {
    const s = samplingSettings(values([]));
    expect(s.intervalMs).toBe(1000);
    expect(s.top).toBe(15);
    expect(s.thresholds).toEqual({ cpu: {}, memory: {}, latency: {} });
  });

  it('map each threshold flag to its half of a metric', () => {
    expect(thresholdOverrides(values(['--cpu-threshold', '70', '--mem-margin', '5', '--mem-rise', '2', '--latency-factor', '3', '--latency-margin', '50', '--latency-threshold', '800']))).toEqual({
      cpu: { absolute: 70 },
      memory: { margin: 5, rise: 2 },
      latency: { factor: 3, margin: 50, absolute: 800 },
    });
    expect(() => values(['--mem-threshold', '0'])).toThrow(/--mem-threshold must be a number from 1 to 100/);
  });

  it('pass --cgroup on only when given', () => {
    expect(cgroupOption(values([]))).toEqual({});
    expect(cgroupOption(values(['--cgroup', '/system.slice/db.service']))).toEqual({ cgroup: '/system.slice/db.service' });
  });

  it('honour NO_COLOR when set and not empty', () => {
    expect(colorEnabled({})).toBe(true);
    expect(colorEnabled({ NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ NO_COLOR: '1' })).toBe(false);
  });
});
