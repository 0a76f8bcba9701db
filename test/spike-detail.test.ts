import { describe, expect, it } from 'vitest';
import type { Culprit, Spike } from '../src/core/spike.js';
import { spikeDetailLines } from '../src/ui/spike-detail.js';

const culprit = (pid: number, name: string, share: number): Culprit => ({ pid, name, cmd: name, user: 'alice', startTime: 0, rise: 1, share });
const spike = (culprits: Culprit[]): Spike => ({
  id: 'cpu@1',
  metric: 'cpu',
  start: 1,
  end: 2,
  peak: 97,
  peakAt: 1,
  min: 90,
  avg: 95,
  baseline: 10,
  severity: 'critical',
  culprits,
});

describe('spikeDetailLines', () => {
  it('names every culprit, wrapped and indented, when the line names only three', () => {
    const s = spike([culprit(1, 'make', 0.4), culprit(2, 'cc1', 0.3), culprit(3, 'ld', 0.15), culprit(4, 'as', 0.1), culprit(5, 'sh', 0.05)]);
    expect(spikeDetailLines(s, 'short line', 40)).toEqual(['  make[1] 40%, cc1[2] 30%, ld[3] 15%,', '  as[4] 10%, sh[5] 5%']);
  });

  it('opens a line the panel cut, and adds nothing to one that says it all', () => {
    const s = spike([culprit(4242, 'a-very-long-process-name', 0.9)]);
    expect(spikeDetailLines(s, 'x'.repeat(50), 40)).toEqual(['  a-very-long-process-name[4242] 90%']);
    expect(spikeDetailLines(s, 'x'.repeat(40), 40)).toEqual([]);
    expect(spikeDetailLines(spike([]), 'x'.repeat(50), 40)).toEqual([]);
  });
});

describe('spikeDetailLines of a latency spike', () => {
  const lat = (target: string): Spike => ({ ...spike([]), id: 'latency@1#0badc0de', metric: 'latency', target, peak: 700, baseline: 20 });

  it('opens the whole target where the line cut it, in pieces of the width', () => {
    const s = lat('https://shop.example/health/check');
    expect(spikeDetailLines(s, 'x'.repeat(50), 22)).toEqual(['  https://shop.example', '  /health/check (usual', '   20ms)']);
    expect(spikeDetailLines(s, 'x'.repeat(22), 22)).toEqual([]);
  });

  it('keeps a huge target to a few lines', () => {
    const lines = spikeDetailLines(lat(`https://h/${'a'.repeat(2000)}`), 'x'.repeat(50), 40);
    expect(lines).toHaveLength(6);
    expect(lines.at(-1)).toMatch(/a…$/);
    expect(lines.every((l) => l.length <= 40)).toBe(true);
  });
});
