import { diskLines, FULL_CRITICAL_PCT, FULL_WARNING_PCT } from '../disk-model.js';
import { ListPanel } from '../widgets/list-panel.js';
import { definePanel } from './panel.js';

/** Space per mount (fullest first, coloured when nearly full) and I/O per disk at the cursor's sample. */
export const disksPanel = definePanel({
  id: 'disks',
  title: 'Disks',
  hints: { region: 'side', weight: 2, minWidth: 30, minHeight: 4 },
  toggle: { key: 'd', help: 'show / hide the disk panel (space per mount, I/O per disk)', shownFrom: { cols: 160, rows: 40 } },
  create: (screen, rect, color) => new ListPanel(screen, 'Disks', rect, color),
  draw(w, f) {
    const lines = diskLines(f.sample, w.frame.innerWidth);
    w.update({
      title: `Disks${f.cursorNote}`,
      lines: lines.map((l) => l.text),
      tone: (i) => {
        const pct = lines[i]?.usedPct ?? null;
        return pct === null ? null : pct >= FULL_CRITICAL_PCT ? 'critical' : pct >= FULL_WARNING_PCT ? 'warning' : null;
      },
      selected: null,
      focused: false,
      empty: 'no mounts or disks in this sample',
    });
  },
});
