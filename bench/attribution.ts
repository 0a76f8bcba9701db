/**
 * Attribution quality (issue 8): with the default thresholds, a real collector
 * sampled at 1 s and the real detector, how many brief CPU and memory transients
 * are logged, how close their recorded height is to the truth, and how often the
 * process that made them is named — and how many spikes appear at rest. Each with
 * and without a competing load (a neighbour burning one core and cycling 100 MB).
 *
 * TMON_BENCH_RUNS (default 5) transients per row; TMON_BENCH_REST_MINUTES (default
 * 10) per rest measurement (0 skips it); TMON_BENCH_TRACE=1 prints, for each
 * transient missed or not named, the samples around it and the spikes found then.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { SpikeDetector } from '../src/analysis/spike-detector.js';
import { LinuxCollector } from '../src/collect/linux-collector.js';
import type { Sample } from '../src/core/sample.js';
import type { Spike, SpikeMetric } from '../src/core/spike.js';
import { fmt, killAll, median, sleep, started, withChildrenKilled } from './support.js';

const MB = 1024 * 1024;
const RUNS = Number(process.env['TMON_BENCH_RUNS'] ?? 5);
const REST_MINUTES = Number(process.env['TMON_BENCH_REST_MINUTES'] ?? 10);
const TRACE = process.env['TMON_BENCH_TRACE'] === '1';

/** What a transient's own process reports: when it ran and, for memory, used memory mid-hold. */
interface Truth {
  pid: number;
  at: number;
  end: number;
  used?: number;
}

/** All cores busy for `hold` ms from one process (worker threads released together), 1.5 s after start-up. */
function cpuScript(hold: number): string[] {
  const worker = `const { workerData } = require('node:worker_threads');
    const f = new Int32Array(workerData);
    Atomics.wait(f, 0, 0);
    const end = Date.now() + ${hold};
    while (Date.now() < end) {}`;
  return [
    '-e',
    `const { Worker } = require('node:worker_threads');
     const sab = new SharedArrayBuffer(4);
     const ws = Array.from({ length: require('node:os').availableParallelism() }, () => new Worker(${JSON.stringify(worker)}, { eval: true, workerData: sab }));
     setTimeout(() => {
       const at = Date.now();
       Atomics.store(new Int32Array(sab), 0, 1);
       Atomics.notify(new Int32Array(sab), 0);
       Promise.all(ws.map((w) => new Promise((r) => w.on('exit', r)))).then(() => console.log(JSON.stringify({ at, end: Date.now() })));
     }, 1500);`,
  ];
}

/** 500 MB held for `hold` ms; memory used read mid-hold is the true top. */
function memoryScript(hold: number): string[] {
  return [
    '-c',
    [
      'import json, time',
      'def used():',
      '    d = dict((l.split(":")[0], int(l.split()[1])) for l in open("/proc/meminfo"))',
      '    return (d["MemTotal"] - d["MemAvailable"]) * 1024',
      'time.sleep(1.5)',
      'at = time.time() * 1000',
      'b = b"\\x01" * (500 * 1024 * 1024)',
      `time.sleep(${hold / 2000})`,
      'top = used()',
      `time.sleep(${hold / 2000})`,
      'del b',
      'print(json.dumps({"at": at, "end": time.time() * 1000, "used": top}), flush=True)',
    ].join('\n'),
  ];
}

async function runChild(cmd: string, args: string[]): Promise<Truth> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  started.add(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => child.once('exit', r));
  started.delete(child);
  return { pid: child.pid as number, ...(JSON.parse(out) as Omit<Truth, 'pid'>) };
}

/** A collector at 1 Hz feeding a detector with the default thresholds until stopped. */
async function watching(): Promise<{ stop: () => Promise<{ spikes: readonly Spike[]; samples: Sample[] }> }> {
  const c = await LinuxCollector.create({});
  const detector = new SpikeDetector();
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      await sleep(1000);
      const s = c.sampleNow();
      samples.push(s);
      detector.push(s);
    }
  })();
  return {
    stop: async () => {
      await sleep(3000); // the merge gap, so the last spike closes
      running = false;
      await loop;
      c.close();
      return { spikes: detector.spikes(), samples };
    },
  };
}

/** A neighbour: one core busy, and 100 MB allocated and freed every 700 ms. */
function startNeighbour(): void {
  started.add(spawn(process.execPath, ['-e', 'for (;;) {}'], { detached: true, stdio: 'ignore' }));
  const cycle = 'import time\nwhile True:\n    b = b"\\x01" * (100 * 1024 * 1024)\n    time.sleep(0.3)\n    del b\n    time.sleep(0.4)';
  started.add(spawn('python3', ['-c', cycle], { detached: true, stdio: 'ignore' }));
}

interface Row {
  metric: SpikeMetric;
  hold: number;
  load: boolean;
  detected: number;
  named: number;
  heightErrors: number[];
  /** With TMON_BENCH_TRACE: what was seen around each transient missed or not named. */
  traces: string[];
}

