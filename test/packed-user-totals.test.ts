import { describe, expect, it } from 'vitest';
import type { UserTotal } from '../src/analysis/user-totals.js';
import { PackedUserTotals } from '../src/session/packed-user-totals.js';

const T = 1_800_000_000_000;

/** Sample i's totals: 1 to 4 users, names and order changing, fractional CPU, RSS past 2^32. */
function totals(i: number): UserTotal[] {
  const names = ['root', 'alice', `user${i % 7}`, 'postgres'];
  return Array.from({ length: 1 + (i % 4) }, (_, k) => ({
    user: names[(k + i) % names.length] as string,
    uid: ((k + i) % names.length) * 1000,
    cpu: (i * 7 + k) / 3,
    rss: 2 ** 33 + i * 4096 + k,
    processes: 1 + ((i + k) % 50),
  }));
}

describe('PackedUserTotals', () => {
  it('gives back every sample’s totals exactly, across closed and open chunks', () => {
    const log = new PackedUserTotals();
    for (let i = 0; i < 150; i++) log.record(T + i * 1000, totals(i));
    for (let i = 0; i < 150; i++) expect(log.at(T + i * 1000)).toEqual(totals(i));
  });

  it('answers undefined for a time it never recorded', () => {
    const log = new PackedUserTotals();
    expect(log.at(T)).toBeUndefined();
    for (let i = 0; i < 70; i++) log.record(T + i * 1000, totals(i));
    expect(log.at(T - 1)).toBeUndefined();
    expect(log.at(T + 500)).toBeUndefined();
    expect(log.at(T + 70_000)).toBeUndefined();
  });

  it('keeps a sample with no users apart from its neighbours', () => {
    const log = new PackedUserTotals();
    log.record(T, totals(1));
    log.record(T + 1000, []);
    log.record(T + 2000, totals(2));
    expect(log.at(T + 1000)).toEqual([]);
    expect(log.at(T + 2000)).toEqual(totals(2));
  });

  it('forgets what is older than the pruning time, and only that', () => {
    const log = new PackedUserTotals();
    for (let i = 0; i < 200; i++) log.record(T + i * 1000, totals(i));
    log.prune(T + 130_000);
    expect(log.at(T + 129_000)).toBeUndefined();
    expect(log.at(T + 10_000)).toBeUndefined();
    expect(log.at(T + 130_000)).toEqual(totals(130));
    expect(log.at(T + 199_000)).toEqual(totals(199));
  });
});
