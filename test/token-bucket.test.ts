import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../src/transport/token-bucket.js';

describe('TokenBucket', () => {
  it('serves the burst at once, then paces at the refill rate; an overdraft is paid back before more', () => {
    const b = new TokenBucket(1000, 100, 0);
    b.take(600, 0);
    expect(b.waitMs(0)).toBe(0);
    b.take(900, 0);
    // 500 overdrawn at 100 a second: 5 s.
    expect(b.waitMs(0)).toBe(5000);
    expect(b.waitMs(4000)).toBe(1000);
    expect(b.waitMs(5000)).toBe(0);
  });

  it('never holds more than the burst, however long it was idle, and ignores a clock going back', () => {
    const b = new TokenBucket(1000, 100, 0);
    b.take(1000, 3_600_000);
    expect(b.waitMs(3_600_000)).toBe(0);
    b.take(100, 3_600_000);
    expect(b.waitMs(3_600_000)).toBe(1000);
    expect(b.waitMs(0)).toBe(1000);
  });
});