/** The samples from 2 s before a transient to 2 s after, and the spikes then, as one line each. */
function trace(metric: SpikeMetric, t: Truth, samples: Sample[], spikes: readonly Spike[]): string {
  const near = samples.filter((s) => s.time >= t.at - 2000 && s.time <= t.end + 2000);
  const value = (s: Sample): string =>
    metric === 'cpu'
      ? `${s.cpu.total.busy.toFixed(0)}/${s.cpu.busyMax.toFixed(0)}%`
      : `${(s.memory.used / MB).toFixed(0)}/${(s.memory.usedMax / MB).toFixed(0)}MB`;
  const own = (s: Sample): string => {
    const p = s.processes.find((x) => x.pid === t.pid);
    return p ? ` [own ${metric === 'cpu' ? `${p.cpu.toFixed(0)}%` : `${((p.rssPeak ?? p.rss) / MB).toFixed(0)}MB`}${p.exited === true ? ' exited' : ''}]` : '';
  };
  const seen = near.map((s) => `${s.time - t.at}ms ${value(s)}${own(s)}`).join(', ');
  const found = spikes
    .filter((x) => x.metric === metric && x.start <= t.end + 2000 && (x.end ?? Infinity) >= t.at - 2000)
    .map((x) => `${x.start - t.at}ms peak ${metric === 'cpu' ? x.peak.toFixed(0) : (x.peak / MB).toFixed(0)} base ${metric === 'cpu' ? x.baseline.toFixed(0) : (x.baseline / MB).toFixed(0)} ${x.culprits.map((c) => `${c.name}[${c.pid}]`).join(' ')}`);
  return `- pid ${t.pid}, ${t.end - t.at} ms: ${seen}; spikes: ${found.join('; ') || 'none'}`;
}

async function transients(metric: SpikeMetric, hold: number, load: boolean): Promise<Row> {
  if (load) startNeighbour();
  const w = await watching();
  const truths: Truth[] = [];
  await sleep(4000); // a baseline first
  for (let i = 0; i < RUNS; i++) {
    truths.push(await (metric === 'cpu' ? runChild(process.execPath, cpuScript(hold)) : runChild('python3', memoryScript(hold))));
    await sleep(3500 + (i % 3) * 400);
  }
  const { spikes, samples } = await w.stop();
  killAll();
  const row: Row = { metric, hold, load, detected: 0, named: 0, heightErrors: [], traces: [] };
  for (const t of truths) {
    const s = spikes.find((x) => x.metric === metric && x.start - 1000 <= t.end && t.at <= (x.end ?? Infinity) + 1000);
    const named = s?.culprits.some((c) => c.pid === t.pid) === true;
    if (TRACE && !named) row.traces.push(trace(metric, t, samples, spikes));
    if (!s) continue;
    row.detected++;
    if (named) row.named++;
    if (metric === 'memory' && t.used !== undefined) {
      // Short of the true top, in MB; others can only add to the interval's peak.
      const mid = (t.at + t.end) / 2;
      const interval = samples.find((x) => x.time >= mid && x.time - x.intervalMs <= mid);
      row.heightErrors.push(Math.max(0, t.used - (interval?.memory.usedMax ?? s.peak)) / MB);
    } else {
      row.heightErrors.push(Math.max(0, 100 - s.peak));
    }
  }
  return row;
}

async function atRest(minutes: number, load: boolean): Promise<Spike[]> {
  if (load) startNeighbour();
  await sleep(2000);
  const w = await watching();
  await sleep(minutes * 60_000);
  const { spikes } = await w.stop();
  killAll();
  return [...spikes];
}

export async function bench(): Promise<string> {
  return withChildrenKilled(async () => {
    const lines: string[] = [];
    const traces: string[] = [];
    lines.push(
      `Brief transients against the default thresholds, sampled at 1 s (fast watch 15 Hz), ${RUNS} of each, on ${os.availableParallelism()} cores and ` +
        `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB. CPU: every core busy for the hold, from one process; memory: 500 MB held.`,
      '',
      '| metric | hold | competing load | logged | right process named | height missed, median / max |',
      '| --- | ---: | --- | ---: | ---: | ---: |',
    );
    for (const metric of ['cpu', 'memory'] as const) {
      for (const hold of [50, 150, 200, 1000]) {
        for (const load of [false, true]) {
          const r = await transients(metric, hold, load);
          if (r.traces.length > 0) traces.push(`${metric} ${hold} ms${load ? ', competing load' : ''}:`, ...r.traces);
          const unit = metric === 'cpu' ? ' pts' : ' MB';
          lines.push(
            `| ${metric} | ${hold} ms | ${load ? 'yes' : 'no'} | ${r.detected}/${RUNS} | ${r.named}/${r.detected} | ${fmt(median(r.heightErrors), 0)}${unit} / ${fmt(Math.max(...r.heightErrors), 0)}${unit} |`,
          );
        }
      }
    }
    lines.push('', 'Height missed: CPU, points below 100 %; memory, MB below memory used as the generator read it mid-hold.', '');
    if (traces.length > 0) lines.push('Transients missed or not named (time from the transient\'s start, level/peak):', '', ...traces, '');
    if (REST_MINUTES <= 0) return lines.join('\n');
    lines.push(`At rest for ${REST_MINUTES} minutes each, default thresholds:`, '', '| competing load | spikes logged | their top culprits |', '| --- | ---: | --- |');
    for (const load of [false, true]) {
      const spikes = await atRest(REST_MINUTES, load);
      const names = spikes.map((s) => `${s.metric} ${s.severity} ${s.culprits[0]?.name ?? '-'}`).join('; ');
      lines.push(`| ${load ? 'one core busy + 100 MB cycling' : 'none'} | ${spikes.length} | ${names || '-'} |`);
    }
    return lines.join('\n');
  });
}
