/**
 * What a Prometheus scrape of the agent reads: node_exporter's names where the
 * meaning is the same, process groups by name, and tmon's own — the highest CPU
 * busy and memory used inside a sliding window as long as any sane scrape
 * interval, so `max_over_time` finds a brief spike a 15 s scrape would average
 * away, and the spikes with their culprits. Fed every sample of the stream;
 * pure apart from the state it keeps. Series are bounded whatever the number of
 * processes: no pid labels, the top process names only (the rest are `other`).
 */
import type { MetricFamily, MetricSample } from '../core/metric-family.js';
import type { FilesystemStats, PressureTotals, Sample } from '../core/sample.js';
import type { ProbeResult } from '../core/probe.js';
import { SPIKE_METRICS, type Spike } from '../core/spike.js';
import { memoryPeak } from './recent-samples.js';

/** The peaks' window: a scrape every this long or more often loses no peak. */
export const PEAK_WINDOW_MS = 60_000;
/** Process names with series of their own; the rest add up under `other`. */
export const PROCESS_GROUPS = 20;

const SEVERITIES: readonly Spike['severity'][] = ['notice', 'careful', 'warning', 'critical'];
const CPU_MODES = ['user', 'system', 'iowait', 'steal', 'idle'] as const;

/**
 * node_exporter's pressure counters: the kernel's PSI totals since boot, `waiting`
 * for the `some` line and `stalled` for `full`. CPU's full line (Linux 5.13 on) is
 * always 0 for the whole machine, so node_exporter has no name for it here either.
 */
const PRESSURE_COUNTERS: readonly { name: string; field: keyof PressureTotals; help: string }[] = [
  { name: 'node_pressure_cpu_waiting_seconds', field: 'cpuSomeSeconds', help: 'Seconds at least one task waited for a CPU, since boot (PSI cpu some total).' },
  { name: 'node_pressure_memory_waiting_seconds', field: 'memorySomeSeconds', help: 'Seconds at least one task waited for memory, since boot (PSI memory some total).' },
  { name: 'node_pressure_memory_stalled_seconds', field: 'memoryFullSeconds', help: 'Seconds no task could make progress for want of memory, since boot (PSI memory full total).' },
  { name: 'node_pressure_io_waiting_seconds', field: 'ioSomeSeconds', help: 'Seconds at least one task waited for I/O, since boot (PSI io some total).' },
  { name: 'node_pressure_io_stalled_seconds', field: 'ioFullSeconds', help: 'Seconds no task could make progress for want of I/O, since boot (PSI io full total).' },
];

interface Group {
  cpu: number;
  rss: number;
  count: number;
}

export class ScrapeMetrics {
  private latest: Sample | undefined;
  /** Each sample's peaks inside its interval, for the window's maximum. */
  private readonly peaks: { time: number; busy: number; used: number }[] = [];
  /** Counters integrated from the samples' per-interval rates since the agent started. */
  private readonly cpuSeconds = new Map<string, number>();
  private readonly netBytes = new Map<string, number>();
  private readonly diskBytes = new Map<string, number>();
  private groupCpuSeconds = new Map<string, number>();
  private groups = new Map<string, Group>();
  private oomKills = 0;
  private readonly spikeCounts = new Map<string, number>(SPIKE_METRICS.flatMap((m) => SEVERITIES.map((s) => [`${m}|${s}`, 0] as const)));
  private lastSpike: Spike | undefined;

  /** The next sample of the stream and the spikes it opened, grew or closed. */
  push(s: Sample, changed: readonly Spike[]): void {
    this.latest = s;
    const seconds = s.intervalMs / 1000;
    // The peaks as the detector reads them: never below the tick's level (a sample from an older recording may lack a fast watch).
    this.peaks.push({ time: s.time, busy: Math.max(s.cpu.total.busy, s.cpu.busyMax), used: memoryPeak(s) });
    while ((this.peaks[0]?.time ?? Infinity) <= s.time - PEAK_WINDOW_MS) this.peaks.shift();
    s.cpu.cores.forEach((core, i) => {
      for (const mode of CPU_MODES) add(this.cpuSeconds, `${i}|${mode}`, (core[mode] / 100) * seconds);
    });
    for (const n of s.net) {
      add(this.netBytes, `receive|${n.name}`, n.rxBytesPerSec * seconds);
      add(this.netBytes, `transmit|${n.name}`, n.txBytesPerSec * seconds);
    }
    for (const d of s.disks) {
      add(this.diskBytes, `read|${d.device}`, d.readBytesPerSec * seconds);
      add(this.diskBytes, `written|${d.device}`, d.writeBytesPerSec * seconds);
    }
    this.oomKills += s.memory.oomKills ?? 0;
    this.countGroups(s, seconds);
    for (const spike of changed) {
      // Counted once, when it closes: its severity is final then.
      if (spike.end !== null) add(this.spikeCounts, `${spike.metric}|${spike.severity}`, 1);
      // A later start wins; a tie (a CPU and a memory spike opened by one sample) keeps the one seen first, so the
      // series does not flip between them at each update.
      const last = this.lastSpike;
      if (!last || spike.start > last.start || spike.id === last.id) this.lastSpike = spike;
    }
  }

