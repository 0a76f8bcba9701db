import type { Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import {
  historyRequest,
  spikesRequest,
  type ArchiveExtent,
  type HistoryMessage,
  type SpikesMessage,
  type ViewerMessage,
} from '../protocol/wire-messages.js';

/** The agent's answer to a spikes request. */
export interface StoredSpikes {
  spikes: Spike[];
  /** The agent's store now; null when it keeps none. */
  archive: ArchiveExtent | null;
  /** Why the store could not be read, when it could not. */
  problem?: string;
}

/** A request waiting for its reply: samples in chunks, or the spikes in one message. */
type Pending =
  | {
      kind: 'history';
      id: number;
      from: number;
      to: number;
      archive: boolean;
      samples: Sample[];
      resolve(samples: Sample[]): void;
      reject(err: Error): void;
    }
  | { kind: 'spikes'; id: number; from: number; to: number; resolve(reply: StoredSpikes): void; reject(err: Error): void };

/** History and spikes requests this viewer keeps in flight; the agent refuses more than 4. */
export const MAX_HISTORY_IN_FLIGHT = 2;
/** The most samples one requested history reply may bring: no agent holds more in memory (--history's bound). */
const MAX_REPLY_SAMPLES = 86_400;

/**
 * A viewer's history and spikes requests to one agent: each gets an id, at
 * most MAX_HISTORY_IN_FLIGHT are sent at a time (the rest wait their turn),
 * and each reply reaches its own request, a history one gathered from its
 * chunks up to a bound. Requests do not outlive the link they were sent on.
 */
export class RequestChannel {
  private readonly inFlight = new Map<number, Pending>();
  private readonly waiting: Pending[] = [];
  private nextId = 1;

  constructor(
    /** Sends on the live link; false when there is none (the request waits). */
    private readonly send: (msg: ViewerMessage) => boolean,
    private readonly maxReplySamples = MAX_REPLY_SAMPLES,
  ) {}

  /** An id no request of this channel uses: the catch-up's reply shares the agent's id space. */
  newId(): number {
    return this.nextId++;
  }

  /** Samples with from ≤ time ≤ to; `archive` lets the agent read its store. */
  history(from: number, to: number, archive: boolean): Promise<Sample[]> {
    return this.add<Sample[]>((resolve, reject) => ({ kind: 'history', id: this.newId(), from, to, archive, samples: [], resolve, reject }));
  }

  /** The stored spikes that overlap [from, to]. */
  spikes(from: number, to: number): Promise<StoredSpikes> {
    return this.add<StoredSpikes>((resolve, reject) => ({ kind: 'spikes', id: this.newId(), from, to, resolve, reject }));
  }

  /**
   * A chunk of a history reply. Returns why the link must be dropped (a reply
   * longer than the bound), or null; a chunk for no request of ours is ignored.
   */
  onHistory(msg: HistoryMessage): string | null {
    const pending = this.inFlight.get(msg.id);
    if (pending?.kind !== 'history') return null;
    if (pending.samples.length + msg.samples.length > this.maxReplySamples) return `a history reply of more than ${this.maxReplySamples} samples`;
    for (const s of msg.samples) pending.samples.push(s);
    if (!msg.done) return null;
    this.inFlight.delete(msg.id);
    pending.resolve(pending.samples);
    this.flush();
    return null;
  }

  onSpikes(msg: SpikesMessage): void {
    const pending = this.inFlight.get(msg.id);
    if (pending?.kind !== 'spikes') return;
    this.inFlight.delete(msg.id);
    // In start order again: a start never changes, so the two lists interleave by it.
    const spikes = msg.newerSpikes?.length ? [...msg.spikes, ...msg.newerSpikes].sort((a, b) => a.start - b.start) : msg.spikes;
    pending.resolve({ spikes, archive: msg.archive, ...(msg.problem !== undefined ? { problem: msg.problem } : {}) });
    this.flush();
  }

  /** Sends waiting requests while fewer than MAX_HISTORY_IN_FLIGHT are out and the link takes them. */
  flush(): void {
    while (this.inFlight.size < MAX_HISTORY_IN_FLIGHT) {
      const req = this.waiting.shift();
      if (!req) return;
      const msg = req.kind === 'history' ? historyRequest(req.id, req.from, req.to, { archive: req.archive }) : spikesRequest(req.id, req.from, req.to);
      if (!this.send(msg)) {
        this.waiting.unshift(req);
        return;
      }
      this.inFlight.set(req.id, req);
    }
  }

  /** The link dropped: every request in flight or waiting fails with `err`. */
  rejectAll(err: Error): void {
    for (const req of [...this.inFlight.values(), ...this.waiting]) req.reject(err);
    this.inFlight.clear();
    this.waiting.length = 0;
  }

  private add<T>(make: (resolve: (value: T) => void, reject: (err: Error) => void) => Pending): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(make(resolve, reject));
      this.flush();
    });
  }
}
