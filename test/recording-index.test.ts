import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_SPIKE_METRICS, type Spike } from '../src/core/spike.js';
import { mergeSpikes, readIndexOfFile } from '../src/store/recording-index.js';
import { Codec, FrameType, encodeFrame, endPayload } from '../src/store/record-format.js';
import { makeSpike, variedSamples } from './fixtures/store/varied-samples.js';
import { framesOf, stripTrailer, tempDir, writeRecording } from './fixtures/store/recording-files.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const SAMPLES = variedSamples(50, { seed: 2 });

describe('readIndex', () => {
  it('takes a cleanly closed file index from its trailer and finds the same by scanning', async () => {
    const path = join(tmp.dir, 'a.tmon');
    await writeRecording(path, SAMPLES, { keyframeEvery: 20, spikes: [makeSpike(SAMPLES[1]!.time), makeSpike(SAMPLES[40]!.time, 'cpu')] });
    const trailer = readIndexOfFile(path);
    expect(trailer.source).toBe('trailer');
    expect(trailer.groups.map((g) => g.count)).toEqual([20, 20, 10]);
    expect(trailer.groups.map((g) => g.firstTime)).toEqual([SAMPLES[0]!.time, SAMPLES[20]!.time, SAMPLES[40]!.time]);
    expect(trailer.groups[2]?.lastTime).toBe(SAMPLES[49]!.time);
    stripTrailer(path);
    const scan = readIndexOfFile(path);
    expect(scan.source).toBe('scan');
    expect(scan.groups).toEqual(trailer.groups);
    expect(scan.spikes).toEqual(trailer.spikes);
    expect(scan.dataEnd).toBe(readFileSync(path).length);
    expect(trailer.dataEnd).toBe(scan.dataEnd);
  });

  it('ignores a trailer that no longer ends the file and skips an unreadable spike record', async () => {
    const path = join(tmp.dir, 'b.tmon');
    await writeRecording(path, SAMPLES.slice(0, 10), { spikes: [makeSpike(SAMPLES[1]!.time)] });
    writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from('garbage after the trailer')]));
    const idx = readIndexOfFile(path);
    expect(idx.source).toBe('scan');
    expect(idx.groups.map((g) => g.count)).toEqual([10]);
    expect(idx.warnings.join()).toMatch(/incomplete frame/);
    expect(idx.spikes).toHaveLength(1);

    const other = join(tmp.dir, 'c.tmon');
    await writeRecording(other, SAMPLES.slice(0, 10));
    stripTrailer(other);
    writeFileSync(other, Buffer.concat([readFileSync(other), encodeFrame(FrameType.SPIKE, 0, Buffer.from('{"not":"a spike"}'))]));
    const withBad = readIndexOfFile(other);
    expect(withBad.spikes).toEqual([]);
    expect(withBad.warnings).toEqual([expect.stringMatching(/unreadable spike record at offset \d+/)]);
    expect(framesOf(other).at(-1)?.type).toBe(FrameType.SPIKE);
  });

  it('keeps the last version of a spike stored twice, in start order', () => {
    const a = makeSpike(2000);
    const b = makeSpike(1000);
    const a2 = { ...a, peak: 1 };
    expect(mergeSpikes([a, b, a2])).toEqual([b, a2]);
  });
});

/** A latency spike as the detector makes it: a target, no culprit. */
function latencySpike(start: number, target = 'http://127.0.0.1:8080/health'): Spike {
  return { id: `latency@${start}#0badc0de`, metric: 'latency', target, start, end: start + 2000, peak: 700, peakAt: start + 1000, min: 650, avg: 680, baseline: 3, severity: 'careful', culprits: [] };
}

/** The INDEX frame's JSON. */
function storedIndex(path: string): Record<string, unknown> {
  const index = framesOf(path).find((f) => f.type === FrameType.INDEX);
  return JSON.parse(inflateRawSync(index?.payload ?? Buffer.alloc(0)).toString('utf8')) as Record<string, unknown>;
}

