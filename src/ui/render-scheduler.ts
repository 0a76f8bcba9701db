import { realClock, type Clock, type Timer } from '../core/clock.js';

/**
 * Draws at a capped rate: however many samples, keys and resizes arrive, the
 * screen is rendered at most once per `minIntervalMs`, and a request made after
 * a quiet spell renders at once (a tick, or a key, shows without delay).
 */
export class RenderScheduler {
  private timer: Timer | undefined;
  private last = -Infinity;
  private stopped = false;

  constructor(
    private readonly render: () => void,
    private readonly minIntervalMs = 100,
    private readonly clock: Clock = realClock,
  ) {}

  request(): void {
    if (this.stopped || this.timer !== undefined) return;
    const wait = this.last + this.minIntervalMs - this.clock.monotonic();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.timer = this.clock.after(wait, () => this.run());
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private run(): void {
    this.timer = undefined;
    if (this.stopped) return;
    this.last = this.clock.monotonic();
    this.render();
  }
}
