import { expect, test } from 'vitest';
import { IntervalSightings } from '../src/collect/interval-sightings.js';
import type { RawProcess } from '../src/collect/raw.js';

const MB = 1024 * 1024;

function proc(pid: number, rss: number, utime: number, startTicks = 100, rssPeak?: number): RawProcess {
  return { pid, ppid: 1, name: `p${pid}`, state: 'R', kernelThread: false, utime, stime: 0, cutime: 0, cstime: 0, threads: 1, startTicks, rss, faults: 0, ident: { cmd: '', uid: 0, user: 'root' }, rssPeak };
}

const scan = (...ps: RawProcess[]): Map<number, RawProcess> => new Map(ps.map((p) => [p.pid, p]));

test('a process seen by burst scans but gone at the tick is returned with its highest RSS and latest times', () => {
  const s = new IntervalSightings();
  s.note(scan(proc(7, 300 * MB, 10), proc(1, 10 * MB, 1)));
  s.note(scan(proc(7, 500 * MB, 25), proc(1, 10 * MB, 2)));
  s.note(scan(proc(7, 100 * MB, 30), proc(1, 10 * MB, 3)));
  const tick = scan(proc(1, 10 * MB, 4));
  const exited = s.settle(tick);
  expect(exited).toHaveLength(1);
  expect(exited[0]).toMatchObject({ pid: 7, rss: 500 * MB, utime: 30 });
  expect(tick.get(1)?.rssPeak).toBeUndefined();
  expect(s.size).toBe(0);
  expect(s.settle(scan())).toEqual([]);
});

test('a process still alive gets the higher RSS a burst scan saw as its peak', () => {
  const s = new IntervalSightings();
  s.note(scan(proc(7, 500 * MB, 10)));
  const tick = scan(proc(7, 50 * MB, 20));
  expect(s.settle(tick)).toEqual([]);
  expect(tick.get(7)?.rssPeak).toBe(500 * MB);
});

test('a VmHWM peak recorded by a burst scan survives; a lower burst RSS does not lower the tick peak', () => {
  const s = new IntervalSightings();
  s.note(scan(proc(7, 200 * MB, 10, 100, 800 * MB)));
  s.note(scan(proc(7, 300 * MB, 10)));
  const tick = scan(proc(7, 50 * MB, 20, 100, 900 * MB));
  s.settle(tick);
  expect(tick.get(7)?.rssPeak).toBe(900 * MB);

  s.note(scan(proc(8, 200 * MB, 10, 100, 800 * MB)));
  const gone = s.settle(scan());
  expect(gone[0]).toMatchObject({ pid: 8, rss: 200 * MB, rssPeak: 800 * MB });
});

test('PID reuse inside one interval: both processes are kept', () => {
  const s = new IntervalSightings();
  s.note(scan(proc(7, 100 * MB, 10, 100)));
  s.note(scan(proc(7, 200 * MB, 5, 999)));
  const tick = scan(proc(7, 200 * MB, 6, 999));
  const exited = s.settle(tick);
  expect(exited.map((p) => [p.pid, p.startTicks])).toEqual([[7, 100]]);
  // The alive one's burst RSS is not above its tick RSS: no peak.
  expect(tick.get(7)?.rssPeak).toBeUndefined();
});
