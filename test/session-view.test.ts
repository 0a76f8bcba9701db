import { afterEach, describe, expect, it, vi } from 'vitest';
import { detectSpikes } from '../src/analysis/spike-detector.js';
import { DEFAULT_THRESHOLDS } from '../src/analysis/thresholds.js';
import type { Sample } from '../src/core/sample.js';
import type { Timeline } from '../src/core/timeline.js';
import { SampleHistory } from '../src/core/sample-history.js';
import { LiveHistory } from '../src/session/live-history.js';
import { SessionHub } from '../src/session/session-hub.js';
import { followView, liveHub, liveView, replayView, type SessionView } from '../src/session/session-view.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';
import { ScriptedSource } from './helpers/scripted-source.js';
import { waitFor } from './fixtures/transport/harness.js';
import { SPIKE_AT, T0, scenario } from './fixtures/ui/scenario.js';

/**
 * The views a screen reads, over real hubs fed scripted streams: live (the
 * hub's own history), following (a history of its own, the hub's spikes) and
 * replay (a fixed timeline, optionally a window of a longer one).
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const time = (i: number): number => T0 + i * 1000;

function timelineOf(samples: readonly Sample[]): SampleHistory {
  const h = new SampleHistory(Math.max(1, samples.length));
  for (const s of samples) h.push(s);
  return h;
}

/** Counts the change notices a view gives. */
function changes(view: SessionView): () => number {
  let n = 0;
  const off = view.onChange(() => n++);
  cleanups.push(async () => {
    off();
  });
  return () => n;
}

describe('liveView', () => {
  it('reads the hub’s own history, spikes and thresholds, with process events taken from whole samples', async () => {
    const source = new ScriptedSource(scenario());
    const hub = liveHub(source, { top: 3, thresholds: { cpu: { absolute: 95 } } });
    cleanups.push(() => hub.close());
    const view = liveView(hub);
    const changed = changes(view);
    hub.start();
    await waitFor('the scenario', () => view.timeline.length === 100);
    expect(view.mode).toBe('live');
    expect(view.label).toBe('scripted');
    expect(view.timeline).toBe(hub.history);
    expect(view.spikes()).toBe(hub.spikes());
    expect(view.thresholds.cpu.absolute).toBe(95);
    expect(changed()).toBeGreaterThanOrEqual(100);
    // alloc started at SPIKE_AT - 1 and exited after SPIKE_AT + 2, whatever the slim history kept.
    const at = (i: number): Sample => view.timeline.at(i) as Sample;
    expect(view.eventsOf(view.timeline, SPIKE_AT - 1)?.map((e) => `${e.kind} ${e.name}`)).toEqual(['start alloc']);
    expect(view.eventsOf(view.timeline, 100)).toBeUndefined();
    expect(view.usersOf(at(99)).map((u) => u.user).sort()).toEqual(['alice', 'postgres', 'root']);
    expect(view.status()).toBe('');
    source.end();
    await hub.ended();
    expect(view.status()).toBe('scripted: no more samples');
  });

  it('answers process events from the history’s times, decoding no sample (the events panel looks back ten minutes every frame)', async () => {
    const source = new ScriptedSource(scenario());
    const hub = liveHub(source, { top: 3 });
    cleanups.push(() => hub.close());
    const view = liveView(hub);
    hub.start();
    await waitFor('the scenario', () => view.timeline.length === 100);
    const at = vi.spyOn(hub.history, 'at');
    const seen: string[] = [];
    for (let i = 99; i > 0; i--) seen.push(...(view.eventsOf(view.timeline, i) ?? []).map((e) => `${e.kind} ${e.name}`));
    expect(seen).toContain('start alloc');
    expect(seen).toContain('exit alloc');
    expect(at).not.toHaveBeenCalled();
  });
});

describe('followView', () => {
  it('opens with everything the hub held, then follows it live; close() stops only the view', async () => {
    const all = scenario(40);
    const source = new ScriptedSource(all.slice(0, 30));
    const hub = new SessionHub(source, { history: new LiveHistory(3600, 15) }).start();
    cleanups.push(() => hub.close());
    await waitFor('the held samples', () => hub.history.length === 30);
    const view = followView(hub, { top: 15 });
    await waitFor('the view to catch up', () => view.timeline.length === 30);
    expect(view.timeline).not.toBe(hub.history);
    source.push(all[30] as Sample);
    await waitFor('the live sample', () => view.timeline.length === 31);
    expect(view.timeline.at(30)?.time).toBe(time(30));

    await view.close();
    source.push(all[31] as Sample);
    await waitFor('the hub to go on', () => hub.history.length === 32);
    expect(view.timeline.length).toBe(31);
  });

  it('shows the hub’s one detector’s spikes, even of samples its own history never held', async () => {
    // The hub keeps 10 samples; the memory spike at SPIKE_AT has left its history before the view opens.
    const source = new ScriptedSource(scenario(SPIKE_AT + 20));
    const hub = new SessionHub(source, { history: new LiveHistory(10, 15) }).start();
    cleanups.push(() => hub.close());
    source.end();
    await hub.ended();
    const view = followView(hub, { top: 15 });
    cleanups.push(() => view.close());
    await waitFor('the view to catch up', () => view.timeline.length === 10);
    expect(view.timeline.at(0)?.time).toBeGreaterThan(time(SPIKE_AT + 2));
    expect(view.spikes().map((s) => s.metric)).toEqual(['memory']);
    expect(view.spikes()[0]?.culprits[0]).toMatchObject({ pid: 4242, name: 'alloc' });
  });
});

describe('replayView', () => {
  it('serves a fixed timeline and its spikes, default thresholds, events taken from consecutive samples', () => {
    const samples = scenario();
    const spikes = detectSpikes(samples);
    const view = replayView({ timeline: timelineOf(samples), spikes });
    expect(view.mode).toBe('replay');
    expect(view.label).toBe('replay');
    expect(view.spikes()).toBe(spikes);
    expect(view.cursor).toBeUndefined();
    expect(view.window).toBeUndefined();
    expect(view.thresholds).toEqual(DEFAULT_THRESHOLDS);
    const events = view.eventsOf(view.timeline, SPIKE_AT + 2);
    expect(events?.map((e) => `${e.kind} ${e.name}`)).toEqual(['exit alloc']);
    // Remembered per sample: asking again gives the same list.
    expect(view.eventsOf(view.timeline, SPIKE_AT + 2)).toBe(events);
    expect(view.eventsOf(view.timeline, samples.length)).toBeUndefined();
    expect(view.status()).toBe('');
  });

  it('counts per-user totals over the sample’s processes', () => {
    const s = makeSample({
      time: T0,
      processes: [makeProcess({ pid: 1, name: 'a', user: 'alice', cpu: 10 }), makeProcess({ pid: 2, name: 'b', user: 'alice', cpu: 5 }), makeProcess({ pid: 3, name: 'c', user: 'bob', uid: 1001, cpu: 1 })],
    });
    const view = replayView({ timeline: timelineOf([s]), spikes: [] });
    expect(view.usersOf(s).map((u) => [u.user, u.processes])).toEqual([
      ['alice', 2],
      ['bob', 1],
    ]);
  });

  it('carries a starting cursor and the window a stored history is browsed through', () => {
    const samples = scenario();
    const window = { first: time(0), last: time(99), seek: (): Promise<Timeline | null> => Promise.resolve(null) };
    const view = replayView({ timeline: timelineOf(samples.slice(0, 10)), spikes: [], cursor: time(5), window });
    expect(view.cursor).toBe(time(5));
    expect(view.window).toBe(window);
  });
});
