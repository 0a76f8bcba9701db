import { copyFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/core/errors.js';
import { validateSample } from '../src/protocol/wire-decode.js';
import { openRecording, type Recording } from '../src/store/recording-reader.js';
import { RecordingWriter } from '../src/store/recording-writer.js';
import { RollingRecorder } from '../src/store/rolling-recorder.js';
import { periodFileName } from '../src/store/retention.js';
import { makeSpike, rng, variedSamples } from './fixtures/store/varied-samples.js';
import { stripTrailer, tempDir, writeRecording } from './fixtures/store/recording-files.js';
import {
  bomb,
  foreignFiles,
  indexClaimingGroups,
  indexClaimingSpikes,
  indexRepeatingGroup,
  lyingFrames,
  maze,
  oddIndexes,
  specialFiles,
  validHeader,
  wideGroups,
  withHeaderCrc,
} from './fixtures/store/crafted-files.js';
import { TEST_HOST } from './helpers/make-sample.js';

/**
 * Hostile recordings (issue 9, item 4): random bit flips and truncations of
 * real recordings, and every crafted case that broke the reader. Each either
 * opens (with its warnings, every sample valid) or fails with one clear
 * line; none throws anything else, hangs, or grows memory without bound.
 */

const CLEAR_LINE = /is not a tmon recording|is damaged at offset \d+|was written by a newer tmon|: no such file|is a symbolic link: not followed|holds no tmon recordings/;

let tmp: ReturnType<typeof tempDir>;
const SAMPLES = variedSamples(120, { seed: 9 });
const SPIKES = [makeSpike(SAMPLES[20]!.time), makeSpike(SAMPLES[80]!.time, 'cpu')];
let closed: Buffer;
let unclosed: Buffer;
let headerEnd: number;
let rssBefore: number;

beforeAll(async () => {
  tmp = tempDir();
  const path = join(tmp.dir, 'real.tmon');
  await writeRecording(path, SAMPLES, { keyframeEvery: 30, spikes: SPIKES });
  closed = readFileSync(path);
  stripTrailer(path);
  unclosed = readFileSync(path);
  headerEnd = 14 + closed.readUInt32LE(10) + 4;
  rssBefore = process.memoryUsage().rss;
});
afterAll(() => tmp.cleanup());

type Outcome = { ok: true; rec: Recording; samples: number } | { ok: false; message: string };

/** Opens `path` and reads everything in it as replay and export would; fails the test on anything but a clean outcome. */
async function exercise(path: string): Promise<Outcome> {
  let rec: Recording;
  try {
    rec = await openRecording(path);
  } catch (err) {
    expect(err, String(err instanceof Error ? err.stack : err)).toBeInstanceOf(UserError);
    const message = (err as Error).message;
    expect(message).not.toMatch(/\n/);
    expect(message).toMatch(CLEAR_LINE);
    return { ok: false, message };
  }
  let samples = 0;
  for (let i = 0; i < rec.length; i += 50) {
    for (const s of rec.slice(i, i + 50)) {
      // Every decoded value is what a Sample may hold: the wire's own validator finds nothing wrong.
      validateSample(s, 'sample');
      samples++;
    }
  }
  if (rec.length > 0) {
    rec.indexAtTime(0);
    rec.indexAtTime(SAMPLES[60]!.time);
    rec.at(rec.length - 1);
  }
  for (const spike of rec.spikes()) expect(Number.isFinite(spike.start)).toBe(true);
  for (const w of rec.warnings) expect(w).not.toMatch(/\n|is not iterable|Cannot read properties|Invalid time value|undefined|NaN/);
  expect(samples).toBeLessThanOrEqual(rec.length);
  await rec.close();
  return { ok: true, rec, samples };
}

function fileWith(name: string, bytes: Buffer): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('random damage to real recordings', () => {
  it('bit flips and truncations: every file opens with warnings or fails with one clear line, in bounded time', async () => {
    const rand = rng(2026);
    const started = Date.now();
    let opened = 0;
    for (let i = 0; i < 100; i++) {
      const source = i % 2 === 0 ? closed : unclosed;
      const bytes = Buffer.from(source);
      const flips = 1 + Math.floor(rand() * 6);
      for (let f = 0; f < flips; f++) {
        // A third of the flips land in the header, where one bit used to cost the whole file.
        const at = rand() < 0.33 ? Math.floor(rand() * headerEnd) : Math.floor(rand() * bytes.length);
        bytes[at] = (bytes[at] as number) ^ (1 << Math.floor(rand() * 8));
      }
      const cut = rand() < 0.3 ? Math.floor(rand() * bytes.length) : bytes.length;
      const outcome = await exercise(fileWith(`flip-${i}.tmon`, bytes.subarray(0, cut)));
      if (outcome.ok) opened++;
    }
    expect(opened).toBeGreaterThan(60);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('one flipped bit anywhere in the header still recovers every sample of an unclosed file', async () => {
    for (let at = 0; at < headerEnd; at += 7) {
      const bytes = Buffer.from(unclosed);
      bytes[at] = (bytes[at] as number) ^ 0x10;
      const outcome = await exercise(fileWith(`header-${at}.tmon`, bytes));
      expect(outcome.ok, `flip at ${at}: ${outcome.ok ? '' : outcome.message}`).toBe(true);
      if (!outcome.ok) continue;
      expect(outcome.samples).toBe(SAMPLES.length);
      expect(outcome.rec.spikes()).toHaveLength(SPIKES.length);
      if (at < 8 || at >= 10) expect(outcome.rec.warnings.join('\n')).toMatch(/is damaged at offset \d+ \(its header\)/);
    }
  });

  it('a flipped version field is damage, not a newer tmon; the newer-format line needs a header whose checksum holds', async () => {
    const flipped = Buffer.from(unclosed);
    flipped[9] = (flipped[9] as number) ^ 0x01;
    const outcome = await exercise(fileWith('version-flip.tmon', flipped));
    expect(outcome.ok).toBe(true);
    const newer = withHeaderCrc(Buffer.from(flipped));
    const refused = await exercise(fileWith('newer.tmon', newer));
    expect(refused.ok ? '' : refused.message).toMatch(/was written by a newer tmon \(format 257/);
  });
});

describe('crafted recordings', () => {
  it('a compression bomb (4 GB from 4 MB) costs its groups, not the memory', async () => {
    const outcome = await exercise(fileWith('bomb.tmon', bomb()));
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.samples).toBe(0);
    expect(outcome.rec.warnings.join('\n')).toMatch(/inflates to more than \d+ bytes/);
  });

  it('groups of 100,000 processes each: the cache keeps fewer of them instead of growing with its group count (child runs the built dist/)', () => {
    const path = fileWith('wide.tmon', wideGroups(3, 100_000));
    const reader = pathToFileURL(resolve('dist/store/recording-reader.js')).href;
    expect(existsSync(fileURLToPath(reader)), 'run `npm run build` first: the child uses dist/').toBe(true);
    // A child with --expose-gc measures what stays reachable after reading every group, not what the GC has yet to free.
    const script = `
      const { openRecording } = await import(${JSON.stringify(reader)});
      const rec = await openRecording(${JSON.stringify(path)});
      let samples = 0;
      for (let i = 0; i < rec.length; i += 60) samples += rec.slice(i, i + 60).length;
      global.gc();
      process.stdout.write(JSON.stringify({ samples, heap: process.memoryUsage().heapUsed, processes: rec.at(0).processes.length }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 })) as {
      samples: number;
      heap: number;
      processes: number;
    };
    expect(out).toMatchObject({ samples: 3 * 60, processes: 100_000 });
    expect(out.heap).toBeLessThan(120 * 1024 * 1024);
  });

  it('a 16 MB maze of false frame starts is searched in linear time', async () => {
    const started = Date.now();
    const outcome = await exercise(fileWith('maze.tmon', maze(16 * 1024 * 1024)));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(outcome.ok ? outcome.rec.warnings.join('\n') : outcome.message).toMatch(/damaged|incomplete/);
  });

  it('an index claiming 1M groups or 100k spikes is not believed', async () => {
    for (const bytes of [indexClaimingGroups(unclosed, headerEnd, 1_000_000), indexClaimingSpikes(unclosed, 100_000)]) {
      const outcome = await exercise(fileWith('liar.tmon', bytes));
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) continue;
      expect(outcome.rec.length).toBe(SAMPLES.length);
      expect(outcome.rec.spikes()).toHaveLength(SPIKES.length);
      expect(outcome.rec.warnings.join('\n')).toMatch(/its index does not match the file/);
    }
  });

  it('an index table not checked against the file no longer multiplies 20 samples', async () => {
    const path = join(tmp.dir, 'twenty.tmon');
    await writeRecording(path, SAMPLES.slice(0, 20), { keyframeEvery: 60 });
    stripTrailer(path);
    const twenty = readFileSync(path);
    const outcome = await exercise(fileWith('twenty-liar.tmon', indexRepeatingGroup(twenty, headerEnd, 3460)));
    expect(outcome.ok && outcome.samples).toBe(20);
    for (const odd of oddIndexes(twenty)) {
      const o = await exercise(fileWith('odd-index.tmon', odd));
      expect(o.ok && o.samples).toBe(20);
    }
  });

  it('frames whose checksums hold but whose contents lie are damage, named with their offset', async () => {
    for (const [i, bytes] of lyingFrames().entries()) {
      const outcome = await exercise(fileWith(`lying-${i}.tmon`, bytes));
      expect(outcome.ok, `case ${i}`).toBe(true);
      if (outcome.ok) expect(outcome.samples).toBe(0);
    }
  });

  it('foreign and half-valid files: one clear line or an empty recording with warnings', async () => {
    for (const [i, bytes] of foreignFiles().entries()) await exercise(fileWith(`foreign-${i}.tmon`, bytes));
    const text = await exercise(fileWith('notes.tmon', Buffer.from('hello\n')));
    expect(text.ok ? '' : text.message).toBe(`${join(tmp.dir, 'notes.tmon')} is not a tmon recording`);
  });

  it('a FIFO, a directory and a dangling symlink named *.tmon: one line each, never a hang', async () => {
    const dir = join(tmp.dir, 'special');
    mkdirSync(dir);
    const [fifo, directory, link] = specialFiles(dir);
    expect((await exercise(fifo!)).ok).toBe(false);
    expect((await exercise(link!)).ok).toBe(false);
    await expect(openRecording(fifo!)).rejects.toThrow(`${fifo} is not a tmon recording (not a regular file)`);
    await expect(openRecording(join(directory!, '..', 'directory.tmon'))).rejects.toThrow(/holds no tmon recordings/);
  });

  it('a store directory holding every crafted case reads its good file, one warning per bad file', async () => {
    const dir = join(tmp.dir, 'store');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a-good.tmon'), closed);
    writeFileSync(join(dir, 'bomb.tmon'), bomb(1, 5));
    writeFileSync(join(dir, 'maze.tmon'), maze(1024 * 1024));
    for (const [i, bytes] of foreignFiles().entries()) writeFileSync(join(dir, `foreign-${i}.tmon`), bytes);
    specialFiles(dir);
    // A link to a real recording outside the store is not followed either.
    copyFileSync(join(tmp.dir, 'real.tmon'), join(tmp.dir, 'outside-real.tmon'));
    const rec = await openRecording(dir);
    expect(rec.slice(0, rec.length)).toHaveLength(SAMPLES.length);
    expect(rec.skipped.filter((w) => /fifo\.tmon is not a tmon recording \(not a regular file\): skipped/.test(w))).toHaveLength(1);
    expect(rec.skipped.filter((w) => /directory\.tmon is not a tmon recording \(a directory\): skipped/.test(w))).toHaveLength(1);
    expect(rec.skipped.filter((w) => /dangling\.tmon is a symbolic link: not followed: skipped/.test(w))).toHaveLength(1);
    for (const w of rec.skipped) expect(w).toMatch(CLEAR_LINE);
  });

  it('the recorder never writes through a dangling symlink named for the current hour, nor into a FIFO', async () => {
    const dir = join(tmp.dir, 'rolling');
    mkdirSync(dir);
    const time = SAMPLES[0]!.time;
    specialFiles(dir, { link: periodFileName(time, 'hour'), fifo: periodFileName(time, 'hour', 2), directory: periodFileName(time, 'hour', 3) });
    const errors: string[] = [];
    const rolling = new RollingRecorder({
      dir,
      retainMs: 86_400_000,
      maxBytes: 1e9,
      rotate: 'hour',
      host: TEST_HOST,
      intervalMs: 1000,
      onError: (e) => errors.push(e.message),
    });
    for (const s of SAMPLES.slice(0, 5)) rolling.append(s);
    await rolling.close();
    expect(errors).toEqual([]);
    expect(rolling.currentFile).toBeUndefined();
    expect(existsSync(join(tmp.dir, `outside-${periodFileName(time, 'hour')}`))).toBe(false);
    const rec = await openRecording(join(dir, periodFileName(time, 'hour', 4)));
    expect(rec.length).toBe(5);
  });

  it('a writer refuses to start over a file whose header is damaged', async () => {
    const bytes = Buffer.from(unclosed);
    bytes[20] = (bytes[20] as number) ^ 0x01;
    const path = fileWith('damaged-continue.tmon', bytes);
    expect(() => RecordingWriter.createSync(path, { host: TEST_HOST, intervalMs: 1000 })).toThrow(/damaged header: choose another file/);
    expect(readFileSync(path)).toEqual(bytes);
  });

  it('memory stayed bounded through all of it', () => {
    const grown = process.memoryUsage().rss - rssBefore;
    expect(grown).toBeLessThan(400 * 1024 * 1024);
  });
});

describe('headers cut short', () => {
  it('a file cut inside its header opens empty with one warning', async () => {
    const path = fileWith('cut.tmon', validHeader());
    truncateSync(path, 20);
    const outcome = await exercise(path);
    expect(outcome.ok && outcome.rec.warnings).toEqual([`${path}: the header is incomplete (the recorder stopped while creating the file)`]);
  });
});
