/**
 * State → what each widget draws. Pure functions of samples, spikes and the view
 * state, so the dashboard's content is tested without a screen.
 */
import { MIN_MEMORY_RISE_BYTES, type SpikeThresholds } from '../analysis/thresholds.js';
import type { UserTotal } from '../analysis/user-totals.js';
import type { ProcessEvent } from '../analysis/process-events.js';
import type { ProcessFacts, ProcessPoint } from '../analysis/process-series.js';
import { netTotals } from '../core/net-totals.js';
import { processKey, type Sample } from '../core/sample.js';
import type { Severity, Spike } from '../core/spike.js';
import { culpritText, latencySubject, spikeDuration } from '../core/spike-text.js';
import type { Timeline } from '../core/timeline.js';
import type { EventsOf } from '../session/session-view.js';
import { formatBytes, formatClock, formatDay, formatDuration, formatInterval, formatPercent, formatRoundTrip } from '../core/units.js';
import { timeSlots } from './time-slots.js';

// ── process table (its model: process-table.ts) ──────────────────────────────

/** Index of the row to select: the same process as before if it is still listed, else the same position. */
export function resolveSelection(rows: readonly { key: string }[], key: string | null, index: number): number {
  if (rows.length === 0) return 0;
  if (key !== null) {
    const found = rows.findIndex((r) => r.key === key);
    if (found >= 0) return found;
  }
  return Math.min(Math.max(0, index), rows.length - 1);
}

/**
 * The selected row's index, or null for none. While following, the followed
 * process's row or none, never a stand-in in its place that k could signal by mistake.
 */
export function selectedIndex(rows: readonly { key: string }[], selection: { key: string | null; index: number }, followKey: string | null): number | null {
  if (rows.length === 0) return null;
  if (followKey === null) return resolveSelection(rows, selection.key, selection.index);
  const i = rows.findIndex((r) => r.key === followKey);
  return i >= 0 ? i : null;
}

// ── spike log ────────────────────────────────────────────────────────────────

export interface SpikeLine {
  id: string;
  severity: Severity;
  text: string;
}

/**
 * One line per spike, newest first: time, metric, peak, duration, top culprits
 * with their share — `03:12:05 MEM 7.1G 0.8s  alloc[4242] 92%, node[77] 5%`.
 * `now` (the newest sample's time) gives an ongoing spike its duration so far.
 * A spike on another local day than `today` (default `now`) starts with its
 * date, `11-19 03:12:05 MEM …`: in a history of days the time alone is ambiguous.
 */
export function spikeLogLines(spikes: readonly Spike[], now?: number, intervalMs = 1000, today = now): SpikeLine[] {
  return [...spikes]
    .sort((a, b) => b.start - a.start)
    .map((s) => ({ id: s.id, severity: s.severity, text: spikeLogLine(s, now, intervalMs, today) }));
}

/**
 * What the empty spike log says counts as a spike, in one line: the absolute
 * thresholds (with their margin over the last minute's level), the sudden rises,
 * and with `probes` running the latency rule.
 */
export function spikeRuleText(t: SpikeThresholds, memTotal: number, probes = false): string {
  const of = memTotal > 0 ? ` of ${formatBytes(memTotal)}` : '';
  const sudden: string[] = [];
  if (t.cpu.rise > 0) sudden.push(`CPU +${t.cpu.rise} pts`);
  if (t.memory.rise > 0) {
    sudden.push(memTotal > 0 ? `MEM +${formatBytes(Math.max((memTotal * t.memory.rise) / 100, MIN_MEMORY_RISE_BYTES))}` : `MEM +${t.memory.rise}%`);
  }
  const rule = `CPU ≥${t.cpu.absolute}% (+${t.cpu.margin}) or MEM ≥${t.memory.absolute}%${of} (+${t.memory.margin})`;
  const latency = probes ? `; a probe's LAT ${t.latency.factor}× its usual and +${t.latency.margin}ms` : '';
  return `no spikes yet · a spike is ${rule} over the last minute${sudden.length ? `, or a sudden ${sudden.join(' / ')}` : ''}${latency}`;
}

/** Culprits a spike's line in the log names; the selected spike lists the rest under it (spike-detail.ts). */
export const LOG_CULPRITS = 3;

