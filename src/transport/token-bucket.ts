/**
 * A budget that refills at a steady rate up to a burst: `take` spends (and may
 * overdraw), `waitMs` says how long until the balance is back to zero. Pure:
 * the caller passes the time.
 */
export class TokenBucket {
  private balance: number;
  private updatedAt: number;

  constructor(
    private readonly burst: number,
    private readonly perSec: number,
    now: number,
  ) {
    this.balance = burst;
    this.updatedAt = now;
  }

  /** Spends `amount`; the balance may go below zero, and the next waitMs pays it back. */
  take(amount: number, now: number): void {
    this.refill(now);
    this.balance -= amount;
  }

  /** Milliseconds until the balance is at least zero again (0 when it is). */
  waitMs(now: number): number {
    this.refill(now);
    return this.balance >= 0 ? 0 : Math.ceil((-this.balance / this.perSec) * 1000);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.updatedAt = Math.max(this.updatedAt, now);
    this.balance = Math.min(this.burst, this.balance + (elapsed / 1000) * this.perSec);
  }
}
