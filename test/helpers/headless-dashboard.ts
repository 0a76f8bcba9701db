import type { Sample } from '../../src/core/sample.js';
import type { SampleSource } from '../../src/core/source.js';
import { liveHub, liveView } from '../../src/session/session-view.js';
import { startDashboard, type Dashboard, type DashboardOptions } from '../../src/ui/dashboard.js';
import { HeadlessTerminal } from './headless-terminal.js';
import { ScriptedSource } from './scripted-source.js';

/** The dashboard's options; `view` defaults to a live one over `source` through a started hub. */
export type HeadlessOptions = Partial<DashboardOptions> & { source?: SampleSource; top?: number };

/**
 * The real dashboard on a real blessed screen, its bytes read by a terminal
 * emulator: one per test, closed in afterEach (`afterEach(() => ui.close())`).
 */
export class HeadlessDashboard {
  term: HeadlessTerminal | undefined;
  dash: Dashboard | undefined;
  source: ScriptedSource | undefined;

  /** Opens it at cols×rows; a live view keeps `top` processes per past sample (15, as an agent sends). */
  open(cols: number, rows: number, opts: HeadlessOptions = {}): HeadlessTerminal {
    const term = new HeadlessTerminal(cols, rows);
    this.term = term;
    const { source, top, ...rest } = opts;
    if (source instanceof ScriptedSource) this.source = source;
    const view = rest.view ?? liveView(liveHub(source ?? new ScriptedSource(), { top: top ?? 15 }).start());
    this.dash = startDashboard({ io: term.io, color: true, ...rest, view });
    return term;
  }

  /** Opens it live on `samples`, once every one has arrived and the table shows (`ready` on screen). */
  async live(cols: number, rows: number, samples: Sample[], opts: HeadlessOptions = {}, ready: RegExp = /Processes by/): Promise<string> {
    const source = new ScriptedSource(samples);
    const term = this.open(cols, rows, { ...opts, source });
    return term.waitFor((s) => ready.test(s) && source.delivered === samples.length);
  }

  async close(): Promise<void> {
    this.dash?.destroy();
    await this.source?.close();
    this.term?.dispose();
    this.dash = this.source = this.term = undefined;
  }
}
