import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { UserError } from '../src/core/errors.js';
import { RecordingWriter, type WriteFn } from '../src/store/recording-writer.js';
import { openRecording } from '../src/store/recording-reader.js';
import { quantiseSample } from '../src/store/quantise.js';
import { TEST_HOST } from './helpers/make-sample.js';
import { makeSpike, variedSamples } from './fixtures/store/varied-samples.js';
import { stripTrailer, tempDir, writeRecording } from './fixtures/store/recording-files.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const SAMPLES = variedSamples(90, { seed: 9 });
const EXPECTED = SAMPLES.map(quantiseSample);

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

describe('RecordingWriter', () => {
  it('continues an existing recording of the same host, cleanly closed or cut mid-frame', async () => {
    const path = join(tmp.dir, 'r.tmon');
    await writeRecording(path, SAMPLES.slice(0, 30), { keyframeEvery: 20, spikes: [makeSpike(SAMPLES[5]!.time)] });
    await writeRecording(path, SAMPLES.slice(30, 60), { keyframeEvery: 20 });
    stripTrailer(path);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 7));
    await writeRecording(path, SAMPLES.slice(60, 90), { keyframeEvery: 20, spikes: [makeSpike(SAMPLES[70]!.time)] });
    const rec = await openRecording(path);
    expect(rec.length).toBe(89);
    expect(rec.slice(0, 59)).toStrictEqual(EXPECTED.slice(0, 59));
    expect(rec.slice(59, 89)).toStrictEqual(EXPECTED.slice(60, 90));
    expect(rec.spikes().map((s) => s.start)).toEqual([SAMPLES[5]!.time, SAMPLES[70]!.time]);
    // The torn frame cut off when continuing stays on record in the file's index.
    expect(rec.warnings).toHaveLength(1);
    expect(rec.warnings[0]).toMatch(/incomplete frame/);
  });

  it('refuses to append to another host recording or a foreign file', async () => {
    const path = join(tmp.dir, 'other.tmon');
    await writeRecording(path, SAMPLES.slice(0, 3));
    await expect(RecordingWriter.create(path, { host: { ...TEST_HOST, hostname: 'db2' }, intervalMs: 1000 })).rejects.toThrow(
      `${path} holds a recording of testhost, not db2: choose another file to record to`,
    );
    const foreign = join(tmp.dir, 'notes.txt');
    writeFileSync(foreign, 'important notes');
    await expect(RecordingWriter.create(foreign, { host: TEST_HOST, intervalMs: 1000 })).rejects.toThrow(UserError);
    expect(readFileSync(foreign, 'utf8')).toBe('important notes');
    await expect(RecordingWriter.create(join(tmp.dir, 'no/such/dir.tmon'), { host: TEST_HOST, intervalMs: 1000 })).rejects.toThrow(
      /its directory does not exist/,
    );
  });

  it('on a full disk reports once, drops samples, and resumes with a decodable file when space returns', async () => {
    const path = join(tmp.dir, 'full.tmon');
    let full = false;
    let partial = true;
    const write: WriteFn = (fd, buf, off, len, pos) => {
      if (!full) return writeSync(fd, buf, off, len, pos);
      // The first failing write gets half a frame onto the disk, as a real one can.
      if (partial && len > 4) {
        partial = false;
        return writeSync(fd, buf, off, Math.floor(len / 2), pos);
      }
      throw enospc();
    };
    const errors: Error[] = [];
    let resumed = 0;
    const w = await RecordingWriter.create(path, { host: TEST_HOST, intervalMs: 1000 }, {
      write,
      keyframeEvery: 20,
      onError: (e) => errors.push(e),
      onResume: () => resumed++,
    });
    SAMPLES.slice(0, 25).forEach((s) => w.append(s));
    full = true;
    expect(() => SAMPLES.slice(25, 50).forEach((s) => w.append(s))).not.toThrow();
    w.addSpike(makeSpike(SAMPLES[30]!.time));
    full = false;
    SAMPLES.slice(50, 90).forEach((s) => w.append(s));
    await w.close();
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(resumed).toBe(1);
    expect(w.samples).toBe(65);
    const rec = await openRecording(path);
    expect(rec.warnings).toEqual([]);
    expect(rec.slice(0, 65)).toStrictEqual([...EXPECTED.slice(0, 25), ...EXPECTED.slice(50, 90)]);
    expect(rec.spikes()).toHaveLength(1);
  });

  it('reports a sample it cannot encode without throwing, and goes on', async () => {
    const path = join(tmp.dir, 'bad.tmon');
    const errors: Error[] = [];
    const w = await RecordingWriter.create(path, { host: TEST_HOST, intervalMs: 1000 }, { onError: (e) => errors.push(e) });
    w.append(SAMPLES[0]!);
    expect(() => w.append({ ...SAMPLES[1]!, processes: null } as unknown as Sample)).not.toThrow();
    w.append(SAMPLES[2]!);
    await w.close();
    w.append(SAMPLES[3]!);
    expect(errors).toHaveLength(1);
    const rec = await openRecording(path);
    expect(rec.slice(0, 9)).toStrictEqual([EXPECTED[0], EXPECTED[2]]);
  });

  it('loses at most the last second when the recorder is killed with SIGKILL (child runs the built dist/)', async () => {
    const dist = resolve('dist');
    expect(existsSync(join(dist, 'store/recording-writer.js')), 'run `npm run build` first: the child uses dist/').toBe(true);
    const samplesFile = join(tmp.dir, 'samples.json');
    writeFileSync(samplesFile, JSON.stringify(SAMPLES.slice(0, 12)));
    const path = join(tmp.dir, 'killed.tmon');
    const child = spawn(process.execPath, [resolve('test/fixtures/store/kill-writer.mjs'), dist, path, samplesFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    const reported: number[] = [];
    try {
      await new Promise<void>((done, fail) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const lines = text.split('\n');
          text = lines.pop() ?? '';
          for (const line of lines) reported.push(Number(line.split(' ')[1]));
          if (reported.length >= 16) done();
        });
        child.on('exit', (code) => fail(new Error(`writer child exited early (${code})`)));
      });
      child.kill('SIGKILL');
      await exited;
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    expect(statSync(path).size).toBeGreaterThan(0);
    const rec = await openRecording(path);
    const last = rec.at(rec.length - 1);
    const lastReported = reported[reported.length - 1] as number;
    expect(rec.length).toBeGreaterThanOrEqual(reported.length);
    expect(last?.time).toBeGreaterThanOrEqual(lastReported - 1000);
    expect(rec.spikes()).toEqual([]);
    expect(rec.slice(0, rec.length).map((s) => s.time)).toEqual([...reported, ...(rec.length > reported.length ? [last?.time] : [])]);
  }, 30_000);
});
