import { describe, expect, it } from 'vitest';
import { AddressBudgets, BUDGET_MEMORY_MS, type RequestBudget } from '../src/transport/request-budget.js';
import { ManualClock } from './helpers/manual-clock.js';

const budget: RequestBudget = { bytesBurst: 1000, bytesPerSec: 100, workMsBurst: 50, workMsPerSec: 10 };

describe('AddressBudgets', () => {
  it('gives the links of one address the same buckets, another address its own', () => {
    const budgets = new AddressBudgets(budget, new ManualClock());
    const a1 = budgets.acquire('10.0.0.1');
    const a2 = budgets.acquire('10.0.0.1');
    const b = budgets.acquire('10.0.0.2');
    expect(a2.buckets).toBe(a1.buckets);
    expect(b.buckets).not.toBe(a1.buckets);
    expect(budgets.size).toBe(2);
  });

  it('reconnecting does not refill a spent budget: it outlives the last link by BUDGET_MEMORY_MS', () => {
    const clock = new ManualClock(1_000_000);
    const budgets = new AddressBudgets(budget, clock);
    const first = budgets.acquire('10.0.0.1');
    first.buckets.bytes.take(10_000, clock.monotonic());
    first.release();
    first.release();
    clock.advance(BUDGET_MEMORY_MS);
    budgets.forgetIdle(clock.monotonic());
    const again = budgets.acquire('10.0.0.1');
    expect(again.buckets).toBe(first.buckets);
    // 9000 overdrawn, 6000 refilled in 60 s at 100/s: still 30 s to wait.
    expect(again.buckets.bytes.waitMs(clock.monotonic())).toBe(30_000);
    again.release();
    clock.advance(BUDGET_MEMORY_MS + 1);
    budgets.forgetIdle(clock.monotonic());
    expect(budgets.size).toBe(0);
    expect(budgets.acquire('10.0.0.1').buckets.bytes.waitMs(clock.monotonic())).toBe(0);
  });

  it('never forgets an address while one of its links holds it, however long', () => {
    const clock = new ManualClock();
    const budgets = new AddressBudgets(budget, clock);
    const held = budgets.acquire('10.0.0.1');
    budgets.acquire('10.0.0.1').release();
    clock.advance(10 * BUDGET_MEMORY_MS);
    budgets.forgetIdle(clock.monotonic());
    expect(budgets.size).toBe(1);
    held.release();
    clock.advance(BUDGET_MEMORY_MS + 1);
    budgets.forgetIdle(clock.monotonic());
    expect(budgets.size).toBe(0);
  });
});
