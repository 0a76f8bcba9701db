import { describe, expect, it } from 'vitest';
import { PlayTimer } from '../src/ui/play-timer.js';
import { ManualClock } from './helpers/manual-clock.js';

describe('PlayTimer', () => {
  it('ticks with the time that passed while playing, and not after it stops', () => {
    const clock = new ManualClock(1000);
    const ticks: number[] = [];
    const timer = new PlayTimer((ms) => ticks.push(ms), 100, clock);
    timer.sync(true);
    timer.sync(true); // already playing: no second timer
    clock.advance(250);
    expect(ticks).toEqual([100, 100]);
    timer.sync(false);
    clock.advance(500);
    expect(ticks).toEqual([100, 100]);
    expect(clock.pending()).toEqual([]);
  });

  it('measures from when play resumed, not from when it stopped', () => {
    const clock = new ManualClock();
    const ticks: number[] = [];
    const timer = new PlayTimer((ms) => ticks.push(ms), 100, clock);
    timer.sync(true);
    clock.advance(100);
    timer.stop();
    clock.advance(5000);
    timer.sync(true);
    clock.advance(100);
    expect(ticks).toEqual([100, 100]);
  });
});
