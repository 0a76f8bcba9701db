import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ARCHIVE_MAX_SAMPLES } from '../src/protocol/wire-messages.js';
import { AgentArchive, storeArchive, type ArchiveOptions } from '../src/transport/agent-archive.js';
import { tempDir } from './fixtures/store/recording-files.js';
import { bomb, specialFiles } from './fixtures/store/crafted-files.js';
import { STRETCH, storedDay, storedTime, writeStore } from './fixtures/transport/stored-history.js';
import { ManualClock } from './helpers/manual-clock.js';

/** AgentArchive over real --store directories written by the rolling recorder. */
let tmp: ReturnType<typeof tempDir>;
let store: string;
const archives: AgentArchive[] = [];
beforeEach(() => {
  tmp = tempDir();
  store = join(tmp.dir, 'store');
  mkdirSync(store);
});
afterEach(async () => {
  for (const a of archives.splice(0)) await a.close();
  tmp.cleanup();
});

function archiveOf(opts: ArchiveOptions, log: string[] = [], clock?: ManualClock): AgentArchive {
  const a = new AgentArchive(opts, (l) => log.push(l), clock);
  archives.push(a);
  return a;
}

/** Counts how often the store is opened. */
function counting(opts: ArchiveOptions): ArchiveOptions & { opened: number } {
  const counted = {
    ...opts,
    opened: 0,
    open: () => {
      counted.opened++;
      return opts.open();
    },
  };
  return counted;
}

describe('AgentArchive', () => {
  it('an empty store: nothing stored yet, no problem', async () => {
    const archive = archiveOf(storeArchive(store));
    expect(await archive.snapshot()).toEqual({ recording: null, problem: undefined });
    expect(archive.extent()).toEqual({ oldest: null, newest: null, spikes: 0, maxSamples: ARCHIVE_MAX_SAMPLES });
  });

  it('sees the store grow once the opened one is older than maxAgeMs, not before', async () => {
    await writeStore(store, storedDay(0));
    const opts = counting(storeArchive(store, 60_000));
    const clock = new ManualClock();
    const archive = archiveOf(opts, [], clock);
    expect((await archive.snapshot()).recording?.length).toBe(STRETCH);
    expect(archive.extent()).toMatchObject({ oldest: storedTime(0, 0), newest: storedTime(0, STRETCH - 1), spikes: 1 });
    await writeStore(store, storedDay(1));
    // Within maxAgeMs the opened store serves: one open so far.
    clock.advance(59_999);
    expect((await archive.snapshot()).recording?.length).toBe(STRETCH);
    expect(opts.opened).toBe(1);
    clock.advance(1);
    expect((await archive.snapshot()).recording?.length).toBe(2 * STRETCH);
    expect(opts.opened).toBe(2);

    const fresh = archiveOf(storeArchive(store, 0));
    expect((await fresh.snapshot()).recording?.length).toBe(2 * STRETCH);
    expect(fresh.extent()).toMatchObject({ oldest: storedTime(0, 0), newest: storedTime(1, STRETCH - 1), spikes: 2 });
  });

  it('opens once for requests that arrive together', async () => {
    await writeStore(store, storedDay(0));
    const opts = counting(storeArchive(store, 0));
    const archive = archiveOf(opts);
    const snaps = await Promise.all([archive.snapshot(), archive.snapshot(), archive.snapshot()]);
    expect(opts.opened).toBe(1);
    expect(new Set(snaps.map((s) => s.recording)).size).toBe(1);
  });

  it('a store that cannot be read: the problem is told to each request, logged once, and recovery logged', async () => {
    await writeStore(store, storedDay(0));
    const log: string[] = [];
    const archive = archiveOf(storeArchive(store, 0), log);
    expect((await archive.snapshot()).recording).not.toBeNull();
    rmSync(store, { recursive: true });
    for (let i = 0; i < 3; i++) {
      const snap = await archive.snapshot();
      expect(snap.recording).toBeNull();
      expect(snap.problem).toMatch(/ENOENT/);
    }
    expect(archive.extent()).toMatchObject({ oldest: null, newest: null, spikes: 0 });
    mkdirSync(store);
    await writeStore(store, storedDay(2));
    expect((await archive.snapshot()).recording?.length).toBe(STRETCH);
    expect(log).toEqual([expect.stringMatching(/^stored history cannot be read: ENOENT.*; viewers get what memory holds$/), 'stored history readable again']);
  });

  it('bad files in the store cost only themselves: the rest is served, each bad file logged once however often the store reopens', async () => {
    await writeStore(store, storedDay(0));
    specialFiles(store);
    writeFileSync(join(store, 'bomb.tmon'), bomb(1, 5));
    const log: string[] = [];
    const archive = archiveOf(storeArchive(store, 0), log);
    for (let i = 0; i < 3; i++) {
      const snap = await archive.snapshot();
      expect(snap.problem).toBeUndefined();
      // The bomb's five samples are placed (indexing inflates nothing) but read as damage.
      expect(snap.recording?.length).toBe(STRETCH + 5);
      expect(snap.recording?.slice(0, STRETCH + 5)).toHaveLength(STRETCH);
    }
    expect(log).toEqual([
      'stored history: dangling.tmon is a symbolic link: not followed: skipped',
      'stored history: directory.tmon is not a tmon recording (a directory): skipped',
      'stored history: fifo.tmon is not a tmon recording (not a regular file): skipped',
    ]);
  });
});
