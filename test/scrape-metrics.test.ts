import { describe, expect, it } from 'vitest';
import { PEAK_WINDOW_MS, PROCESS_GROUPS, ScrapeMetrics } from '../src/analysis/scrape-metrics.js';
import type { MetricFamily } from '../src/core/metric-family.js';
import type { Sample } from '../src/core/sample.js';
import type { Spike } from '../src/core/spike.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const GiB = 1024 ** 3;
const T0 = Date.UTC(2026, 10, 30, 4, 0, 0);

function family(m: ScrapeMetrics, name: string): MetricFamily | undefined {
  return m.families().find((f) => f.name === name);
}
function value(m: ScrapeMetrics, name: string, labels: Record<string, string> = {}): number | undefined {
  return family(m, name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))?.value;
}
const at = (i: number, extra: Partial<Parameters<typeof makeSample>[0]> = {}): Sample => makeSample({ time: T0 + i * 1000, ...extra });

describe('ScrapeMetrics', () => {
  it('says nothing before the first sample', () => {
    expect(new ScrapeMetrics().families()).toEqual([]);
  });

  it('adds up the per-interval rates into node_exporter counters', () => {
    const m = new ScrapeMetrics();
    for (let i = 0; i < 10; i++) m.push(at(i, { cpuBusy: 25 }), []);
    // 10 one-second samples of eth0 at 1000 B/s in and 500 out.
    expect(value(m, 'node_network_receive_bytes', { device: 'eth0' })).toBeCloseTo(10_000);
    expect(value(m, 'node_network_transmit_bytes', { device: 'eth0' })).toBeCloseTo(5_000);
    // Each core's modes add up to the 10 s that passed.
    const core0 = family(m, 'node_cpu_seconds')?.samples.filter((s) => s.labels?.['cpu'] === '0') ?? [];
    expect(core0.map((s) => s.labels?.['mode'])).toEqual(['user', 'system', 'iowait', 'steal', 'idle']);
    expect(core0.reduce((a, s) => a + s.value, 0)).toBeCloseTo(10);
    expect(value(m, 'node_cpu_seconds', { cpu: '0', mode: 'idle' })).toBeCloseTo(7.5);
  });

  it("exports the PSI totals under node_exporter's pressure names, and each filesystem's available bytes; none the sample lacks", () => {
    const m = new ScrapeMetrics();
    const s = at(0);
    s.pressure = { ...s.pressure, cpuSomeSeconds: 14759.256943, cpuFullSeconds: 0, memorySomeSeconds: 0.43, memoryFullSeconds: 0.029, ioSomeSeconds: 69.008, ioFullSeconds: 25.677 };
    s.filesystems = [
      { mount: '/', device: '/dev/vda', fsType: 'ext4', sizeBytes: 100 * GiB, usedBytes: 40 * GiB, availBytes: 55 * GiB },
      { mount: '/old', device: '/dev/vdb', fsType: 'xfs', sizeBytes: 10 * GiB, usedBytes: GiB },
    ];
    m.push(s, []);
    expect(
      ['cpu_waiting', 'memory_waiting', 'memory_stalled', 'io_waiting', 'io_stalled'].map((k) => {
        const f = family(m, `node_pressure_${k}_seconds`);
        return [f?.type, f?.unit, f?.samples[0]?.value];
      }),
    ).toEqual([
      ['counter', 'seconds', 14759.256943],
      ['counter', 'seconds', 0.43],
      ['counter', 'seconds', 0.029],
      ['counter', 'seconds', 69.008],
      ['counter', 'seconds', 25.677],
    ]);
    expect(family(m, 'node_filesystem_avail_bytes')?.samples).toEqual([{ labels: { device: '/dev/vda', fstype: 'ext4', mountpoint: '/' }, value: 55 * GiB }]);
    expect(family(m, 'node_filesystem_size_bytes')?.samples.map((x) => x.labels?.['mountpoint'])).toEqual(['/', '/old']);
    // A sample from an older agent or recording, or a kernel without PSI: the families are absent, not 0.
    m.push(at(1), []);
    expect(m.families().filter((f) => f.name.startsWith('node_pressure_') || f.name === 'node_filesystem_avail_bytes')).toEqual([]);
    expect(family(m, 'node_filesystem_size_bytes')?.samples).toHaveLength(1);
  });

  it('gives each probe target its success, round trip and HTTP status; no probe families without probes', () => {
    const m = new ScrapeMetrics();
    m.push(at(0), []);
    expect(m.families().filter((f) => f.name.startsWith('tmon_probe'))).toEqual([]);
    m.push({ ...at(1), probes: [{ target: 'tcp://db:5432', up: false, error: 'ECONNREFUSED' }, { target: 'https://example.com', up: true, ms: 41, status: 200 }] }, []);
    expect(value(m, 'tmon_probe_success', { target: 'tcp://db:5432' })).toBe(0);
    expect(value(m, 'tmon_probe_success', { target: 'https://example.com' })).toBe(1);
    expect(value(m, 'tmon_probe_duration_seconds', { target: 'https://example.com' })).toBeCloseTo(0.041);
    // A target that did not answer has no round trip, rather than a fast one.
    expect(value(m, 'tmon_probe_duration_seconds', { target: 'tcp://db:5432' })).toBeUndefined();
    expect(value(m, 'tmon_probe_http_status_code', { target: 'https://example.com' })).toBe(200);
  });

  it('keeps a brief peak between samples in the peak gauges for the whole window, then lets it go', () => {
    const m = new ScrapeMetrics();
    const brief = at(5);
    brief.memory = { ...brief.memory, usedMax: brief.memory.used + 2 * GiB };
    brief.cpu = { ...brief.cpu, busyMax: 97 };
    for (let i = 0; i < 5; i++) m.push(at(i), []);
    m.push(brief, []);
    const used = at(6).memory.used;
    // A scrape any time within the window still reads it.
    for (let i = 6; i < 5 + PEAK_WINDOW_MS / 1000; i++) m.push(at(i), []);
    expect(value(m, 'tmon_memory_used_peak_bytes')).toBe(used + 2 * GiB);
    expect(value(m, 'tmon_cpu_busy_peak_ratio')).toBeCloseTo(0.97);
    m.push(at(5 + PEAK_WINDOW_MS / 1000), []);
    expect(value(m, 'tmon_memory_used_peak_bytes')).toBe(used);
    expect(value(m, 'tmon_cpu_busy_peak_ratio')).toBeCloseTo(0.1);
    expect(value(m, 'tmon_peak_window_seconds')).toBe(PEAK_WINDOW_MS / 1000);
  });

  it('counts each spike once, when it closes, with its final severity; the newest names its top culprit', () => {
    const m = new ScrapeMetrics();
    const culprit = { pid: 42, name: 'alloc', cmd: 'alloc', user: 'alice', startTime: 1, rise: GiB, share: 0.9 };
    const open: Spike = { id: 'memory@1', metric: 'memory', start: T0, end: null, peak: 5 * GiB, peakAt: T0, min: 0, avg: 0, baseline: 0, severity: 'careful', culprits: [culprit] };
    m.push(at(0), [open]);
    m.push(at(1), [{ ...open, severity: 'critical' }]);
    expect(value(m, 'tmon_spikes', { metric: 'memory', severity: 'critical' })).toBe(0);
    m.push(at(2), [{ ...open, severity: 'critical', end: T0 + 1000 }]);
    m.push(at(3), []);
    expect(value(m, 'tmon_spikes', { metric: 'memory', severity: 'critical' })).toBe(1);
    // Every metric and severity is there from the start, so the first increase is seen.
    expect(family(m, 'tmon_spikes')?.samples).toHaveLength(20);
    expect(family(m, 'tmon_last_spike')?.samples[0]?.labels).toEqual({ metric: 'memory', severity: 'critical', culprit: 'alloc', user: 'alice' });
    expect(value(m, 'tmon_last_spike_peak', { metric: 'memory' })).toBe(5 * GiB);
  });

  it('counts latency spikes under metric="latency" and names the newest one\'s target, no culprit', () => {
    const m = new ScrapeMetrics();
    const lat: Spike = { id: `latency@${T0}#0000abcd`, metric: 'latency', target: 'http://127.0.0.1:8080/', start: T0, end: T0, peak: 1200, peakAt: T0, min: 1200, avg: 1200, baseline: 3, severity: 'warning', culprits: [] };
    m.push(at(0), [lat]);
    expect(value(m, 'tmon_spikes', { metric: 'latency', severity: 'warning' })).toBe(1);
    expect(family(m, 'tmon_last_spike')?.samples[0]?.labels).toEqual({ metric: 'latency', severity: 'warning', culprit: '', user: '', target: 'http://127.0.0.1:8080/' });
  });

  it('a CPU and a memory spike opened by one sample: the newest stays the one seen first through their updates and closes', () => {
    const m = new ScrapeMetrics();
    const culprit = { pid: 42, name: 'alloc', cmd: 'alloc', user: 'alice', startTime: 1, rise: GiB, share: 0.9 };
    const mem: Spike = { id: `memory@${T0}`, metric: 'memory', start: T0, end: null, peak: 5 * GiB, peakAt: T0, min: 0, avg: 0, baseline: 0, severity: 'careful', culprits: [culprit] };
    const cpu: Spike = { ...mem, id: `cpu@${T0}`, metric: 'cpu', peak: 90 };
    m.push(at(0), [mem, cpu]);
    expect(family(m, 'tmon_last_spike')?.samples[0]?.labels?.metric).toBe('memory');
    m.push(at(1), [{ ...cpu, peak: 95 }, { ...mem, peak: 6 * GiB }]);
    expect(value(m, 'tmon_last_spike_peak', { metric: 'memory' })).toBe(6 * GiB);
    m.push(at(2), [{ ...cpu, end: T0 + 2000 }]);
    expect(family(m, 'tmon_last_spike')?.samples[0]?.labels?.metric).toBe('memory');
    // A later start takes over.
    m.push(at(3), [{ ...cpu, id: `cpu@${T0 + 3000}`, start: T0 + 3000 }]);
    expect(family(m, 'tmon_last_spike')?.samples[0]?.labels?.metric).toBe('cpu');
  });

  it("gives node_exporter's memory names only for the machine's memory, not a cgroup's", () => {
    const m = new ScrapeMetrics();
    m.push(at(0), []);
    expect(value(m, 'node_memory_MemTotal_bytes')).toBe(at(0).memory.total);
    const limited = at(1);
    limited.memory = { ...limited.memory, total: GiB, limit: GiB };
    m.push(limited, []);
    expect(family(m, 'node_memory_MemTotal_bytes')).toBeUndefined();
    expect(value(m, 'tmon_memory_total_bytes')).toBe(GiB);
  });

  it('keeps series bounded at any number of processes: the top names, the rest as other', () => {
    const m = new ScrapeMetrics();
    const processes = Array.from({ length: 1000 }, (_, i) => makeProcess({ pid: i + 10, name: `worker-${i}`, cpu: i % 50, rss: 1000 + i }));
    m.push(at(0, { processes }), []);
    m.push(at(1, { processes }), []);
    const groups = family(m, 'namedprocess_namegroup_num_procs')?.samples ?? [];
    expect(groups).toHaveLength(PROCESS_GROUPS + 1);
    expect(value(m, 'namedprocess_namegroup_num_procs', { groupname: 'other' })).toBe(1000 - PROCESS_GROUPS);
    expect(value(m, 'namedprocess_namegroup_memory_bytes', { groupname: 'worker-49' })).toBe(1049);
    // 49 % of a core for 2 s.
    expect(value(m, 'tmon_process_group_cpu_seconds', { groupname: 'worker-49' })).toBeCloseTo(0.98);
    const series = m.families().reduce((n, f) => n + f.samples.length, 0);
    expect(series).toBeLessThan(150);
  });
});
