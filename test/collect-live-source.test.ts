import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { Collector } from '../src/collect/collector.js';
import { LinuxCollector } from '../src/collect/linux-collector.js';
import { LiveSource } from '../src/collect/live-source.js';
import { sleep } from '../src/core/clock.js';
import type { Sample } from '../src/core/sample.js';
import { makeSample } from './helpers/make-sample.js';
import { ManualClock } from './helpers/manual-clock.js';

const sources: LiveSource[] = [];
afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
});

const collectors = new Map<LiveSource, LinuxCollector>();

async function live(intervalMs: number, opts: Parameters<typeof LinuxCollector.create>[0] = {}): Promise<LiveSource> {
  const collector = await LinuxCollector.create(opts);
  const source = new LiveSource(collector, intervalMs);
  sources.push(source);
  collectors.set(source, collector);
  return source;
}

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('yields samples of this machine in time order, then ends on close(), closing the collector', async () => {
  const source = await live(200);
  expect(collectors.get(source)?.watching).toBe(true);
  expect(source.kind).toBe('live');
  expect(source.label).toBe('local');
  const got: Sample[] = [];
  for await (const s of source.samples()) {
    got.push(s);
    if (got.length === 3) void source.close();
  }
  expect(got).toHaveLength(3);
  expect(got[1]?.time).toBeGreaterThan(got[0]?.time ?? Infinity);
  expect(got[2]?.time).toBeGreaterThan(got[1]?.time ?? Infinity);
  // The first sample already has rates: it is measured from the collector's baseline.
  expect(got[0]?.intervalMs).toBeGreaterThan(0);
  expect(got[0]?.processes.some((p) => p.pid === process.pid)).toBe(true);
  // The source closed its collector: the fast watch stopped.
  expect(collectors.get(source)?.watching).toBe(false);
});

test('close() while waiting for the next tick ends the iterator at once and clears its timer', async () => {
  const source = await live(60_000, { fastWatch: false });
  const it = source.samples()[Symbol.asyncIterator]();
  expect((await it.next()).done).toBe(false);
  const pending = it.next();
  await new Promise((r) => setImmediate(r));
  const waiting = timers();
  await source.close();
  expect((await pending).done).toBe(true);
  // The minute-long wait's timer is gone, so nothing keeps the process alive.
  expect(timers()).toBeLessThan(waiting);
});

test('interval is clamped to >= 200 ms and a change re-aims the pending tick', async () => {
  const source = await live(60_000, { fastWatch: false });
  expect(new LiveSource(source as never, 10).intervalMs).toBe(200);
  const it = source.samples()[Symbol.asyncIterator]();
  await it.next();
  const next = it.next();
  source.setIntervalMs(50);
  expect(source.intervalMs).toBe(200);
  // Without the re-aim this would wait a minute and the test would time out.
  expect((await next).done).toBe(false);
});

test('one consumer at a time', async () => {
  const source = await live(200, { fastWatch: false });
  const first = source.samples();
  expect(() => source.samples()).toThrow(/already has a consumer/);
  const it = first[Symbol.asyncIterator]();
  await it.next();
  await it.return?.();
  expect(() => source.samples()).not.toThrow();
});