const METRIC_LABEL: Record<Spike['metric'], string> = { cpu: 'CPU', memory: 'MEM', oom: 'OOM kill', limit: 'MEM limit hit', latency: 'LAT' };

/** `03:12:05 MEM 7.1G 0.8s  alloc[4242] 92%`; a latency spike names its target: `03:12:05 LAT 480ms 4.0s  https://db1/ (usual 12ms)`. */
export function spikeLogLine(s: Spike, now?: number, intervalMs = 1000, today = now): string {
  const metric = METRIC_LABEL[s.metric];
  const peak = s.metric === 'cpu' ? `${Math.round(s.peak)}%` : s.metric === 'latency' ? formatRoundTrip(s.peak) : formatBytes(s.peak);
  const culprits = s.culprits.slice(0, LOG_CULPRITS).map((c) => culpritText(c, s.metric)).join(', ');
  const names = s.metric === 'latency' ? latencySubject(s) : culprits || '(no culprit found)';
  const day = today === undefined || sameLocalDay(s.start, today) ? '' : `${formatDay(s.start).slice(5)} `;
  return `${day}${formatClock(s.start)} ${metric} ${peak} ${spikeDuration(s, intervalMs, now)}  ${names}`;
}

// ── graphs ───────────────────────────────────────────────────────────────────

export interface GraphWindow {
  /** Samples [start, end) of the timeline. */
  start: number;
  end: number;
  /** Position of the cursor's sample inside the window (from graphSeries: among the values it draws, gaps included). */
  cursorOffset: number;
}

/**
 * Which `width` samples a graph shows: live, the newest ending at the right edge;
 * paused or in replay, the window around the cursor (clamped at the ends).
 */
export function graphWindow(length: number, cursor: number, width: number, follow: boolean): GraphWindow {
  const w = Math.max(1, width);
  if (length <= 0 || cursor < 0) return { start: 0, end: 0, cursorOffset: 0 };
  const start = follow ? Math.max(0, cursor - w + 1) : Math.min(Math.max(0, cursor - Math.floor(w / 2)), Math.max(0, length - w));
  const end = Math.min(length, start + w);
  return { start, end, cursorOffset: cursor - start };
}

export interface Series {
  title: string;
  x: string[];
  y: number[];
}

/** Time labels, `''` for a slot without a sample. */
function slotClocks(slots: readonly (Sample | null)[]): string[] {
  return slots.map((s) => (s ? formatClock(s.time) : ''));
}

/** Total busy % using the true peak inside each interval, or busy % per core; NaN (no line) where a slot has no sample. */
export function cpuSeries(slots: readonly (Sample | null)[], perCore: boolean): Series[] {
  const x = slotClocks(slots);
  if (!perCore) return [{ title: 'busy (peak)', x, y: slots.map((s) => (s ? finite(s.cpu.busyMax) : NaN)) }];
  const cores = slots.reduce((n, s) => Math.max(n, s?.cpu.cores.length ?? 0), 0);
  return Array.from({ length: cores }, (_, i) => ({ title: `cpu${i}`, x, y: slots.map((s) => (s ? finite(s.cpu.cores[i]?.busy ?? 0) : NaN)) }));
}

/** used (its peak inside the interval) and cached as % of RAM, swap as % of swap; NaN where a slot has no sample. */
export function memorySeries(slots: readonly (Sample | null)[], zoom = false): Series[] {
  const x = slotClocks(slots);
  const pct = (s: Sample | null, v: (s: Sample) => number, total: (s: Sample) => number): number =>
    !s ? NaN : total(s) > 0 ? finite((v(s) / total(s)) * 100) : 0;
  const used = { title: 'used (peak)', x, y: slots.map((s) => pct(s, (m) => m.memory.usedMax, (m) => m.memory.total)) };
  // Zoomed, cached and swap (other scales) would only run off the top.
  if (zoom) return [used];
  return [
    used,
    { title: 'cached', x, y: slots.map((s) => pct(s, (m) => m.memory.cached, (m) => m.memory.total)) },
    { title: 'swap', x, y: slots.map((s) => pct(s, (m) => m.memory.swapUsed, (m) => m.memory.swapTotal)) },
  ];
}

