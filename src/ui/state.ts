/**
 * The dashboard's view state and every change to it, as a pure reducer: keys
 * become actions (keys.ts), actions change state here, and the dashboard only
 * draws the result. Samples keep arriving independently of all of this.
 */
import { processKey } from '../core/sample.js';
import { formatClock, formatDay } from '../core/units.js';
import type { Spike } from '../core/spike.js';
import type { Timeline } from '../core/timeline.js';
import { adjacentSpike, nextSpeed, playStep, snapToTyped, stepSamples, stepTime, type PlaySpeed } from './cursor.js';
import { matchesFilter } from './process-filter.js';
import { SIGNAL_CHOICES, type SignalTarget } from './process-signal.js';
import { adjacentColumn, type SortColumn } from './process-sort.js';
import type { TableRow } from './process-table.js';
import { parseTimeInput } from './time-input.js';
import { resolveSelection, selectedIndex, type InspectedProcess, type ViewMode } from './view-model.js';

export type FocusPanel = 'table' | 'spikes';

export type Overlay =
  /** `top`: the first help line shown, when the screen is too short for all. */
  | { kind: 'help'; top?: number }
  | { kind: 'inspect'; process: InspectedProcess }
  | { kind: 'goto'; text: string }
  /** The `/` prompt: typing changes `UiState.filter` as it goes. */
  | { kind: 'filter' }
  /** F3, htop's search: the selection jumps to the next process matching `text`, the others stay listed. */
  | { kind: 'search'; text: string }
  /** k / F9: which signal to send to `target` (an index into SIGNAL_CHOICES), asking before it goes. */
  | { kind: 'signal'; target: SignalTarget; choice: number };

/** The process the table follows (F): its row stays selected wherever it goes, and nothing else is selected while it is away. */
export interface Followed {
  key: string;
  pid: number;
  name: string;
}

export interface UiState {
  mode: ViewMode;
  /** The time under the cursor; null follows the newest sample (live). */
  cursor: number | null;
  play: PlaySpeed;
  sort: SortColumn;
  /** The sort column's natural order reversed (I, or its key again). */
  sortReverse: boolean;
  /** The table's `/` filter (name, command, user, pid); empty shows every process. */
  filter: string;
  /** The table as a tree (F5), with the children of these process keys folded away. */
  tree: boolean;
  collapsed: readonly string[];
  follow: Followed | null;
  focus: FocusPanel;
  /** Selected row, remembered by process so it stays on the process when the order changes. */
  table: { index: number; key: string | null };
  spikes: { index: number; id: string | null };
  perCore: boolean;
  /** Memory graph scaled to what the window uses (a spike's shape) rather than 0–100 % of the total. */
  memZoom: boolean;
  /** Optional panels the person showed (true) or hid (false), by panel id; absent: the terminal size decides. */
  toggles: Readonly<Record<string, boolean>>;
  overlay: Overlay | null;
  /** A one-off note in the status bar (e.g. a time that did not parse); cleared by the next key. */
  message: string;
}

export function initialState(replay: { cursor: number | null } | null): UiState {
  return {
    mode: replay ? 'replay' : 'live',
    cursor: replay ? replay.cursor : null,
    play: 0,
    sort: 'cpu',
    sortReverse: false,
    filter: '',
    tree: false,
    collapsed: [],
    follow: null,
    focus: 'table',
    table: { index: 0, key: null },
    spikes: { index: 0, id: null },
    perCore: false,
    memZoom: true,
    toggles: {},
    overlay: null,
    message: '',
  };
}

/** Rows to move by, a named jump, or an absolute line (a click). */
export type ScrollMove = number | 'home' | 'end' | 'pageUp' | 'pageDown' | { to: number };

