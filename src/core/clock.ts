/** A pending timer: cancel it, or let the process exit while it waits. */
export interface Timer {
  cancel(): void;
  /** The timer no longer keeps the process alive. Returns itself. */
  unref(): Timer;
}

/**
 * Time and timers for every piece of timing logic: the transport's (reconnect
 * backoff, heartbeats, the link watchdog, deadlines, pacing) and the collector's
 * (the fast watch's polling, the live source's sampling loop). Injected, so tests
 * can run it on a clock they advance themselves; `realClock` is the default everywhere.
 */
export interface Clock {
  /** Wall-clock milliseconds, as Date.now(). */
  now(): number;
  /**
   * Monotonic milliseconds, as performance.now(): for measuring how long passed,
   * which a wall-clock step (NTP, a suspended VM) must not distort.
   */
  monotonic(): number;
  /** Calls `fn` once after `ms`. */
  after(ms: number, fn: () => void): Timer;
  /** Calls `fn` every `ms` until cancelled. */
  every(ms: number, fn: () => void): Timer;
}

function wrap(handle: NodeJS.Timeout, clear: (h: NodeJS.Timeout) => void): Timer {
  const timer: Timer = {
    cancel: () => clear(handle),
    unref: () => {
      handle.unref();
      return timer;
    },
  };
  return timer;
}

/** Node's timers, Date.now and performance.now, looked up at each call (so vitest's fake timers reach them too). */
export const realClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  after: (ms, fn) => wrap(setTimeout(fn, ms), (h) => clearTimeout(h)),
  every: (ms, fn) => wrap(setInterval(fn, ms), (h) => clearInterval(h)),
};

/** Resolves after `ms` on `clock`. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.after(ms, () => resolve());
  });
}
