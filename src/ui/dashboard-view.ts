/**
 * The dashboard's panels for one layout, and drawing one frame into them. Each
 * panel (ui/panels/) computes its model and draws inside its own guard, so one
 * failing panel shows its error while the others keep updating.
 */
import type { Widgets } from 'blessed';
import { formatClock } from '../core/units.js';
import { keyHelp } from './keys.js';
import type { Layout } from './layout.js';
import type { Drawn, FrameInput, PanelDef, PanelEvents, PanelInput, PanelWidget } from './panels/panel.js';
import type { FocusPanel } from './state.js';
import { statusLine, timelineSpan } from './view-model.js';
import { HelpOverlay, Inspector, filterPromptText, gotoPrompt, gotoPromptText, searchPromptText, signalPrompt, signalPromptLines } from './widgets/overlays.js';
import { StatusBar } from './widgets/status-bar.js';
import type { Theme } from './theme.js';

export type { Drawn, FrameInput, PanelEvents } from './panels/panel.js';

export class DashboardView {
  private readonly panels: { def: PanelDef; widget: PanelWidget }[] = [];
  private readonly status: StatusBar;
  private overlay: { kind: string; box: Widgets.BoxElement; inspector?: Inspector; help?: HelpOverlay } | null = null;
  drawn: Drawn = { rows: [], spikeIds: [] };

  /** Creates the widget of every panel `layout` places, in `panels` order. */
  constructor(
    private readonly screen: Widgets.Screen,
    readonly layout: Layout,
    private readonly theme: Theme,
    events: PanelEvents,
    private readonly defs: readonly PanelDef[],
  ) {
    for (const def of defs) {
      const rect = layout.rects[def.id];
      if (rect) this.panels.push({ def, widget: def.create(screen, rect, theme, events) });
    }
    this.status = new StatusBar(screen, layout.status, theme);
  }

  /** How far the open help scrolls (0: all of it fits, or it is closed). */
  get helpMaxTop(): number {
    return this.overlay?.help?.maxTop ?? 0;
  }

  /** Ids of the panels on screen (a toggle flips what is seen). */
  get shown(): ReadonlySet<string> {
    return new Set(this.panels.map((p) => p.def.id));
  }

  /** Rows visible in the table and the spike log (their PgUp/PgDn step). */
  get pageSize(): Record<FocusPanel, number> {
    const lines = (focus: FocusPanel): number => this.panels.find((p) => p.def.focus === focus)?.widget.visibleLines ?? 1;
    return { table: lines('table'), spikes: lines('spikes') };
  }

  draw(f: FrameInput): void {
    const { timeline: tl, state } = f;
    const index = state.cursor === null ? tl.length - 1 : tl.indexAtTime(state.cursor);
    const sample = tl.at(index);
    const follow = state.mode === 'live';
    const input: PanelInput = { ...f, index, sample, follow, cursorNote: follow || !sample ? '' : ` at ${formatClock(sample.time)}` };
    // A panel that fails keeps what it drew last for the reducer.
    let drawn = this.drawn;
    for (const { def, widget } of this.panels) {
      widget.frame.guard(() => {
        const out = def.draw(widget, input);
        if (out) drawn = { ...drawn, ...out };
      });
    }
    this.drawn = drawn;

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
      if (want.kind === 'help') {
        const help = new HelpOverlay(this.screen, this.theme, keyHelp(this.defs));
        this.overlay = { kind, box: help.box, help };
      }
      else if (want.kind === 'goto' || want.kind === 'filter' || want.kind === 'search') this.overlay = { kind, box: gotoPrompt(this.screen, this.theme) };
      else if (want.kind === 'signal') this.overlay = { kind, box: signalPrompt(this.screen, this.theme) };
      else {
        const inspector = new Inspector(this.screen, want.process, this.theme);
        this.overlay = { kind, box: inspector.box, inspector };
      }
    }
    if (want.kind === 'help') this.overlay.help?.show(want.top ?? 0);
    if (want.kind === 'goto') this.overlay.box.setContent(gotoPromptText(want.text, this.screen.width as number));
    if (want.kind === 'filter') this.overlay.box.setContent(filterPromptText(f.state.filter, this.screen.width as number));
    if (want.kind === 'search') this.overlay.box.setContent(searchPromptText(want.text, this.screen.width as number));
    if (want.kind === 'signal') this.overlay.box.setContent(signalPromptLines(want.target, want.choice, (this.overlay.box.width as number) - 2).join('\n'));
    if (want.kind === 'inspect') this.overlay.inspector?.update(f.inspected ?? { points: [], facts: undefined, spikes: [] });
  }

  destroy(): void {
    this.overlay?.box.destroy();
    for (const p of this.panels) p.widget.destroy();
    this.status.destroy();
  }
}
