import { describe, expect, it } from 'vitest';
import { LogLimiter } from '../src/core/log-limiter.js';

describe('LogLimiter', () => {
  it('prints the first lines of a kind, counts the rest, and summarises them when the window ends', () => {
    const limiter = new LogLimiter(2, 10_000);
    const printed: string[] = [];
    for (let i = 0; i < 3400; i++) printed.push(...limiter.line('refused viewer', `refused viewer 127.0.0.1:${i}: 401`, i));
    expect(printed).toEqual(['refused viewer 127.0.0.1:0: 401', 'refused viewer 127.0.0.1:1: 401']);
    expect(limiter.flush(5000)).toEqual([]);
    expect(limiter.flush(10_000)).toEqual(['refused viewer: … and 3,398 more in the last 10 s']);
    expect(limiter.flush(20_000)).toEqual([]);
  });

  it('keeps kinds apart; a new window begins with its summary and the line itself', () => {
    const limiter = new LogLimiter(1, 10_000);
    expect(limiter.line('viewer left', 'left a', 0)).toEqual(['left a']);
    expect(limiter.line('viewer left', 'left b', 1)).toEqual([]);
    expect(limiter.line('refused viewer', 'refused c', 2)).toEqual(['refused c']);
    expect(limiter.line('viewer left', 'left d', 12_000)).toEqual(['viewer left: … and 1 more in the last 12 s', 'left d']);
  });

  it('flushes everything at exit, even a window not yet over', () => {
    const limiter = new LogLimiter(1, 10_000);
    limiter.line('x', 'a', 0);
    limiter.line('x', 'b', 100);
    expect(limiter.flush(3000, true)).toEqual(['x: … and 1 more in the last 3 s']);
  });
});
