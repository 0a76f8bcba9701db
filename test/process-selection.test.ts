import { describe, expect, it } from 'vitest';
import { selectProcesses, withSelectedProcesses } from '../src/core/process-selection.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const MiB = 1024 * 1024;

describe('process selection for the wire and summaries', () => {
  const idle = Array.from({ length: 20 }, (_, i) => makeProcess({ pid: 100 + i, name: `idle${i}`, cpu: 0.1, rss: (i + 1) * MiB }));

  it('keeps the top N by CPU and by RSS, ordered by CPU', () => {
    const busy = makeProcess({ pid: 1, name: 'busy', cpu: 90, rss: MiB });
    const fat = makeProcess({ pid: 2, name: 'fat', cpu: 0, rss: 900 * MiB });
    const kept = selectProcesses([...idle, busy, fat], { top: 1 });
    expect(kept.map((p) => p.name)).toEqual(['busy', 'fat']);
  });

  it('keeps every process carrying spike evidence, however small', () => {
    const exited = makeProcess({ pid: 3, name: 'gone', exited: true });
    const parent = makeProcess({ pid: 4, name: 'make', childCpu: 40 });
    const peaked = makeProcess({ pid: 5, name: 'peaky', rss: 10 * MiB, rssPeak: 500 * MiB });
    const small = makeProcess({ pid: 6, name: 'tiny-peak', rss: 10 * MiB, rssPeak: 11 * MiB });
    const kept = selectProcesses([...idle, exited, parent, peaked, small], { top: 1 }).map((p) => p.name);
    expect(kept).toEqual(expect.arrayContaining(['gone', 'make', 'peaky']));
    expect(kept).not.toContain('tiny-peak');
  });

  it('gives the same sample with only the selection', () => {
    const s = makeSample({ time: 1000, processes: idle });
    const slim = withSelectedProcesses(s, { top: 2 });
    // Two by CPU (equal: the first two) and two by RSS (the largest two).
    expect(slim.processes.map((p) => p.name).sort()).toEqual(['idle0', 'idle1', 'idle18', 'idle19']);
    expect(slim.memory).toBe(s.memory);
    expect(s.processes).toHaveLength(20);
  });

  it('says what it left out, so a missing process reads as "not sent" with a known ceiling', () => {
    const s = makeSample({ time: 1000, processes: idle });
    const slim = withSelectedProcesses(s, { top: 2 });
    // idle2..idle17 left out: the largest of them has 18 MiB.
    expect(slim.omitted).toEqual({ count: 16, maxCpu: 0.1, maxRss: 18 * MiB });
    expect(s.omitted).toBeUndefined();
    // Selecting again from a selection keeps the first summary in.
    expect(withSelectedProcesses(slim, { top: 1 }).omitted).toMatchObject({ count: 18, maxRss: 19 * MiB });
  });
});