  /** Process names ranked by CPU then RSS: the top ones by name, the rest as `other`; CPU seconds per group. */
  private countGroups(s: Sample, seconds: number): void {
    const byName = new Map<string, Group>();
    for (const p of s.processes) {
      if (p.exited === true) continue;
      const g = byName.get(p.name) ?? { cpu: 0, rss: 0, count: 0 };
      g.cpu += p.cpu + (p.childCpu ?? 0);
      g.rss += p.rss;
      g.count++;
      byName.set(p.name, g);
    }
    const ranked = [...byName].sort((a, b) => b[1].cpu - a[1].cpu || b[1].rss - a[1].rss);
    const groups = new Map(ranked.slice(0, PROCESS_GROUPS));
    const other: Group = { cpu: 0, rss: 0, count: 0 };
    for (const [, g] of ranked.slice(PROCESS_GROUPS)) {
      other.cpu += g.cpu;
      other.rss += g.rss;
      other.count += g.count;
    }
    // A name of the same spelling as the catch-all joins it rather than hiding it.
    const named = groups.get('other');
    if (named) {
      other.cpu += named.cpu;
      other.rss += named.rss;
      other.count += named.count;
    }
    groups.set('other', other);
    // A name that left the top stops being counted: its series ends, and restarts from 0 if it comes back.
    const cpu = new Map<string, number>();
    for (const [name, g] of groups) cpu.set(name, (this.groupCpuSeconds.get(name) ?? 0) + (g.cpu / 100) * seconds);
    this.groupCpuSeconds = cpu;
    this.groups = groups;
  }

  /** Every family, from what the samples so far said; none before the first sample. */
  families(): MetricFamily[] {
    const s = this.latest;
    if (!s) return [];
    const m = s.memory;
    const out: MetricFamily[] = [
      {
        name: 'node_cpu_seconds',
        help: 'Seconds the CPUs spent in each mode, since the agent started (nice counted in user; irq and softirq in system).',
        type: 'counter',
        unit: 'seconds',
        samples: [...this.cpuSeconds].map(([k, value]) => labelled(value, ['cpu', 'mode'], k)),
      },
      gauge('node_load1', '1m load average.', s.load.one),
      gauge('node_load5', '5m load average.', s.load.five),
      gauge('node_load15', '15m load average.', s.load.fifteen),
      gauge('node_boot_time_seconds', 'Node boot time, in unixtime.', s.host.bootTime / 1000, 'seconds'),
      gauge('node_procs_running', 'Number of processes in runnable state.', s.tasks.running),
      gauge('node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.', s.tasks.blocked),
    ];
    // node_exporter's memory is the machine's: under a cgroup limit tmon's memory is the cgroup's, and only tmon_ names carry it.
    if (m.limit === undefined) {
      out.push(
        gauge('node_memory_MemTotal_bytes', 'Memory information field MemTotal_bytes.', m.total, 'bytes'),
        gauge('node_memory_MemAvailable_bytes', 'Memory information field MemAvailable_bytes.', m.available, 'bytes'),
        gauge('node_memory_MemFree_bytes', 'Memory information field MemFree_bytes.', m.free, 'bytes'),
        gauge('node_memory_Cached_bytes', 'Memory information field Cached_bytes.', m.cached, 'bytes'),
        gauge('node_memory_Buffers_bytes', 'Memory information field Buffers_bytes.', m.buffers, 'bytes'),
        gauge('node_memory_SwapTotal_bytes', 'Memory information field SwapTotal_bytes.', m.swapTotal, 'bytes'),
        gauge('node_memory_SwapFree_bytes', 'Memory information field SwapFree_bytes.', m.swapTotal - m.swapUsed, 'bytes'),
      );
    }
    return [...out, ...pressureFamilies(s), ...this.deviceFamilies(s), ...this.tmonFamilies(s), ...this.spikeFamilies(), ...this.groupFamilies(), ...probeFamilies(s)];
  }