test('a failed tick is skipped and reported; sampling goes on when the collector recovers', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tmon-proc-'));
  try {
    fs.cpSync(path.join(import.meta.dirname, 'fixtures/proc/base'), root, { recursive: true });
    const collector = await LinuxCollector.create({ procRoot: root, fastWatch: false });
    const errors: Error[] = [];
    const source = new LiveSource(collector, 200, { onError: (e) => errors.push(e) });
    sources.push(source);
    const stat = fs.readFileSync(path.join(root, 'stat'));
    fs.rmSync(path.join(root, 'stat'));
    const it = source.samples()[Symbol.asyncIterator]();
    const next = it.next();
    while (errors.length < 2) await new Promise((r) => setTimeout(r, 50));
    fs.writeFileSync(path.join(root, 'stat'), stat);
    const r = await next;
    expect(r.done).toBe(false);
    expect(errors[0]?.message).toMatch(/stat/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a collector that keeps failing ends the iterator with its error', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tmon-proc-'));
  try {
    fs.cpSync(path.join(import.meta.dirname, 'fixtures/proc/base'), root, { recursive: true });
    const source = await live(200, { procRoot: root, fastWatch: false });
    fs.rmSync(path.join(root, 'stat'));
    await expect(async () => {
      for await (const _ of source.samples()) {
        // never reached
      }
    }).rejects.toThrow(/stat/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

/**
 * A collector on a manual clock: each sample() is noted at its start and takes
 * `sampleMs` of clock time; `fail` makes the next calls throw.
 */
class ClockedCollector implements Collector {
  readonly started: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  sampleMs = 0;
  fail = 0;
  closed = false;

  constructor(private readonly clock: ManualClock) {}

  async sample(): Promise<Sample> {
    this.started.push(this.clock.now());
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      if (this.sampleMs > 0) await sleep(this.clock, this.sampleMs);
      if (this.fail > 0) {
        this.fail--;
        throw new Error(`read failed at ${this.clock.now()}`);
      }
      return makeSample({ time: this.clock.now() });
    } finally {
      this.inFlight--;
    }
  }

  close(): void {
    this.closed = true;
  }
}

/**
 * Moves the clock in 10 ms steps, letting the source and its consumer run between
 * them; a timer set for now (a tick already due) fires before the clock moves on.
 */
async function advance(clock: ManualClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10) {
    clock.advance(10);
    await new Promise((r) => setImmediate(r));
    while (clock.pending()[0] === 0) {
      clock.advance(0);
      await new Promise((r) => setImmediate(r));
    }
  }
}

/** A source on a manual clock and a consumer that notes when each sample arrives, taking `consumerMs(n)` of clock time over the n-th. */
function clocked(intervalMs: number, consumerMs: (n: number) => number = () => 0) {
  const clock = new ManualClock();
  const collector = new ClockedCollector(clock);
  const errors: Error[] = [];
  const source = new LiveSource(collector, intervalMs, { clock, onError: (e) => errors.push(e) });
  sources.push(source);
  const received: number[] = [];
  const consumed = (async () => {
    for await (const s of source.samples()) {
      received.push(s.time);
      const ms = consumerMs(received.length);
      if (ms > 0) await sleep(clock, ms);
    }
  })();
  return { clock, collector, source, received, errors, consumed };
}

describe('LiveSource timing on an injected clock', () => {
  test('the first sample comes after 200 ms, then one every interval on a grid that does not drift', async () => {
    const { clock, collector, received } = clocked(500);
    await advance(clock, 1800);
    expect(received).toEqual([200, 700, 1200, 1700]);
    // A collector that takes 300 ms does not move the grid: the next tick is aimed from the last target.
    collector.sampleMs = 300;
    await advance(clock, 1500);
    expect(collector.started.slice(4)).toEqual([2200, 2700, 3200]);
    expect(received.slice(4)).toEqual([2500, 3000]);
  });

  test('a sample slower than the interval runs alone: the next starts when it ends, never two at once', async () => {
    const { clock, collector, received } = clocked(500);
    collector.sampleMs = 700;
    await advance(clock, 3000);
    expect(collector.maxInFlight).toBe(1);
    expect(collector.started).toEqual([200, 900, 1600, 2300, 3000]);
    expect(received).toEqual([900, 1600, 2300, 3000]);
  });

  test('a consumer that falls behind gets the next sample at once, then the grid restarts: no burst of queued ticks', async () => {
    const { clock, received } = clocked(500, (n) => (n <= 2 ? 1200 : 0));
    await advance(clock, 3700);
    expect(received).toEqual([200, 1400, 2600, 3100, 3600]);
  });

  test('setIntervalMs re-aims the pending tick at the last tick + the new interval', async () => {
    const { clock, source, received } = clocked(1000);
    await advance(clock, 1500);
    expect(received).toEqual([200, 1200]);
    source.setIntervalMs(400);
    expect(source.intervalMs).toBe(400);
    await advance(clock, 1000);
    expect(received).toEqual([200, 1200, 1600, 2000, 2400]);
    // Longer: the tick already due at 2800 moves out to 2400 + 1500.
    source.setIntervalMs(1500);
    await advance(clock, 2000);
    expect(received).toEqual([200, 1200, 1600, 2000, 2400, 3900]);
  });

  test('close() ends the iterator, cancels the pending tick and closes the collector', async () => {
    const { clock, collector, source, received, consumed } = clocked(500);
    await advance(clock, 800);
    expect(clock.pending()).toEqual([400]);
    await source.close();
    await consumed;
    expect(clock.pending()).toEqual([]);
    expect(collector.closed).toBe(true);
    await advance(clock, 2000);
    expect(received).toEqual([200, 700]);
    expect(collector.started).toHaveLength(2);
  });

  test('a failed tick is reported and costs that tick only; five failures in a row end the iterator with the last error', async () => {
    const { clock, collector, received, errors, consumed } = clocked(500);
    collector.fail = 2;
    await advance(clock, 1300);
    expect(errors.map((e) => e.message)).toEqual(['read failed at 200', 'read failed at 700']);
    expect(received).toEqual([1200]);
    collector.fail = 5;
    const ended = consumed.then(
      () => 'done',
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    await advance(clock, 2500);
    // The success at 1200 reset the count: the fifth failure after it ends the session.
    expect(await ended).toBe('read failed at 3700');
    expect(errors).toHaveLength(6);
    expect(collector.started).toEqual([200, 700, 1200, 1700, 2200, 2700, 3200, 3700]);
  });
});
