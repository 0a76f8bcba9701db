import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadWindow, mergeSpikeLists, openStoredHistory } from '../src/commands/remote-archive.js';
import { UserError } from '../src/core/errors.js';
import type { Spike } from '../src/core/spike.js';
import { ARCHIVE_MAX_SAMPLES } from '../src/protocol/wire-messages.js';
import { storeArchive } from '../src/transport/agent-archive.js';
import { startAgent, type AgentOptions } from '../src/transport/agent-server.js';
import { RemoteSource } from '../src/transport/remote-source.js';
import { tempDir } from './fixtures/store/recording-files.js';
import { ScriptedSource, waitFor, rejection } from './fixtures/transport/harness.js';
import { STRETCH, STORED_CULPRITS, liveSample, storedSpikeTime, storedTime, writeStore } from './fixtures/transport/stored-history.js';

/** The viewer's side of stored history, against a real agent with a real --store on 127.0.0.1. */
let store: ReturnType<typeof tempDir>;
beforeAll(async () => {
  store = tempDir();
  await writeStore(store.dir);
});
afterAll(() => store.cleanup());

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function viewerOf(opts: Partial<AgentOptions>, live = 10): Promise<RemoteSource> {
  const source = new ScriptedSource();
  const agent = await startAgent({ source, listen: { host: '127.0.0.1', port: 0 }, ...opts });
  cleanups.push(() => agent.close());
  for (let i = 0; i < live; i++) source.push(liveSample(i));
  await waitFor('the live samples', () => agent.stats().historySamples === live);
  const v = new RemoteSource(`127.0.0.1:${agent.address.port}`);
  cleanups.push(() => v.close());
  await v.ready();
  return v;
}

function spike(id: string, start: number, culprit: string): Spike {
  return {
    id, metric: 'cpu', start, end: start + 1000, peak: 99, peakAt: start, min: 90, avg: 95, baseline: 10, severity: 'critical',
    culprits: [{ pid: 1, name: culprit, cmd: culprit, user: 'root', startTime: 0, rise: 80, share: 1 }],
  };
}

describe('openStoredHistory', () => {
  it('opens at the newest spike with the window around it; the spike list merges the live ones, once each', async () => {
    const v = await viewerOf({ archive: storeArchive(store.dir) });
    const liveOnly = spike(`cpu@${liveSample(5).time}`, liveSample(5).time, 'live-burn');
    const stored = await openStoredHistory(v, { liveSpikes: [liveOnly], oldestLive: liveSample(0).time, newestLive: liveSample(9).time, halfWindowMs: 120_000 });
    // The live spike is the newest: the history opens there, its window read from the agent's memory.
    expect(stored.cursor).toBe(liveOnly.peakAt);
    expect(stored.spikes.map((s) => s.culprits[0]?.name)).toEqual([...STORED_CULPRITS, 'live-burn']);
    expect(stored.window).toMatchObject({ first: storedTime(0, 0), last: liveSample(9).time });
    expect(stored.timeline.length).toBe(10);

    const day1 = await stored.window.seek(storedSpikeTime(1));
    expect(day1?.at(0)?.time).toBe(storedSpikeTime(1) - 120_000);
    expect(day1?.at((day1?.length ?? 0) - 1)?.time).toBe(storedSpikeTime(1) + 120_000);
    expect(day1?.at(day1.indexAtTime(storedSpikeTime(1)))?.processes.map((p) => p.name)).toContain(STORED_CULPRITS[1]);
  });

  it('without live spikes, at the newest stored one', async () => {
    const v = await viewerOf({ archive: storeArchive(store.dir) });
    const stored = await openStoredHistory(v);
    expect(stored.cursor).toBe(storedSpikeTime(2));
    // ±5 minutes around the spike, five minutes into the day's ten stored.
    expect(stored.timeline.length).toBe(STRETCH);
    expect(stored.timeline.at(0)?.time).toBe(storedTime(2, 0));
  });

  it('an empty store: the history is what the agent holds in memory', async () => {
    const empty = tempDir();
    cleanups.push(() => empty.cleanup());
    const v = await viewerOf({ archive: storeArchive(empty.dir) });
    const stored = await openStoredHistory(v, { oldestLive: liveSample(0).time, newestLive: liveSample(9).time });
    expect(stored.window).toMatchObject({ first: liveSample(0).time, last: liveSample(9).time });
    expect(stored.cursor).toBe(liveSample(9).time);
    expect(stored.timeline.length).toBe(10);
    expect((await rejection(openStoredHistory(v))).message).toMatch(/^127\.0\.0\.1:\d+ has no stored samples yet$/);
  });

  it('says in one line when the agent keeps no store, or cannot read it', async () => {
    const none = await rejection(openStoredHistory(await viewerOf({})));
    expect(none).toBeInstanceOf(UserError);
    expect(none.message).toMatch(/^127\.0\.0\.1:\d+ keeps no stored history \(start its agent with --store DIR\)$/);
    const gone = await rejection(openStoredHistory(await viewerOf({ archive: storeArchive(join(store.dir, 'missing'), 0) })));
    expect(gone.message).toMatch(/^127\.0\.0\.1:\d+ cannot read its stored history: ENOENT/);
  });
});

describe('loadWindow', () => {
  it(`narrows a window the agent cut at ${ARCHIVE_MAX_SAMPLES} samples before reaching the moment`, async () => {
    const live = ARCHIVE_MAX_SAMPLES + 100;
    const v = await viewerOf({ archive: storeArchive(store.dir), historyCapacity: live }, live);
    const moment = liveSample(live - 1).time;
    const tl = await loadWindow(v, moment, 3 * 3_600_000, ARCHIVE_MAX_SAMPLES);
    // Asked ±3 h, cut at 7200 samples an hour short of the moment: asked again ±45 min.
    expect(tl.at(tl.length - 1)?.time).toBe(moment);
    expect(tl.length).toBe(45 * 60 + 1);
  });
});

describe('mergeSpikeLists', () => {
  it('keeps the stored version of a spike both know, in start order', () => {
    const a = spike('cpu@1', 1000, 'stored');
    const b = spike('cpu@1', 1000, 'live');
    const c = spike('cpu@0', 500, 'early');
    expect(mergeSpikeLists([a], [b, c]).map((s) => s.culprits[0]?.name)).toEqual(['early', 'stored']);
  });
});