export type Action =
  | { type: 'togglePause' }
  | { type: 'step'; samples: number }
  | { type: 'stepTime'; ms: number }
  | { type: 'spike'; dir: 1 | -1 }
  | { type: 'play' }
  | { type: 'tick'; elapsedMs: number }
  /** Sort by a column; its key again reverses the order. */
  | { type: 'sort'; key: SortColumn }
  | { type: 'sortReverse' }
  /** Sort by the column left or right of the current one (htop's < >). */
  | { type: 'sortStep'; dir: 1 | -1 }
  | { type: 'filterOpen' }
  | { type: 'filterInput'; text: string }
  | { type: 'filterBackspace' }
  /** Enter: the filter stays, the prompt closes. */
  | { type: 'filterClose' }
  /** Esc: the filter is gone. */
  | { type: 'filterClear' }
  | { type: 'searchOpen' }
  | { type: 'searchInput'; text: string }
  | { type: 'searchBackspace' }
  /** F3 again: the next match after the selected row, wrapping round. */
  | { type: 'searchNext' }
  | { type: 'tree' }
  /** Tree: fold (hide) or unfold the selected process's children. */
  | { type: 'fold'; hide: boolean }
  | { type: 'follow' }
  | { type: 'signalOpen' }
  | { type: 'signalChoose'; dir: 1 | -1 }
  /** The signal went (or did not): the prompt closes and the status line says how it went. */
  | { type: 'signalDone'; text: string }
  | { type: 'focus' }
  | { type: 'scroll'; by: ScrollMove; panel?: FocusPanel }
  | { type: 'select'; panel: FocusPanel; index: number }
  | { type: 'perCore' }
  | { type: 'memZoom' }
  /** Show or hide an optional panel (by its id). */
  | { type: 'toggle'; panel: string }
  | { type: 'help' }
  | { type: 'helpScroll'; by: number }
  | { type: 'close' }
  | { type: 'enter' }
  | { type: 'inspect' }
  | { type: 'gotoOpen' }
  | { type: 'gotoInput'; text: string }
  | { type: 'gotoBackspace' }
  | { type: 'gotoSubmit' }
  /** A note for the status bar, e.g. why a key did nothing. */
  | { type: 'say'; text: string };

/** What the reducer needs to know about the data being shown. */
export interface ViewContext {
  timeline: Timeline;
  spikes: readonly Spike[];
  /** The rows and spike lines as last drawn (selection refers to these). */
  rows: readonly TableRow[];
  spikeIds: readonly string[];
  /** Visible rows per list, for PgUp/PgDn. */
  pageSize: { table: number; spikes: number };
  /** Ids of the panels showing now (a toggle flips what is seen). */
  showing: ReadonlySet<string>;
  /** How far the open help scrolls (its lines beyond the screen). */
  helpMaxTop?: number;
  /**
   * The whole history's first and last sample times when `timeline` is only a
   * window onto it (a remote agent's store). Moves may then go past the
   * window's ends, within these; the dashboard loads the window there.
   */
  extent?: { first: number; last: number };
}

export function reduce(state: UiState, action: Action, ctx: ViewContext): UiState {
  const s: UiState = action.type === 'tick' ? state : { ...state, message: '' };
  if (isTableAction(action)) return reduceTable(s, action, ctx);
  switch (action.type) {
    case 'togglePause':
      if (s.mode === 'replay') return { ...s, play: s.play === 0 ? 1 : 0 };
      return s.mode === 'live' ? { ...s, ...paused(s, ctx), play: 0 } : { ...s, mode: 'live', cursor: null, play: 0 };
    case 'step': {
      const p = paused(s, ctx);
      if (p.cursor === null) return s;
      const cursor = pastWindow(ctx, p.cursor, action.samples) ?? stepSamples(ctx.timeline, p.cursor, action.samples);
      return { ...s, ...p, play: 0, cursor };
    }
    case 'stepTime': {
      const p = paused(s, ctx);
      if (p.cursor === null) return s;
      const cursor = outsideWindow(ctx, p.cursor + action.ms) ?? stepTime(ctx.timeline, p.cursor, action.ms);
      return { ...s, ...p, play: 0, cursor };
    }
    case 'spike': {
      const p = paused(s, ctx);
      if (p.cursor === null) return s;
      const spike = adjacentSpike(ctx.spikes, p.cursor, action.dir);
      if (!spike) return { ...s, message: action.dir === 1 ? 'no later spike' : 'no earlier spike' };
      return jumpToSpike({ ...s, ...p, play: 0 }, spike);
    }
    case 'play':
      if (s.mode === 'live') return { ...s, message: 'pause (space) and step back to play the history' };
      return { ...s, play: nextSpeed(s.play) };
    case 'tick': {
      if (s.play === 0 || s.cursor === null) return s;
      const r = playStep(ctx.timeline, s.cursor, action.elapsedMs, s.play);
      return { ...s, cursor: r.cursor, play: r.ended ? 0 : s.play };
    }
    case 'focus':
      return { ...s, focus: s.focus === 'table' ? 'spikes' : 'table' };
    case 'scroll':
      return scroll(s, action.panel ?? s.focus, action.by, ctx);
    case 'select':
      return scroll({ ...s, focus: action.panel }, action.panel, { to: action.index }, ctx);
    case 'perCore':
      return { ...s, perCore: !s.perCore };
    case 'memZoom':
      return { ...s, memZoom: !s.memZoom };
    case 'toggle':
      return { ...s, toggles: { ...s.toggles, [action.panel]: !ctx.showing.has(action.panel) } };
    case 'help':
      return { ...s, overlay: s.overlay?.kind === 'help' ? null : { kind: 'help' } };
    case 'helpScroll':
      if (s.overlay?.kind !== 'help') return s;
      return { ...s, overlay: { kind: 'help', top: Math.min(Math.max(0, (s.overlay.top ?? 0) + action.by), ctx.helpMaxTop ?? 0) } };
    case 'close':
      return { ...s, overlay: null };
    case 'enter':
      return s.focus === 'table' ? inspectRow(s, ctx) : enterSpike(s, ctx);
    case 'inspect':
      return s.focus === 'table' ? inspectRow(s, ctx) : inspectCulprit(s, ctx);
    case 'gotoOpen':
      return { ...s, overlay: { kind: 'goto', text: '' } };
    case 'gotoInput':
      return s.overlay?.kind === 'goto' ? { ...s, overlay: { kind: 'goto', text: s.overlay.text + action.text } } : s;
    case 'gotoBackspace':
      return s.overlay?.kind === 'goto' ? { ...s, overlay: { kind: 'goto', text: s.overlay.text.slice(0, -1) } } : s;
    case 'gotoSubmit':
      return s.overlay?.kind === 'goto' ? goTo({ ...s, overlay: null }, s.overlay.text, ctx) : s;
    case 'say':
      return { ...s, message: action.text };
  }
}

