import type { Widgets } from 'blessed';
import { DashboardView, type PanelEvents } from './dashboard-view.js';
import { computeLayout, type Layout } from './layout.js';
import { shownPanels, type PanelDef, type ShownContext } from './panels/panel.js';
import type { UiState } from './state.js';
import type { Theme } from './theme.js';
import type { Sample } from '../core/sample.js';

/**
 * The dashboard's widgets at the layout that the terminal's size and the
 * panels toggled on give: built anew whenever that layout changes.
 */
export class DashboardWidgets {
  private view: DashboardView;

  constructor(
    private readonly screen: Widgets.Screen,
    private readonly theme: Theme,
    private readonly panels: readonly PanelDef[],
    private readonly events: PanelEvents,
    toggles: UiState['toggles'],
  ) {
    this.view = new DashboardView(screen, this.layoutFor(toggles), theme, events, panels);
  }

  /** The widgets as last laid out: what the last frame drew into. */
  get last(): DashboardView {
    return this.view;
  }

  /** The widgets for the layout now (`newest`: the newest sample, for panels shown with data): new ones when it changed since the last call. */
  current(toggles: UiState['toggles'], newest?: Sample, has?: ShownContext): DashboardView {
    const layout = this.layoutFor(toggles, newest, has);
    if (!sameLayout(layout, this.view.layout)) {
      this.view.destroy();
      this.view = new DashboardView(this.screen, layout, this.theme, this.events, this.panels);
    }
    return this.view;
  }

  private layoutFor(toggles: UiState['toggles'], newest?: Sample, has?: ShownContext): Layout {
    const cols = this.screen.width as number;
    const rows = this.screen.height as number;
    return computeLayout(cols, rows, shownPanels(this.panels, toggles, cols, rows, newest, has));
  }
}

function sameLayout(a: Layout, b: Layout): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
