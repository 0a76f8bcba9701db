/**
 * Draws at a capped rate: however many samples, keys and resizes arrive, the
 * screen is rendered at most once per `minIntervalMs`, and a request made after
 * a quiet spell renders at once (a tick, or a key, shows without delay).
 */
export class RenderScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = -Infinity;
  private stopped = false;

  constructor(
    private readonly render: () => void,
    private readonly minIntervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  request(): void {
    if (this.stopped || this.timer !== undefined) return;
    const wait = this.last + this.minIntervalMs - this.now();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.timer = setTimeout(() => this.run(), wait);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.timer = undefined;
    if (this.stopped) return;
    this.last = this.now();
    this.render();
  }
}