export interface GraphData {
  window: GraphWindow;
  series: Series[];
  /** Top of the y axis, percent. */
  maxY: number;
}

/**
 * The memory graph's top when zoomed: the window's highest used peak plus a fifth,
 * rounded up to 1, 2 or 5 × 10ⁿ percent, so a 400 MB spike on a roomy machine has a
 * shape instead of a flat line at the bottom. Past 50 % the full scale is as good.
 */
export function zoomedMaxY(series: readonly Series[]): number {
  let max = 0;
  for (const s of series) for (const v of s.y) if (v > max) max = v;
  const want = Math.max(0.1, max * 1.2);
  if (want > 50) return 100;
  const step = 10 ** Math.floor(Math.log10(want));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((v) => v >= want - 1e-9) ?? 100;
  return Math.min(100, nice);
}

/**
 * One graph's series for the window around the cursor; reads only the window's
 * samples, and builds only the graph asked for (each panel has its own width).
 */
export function graphSeries(
  tl: Timeline,
  cursor: number,
  width: number,
  opts: { follow: boolean; graph: 'cpu' | 'cpu-per-core' | 'memory'; zoom?: boolean },
): GraphData {
  const byCount = graphWindow(tl.length, cursor, width, opts.follow);
  // Spaced by time: an outage inside the window shows as empty columns, and pushes the oldest samples out.
  const { slots, slotOf } = timeSlots(tl.slice(byCount.start, byCount.end), width);
  const w = Math.max(1, width);
  const cursorSlot = slotOf[byCount.cursorOffset] ?? 0;
  const from = opts.follow ? Math.max(0, slots.length - w) : Math.min(Math.max(0, cursorSlot - Math.floor(w / 2)), Math.max(0, slots.length - w));
  const shown = slots.slice(from, from + w);
  const window = { ...byCount, cursorOffset: cursorSlot - from };
  if (opts.graph !== 'memory') return { window, series: cpuSeries(shown, opts.graph === 'cpu-per-core'), maxY: 100 };
  const zoom = opts.zoom === true;
  const series = memorySeries(shown, zoom);
  return { window, series, maxY: zoom ? zoomedMaxY(series) : 100 };
}

/** The panel title at the cursor's sample: the longest variant that fits `width`. */
export function cpuTitle(s: Sample | undefined, perCore: boolean, width = Infinity): string {
  if (!s) return 'CPU';
  const now = `${formatPercent(s.cpu.total.busy)} peak ${formatPercent(s.cpu.busyMax)}`;
  const n = s.cpu.cores.length;
  const busy = formatPercent(s.cpu.total.busy);
  // Narrow, the total outlives the words: the lines already show it is per core.
  if (perCore) return longestFitting([`CPU per core (${n}) total ${now}`, `${n} cores ${busy} pk ${formatPercent(s.cpu.busyMax)}`, `${n} cores ${busy}`, 'CPU/core'], width);
  const waits = `iowait ${formatPercent(s.cpu.total.iowait)} steal ${formatPercent(s.cpu.total.steal)}`;
  return longestFitting(
    [`CPU ${now} ${waits}`, `CPU ${now} io ${formatPercent(s.cpu.total.iowait)} st ${formatPercent(s.cpu.total.steal)}`, `CPU ${now}`, `CPU ${formatPercent(s.cpu.total.busy)} pk ${formatPercent(s.cpu.busyMax)}`, 'CPU'],
    width,
  );
}

/** `maxY` below 100: the graph is zoomed, and the title says how far its axis reaches. */
export function memoryTitle(s: Sample | undefined, width = Infinity, maxY = 100): string {
  if (!s) return 'Memory';
  const m = s.memory;
  // Under a cgroup limit the total is that limit, and says so.
  const used = `${formatBytes(m.used)}/${formatBytes(m.total)}${m.limit === undefined ? '' : ' limit'}`;
  // Zoomed, where the axis ends matters more than cached and swap: it survives longer as the title shrinks.
  const top = maxY < 100 ? formatBytes((m.total * maxY) / 100) : null;
  const pk = formatBytes(m.usedMax);
  return longestFitting(
    [
      `Memory ${used} peak ${pk} cached ${formatBytes(m.cached)} swap ${formatBytes(m.swapUsed)}${top ? ` axis 0–${top} (z)` : ''}`,
      ...(top ? [`Memory ${used} peak ${pk} axis 0–${top} (z)`, `Mem ${used} pk ${pk} axis 0–${top}`, `Mem ${used} axis 0–${top}`] : []),
      `Memory ${used} peak ${pk}`,
      `Mem ${used} pk ${pk}`,
      `Mem ${used}`,
      'Memory',
    ],
    width,
  );
}

