import { describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { LiveHistory } from '../src/session/live-history.js';
import { SPIKE_AT, T0, scenario } from './fixtures/ui/scenario.js';

const time = (i: number): number => T0 + i * 1000;

describe('LiveHistory', () => {
  it('keeps the newest samples slim, and the starts, exits and user totals of the whole ones', () => {
    const samples = scenario();
    // Two processes per order: alloc (95 % CPU, 5 GiB) is among them in the spike, not later.
    const h = new LiveHistory(100, 2);
    for (const s of samples) expect(h.push(s)).toBe(true);
    expect(h.length).toBe(100);
    expect(h.timeAt(0)).toBe(time(0));
    expect(h.timeAt(99)).toBe(time(99));
    expect(h.indexAtTime(time(SPIKE_AT) + 500)).toBe(SPIKE_AT);
    expect(h.slice(SPIKE_AT, SPIKE_AT + 2).map((s) => s.time)).toEqual([time(SPIKE_AT), time(SPIKE_AT + 1)]);
    expect(h.at(SPIKE_AT)?.processes.map((p) => p.name)).toContain('alloc');
    // Past samples keep 2 by CPU and 2 by RSS; the facts saw all of them.
    expect(h.at(10)?.processes.length).toBeLessThan(5);
    expect(h.usersAt(time(10))?.reduce((n, u) => n + u.processes, 0)).toBe(5);
    expect(h.eventsAt(time(SPIKE_AT - 1)).map((e) => `${e.kind} ${e.name}`)).toEqual(['start alloc']);
    expect(h.eventsAt(time(SPIKE_AT + 2)).map((e) => `${e.kind} ${e.name}`)).toEqual(['exit alloc']);
    expect(h.problem).toBe('');
  });

  it('refuses a sample not newer than the newest, and forgets the facts of samples it dropped', () => {
    const samples = scenario(10);
    const h = new LiveHistory(3, 15);
    for (const s of samples) h.push(s);
    expect(h.push(samples[5] as Sample)).toBe(false);
    expect(h.length).toBe(3);
    expect(h.timeAt(0)).toBe(time(7));
    expect(h.usersAt(time(6))).toBeUndefined();
    expect(h.usersAt(time(7))).toBeDefined();
  });
});
