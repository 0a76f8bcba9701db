import { describe, expect, it } from 'vitest';
import { encodeSample } from '../src/protocol/wire-messages.js';
import { toWireSample } from '../src/protocol/wire-sample.js';
import { WireHistory } from '../src/transport/wire-history.js';
import { T0, sampleAt } from './fixtures/transport/harness.js';

describe('WireHistory', () => {
  it('gives back every sample exactly, across dictionary refreshes', () => {
    const h = new WireHistory(1000);
    const pushed = Array.from({ length: 700 }, (_, i) => toWireSample(sampleAt(i, { processes: 20 })));
    for (const s of pushed) expect(h.push(s).json).toBe(encodeSample(s));
    expect(h.length).toBe(700);
    for (const i of [0, 1, 298, 299, 300, 301, 599, 600, 698, 699]) {
      expect(h.jsonAt(i)).toBe(encodeSample(pushed[i]!));
      expect(h.at(i)).toEqual(pushed[i]);
      expect(h.timeAt(i)).toBe(pushed[i]!.time);
    }
    expect(h.slice(10, 13)).toEqual(pushed.slice(10, 13));
    expect(h.last()).toEqual(pushed[699]);
    expect(h.host).toEqual(pushed[699]!.host);
  });

  it('keeps the newest `capacity` samples and says which one it pushed out', () => {
    const h = new WireHistory(3);
    expect(h.push(toWireSample(sampleAt(0))).droppedTime).toBeUndefined();
    h.push(toWireSample(sampleAt(1)));
    h.push(toWireSample(sampleAt(2)));
    expect(h.push(toWireSample(sampleAt(3))).droppedTime).toBe(T0);
    expect([0, 1, 2].map((i) => h.timeAt(i))).toEqual([T0 + 1000, T0 + 2000, T0 + 3000]);
    expect(h.at(0)?.time).toBe(T0 + 1000);
    expect(h.jsonAt(3)).toBeUndefined();
    expect(h.jsonAt(-1)).toBeUndefined();
  });

  it('counts only what it holds', () => {
    const h = new WireHistory(3);
    let largest = 0;
    for (let i = 0; i < 300; i++) largest = Math.max(largest, h.push(toWireSample(sampleAt(i))).json.length);
    expect(h.storedBytes).toBeGreaterThan(0);
    expect(h.storedBytes).toBeLessThan(3 * largest);
  });

  it('finds samples by time like any Timeline', () => {
    const h = new WireHistory(10);
    expect(h.indexAtTime(T0)).toBe(-1);
    for (let i = 0; i < 5; i++) h.push(toWireSample(sampleAt(i)));
    expect(h.indexAtTime(T0 - 1)).toBe(0);
    expect(h.indexAtTime(T0 + 2500)).toBe(2);
    expect(h.indexAtTime(T0 + 99_000)).toBe(4);
  });

  it('holds an hour in a few megabytes: far less than the JSON', () => {
    const h = new WireHistory(3600);
    let json = 0;
    for (let i = 0; i < 600; i++) json += h.push(toWireSample(sampleAt(i, { processes: 40 }))).json.length;
    expect(h.storedBytes).toBeGreaterThan(0);
    expect(h.storedBytes).toBeLessThan(json / 5);
  });
});
