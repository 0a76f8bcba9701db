import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../src/core/errors.js';
import { openRecording } from '../src/store/recording-reader.js';
import { quantiseSample } from '../src/store/quantise.js';
import { READABLE_FORMAT_VERSION, FrameType, encodeHeader } from '../src/store/record-format.js';
import { tmonVersion } from '../src/version.js';
import { TEST_HOST } from './helpers/make-sample.js';
import { makeSpike, rng, variedSamples } from './fixtures/store/varied-samples.js';
import { framesOf, stripTrailer, tempDir, writeRecording } from './fixtures/store/recording-files.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const SAMPLES = variedSamples(150, { seed: 5 });
const EXPECTED = SAMPLES.map(quantiseSample);
const SPIKES = [makeSpike(SAMPLES[20]!.time), makeSpike(SAMPLES[100]!.time, 'cpu')];

async function recorded(name = 'r.tmon'): Promise<string> {
  const path = join(tmp.dir, name);
  await writeRecording(path, SAMPLES, { keyframeEvery: 40, spikes: SPIKES });
  return path;
}

function flip(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] = (bytes[offset] as number) ^ 0x5a;
  writeFileSync(path, bytes);
}

describe('openRecording: round trip', () => {
  it('reads back every field of every sample, across keyframe groups, with header and spikes', async () => {
    const rec = await openRecording(await recorded());
    expect(rec.length).toBe(150);
    for (let i = 0; i < rec.length; i++) expect(rec.at(i)).toStrictEqual(EXPECTED[i]);
    expect(rec.header).toMatchObject({ tmon: tmonVersion(), host: TEST_HOST, intervalMs: 1000 });
    expect(rec.spikes()).toEqual(SPIKES);
    expect(rec.warnings).toEqual([]);
    expect(rec.at(-1)).toBeUndefined();
    expect(rec.at(150)).toBeUndefined();
    await rec.close();
  });

  it('slices across groups and finds indexes by time', async () => {
    const rec = await openRecording(await recorded());
    expect(rec.slice(35, 85)).toStrictEqual(EXPECTED.slice(35, 85));
    expect(rec.slice(-5, 3)).toHaveLength(3);
    expect(rec.slice(140, 999)).toHaveLength(10);
    const t = (i: number): number => SAMPLES[i]!.time;
    expect(rec.indexAtTime(t(0) - 5000)).toBe(0);
    expect(rec.indexAtTime(t(77))).toBe(77);
    expect(rec.indexAtTime(t(77) + 500)).toBe(77);
    expect(rec.indexAtTime(t(80) - 1)).toBe(79);
    expect(rec.indexAtTime(t(149) + 1e6)).toBe(149);
  });

  it('reads a file without an index trailer (recorder killed) the same way, by scanning', async () => {
    const path = await recorded();
    stripTrailer(path);
    const rec = await openRecording(path);
    expect(rec.length).toBe(150);
    expect(rec.slice(0, 150)).toStrictEqual(EXPECTED);
    expect(rec.spikes()).toEqual(SPIKES);
    expect(rec.warnings).toEqual([]);
  });
});

describe('openRecording: damage', () => {
  it('reads every complete frame of a file cut anywhere inside its last frame, with a warning', async () => {
    const path = await recorded();
    stripTrailer(path);
    const frames = framesOf(path);
    const last = frames[frames.length - 1]!;
    expect(last.type).toBe(FrameType.SPIKE);
    const lastSample = frames.filter((f) => f.type === FrameType.DELTA).pop()!;
    const rand = rng(42);
    const whole = readFileSync(path);
    for (let k = 0; k < 6; k++) {
      const cutAt = lastSample.offset + 1 + Math.floor(rand() * (lastSample.end - lastSample.offset - 1));
      const cut = join(tmp.dir, `cut${k}.tmon`);
      writeFileSync(cut, whole.subarray(0, cutAt));
      const rec = await openRecording(cut);
      expect(rec.length, `cut at ${cutAt}`).toBe(149);
      expect(rec.at(148)).toStrictEqual(EXPECTED[148]);
      expect(rec.spikes()).toEqual([]);
      expect(rec.warnings.join('\n')).toMatch(/incomplete frame/);
    }
  });

  it('skips a corrupt frame in the middle and the rest of its group, reading everything else', async () => {
    const path = await recorded();
    stripTrailer(path);
    const samplesAt = framesOf(path).filter((f) => f.type === FrameType.KEY || f.type === FrameType.DELTA);
    // Sample 50 is the 11th of the second group (40..79): 50..79 cannot be applied without it.
    flip(path, samplesAt[50]!.offset + 30);
    const rec = await openRecording(path);
    expect(rec.length).toBe(150 - 30);
    expect(rec.slice(0, 50)).toStrictEqual(EXPECTED.slice(0, 50));
    expect(rec.slice(50, 120)).toStrictEqual(EXPECTED.slice(80, 150));
    expect(rec.warnings).toHaveLength(1);
    expect(rec.warnings[0]).toMatch(/damaged bytes at offset \d+ skipped; 29 samples after it skipped until the next keyframe/);
    expect(rec.spikes()).toEqual(SPIKES);
  });

  it('resynchronises after a corrupt length field and a corrupt keyframe', async () => {
    const path = await recorded();
    stripTrailer(path);
    const samplesAt = framesOf(path).filter((f) => f.type === FrameType.KEY || f.type === FrameType.DELTA);
    flip(path, samplesAt[10]!.offset + 6);
    flip(path, samplesAt[80]!.offset + 4);
    const rec = await openRecording(path);
    expect(rec.length).toBe(10 + 40 + 30);
    expect(rec.slice(0, 10)).toStrictEqual(EXPECTED.slice(0, 10));
    expect(rec.slice(10, 50)).toStrictEqual(EXPECTED.slice(40, 80));
    expect(rec.slice(50, 80)).toStrictEqual(EXPECTED.slice(120, 150));
    expect(rec.warnings).toHaveLength(2);
  });

  it('in a cleanly closed file damaged later, finds the damage when decoding and reads the other groups', async () => {
    const path = await recorded();
    const samplesAt = framesOf(path).filter((f) => f.type === FrameType.KEY || f.type === FrameType.DELTA);
    flip(path, samplesAt[95]!.offset + 25);
    const rec = await openRecording(path);
    expect(rec.length).toBe(150);
    expect(rec.warnings).toEqual([]);
    expect(rec.slice(0, 95)).toStrictEqual(EXPECTED.slice(0, 95));
    expect(rec.at(95)).toBeUndefined();
    expect(rec.at(119)).toBeUndefined();
    expect(rec.at(120)).toStrictEqual(EXPECTED[120]);
    expect(rec.warnings).toHaveLength(1);
    expect(rec.warnings[0]).toMatch(/25 samples from .* unreadable/);
  });
});

