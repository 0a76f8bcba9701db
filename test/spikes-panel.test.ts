import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { HeadlessDashboard } from './helpers/headless-dashboard.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

/** The spike log in the real dashboard, over a live session whose own detector finds a probe's latency spike. */
const ui = new HeadlessDashboard();
afterEach(() => ui.close());

const T0 = new Date(2026, 10, 30, 9, 0, 0).getTime();
const TARGET = 'https://shop.example/health';
// A process burning CPU while the round trip jumps: the log must not name it for the network.
const burner = makeProcess({ pid: 4242, name: 'burner', cpu: 95 });
const samples: Sample[] = Array.from({ length: 12 }, (_, i) => ({
  ...makeSample({ time: T0 + i * 1000, processes: [burner] }),
  probes: [
    { target: TARGET, up: true, ms: i === 8 || i === 9 ? 740 : 20 },
    { target: 'tcp://db:5432', up: i !== 9, ...(i !== 9 ? { ms: 1.5 } : {}) },
  ],
}));

describe('the spike log', () => {
  for (const [cols, rows] of [
    [120, 40],
    [250, 70],
  ] as const) {
    it(`at ${cols}x${rows} shows a latency spike with its target and usual round trip, and no process`, async () => {
      const screen = await ui.live(cols, rows, samples, {}, /Spikes \(1\)/);
      const line = screen.split('\n').find((l) => l.includes(' LAT '));
      // Still open (the merge gap has not passed): its duration so far.
      expect(line).toMatch(/\d\d:\d\d:08 LAT 740ms [\d.]+s\+ +https:\/\/shop\.example\/heal/);
      // Cut to the panel's width where it is narrow.
      if (cols >= 250) expect(line).toContain('https://shop.example/health (usual 20ms)');
      expect(line).not.toContain('burner');
    });
  }
});