const TABLE_ACTIONS = [
  'sort',
  'sortReverse',
  'sortStep',
  'filterOpen',
  'filterInput',
  'filterBackspace',
  'filterClose',
  'filterClear',
  'searchOpen',
  'searchInput',
  'searchBackspace',
  'searchNext',
  'tree', 'fold', 'follow', 'signalOpen', 'signalChoose', 'signalDone'] as const;
type TableAction = Extract<Action, { type: (typeof TABLE_ACTIONS)[number] }>;

function isTableAction(a: Action): a is TableAction {
  return (TABLE_ACTIONS as readonly string[]).includes(a.type);
}

/** The process table's own actions: order, filter, tree, following, the signal prompt. */
function reduceTable(s: UiState, action: TableAction, ctx: ViewContext): UiState {
  switch (action.type) {
    case 'sort':
      return { ...s, sort: action.key, sortReverse: s.sort === action.key ? !s.sortReverse : false };
    case 'sortReverse':
      return { ...s, sortReverse: !s.sortReverse };
    case 'sortStep':
      return { ...s, sort: adjacentColumn(s.sort, action.dir), sortReverse: false };
    case 'filterOpen':
      return { ...s, focus: 'table', overlay: { kind: 'filter' } };
    case 'filterInput':
      return s.overlay?.kind === 'filter' ? { ...s, filter: (s.filter + action.text).slice(0, MAX_FILTER_LENGTH) } : s;
    case 'filterBackspace':
      return s.overlay?.kind === 'filter' ? { ...s, filter: s.filter.slice(0, -1) } : s;
    case 'filterClose':
      return s.overlay?.kind === 'filter' ? { ...s, overlay: null } : s;
    case 'filterClear':
      return { ...s, filter: '', overlay: s.overlay?.kind === 'filter' ? null : s.overlay };
    case 'searchOpen':
      return { ...s, focus: 'table', overlay: { kind: 'search', text: '' } };
    case 'searchInput':
    case 'searchBackspace': {
      if (s.overlay?.kind !== 'search') return s;
      const text = action.type === 'searchInput' ? (s.overlay.text + action.text).slice(0, MAX_FILTER_LENGTH) : s.overlay.text.slice(0, -1);
      return search({ ...s, overlay: { kind: 'search', text } }, text, 0, ctx);
    }
    case 'searchNext':
      return s.overlay?.kind === 'search' ? search(s, s.overlay.text, 1, ctx) : s;
    case 'tree':
      return { ...s, tree: !s.tree };
    case 'fold':
      return fold(s, action.hide, ctx);
    case 'follow':
      return follow(s, ctx);
    case 'signalOpen':
      return signalOpen(s, ctx);
    case 'signalChoose':
      if (s.overlay?.kind !== 'signal') return s;
      return { ...s, overlay: { ...s.overlay, choice: Math.min(Math.max(0, s.overlay.choice + action.dir), SIGNAL_CHOICES.length - 1) } };
    case 'signalDone':
      return { ...s, overlay: s.overlay?.kind === 'signal' ? null : s.overlay, message: action.text };
  }
}

