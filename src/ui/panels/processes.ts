import { resolveSelection, tableHeader, tableLine, tableRows } from '../view-model.js';
import { ListPanel } from '../widgets/list-panel.js';
import { definePanel } from './panel.js';

/** The process table at the cursor's sample, sorted by CPU or memory; Enter inspects a row. */
export const processesPanel = definePanel({
  id: 'processes',
  title: 'Processes',
  hints: { region: 'main', weight: 1, minWidth: 66, minHeight: 8 },
  focus: 'table',
  keys: [
    {
      label: 'c  m',
      help: 'sort processes by CPU / by memory',
      bind: [
        { key: 'c', action: { type: 'sort', key: 'cpu' } },
        { key: 'm', action: { type: 'sort', key: 'mem' } },
      ],
    },
  ],
  create: (screen, rect, color, events) =>
    new ListPanel(screen, 'Processes', rect, color, {
      wheel: (dir) => events.scroll('table', dir),
      click: (line) => events.select('table', line),
    }),
  draw(w, f) {
    const { sample, state } = f;
    const rows = tableRows(sample, state.sort, f.top);
    const width = w.frame.innerWidth;
    w.update({
      // tasks.total counts every process on the host, also when the sample carries a selection.
      title: `Processes by ${state.sort === 'cpu' ? 'CPU' : 'memory'}${sample ? ` (${sample.tasks.total})` : ''}${f.cursorNote}`,
      header: tableHeader(state.sort, width),
      lines: rows.map((r) => tableLine(r.cells, width)),
      selected: rows.length ? resolveSelection(rows, state.table.key, state.table.index) : null,
      focused: state.focus === 'table',
      tone: (i) => (rows[i]?.exited ? 'muted' : null),
      empty: sample ? 'no processes' : 'waiting for the first sample…',
    });
    return { rows };
  },
});
