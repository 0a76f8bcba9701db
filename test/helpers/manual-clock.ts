import type { Clock, Timer } from '../../src/core/clock.js';

interface Entry {
  at: number;
  fn: () => void;
  /** Repeats every this many ms; undefined for a one-shot timer. */
  every: number | undefined;
  cancelled: boolean;
}

/** A Clock that moves only when the test advances it: timers fire in time order inside advance(). */
export class ManualClock implements Clock {
  private readonly entries: Entry[] = [];
  /** How far the wall clock was stepped away from monotonic time (stepWall). */
  private wallOffset = 0;

  constructor(private time = 0) {}

  now(): number {
    return this.time + this.wallOffset;
  }

  /** The same time as now() until the test steps the wall clock. advance() moves both. */
  monotonic(): number {
    return this.time;
  }

  /** Steps the wall clock alone, as NTP or a resumed VM does: monotonic time and timers stay put. */
  stepWall(ms: number): void {
    this.wallOffset += ms;
  }

  after(ms: number, fn: () => void): Timer {
    return this.add(ms, fn, undefined);
  }

  every(ms: number, fn: () => void): Timer {
    return this.add(ms, fn, Math.max(1, ms));
  }

  /** Delays from now of the timers still waiting, soonest first. */
  pending(): number[] {
    return this.live()
      .map((e) => e.at - this.time)
      .sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.live().sort((a, b) => a.at - b.at)[0];
      if (!next || next.at > end) break;
      this.time = next.at;
      if (next.every === undefined) next.cancelled = true;
      else next.at += next.every;
      next.fn();
    }
    this.time = end;
  }

  private live(): Entry[] {
    return this.entries.filter((e) => !e.cancelled);
  }

  private add(ms: number, fn: () => void, every: number | undefined): Timer {
    const entry: Entry = { at: this.time + Math.max(0, ms), fn, every, cancelled: false };
    this.entries.push(entry);
    const timer: Timer = {
      cancel: () => {
        entry.cancelled = true;
      },
      unref: () => timer,
    };
    return timer;
  }
}
