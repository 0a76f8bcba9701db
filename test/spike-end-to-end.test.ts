import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createCollector } from '../src/collect/platform.js';
import { LiveSource } from '../src/collect/live-source.js';
import { SpikeDetector } from '../src/analysis/spike-detector.js';
import type { Sample } from '../src/core/sample.js';
import type { Spike } from '../src/core/spike.js';
import { ALLOCATE_SCRIPT, memoryThresholds } from './helpers/memory-level.js';

const MiB = 1024 * 1024;

/**
 * Real collector on the real /proc, real detector: a child that allocates
 * ~300 MB for 3 s must come out as a memory spike attributed to it by PID and
 * name. The thresholds are set relative to this machine's level at rest, because
 * 300 MB is a small share of a large machine's RAM.
 */
describe('memory spike from a real process, end to end', () => {
  let child: ChildProcess | undefined;
  let source: LiveSource | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await source?.close();
  });

  /** One allocation by a fresh child, sampled until it has exited and its spike has closed. */
  async function attempt(): Promise<{ spike: Spike | undefined; childRss: number; seen: string; pid: number | undefined }> {
    // The bar sits a third of the way up what 300 MB adds to the level at rest (not to one sample, where a
    // twin suite's burst would put it out of the child's reach).
    const detector = new SpikeDetector(await memoryThresholds(300));
    const collector = await createCollector({ intervalMs: 500 });
    source = new LiveSource(collector, 500);
    const samples = source.samples()[Symbol.asyncIterator]();
    const next = async (): Promise<Sample> => {
      const r = await samples.next();
      if (r.done) throw new Error('source ended');
      return r.value;
    };
    // A few samples before the child, for the baseline.
    for (let i = 0; i < 4; i++) detector.push(await next());

    child = spawn(process.execPath, ['-e', ALLOCATE_SCRIPT(300, 3000)], { stdio: 'ignore' });
    const pid = child.pid;
    const exited = new Promise<void>((resolve) => child?.on('exit', () => resolve()));
    let done = false;
    void exited.then(() => (done = true));

    let spike: Spike | undefined;
    const deadline = Date.now() + 40_000;
    // Sample until the child is gone and the spike has closed (the merge gap has passed).
    let childRss = 0;
    while (Date.now() < deadline) {
      const sample = await next();
      childRss = Math.max(childRss, sample.processes.find((p) => p.pid === pid)?.rss ?? 0);
      detector.push(sample);
      // Other processes on a shared machine may spike too: the one under test names this child (a slow
      // allocation on a busy machine may show in an early spike first: the one with its largest rise).
      const riseOf = (s: Spike): number => s.culprits.find((c) => c.pid === pid)?.rise ?? 0;
      spike = detector
        .spikes()
        .filter((s) => s.metric === 'memory' && riseOf(s) > 0)
        .sort((a, b) => riseOf(b) - riseOf(a))[0];
      if (done && spike?.end !== null && spike !== undefined) break;
    }
    await source.close();
    source = undefined;
    const seen = JSON.stringify(detector.spikes().map((s) => [s.metric, s.culprits.map((c) => `${c.name}[${c.pid}]`)]));
    return { spike, childRss, seen, pid };
  }

  it('reports the spike and names the allocating child', async () => {
    // Up to three allocations, each judged against thresholds from a fresh level at rest: a second
    // copy of the suite may hold or free hundreds of MB while the level is read, moving the bar out
    // of this child's reach, or its own allocation may carry one spike that peaks before the child's,
    // or hold memory up past this one's deadline so that the spike has not closed yet.
    const settled = (r: Awaited<ReturnType<typeof attempt>>): boolean =>
      (r.spike?.culprits.find((c) => c.pid === r.pid)?.rise ?? 0) > 150 * MiB && r.spike?.end !== null;
    let result = await attempt();
    for (let i = 1; i < 3 && !settled(result); i++) {
      child?.kill('SIGKILL');
      result = await attempt();
    }
    const { spike, childRss, seen, pid } = result;
    expect(spike, `a memory spike naming the child; spikes: ${seen}`).toBeDefined();
    const s = spike as Spike;
    expect(s.end).not.toBeNull();
    // How far system-wide "used" rose depends on what else the machine did meanwhile (and on
    // pages the kernel still hands back): not this test's to judge. The child's own rise is.
    expect(s.peak).toBeGreaterThan(s.baseline);
    // Among the culprits; not necessarily first on a busy machine. Culprits are credited from where the
    // memory climb began, so the child's rise is most of its 300 MB however slowly it faulted them in.
    const ours = s.culprits.find((c) => c.pid === pid);
    expect(ours?.name).toBe('node');
    expect(ours?.rise).toBeGreaterThan(150 * MiB);
    expect(childRss).toBeGreaterThan(250 * MiB);
  }, 180_000);
});
