import { describe, expect, it } from 'vitest';
import { AsyncQueue } from '../src/transport/async-queue.js';

describe('AsyncQueue', () => {
  it('hands items pushed before and after the consumer waits, in order, then ends', async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    q.push(2);
    const got: number[] = [];
    const done = (async () => {
      for await (const n of q) got.push(n);
    })();
    // Once 1 and 2 are taken the queue is empty, so the consumer is waiting when 3 comes.
    while (got.length < 2) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    q.push(3);
    q.end();
    q.push(4);
    await done;
    expect(got).toEqual([1, 2, 3]);
  });

  it('keeps order across compaction of a long run', async () => {
    const q = new AsyncQueue<number>();
    for (let i = 0; i < 5000; i++) q.push(i);
    q.end();
    const got: number[] = [];
    for await (const n of q) got.push(n);
    expect(got).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it('ends when the consumer breaks out', async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    for await (const _ of q) break;
    q.push(2);
    expect(q.size).toBe(0);
  });
});
