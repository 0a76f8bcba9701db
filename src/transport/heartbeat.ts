import { randomBytes } from 'node:crypto';
import { realClock, type Clock, type Timer } from '../core/clock.js';

/** What the heartbeat needs of one viewer's connection. */
export interface HeartbeatPeer {
  /** Bytes queued for the peer and not yet sent. */
  readonly bufferedAmount: number;
  ping(nonce: Buffer): void;
  terminate(): void;
}

/**
 * One viewer's side of the agent's heartbeat. Each beat drops a viewer that did
 * not answer the last ping, or whose send buffer stayed over its bound for a
 * whole heartbeat (it does not read); otherwise it pings with a fresh nonce,
 * because only the matching pong proves the viewer reads (an unsolicited pong
 * proves nothing).
 */
export class PeerHeartbeat {
  private pingNonce: Buffer | undefined;
  private overAtLastBeat = false;

  constructor(
    private readonly peer: HeartbeatPeer,
    private readonly maxBufferedBytes: number,
  ) {}

  /** Pings the peer, or terminates it and returns why. */
  beat(): string | null {
    const over = this.peer.bufferedAmount > this.maxBufferedBytes;
    const why =
      this.pingNonce !== undefined
        ? 'did not answer the heartbeat'
        : over && this.overAtLastBeat
          ? `has not read for a heartbeat (${this.peer.bufferedAmount} bytes unsent)`
          : null;
    this.overAtLastBeat = over;
    if (why) {
      this.peer.terminate();
      return why;
    }
    this.pingNonce = randomBytes(8);
    this.peer.ping(this.pingNonce);
    return null;
  }

  /** A pong arrived: it answers the heartbeat only if it carries the last nonce. */
  pong(data: Buffer): void {
    if (this.pingNonce?.equals(data)) this.pingNonce = undefined;
  }
}

/** A viewer link as the heartbeat sees it. */
export interface Beating {
  readonly name: string;
  /** One beat: returns why the link was dropped, or null. */
  heartbeat(): string | null;
}

export interface HeartbeatOptions {
  everyMs: number;
  /** The links to beat, read at each beat. */
  links(): Iterable<Beating>;
  /** A link was dropped by this beat. */
  onDrop(link: Beating, why: string): void;
  /** Runs first at each beat, with the clock's time: housekeeping that needs no timer of its own. */
  onBeat?(now: number): void;
  clock?: Clock;
}

/** The agent's heartbeat: every `everyMs`, each viewer link gets its beat. */
export class Heartbeat {
  private readonly timer: Timer;

  constructor(opts: HeartbeatOptions) {
    const clock = opts.clock ?? realClock;
    this.timer = clock.every(opts.everyMs, () => {
      opts.onBeat?.(clock.now());
      for (const link of opts.links()) {
        const why = link.heartbeat();
        if (why) opts.onDrop(link, why);
      }
    });
  }

  stop(): void {
    this.timer.cancel();
  }
}
