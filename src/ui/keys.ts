import type { PanelDef } from './panels/panel.js';
import { PANELS } from './panels/registry.js';
import type { Action, UiState } from './state.js';

/** What blessed reports for a key press: `full` is e.g. "S-left", "C-c", "pageup", "?". */
export interface KeyPress {
  full: string;
  ch?: string | undefined;
}

/**
 * `storedHistory` is for the dashboard's caller (tmon connect opens the agent's store);
 * `sendSignal` for the dashboard, which holds the capability to signal (or none).
 */
export type KeyResult = Action | { type: 'quit' } | { type: 'storedHistory' } | { type: 'sendSignal' } | null;

/**
 * Which action a key means, given what is on screen: the go-to prompt takes typing,
 * an overlay takes only its closing keys, and PgUp/PgDn move the time cursor by a
 * minute once there is one (paused or replay) but page the focused panel live.
 * Keys not bound here are the panels' (their `keys` and show/hide `toggle`).
 */
export function keyAction(key: KeyPress, state: UiState, panels: readonly PanelDef[] = PANELS): KeyResult {
  const k = key.full;
  if (k === 'C-c') return { type: 'quit' };
  const overlay = state.overlay;
  if (overlay?.kind === 'goto') {
    if (k === 'enter') return { type: 'gotoSubmit' };
    if (k === 'escape') return { type: 'close' };
    if (k === 'backspace') return { type: 'gotoBackspace' };
    const ch = typed(key);
    return ch === null ? null : { type: 'gotoInput', text: ch };
  }
  if (overlay?.kind === 'filter') return filterKey(key);
  if (overlay?.kind === 'search') return searchKey(key);
  if (overlay?.kind === 'signal' && k !== 'q') return signalKey(k);
  if (k === 'q') return { type: 'quit' };
  if (overlay?.kind === 'help') return helpKey(k);
  if (overlay?.kind === 'inspect') return k === 'escape' ? { type: 'close' } : null;
  const cursorMode = state.mode !== 'live';
  switch (k) {
    case 'space':
      return { type: 'togglePause' };
    case 'left':
      return { type: 'step', samples: -1 };
    case 'right':
      return { type: 'step', samples: 1 };
    case 'S-left':
      return { type: 'stepTime', ms: -HOUR };
    case 'S-right':
      return { type: 'stepTime', ms: HOUR };
    case 'pageup':
      return cursorMode ? { type: 'stepTime', ms: -MINUTE } : { type: 'scroll', by: 'pageUp' };
    case 'pagedown':
      return cursorMode ? { type: 'stepTime', ms: MINUTE } : { type: 'scroll', by: 'pageDown' };
    case 'up':
      return { type: 'scroll', by: -1 };
    case 'down':
      return { type: 'scroll', by: 1 };
    case 'home':
      return { type: 'scroll', by: 'home' };
    case 'end':
      return { type: 'scroll', by: 'end' };
    case 'tab':
    case 'S-tab':
      return { type: 'focus' };
    case '?':
      return { type: 'help' };
    case 'escape':
      return state.filter === '' ? null : { type: 'filterClear' };
    case 'enter':
      return { type: 'enter' };
    case 'i':
      return { type: 'inspect' };
    case 'g':
      return { type: 'gotoOpen' };
    case 'n':
      return { type: 'spike', dir: 1 };
    case 'S-n':
      return { type: 'spike', dir: -1 };
    case 'p':
      return { type: 'play' };
    case 'S-h':
      return { type: 'storedHistory' };
    default:
      return panelBindings(panels).get(k) ?? null;
  }
}

/** The help: ? or Esc closes it, ↑ ↓ PgUp PgDn scroll it on a short screen. */
function helpKey(k: string): KeyResult {
  const by: Record<string, number> = { up: -1, down: 1, pageup: -10, pagedown: 10, home: -1000, end: 1000 };
  if (k === '?' || k === 'escape') return { type: 'help' };
  const n = by[k];
  return n === undefined ? null : { type: 'helpScroll', by: n };
}

/** A printable character typed into a prompt, or null. */
function typed(key: KeyPress): string | null {
  const ch = key.ch;
  return ch !== undefined && ch.length === 1 && ch >= ' ' && ch !== '\x7f' ? ch : null;
}

