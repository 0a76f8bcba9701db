import { describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { ARCHIVE_MAX_SAMPLES, type ArchiveExtent, type SpikesMessage } from '../src/protocol/wire-messages.js';
import type { AgentLink } from '../web/connection.js';
import { PageData } from '../web/page-data.js';
import { StoredHistory } from '../web/stored-history.js';
import { makeSample } from './helpers/make-sample.js';

const LIVE = Date.UTC(2026, 10, 30, 9, 0, 0);
const NIGHT = LIVE - 6 * 3600_000;
const EXTENT: ArchiveExtent = { oldest: NIGHT, newest: LIVE, spikes: 0, maxSamples: ARCHIVE_MAX_SAMPLES };

/** An agent's link answering from samples one a second over [NIGHT, NIGHT + 1 h), each request held until the test releases it. */
class HeldLink implements AgentLink {
  readonly asked: [number, number][] = [];
  private readonly waiting: (() => void)[] = [];

  history(from: number, to: number): Promise<Sample[]> {
    this.asked.push([from, to]);
    const samples: Sample[] = [];
    for (let t = Math.max(from, NIGHT); t <= to && t < NIGHT + 3600_000; t += 1000) samples.push(makeSample({ time: t }));
    return new Promise((resolve) => this.waiting.push(() => resolve(samples)));
  }

  spikes(): Promise<SpikesMessage> {
    return Promise.resolve({ type: 'spikes', id: 0, spikes: [], archive: EXTENT });
  }

  async release(): Promise<void> {
    for (const go of this.waiting.splice(0)) go();
    await new Promise((r) => setTimeout(r, 0));
  }
}

function setup(): { data: PageData; link: HeldLink; stored: StoredHistory; told: string[] } {
  const data = new PageData();
  for (let i = 0; i < 10; i++) data.add(makeSample({ time: LIVE + i * 1000 }));
  const link = new HeldLink();
  const told: string[] = [];
  const stored = new StoredHistory(data, (text) => told.push(text));
  stored.connected(link, EXTENT);
  return { data, link, stored, told };
}

describe('StoredHistory', () => {
  it('loads ±5 minutes around a cursor older than the live samples, one request at a time: moves meanwhile make one more, for where the cursor ends', async () => {
    const { data, link, stored, told } = setup();
    data.cursor = NIGHT + 600_000;
    stored.follow(null);
    expect(told.at(-1)).toMatch(/^loading stored history around /);
    for (const minutes of [20, 30, 40]) {
      data.cursor = NIGHT + minutes * 60_000;
      stored.follow(null);
    }
    expect(link.asked).toEqual([[NIGHT + 300_000, NIGHT + 900_000]]);
    await link.release();
    expect(link.asked).toEqual([
      [NIGHT + 300_000, NIGHT + 900_000],
      [NIGHT + 35 * 60_000, NIGHT + 45 * 60_000],
    ]);
    await link.release();
    expect(data.onStored()).toBe(true);
    expect(data.current()?.time).toBe(NIGHT + 40 * 60_000);
    expect(told.at(-1)).toMatch(/^stored since /);
    // Inside the window: nothing more to ask.
    data.step(-1);
    stored.follow(null);
    expect(link.asked).toHaveLength(2);
  });

  it('a moment with nothing stored puts the cursor back and says so', async () => {
    const { data, link, stored, told } = setup();
    data.cursor = NIGHT - 3600_000;
    stored.follow(LIVE + 5000);
    await link.release();
    expect(data.cursor).toBe(LIVE + 5000);
    expect(told.at(-1)).toMatch(/^nothing stored around /);
  });

  it('without a store it asks nothing and says the agent keeps none', () => {
    const data = new PageData();
    data.add(makeSample({ time: LIVE }));
    const told: string[] = [];
    const stored = new StoredHistory(data, (text) => told.push(text));
    const link = new HeldLink();
    stored.connected(link, null);
    data.cursor = NIGHT;
    stored.follow(null);
    expect(link.asked).toEqual([]);
    expect(told).toEqual(['no stored history: the agent runs without --store, so the page holds what it received (up to 2 h)']);
  });
});
