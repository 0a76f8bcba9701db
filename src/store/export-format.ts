import { netTotals } from '../core/net-totals.js';
import type { ProcessStats, Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import { formatBytes, formatClock, formatDay, formatPercent, formatRoundTrip } from '../core/units.js';
import { culpritText, latencySubject, spikeDuration } from '../core/spike-text.js';
import { csvText, sanitize, terminalJson } from '../core/sanitize.js';

/**
 * Text for scripts and people: `tmon spikes --json` (JSON lines), `tmon
 * spikes` (one human line per spike) and `tmon export --csv`. Pure: strings
 * in, strings out. Names and command lines come from any local user: each
 * output is sanitised here (core/sanitize.ts), recordings keep them raw.
 */

/** One line of `tmon spikes --json`. Times are ISO 8601 UTC; `peak` and `baseline` are in `unit`. */
export interface SpikeRecord {
  id: string;
  metric: Spike['metric'];
  /** latency: the probe target whose round trip rose. */
  target?: string;
  start: string;
  /** null while the spike was still going on when the recording ended. */
  end: string | null;
  durationMs: number | null;
  peak: number;
  unit: 'percent' | 'bytes' | 'ms';
  peakAt: string;
  baseline: number;
  severity: Spike['severity'];
  culprits: {
    pid: number;
    name: string;
    command: string;
    user: string;
    /** Part of the summed rise, 0–1. */
    share: number;
    /** Percentage points of one core (cpu) or bytes (memory). */
    rise: number;
    exited?: true;
    viaChildren?: true;
    /** The tmon process that took the samples. */
    monitor?: true;
  }[];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function spikeRecord(s: Spike): SpikeRecord {
  return {
    id: s.id,
    metric: s.metric,
    ...(s.target !== undefined ? { target: s.target } : {}),
    start: iso(s.start),
    end: s.end === null ? null : iso(s.end),
    durationMs: s.end === null ? null : s.end - s.start,
    peak: s.peak,
    unit: s.metric === 'cpu' ? 'percent' : s.metric === 'latency' ? 'ms' : 'bytes',
    peakAt: iso(s.peakAt),
    baseline: s.baseline,
    severity: s.severity,
    culprits: s.culprits.map((c) => ({
      pid: c.pid,
      name: c.name,
      command: c.cmd,
      user: c.user,
      share: c.share,
      rise: c.rise,
      ...(c.exited ? { exited: true as const } : {}),
      ...(c.viaChildren ? { viaChildren: true as const } : {}),
      ...(c.monitor ? { monitor: true as const } : {}),
    })),
  };
}

/**
 * JSON lines: one object per spike, each on its own line (`jq` reads it as a stream; a script can read line by line).
 * Names keep their exact text, with control and bidi characters as `\uXXXX` escapes.
 */
export function spikesToJson(spikes: readonly Spike[]): string {
  return spikes.map((s) => `${terminalJson(JSON.stringify(spikeRecord(s)))}\n`).join('');
}

export interface TextOptions {
  /** Print times in UTC instead of the local time zone. */
  utc?: boolean;
  /** The recording's sampling interval: a one-sample spike lasted less than this (default 1000). */
  intervalMs?: number;
  /** Culprits listed per spike (default 3). */
  culprits?: number;
}

function clock(ms: number, utc: boolean): string {
  return `${formatDay(ms, utc)} ${formatClock(ms, utc)}`;
}

function metricValue(s: Spike, v: number): string {
  return s.metric === 'cpu' ? formatPercent(v) : s.metric === 'latency' ? formatRoundTrip(v) : formatBytes(v);
}

/**
 * `2026-11-22 03:12:05  memory  peak 5.2G (+3.1G)  12.0s  critical  stress[4242] 83%, node[12] 10%`,
 * `2026-11-22 03:12:09  latency  peak 480ms (+468ms)  4.0s  notice  https://db1/health (usual 12ms)`.
 * One line per spike, newline-terminated.
 */
export function spikesToText(spikes: readonly Spike[], opts: TextOptions = {}): string {
  const utc = opts.utc ?? false;
  const n = opts.culprits ?? 3;
  return spikes
    .map((s) => {
      const rise = s.peak - s.baseline;
      const riseText = s.metric === 'cpu' ? `+${Math.max(0, rise).toFixed(1)} pts` : `+${metricValue(s, Math.max(0, rise))}`;
      const duration = spikeDuration(s, opts.intervalMs ?? 1000);
      const culprits = s.culprits.slice(0, n).map((c) => culpritText(c, s.metric)).join(', ');
      const names = s.metric === 'latency' ? latencySubject(s) : culprits;
      return `${clock(s.start, utc)}  ${s.metric.padEnd(6)}  peak ${metricValue(s, s.peak)} (${riseText})  ${duration}  ${s.severity}  ${sanitize(names) || 'no culprit found'}\n`;
    })
    .join('');
}

/** The columns of `tmon export --csv`, in order. */
export const CSV_COLUMNS = [
  'time',
  'cpu_busy_pct',
  'cpu_peak_pct',
  'mem_used_bytes',
  'mem_peak_bytes',
  'mem_total_bytes',
  'swap_used_bytes',
  'load1',
  'net_rx_bytes_per_s',
  'net_tx_bytes_per_s',
  'top_cpu_process',
  'top_cpu_pct',
  'top_mem_process',
  'top_mem_bytes',
] as const;

/** RFC 4180: quoted when it holds a comma, quote, line break or edge space; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function top(processes: readonly ProcessStats[], by: (p: ProcessStats) => number): ProcessStats | undefined {
  let best: ProcessStats | undefined;
  for (const p of processes) if (!best || by(p) > by(best)) best = p;
  return best;
}

function fixed(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '';
}

function whole(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v)) : '';
}

/** Probe targets given columns of their own, at most: a recording's probes are few; a crafted one is bounded. */
export const MAX_CSV_PROBES = 64;

/** The two columns of each probe target after the fixed ones: up (1 or 0) and its round trip in ms (empty when down or not probed). */
function probeHeader(targets: readonly string[]): string[] {
  return targets.flatMap((t) => [`probe_up ${csvText(t)}`, `probe_ms ${csvText(t)}`]);
}

function probeCells(s: Sample, targets: readonly string[]): string[] {
  if (targets.length === 0) return [];
  const byTarget = new Map((s.probes ?? []).map((p) => [p.target, p]));
  return targets.flatMap((t) => {
    const p = byTarget.get(t);
    return p ? [p.up ? '1' : '0', p.up && p.ms !== undefined ? fixed(p.ms, 1) : ''] : ['', ''];
  });
}

export function csvRow(s: Sample, probeTargets: readonly string[] = []): string {
  const net = netTotals(s.net);
  const topCpu = top(s.processes, (p) => p.cpu);
  const topMem = top(s.processes, (p) => p.rss);
  const cells = [
    iso(s.time),
    fixed(s.cpu.total.busy, 1),
    fixed(s.cpu.busyMax, 1),
    whole(s.memory.used),
    whole(s.memory.usedMax),
    whole(s.memory.total),
    whole(s.memory.swapUsed),
    fixed(s.load.one, 2),
    whole(net.rxBytesPerSec),
    whole(net.txBytesPerSec),
    topCpu ? csvText(`${topCpu.name}[${topCpu.pid}]`) : '',
    topCpu ? fixed(topCpu.cpu, 1) : '',
    topMem ? csvText(`${topMem.name}[${topMem.pid}]`) : '',
    topMem ? whole(topMem.rss) : '',
    ...probeCells(s, probeTargets),
  ];
  return `${cells.map(csvField).join(',')}\r\n`;
}

/**
 * `tmon export --csv`: a header line then one row per sample, each a string
 * ending in CRLF (RFC 4180), produced lazily so a day of samples streams.
 */
export function* samplesToCsv(samples: Iterable<Sample>, opts: { header?: boolean; probeTargets?: readonly string[] } = {}): Generator<string> {
  const targets = opts.probeTargets ?? [];
  if (opts.header ?? true) yield `${[...CSV_COLUMNS, ...probeHeader(targets)].map(csvField).join(',')}\r\n`;
  for (const s of samples) yield csvRow(s, targets);
}

/** The probe targets of these samples in the order first seen, at most MAX_CSV_PROBES: the CSV's extra columns. */
export function probeTargetsOf(samples: Iterable<Sample>, into: Set<string> = new Set()): Set<string> {
  for (const s of samples) {
    for (const p of s.probes ?? []) if (into.size < MAX_CSV_PROBES) into.add(p.target);
  }
  return into;
}
