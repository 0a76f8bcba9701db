/**
 * The dashboard: a session's view in (live, replay or a window of stored
 * history: session/session-view.ts), keys in, frames out. The session keeps the
 * history and finds the spikes; keys change the view state (state.ts); frames
 * are drawn from both at a capped rate (dashboard-view.ts, panels/).
 */
import type { Widgets } from 'blessed';
import type { AlertSource } from '../analysis/alert-board.js';
import { errorMessage } from '../core/errors.js';
import type { Spike } from '../core/spike.js';
import type { Timeline } from '../core/timeline.js';
import type { HistoryWindow, SessionView } from '../session/session-view.js';
import { initialCursor } from './cursor.js';
import type { DashboardView, FrameInput, PanelEvents } from './dashboard-view.js';
import { DashboardWidgets } from './dashboard-widgets.js';
import { InspectedSeries } from './inspected-series.js';
import { keyAction, type KeyPress, type KeyResult } from './keys.js';
import type { PanelDef } from './panels/panel.js';
import { PANELS } from './panels/registry.js';
import { PlayTimer } from './play-timer.js';
import { NO_SIGNALS, SIGNAL_CHOICES, signalOutcomeText, type ProcessSignaller } from './process-signal.js';
import { RenderScheduler } from './render-scheduler.js';
import { createScreen, type TerminalIO } from './screen.js';
import { initialState, reduce, type Action, type UiState, type ViewContext } from './state.js';
import { StatusNote } from './status-note.js';
import { StoredHistoryRequest } from './stored-history.js';
import { terminalProfile } from './terminal-profile.js';
import { chosenTheme, type Theme, type ThemeName } from './theme.js';
import type { TableSort } from './process-sort.js';
import { WindowFollower, type WindowOutcome } from './window-follower.js';

export type { TerminalIO } from './screen.js';

export interface DashboardOptions {
  /** Default: process.stdin / process.stdout. */
  io?: TerminalIO;
  /** What to show: a live session, a replay, or a window of stored history. */
  view: SessionView;
  /** false when NO_COLOR is set (the caller decides): no colour whatever the theme. */
  color: boolean;
  /** What the person chose (config file, --theme): the theme and how the dashboard opens. */
  prefs?: ScreenPrefs;
  /** Extra status-bar text from the caller, e.g. "recording night.tmon". */
  status?: () => string;
  /**
   * Esc with no overlay or prompt open ends the dashboard with 'back' (a host
   * opened from the multi-host overview returns to it); q and Ctrl-C still quit.
   */
  backOnEscape?: boolean;
  /**
   * `H`: the caller shows stored history (tmon connect: the agent's store),
   * typically by replace()-ing this dashboard once it is loaded. Meanwhile the
   * status bar says "loading stored history…"; a rejection's message shows
   * there. Without it, H only says there is none here.
   */
  onStoredHistory?: () => Promise<void> | void;
  /**
   * The capability to signal this machine's processes (k / F9): only the local
   * `tmon` passes one. Without it the dashboard says signals are for the local machine.
   */
  signals?: ProcessSignaller;
  /** The panels to offer (default: the registry's, ui/panels/registry.ts). */
  panels?: readonly PanelDef[];
  /** The alert rules to show in the alerts panel: this machine's (tmon --alert) or the agent's (connect). */
  alerts?: AlertSource;
}

/** A person's standing choices for the dashboard; each absent one keeps the default. */
export interface ScreenPrefs {
  theme?: ThemeName;
  sort?: TableSort;
  /** Optional panels shown (true) or hidden (false) from the start, by panel id; absent ones follow the terminal size. */
  toggles?: Readonly<Record<string, boolean>>;
}

/**
 * How the dashboard ended: the person quit (or it was destroyed), went back
 * (backOnEscape), or the caller replaced it with another screen (replace()).
 */
export type DashboardExit = 'quit' | 'back' | 'replaced';

export interface Dashboard {
  /** Resolves when the person quits or goes back, or the dashboard is replaced or destroyed. */
  readonly done: Promise<DashboardExit>;
  /** Gives the terminal back for another screen to take; `done` resolves with 'replaced'. Idempotent. */
  replace(): void;
  /** Restores the terminal; idempotent; safe from signal handlers. */
  destroy(): void;
  /** Draws again soon: the caller's status text changed (a remote link went down) without a sample arriving. */
  refresh(): void;
}

/** At most this many frames per second, whatever arrives. */
const FRAME_INTERVAL_MS = 100;
const PLAY_TICK_MS = 100;

