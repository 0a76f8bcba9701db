import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { START_HOLD_MS, YOUNG_GENERATION_CAP_BYTES } from '../src/commands/dashboard-memory.js';

const BUILT = fileURLToPath(new URL('../dist/commands/dashboard-memory.js', import.meta.url));

/**
 * A fresh node (V8 flags are per process) allocating for ~3 s while it keeps a
 * rolling window of what it made, as a dashboard keeps recent samples: the
 * largest young generation seen, in bytes. With `holdMs`, capHeapGrowth(holdMs)
 * runs first; `burst` allocates the first second without letting the event loop
 * turn, as a dashboard's synchronous start-up does.
 */
function largestYoungGeneration(holdMs: number | null, burst = false): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { capHeapGrowth } from ${JSON.stringify(BUILT)};
    if (${holdMs !== null}) capHeapGrowth(${holdMs ?? 0});
    const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const keep = [];
    let most = 0;
    const end = Date.now() + 3000;
    while (Date.now() < end && most <= 16 * 1048576) {
      keep.push(Array.from({ length: 700 }, (_, i) => ({ pid: i, cpu: Math.random(), name: 'p' + i })));
      if (keep.length > 60) keep.shift();
      most = Math.max(most, young());
      // Let the GC observer run, as the dashboard's event loop does between samples (not during a burst).
      if (!${burst} || Date.now() > end - 2000) await new Promise((r) => setTimeout(r, 1));
    }
    process.stdout.write(String(most));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  if (child.status !== 0) throw new Error(child.stderr);
  return Number(child.stdout);
}

describe('capHeapGrowth', () => {
  it('stops the young generation at its cap once start-up is over, where V8 alone grows it further under the same load (child runs the built dist/)', () => {
    expect(largestYoungGeneration(null)).toBeGreaterThan(YOUNG_GENERATION_CAP_BYTES);
    expect(largestYoungGeneration(100)).toBeLessThanOrEqual(YOUNG_GENERATION_CAP_BYTES);
  });

  it('holds the young generation through a synchronous start-up burst, which no GC watch sees in time', () => {
    expect(largestYoungGeneration(null, true)).toBeGreaterThan(YOUNG_GENERATION_CAP_BYTES);
    expect(largestYoungGeneration(START_HOLD_MS, true)).toBeLessThanOrEqual(YOUNG_GENERATION_CAP_BYTES);
  });
});

/**
 * Whether V8 optimized a hot function with TurboFan in a fresh node (the built
 * dist/) within 4 s of running it, after skipOptimizingCompiler() when `skip`.
 * V8's own status bits say: 16 is "optimized".
 */
function hotFunctionOptimized(skip: boolean): boolean {
  const script = `
    import { skipOptimizingCompiler } from ${JSON.stringify(BUILT)};
    if (${skip}) skipOptimizingCompiler();
    function parse(line) { let n = 0; for (const f of line.split(' ')) n += Number(f) || 0; return n; }
    const optimized = () => (%GetOptimizationStatus(parse) & 16) !== 0;
    let total = 0;
    // Until TurboFan has installed its code, or 4 s: a starved compile thread (a busy machine) takes longer.
    const end = Date.now() + 4000;
    while (Date.now() < end && !optimized()) for (let i = 0; i < 1000; i++) total += parse('1 2 3 4 5 ' + i);
    process.stdout.write(String(optimized()));
  `;
  const child = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  if (child.status !== 0) throw new Error(child.stderr);
  return child.stdout === 'true';
}

describe('skipOptimizingCompiler', () => {
  it("keeps a hot function off TurboFan, which optimizes it in a plain node (the dashboard's memory: ~8 MB)", () => {
    expect(hotFunctionOptimized(false)).toBe(true);
    expect(hotFunctionOptimized(true)).toBe(false);
  });
});
