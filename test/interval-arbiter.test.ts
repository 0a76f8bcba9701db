import { describe, expect, it } from 'vitest';
import { IntervalArbiter } from '../src/transport/interval-arbiter.js';
import { ScriptedSource } from './fixtures/transport/harness.js';

function arbiter(baseMs = 1000, minMs = 200): { source: ScriptedSource; arbiter: IntervalArbiter; lines: string[]; told: number[] } {
  const source = new ScriptedSource(baseMs);
  const lines: string[] = [];
  const told: number[] = [];
  return { source, arbiter: new IntervalArbiter(source, minMs, (l) => lines.push(l), (ms) => told.push(ms)), lines, told };
}

describe('IntervalArbiter', () => {
  it('runs the source as fast as the fastest viewer asks, never under the minimum, and tells the viewers', () => {
    const a = arbiter();
    a.arbiter.decide([null, 500, 700]);
    expect(a.source.intervalMs).toBe(500);
    a.arbiter.decide([500, 50]);
    expect(a.source.intervalMs).toBe(200);
    expect(a.told).toEqual([500, 200]);
    expect(a.lines).toEqual(['sampling every 500 ms (a viewer asked)', 'sampling every 200 ms (a viewer asked)']);
    expect(a.arbiter.currentMs).toBe(200);
  });

  it('a request slower than the source changes nothing; an unchanged decision is not announced again', () => {
    const a = arbiter();
    a.arbiter.decide([5000]);
    a.arbiter.decide([null]);
    expect(a.source.intervalChanges).toEqual([]);
    a.arbiter.decide([400]);
    a.arbiter.decide([400, 900]);
    expect(a.source.intervalChanges).toEqual([400]);
    expect(a.told).toEqual([400]);
  });

  it('returns to the source’s own interval when no viewer asks any more, and on restore', () => {
    const a = arbiter();
    a.arbiter.decide([300]);
    a.arbiter.decide([]);
    expect(a.source.intervalMs).toBe(1000);
    expect(a.lines.at(-1)).toBe('sampling every 1000 ms again (no viewer asks for faster)');
    a.arbiter.decide([300]);
    a.arbiter.restore();
    expect(a.source.intervalChanges).toEqual([300, 1000, 300, 1000]);
    a.arbiter.restore();
    expect(a.source.intervalChanges).toHaveLength(4);
    expect(a.arbiter.baseMs).toBe(1000);
  });
});