describe('openRecording: bad files', () => {
  it('says a foreign file is not a tmon recording', async () => {
    const png = join(tmp.dir, 'cat.png');
    writeFileSync(png, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]));
    await expect(openRecording(png)).rejects.toThrow(new UserError(`${png} is not a tmon recording`));
    const text = join(tmp.dir, 'notes.txt');
    writeFileSync(text, 'just some text\n');
    await expect(openRecording(text)).rejects.toThrow(`${text} is not a tmon recording`);
  });

  it('names both format versions for a file from a newer tmon', async () => {
    const path = await recorded();
    const bytes = readFileSync(path);
    bytes.writeUInt16LE(READABLE_FORMAT_VERSION + 4, 8);
    const headerEnd = 14 + bytes.readUInt32LE(10);
    bytes.writeUInt32LE(crc32(bytes.subarray(8, headerEnd)), headerEnd);
    writeFileSync(path, bytes);
    const err = await openRecording(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      `${path} was written by a newer tmon (format ${READABLE_FORMAT_VERSION + 4}, this tmon reads up to ${READABLE_FORMAT_VERSION}): upgrade tmon`,
    );
  });

  it('opens empty, header-only and cut-in-the-header files with no samples', async () => {
    const empty = join(tmp.dir, 'empty.tmon');
    writeFileSync(empty, '');
    expect((await openRecording(empty)).length).toBe(0);
    const headerOnly = join(tmp.dir, 'header.tmon');
    const header = encodeHeader({ tmon: '0.1.0', host: TEST_HOST, intervalMs: 1000, created: 1 });
    writeFileSync(headerOnly, header);
    const rec = await openRecording(headerOnly);
    expect(rec.length).toBe(0);
    expect(rec.indexAtTime(5)).toBe(-1);
    expect(rec.slice(0, 10)).toEqual([]);
    expect(rec.header.host).toEqual(TEST_HOST);
    const closedEmpty = join(tmp.dir, 'closed.tmon');
    await writeRecording(closedEmpty, []);
    expect((await openRecording(closedEmpty)).length).toBe(0);
    const torn = join(tmp.dir, 'torn.tmon');
    writeFileSync(torn, header.subarray(0, 20));
    const tornRec = await openRecording(torn);
    expect(tornRec.length).toBe(0);
    expect(tornRec.warnings.join()).toMatch(/header is incomplete/);
  });

  it('says clearly when the file does not exist', async () => {
    await expect(openRecording(join(tmp.dir, 'nope.tmon'))).rejects.toThrow(/nope\.tmon: no such file or directory/);
  });
});

describe('openRecording: a directory', () => {
  it('reads the recordings in it as one timeline in time order, skipping foreign files with a warning', async () => {
    const dir = join(tmp.dir, 'store');
    mkdirSync(dir);
    // Written out of order on purpose: the timeline orders files by their first sample.
    await writeRecording(join(dir, 'tmon-b.tmon'), SAMPLES.slice(100), { keyframeEvery: 30, spikes: [SPIKES[1]!] });
    await writeRecording(join(dir, 'tmon-a.tmon'), SAMPLES.slice(50, 100), { keyframeEvery: 30 });
    await writeRecording(join(dir, 'tmon-0.tmon'), SAMPLES.slice(0, 50), { keyframeEvery: 30, spikes: [SPIKES[0]!] });
    writeFileSync(join(dir, 'junk.tmon'), 'not a recording');
    writeFileSync(join(dir, 'README'), 'ignored: not *.tmon');
    copyFileSync(join(dir, 'tmon-a.tmon'), join(dir, 'zz-copy.tmon.bak'));
    const rec = await openRecording(dir);
    expect(rec.length).toBe(150);
    expect(rec.slice(0, 150)).toStrictEqual(EXPECTED);
    expect(rec.files.map((f) => f.slice(dir.length + 1))).toEqual(['tmon-0.tmon', 'tmon-a.tmon', 'tmon-b.tmon']);
    expect(rec.spikes()).toEqual(SPIKES);
    expect(rec.indexAtTime(SAMPLES[120]!.time)).toBe(120);
    expect(rec.warnings).toEqual(['junk.tmon is not a tmon recording: skipped']);
  });

  it('says so when a directory holds no recordings', async () => {
    await expect(openRecording(tmp.dir)).rejects.toThrow(/holds no tmon recordings/);
  });
});
