import { describe, expect, it } from 'vitest';
import { screenSequence, type Screen } from '../src/commands/screen-sequence.js';

/** A screen that ends when told to, and records whether it was torn down. */
function screen<T>(): Screen<T> & { end(v: T): void; destroyed: boolean } {
  let end!: (v: T) => void;
  const s = {
    done: new Promise<T>((r) => (end = r)),
    destroyed: false,
    end: (v: T) => end(v),
    destroy() {
      s.destroyed = true;
    },
  };
  return s;
}

describe('screenSequence', () => {
  it('reaches whichever screen is up with destroy(), and tells the run to stop', async () => {
    const first = screen<string>();
    const second = screen<string>();
    let stoppedAfterDestroy = false;
    const seq = screenSequence(async (turns) => {
      expect(await turns.show(first)).toBe('next');
      const last = turns.show(second);
      seq.destroy();
      stoppedAfterDestroy = turns.destroyed;
      second.end('gone');
      return last;
    });
    first.end('next');
    expect(await seq.done).toBe('gone');
    expect(first.destroyed).toBe(false);
    expect(second.destroyed).toBe(true);
    expect(stoppedAfterDestroy).toBe(true);
  });

  it('gives the terminal back before an error goes up', async () => {
    const up = screen<void>();
    const seq = screenSequence(async (turns) => {
      void turns.show(up);
      throw new Error('broken feed');
    });
    await expect(seq.done).rejects.toThrow('broken feed');
    expect(up.destroyed).toBe(true);
  });
});
