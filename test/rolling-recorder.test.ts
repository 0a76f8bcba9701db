import { readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { RollingRecorder } from '../src/store/rolling-recorder.js';
import { openRecording } from '../src/store/recording-reader.js';
import { quantiseSample } from '../src/store/quantise.js';
import type { WriteFn } from '../src/store/recording-writer.js';
import { TEST_HOST } from './helpers/make-sample.js';
import { makeSpike, variedSamples } from './fixtures/store/varied-samples.js';
import { tempDir } from './fixtures/store/recording-files.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const H = 3_600_000;
const START = Date.UTC(2026, 10, 22, 0, 0, 0);
/** One sample every 5 minutes for 6 hours: 72 samples, 12 per hourly file. */
const SAMPLES = variedSamples(72, { start: START, intervalMs: 300_000, seed: 3, processes: 15 });

function recorder(extra: Partial<ConstructorParameters<typeof RollingRecorder>[0]> = {}): RollingRecorder {
  return new RollingRecorder({
    dir: tmp.dir,
    retainMs: 100 * H,
    maxBytes: 1e12,
    rotate: 'hour',
    host: TEST_HOST,
    intervalMs: 300_000,
    keyframeEvery: 5,
    pruneEvery: 1,
    ...extra,
  });
}

const files = (): string[] => readdirSync(tmp.dir).sort();

describe('RollingRecorder', () => {
  it('writes one file per UTC hour, read back as one timeline', async () => {
    const r = recorder();
    SAMPLES.forEach((s, i) => {
      r.append(s);
      if (i === 30) r.addSpike(makeSpike(s.time));
    });
    expect(r.currentFile).toBe(join(tmp.dir, 'tmon-2026-11-22T05.tmon'));
    await r.close();
    expect(files()).toEqual([0, 1, 2, 3, 4, 5].map((h) => `tmon-2026-11-22T0${h}.tmon`));
    const rec = await openRecording(tmp.dir);
    expect(rec.length).toBe(72);
    expect(rec.slice(0, 72)).toStrictEqual(SAMPLES.map(quantiseSample));
    expect(rec.spikes()).toHaveLength(1);
  });

  it('deletes files past the retention, oldest first, never the current one', async () => {
    const r = recorder({ retainMs: 2 * H });
    const seen: string[][] = [];
    for (const s of SAMPLES) {
      r.append(s);
      seen.push(files());
      expect(files()).toContain(r.currentFile?.slice(tmp.dir.length + 1));
    }
    await r.close();
    // At 05:55 a file is kept while any of its hour is within 2 h: 03, 04 and 05.
    expect(files()).toEqual(['tmon-2026-11-22T03.tmon', 'tmon-2026-11-22T04.tmon', 'tmon-2026-11-22T05.tmon']);
    expect(seen.every((names) => names.length <= 4)).toBe(true);
  });

  it('deletes the oldest files to stay under the size limit, never the current one', async () => {
    const first = recorder();
    SAMPLES.slice(0, 60).forEach((s) => first.append(s));
    await first.close();
    const size = (n: string): number => statSync(join(tmp.dir, n)).size;
    const limit = size('tmon-2026-11-22T03.tmon') + size('tmon-2026-11-22T04.tmon') + 1;
    const all = [...files(), 'tmon-2026-11-22T05.tmon'];
    const r = recorder({ maxBytes: limit });
    for (const s of SAMPLES.slice(60)) {
      r.append(s);
      const names = files();
      expect(names).toContain('tmon-2026-11-22T05.tmon');
      // Only ever the oldest go: what is left is the newest files.
      expect(names).toEqual(all.slice(all.length - names.length));
      const total = names.reduce((sum, n) => sum + size(n), 0);
      expect(total <= limit || names.length === 1).toBe(true);
    }
    await r.close();
    expect(files()).not.toContain('tmon-2026-11-22T02.tmon');

    const tiny = recorder({ maxBytes: 1 });
    tiny.append({ ...SAMPLES[71]!, time: SAMPLES[71]!.time + 1000 });
    expect(files()).toEqual(['tmon-2026-11-22T05.tmon']);
    await tiny.close();
  });

  it('continues the period file after a restart and leaves another host file alone', async () => {
    writeFileSync(join(tmp.dir, 'tmon-2026-11-22T00.tmon'), 'someone else');
    const a = recorder();
    SAMPLES.slice(0, 3).forEach((s) => a.append(s));
    await a.close();
    const b = recorder();
    SAMPLES.slice(3, 6).forEach((s) => b.append(s));
    await b.close();
    expect(files()).toEqual(['tmon-2026-11-22T00-2.tmon', 'tmon-2026-11-22T00.tmon']);
    const rec = await openRecording(tmp.dir);
    expect(rec.length).toBe(6);
    expect(rec.warnings).toEqual(['tmon-2026-11-22T00.tmon is not a tmon recording: skipped']);
  });

  it('on a full disk says so once, keeps going, and resumes recording when space returns', async () => {
    let full = false;
    const write: WriteFn = (fd, buf, off, len, pos) => {
      if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return writeSync(fd, buf, off, len, pos);
    };
    const errors: Error[] = [];
    let resumed = 0;
    const r = recorder({ write, onError: (e) => errors.push(e), onResume: () => resumed++ });
    const kept: Sample[] = [];
    SAMPLES.forEach((s, i) => {
      // Full from 00:50 to 02:30: across two hour boundaries, so new files cannot even get a header.
      full = i >= 10 && i < 30;
      expect(() => r.append(s)).not.toThrow();
      if (!full) kept.push(s);
    });
    await r.close();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/no space left/);
    expect(resumed).toBe(1);
    const rec = await openRecording(tmp.dir);
    expect(rec.slice(0, rec.length)).toStrictEqual(kept.map(quantiseSample));
  });
});