/** The first (most complete) variant no wider than `width`, else the last one cut to fit. */
function longestFitting(variants: readonly string[], width: number): string {
  return variants.find((v) => v.length <= width) ?? fit(variants[variants.length - 1] ?? '', width);
}

// ── sparklines ───────────────────────────────────────────────────────────────

const BARS = '▁▂▃▄▅▆▇█';

/** The last `width` values as bar characters, scaled to the largest of them (0 at the bottom). */
export function sparkline(values: readonly number[], width: number): string {
  if (width <= 0) return '';
  const shown = values.slice(-width).map(finite);
  const max = Math.max(0, ...shown);
  return shown.map((v) => (max === 0 ? BARS[0] : BARS[Math.min(7, Math.max(0, Math.round((v / max) * 7)))])).join('');
}

/**
 * Load, network (netTotals: physical interfaces) and disk (all devices summed): one line
 * each, label, the value under the cursor, and its recent history; then the 5 and 15
 * minute load and the pressure at the cursor. `samples` end at the cursor.
 */
export function sparkLines(samples: readonly Sample[], width: number): string[] {
  const sum = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((a, x) => a + finite(f(x)), 0);
  const metrics: { label: string; values: number[]; format: (v: number) => string }[] = [
    { label: 'load', values: samples.map((s) => s.load.one), format: (v) => v.toFixed(2) },
    { label: 'rx', values: samples.map((s) => netTotals(s.net).rxBytesPerSec), format: formatBytes },
    { label: 'tx', values: samples.map((s) => netTotals(s.net).txBytesPerSec), format: formatBytes },
    { label: 'read', values: samples.map((s) => sum(s.disks, (d) => d.readBytesPerSec)), format: formatBytes },
    { label: 'write', values: samples.map((s) => sum(s.disks, (d) => d.writeBytesPerSec)), format: formatBytes },
  ];
  const lines = metrics.map((m) => {
    const head = `${m.label.padEnd(5)} ${m.values.length ? m.format(m.values[m.values.length - 1] as number).padStart(5) : '    -'} `;
    return fit(head + sparkline(m.values, width - head.length), width);
  });
  const last = samples[samples.length - 1];
  return last ? [...lines, fit(loadAndPressure(last), width)] : lines;
}

/** `5/15m 0.98 0.70  psi cpu 1.2 mem 0.0 io 3.4`: the slower load averages and pressure (some, avg10 %); no psi part without PSI. */
function loadAndPressure(s: Sample): string {
  const psi = (['cpu', 'memory', 'io'] as const)
    .map((r) => ({ label: r === 'memory' ? 'mem' : r, v: s.pressure[r] }))
    .filter((p): p is { label: string; v: number } => p.v !== null)
    .map((p) => `${p.label} ${p.v.toFixed(1)}`);
  return `5/15m ${s.load.five.toFixed(2)} ${s.load.fifteen.toFixed(2)}${psi.length ? `  psi ${psi.join(' ')}` : ''}`;
}

// ── users, events ────────────────────────────────────────────────────────────

/** CPU and memory per user (analysis' userTotals, busiest first), with a header line. */
export function userLines(totals: readonly UserTotal[] | undefined, width: number): string[] {
  if (!totals) return [];
  const row = (user: string, cpu: string, rss: string, n: string): string =>
    fit(`${fit(user, 10).padEnd(10)} ${cpu.padStart(6)} ${rss.padStart(6)} ${n.padStart(5)}`, width);
  return [row('USER', 'CPU%', 'RSS', 'PROCS'), ...totals.map((u) => row(u.user, u.cpu.toFixed(1), formatBytes(u.rss), String(u.processes)))];
}

/**
 * Process starts and exits up to the sample at `index`, newest first: at most
 * `max` of them, looking back at most `maxScan` samples (so a quiet machine does
 * not cost a walk through the whole history every frame) and never past a
 * sample that cannot be read.
 */
