import { describe, expect, it } from 'vitest';
import { SpikeAttribution } from '../src/analysis/attribution.js';
import { validateSample } from '../src/protocol/wire-decode.js';
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

  it('says what it left out, and that survives the wire: a viewer tells "not sent" from "exited"', () => {
    const busy = makeProcess({ pid: 1, name: 'burn', cpu: 150, rss: 1 });
    const calm = { ...busy, cpu: 0.2 };
    const host = { ...sample.host, monitorPid: 4242 };
    const travel = (s: typeof sample) => validateSample(JSON.parse(JSON.stringify(toWireSample({ ...s, host }, 3))), 'sample');
    const during = travel(makeSample({ time: 2000, processes: [...processes, busy] }));
    // Calm again: it falls out of the selection, still alive.
    const after = travel(makeSample({ time: 3000, processes: [...processes, calm] }));
    expect(after.processes.map((p) => p.pid)).not.toContain(1);
    expect(after.omitted).toMatchObject({ count: expect.any(Number) as number, maxRss: expect.any(Number) as number });
    expect(after.host.monitorPid).toBe(4242);
    const a = new SpikeAttribution('cpu', travel(makeSample({ time: 1000, processes })));
    a.add(during);
    a.add(after);
    expect(a.culprits()[0]).toMatchObject({ pid: 1, name: 'burn' });
    expect(a.culprits()[0]?.exited).toBeUndefined();
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
