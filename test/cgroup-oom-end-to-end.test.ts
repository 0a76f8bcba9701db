/**
 * A real memory cgroup, made by the test: a collector pointed at it (--cgroup)
 * takes its limit as the memory total, and a child that outgrows it is killed
 * by the kernel and named, with its last RSS, by an OOM event in the spike log —
 * not a larger process outside the cgroup that ends at the same moment.
 * Skipped, saying why, where cgroupfs is not writable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { SpikeDetector } from '../src/analysis/spike-detector.js';
import { LinuxCollector } from '../src/collect/linux-collector.js';
import type { ProcessStats, Sample } from '../src/core/sample.js';
import type { Spike } from '../src/core/spike.js';
import { makeV1Cgroup, makeV2Cgroup, type TestCgroup } from './helpers/cgroup.js';
import { TMON_BIN, runCli } from './helpers/run-cli.js';

const MB = 1024 * 1024;
const LIMIT = 64 * MB;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A node child that says `ready`, then on `go` allocates and touches 8 MB every
 * 40 ms up to 200 MB: slow enough for the collector to see it grow.
 */
function allocator(): Promise<ChildProcess> {
  const script = `
    const held = [];
    process.stdin.once('data', () => {
      const t = setInterval(() => {
        held.push(Buffer.alloc(8 * 1024 * 1024, 1));
        if (held.length === 25) clearInterval(t);
      }, 40);
    });
    setInterval(() => held.length, 1000);
    process.stdout.write('ready\\n');`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
  });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`allocator exited early (${code})`)));
  });
}

/** A node child outside the test cgroup holding 150 MB: larger than anything the cgroup can hold. */
function decoy(): Promise<ChildProcess> {
  const script = `const held = Buffer.alloc(150 * 1024 * 1024, 1); setInterval(() => held.length, 1000); process.stdout.write('ready\\n');`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => void child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`decoy exited early (${code})`)));
  });
}

async function collector(opts: Parameters<typeof LinuxCollector.create>[0]): Promise<LinuxCollector> {
  const c = await LinuxCollector.create(opts);
  cleanups.push(() => c.close());
  return c;
}

/** The child's last record with memory: once killed it drops its RSS to 0 while it exits. */
const lastSeen = (samples: Sample[], pid: number): ProcessStats | undefined =>
  samples.flatMap((s) => s.processes.filter((p) => p.pid === pid && p.rss > 0)).at(-1);