export function recentEvents(tl: Timeline, index: number, max: number, maxScan: number, eventsOf: EventsOf): ProcessEvent[] {
  const out: ProcessEvent[] = [];
  for (let i = index; i > 0 && i > index - maxScan && out.length < max; i--) {
    const events = eventsOf(tl, i);
    if (!events) break;
    for (let j = events.length - 1; j >= 0 && out.length < max; j--) out.push(events[j] as ProcessEvent);
  }
  return out;
}

/** `03:12:05 + alloc[4242] alice` for a start, `-` for an exit. */
export function eventLine(e: ProcessEvent): string {
  return `${formatClock(e.time)} ${e.kind === 'start' ? '+' : '-'} ${e.name}[${e.pid}] ${e.user}`;
}

// ── status bar ───────────────────────────────────────────────────────────────

export type ViewMode = 'live' | 'paused' | 'replay';

/** The first and last sample times of a timeline. */
export interface TimeSpan {
  first: number;
  last: number;
}

export function timelineSpan(tl: Timeline): TimeSpan | undefined {
  const first = tl.at(0)?.time;
  const last = tl.at(tl.length - 1)?.time;
  return first === undefined || last === undefined ? undefined : { first, last };
}

export interface StatusInfo {
  host: string;
  /** Seconds since boot at the sample shown. */
  uptime: number;
  mode: ViewMode;
  /** Time of the sample under the cursor (shown when paused or in replay). */
  cursorTime: number | null;
  /** The whole timeline's (a windowed replay: the whole history's); crossing a local midnight, the cursor time carries its date. */
  span?: TimeSpan | undefined;
  playSpeed: number;
  intervalMs: number;
  extra: string;
  message: string;
}

export function statusLine(info: StatusInfo, width: number): string {
  const mode = (shortDate: boolean): string =>
    info.mode === 'live'
      ? 'LIVE'
      : `${info.mode === 'paused' ? 'PAUSED' : 'REPLAY'}${info.cursorTime === null ? '' : ` ${cursorClock(info.cursorTime, info.span, shortDate)}`}${info.playSpeed ? ` ▶${info.playSpeed}x` : ''}`;
  const leftPart = (shortDate: boolean, uptime: boolean): string => {
    // Before the first sample there is no uptime or interval to tell.
    const known = info.intervalMs > 0;
    return [
      info.host,
      uptime && known ? `up ${formatDuration(info.uptime * 1000)}` : '',
      mode(shortDate),
      known ? `every ${formatInterval(info.intervalMs)}` : '',
      info.extra,
      info.message,
    ]
      .filter(Boolean)
      .join(' │ ');
  };
  // The most complete that fits: the year goes first, then the uptime, before the caller's text or a message is cut.
  const variants = [leftPart(false, true), leftPart(true, true), leftPart(true, false)];
  const left = variants.find((v) => v.length <= width) ?? (variants[2] as string);
  const hints =
    info.mode === 'live'
      ? ['q quit  space pause  ←→ step  tab focus  ? help', 'q quit  space pause  ? help', '? help']
      : [`q quit  space ${info.mode === 'replay' ? 'play' : 'live'}  ←→ step  n/N spike  g go to  p play  ? help`, `space ${info.mode === 'replay' ? 'play' : 'live'}  n/N spike  ? help`, '? help'];
  const hint = hints.find((h) => width - left.length - h.length >= 2);
  return hint === undefined ? fit(left, width) : left + ' '.repeat(width - left.length - hint.length) + hint;
}

// ── inspector ────────────────────────────────────────────────────────────────

export interface InspectedProcess {
  key: string;
  pid: number;
  name: string;
  user: string;
  cmd: string;
}

/** What the inspector shows: the process's points over the history, its start and parent, the spikes it took part in. */
export interface InspectedHistory {
  points: readonly ProcessPoint[];
  facts: ProcessFacts | undefined;
  spikes: readonly Spike[];
}

/**
 * What the inspector says about a process's whole history, above its graphs:
 * who it is, when it started and was seen (and exited), its peaks, and the
 * spikes naming it — all a short-lived culprit of one sample has to show.
 */
