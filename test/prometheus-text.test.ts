import { describe, expect, it } from 'vitest';
import type { MetricFamily } from '../src/core/metric-family.js';
import { exposition, wantsOpenMetrics } from '../src/protocol/prometheus-text.js';

const families: MetricFamily[] = [
  { name: 'node_load1', help: '1m load average.', type: 'gauge', samples: [{ value: 0.5 }] },
  { name: 'tmon_spikes', help: 'Spikes closed.', type: 'counter', samples: [{ labels: { metric: 'cpu', severity: 'critical' }, value: 3 }] },
  { name: 'node_cpu_seconds', help: 'CPU seconds.', type: 'counter', unit: 'seconds', samples: [{ labels: { cpu: '0', mode: 'idle' }, value: 12.5 }] },
  { name: 'tmon_last_spike', help: 'The newest spike.', type: 'info', samples: [{ labels: { culprit: 'alloc' }, value: 1 }] },
];

describe('exposition', () => {
  it('writes text 0.0.4: counters named with _total, info as a gauge of 1', () => {
    expect(exposition(families, false)).toBe(
      [
        '# HELP node_load1 1m load average.',
        '# TYPE node_load1 gauge',
        'node_load1 0.5',
        '# HELP tmon_spikes_total Spikes closed.',
        '# TYPE tmon_spikes_total counter',
        'tmon_spikes_total{metric="cpu",severity="critical"} 3',
        '# HELP node_cpu_seconds_total CPU seconds.',
        '# TYPE node_cpu_seconds_total counter',
        'node_cpu_seconds_total{cpu="0",mode="idle"} 12.5',
        '# HELP tmon_last_spike_info The newest spike.',
        '# TYPE tmon_last_spike_info gauge',
        'tmon_last_spike_info{culprit="alloc"} 1',
        '',
      ].join('\n'),
    );
  });

  it('writes OpenMetrics: families without _total, units, info, and # EOF', () => {
    const text = exposition(families, true);
    expect(text).toContain('# TYPE tmon_spikes counter\ntmon_spikes_total{metric="cpu",severity="critical"} 3');
    expect(text).toContain('# TYPE node_cpu_seconds counter\n# UNIT node_cpu_seconds seconds\n');
    expect(text).toContain('# TYPE tmon_last_spike info\ntmon_last_spike_info{culprit="alloc"} 1');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('keeps a hostile process name inside its label: escape codes and newlines as ?, quotes and backslashes escaped, cut', () => {
    const hostile: MetricFamily = { name: 'g', help: 'h', type: 'gauge', samples: [{ labels: { groupname: 'evil\u001b[2J\n"x"\\y' + 'z'.repeat(500) }, value: 1 }] };
    const line = exposition([hostile], false).split('\n')[2] ?? '';
    expect(line.startsWith('g{groupname="evil?[2J?\\"x\\"\\\\y')).toBe(true);
    expect([...line].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
    expect(line.length).toBeLessThan(260);
  });

  it('refuses a name the format does not allow rather than write a body the scraper rejects whole', () => {
    expect(() => exposition([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }], false)).toThrow(/not valid/);
    expect(() => exposition([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'bad-label': 'x' }, value: 1 }] }], false)).toThrow(/not valid/);
  });

  it('writes special values as the format spells them', () => {
    const text = exposition([{ name: 'v', help: '', type: 'gauge', samples: [{ value: NaN }, { value: Infinity }, { value: -Infinity }] }], false);
    expect(text.split('\n').slice(2, 5)).toEqual(['v NaN', 'v +Inf', 'v -Inf']);
  });

  it('knows when the scraper asks for OpenMetrics', () => {
    expect(wantsOpenMetrics('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5')).toBe(true);
    expect(wantsOpenMetrics('text/plain')).toBe(false);
    expect(wantsOpenMetrics(undefined)).toBe(false);
  });
});
