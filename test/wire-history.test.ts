import { describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { withSelectedProcesses } from '../src/core/process-selection.js';
import { encodeSample } from '../src/protocol/wire-messages.js';
import { toWireSample } from '../src/protocol/wire-sample.js';
import { quantiseSample } from '../src/store/quantise.js';
import { WireHistory } from '../src/transport/wire-history.js';
import { T0, sampleAt } from './fixtures/transport/harness.js';

const wire = (i: number): Sample => toWireSample(sampleAt(i, { processes: 20 }));

describe('WireHistory', () => {
  it('sends each held sample as its JSON: the newest exactly as prepared, older ones as the store keeps them', () => {
    const h = new WireHistory(1000);
    const pushed = Array.from({ length: 150 }, (_, i) => wire(i));
    for (const s of pushed) expect(h.push(s)).toBe(true);
    expect(h.jsonAt(149)).toBe(encodeSample(pushed[149] as Sample));
    for (const i of [0, 59, 60, 119, 120, 148]) {
      const json = h.jsonAt(i) as string;
      const s = pushed[i] as Sample;
      // The selection's summary of what it left out travels with every sample, though the codec does not hold it.
      expect(s.omitted?.count).toBeGreaterThan(0);
      expect(JSON.parse(json)).toEqual(JSON.parse(encodeSample(i < 120 ? { ...quantiseSample(s), omitted: s.omitted } : s)));
    }
    expect(h.jsonAt(150)).toBeUndefined();
    expect(h.jsonAt(-1)).toBeUndefined();
  });

  it('rounds what it sends as the wire rounds, whether the sample was decoded or is held as it came', () => {
    const h = new WireHistory(100);
    // As the broadcaster keeps them: the wire's selection, numbers unrounded (memPercent, the omitted summary's CPU).
    for (let i = 0; i < 70; i++) h.push(withSelectedProcesses(sampleAt(i, { processes: 40, cpu: 1.234567 }), { top: 5 }));
    expect(h.encodedLength).toBe(60);
    for (const i of [0, 59, 60, 69]) {
      const json = h.jsonAt(i) as string;
      expect(json).not.toMatch(/\d\.\d{3,}/);
      expect((JSON.parse(json) as Sample).omitted?.maxCpu).toBe(1.23);
    }
  });

  it('holds the newest `capacity` samples and says the newest time it dropped', () => {
    const h = new WireHistory(3);
    for (let i = 0; i < 4; i++) h.push(wire(i));
    expect(h.length).toBe(3);
    expect(h.timeAt(0)).toBe(T0 + 1000);
    expect(h.newestDroppedTime).toBe(T0);
    expect((JSON.parse(h.jsonAt(0) as string) as Sample).time).toBe(T0 + 1000);
    expect(h.push(wire(3))).toBe(false);
  });
});
