/**
 * Collector benchmark (issues 2 and 5): CPU per sample beside `top -b -d 1`,
 * at this machine's process count and with 1000 extra sleeping processes; CPU
 * at 1 Hz with ~300 processes; the fast watch's extra CPU; and how well 50 ms,
 * 200 ms and 1 s memory spikes are caught. Every process it starts is killed
 * at the end, whatever happens. TMON_BENCH_SPIKES_ONLY=1 runs only the spikes
 * (to check a change keeps what they catch).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { LinuxCollector } from '../src/collect/linux-collector.js';
import { ProcFile } from '../src/collect/proc-file.js';
import type { Sample } from '../src/core/sample.js';
import { fmt, killAll, median, processCount, sleep, spawnSleepers, started, withChildrenKilled } from './support.js';

const MB = 1024 * 1024;

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}


/** Collector CPU per sample: median and mean of `n` samples taken 200 ms apart (after a warm-up). */
async function collectorPerSample(n: number): Promise<{ median: number; mean: number; processes: number; hwmReadsPerTick: number }> {
  const c = await LinuxCollector.create({ fastWatch: false });
  try {
    for (let i = 0; i < 3; i++) {
      await sleep(200);
      c.sampleNow();
    }
    const hwm0 = c.hwmReads;
    const costs: number[] = [];
    let processes = 0;
    for (let i = 0; i < n; i++) {
      await sleep(200);
      const t = process.cpuUsage();
      processes = c.sampleNow().processes.length;
      costs.push(cpuMs(t));
    }
    return { median: median(costs), mean: costs.reduce((a, b) => a + b, 0) / n, processes, hwmReadsPerTick: (c.hwmReads - hwm0) / n };
  } finally {
    c.close();
  }
}

/** CPU time of a process in ms: /proc/<pid>/schedstat (ns, precise), else utime+stime (10 ms ticks). */
function cpuTimeOf(pid: number): number {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  }
}

