/**
 * What a dashboard panel is: one file under ui/panels/ exporting a PanelDef,
 * listed once in registry.ts. The layout places it from its size hints, the
 * keys and the help come from its key bindings, and the dashboard view creates
 * its widget and draws it each frame inside the panel's own guard.
 */
import type { Widgets } from 'blessed';
import type { AlertSource } from '../../analysis/alert-board.js';
import type { SpikeThresholds } from '../../analysis/thresholds.js';
import type { UserTotal } from '../../analysis/user-totals.js';
import type { Sample } from '../../core/sample.js';
import type { Spike } from '../../core/spike.js';
import type { Timeline } from '../../core/timeline.js';
import type { Rect, SizeHints } from '../layout.js';
import type { Action, FocusPanel, UiState } from '../state.js';
import type { TableRow } from '../process-table.js';
import type { EventsOf } from '../../session/session-view.js';
import type { InspectedHistory, TimeSpan } from '../view-model.js';
import type { PanelFrame } from '../widgets/panel-frame.js';
import type { Theme } from '../theme.js';

/** Everything one frame shows. */
export interface FrameInput {
  timeline: Timeline;
  spikes: readonly Spike[];
  state: UiState;
  /** Caller's status text and the dashboard's own notes (source ended, …). */
  extraStatus: string;
  /** Shown as the host until a sample names it (the source's label). */
  label: string;
  /** The inspected process's history, when the inspector is open. */
  inspected: InspectedHistory | null;
  eventsOf: EventsOf;
  /** Per-user totals at a sample (live: computed from the whole sample when it arrived). */
  usersOf: (s: Sample) => readonly UserTotal[];
  /** What counts as a spike, said in the empty spike log. */
  thresholds: SpikeThresholds;
  /** A windowed replay's whole history, whose span decides whether times need their date. */
  extent?: TimeSpan | undefined;
  /** The alert rules this dashboard shows (its own alerting, its agent's, or a recording's); none where there are none. */
  alerts?: AlertSource | undefined;
}

/** A frame as a panel draws it: the input plus the cursor's sample, worked out once. */
export interface PanelInput extends FrameInput {
  /** Timeline index of the sample under the cursor (the newest live); -1 before the first. */
  index: number;
  sample: Sample | undefined;
  /** Live: graphs follow the newest sample. */
  follow: boolean;
  /** " at 03:12:05" in titles when the cursor is in the past; empty live. */
  cursorNote: string;
}

/** What the last frame drew, for the reducer (selection refers to these). */
export interface Drawn {
  rows: readonly TableRow[];
  spikeIds: readonly string[];
}

export interface PanelEvents {
  scroll(panel: FocusPanel, dir: 1 | -1): void;
  select(panel: FocusPanel, index: number): void;
}

/** Keys that act on a panel: one help line (`label`, `help`) for one or more bindings. */
export interface PanelKey {
  /** As shown in the help and the README, e.g. "c  m". */
  label: string;
  help: string;
  /** blessed's full key name (e.g. "c", "S-n") and what it does. */
  bind: readonly { key: string; action: Action }[];
}

/** An optional panel: its show/hide key, and from which terminal size it shows without asking. */
export interface PanelToggle {
  key: string;
  help: string;
  shownFrom: { cols: number; rows: number };
  /** Shown without asking only while the newest sample (or the dashboard) has something for it (probes: only when --probe runs). */
  shownWith?: (newest: Sample, has: ShownContext) => boolean;
}

/** What besides the newest sample an optional panel may need to show without asking. */
export interface ShownContext {
  /** Alert rules are evaluated for what this dashboard shows. */
  alerts: boolean;
}

/** The widget a panel draws into: a framed blessed element. */
export interface PanelWidget {
  readonly frame: PanelFrame;
  /** Lines that fit (lists): the page for PgUp/PgDn. */
  readonly visibleLines?: number;
  destroy(): void;
}

export interface PanelDef<W extends PanelWidget = PanelWidget> {
  /** Stable name: layout, toggles and (later) the config file refer to it. */
  readonly id: string;
  /** The frame's name, also in "panel … failed". */
  readonly title: string;
  readonly hints: SizeHints;
  readonly toggle?: PanelToggle;
  readonly keys?: readonly PanelKey[];
  /** The selectable list Tab focuses, if this is one. */
  readonly focus?: FocusPanel;
  create(screen: Widgets.Screen, rect: Rect, theme: Theme, events: PanelEvents): W;
  /** Computes the panel's model from the frame and draws it; may report what it drew. */
  draw(widget: W, f: PanelInput): Partial<Drawn> | void;
}

/** Typed once here so a panel file needs no annotations. */
export function definePanel<W extends PanelWidget>(def: PanelDef<W>): PanelDef<W> {
  return def;
}

/** Panels to show: the fixed ones, and each optional one as toggled, else by terminal size (and the newest sample's content). */
export function shownPanels(
  panels: readonly PanelDef[],
  toggles: Readonly<Record<string, boolean>>,
  cols: number,
  rows: number,
  newest?: Sample,
  has: ShownContext = { alerts: false },
): PanelDef[] {
  const byDefault = (t: PanelToggle): boolean =>
    cols >= t.shownFrom.cols && rows >= t.shownFrom.rows && (t.shownWith === undefined || (newest !== undefined && t.shownWith(newest, has)));
  return panels.filter((p) => !p.toggle || (toggles[p.id] ?? byDefault(p.toggle)));
}
