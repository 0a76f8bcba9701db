import { describe, expect, it } from 'vitest';
import { processKey } from '../src/core/sample.js';
import { displayWidth } from '../src/core/text-width.js';
import { startLabel, tableColumns, tableHeader, tableLine, tableRows, tableTitle, type TableView } from '../src/ui/process-table.js';
import type { SortColumn } from '../src/ui/process-sort.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const at = (h: number, m: number, s: number): number => new Date(2026, 10, 22, h, m, s).getTime();
const view = (v: Partial<TableView> & { column?: SortColumn; reverse?: boolean } = {}): TableView => ({
  sort: { column: v.column ?? 'cpu', reverse: v.reverse ?? false },
  filter: v.filter ?? '',
  tree: v.tree ?? false,
  collapsed: v.collapsed ?? [],
});

describe('process table', () => {
  const sample = makeSample({
    time: at(3, 0, 0),
    processes: [
      makeProcess({ pid: 10, name: 'busy', cpu: 80, rss: 100 * MiB, ppid: 40 }),
      makeProcess({ pid: 20, name: 'fat', cpu: 1, rss: 3 * GiB, cmd: 'fat --heap 3g' }),
      makeProcess({ pid: 30, name: 'gone', cpu: 50, rss: 10 * MiB, exited: true }),
      makeProcess({ pid: 40, name: 'make', cpu: 2, rss: 5 * MiB, childCpu: 70 }),
      makeProcess({ pid: 2, name: 'kworker/0:1', cpu: 0, rss: 0, cmd: '', kernelThread: true, user: 'root' }),
    ],
  });

  it('holds every process, by CPU or by memory', () => {
    expect(tableRows(sample, view()).map((r) => r.pid)).toEqual([10, 30, 40, 20, 2]);
    expect(tableRows(sample, view({ column: 'mem' })).map((r) => r.pid)).toEqual([20, 10, 30, 40, 2]);
    expect(tableRows(undefined, view())).toEqual([]);
    const many = makeSample({ time: at(3, 0, 0), processes: Array.from({ length: 400 }, (_, i) => makeProcess({ pid: i + 1, name: `p${i}` })) });
    expect(tableRows(many, view())).toHaveLength(400);
  });

  it('has PID USER CPU% MEM% RSS S THR START and NAME/command, marking exited processes and reaped children', () => {
    const rows = tableRows(sample, view());
    expect(rows[0]?.cells).toEqual({ pid: '10', user: 'alice', cpu: '80.0', mem: '1.2', rss: '100M', state: 'S', threads: '1', start: startLabel(rows[0]?.startTime ?? 0, sample.time), name: 'busy' });
    expect(rows.find((r) => r.pid === 30)?.cells.name).toBe('gone (exited)');
    expect(rows.find((r) => r.pid === 30)?.exited).toBe(true);
    expect(rows.find((r) => r.pid === 40)?.cells.name).toBe('make (+70% children)');
    // The command alone when its program is the name; the name first when it differs.
    expect(rows.find((r) => r.pid === 20)?.cells.name).toBe('fat --heap 3g');
    const named = (name: string, cmd: string): string | undefined =>
      tableRows(makeSample({ time: at(3, 0, 0), processes: [makeProcess({ pid: 5, name, cmd })] }), view())[0]?.cells.name;
    expect(named('node', '/usr/bin/node bin/tmon.js')).toBe('/usr/bin/node bin/tmon.js');
    expect(named('tmux: server', 'tmux new-session -d')).toBe('tmux: server  tmux new-session -d');
    expect(named('systemd-journal', '/lib/systemd/systemd-journald')).toBe('/lib/systemd/systemd-journald');
    expect(rows.find((r) => r.pid === 2)?.cells.name).toBe('[kworker/0:1]');
    expect(rows[0]?.key).toBe(`10@${rows[0]?.startTime}`);
  });

  it('filters and draws a tree with folding', () => {
    expect(tableRows(sample, view({ filter: 'heap' })).map((r) => r.pid)).toEqual([20]);
    const tree = tableRows(sample, view({ tree: true, column: 'pid' }));
    expect(tree.map((r) => r.cells.name)).toEqual(['[kworker/0:1]', 'fat --heap 3g', 'gone (exited)', 'make (+70% children)', '└─ busy']);
    expect(tree.find((r) => r.pid === 40)?.children).toBe(1);
    const make = tree.find((r) => r.pid === 40);
    const folded = tableRows(sample, view({ tree: true, column: 'pid', collapsed: [make?.key ?? ''] }));
    expect(folded.map((r) => r.pid)).toEqual([2, 20, 30, 40]);
    expect(folded.at(-1)?.cells.name).toBe('+ make (+70% children)');
  });

  it('shows state, threads and start time only where the name keeps its room', () => {
    const ids = (w: number): string[] => tableColumns(w).map((c) => c.id);
    expect(ids(60)).toEqual(['pid', 'user', 'cpu', 'mem', 'rss']);
    expect(ids(78)).toEqual(['pid', 'user', 'cpu', 'mem', 'rss', 'state', 'threads']);
    expect(ids(120)).toEqual(['pid', 'user', 'cpu', 'mem', 'rss', 'state', 'threads', 'start']);
  });

  it('lays cells out in the columns cut to the width, with the sort column and its direction marked', () => {
    const cells = { pid: '4242', user: 'postgres-long', cpu: '95.0', mem: '62.5', rss: '5.0G', state: 'R', threads: '12', start: '03:12', name: 'alloc  alloc --size 5G --and-more' };
    const line = tableLine(cells, 60);
    expect(line).toBe('   4242 postgres…   95.0  62.5   5.0G alloc  alloc --size 5…');
    expect(line).toHaveLength(60);
    expect(tableLine(cells, 100)).toBe('   4242 postgres…   95.0  62.5   5.0G R    12  03:12 alloc  alloc --size 5G --and-more');
    expect(tableHeader({ column: 'cpu', reverse: false }, 60)).toMatch(/^\s+PID USER\s+CPU%▼\s+MEM%\s+RSS NAME\/command$/);
    expect(tableHeader({ column: 'mem', reverse: false }, 80)).toMatch(/RSS▼/);
    expect(tableHeader({ column: 'cpu', reverse: true }, 80)).toMatch(/CPU%▲/);
    expect(tableHeader({ column: 'pid', reverse: false }, 80)).toMatch(/PID▲/);
    expect(tableHeader({ column: 'threads', reverse: false }, 80)).toMatch(/THR▼/);
    expect(tableHeader({ column: 'name', reverse: false }, 80)).toMatch(/NAME▲\/command/);
  });

  it('measures names by display width, so a CJK or emoji name keeps the line inside its width', () => {
    const cells = { pid: '7', user: '数据', cpu: '1.0', mem: '0.1', rss: '1M', state: 'S', threads: '1', start: '03:00', name: '数据库服务🔥 数据库服务 --配置 /etc/数据库.conf' };
    for (const w of [60, 78, 100]) expect(displayWidth(tableLine(cells, w))).toBeLessThanOrEqual(w);
    // The USER column keeps its 9 columns whatever it holds: CPU% starts where it does for ASCII.
    const ascii = tableLine({ ...cells, user: 'alice' }, 78);
    const wide = tableLine(cells, 78);
    expect(displayWidth(wide.slice(0, wide.indexOf('1.0')))).toBe(ascii.indexOf('1.0'));
  });

  it('says when a process started: the time today, else the day, else the year', () => {
    const now = at(15, 0, 0);
    expect(startLabel(at(3, 12, 5), now)).toBe('03:12');
    expect(startLabel(new Date(2026, 10, 9, 8, 0).getTime(), now)).toBe('Nov09');
    expect(startLabel(new Date(2024, 2, 1).getTime(), now)).toBe('2024');
  });

  it('titles the table with its order, filter matches and the followed process', () => {
    const sort = { column: 'cpu' as const, reverse: false };
    expect(tableTitle({ sort, tree: false, filter: '', shown: 5, total: 212, follow: null })).toBe('Processes by CPU (212)');
    expect(tableTitle({ sort: { column: 'mem', reverse: true }, tree: true, filter: 'ngx', shown: 3, total: 212, follow: { pid: 77, name: 'nginx', listed: true } })).toBe(
      'Process tree by memory, reversed (3 of 212 match "ngx") · following nginx[77]',
    );
    expect(tableTitle({ sort, tree: false, filter: '', shown: 5, total: 5, follow: { pid: 77, name: 'nginx', listed: false } })).toMatch(/following nginx\[77\]: not listed$/);
  });

  it('keys rows by process identity', () => {
    const p = sample.processes[0];
    expect(tableRows(sample, view()).some((r) => p && r.key === processKey(p))).toBe(true);
  });
});