/** top -b -d 1: CPU per tick, from its CPU time between its 2nd and (ticks+2)th screen. */
async function topPerTick(ticks: number): Promise<number> {
  const top = spawn('top', ['-b', '-d', '1', '-n', String(ticks + 5)], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  started.add(top);
  const marks: number[] = [];
  await new Promise<void>((resolve) => {
    top.stdout?.on('data', (d: Buffer) => {
      // A screen starts with "top - "; it is printed after that tick's reading.
      for (let i = d.indexOf('top - '); i >= 0; i = d.indexOf('top - ', i + 1)) {
        marks.push(cpuTimeOf(top.pid as number));
        if (marks.length === ticks + 2) resolve();
      }
    });
    top.once('exit', () => resolve());
  });
  top.kill('SIGKILL');
  started.delete(top);
  return ((marks[ticks + 1] ?? NaN) - (marks[1] ?? NaN)) / ticks;
}

/**
 * % of one core used at 1 Hz over `seconds`: the whole process (timers, GC,
 * the fast watch) and the part inside sample(). Warmed up first so the JIT's
 * background compiling is not counted.
 */
async function atOneHz(seconds: number, fastWatch: boolean): Promise<{ total: number; inside: number; bursts: number }> {
  const c = await LinuxCollector.create({ fastWatch });
  try {
    for (let i = 0; i < 30; i++) {
      await sleep(50);
      c.sampleNow();
    }
    await sleep(2000);
    const bursts = c.burstScans;
    const t = process.cpuUsage();
    const wall = performance.now();
    let inside = 0;
    for (let i = 0; i < seconds; i++) {
      await sleep(1000);
      const s = process.cpuUsage();
      c.sampleNow();
      inside += cpuMs(s);
    }
    const ms = performance.now() - wall;
    return { total: (cpuMs(t) / ms) * 100, inside: (inside / ms) * 100, bursts: c.burstScans - bursts };
  } finally {
    c.close();
  }
}

/** A 1 Hz loop with nothing to do, plus an empty timer at `extraHz` (0: none): what waking Node costs. */
async function idleAtOneHz(seconds: number, extraHz = 0): Promise<number> {
  const extra = extraHz > 0 ? setInterval(() => undefined, 1000 / extraHz) : null;
  const t = process.cpuUsage();
  const wall = performance.now();
  for (let i = 0; i < seconds; i++) await sleep(1000);
  const pct = (cpuMs(t) / (performance.now() - wall)) * 100;
  if (extra) clearInterval(extra);
  return pct;
}

/** Sync reads into one buffer vs readFileSync vs fs.promises, over every /proc/<pid>/stat. */
async function readStrategies(rounds: number): Promise<Record<string, number>> {
  const pids = fs.readdirSync('/proc').filter((n) => n.charCodeAt(0) >= 0x30 && n.charCodeAt(0) <= 0x39);
  const file = new ProcFile();
  const out: Record<string, number> = {};
  let t = process.cpuUsage();
  for (let r = 0; r < rounds; r++) for (const p of pids) file.read(`/proc/${p}/stat`);
  out['sync, one reused buffer'] = cpuMs(t) / rounds;
  t = process.cpuUsage();
  for (let r = 0; r < rounds; r++) {
    for (const p of pids) {
      try {
        fs.readFileSync(`/proc/${p}/stat`);
      } catch {
        // exited meanwhile
      }
    }
  }
  out['readFileSync'] = cpuMs(t) / rounds;
  t = process.cpuUsage();
  for (let r = 0; r < rounds; r++) await Promise.all(pids.map((p) => fs.promises.readFile(`/proc/${p}/stat`).catch(() => null)));
  out['fs.promises + Promise.all'] = cpuMs(t) / rounds;
  return out;
}

interface SpikeResult {
  holdMs: number;
  n: number;
  detected: number;
  culprit: number;
  errorsMb: number[];
}

/**
 * Memory spikes from a generator child: allocate 500 MB, hold `holdMs`, exit.
 * The child reads memory used itself mid-hold (the true top); the collector's
 * usedMax for the interval holding that moment is compared with it.
 */
async function spikes(holdMs: number, n: number): Promise<SpikeResult> {
  const c = await LinuxCollector.create({});
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      await sleep(1000);
      samples.push(c.sampleNow());
    }
  })();
  const generator = `const b = Buffer.alloc(500 * 1024 * 1024, 1);
    setTimeout(() => {
      const m = require('node:fs').readFileSync('/proc/meminfo', 'utf8');
      const kb = (k) => Number(m.split(k + ':')[1].trim().split(' ')[0]);
      console.log(JSON.stringify({ at: Date.now(), used: (kb('MemTotal') - kb('MemAvailable')) * 1024 }));
    }, ${Math.round(holdMs / 2)});
    setTimeout(() => b.length, ${holdMs});`;
  const runs: { pid: number; start: number; end: number; usedBefore: number; top: { at: number; used: number } }[] = [];
  try {
    await sleep(1200);
    for (let i = 0; i < n; i++) {
      const usedBefore = samples.at(-1)?.memory.used ?? 0;
      const start = Date.now();
      const child = spawn(process.execPath, ['-e', generator], { stdio: ['ignore', 'pipe', 'ignore'] });
      started.add(child);
      let out = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((r) => child.once('exit', r));
      started.delete(child);
      runs.push({ pid: child.pid as number, start, end: Date.now(), usedBefore, top: JSON.parse(out) as { at: number; used: number } });
      await sleep(1100 + (i % 3) * 300);
    }
    await sleep(1100);
  } finally {
    running = false;
    await loop;
    c.close();
  }
  const result: SpikeResult = { holdMs, n, detected: 0, culprit: 0, errorsMb: [] };
  for (const r of runs) {
    const covers = (s: Sample, from: number, to: number): boolean => s.time >= from && s.time - s.intervalMs <= to;
    const atTop = samples.find((s) => covers(s, r.top.at, r.top.at));
    const during = samples.filter((s) => covers(s, r.start, r.end + 50));
    if (!atTop) continue;
    // Other processes can only add to the interval's max: what matters is how much of the top it missed.
    result.errorsMb.push(Math.max(0, r.top.used - atTop.memory.usedMax) / MB);
    if (atTop.memory.usedMax - r.usedBefore >= 250 * MB) result.detected++;
    if (during.some((s) => (s.processes.find((p) => p.pid === r.pid)?.rss ?? 0) >= 250 * MB)) result.culprit++;
  }
  return result;
}

export async function bench(): Promise<string> {
  return withChildrenKilled(async () => {
    const cost = process.env['TMON_BENCH_SPIKES_ONLY'] === '1' ? [] : await costTables();
    return [...cost, ...(await spikeTable())].join('\n');
  });
}

