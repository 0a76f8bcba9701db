/**
 * The multi-host overview's content: host state → the text of its box, the
 * status line, and what each key does. Pure functions, so the overview's words
 * are tested without a screen or a network.
 */
import type { FiringAlert } from '../analysis/alert-board.js';
import type { Sample } from '../core/sample.js';
import type { Severity, Spike } from '../core/spike.js';
import { wrapWords } from '../core/text-width.js';
import type { Timeline } from '../core/timeline.js';
import { formatBytes, formatDuration, formatInterval, formatPercent } from '../core/units.js';
import { fit, sparkline, spikeLogLine } from './view-model.js';
import type { LineTone } from './widgets/list-panel.js';

/**
 * A viewer's link to one agent. The same words as the transport layer's link
 * state, spelled out here because ui does not import transport.
 */
export type HostLinkState = 'connecting' | 'live' | 'reconnecting' | 'auth-failed' | 'unreachable' | 'version-mismatch' | 'closed';

/** What the overview reads of one host (the commands layer's HostFeed is one). */
export interface OverviewHost {
  /** How the person named it: "db1:7654". */
  readonly label: string;
  readonly state: HostLinkState;
  /** The link's problem in one line, while it has one. */
  readonly lastError: string | undefined;
  /** The newest samples, oldest first (their process lists may be left out): what the box draws. */
  readonly recent: Timeline;
  spikes(): readonly Spike[];
  /** The agent's alert rules that fire now (none from an agent without rules). */
  readonly alerts?: { readonly firing: readonly FiringAlert[] };
  /** Calls `listener` on every new sample and link change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

export const LINK_WORDS: Readonly<Record<HostLinkState, string>> = {
  connecting: 'connecting',
  live: 'live',
  reconnecting: 'reconnecting',
  'auth-failed': 'auth failed',
  unreachable: 'unreachable',
  'version-mismatch': 'version mismatch',
  closed: 'closed',
};

/** A failure the person must act on is critical; a link still trying is a warning. */
function linkTone(state: HostLinkState): LineTone {
  if (state === 'live') return null;
  return state === 'connecting' || state === 'reconnecting' ? 'warning' : 'critical';
}

// ── one host's box ───────────────────────────────────────────────────────────

/** One host as a box draws it: plain data, taken from an OverviewHost each frame. */
export interface HostView {
  label: string;
  state: HostLinkState;
  lastError: string | undefined;
  /** The newest samples, oldest first: as many as the box is wide is enough. */
  recent: readonly Sample[];
  spikes: readonly Spike[];
  /** The agent's alerts firing now. */
  firing?: readonly FiringAlert[];
}

export interface HostBox {
  title: string;
  lines: string[];
  /** One per line. */
  tones: LineTone[];
}

/** The newest `n` samples of a host, for its HostView. */
export function recentSamples(tl: Timeline, n: number): Sample[] {
  return tl.slice(Math.max(0, tl.length - n), tl.length);
}

/** Room for the widest figure, `23.5G/23.5G`, so the CPU and memory sparklines start in the same column. */
const FIGURE_WIDTH = 11;

/**
 * The box of one host, `width` x `height` inside its border: the link (its
 * problem wrapped over the spare lines when it has one), CPU and memory with
 * their sparklines and current figures, then the spikes, newest first. The
 * lines a person needs most come first, so a small box drops the oldest spikes
 * and the tail of a long error, never the figures.
 */
export function hostBox(h: HostView, width: number, height: number): HostBox {
  const newest = h.recent[h.recent.length - 1];
  const hostname = newest?.host.hostname;
  const title = hostname && !h.label.startsWith(`${hostname}:`) ? `${h.label} · ${hostname}` : h.label;

  const link = linkLine(h, newest);
  const [first = '', ...errorRest] = wrapWords(link, width);
  const waiting = h.state === 'live' || h.state === 'connecting';
  const figures = newest ? [cpuLine(h.recent, width), memoryLine(h.recent, width)] : waiting ? ['waiting for the first sample…'] : [];
  const spikes = spikeLines(h.spikes, newest, width);
  if (spikes.length === 0 && newest) spikes.push({ text: 'no spikes so far', tone: null });

  const body = [...figures.map((text) => ({ text, tone: null as LineTone })), ...spikes.slice(0, 1)];
  const alert = alertLine(h.firing ?? []);
  let room = height - 1 - alert.length - body.length;
  const error = errorRest.slice(0, Math.max(0, room)).map((text) => ({ text, tone: linkTone(h.state) }));
  room -= error.length;
  const more = spikes.slice(1, 1 + Math.max(0, room));
  const all = [{ text: first, tone: linkTone(h.state) }, ...alert, ...error, ...body, ...more].slice(0, Math.max(0, height));
  return { title, lines: all.map((l) => fit(l.text, width)), tones: all.map((l) => l.tone) };
}

/** `2 alerts firing: process(apache2) absent`, in the warning colour; none while nothing fires. */
function alertLine(firing: readonly FiringAlert[]): { text: string; tone: LineTone }[] {
  const first = firing[0];
  if (!first) return [];
  return [{ text: `${firing.length} alert${firing.length === 1 ? '' : 's'} firing: ${first.rule}`, tone: 'warning' }];
}

/** `live · up 3d04h · 2 CPUs · every 1.0s`, or the state and its problem. */
function linkLine(h: HostView, newest: Sample | undefined): string {
  const word = LINK_WORDS[h.state];
  if (h.state === 'live' && newest) {
    const cpus = newest.host.cpuCount;
    return `${word} · up ${formatDuration(newest.uptime * 1000)} · ${cpus} CPU${cpus === 1 ? '' : 's'} · every ${formatInterval(newest.intervalMs)}`;
  }
  if (h.state === 'connecting') return 'connecting…';
  return h.lastError ? `${word}: ${h.lastError}` : word;
}

function cpuLine(recent: readonly Sample[], width: number): string {
  const s = recent[recent.length - 1] as Sample;
  const head = `CPU ${formatPercent(s.cpu.total.busy).padStart(FIGURE_WIDTH)} `;
  // busyMax: the true peak inside each interval, as the dashboard's CPU graph draws it.
  return head + percentSparkline(recent.map((x) => x.cpu.busyMax), width - head.length);
}

function memoryLine(recent: readonly Sample[], width: number): string {
  const s = recent[recent.length - 1] as Sample;
  const head = `MEM ${`${formatBytes(s.memory.used)}/${formatBytes(s.memory.total)}`.padStart(FIGURE_WIDTH)} `;
  return head + percentSparkline(recent.map((x) => (x.memory.total > 0 ? (x.memory.usedMax / x.memory.total) * 100 : 0)), width - head.length);
}

/**
 * The dashboard's sparkline on a fixed 0–100 scale: it scales to the largest
 * value shown, so a 100 is shown with the values and its bar cut off again.
 * Without this a host idling at 3 % would draw full bars like one at 100 %.
 */
export function percentSparkline(values: readonly number[], width: number): string {
  if (width <= 0) return '';
  return sparkline([...values.slice(-width), 100], width + 1).slice(0, -1);
}

/** Newest first; "last spike" before the first when the line still fits, so a narrow box keeps the culprit instead. */
function spikeLines(spikes: readonly Spike[], newest: Sample | undefined, width: number): { text: string; tone: LineTone }[] {
  const ordered = [...spikes].sort((a, b) => b.start - a.start);
  return ordered.map((s, i) => {
    const line = spikeLogLine(s, newest?.time, newest?.intervalMs);
    const marked = `${i === 0 ? 'last spike' : '          '} ${line}`;
    return { text: marked.length <= width ? marked : line, tone: severityTone(s.severity) };
  });
}

function severityTone(s: Severity): LineTone {
  return s === 'critical' ? 'critical' : s === 'warning' ? 'warning' : null;
}

// ── status line ──────────────────────────────────────────────────────────────

/** `3 hosts: 1 live, 1 unreachable, 1 auth failed` — states in LINK_WORDS order. */
export function hostCounts(states: readonly HostLinkState[]): string {
  const parts = (Object.keys(LINK_WORDS) as HostLinkState[])
    .map((state) => ({ n: states.filter((s) => s === state).length, word: LINK_WORDS[state] }))
    .filter((c) => c.n > 0)
    .map((c) => `${c.n} ${c.word}`);
  return `${states.length} host${states.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** Longest first; the key hints matter more than the title, so the title goes before they shrink. */
const HINTS = ['←↑↓→ Tab select  Enter open host  q quit', '←→ select  Enter open  q quit', 'Enter open  q quit'];

export function overviewStatusLine(info: { states: readonly HostLinkState[]; page: number; pages: number }, width: number): string {
  const summary = [hostCounts(info.states), ...(info.pages > 1 ? [`page ${info.page + 1}/${info.pages} PgUp PgDn`] : [])].join(' │ ');
  const lefts = [`tmon overview │ ${summary}`, summary];
  for (const hint of HINTS) {
    const left = lefts.find((l) => width - l.length - hint.length >= 2);
    if (left !== undefined) return left + ' '.repeat(width - left.length - hint.length) + hint;
  }
  return fit(summary, width);
}

// ── keys ─────────────────────────────────────────────────────────────────────

export type OverviewKeyResult = { type: 'select'; index: number } | { type: 'open' } | { type: 'quit' } | null;

/**
 * What a key does on the overview, given the selected box, the number of hosts
 * and the grid: arrows move within the grid, Tab cycles, PgUp/PgDn turn pages.
 */
export function overviewKey(full: string, selected: number, count: number, grid: { columns: number; perPage: number }): OverviewKeyResult {
  const last = Math.max(0, count - 1);
  const to = (index: number): OverviewKeyResult => ({ type: 'select', index: Math.min(last, Math.max(0, index)) });
  switch (full) {
    case 'q':
    case 'C-c':
      return { type: 'quit' };
    case 'enter':
      return count > 0 ? { type: 'open' } : null;
    case 'left':
      return to(selected - 1);
    case 'right':
      return to(selected + 1);
    case 'up':
      return selected - grid.columns >= 0 ? to(selected - grid.columns) : null;
    case 'down':
      // From the row above a short last row, down lands on its last box.
      return Math.floor(selected / grid.columns) < Math.floor(last / grid.columns) ? to(selected + grid.columns) : null;
    case 'tab':
      return to(count === 0 ? 0 : (selected + 1) % count);
    case 'S-tab':
      return to(count === 0 ? 0 : (selected - 1 + count) % count);
    case 'pageup':
      return to(selected - grid.perPage);
    case 'pagedown':
      return to(selected + grid.perPage);
    case 'home':
      return to(0);
    case 'end':
      return to(last);
    default:
      return null;
  }
}
