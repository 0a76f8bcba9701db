import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeGroup } from '../src/store/group-decode.js';
import { quantiseSample } from '../src/store/quantise.js';
import { readIndexOfFile } from '../src/store/recording-index.js';
import { RecordingWriter } from '../src/store/recording-writer.js';
import { TEST_HOST } from './helpers/make-sample.js';
import { makeSpike, variedSamples } from './fixtures/store/varied-samples.js';
import { tempDir, writeRecording } from './fixtures/store/recording-files.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const SAMPLES = variedSamples(30, { seed: 21 });

describe('decodeGroup', () => {
  it('decodes a group from its bytes, skipping spike frames between samples', async () => {
    const path = join(tmp.dir, 'g.tmon');
    const w = await RecordingWriter.create(path, { host: TEST_HOST, intervalMs: 1000 }, { keyframeEvery: 20 });
    SAMPLES.forEach((s, i) => {
      w.append(s);
      if (i === 3) w.addSpike(makeSpike(s.time));
    });
    await w.close();
    const bytes = readFileSync(path);
    const [g] = readIndexOfFile(path).groups;
    const decoded = decodeGroup(bytes.subarray(g!.offset, g!.end), g!.offset, TEST_HOST);
    expect(decoded.problem).toBeUndefined();
    expect(decoded.samples).toStrictEqual(SAMPLES.slice(0, 20).map(quantiseSample));
  });

  it('stops at a damaged frame and says where, keeping the samples before it', async () => {
    const path = join(tmp.dir, 'd.tmon');
    await writeRecording(path, SAMPLES, { keyframeEvery: 20 });
    const bytes = readFileSync(path);
    const g = readIndexOfFile(path).groups[1]!;
    const group = Buffer.from(bytes.subarray(g.offset, g.end));
    group[group.length - 3] = (group[group.length - 3] as number) ^ 1;
    const decoded = decodeGroup(group, g.offset, TEST_HOST);
    expect(decoded.samples).toStrictEqual(SAMPLES.slice(20, 29).map(quantiseSample));
    expect(decoded.problem).toMatch(/damaged frame at offset \d+/);
    const headless = decodeGroup(bytes.subarray(g.offset + 1, g.end), g.offset + 1, TEST_HOST);
    expect(headless.samples).toEqual([]);
    expect(headless.problem).toBeDefined();
  });
});
