import { describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { MEMORY_OPTIONAL, SampleDecoder, SampleEncoder } from '../src/store/sample-codec.js';
import { quantiseSample } from '../src/store/quantise.js';
import { TEST_HOST, makeProcess, makeSample } from './helpers/make-sample.js';
import { variedSamples } from './fixtures/store/varied-samples.js';

function roundTrip(samples: Sample[], keyframeEvery: number): { decoded: Sample[]; bytes: number[] } {
  const enc = new SampleEncoder(TEST_HOST);
  const dec = new SampleDecoder(TEST_HOST);
  const decoded: Sample[] = [];
  const bytes: number[] = [];
  samples.forEach((s, i) => {
    const key = i % keyframeEvery === 0;
    const body = enc.encode(s, key);
    bytes.push(body.length);
    decoded.push(dec.decode(body, s.time, key));
  });
  return { decoded, bytes };
}

describe('sample codec', () => {
  it('decodes every field of every sample as quantiseSample says, across keyframe groups', () => {
    const samples = variedSamples(120, { seed: 11 });
    const { decoded } = roundTrip(samples, 25);
    decoded.forEach((d, i) => expect(d).toStrictEqual(quantiseSample(samples[i] as Sample)));
  });

  it('carries the virtual flag of net interfaces, also when only the flags change', () => {
    const withNet = (time: number, net: Sample['net']): Sample => ({ ...makeSample({ time }), net });
    const samples = [
      withNet(1e12, [{ name: 'eth0', rxBytesPerSec: 5, txBytesPerSec: 6 }]),
      withNet(1e12 + 1000, [
        { name: 'eth0', rxBytesPerSec: 5, txBytesPerSec: 6 },
        { name: 'docker0', rxBytesPerSec: 7, txBytesPerSec: 8, virtual: true },
      ]),
      withNet(1e12 + 2000, [
        { name: 'eth0', rxBytesPerSec: 5, txBytesPerSec: 6 },
        { name: 'docker0', rxBytesPerSec: 7, txBytesPerSec: 8 },
      ]),
      withNet(1e12 + 3000, [{ name: 'veth0', rxBytesPerSec: 1, txBytesPerSec: 2, virtual: true }]),
    ];
    const { decoded } = roundTrip(samples, 3);
    expect(decoded.map((d) => d.net)).toStrictEqual(samples.map((s) => quantiseSample(s).net));
    expect(decoded[1]?.net[1]?.virtual).toBe(true);
    expect(decoded[2]?.net[1]).not.toHaveProperty('virtual');
  });

  it('carries the memory cgroup fields where set, also when they come and go inside a group', () => {
    const samples = [0, 1, 2, 3, 4].map((i) => makeSample({ time: 1e12 + i * 1000 }));
    const limited = (s: Sample, extra: Partial<Sample['memory']>): Sample => ({ ...s, memory: { ...s.memory, total: 64 << 20, ...extra } });
    samples[0] = limited(samples[0] as Sample, { limit: 64 << 20 });
    samples[1] = limited(samples[1] as Sample, { limit: 64 << 20, oomKills: 1, limitHits: 40 });
    samples[3] = limited(samples[3] as Sample, { limit: 32 << 20, limitHits: 2 });
    const { decoded } = roundTrip(samples, 60);
    decoded.forEach((d, i) => expect(d).toStrictEqual(quantiseSample(samples[i] as Sample)));
    expect(decoded.map((d) => [d.memory.limit, d.memory.oomKills, d.memory.limitHits])).toEqual([
      [64 << 20, undefined, undefined],
      [64 << 20, 1, 40],
      [undefined, undefined, undefined],
      [32 << 20, undefined, 2],
      [undefined, undefined, undefined],
    ]);
  });

  it('skips optional memory fields a newer tmon appends, also the only one set', () => {
    const newer = new SampleEncoder(TEST_HOST, {
      memoryOptional: [...MEMORY_OPTIONAL, { name: 'swapLimit', type: 'number', quantum: 'kib', unit: 'bytes', optional: true, since: 4 }],
    });
    const dec = new SampleDecoder(TEST_HOST);
    const samples = [0, 1, 2].map((i) => makeSample({ time: 1e12 + i * 1000 }));
    const memory = (s: Sample, extra: object): Sample => ({ ...s, memory: { ...s.memory, ...extra } });
    const sent = [
      memory(samples[0] as Sample, { swapLimit: 1 << 30 }),
      memory(samples[1] as Sample, { swapLimit: 1 << 30, limitHits: 3 }),
      memory(samples[2] as Sample, { limit: 64 << 20, oomKills: 2 }),
    ];
    const decoded = sent.map((s, i) => dec.decode(newer.encode(s, i === 0), s.time, i === 0));
    expect(decoded.map((d) => [d.memory.limit, d.memory.oomKills, d.memory.limitHits])).toEqual([
      [undefined, undefined, undefined],
      [undefined, undefined, 3],
      [64 << 20, 2, undefined],
    ]);
    // The rest of the sample reads as sent: the unknown field's bytes were skipped, not taken for the next ones.
    decoded.forEach((d, i) => expect(d).toStrictEqual(quantiseSample(sent[i] as Sample)));
  });

  it('carries a process being outside the limiting cgroup, in full records and when it flips inside a group', () => {
    const p = (outside: boolean) => makeProcess({ pid: 7, name: 'job', ...(outside ? { outside: true as const } : {}) });
    const samples = [true, true, false, true].map((o, i) => makeSample({ time: 1e12 + i * 1000, processes: [p(o), makeProcess({ pid: 8, name: 'mine' })] }));
    const { decoded } = roundTrip(samples, 60);
    decoded.forEach((d, i) => expect(d).toStrictEqual(quantiseSample(samples[i] as Sample)));
    expect(decoded.map((d) => d.processes.map((q) => q.outside))).toEqual([
      [true, undefined],
      [true, undefined],
      [undefined, undefined],
      [true, undefined],
    ]);
  });

  it('holds only what changed in a delta: an idle process table costs almost nothing', () => {
    const procs = Array.from({ length: 500 }, (_, i) => makeProcess({ pid: 1000 + i, name: `sleeper`, cmd: 'sleep 1000' }));
    const samples = [0, 1, 2].map((i) => makeSample({ time: 1e12 + i * 1000, processes: procs }));
    const { bytes, decoded } = roundTrip(samples, 60);
    expect(bytes[0]).toBeGreaterThan(500 * 5);
    expect(bytes[1]).toBeLessThan(120);
    expect(decoded[2]?.processes).toHaveLength(500);
  });

  it('reuses the decoded object of a process that did not change', () => {
    const p = makeProcess({ pid: 5, name: 'a' });
    const q = makeProcess({ pid: 6, name: 'b' });
    const samples = [
      makeSample({ time: 1, processes: [p, q] }),
      makeSample({ time: 2, processes: [p, { ...q, cpu: 50 }] }),
    ];
    const { decoded } = roundTrip(samples, 60);
    expect(decoded[1]?.processes[0]).toBe(decoded[0]?.processes[0]);
    expect(decoded[1]?.processes[1]?.cpu).toBe(50);
  });

  it('refuses a delta without a keyframe and a body with trailing bytes', () => {
    const [a, b] = variedSamples(2);
    const enc = new SampleEncoder(TEST_HOST);
    enc.encode(a as Sample, true);
    const delta = enc.encode(b as Sample, false);
    expect(() => new SampleDecoder(TEST_HOST).decode(delta, 0, false)).toThrow(RangeError);
    const key = new SampleEncoder(TEST_HOST).encode(a as Sample, true);
    expect(() => new SampleDecoder(TEST_HOST).decode(Buffer.concat([key, Buffer.from([0])]), 0, true)).toThrow(RangeError);
  });
});