  private deviceFamilies(s: Sample): MetricFamily[] {
    return [
      counterOf('node_network_receive_bytes', 'Network device statistic receive_bytes, since the agent started.', this.netBytes, 'receive', 'device'),
      counterOf('node_network_transmit_bytes', 'Network device statistic transmit_bytes, since the agent started.', this.netBytes, 'transmit', 'device'),
      counterOf('node_disk_read_bytes', 'The total number of bytes read successfully, since the agent started.', this.diskBytes, 'read', 'device'),
      counterOf('node_disk_written_bytes', 'The total number of bytes written successfully, since the agent started.', this.diskBytes, 'written', 'device'),
      filesystemGauge('node_filesystem_size_bytes', 'Filesystem size in bytes.', s.filesystems, (f) => f.sizeBytes),
      // Absent when no filesystem has the figure (an agent or recording from before it was collected).
      ...nonEmpty(filesystemGauge('node_filesystem_avail_bytes', 'Filesystem space an unprivileged user can still write, in bytes (statfs f_bavail).', s.filesystems, (f) => f.availBytes)),
      filesystemGauge('tmon_filesystem_used_bytes', 'Filesystem space in use in bytes.', s.filesystems, (f) => f.usedBytes),
    ];
  }

  private tmonFamilies(s: Sample): MetricFamily[] {
    const m = s.memory;
    return [
      gauge('tmon_memory_total_bytes', 'Memory total: RAM, or the cgroup limit when one below RAM applies.', m.total, 'bytes'),
      gauge('tmon_memory_used_bytes', 'Memory used (total minus available) at the last sample.', m.used, 'bytes'),
      gauge('tmon_memory_used_peak_bytes', 'Highest memory used inside the peak window, brief peaks between samples included.', Math.max(...this.peaks.map((p) => p.used)), 'bytes'),
      gauge('tmon_cpu_busy_ratio', 'CPU busy share over the last interval, all cores.', s.cpu.total.busy / 100, 'ratio'),
      gauge('tmon_cpu_busy_peak_ratio', 'Highest CPU busy share inside the peak window, brief peaks between samples included.', Math.max(...this.peaks.map((p) => p.busy)) / 100, 'ratio'),
      gauge('tmon_peak_window_seconds', 'How far back the peak gauges look: scraping at least this often loses no peak.', PEAK_WINDOW_MS / 1000, 'seconds'),
      {
        name: 'tmon_pressure_some_avg10_ratio',
        help: 'Share of the last 10 s some task stalled on the resource (PSI).',
        type: 'gauge',
        unit: 'ratio',
        samples: (['cpu', 'memory', 'io'] as const).flatMap((r) => (s.pressure[r] === null ? [] : [{ labels: { resource: r }, value: (s.pressure[r] as number) / 100 }])),
      },
      { name: 'tmon_oom_kills', help: 'OOM kills in the watched memory cgroup since the agent started.', type: 'counter', samples: [{ value: this.oomKills }] },
      {
        name: 'tmon_spikes',
        help: 'Spikes closed since the agent started, by metric and severity.',
        type: 'counter',
        samples: [...this.spikeCounts].map(([k, value]) => labelled(value, ['metric', 'severity'], k)),
      },
    ];
  }

  private groupFamilies(): MetricFamily[] {
    return [
      {
        name: 'namedprocess_namegroup_num_procs',
        help: 'Number of processes in this group (the top process names; the rest under other).',
        type: 'gauge',
        samples: [...this.groups].map(([name, g]) => ({ labels: { groupname: name }, value: g.count })),
      },
      {
        name: 'namedprocess_namegroup_memory_bytes',
        help: 'Resident memory of the processes in this group.',
        type: 'gauge',
        unit: 'bytes',
        samples: [...this.groups].map(([name, g]) => ({ labels: { groupname: name, memtype: 'resident' }, value: g.rss })),
      },
      {
        name: 'tmon_process_group_cpu_seconds',
        help: 'CPU seconds of the processes in this group (their reaped children included) while the name was in the top.',
        type: 'counter',
        unit: 'seconds',
        samples: [...this.groupCpuSeconds].map(([name, value]) => ({ labels: { groupname: name }, value })),
      },
    ];
  }

