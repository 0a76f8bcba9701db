import { describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { MemoryTimeline } from '../src/store/memory-timeline.js';
import { quantiseSample } from '../src/store/quantise.js';
import { variedSamples } from './fixtures/store/varied-samples.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const T = 1_800_000_000_000;

/** 50 idle processes and three worth keeping: a busy one, a big one, one that exited. */
function crowded(i: number): Sample {
  const idle = Array.from({ length: 50 }, (_, k) => makeProcess({ pid: 100 + k, name: `idle${k}`, cpu: 0.1, rss: (k + 1) * 1024 * 1024 }));
  return makeSample({
    time: T + i * 1000,
    processes: [...idle, makeProcess({ pid: 1, name: 'busy', cpu: 90 }), makeProcess({ pid: 2, name: 'big', rss: 4 * 1024 ** 3 }), makeProcess({ pid: 3, name: 'gone', exited: true })],
  });
}

function filled(samples: readonly Sample[], capacity = 3600, opts = {}): MemoryTimeline {
  const h = new MemoryTimeline(capacity, opts);
  for (const s of samples) expect(h.push(s)).toBe(true);
  return h;
}

describe('MemoryTimeline', () => {
  it('gives back every sample as a recording would: encoded groups quantised, the open group and the newest as pushed', () => {
    const samples = variedSamples(200, { seed: 7 });
    const h = filled(samples);
    expect(h.length).toBe(200);
    // Groups of 60: 0–179 are encoded, 180–199 the open group.
    expect(h.encodedLength).toBe(180);
    for (let i = 0; i < 180; i++) expect(h.at(i), `sample ${i}`).toEqual(quantiseSample(samples[i] as Sample));
    for (let i = 180; i < 200; i++) expect(h.at(i)).toBe(samples[i]);
    expect(h.last()).toBe(samples[199]);
    expect(h.host).toBe(samples[199]?.host);
    expect(h.at(200)).toBeUndefined();
    expect(h.at(-1)).toBeUndefined();
  });

  it('reads across group boundaries by index and by time, decoding nothing to find a time', () => {
    const samples = variedSamples(200, { seed: 3 });
    const h = filled(samples);
    const window = h.slice(55, 185);
    expect(window.map((s) => s.time)).toEqual(samples.slice(55, 185).map((s) => s.time));
    expect(window[4]).toBe(h.at(59));
    expect(window[5]).toEqual(quantiseSample(samples[60] as Sample));
    expect(h.slice(-5, 2)).toHaveLength(2);
    expect(h.slice(198, 999)).toEqual([h.at(198), samples[199]]);
    expect(h.indexAtTime((samples[120] as Sample).time + 1)).toBe(120);
    expect(h.indexAtTime((samples[120] as Sample).time)).toBe(120);
    expect(h.indexAtTime(0)).toBe(0);
    expect(h.indexAtTime(Infinity)).toBe(199);
    expect(h.timeAt(61)).toBe(samples[61]?.time);
    expect(new MemoryTimeline(5).indexAtTime(T)).toBe(-1);
  });

  it('refuses a sample not newer than the newest, keeping time order', () => {
    const h = new MemoryTimeline(10);
    expect(h.push(crowded(1))).toBe(true);
    expect(h.push(crowded(1))).toBe(false);
    expect(h.push(crowded(0))).toBe(false);
    expect(h.push(crowded(2))).toBe(true);
    expect(h.slice(0, 10).map((s) => s.time)).toEqual([T + 1000, T + 2000]);
  });

  it('drops the oldest beyond its capacity, across groups, and says the newest time it dropped', () => {
    const samples = variedSamples(150, { seed: 5 });
    const h = new MemoryTimeline(100, { groupSamples: 30 });
    expect(h.newestDroppedTime).toBe(-Infinity);
    for (const s of samples) h.push(s);
    expect(h.length).toBe(100);
    expect(h.newestDroppedTime).toBe(samples[49]?.time);
    expect(h.at(0)).toEqual(quantiseSample(samples[50] as Sample));
    expect(h.slice(0, 100).map((s) => s.time)).toEqual(samples.slice(50).map((s) => s.time));
    expect(h.at(99)).toBe(samples[149]);
  });

  it('drops whole groups, oldest first, while the encoded samples take more than maxBytes', () => {
    const samples = variedSamples(600, { seed: 9, processes: 60 });
    const unbounded = filled(samples);
    const maxBytes = Math.floor(unbounded.storedBytes / 4);
    const h = filled(samples, 3600, { maxBytes });
    expect(h.storedBytes).toBeLessThanOrEqual(maxBytes);
    expect(h.length).toBeLessThan(600);
    expect(h.length).toBeGreaterThan(10);
    // What is held is the newest run, intact.
    expect(h.at(h.length - 1)).toBe(samples[599]);
    // Every group is closed: all but the newest read back decoded.
    expect(h.encodedLength).toBe(h.length - 1);
    expect(h.at(0)).toEqual(quantiseSample(samples[600 - h.length] as Sample));
    expect(h.newestDroppedTime).toBe(samples[599 - h.length]?.time);
  });

  it('keeps the newest sample even when it alone is over the byte bound', () => {
    const h = new MemoryTimeline(100, { maxBytes: 10 });
    for (let i = 0; i < 5; i++) h.push(crowded(i));
    expect(h.length).toBeGreaterThanOrEqual(1);
    expect(h.last()?.time).toBe(T + 4000);
    expect(h.at(h.length - 1)?.processes).toHaveLength(53);
  });

  it('keeps the processes worth remembering of past samples and serves the newest whole', () => {
    const h = new MemoryTimeline(200, { keepTop: 3 });
    for (let i = 0; i < 130; i++) h.push(crowded(i));
    expect(h.at(129)?.processes).toHaveLength(53);
    for (const i of [0, 70, 128]) {
      const names = h.at(i)?.processes.map((p) => p.name) ?? [];
      // Top 3 by CPU and by RSS, plus the exited one (spike evidence).
      expect(names).toEqual(expect.arrayContaining(['busy', 'big', 'gone', 'idle49', 'idle48']));
      expect(names.length).toBeLessThanOrEqual(7);
    }
    expect(h.slice(0, 130).filter((s) => s.processes.length === 53)).toHaveLength(1);
  });

  it('carries a selection`s omitted summary, which the codec does not hold', () => {
    const samples = Array.from({ length: 70 }, (_, i) => ({ ...crowded(i), ...(i % 2 === 0 ? { omitted: { count: i, maxCpu: 1.5, maxRss: 4096 } } : {}) }));
    const h = filled(samples);
    expect(h.at(10)?.omitted).toEqual({ count: 10, maxCpu: 1.5, maxRss: 4096 });
    expect(h.at(11)?.omitted).toBeUndefined();
  });

  it('hands out samples the caller keeps: held ones stay whole after their group is dropped', () => {
    const samples = variedSamples(130, { seed: 11 });
    const h = new MemoryTimeline(70, { groupSamples: 30 });
    for (const s of samples.slice(0, 65)) h.push(s);
    const fromGroup = h.at(5) as Sample;
    const fromOpen = h.at(62) as Sample;
    const snapshot = JSON.stringify([fromGroup, fromOpen]);
    for (const s of samples.slice(65)) h.push(s);
    expect(h.at(0)?.time).toBe(samples[60]?.time);
    // Reading others decodes other groups into the cache; the held samples do not change.
    expect(h.slice(0, 70)).toHaveLength(70);
    expect(JSON.stringify([fromGroup, fromOpen])).toBe(snapshot);
    expect(fromGroup.processes.length).toBeGreaterThan(0);
  });

  it('holds an hour of samples in far fewer bytes than their JSON', () => {
    const samples = variedSamples(600, { seed: 2, processes: 40 });
    const h = filled(samples);
    const json = samples.reduce((a, s) => a + JSON.stringify(s).length, 0);
    expect(h.storedBytes).toBeGreaterThan(0);
    expect(h.storedBytes).toBeLessThan(json / 10);
  });

  it('keeps a decoded group while it is read, and lets it go once a group closes without it being read', () => {
    const samples = variedSamples(300, { seed: 3 });
    const h = filled(samples.slice(0, 180));
    // Groups 0–59 and 60–119 are read, so decoded and kept: the same objects come back.
    const old = h.at(10);
    const kept = h.at(70);
    expect(h.at(10)).toBe(old);
    // Only the second is read while the next two groups fill and close (the first was read since the last close).
    for (const s of samples.slice(180, 300)) {
      h.push(s);
      expect(h.at(70)).toBe(kept);
    }
    expect(h.at(70)).toBe(kept);
    // The first was let go: decoded again, equal but not the same object.
    const again = h.at(10);
    expect(again).not.toBe(old);
    expect(again).toEqual(old);
  });
});
