import { expect, test } from 'vitest';
import { LinuxCollector } from '../src/collect/linux-collector.js';
import { createCollector } from '../src/collect/platform.js';
import { UsageError } from '../src/core/errors.js';

test('an interval under 200 ms is a usage error', async () => {
  await expect(createCollector({ intervalMs: 100 })).rejects.toBeInstanceOf(UsageError);
  await expect(createCollector({ intervalMs: Number.NaN })).rejects.toThrow(/at least 200 ms/);
});

test('on Linux: the /proc collector, with the fast watch unless turned off', async () => {
  const c = await createCollector({ intervalMs: 1000 });
  const quiet = await createCollector({ intervalMs: 1000, fastWatch: false });
  try {
    expect(c).toBeInstanceOf(LinuxCollector);
    expect((c as LinuxCollector).watching).toBe(true);
    expect((quiet as LinuxCollector).watching).toBe(false);
    const s = await c.sample();
    expect(s.processes.some((p) => p.pid === process.pid)).toBe(true);
  } finally {
    c.close();
    quiet.close();
  }
});