export function inspectorSummary(p: InspectedProcess, h: InspectedHistory): string[] {
  const parent = h.facts ? `  parent ${h.facts.parent ?? '?'}[${h.facts.ppid}]` : '';
  const head = `${p.name}[${p.pid}]  user ${p.user}${parent}`;
  const cmd = p.cmd ? `command: ${p.cmd}` : '';
  const spikes = h.spikes.length ? `spikes: ${h.spikes.map((s) => `${formatClock(s.start)} ${METRIC_LABEL[s.metric]} ${culpritShare(s, p.key)}`).join(', ')}` : '';
  const points = h.points;
  if (points.length === 0) return [head, cmd, 'no samples of this process in the history', spikes].filter(Boolean);
  const first = points[0] as ProcessPoint;
  const last = points[points.length - 1] as ProcessPoint;
  const peakCpu = points.reduce((a, x) => (x.cpu > a.cpu ? x : a), first);
  const peakRss = points.reduce((a, x) => (x.rss > a.rss ? x : a), first);
  const started = h.facts ? `started ${formatClock(h.facts.startTime)} · ` : '';
  const exited = points.find((x) => x.exited);
  return [
    head,
    cmd,
    `${started}seen ${formatClock(first.time)}–${formatClock(last.time)} (${points.length} sample${points.length === 1 ? '' : 's'})${exited ? ` · exited by ${formatClock(exited.time)}` : ''}`,
    `peak CPU ${formatPercent(peakCpu.cpu)} at ${formatClock(peakCpu.time)}   peak RSS ${formatBytes(peakRss.rss)} at ${formatClock(peakRss.time)}`,
    spikes,
  ].filter(Boolean);
}

/** The process's share of a spike it is a culprit of, as the log shows it. */
function culpritShare(s: Spike, key: string): string {
  const c = s.culprits.find((x) => processKey(x) === key);
  return c ? `${Math.round(c.share * 100)}%` : '';
}

/** At most `n` points, each bucket keeping its maximum so a brief peak survives. */
export function downsampleMax(points: readonly ProcessPoint[], n: number): ProcessPoint[] {
  if (points.length <= n || n <= 0) return [...points];
  const out: ProcessPoint[] = [];
  for (let b = 0; b < n; b++) {
    const from = Math.floor((b * points.length) / n);
    const to = Math.floor(((b + 1) * points.length) / n);
    let cpu = 0;
    let rss = 0;
    let exited = false;
    for (let i = from; i < to; i++) {
      const p = points[i] as ProcessPoint;
      cpu = Math.max(cpu, p.cpu);
      rss = Math.max(rss, p.rss);
      exited ||= p.exited;
    }
    out.push({ time: (points[from] as ProcessPoint).time, cpu, rss, exited });
  }
  return out;
}

// ── dates ────────────────────────────────────────────────────────────────────

export function sameLocalDay(a: number, b: number): boolean {
  return formatDay(a) === formatDay(b);
}

/**
 * The time of day, preceded by the date when `span` crosses a local midnight (a
 * time alone would name several moments): "2026-11-19 03:12:05", or with
 * `shortDate` "11-19 03:12:05".
 */
export function cursorClock(time: number, span?: TimeSpan, shortDate = false): string {
  if (!span || sameLocalDay(span.first, span.last)) return formatClock(time);
  const day = formatDay(time);
  return `${shortDate ? day.slice(5) : day} ${formatClock(time)}`;
}

// ── helpers ──────────────────────────────────────────────────────────────────

/** Cut to `width` characters, marking the cut with an ellipsis. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

function finite(v: number): number {
  return Number.isFinite(v) ? v : 0;
}

/**
 * First visible line of a list so that `selected` stays in view. A selection
 * that leaves the view takes the view along by as far as it moved, so it keeps
 * its row (PgDn pages the view as in htop; an arrow at the edge moves it one
 * line), as far as the list's ends allow.
 */
export function scrollOffset(prev: number, selected: number, visible: number, count: number, prevSelected = selected): number {
  if (visible <= 0 || count <= visible) return 0;
  let off = Math.min(Math.max(0, prev), count - visible);
  if (selected >= off && selected < off + visible) return off;
  off += selected - prevSelected;
  off = Math.min(Math.max(off, selected - visible + 1), selected);
  return Math.min(Math.max(0, off), count - visible);
}