/** The `/` prompt: typing filters as it goes, Enter keeps the filter, Esc clears it; ↑ ↓ still move the selection. */
function filterKey(key: KeyPress): KeyResult {
  switch (key.full) {
    case 'enter':
      return { type: 'filterClose' };
    case 'escape':
      return { type: 'filterClear' };
    case 'backspace':
      return { type: 'filterBackspace' };
    case 'up':
      return { type: 'scroll', by: -1, panel: 'table' };
    case 'down':
      return { type: 'scroll', by: 1, panel: 'table' };
  }
  const ch = typed(key);
  return ch === null ? null : { type: 'filterInput', text: ch };
}

/** The F3 search prompt: typing jumps to the first match, F3 or ↓ to the next; Enter or Esc closes it where it is. */
function searchKey(key: KeyPress): KeyResult {
  switch (key.full) {
    case 'enter':
    case 'escape':
      return { type: 'close' };
    case 'backspace':
      return { type: 'searchBackspace' };
    case 'f3':
    case 'down':
      return { type: 'searchNext' };
    case 'up':
      return { type: 'scroll', by: -1, panel: 'table' };
  }
  const ch = typed(key);
  return ch === null ? null : { type: 'searchInput', text: ch };
}

/** The signal prompt: ↑ ↓ choose, Enter sends (the dashboard does), Esc cancels. */
function signalKey(k: string): KeyResult {
  if (k === 'up') return { type: 'signalChoose', dir: -1 };
  if (k === 'down') return { type: 'signalChoose', dir: 1 };
  if (k === 'enter') return { type: 'sendSignal' };
  return k === 'escape' ? { type: 'close' } : null;
}

/** Every key the panels bind, with its action. */
export function panelBindings(panels: readonly PanelDef[]): Map<string, Action> {
  const out = new Map<string, Action>();
  for (const p of panels) {
    for (const k of p.keys ?? []) for (const b of k.bind) out.set(b.key, b.action);
    if (p.toggle) out.set(p.toggle.key, { type: 'toggle', panel: p.id });
  }
  return out;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** The keys of the dashboard itself: [keys, what they do]. */
const GLOBAL_HELP: readonly (readonly [string, string])[] = [
  ['q  Ctrl-C', 'quit'],
  ['space', 'pause the view (sampling goes on) / back to live; in replay: play / stop'],
  ['← →', 'one sample back / forward (pauses a live view)'],
  ['Shift-← →', 'one hour back / forward'],
  ['PgUp PgDn', 'paused or replay: one minute back / forward; live: page the focused panel'],
  ['↑ ↓ Home End', 'move the selection in the focused panel (also the mouse wheel)'],
  ['Tab', 'focus the process table or the spike log'],
  ['Enter', 'table: inspect the process · spike log: go to the spike, again: its culprit'],
  ['i', "inspect the selected process or the spike's top culprit"],
  ['n  N', 'next / previous spike'],
  ['g', 'go to a time: 03:12, 2026-11-22 03:12:05, -2h, start, end'],
  ['p', 'play the history: 1x → 10x → 60x → stop'],
  ['H', "connect: the agent's stored history (its --store), Esc back to live"],
];

/** The help overlay's table, also the README's: the dashboard's keys, then each panel's, then help itself. */
export function keyHelp(panels: readonly PanelDef[] = PANELS): (readonly [string, string])[] {
  const own = panels.flatMap((p) => [...(p.keys ?? []).map((k) => [k.label, k.help] as const), ...(p.toggle ? [[p.toggle.key, p.toggle.help] as const] : [])]);
  return [...GLOBAL_HELP, ...own, ['?  Esc', 'this help / close an overlay; Esc also clears the table filter']];
}

export const KEY_HELP: readonly (readonly [string, string])[] = keyHelp();

/** The README's key table, as markdown: the test that compares the README with it keeps them the same. */
export function keyTableMarkdown(help: readonly (readonly [string, string])[] = KEY_HELP): string {
  const cell = (t: string): string => t.replaceAll('|', '\\|');
  return ['| keys | what they do |', '| --- | --- |', ...help.map(([k, what]) => `| ${cell(k)} | ${cell(what)} |`)].join('\n');
}
