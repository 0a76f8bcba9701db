import { sparkLines } from '../view-model.js';
import { ListPanel } from '../widgets/list-panel.js';
import { definePanel } from './panel.js';

/** Load, network and disk rates as sparklines up to the cursor. */
export const sparksPanel = definePanel({
  id: 'sparks',
  title: 'Load Net Disk',
  hints: { region: 'top', weight: 1, minWidth: 18, minHeight: 7 },
  create: (screen, rect, color) => new ListPanel(screen, 'Load Net Disk', rect, color),
  draw(w, f) {
    const width = w.frame.innerWidth;
    const window = f.index < 0 ? [] : f.timeline.slice(Math.max(0, f.index - width + 1), f.index + 1);
    w.update({ title: width >= 24 ? 'Load · Net/s · Disk/s' : 'Load Net Disk', lines: sparkLines(window, width), selected: null, focused: false });
  },
});
