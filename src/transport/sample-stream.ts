import type { Sample } from '../core/sample.js';
import type { HistoryMessage } from '../protocol/wire-messages.js';
import { AsyncQueue } from './async-queue.js';

/** Live samples held while the catch-up streams in (an hour at 1 s); an agent whose catch-up never ends is dropped. */
const MAX_HELD_LIVE = 3600;

/**
 * The samples a viewer yields from one agent across reconnects: on every new
 * link the catch-up (everything after the newest sample yielded) comes first,
 * live samples arriving meanwhile wait, and no time is yielded twice or out of
 * order. One consumer.
 */
export class SampleStream {
  /** Time of the newest sample yielded: the dedupe and resume point. */
  private lastTime = -Infinity;
  /** While the catch-up reply streams in, live samples wait here. */
  private catchUp: { id: number; heldLive: Sample[] } | undefined;
  private readonly queue = new AsyncQueue<Sample>();

  constructor(private readonly maxHeldLive = MAX_HELD_LIVE) {}

  samples(): AsyncIterable<Sample> {
    return this.queue;
  }

  /** A new link: its catch-up reply will carry `id`. Returns the time to ask from. */
  beginCatchUp(id: number): number {
    this.catchUp = { id, heldLive: [] };
    // Times are integer ms, so +1 asks for exactly what came after the newest sample we have.
    return this.lastTime === -Infinity ? 0 : this.lastTime + 1;
  }

  /** A live sample: yielded, or held during the catch-up. False when too many are held: the catch-up never ends. */
  live(sample: Sample): boolean {
    if (!this.catchUp) this.emit(sample);
    else if (this.catchUp.heldLive.length < this.maxHeldLive) this.catchUp.heldLive.push(sample);
    else return false;
    return true;
  }

  /** A history chunk: taken (and yielded) when it belongs to the catch-up, else left for the request it answers. */
  catchUpChunk(msg: HistoryMessage): boolean {
    const catchUp = this.catchUp;
    if (!catchUp || msg.id !== catchUp.id) return false;
    // Yielded as they come (all older than the live samples held meanwhile): the viewer keeps no second copy.
    for (const s of msg.samples) this.emit(s);
    if (!msg.done) return true;
    this.catchUp = undefined;
    for (const s of catchUp.heldLive) this.emit(s);
    return true;
  }

  /** The link dropped: a catch-up under way is abandoned; the next link asks again from the newest sample yielded. */
  dropped(): void {
    this.catchUp = undefined;
  }

  /** No more samples: the consumer drains what is queued and finishes. */
  end(): void {
    this.queue.end();
  }

  private emit(sample: Sample): void {
    if (sample.time <= this.lastTime) return;
    this.lastTime = sample.time;
    this.queue.push(sample);
  }
}
