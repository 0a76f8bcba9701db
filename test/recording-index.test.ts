import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeSpikes, readIndexOfFile } from '../src/store/recording-index.js';
import { FrameType, encodeFrame } from '../src/store/record-format.js';
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