describe('latency spikes in a recording', () => {
  it('round-trip with their target, through the trailer and by scanning, in start order among the others', async () => {
    const path = join(tmp.dir, 'lat.tmon');
    const spikes = [makeSpike(SAMPLES[1]!.time), latencySpike(SAMPLES[5]!.time), makeSpike(SAMPLES[9]!.time, 'cpu')];
    await writeRecording(path, SAMPLES.slice(0, 10), { spikes });
    const trailer = readIndexOfFile(path);
    expect(trailer.source).toBe('trailer');
    expect(trailer.warnings).toEqual([]);
    expect(trailer.spikes).toEqual(spikes);
    stripTrailer(path);
    const scan = readIndexOfFile(path);
    expect(scan.warnings).toEqual([]);
    expect(scan.spikes).toEqual(spikes);
  });

  it('are stored where a reader of format 4 from before them never looks, so it opens the file as before', async () => {
    const path = join(tmp.dir, 'old-reader.tmon');
    await writeRecording(path, SAMPLES.slice(0, 10), { spikes: [makeSpike(SAMPLES[1]!.time), latencySpike(SAMPLES[5]!.time)] });
    // That reader reads frame types 1 to 5 and skips the rest; it refuses a spike whose metric it does not know,
    // in a SPIKE frame (skipped with a warning) or in the index's `spikes` (the whole index dropped for a scan).
    const frames = framesOf(path);
    const spikeFrames = frames.filter((f) => f.type === FrameType.SPIKE).map((f) => JSON.parse(f.payload.toString('utf8')) as Spike);
    expect(spikeFrames.map((x) => x.metric)).toEqual(['memory']);
    const newer = frames.filter((f) => f.type === FrameType.NEWER_SPIKE).map((f) => JSON.parse(f.payload.toString('utf8')) as Spike);
    expect(newer.map((x) => x.target)).toEqual(['http://127.0.0.1:8080/health']);
    expect(FrameType.NEWER_SPIKE).toBeGreaterThan(5);
    const stored = storedIndex(path);
    expect((stored['spikes'] as Spike[]).every((x) => FIRST_SPIKE_METRICS.includes(x.metric))).toBe(true);
    expect((stored['newerSpikes'] as Spike[]).map((x) => x.metric)).toEqual(['latency']);
    // A file with none writes no `newerSpikes`: byte for byte what the tmon before wrote.
    const plain = join(tmp.dir, 'plain.tmon');
    await writeRecording(plain, SAMPLES.slice(0, 10), { spikes: [makeSpike(SAMPLES[1]!.time)] });
    expect(Object.keys(storedIndex(plain)).sort()).toEqual(['groups', 'spikes', 'v', 'warnings']);
  });

  it('skips quietly a newer spike of a metric a later tmon added, keeping the trailer', async () => {
    const path = join(tmp.dir, 'later.tmon');
    await writeRecording(path, SAMPLES.slice(0, 10), { spikes: [latencySpike(SAMPLES[5]!.time)] });
    const later = { ...latencySpike(SAMPLES[6]!.time), id: 'gpu@1', metric: 'gpu' };
    // In the index: the trailer still holds.
    const stored = storedIndex(path);
    const withLater = { ...stored, newerSpikes: [...(stored['newerSpikes'] as unknown[]), later] };
    stripTrailer(path);
    const dataEnd = readFileSync(path).length;
    const index = encodeFrame(FrameType.INDEX, Codec.DEFLATE, deflateRawSync(Buffer.from(JSON.stringify(withLater))));
    writeFileSync(path, Buffer.concat([readFileSync(path), index, encodeFrame(FrameType.END, Codec.STORED, endPayload(dataEnd))]));
    const idx = readIndexOfFile(path);
    expect(idx.source).toBe('trailer');
    expect(idx.spikes.map((x) => x.metric)).toEqual(['latency']);
    // In a frame, found by scanning: no warning either.
    stripTrailer(path);
    writeFileSync(path, Buffer.concat([readFileSync(path), encodeFrame(FrameType.NEWER_SPIKE, Codec.STORED, Buffer.from(JSON.stringify(later)))]));
    const scan = readIndexOfFile(path);
    expect(scan.warnings).toEqual([]);
    expect(scan.spikes.map((x) => x.metric)).toEqual(['latency']);
  });
});
