import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { openRecording } from '../src/store/recording-reader.js';
import { quantiseSample } from '../src/store/quantise.js';
import { FORMAT_VERSION, parseHeader } from '../src/store/record-format.js';
import { RecordingWriter } from '../src/store/recording-writer.js';
import { GOLDEN_HOST, goldenSamples, goldenSamplesV4, goldenSamplesV4Probes } from './fixtures/store/golden/golden-samples.js';
import { stripTrailer, tempDir } from './fixtures/store/recording-files.js';
import { readIndexOfFile } from '../src/store/recording-index.js';
import type { AlertEvent } from '../src/core/alert-event.js';

const golden = (name: string): string => fileURLToPath(new URL(`./fixtures/store/golden/${name}`, import.meta.url));

async function readAll(path: string): Promise<{ samples: Sample[]; warnings: readonly string[] }> {
  const rec = await openRecording(path);
  try {
    return { samples: rec.slice(0, rec.length), warnings: [...rec.warnings] };
  } finally {
    await rec.close();
  }
}

describe('golden recordings written by earlier formats open forever', () => {
  for (const format of [1, 2, 3, 4]) {
    it(`format ${format} decodes to what the tmon that wrote it read`, async () => {
      const { samples, warnings } = await readAll(golden(`format-${format}.tmon`));
      const expected = JSON.parse(readFileSync(golden(`format-${format}.json`), 'utf8')) as Sample[];
      expect(warnings).toEqual([]);
      expect(samples).toHaveLength(5);
      expect(samples).toEqual(expected);
    });
  }

  for (const format of [2, 3]) {
    it(`format ${format} holds every field the golden samples set`, async () => {
      const { samples } = await readAll(golden(`format-${format}.tmon`));
      expect(samples).toEqual(goldenSamples().map(quantiseSample));
    });
  }

  it('format 4 holds every field the golden samples set, the optional system fields it added included', async () => {
    const { samples } = await readAll(golden('format-4.tmon'));
    expect(samples).toEqual(goldenSamplesV4().map(quantiseSample));
    expect(samples.map((s) => [s.filesystems[0]?.availBytes !== undefined, s.pressure.cpuFullSeconds !== undefined])).toEqual([
      [true, true],
      [true, false],
      [true, true],
      [false, true],
      [true, true],
    ]);
  });
});

describe('golden recording with probe results (format 4)', () => {
  it('holds each target coming and going, up and down, with its round trips and status, as its JSON says', async () => {
    const { samples } = await readAll(golden('format-4-probes.tmon'));
    expect(samples).toEqual(goldenSamplesV4Probes().map(quantiseSample));
    expect(samples).toEqual(JSON.parse(readFileSync(golden('format-4-probes.json'), 'utf8')));
    expect(samples.map((s) => s.probes?.map((p) => `${p.up ? 'up' : 'down'} ${p.ms ?? '-'} ${p.status ?? '-'}`))).toEqual([
      ['up 0.18 -'],
      ['down - -', 'up 41.24 200'],
      undefined,
      ['down - 503', 'up 12 -'],
      ['up 2500.5 301', 'up 1.5 -'],
    ]);
  });
});

describe('golden recording with alert events (format 4)', () => {
  it('holds its samples and, in time order, each rule’s firing and resolution with its value and top processes; scanned the same', async () => {
    const path = golden('format-4-alerts.tmon');
    const expected = JSON.parse(readFileSync(golden('format-4-alerts.json'), 'utf8')) as AlertEvent[];
    const rec = await openRecording(path);
    try {
      expect(rec.warnings).toEqual([]);
      expect(rec.slice(0, rec.length)).toEqual(goldenSamplesV4().map(quantiseSample));
      expect(rec.alertEvents()).toEqual(expected);
    } finally {
      await rec.close();
    }
    expect(expected.map((e) => `${e.kind} ${e.rule}`)).toEqual([
      'firing process(apache2) absent for 1s',
      'firing spike(memory) >= warning',
      'resolved process(apache2) absent for 1s',
    ]);
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const copy = join(dir, 'scanned.tmon');
    copyFileSync(path, copy);
    stripTrailer(copy);
    expect(readIndexOfFile(copy).alerts).toEqual(expected);
  });
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('continuing a recording of an older format', () => {
  it('upgrades its header to the current format; its old groups and the new ones read', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'continued.tmon');
    copyFileSync(golden('format-2.tmon'), path);
    const later = goldenSamples().map((s) => ({ ...s, time: s.time + 60_000 }));
    const w = await RecordingWriter.create(path, { host: GOLDEN_HOST, intervalMs: 1000 });
    for (const s of later) w.append(s);
    await w.close();
    const head = parseHeader(readFileSync(path), path);
    expect(head.kind === 'ok' ? head.version : head.kind).toBe(FORMAT_VERSION);
    const { samples, warnings } = await readAll(path);
    expect(warnings).toEqual([]);
    const expected = JSON.parse(readFileSync(golden('format-2.json'), 'utf8')) as Sample[];
    expect(samples).toEqual([...expected, ...later.map(quantiseSample)]);
  });
});
