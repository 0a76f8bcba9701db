/**
 * The dashboard: a session's view in (live, replay or a window of stored
 * history: session/session-view.ts), keys in, frames out. The session keeps the
 * history and finds the spikes; keys change the view state (state.ts); frames
 * are drawn from both at a capped rate (dashboard-view.ts, panels/).
 */
import { processSeries, type ProcessPoint } from '../analysis/process-series.js';
import { errorMessage } from '../core/errors.js';
import type { Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import type { Timeline } from '../core/timeline.js';
import { formatClock } from '../core/units.js';
import type { SessionView } from '../session/session-view.js';
import { initialCursor } from './cursor.js';
import { keyAction, type KeyPress } from './keys.js';
import { computeLayout, type Layout } from './layout.js';
import { DashboardView } from './dashboard-view.js';
import { shownPanels, type PanelDef } from './panels/panel.js';
import { PANELS } from './panels/registry.js';
import { RenderScheduler } from './render-scheduler.js';
import { createScreen, type TerminalIO } from './screen.js';
import { initialState, reduce, type Action, type UiState, type ViewContext } from './state.js';
import { terminalProfile } from './terminal-profile.js';

export type { TerminalIO } from './screen.js';

export interface DashboardOptions {
  /** Default: process.stdin / process.stdout. */
  io?: TerminalIO;
  /** What to show: a live session, a replay, or a window of stored history. */
  view: SessionView;
  /** Rows in the process table (default 15). */
  top: number;
  /** false when NO_COLOR is set (the caller decides). */
  color: boolean;
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
  /** The panels to offer (default: the registry's, ui/panels/registry.ts). */
  panels?: readonly PanelDef[];
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
  const screen = createScreen(io, terminalProfile(process.env), opts.color);

  const sessionView = opts.view;
  const replay = sessionView.mode === 'replay';
  // A windowed replay swaps in the window around where the cursor goes.
  let timeline: Timeline = sessionView.timeline;
  const spikes = (): readonly Spike[] => sessionView.spikes();
  const windowed = sessionView.window;
  const extent = windowed ? { extent: { first: windowed.first, last: windowed.last } } : {};

  let state: UiState = initialState(replay ? { cursor: sessionView.cursor ?? initialCursor(timeline, spikes()) } : null);
  let note = replay && timeline.length === 0 ? 'no samples' : '';
  let destroyed = false;
  let resolveDone: (exit: DashboardExit) => void = () => undefined;
  const done = new Promise<DashboardExit>((resolve) => (resolveDone = resolve));

  let inspected: { key: string; first: number; last: number; points: ProcessPoint[] } | null = null;
  /**
   * The inspected process's series. Read whole once per opening; after that a
   * timeline that only moved forward (live) costs just its new samples, so an
   * open inspector does not re-read an hour of history every second.
   */
  const inspectedPoints = (): ProcessPoint[] | null => {
    const o = state.overlay;
    if (o?.kind !== 'inspect') return (inspected = null);
    const first = timeline.at(0)?.time ?? 0;
    const last = timeline.at(timeline.length - 1)?.time ?? 0;
    const key = o.process.key;
    if (inspected && inspected.key === key && first >= inspected.first && last >= inspected.last) {
      if (last > inspected.last) {
        const fresh = processSeries(timeline.slice(timeline.indexAtTime(inspected.last) + 1, timeline.length), key);
        inspected = { key, first, last, points: [...inspected.points.filter((p) => p.time >= first), ...fresh] };
      }
      return inspected.points;
    }
    inspected = { key, first, last, points: processSeries(allSamples(timeline), key) };
    return inspected.points;
  };

  const panelEvents = {
    scroll: (panel: 'table' | 'spikes', dir: 1 | -1) => dispatch({ type: 'scroll', by: dir, panel }),
    select: (panel: 'table' | 'spikes', index: number) => dispatch({ type: 'select', panel, index }),
  };
  const panels = opts.panels ?? PANELS;
  const layoutFor = (): Layout => {
    const cols = screen.width as number;
    const rows = screen.height as number;
    return computeLayout(cols, rows, shownPanels(panels, state.toggles, cols, rows));
  };
  let view = new DashboardView(screen, layoutFor(), opts.color, panelEvents, panels);

  /** Brings the widgets up to date with the data and the state (layout included); draws nothing yet. */
  const update = (): void => {
    if (destroyed) return;
    const relayout = layoutFor();
    if (!sameLayout(relayout, view.layout)) {
      view.destroy();
      view = new DashboardView(screen, relayout, opts.color, panelEvents, panels);
    }
    view.draw({
      timeline,
      spikes: spikes(),
      state,
      top: opts.top,
      extraStatus: [...new Set([callerStatus(), sessionView.status(), note])].filter(Boolean).join(' │ '),
      label: sessionView.label,
      inspected: inspectedPoints(),
      eventsOf: sessionView.eventsOf,
      usersOf: sessionView.usersOf,
      thresholds: sessionView.thresholds,
      ...extent,
    });
  };
  // Panels contain their own failures; this catches the rest (status bar, overlays,
  // blessed itself), which must not escape a timer and end the process.
  const frame = (): void => {
    if (destroyed) return;
    try {
      update();
      screen.render();
    } catch (err) {
      note = `drawing failed: ${errorMessage(err)}`;
    }
  };
  const scheduler = new RenderScheduler(frame, FRAME_INTERVAL_MS);

  const callerStatus = (): string => {
    try {
      return opts.status?.() ?? '';
    } catch (err) {
      return `status failed: ${errorMessage(err)}`;
    }
  };

  const context = (): ViewContext => ({
    timeline,
    spikes: spikes(),
    rows: view.drawn.rows,
    spikeIds: view.drawn.spikeIds,
    pageSize: view.pageSize,
    showing: view.shown,
    ...extent,
  });

  /** The time whose window is being fetched; `seekSeq` tells a stale answer from the wanted one. */
  let loadingTarget: number | null = null;
  let seekSeq = 0;
  /** Where the cursor was inside the window, to return to when loading fails. */
  let lastInside = state.cursor;
  const loadingNote = (target: number): string => `loading ${formatClock(target)}…`;
  const stopLoading = (): void => {
    if (loadingTarget !== null && note === loadingNote(loadingTarget)) note = '';
    loadingTarget = null;
  };

  /** After each move: a cursor outside the loaded window fetches the window there. */
  const followCursor = (): void => {
    const cursor = state.cursor;
    if (!windowed || cursor === null) return;
    const first = timeline.at(0)?.time;
    const last = timeline.at(timeline.length - 1)?.time;
    if (first !== undefined && last !== undefined && cursor >= first && cursor <= last) {
      lastInside = cursor;
      // Moved back inside before the window came: that answer is no longer wanted.
      if (loadingTarget !== null) seekSeq++;
      stopLoading();
      return;
    }
    if (loadingTarget === cursor) return;
    const seq = ++seekSeq;
    const forward = last !== undefined && cursor > last;
    stopLoading();
    loadingTarget = cursor;
    note = loadingNote(cursor);
    const settle = (message: string, tl: Timeline | null): void => {
      if (destroyed || seq !== seekSeq) return;
      stopLoading();
      if (tl && tl.length > 0) {
        timeline = tl;
        inspected = null;
        state = { ...state, cursor: landOn(tl, cursor, forward) };
        lastInside = state.cursor;
      } else {
        state = { ...state, cursor: lastInside, play: 0, message };
      }
      syncPlayTimer();
      scheduler.request();
    };
    windowed.seek(cursor).then(
      (tl) => settle(`nothing stored around ${formatClock(cursor)}`, tl),
      (err: unknown) => settle(`loading ${formatClock(cursor)} failed: ${errorMessage(err)}`, null),
    );
  };

  let playTimer: ReturnType<typeof setInterval> | undefined;
  let playClock = 0;
  const syncPlayTimer = (): void => {
    if (state.play > 0 && !playTimer && !destroyed) {
      playClock = performance.now();
      playTimer = setInterval(() => {
        const now = performance.now();
        const elapsedMs = now - playClock;
        playClock = now;
        dispatch({ type: 'tick', elapsedMs });
      }, PLAY_TICK_MS);
    } else if (state.play === 0 && playTimer) {
      clearInterval(playTimer);
      playTimer = undefined;
    }
  };

  function dispatch(action: Action): void {
    if (destroyed) return;
    try {
      state = reduce(state, action, context());
      followCursor();
    } catch (err) {
      state = { ...state, play: 0, message: `that key failed: ${errorMessage(err)}` };
    }
    syncPlayTimer();
    scheduler.request();
  }

  const onKey = (ch: string | undefined, key: KeyPress | undefined): void => {
    const k: KeyPress = { full: key?.full ?? ch ?? '', ch };
    // blessed reports Enter twice ('return', then 'enter'); 'enter' is the one.
    if (k.full === 'return') return;
    if (opts.backOnEscape === true && k.full === 'escape' && state.overlay === null) {
      end('back');
      return;
    }
    const result = keyAction(k, state, panels);
    if (!result) return;
    if (result.type === 'quit') {
      destroy();
      return;
    }
    if (result.type === 'storedHistory') {
      storedHistory();
      return;
    }
    dispatch(result);
  };
  let historyLoading = false;
  const HISTORY_LOADING = 'loading stored history…';
  const storedHistory = (): void => {
    const open = opts.onStoredHistory;
    if (!open) {
      dispatch({ type: 'say', text: replay ? 'this is stored history: Esc or q leaves it' : 'no stored history here (H is for tmon connect to an agent with --store)' });
      return;
    }
    if (historyLoading) return;
    historyLoading = true;
    note = HISTORY_LOADING;
    scheduler.request();
    const settle = (problem: string): void => {
      historyLoading = false;
      if (note === HISTORY_LOADING) note = '';
      if (problem) dispatch({ type: 'say', text: problem });
      else scheduler.request();
    };
    Promise.resolve()
      .then(open)
      .then(
        () => settle(''),
        (err: unknown) => settle(errorMessage(err)),
      );
  };
  screen.on('keypress', onKey);
  // New samples (live) or a problem in the stream: draw again soon.
  const stopWatching = sessionView.onChange(() => scheduler.request());
  // Relayout before blessed redraws at the new size (its own 'resize' handler
  // renders at once), so no frame of the old layout reaches the terminal.
  screen.program.prependListener('resize', update);

  function destroy(): void {
    end('quit');
  }

  function end(exit: DashboardExit): void {
    if (destroyed) return;
    destroyed = true;
    stopWatching();
    scheduler.stop();
    if (playTimer) clearInterval(playTimer);
    try {
      screen.destroy();
    } finally {
      resolveDone(exit);
    }
  }

  scheduler.request();
  return { done, destroy, replace: () => end('replaced'), refresh: () => scheduler.request() };
}

/** The sample to land on after a window loaded around `time`: the next one at or after it going forward, else the one at or before. */
function landOn(tl: Timeline, time: number, forward: boolean): number {
  const i = tl.indexAtTime(time);
  const at = tl.at(i)?.time;
  if (forward && at !== undefined && at < time) return tl.at(i + 1)?.time ?? at;
  return at ?? time;
}

function* allSamples(tl: Timeline): Iterable<Sample> {
  for (let i = 0; i < tl.length; i++) {
    const s = tl.at(i);
    if (s) yield s;
  }
}

function sameLayout(a: Layout, b: Layout): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