/** `time` when it lies beyond the loaded window but inside the whole history (ctx.extent), clamped to it; else null. */
function outsideWindow(ctx: ViewContext, time: number): number | null {
  const ext = ctx.extent;
  const first = ctx.timeline.at(0)?.time;
  const last = ctx.timeline.at(ctx.timeline.length - 1)?.time;
  if (!ext || first === undefined || last === undefined || (time >= first && time <= last)) return null;
  const t = Math.min(ext.last, Math.max(ext.first, time));
  return t < first || t > last ? t : null;
}

/**
 * A sample step off either end of the window: just past that end (the
 * dashboard then loads the window there and lands on the neighbouring sample).
 */
function pastWindow(ctx: ViewContext, cursor: number, samples: number): number | null {
  const tl = ctx.timeline;
  const i = tl.indexAtTime(cursor);
  if (samples < 0 && i + samples < 0) return outsideWindow(ctx, (tl.at(0)?.time ?? cursor) - 1);
  if (samples > 0 && i + samples > tl.length - 1) return outsideWindow(ctx, (tl.at(tl.length - 1)?.time ?? cursor) + 1);
  return null;
}

/** Live → paused at the newest sample; paused and replay stay as they are. */
function paused(s: UiState, ctx: ViewContext): Pick<UiState, 'mode' | 'cursor'> {
  if (s.mode !== 'live') return { mode: s.mode, cursor: s.cursor };
  const newest = ctx.timeline.at(ctx.timeline.length - 1);
  return newest ? { mode: 'paused', cursor: newest.time } : { mode: 'live', cursor: null };
}

function jumpToSpike(s: UiState, spike: Spike): UiState {
  const culprit = spike.culprits[0];
  return {
    ...s,
    cursor: spike.peakAt,
    spikes: { ...s.spikes, id: spike.id },
    table: culprit ? { ...s.table, key: processKey(culprit) } : s.table,
  };
}

function scroll(s: UiState, panel: FocusPanel, by: ScrollMove, ctx: ViewContext): UiState {
  const keys = panel === 'table' ? ctx.rows.map((r) => r.key) : ctx.spikeIds;
  if (keys.length === 0) return s;
  // Moving the table's selection ends following, as in htop.
  if (panel === 'table' && s.follow) return scroll({ ...s, follow: null, table: { index: followedIndex(s.follow, ctx), key: s.follow.key } }, panel, by, ctx);
  const current = panel === 'table' ? resolveSelection(ctx.rows, s.table.key, s.table.index) : resolveSelection(ctx.spikeIds.map((key) => ({ key })), s.spikes.id, s.spikes.index);
  const page = Math.max(1, panel === 'table' ? ctx.pageSize.table : ctx.pageSize.spikes);
  const target =
    typeof by === 'object' ? by.to : by === 'home' ? 0 : by === 'end' ? keys.length - 1 : by === 'pageUp' ? current - page : by === 'pageDown' ? current + page : current + by;
  const index = Math.min(Math.max(0, target), keys.length - 1);
  const key = keys[index] ?? null;
  return panel === 'table' ? { ...s, table: { index, key } } : { ...s, spikes: { index, id: key } };
}

/** The selected row; while following, the followed process's or none (never a stand-in for it). */
function selectedRow(s: UiState, ctx: ViewContext): TableRow | undefined {
  const i = selectedIndex(ctx.rows, s.table, s.follow?.key ?? null);
  return i === null ? undefined : ctx.rows[i];
}

/** Where the followed process's row is, or the selection's old place when it is not listed. */
function followedIndex(f: Followed, ctx: ViewContext): number {
  const i = ctx.rows.findIndex((r) => r.key === f.key);
  return i >= 0 ? i : 0;
}

/** The longest `/` filter kept: typing past it changes nothing. */
const MAX_FILTER_LENGTH = 200;

/** The selection on the first row matching `text` from the selected one (`from` 1: after it), wrapping round. */
function search(s: UiState, text: string, from: 0 | 1, ctx: ViewContext): UiState {
  if (text.trim() === '' || ctx.rows.length === 0) return s;
  const at = s.follow ? followedIndex(s.follow, ctx) : resolveSelection(ctx.rows, s.table.key, s.table.index);
  for (let k = 0; k < ctx.rows.length; k++) {
    const i = (at + from + k) % ctx.rows.length;
    const row = ctx.rows[i] as TableRow;
    if (matchesFilter(row, text)) return { ...s, follow: null, table: { index: i, key: row.key } };
  }
  return { ...s, message: `no process matches "${text}"` };
}

