/** Replay's play mode: while playing, ticks with the time elapsed since the last one. */
export class PlayTimer {
  private timer: ReturnType<typeof setInterval> | undefined;
  private clock = 0;

  constructor(
    private readonly onTick: (elapsedMs: number) => void,
    private readonly everyMs: number,
  ) {}

  /** Starts ticking when `playing` and not yet, stops when not `playing`. */
  sync(playing: boolean): void {
    if (playing && !this.timer) {
      this.clock = performance.now();
      this.timer = setInterval(() => {
        const now = performance.now();
        const elapsedMs = now - this.clock;
        this.clock = now;
        this.onTick(elapsedMs);
      }, this.everyMs);
    } else if (!playing) {
      this.stop();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
