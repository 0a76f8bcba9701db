import { describe, expect, it } from 'vitest';
import { ProcessPacker } from '../src/core/process-pack.js';
import { makeProcess } from './helpers/make-sample.js';

describe('ProcessPacker', () => {
  it('unpacks exactly what it packed, optional fields included and only where present', () => {
    const packer = new ProcessPacker();
    const list = [
      makeProcess({ pid: 1, name: 'a|b', user: 'x|', cpu: 12.345678901234, rss: 9 * 1024 ** 3 + 1, memPercent: 1 / 3, threads: 7 }),
      makeProcess({ pid: 2, name: 'b', user: 'x', cmd: '|b', rssPeak: 123456789, childCpu: 0.5, exited: true }),
      makeProcess({ pid: 3, name: 'k', kernelThread: true, exited: false, state: 'I' }),
      makeProcess({ pid: 4, name: 'n', outside: true }),
      makeProcess({ pid: 4, name: 'n' }),
    ];
    const back = packer.unpack(packer.pack(list));
    expect(back).toStrictEqual(list);
    expect('rssPeak' in (back[0] as object)).toBe(false);
  });

  it('shares a process identity between lists and forgets it once no list holds it', () => {
    const packer = new ProcessPacker();
    const one = packer.pack([makeProcess({ pid: 1, name: 'a', cpu: 1 }), makeProcess({ pid: 2, name: 'b' })]);
    const two = packer.pack([makeProcess({ pid: 1, name: 'a', cpu: 2 })]);
    expect(packer.identities).toBe(2);
    packer.release(one);
    expect(packer.identities).toBe(1);
    // The freed identity is reused by a new process without disturbing the list still held.
    const three = packer.pack([makeProcess({ pid: 9, name: 'c', state: 'R' })]);
    expect(packer.unpack(two).map((p) => [p.name, p.cpu])).toEqual([['a', 2]]);
    expect(packer.unpack(three).map((p) => [p.pid, p.state])).toEqual([[9, 'R']]);
    packer.release(two);
    packer.release(three);
    expect(packer.identities).toBe(0);
  });
});
