import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { LinuxCollector } from '../src/collect/linux-collector.js';
import { LiveSource } from '../src/collect/live-source.js';
import type { Sample } from '../src/core/sample.js';

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
