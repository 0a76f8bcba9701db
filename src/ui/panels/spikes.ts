import { spikeDetailLines } from '../spike-detail.js';
import { resolveSelection, spikeLogLines, spikeRuleText } from '../view-model.js';
import { ListPanel } from '../widgets/list-panel.js';
import { definePanel } from './panel.js';

/** The spike log, newest first, each with its culprits; Enter goes to a spike. */
export const spikesPanel = definePanel({
  id: 'spikes',
  title: 'Spikes',
  hints: { region: 'side', weight: 3, minWidth: 54, minHeight: 5 },
  focus: 'spikes',
  create: (screen, rect, color, events) =>
    new ListPanel(screen, 'Spikes', rect, color, {
      wheel: (dir) => events.scroll('spikes', dir),
      click: (line) => events.select('spikes', line),
    }),
  draw(w, f) {
    const tl = f.timeline;
    const newest = tl.at(tl.length - 1);
    const lines = spikeLogLines(f.spikes, newest?.time, newest?.intervalMs, f.extent?.last ?? newest?.time);
    const selected = lines.length ? resolveSelection(lines.map((l) => ({ key: l.id })), f.state.spikes.id, f.state.spikes.index) : null;
    const chosen = selected === null ? undefined : lines[selected];
    const spike = f.state.focus === 'spikes' && chosen ? f.spikes.find((s) => s.id === chosen.id) : undefined;
    w.update({
      title: `Spikes (${lines.length})`,
      lines: lines.map((l) => l.text),
      selected,
      // Opened up only while the log has focus: no frame builds lines the list would not show.
      detail: f.state.focus === 'spikes' && chosen && spike ? spikeDetailLines(spike, chosen.text, w.frame.innerWidth) : [],
      focused: f.state.focus === 'spikes',
      tone: (i) => {
        const sev = lines[i]?.severity;
        return sev === 'critical' ? 'critical' : sev === 'warning' ? 'warning' : null;
      },
      empty: spikeRuleText(f.thresholds, f.sample?.memory.total ?? 0, (f.sample?.probes?.length ?? 0) > 0),
    });
    return { spikeIds: lines.map((l) => l.id) };
  },
});