describe.each([
  ['v1', makeV1Cgroup],
  ['v2', makeV2Cgroup],
] as const)('a real cgroup %s limited to 64 MB', (_version, make) => {
  test('the collector watching it reports the limit as the total; the child killed in it is the OOM event’s culprit with its last RSS', async (ctx) => {
    const cg: TestCgroup | string = make(LIMIT);
    if (typeof cg === 'string') ctx.skip(`cannot make a test cgroup: ${cg}`);
    const made = cg as TestCgroup;
    cleanups.push(() => made.remove());
    const child = await allocator();
    const pid = child.pid as number;
    made.add(pid);
    const exited = new Promise((r) => child.once('exit', r));
    // Ends the moment the child is killed, so it vanishes in the same interval as the kill.
    const outsider = await decoy();
    child.once('exit', () => outsider.kill('SIGKILL'));

    // One collector watches the cgroup (--cgroup); the other this machine as tmon would by default.
    const watched = await collector({ cgroup: made.path });
    const machine = await collector({});
    const detectors = [new SpikeDetector(), new SpikeDetector()];
    const seen: Sample[][] = [[], []];
    const tick = (): void => {
      [watched, machine].forEach((c, i) => {
        const s = c.sampleNow();
        seen[i]?.push(s);
        detectors[i]?.push(s);
      });
    };
    tick();
    const first = seen[0]?.[0] as Sample;
    expect(first.memory.limit).toBe(LIMIT);
    expect(first.memory.total).toBe(LIMIT);
    expect(first.host.memTotal).toBeGreaterThan(LIMIT);
    expect(first.memory.used).toBeLessThan(LIMIT);

    child.stdin?.write('go\n');
    let gone = false;
    void exited.then(() => (gone = true));
    const deadline = Date.now() + 20_000;
    while (!gone && Date.now() < deadline) {
      await sleep(250);
      tick();
    }
    expect(gone, 'the kernel killed the child that outgrew the limit').toBe(true);
    expect(child.signalCode).toBe('SIGKILL');
    await sleep(300);
    tick();
    await sleep(300);
    tick();

    const oomEvents = (i: number): Spike[] => detectors[i]?.spikes().filter((x) => x.metric === 'oom') ?? [];
    /** What a collector saw, should a check fail: per sample its kills and the child's state and RSS, and the events. */
    const trace = (i: number): string =>
      JSON.stringify({
        samples: (seen[i] as Sample[]).map((x) => [x.memory.oomKills ?? 0, x.processes.filter((p) => p.pid === pid).map((p) => `${p.state}${p.exited === true ? 'x' : ''}:${p.rss}`)]),
        events: oomEvents(i).map((x) => [x.id, x.end, x.culprits.map((c) => [c.pid, c.rise])]),
      });
    const checkNamed = (i: number, event: Spike | undefined): void => {
      const culprit = event?.culprits.find((c) => c.pid === pid);
      expect(culprit?.exited).toBe(true);
      expect(culprit?.rise, `its last RSS as the collector saw it: ${trace(i)}`).toBe(lastSeen(seen[i] as Sample[], pid)?.rss);
      expect(culprit?.rise).toBeGreaterThan(0);
      expect(event?.end).not.toBeNull();
    };
    // The cgroup holds only the child: its view must name it.
    const inCgroup = oomEvents(0).find((e) => e.culprits.some((c) => c.pid === pid));
    expect(inCgroup, `an OOM event in the cgroup's log names the child ${pid}: ${trace(0)}`).toBeDefined();
    checkNamed(0, inCgroup);
    const decoyNamed = oomEvents(0).some((e) => e.culprits.some((c) => c.pid === outsider.pid));
    expect(decoyNamed, `the larger process outside the cgroup is no victim of its kill: ${trace(0)}`).toBe(false);
    // The machine view counts /proc/vmstat's kills when tmon's own cgroup has no limit. On a shared
    // machine another, larger process may vanish in the same interval; by design the largest is named.
    if (seen[1]?.[0]?.memory.limit === undefined) {
      expect(oomEvents(1).length, `an OOM event in the machine's log: ${trace(1)}`).toBeGreaterThan(0);
      const named = oomEvents(1).find((e) => e.culprits.some((c) => c.pid === pid));
      const lastRss = lastSeen(seen[1] as Sample[], pid)?.rss ?? 0;
      if (named) checkNamed(1, named);
      else expect(oomEvents(1).some((e) => e.culprits.some((c) => c.rise >= lastRss)), `a larger process named instead: ${trace(1)}`).toBe(true);
    }
    // In the cgroup's view the child's allocation filled the limit: where a sample saw both the kernel's
    // hits and the working set near the limit (a starved sampler on a busy machine may see neither), it is logged.
    const sawHit = (seen[0] as Sample[]).some((s) => (s.memory.limitHits ?? 0) > 0 && s.memory.usedMax >= 0.9 * s.memory.total);
    if (!made.hitsUncounted && sawHit) expect(detectors[0]?.spikes().some((s) => s.metric === 'limit')).toBe(true);
    expect(Math.max(...(seen[0] as Sample[]).map((s) => s.memory.usedMax))).toBeGreaterThan(LIMIT * 0.5);
  }, 40_000);
});

describe('tmon record --cgroup, then tmon spikes', () => {
  test('the OOM kill is in the recording and printed by tmon spikes with the child and its last RSS', async (ctx) => {
    const v1 = makeV1Cgroup(LIMIT);
    const cg = typeof v1 === 'string' ? makeV2Cgroup(LIMIT) : v1;
    if (typeof cg === 'string') ctx.skip(`cannot make a test cgroup: ${typeof v1 === 'string' ? v1 : 'v1'}; ${cg}`);
    const made = cg as TestCgroup;
    cleanups.push(() => made.remove());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tmon-cgroup-record-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'oom.tmon');
    const child = await allocator();
    const pid = child.pid as number;
    made.add(pid);

    const recorder = spawn(process.execPath, [TMON_BIN, 'record', file, '--cgroup', made.path, '--duration', '6s', '--interval', '250ms'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    cleanups.push(() => void recorder.kill('SIGKILL'));
    let stderr = '';
    recorder.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const recorded = new Promise<number | null>((resolve) => recorder.on('exit', resolve));
    const deadline = Date.now() + 10_000;
    while (!/recording local to/.test(stderr) && Date.now() < deadline) await sleep(50);
    await sleep(1000);
    child.stdin?.write('go\n');
    expect(await recorded, stderr).toBe(0);
    expect(child.signalCode).toBe('SIGKILL');

    const r = await runCli(['spikes', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^\\S+ \\S+  oom .* critical  node\\[${pid}\\] last RSS \\d`, 'm'));
    const json = await runCli(['spikes', file, '--json']);
    const oom = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { metric: string; culprits: { pid: number }[] })
      .find((s) => s.metric === 'oom');
    expect(oom?.culprits.map((c) => c.pid)).toContain(pid);
  }, 40_000);

  test.each([
    ['record', path.join(os.tmpdir(), `tmon-none-${process.pid}.tmon`), '--duration', '1s'],
    ['agent', '--listen', '127.0.0.1:0'],
  ])('tmon %s with a --cgroup that is not there: a one-line error', async (...args) => {
    const r = await runCli([...args, '--cgroup', '/tmon-no-such-cgroup']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--cgroup \/tmon-no-such-cgroup: no memory cgroup there/);
  });
});
