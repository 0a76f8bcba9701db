import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { SampleDecoder, SampleEncoder } from '../src/store/sample-codec.js';
import { SYSTEM_OPTIONAL, systemLine } from '../src/store/system-fields.js';
import { quantiseSample } from '../src/store/quantise.js';
import { Codec, FrameType, encodeFrame, encodeHeader, samplePayload } from '../src/store/record-format.js';
import { openRecording } from '../src/store/recording-reader.js';
import { GOLDEN_HOST, goldenSamples } from './fixtures/store/golden/golden-samples.js';
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
    const samples = variedSamples(120, { seed: 11, systemExtras: true });
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

  it('carries filesystem available bytes and PSI totals where set, also when they come and go inside a group', () => {
    const samples = [0, 1, 2, 3].map((i) => makeSample({ time: 1e12 + i * 1000 }));
    const withNew = (s: Sample, avail: number | undefined, cpuSome: number | undefined): Sample => ({
      ...s,
      filesystems: s.filesystems.map((f) => ({ ...f, ...(avail === undefined ? {} : { availBytes: avail }) })),
      pressure: { ...s.pressure, ...(cpuSome === undefined ? {} : { cpuSomeSeconds: cpuSome, ioFullSeconds: 2.0005 }) },
    });
    const sent = [withNew(samples[0] as Sample, 5e9, 100.1234), withNew(samples[1] as Sample, undefined, 100.5), withNew(samples[2] as Sample, 0, undefined), withNew(samples[3] as Sample, 4e9 + 1, 101)];
    const { decoded } = roundTrip(sent, 60);
    decoded.forEach((d, i) => expect(d).toStrictEqual(quantiseSample(sent[i] as Sample)));
    expect(decoded.map((d) => [d.filesystems[0]?.availBytes, d.pressure.cpuSomeSeconds, d.pressure.ioFullSeconds])).toEqual([
      [5e9, 100.123, 2.001],
      [undefined, 100.5, 2.001],
      [0, undefined, undefined],
      [4e9 + 1, 101, 2.001],
    ]);
  });

  it('carries probe results: targets coming and going, up and down, round trips where answered; why one is down is not stored', () => {
    const base = [0, 1, 2, 3, 4].map((i) => makeSample({ time: 1e12 + i * 1000 }));
    const tcp = (up: boolean, ms?: number): NonNullable<Sample['probes']>[number] => ({ target: 'tcp://db:5432', up, ...(ms === undefined ? {} : { ms }), ...(up ? {} : { error: 'ECONNREFUSED' }) });
    const web = { target: 'https://example.com/health', up: true, ms: 41.237, ttfbMs: 30.5, status: 200 };
    const sent: Sample[] = [
      { ...(base[0] as Sample), probes: [tcp(true, 0.183)] },
      { ...(base[1] as Sample), probes: [tcp(false), web] },
      base[2] as Sample,
      { ...(base[3] as Sample), probes: [web, tcp(true, 12)] },
      { ...(base[4] as Sample), probes: [web, { ...tcp(false), status: 503 }] },
    ];
    const { decoded } = roundTrip(sent, 60);
    decoded.forEach((d, i) => expect(d).toStrictEqual(quantiseSample(sent[i] as Sample)));
    expect(decoded.map((d) => d.probes?.map((p) => [p.target.slice(0, 3), p.up, p.ms, p.status, p.error]))).toEqual([
      [['tcp', true, 0.18, undefined, undefined]],
      [['tcp', false, undefined, undefined, undefined], ['htt', true, 41.24, 200, undefined]],
      undefined,
      [['htt', true, 41.24, 200, undefined], ['tcp', true, 12, undefined, undefined]],
      [['htt', true, 41.24, 200, undefined], ['tcp', false, undefined, 503, undefined]],
    ]);
  });

  it('opens what a newer tmon writes: unknown optional system fields, once per sample and per filesystem, are skipped', () => {
    const perSample = systemLine('pressure', 'sample', { name: 'irqFullSeconds', type: 'number', quantum: 'seconds', unit: 's', optional: true, since: 5 });
    const perFs = systemLine('filesystems', 'filesystem', { name: 'filesFree', type: 'number', quantum: 'exact', unit: 'inodes', optional: true, since: 5 });
    // A newer tmon's own order: its fields first, the known ones after them and reversed.
    const newer = new SampleEncoder(TEST_HOST, { systemOptional: [perFs, perSample, ...[...SYSTEM_OPTIONAL].reverse()] });
    const dec = new SampleDecoder(TEST_HOST);
    const base = variedSamples(8, { seed: 5, systemExtras: true });
    const sent = base.map((s, i) => ({
      ...s,
      pressure: { ...s.pressure, ...(i === 2 ? {} : { irqFullSeconds: 7 + i }) },
      filesystems: s.filesystems.map((f, k) => ({ ...f, filesFree: 1000 * k + i })),
      // The last sample carries no field of this tmon's: the unknown ones alone make its optional values.
      ...(i === 7 ? { memory: { ...s.memory, limit: undefined, oomKills: undefined, limitHits: undefined } } : {}),
    }));
    const decoded = sent.map((s, i) => dec.decode(newer.encode(s, i % 4 === 0), s.time, i % 4 === 0));
    // Every known field reads as sent (quantiseSample keeps only the fields this tmon knows): the unknown ones' bytes were skipped.
    decoded.forEach((d, i) => expect(d).toStrictEqual(quantiseSample(sent[i] as Sample)));
    expect(decoded.some((d) => d.filesystems.some((f) => f.availBytes !== undefined))).toBe(true);
    expect(decoded.some((d) => d.pressure.cpuSomeSeconds !== undefined)).toBe(true);
  });

  it('opens a recording file a newer tmon wrote with unknown optional system fields, reading the known ones', async () => {
    const extra = systemLine('memory', 'sample', { name: 'swapLimit', type: 'number', quantum: 'kib', unit: 'bytes', optional: true, since: 5 });
    const newer = new SampleEncoder(GOLDEN_HOST, { systemOptional: [...SYSTEM_OPTIONAL, extra] });
    const samples = goldenSamples().map((s, i) => ({
      ...s,
      memory: { ...s.memory, swapLimit: (i + 1) << 30 },
      pressure: { ...s.pressure, cpuSomeSeconds: 40 + i / 3 },
      filesystems: s.filesystems.map((f) => ({ ...f, availBytes: f.sizeBytes - f.usedBytes - 4096 })),
    }));
    const frames = samples.map((s, i) => encodeFrame(i % 3 === 0 ? FrameType.KEY : FrameType.DELTA, Codec.STORED, samplePayload(s.time, newer.encode(s, i % 3 === 0))));
    const dir = mkdtempSync(join(tmpdir(), 'tmon-newer-'));
    try {
      const path = join(dir, 'newer.tmon');
      writeFileSync(path, Buffer.concat([encodeHeader({ tmon: '9.0.0', host: GOLDEN_HOST, intervalMs: 1000, created: 0 }), ...frames]));
      const rec = await openRecording(path);
      const back = rec.slice(0, rec.length);
      expect(rec.warnings).toEqual([]);
      await rec.close();
      expect(back).toEqual(samples.map(quantiseSample));
      expect(back.map((d) => [d.pressure.cpuSomeSeconds, d.filesystems[0]?.availBytes, 'swapLimit' in d.memory])).toEqual(
        samples.map((s) => [Math.round((s.pressure.cpuSomeSeconds as number) * 1000) / 1000, (s.filesystems[0]?.availBytes as number), false]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a declared optional system field of a kind it cannot size', () => {
    const body = new SampleEncoder(TEST_HOST).encode(makeSample({ time: 1e12 }), true);
    const name = Buffer.from('memory.limit');
    const at = body.indexOf(name) + name.length;
    expect(body[at]).toBe(0);
    body[at] = 9;
    expect(() => new SampleDecoder(TEST_HOST).decode(body, 1e12, true)).toThrow(/optional system field memory.limit of unknown kind 9/);
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
