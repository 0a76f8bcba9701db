import { describe, expect, it } from 'vitest';
import type { Timeline } from '../src/core/timeline.js';
import { SampleHistory } from '../src/core/sample-history.js';
import type { HistoryWindow } from '../src/session/session-view.js';
import { StatusNote } from '../src/ui/status-note.js';
import { WindowFollower, type WindowOutcome } from '../src/ui/window-follower.js';
import { makeSample } from './helpers/make-sample.js';

const T = 1_800_000_000_000;

/** Samples every 2 s over [from, to] seconds after T. */
function windowOf(from: number, to: number): SampleHistory {
  const h = new SampleHistory(1000);
  for (let t = from; t <= to; t += 2) h.push(makeSample({ time: T + t * 1000 }));
  return h;
}

/** A stored history whose answers the test releases, one per seek, in the order it likes. */
function heldWindow(): { window: HistoryWindow; asked: number[]; answer: (i: number, tl: Timeline | null | Error) => Promise<void> } {
  const asked: number[] = [];
  const pending: ((tl: Timeline | null | Error) => void)[] = [];
  const window: HistoryWindow = {
    first: T,
    last: T + 10_000_000,
    seek: (time) => {
      asked.push(time);
      return new Promise((resolve, reject) => pending.push((tl) => (tl instanceof Error ? reject(tl) : resolve(tl))));
    },
  };
  const answer = async (i: number, tl: Timeline | null | Error): Promise<void> => {
    pending[i]?.(tl);
    await new Promise((r) => setImmediate(r));
  };
  return { window, asked, answer };
}

function follower(window: HistoryWindow, cursor: number): { f: WindowFollower; note: StatusNote; outcomes: WindowOutcome[] } {
  const note = new StatusNote();
  const outcomes: WindowOutcome[] = [];
  return { f: new WindowFollower(window, cursor, note, (o) => outcomes.push(o)), note, outcomes };
}

describe('WindowFollower', () => {
  const loaded = windowOf(0, 100);

  it('fetches nothing while the cursor stays inside the window', () => {
    const held = heldWindow();
    const { f, note } = follower(held.window, T + 50_000);
    f.follow(loaded, T + 10_000);
    f.follow(loaded, T + 100_000);
    expect(held.asked).toEqual([]);
    expect(note.text).toBe('');
  });

  it('fetches the window where the cursor went, says so meanwhile, and lands forward on the next sample', async () => {
    const held = heldWindow();
    const { f, note, outcomes } = follower(held.window, T + 50_000);
    f.follow(loaded, T + 501_000);
    f.follow(loaded, T + 501_000);
    expect(held.asked).toEqual([T + 501_000]);
    expect(note.text).toMatch(/^loading /);
    const there = windowOf(400, 600);
    await held.answer(0, there);
    expect(outcomes).toEqual([{ timeline: there, cursor: T + 502_000 }]);
    expect(note.text).toBe('');
  });

  it('drops an answer overtaken by a later move, and one that comes after the cursor went back inside', async () => {
    const held = heldWindow();
    const { f, outcomes } = follower(held.window, T + 50_000);
    f.follow(loaded, T + 501_000);
    f.follow(loaded, T + 901_000);
    await held.answer(0, windowOf(400, 600));
    expect(outcomes).toEqual([]);
    f.follow(loaded, T + 20_000);
    await held.answer(1, windowOf(800, 1000));
    expect(outcomes).toEqual([]);
  });

  it('puts the cursor back where it was inside, with why, when nothing is stored there or the fetch fails', async () => {
    const held = heldWindow();
    const { f, note, outcomes } = follower(held.window, T + 50_000);
    f.follow(loaded, T + 20_000);
    f.follow(loaded, T + 501_000);
    await held.answer(0, null);
    f.follow(loaded, T + 901_000);
    await held.answer(1, new Error('link down'));
    expect(outcomes).toEqual([
      { timeline: null, cursor: T + 20_000, message: expect.stringMatching(/^nothing stored around /) },
      { timeline: null, cursor: T + 20_000, message: expect.stringMatching(/^loading .* failed: link down$/) },
    ]);
    expect(note.text).toBe('');
  });

  it('leaves a later note alone when its answer comes', async () => {
    const held = heldWindow();
    const { f, note, outcomes } = follower(held.window, T + 50_000);
    f.follow(loaded, T + 501_000);
    note.set('drawing failed: boom');
    await held.answer(0, windowOf(400, 600));
    expect(outcomes).toHaveLength(1);
    expect(note.text).toBe('drawing failed: boom');
  });

  it('settles nothing once stopped', async () => {
    const held = heldWindow();
    const { f, outcomes } = follower(held.window, T + 50_000);
    f.follow(loaded, T + 501_000);
    f.stop();
    await held.answer(0, windowOf(400, 600));
    expect(outcomes).toEqual([]);
  });
});