export function startDashboard(opts: DashboardOptions): Dashboard {
  const io: TerminalIO = opts.io ?? { input: process.stdin, output: process.stdout as TerminalIO['output'] };
  const { screen, theme } = openScreen(io, opts);
  const sessionView = opts.view;
  const panels = opts.panels ?? PANELS;
  const replay = sessionView.mode === 'replay';
  // A windowed replay swaps in the window around where the cursor goes.
  let timeline: Timeline = sessionView.timeline;
  let state: UiState = withPrefs(initialState(replay ? { cursor: sessionView.cursor ?? initialCursor(timeline, sessionView.spikes()) } : null), opts.prefs);
  const note = new StatusNote();
  if (replay && timeline.length === 0) note.set('no samples');
  const inspected = new InspectedSeries();
  let destroyed = false;
  let resolveDone: (exit: DashboardExit) => void = () => undefined;
  const done = new Promise<DashboardExit>((resolve) => (resolveDone = resolve));

  const widgets = new DashboardWidgets(screen, theme, panels, panelEvents(dispatch), state.toggles);
  /** Brings the widgets up to date with the data and the state (layout included); draws nothing yet. */
  const update = (): void => {
    if (destroyed) return;
    const status = [callerStatus(opts), sessionView.status(), note.text];
    widgets.current(state.toggles, timeline.at(timeline.length - 1), { alerts: (opts.alerts?.rules.length ?? 0) > 0 }).draw({ ...frameInput(sessionView, timeline, state, status, inspected), alerts: opts.alerts });
  };
  const scheduler = new RenderScheduler(() => {
    if (!destroyed) drawFrame(screen, update, note);
  }, FRAME_INTERVAL_MS);
  const playTimer = new PlayTimer((elapsedMs) => dispatch({ type: 'tick', elapsedMs }), PLAY_TICK_MS);
  const afterChange = (): void => {
    playTimer.sync(state.play > 0 && !destroyed);
    scheduler.request();
  };
  const windowed = sessionView.window;
  const follower =
    windowed &&
    new WindowFollower(windowed, state.cursor, note, (outcome) => {
      state = windowSettled(state, outcome);
      if (outcome.timeline) {
        timeline = outcome.timeline;
        inspected.reset();
      }
      afterChange();
    });

  function dispatch(action: Action): void {
    if (destroyed) return;
    try {
      state = reduce(state, action, viewContext(timeline, sessionView.spikes(), widgets.last, windowed));
      follower?.follow(timeline, state.cursor);
    } catch (err) {
      state = { ...state, play: 0, message: `that key failed: ${errorMessage(err)}` };
    }
    afterChange();
  }

  const history = opts.onStoredHistory && new StoredHistoryRequest(opts.onStoredHistory, note, (problem) => (problem ? dispatch({ type: 'say', text: problem }) : scheduler.request()));
  const keys: KeyOptions = { panels, backOnEscape: opts.backOnEscape === true, storedHistory: history !== undefined, replay, signals: opts.signals !== undefined };
  screen.on('keypress', (ch: string | undefined, key: KeyPress | undefined) => {
    const intent = keyIntent(ch, key, state, keys);
    if (intent === null) return;
    if (intent.type === 'back' || intent.type === 'quit') end(intent.type);
    else if (intent.type === 'sendSignal') dispatch({ type: 'signalDone', text: sendSignal(opts.signals, state) });
    else if (intent.type !== 'storedHistory') dispatch(intent);
    else {
      history?.start();
      scheduler.request();
    }
  });
  // New samples (live) or a problem in the stream: draw again soon.
  const stopWatching = sessionView.onChange(() => scheduler.request());
  // Relayout before blessed redraws at the new size (its own 'resize' handler
  // renders at once), so no frame of the old layout reaches the terminal.
  screen.program.prependListener('resize', update);

  function end(exit: DashboardExit): void {
    if (destroyed) return;
    destroyed = true;
    stopWatching();
    scheduler.stop();
    playTimer.stop();
    follower?.stop();
    try {
      screen.destroy();
    } finally {
      resolveDone(exit);
    }
  }

  scheduler.request();
  return { done, destroy: () => end('quit'), replace: () => end('replaced'), refresh: () => scheduler.request() };
}

/** The screen on `io`, and the theme it draws with (mono when colour is off, whatever the choice). */
function openScreen(io: TerminalIO, opts: DashboardOptions): { screen: Widgets.Screen; theme: Theme } {
  const theme = chosenTheme(opts.prefs?.theme, opts.color);
  return { screen: createScreen(io, terminalProfile(process.env), theme.color), theme };
}

/** The state the dashboard opens with: the preferred sort and panels over the defaults. */
function withPrefs(state: UiState, prefs: ScreenPrefs | undefined): UiState {
  const sort = prefs?.sort;
  return {
    ...state,
    ...(sort ? { sort: sort.column, sortReverse: sort.reverse } : {}),
    ...(prefs?.toggles ? { toggles: prefs.toggles } : {}),
  };
}

