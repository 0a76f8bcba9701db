import { describe, expect, it } from 'vitest';
import { findProcess, processFacts, processSeries } from '../src/analysis/process-series.js';
import { processKey } from '../src/core/sample.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const MiB = 1024 * 1024;
const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);

const worker = (cpu: number, rss: number) => makeProcess({ pid: 42, name: 'worker', startTime: T0 - 5000, cpu, rss });
/** Same PID, started later: a different process. */
const impostor = makeProcess({ pid: 42, name: 'impostor', startTime: T0 + 7500, cpu: 99, rss: 999 * MiB });
const other = makeProcess({ pid: 7, name: 'other', cpu: 3 });

const samples = [
  makeSample({ time: T0, processes: [other, worker(10, 100 * MiB)] }),
  makeSample({ time: T0 + 1000, processes: [worker(20, 110 * MiB), other] }),
  // Out of the wire selection for a moment.
  makeSample({ time: T0 + 2000, processes: [other] }),
  makeSample({ time: T0 + 3000, processes: [worker(30, 120 * MiB)] }),
  makeSample({ time: T0 + 4000, processes: [other] }),
  makeSample({ time: T0 + 8000, processes: [impostor] }),
];
const key = processKey(worker(0, 0));

describe('processSeries', () => {
  it("gives the process's CPU and RSS at every sample that carries it, skipping the others", () => {
    expect(processSeries(samples, key)).toEqual([
      { time: T0, cpu: 10, rss: 100 * MiB, exited: false },
      { time: T0 + 1000, cpu: 20, rss: 110 * MiB, exited: false },
      { time: T0 + 3000, cpu: 30, rss: 120 * MiB, exited: false },
    ]);
  });

  it('keeps a later process with the same PID out of the series', () => {
    expect(processSeries(samples, key).some((p) => p.cpu === 99)).toBe(false);
    expect(processSeries(samples, processKey(impostor))).toEqual([{ time: T0 + 8000, cpu: 99, rss: 999 * MiB, exited: false }]);
  });

  it('marks the final figures of a process the collector saw exit', () => {
    const gone = makeSample({ time: T0 + 5000, processes: [{ ...worker(0, 120 * MiB), exited: true }] });
    expect(processSeries([...samples.slice(0, 4), gone], key).at(-1)).toEqual({ time: T0 + 5000, cpu: 0, rss: 120 * MiB, exited: true });
  });

  it('is empty for a process never seen', () => {
    expect(processSeries(samples, '1@1')).toEqual([]);
  });

  it('accepts any iterable, e.g. a generator over a recording', () => {
    function* gen() {
      yield* samples;
    }
    expect(processSeries(gen(), key)).toHaveLength(3);
  });
});

describe('findProcess', () => {
  it('returns the stats from the newest sample that carries the process', () => {
    expect(findProcess(samples, key)).toMatchObject({ name: 'worker', cpu: 30, rss: 120 * MiB });
    expect(findProcess(samples, processKey(impostor))?.name).toBe('impostor');
  });

  it('returns undefined for a process never seen', () => {
    expect(findProcess(samples, '1@1')).toBeUndefined();
  });
});

describe('processFacts', () => {
  it("gives the process's start and its parent, named when the sample carries the parent", () => {
    const shell = makeProcess({ pid: 9, name: 'bash' });
    const child = makeProcess({ pid: 42, ppid: 9, name: 'worker', startTime: T0 - 5000 });
    const s = makeSample({ time: T0, processes: [shell, child] });
    expect(processFacts(s, processKey(child))).toEqual({ startTime: T0 - 5000, ppid: 9, parent: 'bash' });
    expect(processFacts(makeSample({ time: T0, processes: [child] }), processKey(child))).toEqual({ startTime: T0 - 5000, ppid: 9 });
    expect(processFacts(s, '1@1')).toBeUndefined();
  });
});
