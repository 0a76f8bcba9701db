import { eventLine, recentEvents } from '../view-model.js';
import { ListPanel } from '../widgets/list-panel.js';
import { definePanel } from './panel.js';

/** Processes that started or exited in the last ten minutes before the cursor. */
export const eventsPanel = definePanel({
  id: 'events',
  title: 'Process starts and exits',
  hints: { region: 'side', weight: 2, minWidth: 30, minHeight: 4 },
  toggle: { key: 't', help: 'show / hide the process start/exit panel', shownFrom: { cols: 160, rows: 40 } },
  create: (screen, rect, color) => new ListPanel(screen, 'Process starts and exits', rect, color),
  draw(w, f) {
    const list = recentEvents(f.timeline, f.index, w.visibleLines, 600, f.eventsOf);
    w.update({ title: `Process starts and exits${f.cursorNote}`, lines: list.map(eventLine), selected: null, focused: false, empty: 'none recently' });
  },
});
