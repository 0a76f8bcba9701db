import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessStats, Sample } from '../src/core/sample.js';
import { Codec, FrameType, encodeFrame, encodeHeader, samplePayload } from '../src/store/record-format.js';
import type { NamedField } from '../src/core/field-table.js';
import { RECORD_FIELDS, readDeclaration } from '../src/store/process-records.js';
import { ByteReader, ByteWriter } from '../src/store/varint.js';
import { SampleDecoder, SampleEncoder } from '../src/store/sample-codec.js';
import { openRecording } from '../src/store/recording-reader.js';
import { quantiseSample } from '../src/store/quantise.js';
import { GOLDEN_HOST, goldenSamples } from './fixtures/store/golden/golden-samples.js';
import { tempDir } from './fixtures/store/recording-files.js';

/** A newer tmon's schema: one more field of every kind, and the known fields in another order. */
const NEWER_FIELDS: NamedField[] = [
  { name: 'gpu', type: 'number', quantum: 'cpu', unit: '% of one GPU', optional: true, since: 4 },
  ...[...RECORD_FIELDS].reverse(),
  { name: 'container', type: 'string', unit: 'container name', optional: false, since: 4 },
  { name: 'frozen', type: 'boolean', unit: 'cgroup frozen', optional: true, since: 4 },
  { name: 'sandboxed', type: 'flag', unit: 'in a sandbox', optional: true, since: 4 },
  { name: 'ioBytes', type: 'number', quantum: 'rate', unit: 'B/s', optional: false, since: 4, delta: true },
];

/** The golden samples as a newer collector would fill them, the extra fields changing from sample to sample. */
function newerSamples(): Sample[] {
  return goldenSamples().map((s, i) => ({
    ...s,
    processes: s.processes.map((p) => ({
      ...p,
      gpu: i === 2 ? undefined : 10 * i + p.pid / 100,
      container: i < 3 ? 'web' : `web-${p.pid}`,
      frozen: i % 2 === 0,
      sandboxed: i >= 1 ? true : undefined,
      ioBytes: 1000 * i + p.pid,
    })),
  }));
}

function encodeAll(samples: Sample[], fields?: NamedField[]): { time: number; key: boolean; body: Buffer }[] {
  const enc = new SampleEncoder(GOLDEN_HOST, fields ? { processFields: fields } : {});
  return samples.map((s, i) => ({ time: s.time, key: i % 3 === 0, body: enc.encode(s, i % 3 === 0) }));
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('process records of a newer schema', () => {
  it('decode to the fields this tmon knows, skipping the others by their declared kind', () => {
    const dec = new SampleDecoder(GOLDEN_HOST);
    const back = encodeAll(newerSamples(), NEWER_FIELDS).map((f) => dec.decode(f.body, f.time, f.key));
    expect(back).toEqual(goldenSamples().map(quantiseSample));
  });

  it('in a recording file open with this reader', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'newer.tmon');
    const frames = encodeAll(newerSamples(), NEWER_FIELDS).map((f) =>
      encodeFrame(f.key ? FrameType.KEY : FrameType.DELTA, Codec.STORED, samplePayload(f.time, f.body)),
    );
    writeFileSync(path, Buffer.concat([encodeHeader({ tmon: '9.0.0', host: GOLDEN_HOST, intervalMs: 1000, created: 0 }), ...frames]));
    const rec = await openRecording(path);
    const samples = rec.slice(0, rec.length);
    await rec.close();
    expect(samples).toEqual(goldenSamples().map(quantiseSample));
  });
});

describe('a field this schema requires that a file does not declare', () => {
  it('reads as zero, empty or false rather than refusing the file', () => {
    const without: NamedField[] = RECORD_FIELDS.filter((f) => f.name !== 'threads' && f.name !== 'user' && f.name !== 'kernelThread');
    const dec = new SampleDecoder(GOLDEN_HOST);
    const back = encodeAll(goldenSamples(), without).map((f) => dec.decode(f.body, f.time, f.key));
    const expected = goldenSamples()
      .map(quantiseSample)
      .map((s) => ({ ...s, processes: s.processes.map((p): ProcessStats => ({ ...p, threads: 0, user: '', kernelThread: false })) }));
    expect(back).toEqual(expected);
  });
});

describe('a layout whose record bits would pass 2^53', () => {
  // 27 optional booleans: a presence and a value bit each, 54 in all.
  const wide: NamedField[] = Array.from({ length: 27 }, (_, i) => ({ name: `b${i}`, type: 'boolean', unit: 'test', optional: true, since: 4 }));

  it('is refused by the writer', () => {
    expect(() => new SampleEncoder(GOLDEN_HOST, { processFields: wide })).toThrow(/54 bits/);
  });

  it('is refused by the reader when a file declares it', () => {
    const w = new ByteWriter();
    w.uint(wide.length);
    for (const f of wide) {
      w.string(f.name);
      w.uint(2 | 4); // boolean, optional
    }
    expect(() => readDeclaration(new ByteReader(w.toBuffer()))).toThrow(/54 bits/);
  });

  it('one bit fewer is accepted', () => {
    expect(() => new SampleEncoder(GOLDEN_HOST, { processFields: [...wide.slice(1), { name: 'f', type: 'flag', unit: 'test', optional: true, since: 4 }] })).not.toThrow();
  });
});