/** Scrolling and clicking in a panel are actions like the keys'. */
function panelEvents(dispatch: (action: Action) => void): PanelEvents {
  return {
    scroll: (panel, dir) => dispatch({ type: 'scroll', by: dir, panel }),
    select: (panel, index) => dispatch({ type: 'select', panel, index }),
  };
}

/** The state once a window fetch ended: the cursor on the new window, or back where it was with the message, play stopped. */
function windowSettled(state: UiState, outcome: WindowOutcome): UiState {
  if (outcome.timeline) return { ...state, cursor: outcome.cursor };
  return { ...state, cursor: outcome.cursor, play: 0, message: outcome.message };
}

/** What the keys mean on this dashboard. */
interface KeyOptions {
  panels: readonly PanelDef[];
  /** Esc with nothing open goes back (DashboardOptions.backOnEscape). */
  backOnEscape: boolean;
  /** The caller can show stored history (H). */
  storedHistory: boolean;
  replay: boolean;
  /** The caller gave the capability to signal processes (the local tmon). */
  signals: boolean;
}

/** Sends the signal the prompt has chosen to its process; the status line's one line about it. */
function sendSignal(signals: ProcessSignaller | undefined, state: UiState): string {
  const o = state.overlay;
  if (o?.kind !== 'signal') return '';
  if (!signals) return NO_SIGNALS;
  const signal = (SIGNAL_CHOICES[o.choice] ?? SIGNAL_CHOICES[0]).name;
  try {
    return signalOutcomeText(o.target, signal, signals.send(o.target, signal));
  } catch (err) {
    return signalOutcomeText(o.target, signal, { kind: 'failed', message: errorMessage(err) });
  }
}

/** What a key press asks of the dashboard: to go back, what keyAction says, or (H without stored history, k without signals) a word why not. */
function keyIntent(ch: string | undefined, key: KeyPress | undefined, state: UiState, opts: KeyOptions): KeyResult | { type: 'back' } {
  const k: KeyPress = { full: key?.full ?? ch ?? '', ch };
  // blessed reports Enter twice ('return', then 'enter'); 'enter' is the one.
  if (k.full === 'return') return null;
  // Esc first clears a table filter, then goes back.
  if (opts.backOnEscape && k.full === 'escape' && state.overlay === null && state.filter === '') return { type: 'back' };
  const result = keyAction(k, state, opts.panels);
  if (result?.type === 'signalOpen' && !opts.signals) return { type: 'say', text: NO_SIGNALS };
  if (result?.type !== 'storedHistory' || opts.storedHistory) return result;
  return { type: 'say', text: opts.replay ? 'this is stored history: Esc or q leaves it' : 'no stored history here (H is for tmon connect to an agent with --store)' };
}

/**
 * Draws one frame. Panels contain their own failures; this catches the rest
 * (status bar, overlays, blessed itself), which must not escape a timer and end the process.
 */
function drawFrame(screen: Widgets.Screen, update: () => void, note: StatusNote): void {
  try {
    update();
    screen.render();
  } catch (err) {
    note.set(`drawing failed: ${errorMessage(err)}`);
  }
}

/** The caller's status text; a failing callback says so there instead. */
function callerStatus(opts: DashboardOptions): string {
  try {
    return opts.status?.() ?? '';
  } catch (err) {
    return `status failed: ${errorMessage(err)}`;
  }
}

/** A windowed replay's whole history, for the reducer and the panels. */
function extentOf(windowed: HistoryWindow | undefined): { extent?: { first: number; last: number } } {
  return windowed ? { extent: { first: windowed.first, last: windowed.last } } : {};
}

/** One frame's input: the data, the state, and the status bar's extra texts (each once). */
function frameInput(v: SessionView, timeline: Timeline, state: UiState, status: string[], inspected: InspectedSeries): FrameInput {
  const o = state.overlay;
  const spikes = v.spikes();
  return {
    timeline,
    spikes,
    state,
    extraStatus: [...new Set(status)].filter(Boolean).join(' │ '),
    label: v.label,
    inspected: inspected.history(timeline, o?.kind === 'inspect' ? o.process.key : null, spikes),
    eventsOf: v.eventsOf,
    usersOf: v.usersOf,
    thresholds: v.thresholds,
    ...extentOf(v.window),
  };
}

/** What the reducer reads of the screen: the data and what the last frame drew. */
function viewContext(timeline: Timeline, spikes: readonly Spike[], view: DashboardView, windowed: HistoryWindow | undefined): ViewContext {
  return {
    timeline,
    spikes,
    rows: view.drawn.rows,
    spikeIds: view.drawn.spikeIds,
    pageSize: view.pageSize,
    showing: view.shown,
    helpMaxTop: view.helpMaxTop,
    ...extentOf(windowed),
  };
}
