import { describe, expect, it } from 'vitest';
import { HISTORY_END, historyRequest, spikesRequest } from '../src/protocol/wire-messages.js';
import { toWireSample } from '../src/protocol/wire-sample.js';
import { HISTORY_CHUNK_CHARS, HistoryReplies, MAX_PENDING_HISTORY, type ReplyOutput } from '../src/transport/history-replies.js';
import type { RequestBuckets } from '../src/transport/request-budget.js';
import { TokenBucket } from '../src/transport/token-bucket.js';
import { WireHistory } from '../src/transport/wire-history.js';
import { ManualClock } from './helpers/manual-clock.js';
import { T0, range, sampleAt, settle } from './fixtures/transport/harness.js';

interface Frame {
  type: string;
  id: number;
  done?: boolean;
  samples?: { time: number }[];
  spikes?: unknown[];
  archive?: unknown;
}

/** A viewer's connection as the replies see it: frames are kept, and written at once unless `holdWrites`. */
class Output implements ReplyOutput {
  readonly name = '127.0.0.1:5000';
  readonly frames: string[] = [];
  readonly lines: string[] = [];
  readonly held: (() => void)[] = [];
  isClosing = false;
  holdWrites = false;
  closing(): boolean {
    return this.isClosing;
  }
  send(frame: string, written: () => void): void {
    this.frames.push(frame);
    if (this.holdWrites) this.held.push(written);
    else written();
  }
  log(line: string): void {
    this.lines.push(line);
  }
  failed(err: unknown): void {
    throw err;
  }
  parsed(): Frame[] {
    return this.frames.map((f) => JSON.parse(f) as Frame);
  }
}

function historyOf(n: number): WireHistory {
  const h = new WireHistory(n);
  for (let i = 0; i < n; i++) h.push(toWireSample(sampleAt(i, { processes: 12 })));
  return h;
}

function buckets(clock: ManualClock, bytesBurst = 1e9, bytesPerSec = 1e9): RequestBuckets {
  return { bytes: new TokenBucket(bytesBurst, bytesPerSec, clock.monotonic()), work: new TokenBucket(1e9, 1e9, clock.monotonic()) };
}

/** A whole-history request to 300 samples paced at 100 KB/s after one frame's worth: its first frame sent. */
async function pacedAfterFirstFrame(): Promise<{ clock: ManualClock; out: Output; firstFrameMs: number }> {
  const clock = new ManualClock();
  const out = new Output();
  const replies = new HistoryReplies({ history: historyOf(300), archive: undefined, wireTop: 15 }, out, buckets(clock, 1, 100_000), clock);
  replies.add(historyRequest(1, 0, HISTORY_END));
  await settle();
  expect(out.frames).toHaveLength(1);
  // What the first frame's bytes cost at 100 KB/s, in ms: when the second may go.
  return { clock, out, firstFrameMs: Math.ceil((out.frames[0]!.length - 1) / 100) };
}

describe('HistoryReplies', () => {
  it('answers a history request in order, in frames of about HISTORY_CHUNK_CHARS, the last one done', async () => {
    const clock = new ManualClock();
    const out = new Output();
    const replies = new HistoryReplies({ history: historyOf(300), archive: undefined, wireTop: 15 }, out, buckets(clock), clock);
    expect(replies.add(historyRequest(7, T0 + 10_000, HISTORY_END))).toBe(true);
    await settle();
    const frames = out.parsed();
    expect(frames.length).toBeGreaterThan(2);
    expect(frames.map((f) => f.done)).toEqual([...frames.slice(1).map(() => false), true]);
    expect(frames.every((f) => f.type === 'history' && f.id === 7)).toBe(true);
    expect(frames.flatMap((f) => f.samples?.map((s) => s.time))).toEqual(range(10, 299));
    const perSample = out.frames[0]!.length / (frames[0]!.samples?.length ?? 1);
    for (const f of out.frames) expect(f.length).toBeLessThan(HISTORY_CHUNK_CHARS + 2 * perSample);
    expect(replies.cost.bytesServed).toBe(out.frames.reduce((n, f) => n + f.length, 0));
  });

  it('sends each frame only once the one before it is written, and stops when the link closes', async () => {
    const clock = new ManualClock();
    const out = new Output();
    out.holdWrites = true;
    const replies = new HistoryReplies({ history: historyOf(300), archive: undefined, wireTop: 15 }, out, buckets(clock), clock);
    replies.add(historyRequest(1, 0, HISTORY_END));
    await settle();
    expect(out.frames).toHaveLength(1);
    out.held.shift()?.();
    await settle();
    expect(out.frames).toHaveLength(2);
    out.isClosing = true;
    replies.closed();
    await settle();
    // The write waiting for frame 2's callback ended with the link: no request is held as being answered.
    for (let id = 2; id < 2 + MAX_PENDING_HISTORY; id++) expect(replies.add(historyRequest(id, 0, HISTORY_END))).toBe(true);
    // Frame 2's write completing late sends nothing more on the closed link.
    out.held.shift()?.();
    await settle();
    expect(out.frames).toHaveLength(2);
  });

  it('paces frames to the byte budget on its clock, saying so once', async () => {
    // One frame's worth at once, then 100 KB/s: the second frame waits ~0.65 s.
    const { clock, out, firstFrameMs: due } = await pacedAfterFirstFrame();
    for (let t = 0; t + 100 < due; t += 100) {
      clock.advance(100);
      await settle();
    }
    expect(out.frames).toHaveLength(1);
    clock.advance(250);
    await settle();
    expect(out.frames).toHaveLength(2);
    expect(out.lines).toEqual(['viewer 127.0.0.1:5000 asks for more than its budget: its requests are answered more slowly']);
  });

  it('paces on monotonic time: a wall clock stepped back an hour does not stall the replies', async () => {
    const { clock, out, firstFrameMs } = await pacedAfterFirstFrame();
    clock.stepWall(-3_600_000);
    clock.advance(firstFrameMs + 250);
    await settle();
    expect(out.frames).toHaveLength(2);
  });

  it(`holds at most ${MAX_PENDING_HISTORY} requests at once, the one being answered included`, async () => {
    const clock = new ManualClock();
    const out = new Output();
    out.holdWrites = true;
    const replies = new HistoryReplies({ history: historyOf(10), archive: undefined, wireTop: 15 }, out, buckets(clock), clock);
    for (let id = 1; id <= MAX_PENDING_HISTORY; id++) expect(replies.add(historyRequest(id, 0, HISTORY_END))).toBe(true);
    expect(replies.add(spikesRequest(99, 0, HISTORY_END))).toBe(false);
    await settle();
    expect(out.frames).toHaveLength(1);
    out.held.shift()?.();
    await settle();
    expect(replies.add(spikesRequest(99, 0, HISTORY_END))).toBe(true);
  });

  it('answers a spikes request with none when the agent keeps no store', async () => {
    const clock = new ManualClock();
    const out = new Output();
    const replies = new HistoryReplies({ history: historyOf(10), archive: undefined, wireTop: 15 }, out, buckets(clock), clock);
    replies.add(spikesRequest(3, 0, HISTORY_END));
    await settle();
    expect(out.parsed()).toEqual([{ type: 'spikes', id: 3, spikes: [], archive: null }]);
  });
});
