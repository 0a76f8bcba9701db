import { describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { Q, quantise, quantiseSample } from '../src/store/quantise.js';
import { variedSamples } from './fixtures/store/varied-samples.js';

/** Every number in `a` within `tol(path)` of the one at the same place in `b`. */
function within(a: unknown, b: unknown, tol: (path: string) => number, path = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= tol(path) + 1e-9 ? [] : [`${path}: ${a} vs ${b}`];
  }
  if (a !== null && typeof a === 'object' && b !== null && typeof b === 'object') {
    return Object.keys(a).flatMap((k) => within((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tol, `${path}.${k}`));
  }
  return a === b ? [] : [`${path}: ${String(a)} vs ${String(b)}`];
}

/** Half of each field's documented quantum: the most rounding may move it. */
function halfQuantum(path: string): number {
  const leaf = path.slice(path.lastIndexOf('.') + 1);
  if (/^\.memory\./.test(path) || leaf === 'rss' || leaf === 'rssPeak') return 512;
  if (/^\.cpu\./.test(path) || leaf === 'cpu' || leaf === 'childCpu') return 0.05;
  if (leaf === 'memPercent' || /^\.(pressure|load)\./.test(path)) return 0.005;
  if (leaf === 'uptime') return 0.005;
  if (leaf === 'intervalMs' || leaf === 'startTime') return 0.5;
  if (/BytesPerSec$/.test(leaf) || /Bytes$/.test(leaf)) return 0.5;
  return 0;
}

function byIdentity(s: Sample): Sample {
  return { ...s, processes: [...s.processes].sort((a, b) => a.pid - b.pid || a.startTime - b.startTime) };
}

describe('quantiseSample', () => {
  it('moves every number by at most half its documented quantum and nothing else', () => {
    for (const s of variedSamples(30, { seed: 7 })) {
      const q = quantiseSample(s);
      const orig = byIdentity(s);
      expect(within(q, orig, halfQuantum)).toEqual([]);
      expect(within(orig, q, halfQuantum)).toEqual([]);
    }
  });

  it('is idempotent and returns processes in pid order', () => {
    const [s] = variedSamples(1, { seed: 3 });
    const q = quantiseSample(s as Sample);
    expect(quantiseSample(q)).toEqual(q);
    const pids = q.processes.map((p) => p.pid);
    expect(pids).toEqual([...pids].sort((a, b) => a - b));
  });

  it('keeps optional process fields present exactly when they were', () => {
    const [s] = variedSamples(1);
    const base = (s as Sample).processes[0] as Sample['processes'][number];
    const bare = { ...base };
    delete bare.rssPeak;
    delete bare.childCpu;
    delete bare.exited;
    const q = quantiseSample({ ...(s as Sample), processes: [bare, { ...base, pid: 99_999, rssPeak: 5000, childCpu: 0, exited: false }] });
    expect(Object.keys(q.processes[0] as object)).not.toContain('rssPeak');
    expect(q.processes[1]).toMatchObject({ rssPeak: 5120, childCpu: 0, exited: false });
  });

  it('stores non-finite numbers as 0 and never yields -0', () => {
    expect(quantise(Q.cpu, Number.NaN)).toBe(0);
    expect(quantise(Q.kib, Number.POSITIVE_INFINITY)).toBe(0);
    expect(Object.is(quantise(Q.cpu, -0.01), 0)).toBe(true);
    expect(quantise(Q.cpu, 0.3)).toBe(0.3);
  });
});