/** CPU per sample beside top, at 1 Hz, and the fast watch's price. */
async function costTables(): Promise<string[]> {
    const lines: string[] = [];
    const base = processCount();

    const reads = await readStrategies(20);
    lines.push(`Reading every /proc/<pid>/stat once (${base} processes), CPU ms per round:`, '');
    lines.push('| strategy | CPU ms |', '| --- | ---: |');
    for (const [k, v] of Object.entries(reads)) lines.push(`| ${k} | ${fmt(v)} |`);
    lines.push('');

    const small = await collectorPerSample(30);
    const topSmall = await topPerTick(12);
    await spawnSleepers(1000);
    const big = await collectorPerSample(30);
    const topBig = await topPerTick(12);
    killAll();
    await sleep(500);

    lines.push('CPU per sample, tmon collector (fast watch off; median of 30) beside `top -b -d 1` (per tick, 12 ticks, same run):', '');
    lines.push('| processes | tmon ms/sample | top ms/tick | tmon / top | VmHWM reads per tick |', '| ---: | ---: | ---: | ---: | ---: |');
    lines.push(`| ${small.processes} | ${fmt(small.median)} | ${fmt(topSmall, 1)} | ${fmt(small.median / topSmall)} | ${fmt(small.hwmReadsPerTick, 1)} |`);
    lines.push(`| ${big.processes} | ${fmt(big.median)} | ${fmt(topBig, 1)} | ${fmt(big.median / topBig)} | ${fmt(big.hwmReadsPerTick, 1)} |`);
    lines.push('', 'top -b formats and prints every process each tick; its figure includes that. Its CPU time comes from /proc/<top>/schedstat.', '');

    const idle = await idleAtOneHz(10);
    const idle15 = await idleAtOneHz(10, 15);
    const off = await atOneHz(15, false);
    const on = await atOneHz(15, true);
    await spawnSleepers(Math.max(0, 300 - processCount()));
    const n300 = processCount();
    const at300 = await atOneHz(15, true);
    killAll();
    await sleep(500);
    lines.push('At 1 Hz over 15 s, after a warm-up: % of one core for the whole process, and the part spent inside sample():', '');
    lines.push('| setup | whole process | inside sample() | burst scans |', '| --- | ---: | ---: | ---: |');
    lines.push(`| Node idle, same 1 s timer, no collector | ${fmt(idle, 3)} | - | - |`);
    lines.push(`| Node idle plus an empty 15 Hz timer (the price of waking at all) | ${fmt(idle15, 3)} | - | - |`);
    lines.push(`| ${base} processes, fast watch off | ${fmt(off.total, 3)} | ${fmt(off.inside, 3)} | - |`);
    lines.push(`| ${base} processes, fast watch on (15 Hz) | ${fmt(on.total, 3)} | ${fmt(on.inside, 3)} | ${on.bursts} |`);
    lines.push(`| fast watch extra | ${fmt(on.total - off.total, 3)} | | |`);
    lines.push(`| ${n300} processes, fast watch on | ${fmt(at300.total, 3)} | ${fmt(at300.inside, 3)} | ${at300.bursts} |`);
    lines.push('', '"Whole process" includes GC of the per-tick objects, the timers and the fast watch; "inside sample()" is the tick itself.', '');
    return lines;
}

/** How well 500 MB spikes held 50 ms, 200 ms and 1 s are caught and their process seen. */
async function spikeTable(): Promise<string[]> {
    const lines: string[] = [];
    lines.push('500 MB memory spikes from a short-lived child, sampled at 1 s with the fast watch (15 Hz):', '');
    lines.push('| hold | spikes | peak seen (≥ 250 MB above the last tick) | culprit seen with RSS ≥ 250 MB | height missed, median / max (MB) |');
    lines.push('| ---: | ---: | ---: | ---: | ---: |');
    for (const [hold, n] of [
      [50, 6],
      [200, 6],
      [1000, 4],
    ] as const) {
      const r = await spikes(hold, n);
      lines.push(`| ${hold} ms | ${r.n} | ${r.detected} | ${r.culprit} | ${fmt(median(r.errorsMb), 0)} / ${fmt(Math.max(...r.errorsMb), 0)} |`);
    }
    lines.push(
      '',
      'Height missed: how far the interval’s usedMax fell short of memory used as the generator itself read it mid-hold. ' +
        '"Peak seen" compares with the tick before the spike, so other processes’ memory moves it too.',
    );
    return lines;
}
