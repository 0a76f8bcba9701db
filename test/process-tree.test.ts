import { describe, expect, it } from 'vitest';
import { processKey, type ProcessStats } from '../src/core/sample.js';
import { processOrder } from '../src/ui/process-sort.js';
import { processTree } from '../src/ui/process-tree.js';
import { makeProcess } from './helpers/make-sample.js';

const byPid = processOrder({ column: 'pid', reverse: false });
const p = (pid: number, ppid: number): ProcessStats => makeProcess({ pid, ppid, name: `p${pid}` });
const init = p(1, 0);
const sshd = p(100, 1);
const shell = p(200, 100);
const vim = p(300, 200);
const top = p(301, 200);
const cron = p(400, 1);
const all = [vim, cron, top, shell, init, sshd];
const lines = (rows: ReturnType<typeof processTree>): string[] => rows.map((r) => `${r.prefix}${r.process.name}`);

describe('process tree', () => {
  it('puts each process under its parent, siblings in the given order, with branch lines', () => {
    expect(lines(processTree(all, byPid, new Set()))).toEqual(['p1', '├─ p100', '│  └─ p200', '│     ├─ p300', '│     └─ p301', '└─ p400']);
    const rows = processTree(all, byPid, new Set());
    expect(rows.map((r) => r.depth)).toEqual([0, 1, 2, 3, 3, 1]);
    expect(rows.find((r) => r.process === shell)?.children).toBe(2);
  });

  it('hides a collapsed process’s descendants and marks it', () => {
    const rows = processTree(all, byPid, new Set([processKey(sshd)]));
    expect(lines(rows)).toEqual(['p1', '├─ p100', '└─ p400']);
    expect(rows[1]).toMatchObject({ collapsed: true, children: 1 });
  });

  it('orders siblings by the sort: the busiest child first when sorted by CPU', () => {
    const busy = { ...top, cpu: 90 };
    const rows = processTree([init, sshd, shell, vim, busy], processOrder({ column: 'cpu', reverse: false }), new Set());
    expect(lines(rows)).toEqual(['p1', '└─ p100', '   └─ p200', '      ├─ p301', '      └─ p300']);
  });

  it('makes a process whose parent is not listed a root (a filter hid the parent)', () => {
    expect(lines(processTree([vim, top, cron], byPid, new Set()))).toEqual(['p300', 'p301', 'p400']);
  });

  it('lists every process once when parents form a loop (data from a peer), and stops indenting deep chains', () => {
    const loop = [p(7, 8), p(8, 7)];
    expect(processTree(loop, byPid, new Set()).map((r) => r.process.pid).sort()).toEqual([7, 8]);
    const chain = Array.from({ length: 300 }, (_, i) => p(i + 2, i + 1));
    const rows = processTree(chain, byPid, new Set());
    expect(rows).toHaveLength(300);
    expect(Math.max(...rows.map((r) => r.prefix.length))).toBeLessThan(60);
  });
});
