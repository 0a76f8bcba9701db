import { beforeEach, describe, expect, it } from 'vitest';
import { RenderScheduler } from '../src/ui/render-scheduler.js';
import { ManualClock } from './helpers/manual-clock.js';

describe('RenderScheduler', () => {
  let clock = new ManualClock(1000);
  let renders: number[] = [];
  beforeEach(() => {
    clock = new ManualClock(1000);
    renders = [];
  });

  const make = (): RenderScheduler => new RenderScheduler(() => renders.push(clock.now()), 100, clock);
  const advance = (ms: number): void => clock.advance(ms);

  it('renders a request after a quiet spell at once', () => {
    make().request();
    expect(renders).toEqual([1000]);
  });

  it('coalesces a burst into one more frame at the end of the interval', () => {
    const s = make();
    for (let i = 0; i < 50; i++) s.request();
    expect(renders).toHaveLength(1);
    advance(40);
    s.request();
    advance(59);
    expect(renders).toHaveLength(1);
    advance(1);
    expect(renders).toEqual([1000, 1100]);
  });

  it('never renders more than once per interval under a steady stream', () => {
    const s = make();
    for (let t = 0; t < 1000; t += 10) {
      s.request();
      advance(10);
    }
    expect(renders.length).toBeLessThanOrEqual(11);
    for (let i = 1; i < renders.length; i++) expect((renders[i] as number) - (renders[i - 1] as number)).toBeGreaterThanOrEqual(100);
  });

  it('renders nothing after stop', () => {
    const s = make();
    s.request();
    s.request();
    s.stop();
    expect(clock.pending()).toEqual([]);
    advance(500);
    s.request();
    expect(renders).toHaveLength(1);
  });
});
