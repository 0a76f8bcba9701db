import { describe, expect, it } from 'vitest';
import { LiveTimeline } from '../src/session/live-timeline.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const T = 1_800_000_000_000;

/** 50 idle processes and two busy ones, one of them big. */
function sample(i: number): ReturnType<typeof makeSample> {
  const idle = Array.from({ length: 50 }, (_, k) => makeProcess({ pid: 100 + k, name: `idle${k}`, cpu: 0.1, rss: (k + 1) * 1024 * 1024 }));
  return makeSample({
    time: T + i * 1000,
    processes: [...idle, makeProcess({ pid: 1, name: 'busy', cpu: 90 }), makeProcess({ pid: 2, name: 'big', cpu: 0, rss: 4 * 1024 ** 3 }), makeProcess({ pid: 3, name: 'gone', exited: true })],
  });
}

describe('LiveTimeline', () => {
  it('serves the newest sample whole and the older ones with the processes worth keeping', () => {
    const tl = new LiveTimeline(10, 3);
    for (let i = 0; i < 5; i++) tl.push(sample(i));
    expect(tl.length).toBe(5);
    expect(tl.at(4)?.processes).toHaveLength(53);
    const past = tl.at(3)?.processes.map((p) => p.name) ?? [];
    // Top 3 by CPU and by RSS, plus the exited one (spike evidence).
    expect(past).toEqual(expect.arrayContaining(['busy', 'big', 'gone', 'idle49', 'idle48']));
    expect(past.length).toBeLessThanOrEqual(7);
    expect(tl.at(3)?.time).toBe(T + 3000);
  });

  it('slices with the whole newest sample at the end, and finds samples by time', () => {
    const tl = new LiveTimeline(10, 3);
    for (let i = 0; i < 5; i++) tl.push(sample(i));
    const all = tl.slice(0, 5);
    expect(all.map((s) => s.time)).toEqual([0, 1, 2, 3, 4].map((i) => T + i * 1000));
    expect(all[4]?.processes).toHaveLength(53);
    expect(tl.slice(0, 3).every((s) => s.processes.length < 53)).toBe(true);
    expect(tl.slice(3, 99)[1]?.processes).toHaveLength(53);
    expect(tl.indexAtTime(T + 2500)).toBe(2);
  });

  it('refuses a sample not newer than the newest, keeping time order', () => {
    const tl = new LiveTimeline(10, 3);
    expect(tl.push(sample(1))).toBe(true);
    expect(tl.push(sample(1))).toBe(false);
    expect(tl.push(sample(0))).toBe(false);
    expect(tl.push(sample(2))).toBe(true);
    expect(tl.slice(0, 10).map((s) => s.time)).toEqual([T + 1000, T + 2000]);
  });

  it('drops the oldest beyond its capacity', () => {
    const tl = new LiveTimeline(3, 3);
    for (let i = 0; i < 5; i++) tl.push(sample(i));
    expect(tl.length).toBe(3);
    expect(tl.at(0)?.time).toBe(T + 2000);
    expect(tl.at(2)?.processes).toHaveLength(53);
    expect(new LiveTimeline(3, 3).at(0)).toBeUndefined();
  });
});

describe('LiveTimeline past samples', () => {
  it('serve the same processes however often they are read, spread or serialised', () => {
    const tl = new LiveTimeline(200, 3);
    for (let i = 0; i < 150; i++) tl.push(sample(i));
    const first = tl.at(0);
    const names = first?.processes.map((p) => p.name);
    // Reading many others pushes the first out of the unpacked cache; it unpacks again the same.
    for (let i = 1; i < 149; i++) expect(tl.at(i)?.processes.length).toBeGreaterThan(0);
    expect(tl.at(0)?.processes.map((p) => p.name)).toEqual(names);
    expect({ ...first }.processes).toEqual(first?.processes);
    expect((JSON.parse(JSON.stringify(first)) as { processes: unknown[] }).processes).toHaveLength(names?.length ?? -1);
  });

  it('keep their processes when held after leaving the history', () => {
    const tl = new LiveTimeline(3, 3);
    tl.push(sample(0));
    tl.push(sample(1));
    const held = tl.at(0);
    const before = held?.processes.map((p) => [p.name, p.cpu]);
    // Other processes afterwards, so the identities the held sample used are freed and reused.
    for (let i = 2; i < 10; i++) tl.push(makeSample({ time: T + i * 1000, processes: [makeProcess({ pid: 500 + i, name: `other${i}`, cpu: 50 })] }));
    expect(held?.processes.map((p) => [p.name, p.cpu])).toEqual(before);
  });
});