  /** The newest spike: when, how high, and its top culprit by name (one series at a time). */
  private spikeFamilies(): MetricFamily[] {
    const sp = this.lastSpike;
    if (!sp) return [];
    const top = sp.culprits[0];
    return [
      {
        name: 'tmon_last_spike',
        help: 'The newest spike: its metric, severity and top culprit (a latency spike: its probe target).',
        type: 'info',
        samples: [
          {
            labels: { metric: sp.metric, severity: sp.severity, culprit: top?.name ?? '', user: top?.user ?? '', ...(sp.target !== undefined ? { target: sp.target } : {}) },
            value: 1,
          },
        ],
      },
      { name: 'tmon_last_spike_timestamp_seconds', help: 'When the newest spike started, in unixtime.', type: 'gauge', unit: 'seconds', samples: [{ labels: { metric: sp.metric }, value: sp.start / 1000 }] },
      { name: 'tmon_last_spike_peak', help: 'The newest spike\'s peak: percent busy for cpu, bytes for memory, oom and limit, ms for latency.', type: 'gauge', samples: [{ labels: { metric: sp.metric }, value: sp.peak }] },
    ];
  }
}

/** The pressure counters the sample has: none without PSI (another OS, an older agent or recording). */
function pressureFamilies(s: Sample): MetricFamily[] {
  return PRESSURE_COUNTERS.flatMap(({ name, field, help }): MetricFamily[] => {
    const v = s.pressure[field];
    return v === undefined ? [] : [{ name, help, type: 'counter', unit: 'seconds', samples: [{ value: v }] }];
  });
}

/**
 * Each probe target's latest answer, blackbox_exporter's meanings under tmon's
 * prefix (the target is a label here, not the scrape's instance): one series per
 * --probe, so as bounded as the agent's command line.
 */
function probeFamilies(s: Sample): MetricFamily[] {
  const probes = s.probes ?? [];
  if (probes.length === 0) return [];
  const each = (value: (p: ProbeResult) => number | undefined): MetricSample[] =>
    probes.flatMap((p) => {
      const v = value(p);
      return v === undefined ? [] : [{ labels: { target: p.target }, value: v }];
    });
  return [
    { name: 'tmon_probe_success', help: 'Whether the probe answered in time (http: a 2xx or 3xx status).', type: 'gauge', samples: each((p) => (p.up ? 1 : 0)) },
    ...nonEmpty({ name: 'tmon_probe_duration_seconds', help: 'Round trip of the latest answer: tcp connect, http total, ping echo.', type: 'gauge', unit: 'seconds', samples: each((p) => (p.ms === undefined ? undefined : p.ms / 1000)) }),
    ...nonEmpty({ name: 'tmon_probe_http_status_code', help: 'HTTP status of the latest answer.', type: 'gauge', samples: each((p) => p.status) }),
  ];
}

/** A gauge per filesystem, labelled as node_exporter labels them; a filesystem without the figure is left out. */
function filesystemGauge(name: string, help: string, filesystems: readonly FilesystemStats[], value: (f: FilesystemStats) => number | undefined): MetricFamily {
  const samples = filesystems.flatMap((f) => {
    const v = value(f);
    return v === undefined ? [] : [{ labels: { device: f.device, fstype: f.fsType, mountpoint: f.mount }, value: v }];
  });
  return { name, help, type: 'gauge', unit: 'bytes', samples };
}

function nonEmpty(f: MetricFamily): MetricFamily[] {
  return f.samples.length > 0 ? [f] : [];
}

function gauge(name: string, help: string, value: number, unit?: MetricFamily['unit']): MetricFamily {
  return { name, help, type: 'gauge', ...(unit ? { unit } : {}), samples: [{ value }] };
}

function add(map: Map<string, number>, key: string, v: number): void {
  map.set(key, (map.get(key) ?? 0) + (Number.isFinite(v) ? v : 0));
}

/** A sample whose labels were joined into its key with `|`, in `names` order. */
function labelled(value: number, names: readonly string[], key: string): MetricSample {
  const parts = key.split('|');
  return { labels: Object.fromEntries(names.map((n, i) => [n, parts[i] ?? ''])), value };
}

/** The counters of `map` whose key starts with `kind|`, labelled by what follows. */
function counterOf(name: string, help: string, map: Map<string, number>, kind: string, label: string): MetricFamily {
  const prefix = `${kind}|`;
  const samples = [...map].filter(([k]) => k.startsWith(prefix)).map(([k, value]) => ({ labels: { [label]: k.slice(prefix.length) }, value }));
  return { name, help, type: 'counter', unit: 'bytes', samples };
}
