import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, TMON_BIN } from './helpers/run-cli.js';
import { ALLOCATE_SCRIPT } from './helpers/memory-level.js';
import { recordMemorySpike } from './helpers/recorded-spike.js';
import { TmuxSession } from './helpers/tmux.js';
import type { Sample } from '../src/core/sample.js';
import { writeRecording } from './fixtures/store/recording-files.js';
import { scenario } from './fixtures/ui/scenario.js';
import { variedSamples } from './fixtures/store/varied-samples.js';
import { bomb, specialFiles } from './fixtures/store/crafted-files.js';

/**
 * `tmon record` on this machine while a real child makes a memory spike; then
 * the recording is read back by `tmon spikes`, `tmon export` and `tmon replay`
 * exactly as a person would run them.
 */
describe('tmon record, then spikes / export / replay of the recording', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tmon-record-'));
  const file = join(dir, 'spike.tmon');
  let childPid = 0;

  beforeAll(async () => {
    childPid = await recordMemorySpike(file, 300, async () => spawn(process.execPath, ['-e', ALLOCATE_SCRIPT(300, 2000)], { stdio: 'ignore' }));
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('spikes --json names the allocating child with its share', async () => {
    const r = await runCli(['spikes', file, '--json']);
    expect(r.code).toBe(0);
    const spikes = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { metric: string; peak: number; culprits: { pid: number; name: string; share: number }[] });
    // The bar is low (a fraction of this machine's RAM), so another process on a shared
    // machine may make a spike of its own: look at the one the child was part of.
    const mem = spikes.find((s) => s.metric === 'memory' && s.culprits.some((c) => c.pid === childPid));
    expect(mem, r.stdout).toBeDefined();
    // Named among the culprits with a share; on a shared machine others may have risen more.
    const ours = mem?.culprits.find((c) => c.pid === childPid);
    expect(ours?.name).toBe('node');
    expect(ours?.share).toBeGreaterThan(0);
  });

  it('spikes prints a readable line per spike', async () => {
    const r = await runCli(['spikes', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`memory.*node\\[${childPid}\\]`));
  });

  it('export --csv writes a header and one row per sample, the spike visible in memory peak', async () => {
    const r = await runCli(['export', file, '--csv']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\r\n');
    const header = (lines[0] ?? '').split(',');
    expect(header[0]).toMatch(/time/);
    expect(lines.length).toBeGreaterThan(12);
    const peakCol = header.findIndex((h) => /mem.*peak|peak.*mem/i.test(h));
    expect(peakCol).toBeGreaterThan(0);
    // The row of the child's spike carries the peak the spike holds (seen between samples, not the level),
    // and it stands above the recording's lowest by the third of 300 MB the bar asked. Not by the whole
    // 300 MB: memory another process frees meanwhile, or a cgroup's page cache giving way, takes from the rise.
    const rows = lines.slice(1).map((l) => l.split(','));
    const peaks = rows.map((cells) => Number(cells[peakCol]));
    const spikes = (await runCli(['spikes', file, '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { metric: string; peak: number; peakAt: string; culprits: { pid: number }[] });
    const ours = spikes.find((sp) => sp.metric === 'memory' && sp.culprits.some((c) => c.pid === childPid));
    const atPeak = rows.findIndex((cells) => Date.parse(cells[0] ?? '') >= Date.parse(ours?.peakAt ?? ''));
    expect(atPeak, r.stdout).toBeGreaterThanOrEqual(0);
    expect(peaks[atPeak]).toBeGreaterThanOrEqual((ours?.peak ?? Infinity) - 1024 * 1024);
    expect((peaks[atPeak] ?? 0) - Math.min(...peaks)).toBeGreaterThan(100 * 1024 * 1024);
  });

  it('export --openmetrics backfills Prometheus: promtool makes blocks of it, the spike counted and its peak kept', async () => {
    const r = await runCli(['export', file, '--openmetrics']);
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith('# EOF\n')).toBe(true);
    const om = join(dir, 'backfill.om');
    writeFileSync(om, r.stdout);
    const blocks = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, join(dir, 'tsdb')], { encoding: 'utf8' });
    expect(blocks.status, blocks.stdout + blocks.stderr).toBe(0);
    expect(blocks.stdout).toMatch(/BLOCK ULID/);
    // The memory spike the child made is counted by the end, and its height is in the peak gauge.
    const counted = [...r.stdout.matchAll(/^tmon_spikes_total\{metric="memory",severity="\w+"\} (\d+) /gm)].map((m) => Number(m[1]));
    expect(Math.max(...counted.slice(-4))).toBeGreaterThanOrEqual(1);
    // The child's spike is in the peak gauge from the sample of its peak on (a gauge of the level alone would
    // miss what the fast watch saw between samples). Judged against the spike the recording holds, not against
    // the first sample: a second copy of the suite may have peaked higher there, and the window keeps that.
    const spikes = (await runCli(['spikes', file, '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { metric: string; peak: number; peakAt: string; culprits: { pid: number }[] });
    const ours = spikes.find((sp) => sp.metric === 'memory' && sp.culprits.some((c) => c.pid === childPid));
    expect(ours).toBeDefined();
    const gauge = [...r.stdout.matchAll(/^tmon_memory_used_peak_bytes (\S+) (\S+)$/gm)].map((m) => ({ value: Number(m[1]), at: Number(m[2]) * 1000 }));
    const atPeak = gauge.find((g) => g.at >= Date.parse(ours?.peakAt ?? ''));
    expect(atPeak?.value).toBeGreaterThanOrEqual((ours?.peak ?? Infinity) - 1024 * 1024);
    // The newest spike shows from the sample where it started, as the agent shows it, not from where it closed.
    // Every spike that became the newest is judged, whatever its metric: the allocation may open a CPU spike at
    // the same sample, and then that one is the newest.
    const firstSeen = new Map<number, number>();
    for (const m of r.stdout.matchAll(/^tmon_last_spike_timestamp_seconds\{metric="\w+"\} ([\d.]+) ([\d.]+)/gm)) {
      const start = Math.round(Number(m[1]) * 1000);
      if (!firstSeen.has(start)) firstSeen.set(start, Math.round(Number(m[2]) * 1000));
    }
    expect(firstSeen.size).toBeGreaterThanOrEqual(1);
    for (const [start, at] of firstSeen) expect(at - start, `a spike of ${new Date(start).toISOString()}`).toBeLessThanOrEqual(1);
  });

  it('export into a pipe whose reader is gone ends quietly with exit 0', () => {
    const out = execFileSync('bash', ['-c', `set -o pipefail; ${process.execPath} ${TMON_BIN} export ${file} --csv | true; echo "status \${PIPESTATUS[0]}"`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out.trim()).toBe('status 0');
  });

  it('export --from/--to narrows the rows', async () => {
    const all = (await runCli(['export', file, '--csv'])).stdout.trim().split('\r\n');
    const some = await runCli(['export', file, '--csv', '--from', 'start', '--to=-3s']);
    expect(some.code).toBe(0);
    const rows = some.stdout.trim().split('\r\n');
    expect(rows.length).toBeLessThan(all.length);
    expect(rows.length).toBeGreaterThan(1);
  });

  it('replay opens on the spike and shows the culprit', { timeout: 60_000 }, async () => {
    // Wide enough for a spike line's three culprits: a second copy of the suite in lockstep shares the spike.
    const tmux = new TmuxSession(250, 50);
    try {
      tmux.start(`${process.execPath} ${TMON_BIN} replay ${file}`);
      await tmux.waitFor((s) => /REPLAY/i.test(s) && /Spikes \(\d+\)/.test(s));
      // `n` steps through the spikes (other processes on a shared machine may have made their own) to the
      // child's: named in the spike's line, or, sorted by memory (`m`), in the table at that moment.
      tmux.keys('m');
      await tmux.waitFor((s) => /by memory/i.test(s));
      const culprit = new RegExp(`node\\[${childPid}\\]|\\s${childPid}\\s`);
      const at = (s: string): string => /REPLAY (\S+)/.exec(s)?.[1] ?? '';
      // One spike at a time, later (n) then, if the replay opened past the child's, earlier (N): wait for the
      // cursor to move (or for the log's end) before looking again.
      for (const [key, end] of [['n', /no later spike/], ['N', /no earlier spike/]] as const) {
        for (let i = 0; i < 12 && !culprit.test(tmux.screen()); i++) {
          const before = at(tmux.screen());
          tmux.keys(key);
          const now = await tmux.waitFor((s) => at(s) !== before || end.test(s));
          if (end.test(now)) break;
        }
      }
      expect(await tmux.waitFor((s) => culprit.test(s))).toMatch(/REPLAY/i);
      tmux.keys('q');
      expect(await tmux.waitFor((s) => /EXIT:\d+/.test(s))).toMatch(/EXIT:0/);
    } finally {
      tmux.kill();
    }
  });

  it('refuses a foreign file and a missing one with one line each', async () => {
    const foreign = join(dir, 'notes.txt');
    writeFileSync(foreign, 'shopping list\n');
    for (const verb of ['spikes', 'replay', 'export']) {
      const args = verb === 'export' ? [verb, foreign, '--csv'] : [verb, foreign];
      const r = await runCli(args);
      expect(r.code, `${verb}: ${r.stderr}`).toBe(1);
      expect(r.stderr.trim()).toMatch(/is not a tmon recording/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const missing = await runCli(['spikes', join(dir, 'nope.tmon')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no such file/);
  });

  it('an empty recording reads as no spikes and a header-only CSV', async () => {
    const empty = join(dir, 'empty.tmon');
    writeFileSync(empty, '');
    expect(statSync(empty).size).toBe(0);
    const s = await runCli(['spikes', empty, '--json']);
    expect(s.code).toBe(0);
    expect(s.stdout).toBe('');
    const e = await runCli(['export', empty, '--csv']);
    expect(e.code).toBe(0);
    expect(e.stdout.trim().split('\r\n')).toHaveLength(1);
  });

  it('rejects bad usage with exit 2', async () => {
    expect((await runCli(['record'])).code).toBe(2);
    expect((await runCli(['export', file])).stderr).toMatch(/--csv/);
    expect((await runCli(['record', file, '--duration', 'soon'])).code).toBe(2);
  });
});

describe('tmon record of a single sample', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tmon-one-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says "recorded 1 sample", singular', async () => {
    const file = join(dir, 'one.tmon');
    // The first sample comes at once, the next only after the 10 s interval: the 3 s run holds exactly one.
    const r = await runCli(['record', file, '--interval', '10s', '--duration', '3s']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`tmon: recorded 1 sample to ${file} (`);
  });
});

describe('tmon replay of a recording with a 30 s hole', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tmon-gap-'));
  const file = join(dir, 'gap.tmon');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('draws the hole as empty plot between the samples around it, not the samples joined', { timeout: 60_000 }, async () => {
    // CPU flat at 100 %: 20 samples 1 s apart, nothing for 30 s (a link outage, a suspended machine), 20 more.
    const flat = (x: Sample): Sample => ({ ...x, cpu: { ...x.cpu, total: { ...x.cpu.total, busy: 100 }, busyMin: 100, busyMax: 100 } });
    await writeRecording(file, scenario(40).map((x, i) => flat({ ...x, time: x.time + (i >= 20 ? 30_000 : 0) })));
    const tmux = new TmuxSession(120, 40);
    try {
      tmux.start(`${process.execPath} ${TMON_BIN} replay ${file}`);
      const s = await tmux.waitFor((x) => /REPLAY/.test(x) && /CPU 100/.test(x));
      const lines = s.split('\n');
      const plotRow = lines[lines.findIndex((l) => /CPU 100/.test(l)) + 1] ?? '';
      // The top row of the CPU plot, inside its frame (drawn in line-drawing characters where the terminal
      // lacks UTF-8): two samples to a cell, 10 cells of line, 15 empty for the 30 s, 10 more up to the right edge.
      expect(plotRow).toMatch(/^\S100 +⠉{10} {15}⠉{10}\S/);
      tmux.keys('q');
      expect(await tmux.waitFor((x) => /EXIT:\d+/.test(x))).toMatch(/EXIT:0/);
    } finally {
      tmux.kill();
    }
  });
});

describe('the verbs that read recordings, given hostile files (issue 9, items 4 and 8)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tmon-hostile-'));
  const store = join(dir, 'store');
  const SAMPLES = variedSamples(40, { seed: 3 });

  beforeAll(async () => {
    mkdirSync(store);
    await writeRecording(join(store, 'tmon-a.tmon'), SAMPLES.slice(0, 20));
    await writeRecording(join(store, 'tmon-b.tmon'), SAMPLES.slice(20));
    specialFiles(store);
    writeFileSync(join(store, 'bomb.tmon'), bomb(1, 5));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('`export DIR --csv` exports the store as one timeline, one warning per bad file', async () => {
    const r = await runCli(['export', store, '--csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\r\n')).toHaveLength(1 + SAMPLES.length);
    const warnings = r.stderr.trim().split('\n');
    for (const name of ['fifo.tmon', 'directory.tmon', 'dangling.tmon']) {
      expect(warnings.filter((w) => w.includes(name))).toHaveLength(1);
    }
    expect(r.stderr).not.toMatch(/EISDIR|Error|at /);
  });

  it('a FIFO named *.tmon: spikes, export and replay say so in one line at once, never wait for a writer', async () => {
    const fifo = join(store, 'fifo.tmon');
    for (const args of [['spikes', fifo], ['export', fifo, '--csv'], ['replay', fifo]]) {
      const r = await runCli(args, { timeoutMs: 10_000 });
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(1);
      expect(r.stderr.trim()).toBe(`tmon: ${fifo} is not a tmon recording (not a regular file)`);
    }
  });

  it('`replay` of a file with nothing readable says so after its warnings instead of showing an empty screen', async () => {
    const bombFile = join(store, 'bomb.tmon');
    const r = await runCli(['replay', bombFile]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[lines.length - 1]).toBe(`tmon: ${bombFile} holds no readable samples`);
    expect(lines.slice(0, -1).join('\n')).toMatch(/^tmon: warning: .*bomb\.tmon: undecodable sample at offset \d+ \(inflates to more than \d+ bytes\)/);
  });
});
