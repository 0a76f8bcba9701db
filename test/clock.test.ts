import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { realClock, sleep } from '../src/core/clock.js';

describe('realClock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 5000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tells the time and runs a timer once after its delay, or not at all when cancelled', () => {
    expect(realClock.now()).toBe(5000);
    const fired: string[] = [];
    realClock.after(100, () => fired.push('kept'));
    realClock.after(100, () => fired.push('cancelled')).cancel();
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual(['kept']);
    expect(realClock.now()).toBe(6099);
  });

  it('measures elapsed time on the monotonic clock, which a wall-clock step leaves alone', () => {
    const start = realClock.monotonic();
    vi.advanceTimersByTime(250);
    vi.setSystemTime(0);
    expect(realClock.now()).toBe(0);
    expect(realClock.monotonic() - start).toBe(250);
  });

  it('repeats a timer until it is cancelled; unref keeps the same timer', () => {
    let ticks = 0;
    const timer = realClock.every(250, () => ticks++);
    expect(timer.unref()).toBe(timer);
    vi.advanceTimersByTime(1000);
    expect(ticks).toBe(4);
    timer.cancel();
    vi.advanceTimersByTime(1000);
    expect(ticks).toBe(4);
  });

  it('sleep resolves after its delay on the clock it is given', async () => {
    let done = false;
    const slept = sleep(realClock, 500).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await slept;
    expect(done).toBe(true);
  });
});
