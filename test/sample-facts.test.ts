import { describe, expect, it } from 'vitest';
import { SampleFacts } from '../src/session/sample-facts.js';
import { MemoryTimeline } from '../src/store/memory-timeline.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const T = 1_800_000_000_000;
const MiB = 1024 * 1024;

/** 40 idle processes; `shortlived` (pid 7) lives from the second sample to the third. */
function sample(i: number): ReturnType<typeof makeSample> {
  const idle = Array.from({ length: 40 }, (_, k) => makeProcess({ pid: 100 + k, name: `idle${k}`, user: k % 2 ? 'alice' : 'bob', uid: k % 2 ? 1000 : 1001, cpu: (k + i) % 40 === 0 ? 9 : 0.1, rss: MiB }));
  const extra = i === 1 || i === 2 ? [makeProcess({ pid: 7, name: 'shortlived', startTime: T + 500, cpu: 50 })] : [];
  return makeSample({ time: T + i * 1000, processes: [...idle, ...extra] });
}

describe('SampleFacts', () => {
  it('records real starts and exits from whole samples, not processes leaving the top list', () => {
    const facts = new SampleFacts();
    const tl = new MemoryTimeline(10, { keepTop: 2 });
    for (let i = 0; i < 5; i++) {
      tl.push(sample(i));
      facts.record(sample(i));
    }
    expect(facts.eventsAt(T + 1000).map((e) => `${e.kind} ${e.name}`)).toEqual(['start shortlived']);
    expect(facts.eventsAt(T + 3000).map((e) => `${e.kind} ${e.name}`)).toEqual(['exit shortlived']);
    expect(facts.eventsAt(T + 4000)).toEqual([]);
    // The slim history alone would see idle processes come and go with the top-2 selection.
    expect(tl.at(3)?.processes.length).toBeLessThan(41);
  });

  it('sees a process replaced in place (same count, other pid) and one marked exited', () => {
    const facts = new SampleFacts();
    const a = makeSample({ time: T, processes: [makeProcess({ pid: 1, name: 'a' }), makeProcess({ pid: 2, name: 'b' })] });
    const b = makeSample({ time: T + 1000, processes: [makeProcess({ pid: 1, name: 'a' }), makeProcess({ pid: 3, name: 'c', startTime: T + 500 })] });
    const c = makeSample({ time: T + 2000, processes: [makeProcess({ pid: 1, name: 'a' }), makeProcess({ pid: 3, name: 'c', startTime: T + 500, exited: true })] });
    for (const s of [a, b, c]) facts.record(s);
    expect(facts.eventsAt(T + 1000).map((e) => `${e.kind} ${e.name}`)).toEqual(['start c', 'exit b']);
    expect(facts.eventsAt(T + 2000).map((e) => `${e.kind} ${e.name}`)).toEqual(['exit c']);
  });

  it('keeps per-user totals over every process of each sample', () => {
    const facts = new SampleFacts();
    facts.record(sample(0));
    const users = facts.usersAt(T);
    expect(users?.map((u) => [u.user, u.processes])).toEqual([
      ['bob', 20],
      ['alice', 20],
    ]);
    expect(facts.usersAt(T + 1000)).toBeUndefined();
  });

  it('forgets what is older than the history keeps', () => {
    const facts = new SampleFacts();
    for (let i = 0; i < 5; i++) facts.record(sample(i));
    facts.prune(T + 2000);
    expect(facts.usersAt(T + 1000)).toBeUndefined();
    expect(facts.eventsAt(T + 1000)).toEqual([]);
    expect(facts.usersAt(T + 2000)).toBeDefined();
    expect(facts.eventsAt(T + 3000)).toHaveLength(1);
  });
});
