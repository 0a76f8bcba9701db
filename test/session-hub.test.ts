import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../src/core/errors.js';
import type { Sample } from '../src/core/sample.js';
import type { SampleSource } from '../src/core/source.js';
import type { Spike } from '../src/core/spike.js';
import { LiveHistory } from '../src/session/live-history.js';
import { SessionHub } from '../src/session/session-hub.js';
import { ScriptedSource } from './helpers/scripted-source.js';
import { drain, times, waitFor } from './fixtures/transport/harness.js';
import { CPU_SPIKE_AT, T0, scenario } from './fixtures/ui/scenario.js';

/**
 * The session hub over scripted streams of the UI scenario (a memory spike at
 * 03:12:05, a CPU spike at 03:12:25): the real history, the real detector.
 */
const hubs: SessionHub[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close();
});

function hubOver<S extends SampleSource>(source: S, capacity = 3600): SessionHub<S, LiveHistory> {
  const hub = new SessionHub(source, { history: new LiveHistory(capacity, 15) });
  hubs.push(hub);
  return hub;
}

const time = (i: number): number => T0 + i * 1000;
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => time(from + k));

describe('SessionHub', () => {
  it('hands each sample to the history, the one detector, then every subscriber with the spikes it changed', async () => {
    const source = new ScriptedSource(scenario());
    const hub = hubOver(source);
    const seen: number[] = [];
    const closedSeen: Spike[] = [];
    hub.subscribe((sample, changed) => {
      // The history already holds the sample a subscriber is given.
      expect(hub.history.timeAt(hub.history.length - 1)).toBe(sample.time);
      seen.push(sample.time);
      closedSeen.push(...changed.filter((s) => s.end !== null));
    });
    source.end();
    await hub.start().ended();
    expect(seen).toEqual(range(0, 100));
    expect(hub.history.length).toBe(100);
    // Every subscriber sees the spikes the hub's detector found, as they close.
    expect(hub.spikes().map((s) => s.metric).sort()).toEqual(['cpu', 'memory']);
    expect(closedSeen.map((s) => s.id).sort()).toEqual(hub.spikes().map((s) => s.id).sort());
    expect(hub.spikes().find((s) => s.metric === 'memory')?.culprits[0]).toMatchObject({ pid: 4242, name: 'alloc' });
    expect(hub.spikes().find((s) => s.metric === 'cpu')?.start).toBe(time(CPU_SPIKE_AT));
    expect(hub.problem).toBe('scripted: no more samples');
  });

  it('skips a resent overlap, and a sample the history refuses, saying so', async () => {
    const all = scenario(10);
    const source = new ScriptedSource([...all.slice(0, 6), ...all.slice(3, 8)]);
    const hub = hubOver(source);
    const seen: number[] = [];
    hub.subscribe((s) => seen.push(s.time));
    hub.start();
    await waitFor('the stream', () => seen.length === 8);
    expect(seen).toEqual(range(0, 8));

    source.push({ ...(all[8] as Sample), processes: null } as unknown as Sample);
    await waitFor('the refusal', () => hub.problem.startsWith('bad sample skipped'));
    source.push(all[9] as Sample);
    await waitFor('the next sample', () => seen.length === 9);
    expect(seen.at(-1)).toBe(time(9));
  });

  it('keeps a failing subscriber to itself: the others and the stream go on', async () => {
    const source = new ScriptedSource(scenario(5));
    const hub = hubOver(source);
    const errors: unknown[] = [];
    hub.subscribe(() => {
      throw new Error('disk full');
    }, (err) => errors.push(err));
    hub.subscribe(() => {
      throw new Error('socket gone');
    }, undefined, 'recording');
    const seen: number[] = [];
    hub.subscribe((s) => seen.push(s.time));
    source.end();
    await hub.start().ended();
    expect(seen).toEqual(range(0, 5));
    expect(errors).toHaveLength(5);
    expect(hub.history.length).toBe(5);
  });

  it('names a failing subscriber in its problem', async () => {
    const source = new ScriptedSource(scenario(2));
    const hub = hubOver(source);
    hub.subscribe(() => {
      throw new Error('socket gone');
    }, undefined, 'recording');
    hub.start();
    await waitFor('the failure', () => hub.problem === 'recording failed: socket gone');
  });

  it('first() takes the first sample and holds it until start(): a subscriber added meanwhile misses nothing', async () => {
    const source = new ScriptedSource(scenario(5));
    const hub = hubOver(source);
    const first = await hub.first();
    expect(first.time).toBe(time(0));
    // Held: nothing taken yet, and the source is not read further.
    expect(hub.history.length).toBe(0);
    expect(source.delivered).toBe(1);
    const seen: number[] = [];
    hub.subscribe((s) => seen.push(s.time));
    source.end();
    await hub.start().ended();
    expect(seen).toEqual(range(0, 5));
  });

  it('first() rejects with one line when the source ends before a sample, and with its error when it throws', async () => {
    const empty = new ScriptedSource([]);
    empty.end();
    const hub = hubOver(empty);
    await expect(hub.first()).rejects.toThrow(new UserError('scripted ended before its first sample'));

    const broken: SampleSource = {
      label: 'broken',
      kind: 'live',
      // eslint-disable-next-line require-yield
      samples: async function* () {
        throw new Error('collector gone');
      },
      close: () => Promise.resolve(),
    };
    const other = hubOver(broken);
    await expect(other.first()).rejects.toThrow('collector gone');
    await expect(other.start().ended()).rejects.toThrow('collector gone');
    expect(other.problem).toBe('broken failed: collector gone');
  });

  it('follow(): everything held, then live, by time; closing a follower stops only it', async () => {
    const all = scenario(30);
    const source = new ScriptedSource(all.slice(0, 20));
    const hub = hubOver(source).start();
    await waitFor('the held samples', () => hub.history.length === 20);

    const follower = hub.follow();
    const a = drain(follower);
    await waitFor('the follower to catch up', () => a.got.length === 20);
    for (const s of all.slice(20, 25)) source.push(s);
    await waitFor('the live samples', () => a.got.length === 25);
    expect(times(a.got)).toEqual(range(0, 25));

    await follower.close();
    await a.ended;
    for (const s of all.slice(25, 30)) source.push(s);
    await waitFor('the hub to go on', () => hub.history.length === 30);
    expect(a.got).toHaveLength(25);
    const again = drain(hub.follow());
    await waitFor('a second follower', () => again.got.length === 30);
    expect(times(again.got)).toEqual(range(0, 30));
  });

  it('follow() far behind a wrapping history skips what was dropped, never repeats; close() ends it', async () => {
    const all = scenario(60);
    const source = new ScriptedSource(all.slice(0, 20));
    const hub = hubOver(source, 10).start();
    await waitFor('the held samples', () => hub.history.timeAt(hub.history.length - 1) === time(19));
    const it = hub.follow().samples()[Symbol.asyncIterator]();
    const read: Sample[] = [];
    for (let k = 0; k < 3; k++) read.push((await it.next()).value as Sample);
    for (const s of all.slice(20, 40)) source.push(s);
    await waitFor('the hub to take them', () => hub.history.timeAt(hub.history.length - 1) === time(39));
    for (let k = 0; k < 10; k++) read.push((await it.next()).value as Sample);
    expect(times(read)).toEqual([...range(10, 13), ...range(30, 40)]);
    const waiting = it.next();
    await hub.close();
    expect((await waiting).done).toBe(true);
  });

  it('stream(): the samples from now on, for one more consumer; ends when the hub closes', async () => {
    const all = scenario(10);
    const source = new ScriptedSource(all.slice(0, 3));
    const hub = hubOver(source).start();
    await waitFor('the first samples', () => hub.history.length === 3);
    const stream = drain(hub.stream());
    for (const s of all.slice(3, 10)) source.push(s);
    await waitFor('the streamed samples', () => stream.got.length === 7);
    expect(times(stream.got)).toEqual(range(3, 10));
    await hub.close();
    await stream.ended;
  });
});
