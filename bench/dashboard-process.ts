/**
 * The real dashboard's memory (issue 10 item 5): `bin/tmon.js` itself, in a
 * private tmux server at 120x40, sampling this machine (sleepers added up to
 * TMON_BENCH_MEM_PROCESSES, default 300) until its history holds an hour of
 * samples. At `--interval 200ms` (TMON_BENCH_MEM_INTERVAL_MS) that is 3600
 * samples in 12 minutes: the real collector, hub, history and screen, five
 * times as fast as 1 Hz, so the young generation sees five times the
 * allocation rate — a harder case than the hour at 1 Hz, not an easier one.
 *
 * Prints the process's VmRSS, RssAnon, RssFile and VmHWM from
 * /proc/PID/status along the way, next to an idle `node` process started in
 * the same run (the reference), then takes a heap snapshot of the dashboard
 * (it runs with --heapsnapshot-signal=SIGUSR2) and lists where the JS heap
 * goes. TMON_BENCH_NODE_FLAGS adds node flags; TMON_BENCH_MEM_SAMPLES
 * (default 3600) sets how many samples to wait for.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { heapTable, summariseHeapSnapshot } from './heap-snapshot.js';
import { fmt, processCount, sleep, spawnSleepers, started, withChildrenKilled } from './support.js';
import { CLK_TCK, startDashboard, ticksOf } from './whole-process.js';

const PROCESSES = Number(process.env['TMON_BENCH_MEM_PROCESSES'] ?? 300);
const INTERVAL_MS = Number(process.env['TMON_BENCH_MEM_INTERVAL_MS'] ?? 200);
const SAMPLES = Number(process.env['TMON_BENCH_MEM_SAMPLES'] ?? 3600);
const NODE_FLAGS = (process.env['TMON_BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
/** Preloaded into the dashboard: writes its V8 heap spaces to heap-log.json every 2 s. */
const HEAP_LOG = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'heap-log.js')).href;
/** Readings taken over the fill. */
const READINGS = 8;
/** Past the history's hour: the collector's first read and module loading. */
const MARGIN_S = 20;

interface Status {
  rss: number;
  anon: number;
  file: number;
  hwm: number;
}

/** MB figures from /proc/PID/status; undefined once the process is gone. */
function statusOf(pid: number): Status | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) / 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), hwm: kb('VmHWM') };
}

