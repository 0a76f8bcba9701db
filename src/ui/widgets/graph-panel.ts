import blessed from 'blessed';
import type { Widgets } from 'blessed';
import Line, { type LineElement, type LineOptions } from 'blessed-contrib/lib/widget/charts/line.js';
import type { Rect } from '../layout.js';
import type { Series } from '../view-model.js';
import { PanelFrame } from './panel-frame.js';

const SERIES_COLORS = ['green', 'yellow', 'cyan', 'magenta', 'red', 'blue', 'white'];

/** Left margin blessed-contrib's line chart keeps for y labels, in canvas pixels (2 per column). */
const X_PADDING = 10;
/** Rows of canvas pixels it keeps below the plot for x labels. */
const Y_PADDING = 11;

export interface GraphUpdate {
  title: string;
  series: Series[];
  /** Name the series in a legend box, when there is room for it. */
  legend: boolean;
  /** Sample index of the time cursor inside the series, marked under the axis; null when following live. */
  cursorOffset: number | null;
  /** A new top for the y axis (a zoomed graph); the one given at construction otherwise. */
  maxY?: number;
}

/**
 * A blessed-contrib line chart filling width x height. The stock size leaves 6
 * columns empty on the right and two rows at the bottom; this one uses the whole
 * box (one column spare: a line exactly as wide as the box makes blessed wrap it)
 * and lets the last, empty canvas row fall off.
 */
export function lineChart(screen: Widgets.Screen, width: number, height: number, opts: Partial<LineOptions> = {}): LineElement {
  const chart = Line({
    screen,
    top: 0,
    left: 0,
    width,
    height,
    xPadding: X_PADDING,
    xLabelPadding: 3,
    wholeNumbersOnly: false,
    legend: { width: 14 },
    // Colors are stripped at draw time when color is off (see screen.ts).
    style: { line: 'green', text: 'white', baseline: 'white' },
    ...opts,
  });
  (chart as unknown as { calcSize(): void }).calcSize = function (this: { width: number; height: number; canvasSize: unknown }) {
    this.canvasSize = { width: this.width * 2 - 2, height: this.height * 4 + 4 };
  };
  return chart;
}

/** Color of the i-th series of a chart. */
export function seriesColor(i: number): string {
  return SERIES_COLORS[i % SERIES_COLORS.length] as string;
}

/** A blessed-contrib line chart in a panel frame. */
export class GraphPanel {
  readonly frame: PanelFrame;
  private readonly chart: LineElement;
  private readonly marker: Widgets.BoxElement;
  private readonly waiting: Widgets.BoxElement;

  /** `maxY` fixes the top of the y axis (100 for percentages), so the axis does not jump every tick. */
  constructor(screen: Widgets.Screen, name: string, rect: Rect, color: boolean, opts: { maxY?: number } = {}) {
    this.frame = new PanelFrame(screen, name, rect, { color });
    const chart = lineChart(screen, this.frame.innerWidth, this.frame.innerHeight, {
      numYLabels: 4,
      ...(opts.maxY !== undefined ? { maxY: opts.maxY } : {}),
    });
    this.chart = this.frame.add(chart);
    this.frame.containRender(chart);
    this.marker = this.frame.add(blessed.box({ screen, width: 1, height: 1, top: 0, left: 0, content: '▲', hidden: true, style: color ? { fg: 'yellow', bold: true } : { bold: true } }));
    this.waiting = this.frame.add(blessed.box({ screen, top: 0, left: 1, width: '100%-4', height: 1, content: 'waiting for samples…', hidden: true }));
  }

  /** How many samples fit across the plot (one per canvas pixel column). */
  get capacity(): number {
    return Math.max(2, this.frame.innerWidth * 2 - 2 - X_PADDING - 2);
  }

  update(u: GraphUpdate): void {
    this.frame.guard(() => {
      this.frame.setTitle(u.title);
      const n = u.series[0]?.y.length ?? 0;
      if (n === 0) {
        this.chart.hide();
        this.marker.hide();
        this.waiting.show();
        return;
      }
      this.waiting.hide();
      this.chart.show();
      // The legend is a bordered box of one line per series in the top right corner.
      this.chart.options.showLegend = u.legend && this.frame.innerWidth >= 40 && this.frame.innerHeight >= u.series.length + 4;
      if (u.maxY !== undefined) this.chart.options.maxY = u.maxY;
      this.chart.setData(u.series.map((s, i) => ({ ...s, style: { line: seriesColor(i) } })));
      this.placeMarker(u.cursorOffset, n);
    });
  }

  /** The cursor's column, by the chart's own x mapping: ((W - xPadding) / n) * k + xPadding + 2 pixels. */
  private placeMarker(offset: number | null, n: number): void {
    if (offset === null) {
      this.marker.hide();
      return;
    }
    const canvasW = this.frame.innerWidth * 2 - 2;
    const x = ((canvasW - X_PADDING) / n) * offset + X_PADDING + 2;
    const axisRow = Math.floor((this.frame.innerHeight * 4 + 4 - Y_PADDING) / 4);
    this.marker.left = Math.min(this.frame.innerWidth - 1, Math.floor(x / 2));
    this.marker.top = Math.min(this.frame.innerHeight - 1, axisRow);
    this.marker.show();
  }

  destroy(): void {
    this.frame.destroy();
  }
}
