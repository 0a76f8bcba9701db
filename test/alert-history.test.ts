import { describe, expect, it } from 'vitest';
import { firingAt } from '../src/analysis/alert-history.js';
import type { AlertEvent } from '../src/core/alert-event.js';

const T0 = Date.UTC(2026, 10, 30, 6, 0, 0);
const s = (n: number): number => T0 + n * 1000;

function ev(kind: AlertEvent['kind'], rule: string, at: number, since = at): AlertEvent {
  return { kind, rule, value: `${rule} ${kind}`, since, at, top: [] };
}

describe('firingAt', () => {
  const apache = 'process(apache2) absent for 30s';
  const disk = 'disk_free(/) < 1GiB';
  // Given out of order, as a store directory's files might list them.
  const events = [ev('resolved', apache, s(300), s(30)), ev('firing', disk, s(100)), ev('firing', apache, s(60), s(30)), ev('resolved', disk, s(200)), ev('firing', disk, s(400))];

  it('says which rules fire at a time: those whose last event at or before it is a firing', () => {
    expect(firingAt(events, s(0))).toEqual([]);
    expect(firingAt(events, s(59))).toEqual([]);
    expect(firingAt(events, s(60))).toEqual([{ rule: apache, since: s(30), firedAt: s(60), value: `${apache} firing` }]);
    expect(firingAt(events, s(150)).map((f) => f.rule)).toEqual([apache, disk]);
    expect(firingAt(events, s(200)).map((f) => f.rule)).toEqual([apache]);
    expect(firingAt(events, s(300))).toEqual([]);
    expect(firingAt(events, s(500))).toEqual([{ rule: disk, since: s(400), firedAt: s(400), value: `${disk} firing` }]);
  });

  it('a resolution with no firing before it (fired before the recording began) fires nothing; a firing never resolved fires to the end', () => {
    expect(firingAt([ev('resolved', apache, s(10), s(0))], s(5))).toEqual([]);
    expect(firingAt([ev('firing', apache, s(10))], s(1e9)).map((f) => f.rule)).toEqual([apache]);
  });

  it('of two events of a rule at one instant, the one listed later decides', () => {
    expect(firingAt([ev('firing', apache, s(10)), ev('resolved', apache, s(10))], s(10))).toEqual([]);
    expect(firingAt([ev('resolved', apache, s(10)), ev('firing', apache, s(10))], s(10)).map((f) => f.rule)).toEqual([apache]);
  });
});
