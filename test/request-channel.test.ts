import { describe, expect, it } from 'vitest';
import type { Spike } from '../src/core/spike.js';
import type { HistoryMessage, ViewerMessage } from '../src/protocol/wire-messages.js';
import { MAX_HISTORY_IN_FLIGHT, RequestChannel, type StoredSpikes } from '../src/transport/request-channel.js';
import { rejection, sampleAt } from './fixtures/transport/harness.js';

/** The live link as the channel sees it: what was sent, and whether it takes more. */
function link(): { sent: ViewerMessage[]; up: boolean; send(msg: ViewerMessage): boolean } {
  const l = {
    sent: [] as ViewerMessage[],
    up: true,
    send: (msg: ViewerMessage): boolean => {
      if (!l.up) return false;
      l.sent.push(msg);
      return true;
    },
  };
  return l;
}

function reply(id: number, from: number, to: number, done: boolean): HistoryMessage {
  return { type: 'history', id, done, samples: Array.from({ length: to - from + 1 }, (_, k) => sampleAt(from + k)) };
}

const ids = (sent: ViewerMessage[]): number[] => sent.map((m) => ('id' in m ? m.id : -1));

describe('RequestChannel', () => {
  it(`keeps ${MAX_HISTORY_IN_FLIGHT} requests in flight; the rest go out as replies come in`, async () => {
    const l = link();
    const channel = new RequestChannel((m) => l.send(m));
    const a = channel.history(0, 10, false);
    const b = channel.spikes(0, 10);
    const c = channel.history(5, 6, true);
    expect(ids(l.sent)).toEqual([1, 2]);
    channel.onSpikes({ type: 'spikes', id: 2, spikes: [], archive: null });
    expect(await b).toEqual<StoredSpikes>({ spikes: [], archive: null });
    expect(l.sent.at(-1)).toMatchObject({ type: 'history-request', id: 3, from: 5, to: 6, archive: true });
    expect(channel.onHistory(reply(3, 5, 6, true))).toBeNull();
    expect(channel.onHistory(reply(1, 0, 4, false))).toBeNull();
    expect(channel.onHistory(reply(1, 5, 10, true))).toBeNull();
    expect((await a).map((s) => s.time)).toEqual(Array.from({ length: 11 }, (_, i) => sampleAt(i).time));
    expect((await c).length).toBe(2);
  });

  it('hands over the stored spikes of every metric in start order, latency ones from newerSpikes', async () => {
    const channel = new RequestChannel(() => true);
    const at = (start: number, metric: Spike['metric']): Spike => ({ id: `${metric}@${start}`, metric, start, end: start, peak: 1, peakAt: start, min: 1, avg: 1, baseline: 0, severity: 'notice', culprits: [] });
    const reply = channel.spikes(0, 10);
    const lat = { ...at(2, 'latency'), target: 'tcp://127.0.0.1:5432' };
    channel.onSpikes({ type: 'spikes', id: 1, spikes: [at(1, 'cpu'), at(3, 'memory')], newerSpikes: [lat], archive: null });
    expect((await reply).spikes).toEqual([at(1, 'cpu'), lat, at(3, 'memory')]);
  });

  it('shares its ids with the catch-up, so no reply is taken for another', async () => {
    const l = link();
    const channel = new RequestChannel((m) => l.send(m));
    expect(channel.newId()).toBe(1);
    const ours = channel.history(0, 1, false);
    expect(ids(l.sent)).toEqual([2]);
    // A reply to no request of ours is left alone: the request gets only its own reply's samples.
    channel.onHistory(reply(1, 5, 6, true));
    channel.onHistory(reply(2, 0, 1, true));
    expect((await ours).map((s) => s.time)).toEqual([sampleAt(0).time, sampleAt(1).time]);
  });

  it('holds requests while the link takes none, and sends them once it does', () => {
    const l = link();
    l.up = false;
    const channel = new RequestChannel((m) => l.send(m));
    void channel.history(0, 1, false);
    void channel.spikes(0, 1);
    expect(l.sent).toEqual([]);
    l.up = true;
    channel.flush();
    expect(ids(l.sent)).toEqual([1, 2]);
  });

  it('says to drop the link when a reply brings more than its bound', () => {
    const l = link();
    const channel = new RequestChannel((m) => l.send(m), 5);
    void channel.history(0, 100, false);
    expect(channel.onHistory(reply(1, 0, 3, false))).toBeNull();
    expect(channel.onHistory(reply(1, 4, 5, false))).toBe('a history reply of more than 5 samples');
  });

  it('fails every request in flight or waiting when the link drops', async () => {
    const l = link();
    const channel = new RequestChannel((m) => l.send(m));
    const all = [channel.history(0, 1, false), channel.spikes(0, 1), channel.history(2, 3, false)];
    channel.rejectAll(new Error('lost the connection'));
    for (const p of all) expect((await rejection(p)).message).toBe('lost the connection');
    // Nothing is left in flight: a new request goes out at once.
    void channel.history(4, 5, false);
    expect(l.sent.at(-1)).toMatchObject({ type: 'history-request', id: 4, from: 4, to: 5 });
    expect(l.sent).toHaveLength(MAX_HISTORY_IN_FLIGHT + 1);
  });
});
