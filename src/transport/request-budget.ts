import { realClock, type Clock } from '../core/clock.js';
import { TokenBucket } from './token-bucket.js';

/**
 * What one address's viewers' requests may cost the agent: JSON bytes served for history,
 * archive and spikes requests, and milliseconds of work reading the store.
 * Each is a token bucket: the burst is served at once, then the refill rate
 * paces the replies (they slow down; the link stays up). Live samples are not
 * counted.
 */
export interface RequestBudget {
  bytesBurst: number;
  bytesPerSec: number;
  workMsBurst: number;
  workMsPerSec: number;
}

/**
 * An hour's backfill (~18 MB of JSON at 1 s) goes at once; beyond that 4 MB/s
 * (~7 % of a core deflating). Reading the store: 3 s of work at once (five
 * ±5-minute windows), then 100 ms per second.
 */
export const DEFAULT_REQUEST_BUDGET: RequestBudget = { bytesBurst: 64 * 1024 * 1024, bytesPerSec: 4 * 1024 * 1024, workMsBurst: 3000, workMsPerSec: 100 };

/**
 * The buckets a link spends from: shared by the links of one address, so reconnecting does not refill them.
 * Their time is the clock's monotonic(): refilling measures how long passed.
 */
export interface RequestBuckets {
  readonly bytes: TokenBucket;
  readonly work: TokenBucket;
}

/** One link's hold on its address's buckets. */
export interface BudgetLease {
  readonly buckets: RequestBuckets;
  /** The link is gone: the address's buckets start to age from now. */
  release(): void;
}

/** How long an address's request budget outlives its last viewer: longer than either bucket takes to refill. */
export const BUDGET_MEMORY_MS = 60_000;

interface AddressEntry {
  buckets: RequestBuckets;
  links: number;
  idleSince: number;
}

/** Request budgets per source address, kept a while after its last viewer left: reconnecting does not refill them. */
export class AddressBudgets {
  private readonly entries = new Map<string, AddressEntry>();

  constructor(
    private readonly budget: RequestBudget,
    private readonly clock: Clock = realClock,
  ) {}

  /** Addresses whose budget is remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** The buckets of `address`, shared with its other links, held until the lease is released. */
  acquire(address: string): BudgetLease {
    let entry = this.entries.get(address);
    if (!entry) {
      const now = this.clock.monotonic();
      const { bytesBurst, bytesPerSec, workMsBurst, workMsPerSec } = this.budget;
      entry = { buckets: { bytes: new TokenBucket(bytesBurst, bytesPerSec, now), work: new TokenBucket(workMsBurst, workMsPerSec, now) }, links: 0, idleSince: now };
      this.entries.set(address, entry);
    }
    const held = entry;
    held.links++;
    let released = false;
    return {
      buckets: held.buckets,
      release: () => {
        if (released) return;
        released = true;
        held.links--;
        held.idleSince = this.clock.monotonic();
      },
    };
  }

  /** Forgets the addresses without a link for longer than BUDGET_MEMORY_MS; `now` is monotonic time. */
  forgetIdle(now: number): void {
    for (const [address, e] of this.entries) if (e.links === 0 && now - e.idleSince > BUDGET_MEMORY_MS) this.entries.delete(address);
  }
}
