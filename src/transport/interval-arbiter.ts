import type { SampleSource } from '../core/source.js';
import { effectiveInterval } from './agent-policy.js';

/** A live source whose rate the agent can change while a viewer asks for it (LiveSource is one). */
export interface AgentSource extends SampleSource {
  readonly intervalMs: number;
  setIntervalMs(ms: number): void;
}

/**
 * Decides the agent's sampling interval from what its viewers ask: the
 * fastest request within [minMs, the source's own interval], the source's own
 * when nobody asks. Changes go to the source, the log and the viewers.
 */
export class IntervalArbiter {
  /** The source's own interval, when no viewer asks for faster. */
  readonly baseMs: number;

  constructor(
    private readonly source: AgentSource,
    readonly minMs: number,
    private readonly log: (line: string) => void,
    /** Tells every viewer the new interval. */
    private readonly announce: (ms: number) => void,
  ) {
    this.baseMs = source.intervalMs;
  }

  /** The interval the source runs at now. */
  get currentMs(): number {
    return this.source.intervalMs;
  }

  /** The viewers' requests changed (one asked, withdrew or left): `requests` are all of them now. */
  decide(requests: Iterable<number | null>): void {
    const ms = effectiveInterval(this.baseMs, requests, this.minMs);
    if (ms === this.source.intervalMs) return;
    this.source.setIntervalMs(ms);
    this.log(ms === this.baseMs ? `sampling every ${ms} ms again (no viewer asks for faster)` : `sampling every ${ms} ms (a viewer asked)`);
    this.announce(ms);
  }

  /** The agent stops: the source goes back to its own interval. */
  restore(): void {
    if (this.source.intervalMs !== this.baseMs) this.source.setIntervalMs(this.baseMs);
  }
}
