import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { openRecording } from '../src/store/recording-reader.js';
import { quantiseSample } from '../src/store/quantise.js';
import { goldenSamples } from './fixtures/store/golden/golden-samples.js';

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
  for (const format of [1, 2]) {
    it(`format ${format} decodes to what the tmon that wrote it read`, async () => {
      const { samples, warnings } = await readAll(golden(`format-${format}.tmon`));
      const expected = JSON.parse(readFileSync(golden(`format-${format}.json`), 'utf8')) as Sample[];
      expect(warnings).toEqual([]);
      expect(samples).toHaveLength(5);
      expect(samples).toEqual(expected);
    });
  }

  it('format 2 holds every field the golden samples set', async () => {
    const { samples } = await readAll(golden('format-2.tmon'));
    expect(samples).toEqual(goldenSamples().map(quantiseSample));
  });
});