function fold(s: UiState, hide: boolean, ctx: ViewContext): UiState {
  if (!s.tree) return { ...s, message: 'folding is for the tree view: F5 shows it' };
  const row = selectedRow(s, ctx);
  if (!row) return s;
  if (hide) {
    if (row.children === 0) return { ...s, message: `${row.name}[${row.pid}] has no children to fold` };
    return s.collapsed.includes(row.key) ? s : { ...s, collapsed: [...s.collapsed, row.key] };
  }
  return { ...s, collapsed: s.collapsed.filter((k) => k !== row.key) };
}

function follow(s: UiState, ctx: ViewContext): UiState {
  if (s.follow) return { ...s, follow: null };
  const row = selectedRow(s, ctx);
  if (!row) return { ...s, message: 'no process selected to follow' };
  return { ...s, focus: 'table', follow: { key: row.key, pid: row.pid, name: row.name }, table: { ...s.table, key: row.key } };
}

/** k / F9: the signal prompt for the selected process, unless there is none or it has exited. */
function signalOpen(s: UiState, ctx: ViewContext): UiState {
  if (s.focus !== 'table') return { ...s, message: 'signals go to a process: Tab to the process table first' };
  const row = selectedRow(s, ctx);
  if (!row) return { ...s, message: 'no process selected' };
  if (row.exited) return { ...s, message: `${row.name}[${row.pid}] has exited: nothing to signal` };
  const target: SignalTarget = { pid: row.pid, startTime: row.startTime, name: row.name, user: row.user, cmd: row.cmd };
  return { ...s, overlay: { kind: 'signal', target, choice: 0 } };
}

function selectedSpike(s: UiState, ctx: ViewContext): Spike | undefined {
  const id = ctx.spikeIds[resolveSelection(ctx.spikeIds.map((key) => ({ key })), s.spikes.id, s.spikes.index)];
  return ctx.spikes.find((x) => x.id === id);
}

function inspectRow(s: UiState, ctx: ViewContext): UiState {
  const row = selectedRow(s, ctx);
  if (!row) return s;
  return { ...s, overlay: { kind: 'inspect', process: { key: row.key, pid: row.pid, name: row.name, user: row.user, cmd: row.cmd } } };
}

/**
 * Enter on a spike: the cursor goes to its peak (pausing a live view) and the
 * table selects its top culprit; Enter again, already there, inspects that culprit.
 */
function enterSpike(s: UiState, ctx: ViewContext): UiState {
  const spike = selectedSpike(s, ctx);
  if (!spike) return s;
  if (s.mode !== 'live' && s.cursor === spike.peakAt) return inspectCulprit(s, ctx);
  const p = paused(s, ctx);
  return jumpToSpike({ ...s, ...p, play: 0 }, spike);
}

function inspectCulprit(s: UiState, ctx: ViewContext): UiState {
  const c = selectedSpike(s, ctx)?.culprits[0];
  if (!c) return { ...s, message: 'this spike has no culprit to inspect' };
  return { ...s, overlay: { kind: 'inspect', process: { key: processKey(c), pid: c.pid, name: c.name, user: c.user, cmd: c.cmd } } };
}

function goTo(s: UiState, text: string, ctx: ViewContext): UiState {
  const tl = ctx.timeline;
  const first = tl.at(0)?.time;
  const last = tl.at(tl.length - 1)?.time;
  if (first === undefined || last === undefined) return { ...s, message: 'no samples yet' };
  // start, end and -2h mean the whole history's, not the loaded window's.
  const bounds = ctx.extent ?? { first, last };
  const time = parseTimeInput(text, { cursor: s.cursor ?? last, ...bounds });
  if (time === null) return { ...s, message: `cannot read "${text}": try 03:12, 2026-11-22 03:12:05 or -2h` };
  // Past either end of the whole history: its end, and say so rather than land there silently.
  const edge = time < bounds.first ? 'start' : time > bounds.last ? 'end' : null;
  const at = edge === 'start' ? bounds.first : edge === 'end' ? bounds.last : time;
  const message = edge ? `${text.trim()} is ${edge === 'start' ? 'before' : 'after'} the history (${formatDay(bounds.first)} ${formatClock(bounds.first)} – ${formatDay(bounds.last)} ${formatClock(bounds.last)}): at its ${edge}` : '';
  return { ...s, mode: s.mode === 'live' ? 'paused' : s.mode, play: 0, cursor: outsideWindow(ctx, at) ?? snapToTyped(tl, at), message };
}
