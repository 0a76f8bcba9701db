import { describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import type { HistoryMessage } from '../src/protocol/wire-messages.js';
import { SampleStream } from '../src/transport/sample-stream.js';
import { T0, collect, range, sampleAt, settle, times } from './fixtures/transport/harness.js';

function chunk(id: number, from: number, to: number, done: boolean): HistoryMessage {
  return { type: 'history', id, done, samples: Array.from({ length: to - from + 1 }, (_, k) => sampleAt(from + k)) };
}

describe('SampleStream', () => {
  it('yields the catch-up first and the live samples that came meanwhile after it, each time once', async () => {
    const stream = new SampleStream();
    const got: Sample[] = collect(stream);
    expect(stream.beginCatchUp(1)).toBe(0);
    expect(stream.live(sampleAt(5))).toBe(true);
    expect(stream.catchUpChunk(chunk(1, 0, 2, false))).toBe(true);
    expect(stream.live(sampleAt(6))).toBe(true);
    expect(stream.catchUpChunk(chunk(1, 3, 5, true))).toBe(true);
    stream.live(sampleAt(6));
    stream.live(sampleAt(7));
    await settle();
    expect(times(got)).toEqual(range(0, 7));
  });

  it('leaves a history reply that is not the catch-up to its request', () => {
    const stream = new SampleStream();
    stream.beginCatchUp(4);
    expect(stream.catchUpChunk(chunk(5, 0, 1, true))).toBe(false);
    stream.catchUpChunk(chunk(4, 0, 1, true));
    expect(stream.catchUpChunk(chunk(4, 2, 3, true))).toBe(false);
  });

  it('after a drop, asks from just after the newest sample yielded and yields nothing older again', async () => {
    const stream = new SampleStream();
    const got: Sample[] = collect(stream);
    stream.beginCatchUp(1);
    stream.catchUpChunk(chunk(1, 0, 3, false));
    stream.live(sampleAt(9));
    stream.dropped();
    // The held live sample went with the link; the next catch-up brings it.
    expect(stream.beginCatchUp(2)).toBe(T0 + 3000 + 1);
    stream.catchUpChunk(chunk(2, 2, 9, true));
    await settle();
    expect(times(got)).toEqual(range(0, 9));
  });

  it('says when the catch-up never ends: no more than its bound of live samples is held', () => {
    const stream = new SampleStream(3);
    stream.beginCatchUp(1);
    for (let i = 0; i < 3; i++) expect(stream.live(sampleAt(i))).toBe(true);
    expect(stream.live(sampleAt(3))).toBe(false);
  });

  it('ends for its consumer after what was queued', async () => {
    const stream = new SampleStream();
    stream.live(sampleAt(0));
    stream.end();
    const got: Sample[] = [];
    for await (const s of stream.samples()) got.push(s);
    expect(times(got)).toEqual(range(0, 0));
  });
});
