import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createCollector } from '../src/collect/platform.js';
import { LiveSource } from '../src/collect/live-source.js';
import { attribute } from '../src/analysis/attribution.js';
import type { Sample } from '../src/core/sample.js';

const MiB = 1024 * 1024;

/** Samples a real LiveSource at 1 s until `until` resolves, then a few seconds more. */
async function watch(until: Promise<unknown>, source: LiveSource): Promise<Sample[]> {
  const samples: Sample[] = [];
  let finished = false;
  void until.then(() => (finished = true));
  let after = 0;
  for await (const s of source.samples()) {
    samples.push(s);
    if (finished && ++after >= 4) break;
  }
  return samples;
}

/**
 * Issue 5's acceptance: brief spikes between 1-second samples, and the
 * short-lived processes behind them, named by attribution over the samples. Real
 * processes, real /proc, the real collector with its fast watch.
 */
describe('brief spikes and short-lived processes, end to end', () => {
  let child: ChildProcess | undefined;
  let source: LiveSource | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await source?.close();
  });

  it('a 500 MB spike held 200 ms about every 3.5 s, five times: its true height within 10 % and the generator named', async (ctx) => {
    // One long-lived generator. Python frees a large object at once (munmap), so its RSS falls straight
    // back. It says when it starts each allocation and when the hold ends.
    const generator = [
      'import json, random, time',
      'time.sleep(3)',
      'for i in range(5):',
      '    start = time.time() * 1000',
      '    b = b"\\x01" * (500 * 1024 * 1024)',
      '    filled = time.time() * 1000',
      '    time.sleep(0.2)',
      '    del b',
      '    print(json.dumps({"start": start, "filled": filled, "at": time.time() * 1000}), flush=True)',
      // About 3.5 s apart (time for the RSS to fall back and a sample or two at rest), not exactly: a second copy of this test on the same machine must not stay in step.
      '    time.sleep(2.8 + random.random())',
    ].join('\n');
    source = new LiveSource(await createCollector({ intervalMs: 1000 }), 1000);
    child = spawn('python3', ['-c', generator], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const done = new Promise((resolve) => child?.on('exit', resolve));
    const samples = await watch(done, source);

    const holds = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { start: number; filled: number; at: number });
    expect(holds).toHaveLength(5);
    // Judged on what this test controls, its own allocation, not on the spike log or the machine's "used"
    // (another workload's memory, allocated or freed meanwhile, moves that): attribution over the samples a
    // spike would hold gives the generator's own rise.
    const report = holds.map((hold) => {
      const before = samples.filter((x) => x.time <= hold.start).at(-1);
      const during = samples.filter((x) => x.time > hold.start && x.time - x.intervalMs <= hold.at);
      const ours = before && during.length > 0 ? attribute('memory', before, during).find((c) => c.pid === child?.pid) : undefined;
      const fillMs = Math.round(hold.filled - hold.start);
      return { named: ours !== undefined && ours.name === 'python3' && ours.share > 0, riseMb: Math.round((ours?.rise ?? 0) / MiB), fillMs };
    });
    const summary = JSON.stringify(report);
    // The generator among the culprits with a share: 4 of 5, as the fast watch on a busy machine may be starved
    // of one.
    expect(report.filter((r) => r.named).length, summary).toBeGreaterThanOrEqual(4);
    // Its rise within 10 % of the 500 MB it held, judged where the 500 MB filled quickly, as a 200 ms hold
    // assumes: on a VM whose page faults are slow the fill is a ramp of seconds, and a scan lands on it
    // mid-fill (its lifetime peak, VmHWM, tells only the first hold). 8 in 10, as a starved scan may miss too.
    const quick = report.filter((r) => r.fillMs <= 400);
    if (quick.length < 3) {
      ctx.skip(`this machine filled 500 MB in ${Math.min(...report.map((r) => r.fillMs))} ms or more: too slow a fill to judge the height of a 200 ms hold (${summary})`);
      return;
    }
    expect(quick.filter((r) => r.riseMb >= 450).length / quick.length, summary).toBeGreaterThanOrEqual(0.8);
  }, 240_000);

  it('a short-lived child that burns 300 ms of CPU is named: itself when a scan saw it, else its parent shell via children', async () => {
    // 300 ms of CPU each, however long that takes on a busy machine; the shell waits for (reaps) each and
    // prints its pid and when it ran.
    const burn = 'import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass';
    const script = `sleep 3; for i in 1 2 3; do python3 -c '${burn}' & p=$!; s=$(date +%s%3N); wait $p; echo "$p $s $(date +%s%3N)"; sleep 2.5; done`;
    source = new LiveSource(await createCollector({ intervalMs: 1000 }), 1000);
    child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const done = new Promise((resolve) => child?.on('exit', resolve));
    const samples = await watch(done, source);

    const shell = child.pid as number;
    const runs = out
      .trim()
      .split('\n')
      .map((l) => l.split(' ').map(Number) as [number, number, number]);
    expect(runs).toHaveLength(3);
    // Judged by attribution over the samples around each child, not by the machine's CPU making a spike:
    // on a busy machine that may already be at 100 %, and other processes may rise more.
    const report = runs.map(([pid, start, end]) => {
      const before = samples.filter((x) => x.time < start).at(-1);
      const during = samples.filter((x) => x.time >= start && x.time - x.intervalMs <= end + 1000);
      const culprits = attribute('cpu', before, during, { max: 1000, minShare: 0 });
      const named = culprits.find((c) => c.pid === pid || (c.pid === shell && c.viaChildren === true));
      return { pid, named: named ? `${named.name}[${named.pid}]${named.viaChildren ? ' via children' : ''} +${Math.round(named.rise)}` : null, rise: named?.rise ?? 0 };
    });
    const summary = JSON.stringify(report);
    for (const r of report) {
      expect(r.named, summary).not.toBeNull();
      // Its 300 ms, spread over however many 1 s intervals it took: a few points of one core at least.
      expect(r.rise, summary).toBeGreaterThanOrEqual(5);
    }
  }, 60_000);
});
