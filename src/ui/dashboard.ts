/**
 * The dashboard: samples in (a live or remote SampleSource, or a replay's
 * Timeline), keys in, frames out. Samples fill an in-memory history and the
 * spike detector whatever the view shows; keys change the view state (state.ts);
 * frames are drawn from both at a capped rate (dashboard-view.ts, panels/).
 */
import { processEvents, type ProcessEvent } from '../analysis/process-events.js';
import { processSeries, type ProcessPoint } from '../analysis/process-series.js';
import { SpikeDetector } from '../analysis/spike-detector.js';
import { userTotals, type UserTotal } from '../analysis/user-totals.js';
import { resolveThresholds, type ThresholdOverrides } from '../analysis/thresholds.js';
import { errorMessage } from '../core/errors.js';
import type { Sample } from '../core/sample.js';
import type { SampleSource } from '../core/source.js';
import type { Spike } from '../core/spike.js';
import type { Timeline } from '../core/timeline.js';
import { formatClock } from '../core/units.js';
import { initialCursor } from './cursor.js';
import { keyAction, type KeyPress } from './keys.js';
import { computeLayout, type Layout } from './layout.js';
import { LiveTimeline } from './live-timeline.js';
import { DashboardView } from './dashboard-view.js';
import { shownPanels, type PanelDef } from './panels/panel.js';
import { PANELS } from './panels/registry.js';
import { RenderScheduler } from './render-scheduler.js';
import { SampleFacts } from './sample-facts.js';
import { createScreen, type TerminalIO } from './screen.js';
import { initialState, reduce, type Action, type UiState, type ViewContext } from './state.js';
import { terminalProfile } from './terminal-profile.js';

export type { TerminalIO } from './screen.js';

/**
 * A replay whose timeline is a window onto a longer history that is fetched on
 * demand (a remote agent's store). When a move targets a time outside the
 * window (n/N to a spike, Enter on one in the log, g, PgUp/PgDn, Shift-arrows,
 * ←/→ off an end), the dashboard asks for the window there, keeps taking keys
 * meanwhile ("loading…" in the status bar), then swaps the timeline in.
 */
export interface HistoryWindow {
  /** The whole history's first and last sample times. */
  readonly first: number;
  readonly last: number;
  /** The samples around `time`; null or empty when nothing is stored there. A rejection is shown in the status bar. */
  seek(time: number): Promise<Timeline | null>;
}

export interface DashboardOptions {
  /** Default: process.stdin / process.stdout. */
  io?: TerminalIO;
  /** Live or remote: samples are pushed into an in-memory history and spike detector. */
  source?: SampleSource;
  /**
   * Replay: random access; the cursor starts at `cursor`, else the first spike (or the start).
   * With `window`, `timeline` is the loaded part of a longer history. Takes precedence over `source`.
   */
  replay?: { timeline: Timeline; spikes: readonly Spike[]; cursor?: number; window?: HistoryWindow };
  /** Rows in the process table (default 15). */
  top: number;
  /** Spike thresholds; any field, even half of a metric's (a Partial<SpikeThresholds> is one). */
  thresholds?: ThresholdOverrides;
  /** Samples kept in memory live (default 3600). */
  historyCapacity?: number;
  /** false when NO_COLOR is set (the caller decides). */
  color: boolean;
  /** Extra status-bar text from the caller, e.g. "recording night.tmon". */
  status?: () => string;
  /** Called for each live sample (recording). */
  onSample?: (s: Sample) => void;
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

  const replay = opts.replay;
  // Past samples keep the table's worth of processes for both sort orders (at least 15).
  const history = replay ? null : new LiveTimeline(opts.historyCapacity ?? 3600, Math.max(15, opts.top));
  // A windowed replay swaps in the window around where the cursor goes.
  let timeline: Timeline = replay ? replay.timeline : (history as LiveTimeline);
  const detector = replay ? null : new SpikeDetector(opts.thresholds);
  const thresholds = detector?.thresholds ?? resolveThresholds(opts.thresholds);
  const spikes = (): readonly Spike[] => (replay ? replay.spikes : (detector as SpikeDetector).spikes());

