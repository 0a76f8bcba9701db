import { readFileSync } from 'node:fs';

/**
 * Spike thresholds that a `mb`-megabyte allocation crosses on this machine,
 * whatever its RAM and current use: the bar sits halfway up the rise.
 */
export function memoryThresholdFlags(mb: number): string[] {
  const info = readFileSync('/proc/meminfo', 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
  const total = kb('MemTotal');
  const usedPct = ((total - kb('MemAvailable')) / total) * 100;
  const risePct = ((mb * 1024) / total) * 100;
  return [
    '--mem-threshold', (usedPct + risePct * 0.5).toFixed(2),
    '--mem-margin', (risePct * 0.4).toFixed(2),
    '--cpu-threshold', '100',
    '--cpu-margin', '100',
  ];
}

/** A node child that allocates and touches `mb` megabytes, holds them for `holdMs`, then exits. */
export const ALLOCATE_SCRIPT = (mb: number, holdMs: number): string =>
  `const b = Buffer.alloc(${mb} * 1024 * 1024, 1); setTimeout(() => b.length, ${holdMs});`;
