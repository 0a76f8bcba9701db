import { describe, expect, it } from 'vitest';
import { culpritText, spikeDuration } from '../src/core/spike-text.js';
import type { Culprit, Spike } from '../src/core/spike.js';

const culprit = (c: Partial<Culprit>): Culprit => ({ pid: 4242, name: 'alloc', cmd: 'alloc', user: 'alice', startTime: 0, rise: 1, share: 0.92, ...c });
const spike = (start: number, end: number | null): Spike => ({
  id: `memory@${start}`, metric: 'memory', start, end, peak: 1, peakAt: start, min: 0, avg: 0, baseline: 0, severity: 'careful', culprits: [],
});

describe('spike text shared by the screen and `tmon spikes`', () => {
  it('names a culprit with its share and how it was seen', () => {
    expect(culpritText(culprit({}))).toBe('alloc[4242] 92%');
    expect(culpritText(culprit({ viaChildren: true, share: 0.5 }))).toBe('alloc[4242] 50% via children');
    expect(culpritText(culprit({ exited: true, share: 0.004 }))).toBe('alloc[4242] 0% exited');
  });

  it('names an OOM kill’s victim with its last RSS', () => {
    expect(culpritText(culprit({ exited: true, rise: 61 * 1024 * 1024, share: 1 }), 'oom')).toBe('alloc[4242] last RSS 61.0M');
    expect(culpritText(culprit({}), 'limit')).toBe('alloc[4242] 92%');
  });

  it('says a one-sample spike lasted less than an interval, and how long an ongoing one has run', () => {
    expect(spikeDuration(spike(1000, 1000), 1000)).toBe('<1.0s');
    expect(spikeDuration(spike(1000, 13_000), 1000)).toBe('12s');
    expect(spikeDuration(spike(1000, null), 1000)).toBe('ongoing');
    expect(spikeDuration(spike(1000, null), 1000, 4000)).toBe('3.0s+');
  });
});
