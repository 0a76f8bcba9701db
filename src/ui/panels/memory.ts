import { graphSeries, memoryTitle } from '../view-model.js';
import { GraphPanel } from '../widgets/graph-panel.js';
import { definePanel } from './panel.js';

/** Used memory (its peak per interval), cached and swap; zoomed to the window's peaks by default. */
export const memoryPanel = definePanel({
  id: 'memory',
  title: 'Memory',
  hints: { region: 'top', weight: 2, minWidth: 20, minHeight: 8, maxHeight: 22 },
  keys: [{ label: 'z', help: 'memory graph: zoomed to its peaks / 0–100 % of the total', bind: [{ key: 'z', action: { type: 'memZoom' } }] }],
  create: (screen, rect, color) => new GraphPanel(screen, 'Memory', rect, color, { maxY: 100 }),
  draw(w, f) {
    const zoom = f.state.memZoom;
    const g = graphSeries(f.timeline, f.index, w.capacity(!zoom), { follow: f.follow, graph: 'memory', zoom });
    w.update({
      title: memoryTitle(f.sample, w.frame.titleWidth, g.maxY),
      series: g.series,
      legend: g.series.length > 1,
      cursorOffset: f.follow ? null : g.window.cursorOffset,
      maxY: g.maxY,
    });
  },
});
