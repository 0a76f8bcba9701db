import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { HeadlessDashboard } from './helpers/headless-dashboard.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

/** The latency panel in the real dashboard: shown by itself once probes run, toggled by `l`. */
const ui = new HeadlessDashboard();
afterEach(() => ui.close());

const T0 = new Date(2026, 10, 22, 3, 0, 0).getTime();
const processes = [makeProcess({ pid: 10, name: 'busy', cpu: 50 })];
const probes = (i: number): Sample['probes'] => [
  { target: 'tcp://db:5432', up: i !== 2, ...(i !== 2 ? { ms: 1 + i } : {}) },
  { target: 'https://example.com', up: true, ms: 80, status: 200 },
];
const samples = (withProbes: boolean): Sample[] =>
  [0, 1, 2].map((i) => ({ ...makeSample({ time: T0 + i * 1000, processes }), ...(withProbes ? { probes: probes(i) } : {}) }));

describe('the latency panel', () => {
  for (const [cols, rows] of [
    [80, 24],
    [120, 40],
    [250, 70],
  ] as const) {
    it(`at ${cols}x${rows} shows each target up or down with its round trip, and l hides it`, async () => {
      const screen = await ui.live(cols, rows, samples(true), {}, /Latency[^]*tcp:\/\/db:5432/);
      expect(screen).toMatch(/▼ tcp:\/\/db:5432 +down/);
      // A long target is cut to fit a narrow panel; the round trip keeps its place.
      expect(screen).toMatch(/▲ https:\/\/exampl\S* +80ms/);
      const term = ui.term;
      await term?.keys('l');
      await term?.waitFor((s) => !s.includes('Latency'));
    });
  }

  it('is not there without probes, and l shows it with what to give', async () => {
    const screen = await ui.live(120, 40, samples(false));
    expect(screen).not.toContain('Latency');
    await ui.term?.keys('l');
    await ui.term?.waitFor((s) => s.includes('Latency') && s.includes('no probes: tmon --probe tcp://host:port'));
  });
});
