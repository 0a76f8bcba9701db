import { probeLines } from '../probe-model.js';
import { ListPanel } from '../widgets/list-panel.js';
import { definePanel } from './panel.js';

/** How many samples back the sparklines and the up share reach. */
const PROBE_HISTORY = 120;

/** Probe targets (--probe): up or down, round trip and its recent history, at the cursor's sample. */
export const probesPanel = definePanel({
  id: 'probes',
  title: 'Latency',
  hints: { region: 'side', weight: 2, minWidth: 30, minHeight: 3 },
  toggle: {
    key: 'l',
    help: 'show / hide the latency panel (probes: up or down, round trip)',
    shownFrom: { cols: 80, rows: 24 },
    shownWith: (newest) => (newest.probes?.length ?? 0) > 0,
  },
  create: (screen, rect, color) => new ListPanel(screen, 'Latency', rect, color),
  draw(w, f) {
    const samples = f.index < 0 ? [] : f.timeline.slice(Math.max(0, f.index + 1 - PROBE_HISTORY), f.index + 1);
    const lines = probeLines(samples, w.frame.innerWidth);
    w.update({
      title: `Latency${f.cursorNote}`,
      lines: lines.map((l) => l.text),
      tone: (i) => (lines[i]?.up === false ? 'critical' : null),
      selected: null,
      focused: false,
      empty: 'no probes: tmon --probe tcp://host:port (or http://, https://, ping://)',
    });
  },
});
