import { describe, expect, it } from 'vitest';
import { roundForWire, toWireSample } from '../src/protocol/wire-sample.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const processes = Array.from({ length: 300 }, (_, i) =>
  makeProcess({ pid: 1000 + i, name: `p${i}`, cpu: (i % 7) / 3, rss: (i + 1) * 1_000_003 }),
);
const sample = makeSample({ time: 1_700_000_000_123, processes, cpuBusy: 33.333333333 });

describe('toWireSample', () => {
  it('carries only the selected processes: top N by CPU and by RSS', () => {
    const wire = toWireSample(sample, 5);
    const pids = new Set(wire.processes.map((p) => p.pid));
    expect(pids.size).toBeLessThanOrEqual(10);
    expect(pids.has(1299)).toBe(true); // largest RSS
    expect(wire.processes.length).toBeGreaterThanOrEqual(5);
  });

  it('keeps a process that carries spike evidence even outside the top', () => {
    const exited = makeProcess({ pid: 5, name: 'short-lived', cpu: 0, rss: 1, exited: true });
    const wire = toWireSample(makeSample({ time: 1, processes: [...processes, exited] }), 3);
    expect(wire.processes.map((p) => p.pid)).toContain(5);
  });

  it('rounds fractions to two decimals and leaves integers and times alone', () => {
    const wire = toWireSample(sample, 15);
    expect(wire.time).toBe(1_700_000_000_123);
    expect(wire.cpu.total.busy).toBe(33.33);
    expect(wire.cpu.total.user).toBe(23.33);
    expect(wire.memory.used).toBe(sample.memory.used);
    for (const p of wire.processes) expect(Math.round(p.memPercent * 100)).toBeCloseTo(p.memPercent * 100, 6);
  });

  it('does not touch its input and shares the host facts', () => {
    const before = JSON.stringify(sample);
    const wire = toWireSample(sample);
    expect(JSON.stringify(sample)).toBe(before);
    expect(wire.host).toBe(sample.host);
  });

  it('rounds half away from zero at the second decimal', () => {
    expect(roundForWire(1.005 + 1e-9)).toBe(1.01);
    expect(roundForWire(-2.4449)).toBe(-2.44);
    expect(roundForWire(7)).toBe(7);
  });

  it('turns readings JSON cannot carry into 0', () => {
    expect(roundForWire(Number.NaN)).toBe(0);
    expect(roundForWire(Infinity)).toBe(0);
  });
});
