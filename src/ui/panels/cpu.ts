import { cpuTitle, graphSeries } from '../view-model.js';
import { GraphPanel } from '../widgets/graph-panel.js';
import { definePanel } from './panel.js';

/** CPU busy % (the true peak per interval), total or per core. */
export const cpuPanel = definePanel({
  id: 'cpu',
  title: 'CPU',
  hints: { region: 'top', weight: 2, minWidth: 20, minHeight: 8, maxHeight: 22 },
  keys: [{ label: '1', help: 'CPU graph: total / per core', bind: [{ key: '1', action: { type: 'perCore' } }] }],
  create: (screen, rect, color) => new GraphPanel(screen, 'CPU', rect, color, { maxY: 100 }),
  draw(w, f) {
    const perCore = f.state.perCore;
    const g = graphSeries(f.timeline, f.index, w.capacity(perCore), { follow: f.follow, graph: perCore ? 'cpu-per-core' : 'cpu' });
    w.update({ title: cpuTitle(f.sample, perCore, w.frame.titleWidth), series: g.series, legend: perCore, cursorOffset: f.follow ? null : g.window.cursorOffset });
  },
});