  let state: UiState = initialState(replay ? { cursor: replay.cursor ?? initialCursor(replay.timeline, replay.spikes) } : null);
  let note = replay && replay.timeline.length === 0 ? 'no samples' : '';
  let destroyed = false;
  let resolveDone: (exit: DashboardExit) => void = () => undefined;
  const done = new Promise<DashboardExit>((resolve) => (resolveDone = resolve));

  // Live: starts, exits and per-user totals are taken from each whole sample as it
  // arrives (the history keeps only the top processes). Replay: from the timeline,
  // events remembered by the later sample of each pair while it stays the same object.
  const facts = replay ? null : new SampleFacts();
  const eventMemo = new WeakMap<Sample, readonly ProcessEvent[]>();
  const eventsOf = (prev: Sample | undefined, cur: Sample): readonly ProcessEvent[] => {
    if (facts) return facts.eventsAt(cur.time);
    let e = eventMemo.get(cur);
    if (!e) eventMemo.set(cur, (e = processEvents(prev, cur)));
    return e;
  };
  // Computed once per opening (and per new sample live): a replay's whole recording is read for it.
  const usersOf = (s: Sample): readonly UserTotal[] => facts?.usersAt(s.time) ?? userTotals(s.processes);
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
      extraStatus: [...new Set([callerStatus(), note])].filter(Boolean).join(' │ '),
      label: replay ? 'replay' : (opts.source?.label ?? 'tmon'),
      inspected: inspectedPoints(),
      eventsOf,
      usersOf,
      thresholds,
      ...(replay?.window ? { extent: { first: replay.window.first, last: replay.window.last } } : {}),
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
    ...(replay?.window ? { extent: { first: replay.window.first, last: replay.window.last } } : {}),
  });

  /** The time whose window is being fetched; `seekSeq` tells a stale answer from the wanted one. */
  let loadingTarget: number | null = null;
  let seekSeq = 0;
  /** Where the cursor was inside the window, to return to when loading fails. */
  let lastInside = state.cursor;
  const windowed = replay?.window;
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
  // Relayout before blessed redraws at the new size (its own 'resize' handler
  // renders at once), so no frame of the old layout reaches the terminal.
  screen.program.prependListener('resize', update);

  function destroy(): void {
    end('quit');
  }

  function end(exit: DashboardExit): void {
    if (destroyed) return;
    destroyed = true;
    scheduler.stop();
    if (playTimer) clearInterval(playTimer);
    try {
      screen.destroy();
    } finally {
      resolveDone(exit);
    }
  }

  const consume = async (source: SampleSource): Promise<void> => {
    try {
      for await (const sample of source.samples()) {
        if (destroyed) break;
        try {
          ingest(sample);
        } catch (err) {
          // A malformed sample is skipped; the next one may be fine.
          note = `bad sample skipped: ${errorMessage(err)}`;
          scheduler.request();
        }
      }
      if (!destroyed) note = `${source.label}: no more samples`;
    } catch (err) {
      note = `${source.label} failed: ${errorMessage(err)}`;
    }
    scheduler.request();
  };
  /** One live sample into the history, the detector and the caller's hook; throws only if the history refuses it. */
  const ingest = (sample: Sample): void => {
    const tl = history as LiveTimeline;
    if (!tl.push(sample)) return;
    try {
      (facts as SampleFacts).record(sample);
      (facts as SampleFacts).prune(tl.at(0)?.time ?? sample.time);
    } catch (err) {
      note = `process events failed: ${errorMessage(err)}`;
    }
    try {
      (detector as SpikeDetector).push(sample);
    } catch (err) {
      note = `spike detection failed: ${errorMessage(err)}`;
    }
    try {
      opts.onSample?.(sample);
    } catch (err) {
      note = `recording failed: ${errorMessage(err)}`;
    }
    scheduler.request();
  };

  scheduler.request();
  if (!replay && opts.source) void consume(opts.source);
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
