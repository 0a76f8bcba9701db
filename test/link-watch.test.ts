import { describe, expect, it } from 'vitest';
import { LinkWatch, LinkWatchdog } from '../src/transport/link-watch.js';
import { ManualClock } from './helpers/manual-clock.js';

describe('LinkWatch', () => {
  it('pings after a third of the heartbeat of silence, and gives the link up after two thirds: within one heartbeat', () => {
    const w = new LinkWatch(15_000, 0);
    expect(w.tick(4999)).toBeNull();
    expect(w.tick(5000)).toBe('ping');
    expect(w.tick(6000)).toBeNull();
    expect(w.tick(10_000)).toBe('ping');
    expect(w.tick(10_001)).toBe('dead');
    expect(w.deadAfterMs + w.tickMs).toBeLessThan(15_000);
  });

  it('anything heard starts the silence again', () => {
    const w = new LinkWatch(15_000, 0);
    for (let t = 1000; t < 60_000; t += 1000) {
      w.heard(t);
      expect(w.tick(t + 500)).toBeNull();
    }
  });

  it('keeps a hostile or odd heartbeat from the hello within bounds', () => {
    expect(new LinkWatch(0, 0).deadAfterMs).toBe(200);
    expect(new LinkWatch(1e12, 0).deadAfterMs).toBe(40_000);
  });
});

describe('LinkWatchdog', () => {
  function watchdog(clock: ManualClock): { dog: LinkWatchdog; events: string[] } {
    const events: string[] = [];
    const dog = new LinkWatchdog(1500, { ping: () => events.push(`ping at ${clock.now()}`), dead: (ms) => events.push(`dead at ${clock.now()} after ${ms}`) }, clock);
    return { dog, events };
  }

  it('pings a silent agent on its clock, then gives the link up within the heartbeat', () => {
    const clock = new ManualClock();
    const { events } = watchdog(clock);
    clock.advance(499);
    expect(events).toEqual([]);
    clock.advance(1000);
    expect(events).toEqual(['ping at 500', 'ping at 1000', 'dead at 1125 after 1000']);
  });

  it('stays quiet while anything is heard, and stops when told', () => {
    const clock = new ManualClock();
    const { dog, events } = watchdog(clock);
    for (let i = 0; i < 20; i++) {
      clock.advance(400);
      dog.heard();
    }
    expect(events).toEqual([]);
    dog.stop();
    clock.advance(10_000);
    expect(events).toEqual([]);
    expect(clock.pending()).toEqual([]);
  });
});

describe('LinkWatchdog on a stepped wall clock', () => {
  it('measures silence in monotonic time: a wall clock jumping an hour ahead does not kill a live link', () => {
    const clock = new ManualClock();
    const events: string[] = [];
    const dog = new LinkWatchdog(1500, { ping: () => events.push('ping'), dead: () => events.push('dead') }, clock);
    clock.advance(400);
    dog.heard();
    clock.stepWall(3_600_000);
    clock.advance(200);
    expect(events).toEqual([]);
    dog.stop();
  });
});
