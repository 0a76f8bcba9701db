import { readFileSync } from 'node:fs';
import type { ThresholdOverrides } from '../../src/analysis/thresholds.js';

/**
 * Spike thresholds that a `mb`-megabyte allocation crosses on this machine,
 * whatever its RAM and current use: the bar sits a third of the way up the rise
 * above the level at rest — the lowest of readings over two seconds, so another
 * workload's transient at this moment is not taken for it; a third, not half, so
 * that memory another process frees after those two seconds (a test worker
 * ending) does not keep the allocation under it. No margin over the usual peak:
 * a second copy of the suite on the same machine makes peaks of its own, and
 * what a test controls is its own allocation crossing the bar. CPU stays out of
 * the way.
 */
export async function memoryThresholds(mb: number): Promise<ThresholdOverrides> {
  const kb = (info: string, key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
  let total = NaN;
  let available = 0;
  for (let i = 0; i < 8; i++) {
    const info = readFileSync('/proc/meminfo', 'utf8');
    total = kb(info, 'MemTotal');
    available = Math.max(available, kb(info, 'MemAvailable'));
    await new Promise((r) => setTimeout(r, 250));
  }
  const usedPct = ((total - available) / total) * 100;
  const risePct = ((mb * 1024) / total) * 100;
  return { memory: { absolute: usedPct + risePct / 3, margin: 0 }, cpu: { absolute: 100, margin: 100 } };
}

/** The same thresholds as the CLI flags that set them. */
export async function memoryThresholdFlags(mb: number): Promise<string[]> {
  const t = await memoryThresholds(mb);
  return [
    '--mem-threshold', (t.memory?.absolute ?? NaN).toFixed(2),
    '--mem-margin', String(t.memory?.margin),
    '--cpu-threshold', String(t.cpu?.absolute),
    '--cpu-margin', String(t.cpu?.margin),
  ];
}

/** A node child that allocates and touches `mb` megabytes, holds them for `holdMs`, then exits. */
export const ALLOCATE_SCRIPT = (mb: number, holdMs: number): string =>
  `const b = Buffer.alloc(${mb} * 1024 * 1024, 1); setTimeout(() => b.length, ${holdMs});`;
