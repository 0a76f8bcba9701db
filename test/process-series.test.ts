import { describe, expect, it } from 'vitest';
import { findProcess, processSeries } from '../src/analysis/process-series.js';
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
      { time: T0, cpu: 10, rss: 100 * MiB },
      { time: T0 + 1000, cpu: 20, rss: 110 * MiB },
      { time: T0 + 3000, cpu: 30, rss: 120 * MiB },
    ]);
  });

  it('keeps a later process with the same PID out of the series', () => {
    expect(processSeries(samples, key).some((p) => p.cpu === 99)).toBe(false);
    expect(processSeries(samples, processKey(impostor))).toEqual([{ time: T0 + 8000, cpu: 99, rss: 999 * MiB }]);
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
