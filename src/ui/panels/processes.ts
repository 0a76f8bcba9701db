import type { Action } from '../state.js';
import { tableHeader, tableLine, tableRows, tableTitle } from '../process-table.js';
import { selectedIndex } from '../view-model.js';
import { ListPanel } from '../widgets/list-panel.js';
import { definePanel, type PanelKey } from './panel.js';

const keys = (label: string, help: string, bind: Record<string, Action>): PanelKey => ({
  label,
  help,
  bind: Object.entries(bind).map(([key, action]) => ({ key, action })),
});

/**
 * Every process at the cursor's sample: filtered (/), sorted by any column,
 * or as a tree (F5); Enter inspects a row, k signals it (local tmon only).
 */
export const processesPanel = definePanel({
  id: 'processes',
  title: 'Processes',
  hints: { region: 'main', weight: 1, minWidth: 66, minHeight: 8 },
  focus: 'table',
  keys: [
    keys('/  F4', 'filter the table by name, command, user or pid as you type (Enter keeps it, Esc clears it)', {
      '/': { type: 'filterOpen' },
      f4: { type: 'filterOpen' },
    }),
    keys('F3', 'search: jump to the next process matching (F3 again: the next one)', { f3: { type: 'searchOpen' } }),
    keys('c P  m M  T', 'sort processes by CPU / by memory / by start time (again: reversed)', {
      c: { type: 'sort', key: 'cpu' },
      'S-p': { type: 'sort', key: 'cpu' },
      m: { type: 'sort', key: 'mem' },
      'S-m': { type: 'sort', key: 'mem' },
      'S-t': { type: 'sort', key: 'start' },
    }),
    keys('#  U  S  L  A', 'sort by PID / user / state / threads / name (again: reversed)', {
      '#': { type: 'sort', key: 'pid' },
      'S-u': { type: 'sort', key: 'user' },
      'S-s': { type: 'sort', key: 'state' },
      'S-l': { type: 'sort', key: 'threads' },
      'S-a': { type: 'sort', key: 'name' },
    }),
    keys('I  <  >  F6', 'reverse the order / sort by the column left or right', {
      'S-i': { type: 'sortReverse' },
      '<': { type: 'sortStep', dir: -1 },
      '>': { type: 'sortStep', dir: 1 },
      f6: { type: 'sortStep', dir: 1 },
    }),
    keys('F5  v', 'processes as a tree (parent → children) / as a list', { f5: { type: 'tree' }, v: { type: 'tree' } }),
    keys('-  +', "tree: fold / unfold the selected process's children", { '-': { type: 'fold', hide: true }, '+': { type: 'fold', hide: false } }),
    keys('F', 'follow the selected process wherever it moves (↑ ↓ or F again stop)', { 'S-f': { type: 'follow' } }),
    keys('k  F9', 'send a signal to the selected process, asking first (local tmon only)', { k: { type: 'signalOpen' }, f9: { type: 'signalOpen' } }),
  ],
  create: (screen, rect, color, events) =>
    new ListPanel(screen, 'Processes', rect, color, {
      wheel: (dir) => events.scroll('table', dir),
      click: (line) => events.select('table', line),
    }),
  draw(w, f) {
    const { sample, state } = f;
    const sort = { column: state.sort, reverse: state.sortReverse };
    const rows = tableRows(sample, { sort, filter: state.filter, tree: state.tree, collapsed: state.collapsed });
    const width = w.frame.innerWidth;
    const follow = state.follow;
    const followed = follow ? rows.findIndex((r) => r.key === follow.key) : -1;
    const title = tableTitle({ sort, tree: state.tree, filter: state.filter, shown: rows.length, total: sample?.tasks.total ?? 0, follow: follow && { ...follow, listed: followed >= 0 } });
    w.update({
      title: sample ? `${title}${f.cursorNote}` : 'Processes',
      header: tableHeader(sort, width),
      lines: { length: rows.length, at: (i) => (rows[i] ? tableLine(rows[i].cells, width) : undefined) },
      selected: selectedIndex(rows, state.table, follow?.key ?? null),
      focused: state.focus === 'table',
      tone: (i) => (rows[i]?.exited ? 'muted' : null),
      empty: !sample ? 'waiting for the first sample…' : state.filter ? `no process matches "${state.filter}" (Esc clears the filter)` : 'no processes',
    });
    return { rows };
  },
});
