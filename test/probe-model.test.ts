import { describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { displayWidth } from '../src/core/text-width.js';
import { probeLines } from '../src/ui/probe-model.js';
import { makeSample } from './helpers/make-sample.js';

const at = (i: number, probes: Sample['probes']): Sample => ({ ...makeSample({ time: 1e12 + i * 1000 }), ...(probes ? { probes } : {}) });

describe('probeLines', () => {
  const samples = [
    at(0, [{ target: 'tcp://db:5432', up: true, ms: 1.2 }]),
    at(1, [{ target: 'tcp://db:5432', up: true, ms: 30 }]),
    at(2, [{ target: 'tcp://db:5432', up: false }, { target: 'https://example.com', up: false, status: 503 }]),
    at(3, [{ target: 'tcp://db:5432', up: true, ms: 2500 }, { target: 'https://example.com', up: true, ms: 80, status: 200 }]),
  ];

  it('one line per target at the cursor: up or down, round trip, sparkline, share of samples up', () => {
    const lines = probeLines(samples, 60);
    expect(lines.map((l) => l.up)).toEqual([true, true]);
    expect(lines[0]?.text).toMatch(/^▲ tcp:\/\/db:5432 +2\.5s ▁+.*█ +75%$/);
    expect(lines[1]?.text).toMatch(/^▲ https:\/\/example\.com +80ms .* 50%$/);
    for (const l of lines) expect(displayWidth(l.text)).toBeLessThanOrEqual(60);
  });

  it('a down target says so (its HTTP status when one came) and is marked for the warning colour', () => {
    const lines = probeLines(samples.slice(0, 3), 60);
    expect(lines.map((l) => [l.up, l.text.slice(0, 1)])).toEqual([
      [false, '▼'],
      [false, '▼'],
    ]);
    expect(lines[1]?.text).toMatch(/HTTP 503/);
    expect(lines[0]?.text).toMatch(/ down /);
  });

  it('nothing without probes, and narrow lines keep their width', () => {
    expect(probeLines([at(0, undefined)], 60)).toEqual([]);
    for (const l of probeLines(samples, 24)) expect(displayWidth(l.text)).toBeLessThanOrEqual(24);
  });
});
