/**
 * The multi-host overview: one box per host in a grid that reflows to the
 * terminal, a status bar, keys to move between boxes and to open one. It only
 * reads hosts (OverviewHost) and draws them; opening a host's dashboard is the
 * caller's business, so the overview ends with the host chosen.
 */
import type { Widgets } from 'blessed';
import { errorMessage } from '../core/errors.js';
import type { KeyPress } from './keys.js';
import { overviewLayout, pageCount, pageOf, type OverviewLayout } from './overview-layout.js';
import { hostBox, overviewKey, overviewStatusLine, recentSamples, type OverviewHost } from './overview-model.js';
import { RenderScheduler } from './render-scheduler.js';
import { createScreen, type TerminalIO } from './screen.js';
import { terminalProfile } from './terminal-profile.js';
import { chosenTheme, type Theme, type ThemeName } from './theme.js';
import { fit } from './view-model.js';
import { ListPanel } from './widgets/list-panel.js';
import { StatusBar } from './widgets/status-bar.js';

export interface OverviewOptions {
  /** Default: process.stdin / process.stdout. */
  io?: TerminalIO;
  hosts: readonly OverviewHost[];
  /** false when NO_COLOR is set (the caller decides): no colour whatever the theme. */
  color: boolean;
  theme?: ThemeName;
  /** The box selected at the start: the host last opened, when coming back to the overview. */
  selected?: number;
}

/** The person quit, or chose a host to open (its index in `hosts`). */
export type OverviewExit = { kind: 'quit' } | { kind: 'open'; index: number };

export interface Overview {
  /** Resolves when the person quits or opens a host (or the overview is destroyed: 'quit'). */
  readonly done: Promise<OverviewExit>;
  /** Restores the terminal; idempotent; safe from signal handlers. */
  destroy(): void;
}

/** At most this many frames per second, however many hosts send samples. */
const FRAME_INTERVAL_MS = 100;

export function startOverview(opts: OverviewOptions): Overview {
  const io: TerminalIO = opts.io ?? { input: process.stdin, output: process.stdout as TerminalIO['output'] };
  const theme = chosenTheme(opts.theme, opts.color);
  const screen = createScreen(io, terminalProfile(process.env), theme.color);
  const hosts = opts.hosts;
  let selected = Math.min(Math.max(0, opts.selected ?? 0), Math.max(0, hosts.length - 1));
  let destroyed = false;
  let note = '';
  let resolveDone: (exit: OverviewExit) => void = () => undefined;
  const done = new Promise<OverviewExit>((resolve) => (resolveDone = resolve));

  const select = (index: number): void => {
    selected = index;
    scheduler.request();
  };
  const layoutFor = (): OverviewLayout => overviewLayout(hosts.length, screen.width as number, screen.height as number);
  const initial = layoutFor();
  let view = new OverviewView(screen, initial, pageOf(selected, initial.perPage), hosts.length, theme, select);

  /** Brings the boxes up to date (rebuilt when the size or the page changed); draws nothing yet. */
  const update = (): void => {
    if (destroyed) return;
    const layout = layoutFor();
    const page = pageOf(selected, layout.perPage);
    if (page !== view.page || JSON.stringify(layout) !== JSON.stringify(view.layout)) {
      view.destroy();
      view = new OverviewView(screen, layout, page, hosts.length, theme, select);
    }
    view.draw(hosts, selected, note);
  };
  // Boxes contain their own failures; this catches the rest (status bar, blessed itself).
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

  const onKey = (ch: string | undefined, key: KeyPress | undefined): void => {
    const full = key?.full ?? ch ?? '';
    // blessed reports Enter twice ('return', then 'enter'); 'enter' is the one.
    if (full === 'return') return;
    const result = overviewKey(full, selected, hosts.length, view.layout);
    if (result?.type === 'quit') end({ kind: 'quit' });
    else if (result?.type === 'open') end({ kind: 'open', index: selected });
    else if (result?.type === 'select') select(result.index);
  };
  screen.on('keypress', onKey);
  // Relayout before blessed redraws at the new size (its own 'resize' handler renders at once).
  screen.program.prependListener('resize', update);
  const unsubscribe = hosts.map((h) => h.onChange(() => scheduler.request()));

  function end(exit: OverviewExit): void {
    if (destroyed) return;
    destroyed = true;
    scheduler.stop();
    for (const off of unsubscribe) off();
    try {
      screen.destroy();
    } finally {
      resolveDone(exit);
    }
  }

  scheduler.request();
  return { done, destroy: () => end({ kind: 'quit' }) };
}

/** The boxes of one page of hosts and the status bar, for one layout. */
class OverviewView {
  private readonly boxes: ListPanel[];
  private readonly status: StatusBar;
  private readonly first: number;

  constructor(
    screen: Widgets.Screen,
    readonly layout: OverviewLayout,
    readonly page: number,
    count: number,
    theme: Theme,
    onClick: (index: number) => void,
  ) {
    this.first = page * layout.perPage;
    const shown = Math.max(0, Math.min(layout.perPage, count - this.first));
    this.boxes = layout.slots.slice(0, shown).map((rect, k) => new ListPanel(screen, `host ${this.first + k + 1}`, rect, theme, { click: () => onClick(this.first + k) }));
    this.status = new StatusBar(screen, layout.status, theme);
  }

  draw(hosts: readonly OverviewHost[], selected: number, note: string): void {
    this.boxes.forEach((panel, k) => {
      const index = this.first + k;
      const host = hosts[index] as OverviewHost;
      panel.frame.guard(() => {
        const width = panel.frame.innerWidth;
        const box = hostBox(
          { label: host.label, state: host.state, lastError: host.lastError, recent: recentSamples(host.recent, width), spikes: host.spikes(), firing: host.alerts?.firing ?? [] },
          width,
          panel.frame.innerHeight,
        );
        panel.update({ title: box.title, lines: box.lines, selected: null, focused: index === selected, tone: (i) => box.tones[i] ?? null });
      });
    });
    const line = overviewStatusLine({ states: hosts.map((h) => h.state), page: this.page, pages: pageCount(hosts.length, this.layout.perPage) }, this.status.width);
    this.status.update(note ? fit(`${note} │ ${line}`, this.status.width) : line);
  }

  destroy(): void {
    for (const b of this.boxes) b.destroy();
    this.status.destroy();
  }
}
