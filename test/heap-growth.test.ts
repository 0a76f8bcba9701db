import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { YOUNG_GENERATION_CAP_BYTES } from '../src/commands/heap-growth.js';

const BUILT = fileURLToPath(new URL('../dist/commands/heap-growth.js', import.meta.url));

/**
 * A fresh node (V8 flags are per process) allocating for ~3 s while it keeps a
 * rolling window of what it made, as a dashboard keeps recent samples: the
 * largest young generation seen, in bytes. With `cap`, capHeapGrowth() runs first.
 */
function largestYoungGeneration(cap: boolean): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { capHeapGrowth } from ${JSON.stringify(BUILT)};
    if (${cap}) capHeapGrowth();
    const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const keep = [];
    let most = 0;
    const end = Date.now() + 3000;
    while (Date.now() < end && most <= 16 * 1048576) {
      keep.push(Array.from({ length: 700 }, (_, i) => ({ pid: i, cpu: Math.random(), name: 'p' + i })));
      if (keep.length > 60) keep.shift();
      most = Math.max(most, young());
      // Let the GC observer run, as the dashboard's event loop does between samples.
      await new Promise((r) => setImmediate(r));
    }
    process.stdout.write(String(most));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  if (child.status !== 0) throw new Error(child.stderr);
  return Number(child.stdout);
}

describe('capHeapGrowth', () => {
  it('stops the young generation at 8 MB, where V8 alone grows it further under the same load (child runs the built dist/)', () => {
    expect(largestYoungGeneration(false)).toBeGreaterThan(YOUNG_GENERATION_CAP_BYTES);
    expect(largestYoungGeneration(true)).toBeLessThanOrEqual(YOUNG_GENERATION_CAP_BYTES);
  });
});
