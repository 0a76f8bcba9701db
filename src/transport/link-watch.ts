import { realClock, type Clock, type Timer } from '../core/clock.js';

/**
 * The viewer's side of the heartbeat: pings the agent when nothing has been
 * heard for a third of the agent's heartbeat, and calls the link dead when a
 * third more passes without a message, ping or pong: a dead link (an agent
 * killed with -9, a cable pulled) shows within one heartbeat rather than
 * after TCP gives up. Pure: the caller passes the time.
 */
export class LinkWatch {
  readonly pingAfterMs: number;
  readonly deadAfterMs: number;
  private lastHeard: number;
  private lastPing = -Infinity;

  /** `heartbeatMs` comes from the agent's hello: kept within 0.3–60 s whatever it says. */
  constructor(heartbeatMs: number, now: number) {
    this.pingAfterMs = Math.round(Math.min(60_000, Math.max(300, heartbeatMs)) / 3);
    this.deadAfterMs = 2 * this.pingAfterMs;
    this.lastHeard = now;
  }

  /** Anything arrived from the agent. */
  heard(now: number): void {
    this.lastHeard = Math.max(this.lastHeard, now);
  }

  /** What to do now: ping the agent, give the link up, or nothing. */
  tick(now: number): 'ping' | 'dead' | null {
    const quiet = now - this.lastHeard;
    if (quiet > this.deadAfterMs) return 'dead';
    if (quiet >= this.pingAfterMs && now - this.lastPing >= this.pingAfterMs) {
      this.lastPing = now;
      return 'ping';
    }
    return null;
  }

  /** How often to call tick: often enough that death shows within a tenth of the heartbeat of its due time. */
  get tickMs(): number {
    return Math.round(this.pingAfterMs / 4);
  }
}

/** What the watchdog does when LinkWatch says so. */
export interface WatchdogActions {
  ping(): void;
  /** Nothing heard for `silentMs`: give the link up. */
  dead(silentMs: number): void;
}

/** A LinkWatch run by a timer on `clock`: the viewer's heartbeat watchdog for one connection. It calls `dead` once, then stops. */
export class LinkWatchdog {
  private readonly watch: LinkWatch;
  private readonly timer: Timer;

  constructor(
    heartbeatMs: number,
    actions: WatchdogActions,
    private readonly clock: Clock = realClock,
  ) {
    // Silence is a duration: monotonic time, which a wall-clock step cannot turn into a dead link.
    const watch = new LinkWatch(heartbeatMs, clock.monotonic());
    this.watch = watch;
    this.timer = clock.every(watch.tickMs, () => {
      const todo = watch.tick(clock.monotonic());
      if (todo === 'ping') actions.ping();
      else if (todo === 'dead') {
        // Given up once: the link is being cut.
        this.stop();
        actions.dead(watch.deadAfterMs);
      }
    });
  }

  /** Anything arrived from the agent. */
  heard(): void {
    this.watch.heard(this.clock.monotonic());
  }

  stop(): void {
    this.timer.cancel();
  }
}
