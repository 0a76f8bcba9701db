import { userLines } from '../view-model.js';
import { ListPanel } from '../widgets/list-panel.js';
import { definePanel } from './panel.js';

/** CPU and memory per user at the cursor's sample. */
export const usersPanel = definePanel({
  id: 'users',
  title: 'Users',
  hints: { region: 'side', weight: 2, minWidth: 30, minHeight: 4 },
  toggle: { key: 'u', help: 'show / hide the per-user panel', shownFrom: { cols: 160, rows: 40 } },
  create: (screen, rect, color) => new ListPanel(screen, 'Users', rect, color),
  draw(w, f) {
    const [header, ...rest] = userLines(f.sample && f.usersOf(f.sample), w.frame.innerWidth);
    w.update({ title: `Users${f.cursorNote}`, ...(header !== undefined ? { header } : {}), lines: rest, selected: null, focused: false });
  },
});
