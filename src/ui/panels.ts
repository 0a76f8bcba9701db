/**
 * The dashboard's widgets for one layout, and drawing one frame into them. Each
 * panel computes its data (view-model.ts) and draws it inside its own guard, so
 * one failing panel shows its error while the others keep updating.
 */
import type { Widgets } from 'blessed';
import type { ProcessEvent } from '../analysis/process-events.js';
import type { ProcessPoint } from '../analysis/process-series.js';
import type { SpikeThresholds } from '../analysis/thresholds.js';
import type { UserTotal } from '../analysis/user-totals.js';
import type { Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import type { Timeline } from '../core/timeline.js';
import { formatClock } from '../core/units.js';
import type { Layout } from './layout.js';
import type { FocusPanel, UiState } from './state.js';
import {
  cpuTitle,
  eventLine,
  graphSeries,
  memoryTitle,
  recentEvents,
  resolveSelection,
  spikeLogLines,
  sparkLines,
  spikeRuleText,
  statusLine,
  tableHeader,
  tableLine,
  tableRows,
  timelineSpan,
  userLines,
  type SpikeLine,
  type TableRow,
  type TimeSpan,
} from './view-model.js';
import { GraphPanel } from './widgets/graph-panel.js';
import { ListPanel } from './widgets/list-panel.js';
import { Inspector, gotoPrompt, gotoPromptText, helpOverlay } from './widgets/overlays.js';
import { StatusBar } from './widgets/status-bar.js';

/** Everything one frame shows. */
export interface FrameInput {
  timeline: Timeline;
  spikes: readonly Spike[];
  state: UiState;
  top: number;
  /** Caller's status text and the dashboard's own notes (source ended, …). */
  extraStatus: string;
  /** Shown as the host until a sample names it (the source's label). */
  label: string;
  /** The inspected process's history, when the inspector is open. */
  inspected: readonly ProcessPoint[] | null;
  eventsOf: (prev: Sample | undefined, cur: Sample) => readonly ProcessEvent[];
  /** Per-user totals at a sample (live: computed from the whole sample when it arrived). */
  usersOf: (s: Sample) => readonly UserTotal[];
  /** What counts as a spike, said in the empty spike log. */
  thresholds: SpikeThresholds;
  /** A windowed replay's whole history, whose span decides whether times need their date. */
  extent?: TimeSpan | undefined;
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

export class DashboardView {
  private readonly cpu: GraphPanel;
  private readonly memory: GraphPanel;
  private readonly sparks: ListPanel;
  private readonly table: ListPanel;
  private readonly spikeLog: ListPanel;
  private readonly users: ListPanel | null;
  private readonly events: ListPanel | null;
  private readonly status: StatusBar;
  private overlay: { kind: string; box: Widgets.BoxElement; inspector?: Inspector } | null = null;
  drawn: Drawn = { rows: [], spikeIds: [] };

  constructor(
    private readonly screen: Widgets.Screen,
    readonly layout: Layout,
    private readonly color: boolean,
    events: PanelEvents,
  ) {
    this.cpu = new GraphPanel(screen, 'CPU', layout.cpu, color, { maxY: 100 });
    this.memory = new GraphPanel(screen, 'Memory', layout.memory, color, { maxY: 100 });
    this.sparks = new ListPanel(screen, 'Load Net Disk', layout.sparks, color);
    this.table = new ListPanel(screen, 'Processes', layout.table, color, {
      wheel: (dir) => events.scroll('table', dir),
      click: (line) => events.select('table', line),
    });
    this.spikeLog = new ListPanel(screen, 'Spikes', layout.spikes, color, {
      wheel: (dir) => events.scroll('spikes', dir),
      click: (line) => events.select('spikes', line),
    });
    this.users = layout.users ? new ListPanel(screen, 'Users', layout.users, color) : null;
    this.events = layout.events ? new ListPanel(screen, 'Process starts and exits', layout.events, color) : null;
    this.status = new StatusBar(screen, layout.status, color);
  }

  /** Rows visible in the table and the spike log (their PgUp/PgDn step). */
  get pageSize(): { table: number; spikes: number } {
    return { table: this.table.visibleLines, spikes: this.spikeLog.visibleLines };
  }

  draw(f: FrameInput): void {
    const { timeline: tl, state } = f;
    const index = state.cursor === null ? tl.length - 1 : tl.indexAtTime(state.cursor);
    const sample = tl.at(index);
    const follow = state.mode === 'live';
    const cursorNote = follow || !sample ? '' : ` at ${formatClock(sample.time)}`;

    this.cpu.frame.guard(() => {
      const g = graphSeries(tl, index, this.cpu.capacity(state.perCore), { follow, graph: state.perCore ? 'cpu-per-core' : 'cpu' });
      this.cpu.update({
        title: cpuTitle(sample, state.perCore, this.cpu.frame.titleWidth),
        series: g.series,
        legend: state.perCore,
        cursorOffset: follow ? null : g.window.cursorOffset,
      });
    });
    this.memory.frame.guard(() => {
      const g = graphSeries(tl, index, this.memory.capacity(!state.memZoom), { follow, graph: 'memory', zoom: state.memZoom });
      this.memory.update({
        title: memoryTitle(sample, this.memory.frame.titleWidth, g.maxY),
        series: g.series,
        legend: g.series.length > 1,
        cursorOffset: follow ? null : g.window.cursorOffset,
        maxY: g.maxY,
      });
    });
    this.sparks.frame.guard(() => {
      const width = this.sparks.frame.innerWidth;
      const window = index < 0 ? [] : tl.slice(Math.max(0, index - width + 1), index + 1);
      this.sparks.update({ title: this.sparks.frame.innerWidth >= 24 ? 'Load · Net/s · Disk/s' : 'Load Net Disk', lines: sparkLines(window, width), selected: null, focused: false });
    });

    let rows: readonly TableRow[] = this.drawn.rows;
    this.table.frame.guard(() => {
      rows = tableRows(sample, state.sort, f.top);
      const width = this.table.frame.innerWidth;
      const by = state.sort === 'cpu' ? 'CPU' : 'memory';
      this.table.update({
        // tasks.total counts every process on the host, also when the sample carries a selection.
        title: `Processes by ${by}${sample ? ` (${sample.tasks.total})` : ''}${cursorNote}`,
        header: tableHeader(state.sort, width),
        lines: rows.map((r) => tableLine(r.cells, width)),
        selected: rows.length ? resolveSelection(rows, state.table.key, state.table.index) : null,
        focused: state.focus === 'table',
        tone: (i) => (rows[i]?.exited ? 'muted' : null),
        empty: sample ? 'no processes' : 'waiting for the first sample…',
      });
    });

    let lines: readonly SpikeLine[] = [];
    this.spikeLog.frame.guard(() => {
      const newest = tl.at(tl.length - 1);
      lines = spikeLogLines(f.spikes, newest?.time, newest?.intervalMs, f.extent?.last ?? newest?.time);
      const ids = lines.map((l) => ({ key: l.id }));
      this.spikeLog.update({
        title: `Spikes (${lines.length})`,
        lines: lines.map((l) => l.text),
        selected: lines.length ? resolveSelection(ids, state.spikes.id, state.spikes.index) : null,
        focused: state.focus === 'spikes',
        tone: (i) => {
          const sev = lines[i]?.severity;
          return sev === 'critical' ? 'critical' : sev === 'warning' ? 'warning' : null;
        },
        empty: spikeRuleText(f.thresholds, sample?.memory.total ?? 0),
      });
    });
    this.drawn = { rows, spikeIds: lines.map((l) => l.id) };

    const users = this.users;
    users?.frame.guard(() => {
      const [header, ...rest] = userLines(sample && f.usersOf(sample), users.frame.innerWidth);
      users.update({ title: `Users${cursorNote}`, ...(header !== undefined ? { header } : {}), lines: rest, selected: null, focused: false });
    });
    const events = this.events;
    events?.frame.guard(() => {
      const list = recentEvents(tl, index, events.visibleLines, 600, f.eventsOf);
      events.update({ title: `Process starts and exits${cursorNote}`, lines: list.map(eventLine), selected: null, focused: false, empty: 'none recently' });
    });

    this.status.update(
      statusLine(
        {
          host: sample?.host.hostname ?? f.label,
          uptime: sample?.uptime ?? 0,
          mode: state.mode,
          cursorTime: follow ? null : (sample?.time ?? null),
          // Read only when a cursor time is shown: at(0) may have to decode a sample.
          span: follow ? undefined : (f.extent ?? timelineSpan(tl)),
          playSpeed: state.play,
          intervalMs: sample?.intervalMs ?? 0,
          extra: f.extraStatus,
          message: state.message,
        },
        this.status.width,
      ),
    );
    this.drawOverlay(f);
  }

  private drawOverlay(f: FrameInput): void {
    const want = f.state.overlay;
    const kind = want?.kind === 'inspect' ? `inspect:${want.process.key}` : (want?.kind ?? null);
    if (this.overlay && this.overlay.kind !== kind) {
      this.overlay.box.destroy();
      this.overlay = null;
    }
    if (!want || !kind) return;
    if (!this.overlay) {
      if (want.kind === 'help') this.overlay = { kind, box: helpOverlay(this.screen, this.color) };
      else if (want.kind === 'goto') this.overlay = { kind, box: gotoPrompt(this.screen, this.color) };
      else {
        const inspector = new Inspector(this.screen, want.process, this.color);
        this.overlay = { kind, box: inspector.box, inspector };
      }
    }
    if (want.kind === 'goto') this.overlay.box.setContent(gotoPromptText(want.text, this.screen.width as number));
    if (want.kind === 'inspect') this.overlay.inspector?.update(f.inspected ?? []);
  }

  destroy(): void {
    this.overlay?.box.destroy();
    for (const p of [this.cpu, this.memory, this.sparks, this.table, this.spikeLog, this.users, this.events, this.status]) p?.destroy();
  }
}