/** An idle node process: what node alone takes, measured beside the dashboard. */
async function idleNodeStatus(): Promise<Status | undefined> {
  const idle = spawn(process.execPath, [...NODE_FLAGS, '-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  started.add(idle);
  await sleep(2000);
  const s = statusOf(idle.pid as number);
  idle.kill('SIGKILL');
  started.delete(idle);
  return s;
}

interface HeapLog {
  spaces: { space_name: string; space_size: number; space_used_size: number }[];
  usage: NodeJS.MemoryUsage;
}

/** Where the RSS goes, from the dashboard's last heap-log.json: V8's spaces (reserved / used), and what lies outside them. */
function heapLogLines(dir: string, rssMb: number): string[] {
  let log: HeapLog;
  try {
    log = JSON.parse(fs.readFileSync(path.join(dir, 'heap-log.json'), 'utf8')) as HeapLog;
  } catch {
    return ['(no heap log)'];
  }
  const mb = (b: number): string => fmt(b / 1048576, 1);
  const reserved = log.spaces.reduce((a, s) => a + s.space_size, 0);
  return [
    `V8 heap spaces at the last reading (reserved / used MB): ${log.spaces.filter((s) => s.space_size > 0).map((s) => `${s.space_name} ${mb(s.space_size)} / ${mb(s.space_used_size)}`).join(', ')}; all ${mb(reserved)} reserved, ${mb(log.usage.heapUsed)} used.`,
    `Outside the V8 heap: external ${mb(log.usage.external)} MB (array buffers ${mb(log.usage.arrayBuffers)}); RSS minus the reserved heap: ${fmt(rssMb - reserved / 1048576, 1)} MB (node's binary, native allocations, stacks).`,
  ];
}

/** The snapshot file once V8 has finished writing it (its size stops changing). */
async function snapshotIn(dir: string, timeoutMs = 120_000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < deadline) {
    await sleep(1000);
    const name = fs.readdirSync(dir).find((f) => f.endsWith('.heapsnapshot'));
    if (!name) continue;
    const size = fs.statSync(path.join(dir, name)).size;
    if (size > 0 && size === last) return path.join(dir, name);
    last = size;
  }
  return undefined;
}

export async function bench(): Promise<string> {
  return withChildrenKilled(async () => {
    await spawnSleepers(PROCESSES - processCount());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tmon-mem-'));
    const idle = await idleNodeStatus();
    const dash = await startDashboard([...NODE_FLAGS, '--heapsnapshot-signal=SIGUSR2', `--import=${HEAP_LOG}`], ['--interval', `${INTERVAL_MS}ms`], dir);
    if (!dash) return 'tmux could not start the dashboard: nothing measured.';
    const rows: string[] = [];
    const row = (label: string, s: Status | undefined): void => {
      if (!s) return;
      const ratio = idle ? ` | ${fmt(s.rss / idle.rss)}` : ' | -';
      rows.push(`| ${label} | ${fmt(s.rss, 1)} | ${fmt(s.anon, 1)} | ${fmt(s.file, 1)} | ${fmt(s.hwm, 1)}${ratio} |`);
    };
    try {
      const fillMs = SAMPLES * INTERVAL_MS + MARGIN_S * 1000;
      let cpu = { ticks: NaN, at: 0 };
      for (let r = 1; r <= READINGS; r++) {
        await sleep(fillMs / READINGS);
        // CPU is counted from the first reading on: module loading and the first read of every process left out.
        if (r === 1) cpu = { ticks: ticksOf(dash.pid), at: performance.now() };
        const s = statusOf(dash.pid);
        if (!s) return `the dashboard (pid ${dash.pid}) exited during the fill.`;
        row(r === READINGS ? `**${SAMPLES} samples held** (${Math.round((r * fillMs) / READINGS / 1000)} s)` : `${Math.round((r * fillMs) / READINGS / 1000)} s`, s);
      }
      const cpuPct = (((ticksOf(dash.pid) - cpu.ticks) * (1000 / CLK_TCK)) / (performance.now() - cpu.at)) * 100;
      const heapLog = heapLogLines(dir, statusOf(dash.pid)?.rss ?? NaN);
      process.kill(dash.pid, 'SIGUSR2');
      const file = await snapshotIn(dir);
      const heap = file ? heapTable(summariseHeapSnapshot(file)) : ['(no heap snapshot written)'];
      return [
        `A real \`tmon --interval ${INTERVAL_MS}ms\` (tmux, 120x40, ${processCount()} processes on the machine${NODE_FLAGS.length ? `, node ${NODE_FLAGS.join(' ')}` : ''}) until its history holds ${SAMPLES} samples; MB from /proc/PID/status, and its RSS over an idle \`node\` process's (the reference, same run).`,
        '',
        '| when | VmRSS | RssAnon | RssFile | VmHWM | RSS / idle node |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        ...(idle ? [`| idle node (reference) | ${fmt(idle.rss, 1)} | ${fmt(idle.anon, 1)} | ${fmt(idle.file, 1)} | ${fmt(idle.hwm, 1)} | 1.00 |`] : []),
        ...rows,
        '',
        `CPU over the fill after the first reading: ${fmt(cpuPct)} % of one core (utime+stime from /proc/PID/stat). Target: ≤ 80 MB RSS with the hour held.`,
        '',
        ...heapLog,
        '',
        ...heap,
      ].join('\n');
    } finally {
      dash.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
