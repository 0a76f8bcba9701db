import * as blessed from './blessed-parts.js';
import type { Widgets } from 'blessed';
import type { Rect } from '../layout.js';
import type { Theme } from '../theme.js';
import type { Series } from '../view-model.js';
import { BrailleChart } from './braille-chart.js';
import { PanelFrame } from './panel-frame.js';

export interface GraphUpdate {
  title: string;
  series: Series[];
  /** Name the series in a legend beside the plot, when there is room for it. */
  legend: boolean;
  /** Sample index of the time cursor inside the series, marked under the plot; null when following live. */
  cursorOffset: number | null;
  /** A new top for the y axis (a zoomed graph); the one given at construction otherwise. */
  maxY?: number;
}

/** A braille line chart in a panel frame. */
export class GraphPanel {
  readonly frame: PanelFrame;
  private readonly chart: BrailleChart;
  private readonly waiting: Widgets.BoxElement;
  private maxY: number;

  /** `maxY` fixes the top of the y axis (100 for percentages), so the axis does not jump every tick. */
  constructor(screen: Widgets.Screen, name: string, rect: Rect, theme: Theme, opts: { maxY?: number } = {}) {
    this.frame = new PanelFrame(screen, name, rect, theme);
    this.maxY = opts.maxY ?? 100;
    this.chart = new BrailleChart(screen, { top: 0, left: 0, width: this.frame.innerWidth, height: this.frame.innerHeight }, theme);
    this.frame.add(this.chart.box);
    this.frame.containRender(this.chart.box);
    this.waiting = this.frame.add(blessed.box({ screen, top: 0, left: 1, width: '100%-4', height: 1, content: 'waiting for samples…', hidden: true }));
  }

  /** How many samples fit across the plot (one per pixel column), with or without a legend beside it. */
  capacity(legend: boolean): number {
    return this.chart.capacity(legend, this.maxY);
  }

  update(u: GraphUpdate): void {
    this.frame.guard(() => {
      this.frame.setTitle(u.title);
      if (u.maxY !== undefined) this.maxY = u.maxY;
      if ((u.series[0]?.y.length ?? 0) === 0) {
        this.chart.box.hide();
        this.waiting.show();
        return;
      }
      this.waiting.hide();
      this.chart.box.show();
      this.chart.setData({ series: u.series, maxY: this.maxY, legend: u.legend, cursorOffset: u.cursorOffset });
    });
  }

  destroy(): void {
    this.frame.destroy();
  }
}
