import { describe, expect, it } from 'vitest';
import { adjacentColumn, processOrder, SORT_COLUMNS, type SortColumn } from '../src/ui/process-sort.js';
import { makeProcess } from './helpers/make-sample.js';

const MiB = 1024 ** 2;
const T = Date.UTC(2026, 10, 22);
const ps = [
  makeProcess({ pid: 30, name: 'beta', user: 'carol', state: 'S', cpu: 5, rss: 300 * MiB, threads: 1, startTime: T + 3000 }),
  makeProcess({ pid: 10, name: 'Alpha', user: 'bob', state: 'R', cpu: 90, rss: 100 * MiB, threads: 8, startTime: T + 1000 }),
  makeProcess({ pid: 20, name: 'gamma', user: 'alice', state: 'D', cpu: 40, rss: 200 * MiB, threads: 4, startTime: T + 2000 }),
];
const pids = (column: SortColumn, reverse = false): number[] => [...ps].sort(processOrder({ column, reverse })).map((p) => p.pid);

describe('process sort', () => {
  it('orders each column its natural way: busiest, biggest, newest first; names and numbers ascending', () => {
    expect(pids('cpu')).toEqual([10, 20, 30]);
    expect(pids('mem')).toEqual([30, 20, 10]);
    expect(pids('pid')).toEqual([10, 20, 30]);
    expect(pids('user')).toEqual([20, 10, 30]);
    expect(pids('state')).toEqual([20, 10, 30]);
    expect(pids('threads')).toEqual([10, 20, 30]);
    expect(pids('start')).toEqual([30, 20, 10]);
    // Case does not split names.
    expect(pids('name')).toEqual([10, 30, 20]);
  });

  it('reverses any column', () => {
    for (const c of SORT_COLUMNS) expect(pids(c, true)).toEqual(pids(c).reverse());
  });

  it('steps to the column left or right, wrapping round', () => {
    expect(adjacentColumn('cpu', 1)).toBe('mem');
    expect(adjacentColumn('cpu', -1)).toBe('user');
    expect(adjacentColumn('name', 1)).toBe('pid');
    expect(adjacentColumn('pid', -1)).toBe('name');
  });
});
