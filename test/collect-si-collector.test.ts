import os from 'node:os';
import { expect, test } from 'vitest';
import { SiCollector } from '../src/collect/si-collector.js';
import { SAMPLE_VERSION } from '../src/core/sample.js';

// systeminformation works on Linux too, so the fallback used on macOS and Windows is exercised here for real.
// It spawns ps and a cat per process on every sample: slow on a busy machine with many processes.
test('produces a complete Sample of this machine through systeminformation', async () => {
  const c = await SiCollector.create();
  try {
    await c.sample();
    const s = await c.sample();
    expect(s.version).toBe(SAMPLE_VERSION);
    expect(s.intervalMs).toBeGreaterThan(0);
    expect(s.host.hostname).toBe(os.hostname());
    expect(s.host.cpuCount).toBe(os.cpus().length);
    expect(s.cpu.cores).toHaveLength(os.cpus().length);
    expect(s.cpu.total.busy).toBeGreaterThanOrEqual(0);
    expect(s.cpu.total.busy).toBeLessThanOrEqual(100);
    expect(s.cpu.busyMin).toBe(s.cpu.total.busy);
    expect(s.cpu.busyMax).toBe(s.cpu.total.busy);
    expect(s.memory.total).toBe(os.totalmem());
    expect(s.memory.used).toBe(s.memory.total - s.memory.available);
    expect(s.memory.usedMax).toBe(s.memory.used);
    expect(s.tasks.total).toBe(s.processes.length);
    const me = s.processes.find((p) => p.pid === process.pid);
    expect(me?.cmd).toContain('node');
    expect(me?.rss).toBeGreaterThan(10 * 1024 * 1024);
    expect(me?.startTime).toBeLessThanOrEqual(Date.now());
    expect(me?.startTime).toBeGreaterThan(Date.now() - 24 * 3600_000);
    expect(s.net.every((n) => n.name !== 'lo')).toBe(true);
    expect(s.filesystems.some((f) => f.mount === '/')).toBe(true);
    expect(s.pressure).toEqual({ cpu: null, memory: null, io: null });
  } finally {
    c.close();
  }
}, 90_000);
