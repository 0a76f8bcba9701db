import { realClock, type Clock, type Timer } from '../core/clock.js';

/** Replay's play mode: while playing, ticks with the time elapsed since the last one. */
export class PlayTimer {
  private timer: Timer | undefined;
  private last = 0;

  constructor(
    private readonly onTick: (elapsedMs: number) => void,
    private readonly everyMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  /** Starts ticking when `playing` and not yet, stops when not `playing`. */
  sync(playing: boolean): void {
    if (playing && !this.timer) {
      this.last = this.clock.monotonic();
      this.timer = this.clock.every(this.everyMs, () => {
        // Measured, not assumed: a busy event loop fires late, and play speed must not drift with it.
        const now = this.clock.monotonic();
        const elapsedMs = now - this.last;
        this.last = now;
        this.onTick(elapsedMs);
      });
    } else if (!playing) {
      this.stop();
    }
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
