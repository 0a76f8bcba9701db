import { describe, expect, it } from 'vitest';
import { LinkWatch } from '../src/transport/link-watch.js';

describe('LinkWatch', () => {
  it('pings after a third of the heartbeat of silence, and gives the link up after two thirds: within one heartbeat', () => {
    const w = new LinkWatch(15_000, 0);
    expect(w.tick(4999)).toBeNull();
    expect(w.tick(5000)).toBe('ping');
    expect(w.tick(6000)).toBeNull();
    expect(w.tick(10_000)).toBe('ping');
    expect(w.tick(10_001)).toBe('dead');
    expect(w.deadAfterMs + w.tickMs).toBeLessThan(15_000);
  });

  it('anything heard starts the silence again', () => {
    const w = new LinkWatch(15_000, 0);
    for (let t = 1000; t < 60_000; t += 1000) {
      w.heard(t);
      expect(w.tick(t + 500)).toBeNull();
    }
  });

  it('keeps a hostile or odd heartbeat from the hello within bounds', () => {
    expect(new LinkWatch(0, 0).deadAfterMs).toBe(200);
    expect(new LinkWatch(1e12, 0).deadAfterMs).toBe(40_000);
  });
});
