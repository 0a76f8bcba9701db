// blessed-contrib's index.d.ts covers the whole package and is incomplete; tmon
// requires single widget files (faster start), so each gets its own declaration.
declare module 'blessed-contrib/lib/widget/charts/line.js' {
  import type { Widgets } from 'blessed';

  export interface LineSeries {
    title: string;
    x: string[];
    y: number[];
    style?: { line?: string };
  }

  export interface LineOptions extends Widgets.BoxOptions {
    showLegend?: boolean;
    legend?: { width?: number };
    style?: Widgets.Types.TStyle & { line?: string; text?: string; baseline?: string };
    xLabelPadding?: number;
    xPadding?: number;
    numYLabels?: number;
    wholeNumbersOnly?: boolean;
    minY?: number;
    maxY?: number;
    showNthLabel?: number;
    abbreviate?: boolean;
  }

  export interface LineElement extends Widgets.BoxElement {
    options: LineOptions;
    setData(data: LineSeries[]): void;
  }

  const Line: (options: LineOptions) => LineElement;
  export default Line;
}
