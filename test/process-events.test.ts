import { describe, expect, it } from 'vitest';
import { processEvents } from '../src/analysis/process-events.js';
import { processKey } from '../src/core/sample.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);
const longRunning = makeProcess({ pid: 10, name: 'sshd', user: 'root', startTime: T0 - 3_600_000 });
const leaving = makeProcess({ pid: 11, name: 'make', startTime: T0 - 60_000 });
const arriving = makeProcess({ pid: 12, name: 'cc1', startTime: T0 + 400 });

describe('processEvents', () => {
  it('has nothing to report without a previous sample', () => {
    expect(processEvents(undefined, makeSample({ time: T0, processes: [longRunning] }))).toEqual([]);
  });

  it('reports a birth at the process start time and a death at the sample time, oldest first', () => {
    const prev = makeSample({ time: T0, processes: [longRunning, leaving] });
    const cur = makeSample({ time: T0 + 1000, processes: [longRunning, arriving] });
    expect(processEvents(prev, cur)).toEqual([
      { time: T0 + 400, kind: 'start', pid: 12, name: 'cc1', user: 'alice', key: processKey(arriving) },
      { time: T0 + 1000, kind: 'exit', pid: 11, name: 'make', user: 'alice', key: processKey(leaving) },
    ]);
  });

  it('from a selection (omitted set), a process left out is not an exit; one marked exited is', () => {
    const prev = makeSample({ time: T0, processes: [longRunning, leaving] });
    const cur = { ...makeSample({ time: T0 + 1000, processes: [{ ...leaving, exited: true }] }), omitted: { count: 1, maxCpu: 0, maxRss: 0 } };
    expect(processEvents(prev, cur).map((e) => [e.kind, e.name])).toEqual([['exit', 'make']]);
  });

  it('reports nothing when the set of processes did not change', () => {
    const prev = makeSample({ time: T0, processes: [longRunning, leaving] });
    const cur = makeSample({ time: T0 + 1000, processes: [leaving, { ...longRunning, cpu: 50 }] });
    expect(processEvents(prev, cur)).toEqual([]);
  });

  it('sees a reused PID as one exit and one start', () => {
    const old = makeProcess({ pid: 300, name: 'old', startTime: T0 - 10_000 });
    const reborn = makeProcess({ pid: 300, name: 'reborn', startTime: T0 + 500 });
    const events = processEvents(makeSample({ time: T0, processes: [old] }), makeSample({ time: T0 + 1000, processes: [reborn] }));
    expect(events.map((e) => [e.kind, e.name])).toEqual([
      ['start', 'reborn'],
      ['exit', 'old'],
    ]);
  });

  it('keeps two live processes on one pid in a malformed sample apart: each matched or gone on its own', () => {
    const a = makeProcess({ pid: 500, name: 'a', startTime: T0 - 20_000 });
    const b = makeProcess({ pid: 500, name: 'b', startTime: T0 - 10_000 });
    const prev = makeSample({ time: T0, processes: [a, b] });
    expect(processEvents(prev, makeSample({ time: T0 + 1000, processes: [b, a] }))).toEqual([]);
    expect(processEvents(prev, makeSample({ time: T0 + 1000, processes: [a] })).map((e) => [e.kind, e.name])).toEqual([['exit', 'b']]);
    expect(processEvents(prev, makeSample({ time: T0 + 1000, processes: [b] })).map((e) => [e.kind, e.name])).toEqual([['exit', 'a']]);
  });

  it('counts a process marked exited as an exit at the sample time, and a short-lived one as both', () => {
    const flash = makeProcess({ pid: 400, name: 'flash', startTime: T0 + 200, exited: true });
    const prev = makeSample({ time: T0, processes: [leaving] });
    const cur = makeSample({ time: T0 + 1000, processes: [{ ...leaving, exited: true }, flash] });
    expect(processEvents(prev, cur).map((e) => [e.time, e.kind, e.name])).toEqual([
      [T0 + 200, 'start', 'flash'],
      [T0 + 1000, 'exit', 'make'],
      [T0 + 1000, 'exit', 'flash'],
    ]);
  });

  it('does not report an exit twice when the exited process is gone from the next sample', () => {
    const prev = makeSample({ time: T0, processes: [longRunning, { ...leaving, exited: true }] });
    const cur = makeSample({ time: T0 + 1000, processes: [longRunning] });
    expect(processEvents(prev, cur)).toEqual([]);
  });

  it('does not call a long-running process that enters a wire selection a birth', () => {
    const prev = makeSample({ time: T0, processes: [longRunning] });
    const cur = makeSample({ time: T0 + 1000, processes: [longRunning, leaving] });
    expect(processEvents(prev, cur)).toEqual([]);
  });

  it('keeps a start time a little before the previous sample (boot time is known to the second)', () => {
    const early = makeProcess({ pid: 13, name: 'early', startTime: T0 - 300 });
    const events = processEvents(makeSample({ time: T0, processes: [] }), makeSample({ time: T0 + 1000, processes: [early] }));
    expect(events.map((e) => [e.kind, e.time])).toEqual([['start', T0 - 300]]);
  });
});
