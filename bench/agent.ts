/**
 * Agent benchmark (issue 3): agent CPU per tick with 0, 1 and 10 viewers side
 * by side with the source alone, bytes per sample on the wire with
 * permessage-deflate, and agent RSS holding an hour of history.
 *
 * The CPU phases use the real collector (createCollector + LiveSource, as
 * `tmon agent` runs it). Viewers run in a child process so their own work is
 * not counted as the agent's. The RSS figure comes from a fresh child process
 * fed 3600 synthetic samples of 300 processes each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { LiveSource } from '../src/collect/live-source.js';
import { createCollector } from '../src/collect/platform.js';
import { SAMPLE_VERSION, type ProcessStats, type Sample } from '../src/core/sample.js';
import { encodeSample } from '../src/protocol/wire-messages.js';
import { toWireSample } from '../src/protocol/wire-sample.js';
import { startAgent, type AgentSource, type RunningAgent } from '../src/transport/agent-server.js';
import { AsyncQueue } from '../src/transport/async-queue.js';
import { RemoteSource } from '../src/transport/remote-source.js';

const INTERVAL_MS = 200;
const TICKS = 25;
/** Phases run interleaved this many times and the median is reported: the machine is shared and noisy. */
const ROUNDS = 3;
const GiB = 1024 ** 3;
const MiB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => {});

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('bench: timed out');
    await delay(5);
  }
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// ---- synthetic but realistic samples: 300 processes, long command lines, changing numbers ----

const NAMES = ['postgres', 'nginx', 'node', 'java', 'python3', 'redis-server', 'sshd', 'systemd', 'cron', 'dockerd', 'containerd', 'bash', 'kworker/0:1', 'rsyslogd'];
const CMDS: Record<string, string> = {
  postgres: 'postgres: 14/main: checkpointer',
  nginx: 'nginx: worker process',
  node: 'node /srv/app/dist/server.js --port 8080 --workers 4',
  java: '/usr/lib/jvm/java-17-openjdk-amd64/bin/java -Xms2g -Xmx4g -XX:+UseG1GC -Dspring.profiles.active=prod -jar /opt/service/service-2.3.1.jar',
  python3: '/usr/bin/python3 /opt/worker/run.py --queue default --concurrency 8',
};

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

const SYNTH_HOST = {
  hostname: 'db1',
  os: 'Debian GNU/Linux 12',
  kernel: '6.1.0-28-amd64',
  arch: 'x64',
  cpuModel: 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz',
  cpuCount: 8,
  memTotal: 16 * GiB,
  bootTime: Date.UTC(2026, 10, 1),
};

export function syntheticSample(i: number, time: number = SYNTH_HOST.bootTime + 86_400_000 + i * 1000): Sample {
  const rnd = rng(i + 1);
  const share = (b: number): Sample['cpu']['total'] => ({ user: b * 0.7, system: b * 0.28, iowait: 0.1, steal: 0, idle: 100 - b, busy: b });
  const processes: ProcessStats[] = Array.from({ length: 300 }, (_, k) => {
    const name = NAMES[k % NAMES.length] as string;
    const kernel = name.startsWith('kworker');
    const rss = kernel ? 0 : Math.round(((k < 10 ? 400e6 / (k + 1) : 5e6 + ((k * 97) % 50) * 1e6) * (1 + 0.01 * rnd())) / 4096) * 4096;
    return {
      pid: 1000 + k * 7,
      ppid: 1,
      uid: kernel ? 0 : 1000 + (k % 3),
      user: kernel ? 'root' : (['postgres', 'www-data', 'app'][k % 3] as string),
      name,
      cmd: kernel ? '' : (CMDS[name] ?? `/usr/sbin/${name} -f /etc/${name}.conf`),
      state: 'S',
      startTime: SYNTH_HOST.bootTime + k * 1000,
      cpu: (k < 8 ? 20 / (k + 1) : k % 7 === 0 ? 0.5 : 0) * (0.5 + rnd()),
      rss,
      memPercent: (rss / SYNTH_HOST.memTotal) * 100,
      threads: 1 + (k % 20),
      kernelThread: kernel,
    };
  });
  const busy = 10 + 20 * rnd();
  const used = 6 * GiB + rnd() * 1e8;
  return {
    version: SAMPLE_VERSION,
    time,
    intervalMs: 1000,
    host: SYNTH_HOST,
    uptime: (time - SYNTH_HOST.bootTime) / 1000,
    cpu: { total: share(busy), cores: Array.from({ length: 8 }, () => share(busy * (0.5 + rnd()))), busyMin: busy - 3, busyMax: busy + 5 },
    load: { one: 1.23 * rnd(), five: 1.1, fifteen: 0.9 },
    memory: { total: 16 * GiB, used, available: 16 * GiB - used, free: 2 * GiB, cached: 7 * GiB, buffers: 3e8, swapTotal: 2 * GiB, swapUsed: 1e6, usedMin: used, usedMax: used },
    // PSI totals grow with the sample's index, as a Linux agent's do.
    pressure: { cpu: 0.5, memory: 0, io: 1.2, cpuSomeSeconds: 5123.4 + i * 0.005, cpuFullSeconds: 0, memorySomeSeconds: 0.43, memoryFullSeconds: 0.029, ioSomeSeconds: 69.008 + i * 0.012, ioFullSeconds: 25.677 + i * 0.003 },
    tasks: { total: 300, running: 2, sleeping: 250, blocked: 0, stopped: 0, zombie: 0, idle: 48 },
    processes,
    net: [
      { name: 'eth0', rxBytesPerSec: 12345.6 * rnd(), txBytesPerSec: 5432.1 * rnd() },
      { name: 'lo', rxBytesPerSec: 100 * rnd(), txBytesPerSec: 100 * rnd() },
    ],
    filesystems: [
      { mount: '/', device: '/dev/vda1', fsType: 'ext4', sizeBytes: 100 * GiB, usedBytes: 40 * GiB, availBytes: 55 * GiB },
      { mount: '/var/lib/postgresql', device: '/dev/vdb', fsType: 'xfs', sizeBytes: 500 * GiB, usedBytes: 200 * GiB, availBytes: 300 * GiB },
    ],
    disks: [
      { device: 'vda', readBytesPerSec: 0, writeBytesPerSec: 40960 * rnd() },
      { device: 'vdb', readBytesPerSec: 1e6 * rnd(), writeBytesPerSec: 2e6 * rnd() },
    ],
  };
}

/** A source the bench pushes into (for the RSS child) or that ticks synthetic samples on a timer. */
class PushSource implements AgentSource {
  readonly label = 'bench';
  readonly kind = 'live' as const;
  intervalMs = 1000;
  private readonly queue = new AsyncQueue<Sample>();
  private timer: NodeJS.Timeout | undefined;

  setIntervalMs(ms: number): void {
    this.intervalMs = ms;
  }

  push(s: Sample): void {
    this.queue.push(s);
  }

  tick(everyMs: number): void {
    let i = 0;
    this.timer = setInterval(() => this.push(syntheticSample(i++, Date.now())), everyMs);
  }

  samples(): AsyncIterable<Sample> {
    return this.queue;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.queue.end();
  }
}

// ---- viewers in a child process ----

const VIEWER_SCRIPT = `
const WebSocket = require(process.argv[1]);
const url = process.argv[2], n = Number(process.argv[3]);
let samples = 0, ready = 0;
const sockets = [];
for (let i = 0; i < n; i++) {
  const ws = new WebSocket(url);
  ws.on('upgrade', (res) => sockets.push(res.socket));
  ws.on('message', (d) => {
    const s = d.toString();
    if (s.startsWith('{"type":"sample"')) samples++;
    else if (s.startsWith('{"type":"hello"') && ++ready === n) console.log(JSON.stringify({ ready }));
  });
  ws.on('error', (e) => { console.error(e.message); process.exit(1); });
}
process.stdin.on('data', () => console.log(JSON.stringify({ bytes: sockets.reduce((a, s) => a + s.bytesRead, 0), samples })));
`;

interface Viewers {
  report(): Promise<{ bytes: number; samples: number }>;
  stop(): void;
}

async function startViewers(port: number, n: number): Promise<Viewers> {
  const wsPath = createRequire(import.meta.url).resolve('ws');
  const child: ChildProcess = spawn(process.execPath, ['-e', VIEWER_SCRIPT, wsPath, `ws://127.0.0.1:${port}/`, String(n)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const pending: ((line: string) => void)[] = [];
  lines.on('line', (line) => pending.shift()?.(line));
  const nextLine = (): Promise<string> => new Promise((resolve) => pending.push(resolve));
  await nextLine();
  return {
    report: async () => {
      const line = nextLine();
      child.stdin?.write('report\n');
      return JSON.parse(await line) as { bytes: number; samples: number };
    },
    stop: () => child.kill(),
  };
}

// ---- phases ----

interface Phase {
  label: string;
  cpuMsPerTick: number;
  bytesPerSample?: number;
}

async function sourceAlone(): Promise<Phase> {
  const source = new LiveSource(await createCollector({ intervalMs: INTERVAL_MS }), INTERVAL_MS);
  let n = 0;
  let c0 = 0;
  for await (const _ of source.samples()) {
    n++;
    if (n === 3) {
      gc();
      c0 = cpuMs();
    }
    if (n === 3 + TICKS) break;
  }
  const perTick = (cpuMs() - c0) / TICKS;
  await source.close();
  return { label: 'collector alone (LiveSource)', cpuMsPerTick: perTick };
}

async function agentPhase(viewers: number, source: AgentSource, label: string): Promise<Phase> {
  const agent: RunningAgent = await startAgent({ source, listen: { host: '127.0.0.1', port: 0 } });
  const clients = viewers > 0 ? await startViewers(agent.address.port, viewers) : undefined;
  const ticks = (): number => agent.stats().historySamples;
  await until(() => ticks() >= 3);
  gc();
  const r0 = await clients?.report();
  const t0 = ticks();
  const c0 = cpuMs();
  // One long sleep, not polling: a 5 ms poll loop alone costs milliseconds of CPU per tick.
  await delay(TICKS * INTERVAL_MS);
  const c1 = cpuMs();
  const t1 = ticks();
  const r1 = await clients?.report();
  clients?.stop();
  await agent.close();
  await source.close();
  const phase: Phase = { label, cpuMsPerTick: (c1 - c0) / (t1 - t0) };
  if (r0 && r1 && r1.samples > r0.samples) phase.bytesPerSample = (r1.bytes - r0.bytes) / (r1.samples - r0.samples);
  return phase;
}

async function liveAgentPhase(viewers: number): Promise<Phase> {
  const source = new LiveSource(await createCollector({ intervalMs: INTERVAL_MS }), INTERVAL_MS);
  return agentPhase(viewers, source, `agent, ${viewers} viewer${viewers === 1 ? '' : 's'}`);
}

async function syntheticWirePhase(): Promise<Phase> {
  const source = new PushSource();
  source.tick(INTERVAL_MS);
  return agentPhase(1, source, 'agent, 1 viewer, synthetic 300-process samples (CPU includes making them)');
}

/**
 * Runs in a fresh child process: an agent taking an hour of samples; prints its
 * memory, answers 'report' lines, ends with its stdin. Samples go in one at a
 * time with a GC every 10, standing in for the idle second between real ticks
 * (a burst would measure the bench's garbage, not the agent).
 */
export async function rssChild(): Promise<void> {
  const source = new PushSource();
  const agent = await startAgent({ source, listen: { host: '127.0.0.1', port: 0 }, historyCapacity: 3600 });
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < 3600; i++) {
    source.push(syntheticSample(i));
    await until(() => agent.stats().historySamples > i);
    if (i % 10 === 0) gc();
  }
  gc();
  const after = process.memoryUsage();
  let peak = after.rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const figures = { port: agent.address.port, rssBefore: before.rss, rss: after.rss, heap: after.heapUsed, stored: agent.stats().historyBytes };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'report') process.stdout.write(`${JSON.stringify({ peak })}\n`);
  }
  clearInterval(sampler);
  await agent.close();
  await source.close();
}

interface RssFigures {
  rssBefore: number;
  rss: number;
  heap: number;
  stored: number;
  backfillMs: number;
  backfillPeak: number;
  wireSampleJson: number;
}

async function hourOfHistory(): Promise<RssFigures> {
  const self = new URL(import.meta.url).href;
  const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', 'const m = await import(process.argv[1]); await m.rssChild();', self], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const it = lines[Symbol.asyncIterator]();
  const first = JSON.parse((await it.next()).value as string) as { port: number; rssBefore: number; rss: number; heap: number; stored: number };
  const viewer = new RemoteSource(`127.0.0.1:${first.port}`);
  const t0 = performance.now();
  let got = 0;
  for await (const _ of viewer.samples()) if (++got === 3600) break;
  const backfillMs = performance.now() - t0;
  await viewer.close();
  child.stdin.write('report\n');
  const second = JSON.parse((await it.next()).value as string) as { peak: number };
  const exited = new Promise((r) => child.once('exit', r));
  child.stdin.end();
  await exited;
  return {
    ...first,
    backfillMs,
    backfillPeak: second.peak,
    wireSampleJson: encodeSample(toWireSample(syntheticSample(1))).length,
  };
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** The median of each phase's figures over interleaved rounds. */
async function liveRounds(): Promise<Phase[]> {
  const runs: Phase[][] = [];
  for (let r = 0; r < ROUNDS; r++) runs.push([await sourceAlone(), await liveAgentPhase(0), await liveAgentPhase(1), await liveAgentPhase(10)]);
  return (runs[0] ?? []).map((p, i) => {
    const same = runs.map((run) => run[i] as Phase);
    const bytes = same.map((q) => q.bytesPerSample).filter((b): b is number => b !== undefined);
    return { label: p.label, cpuMsPerTick: median(same.map((q) => q.cpuMsPerTick)), ...(bytes.length > 0 ? { bytesPerSample: median(bytes) } : {}) };
  });
}

export async function bench(): Promise<string> {
  const phases = await liveRounds();
  const alone = phases[0] as Phase;
  const synthetic = await syntheticWirePhase();
  const rss = await hourOfHistory();
  const liveBytes = phases.find((p) => p.bytesPerSample !== undefined)?.bytesPerSample ?? NaN;

  const rows = phases.map(
    (p) =>
      `| ${p.label} | ${fmt(p.cpuMsPerTick)} | ${p === alone ? '—' : `+${fmt(p.cpuMsPerTick - alone.cpuMsPerTick)}`} | ${p.bytesPerSample !== undefined ? Math.round(p.bytesPerSample) : '—'} |`,
  );
  rows.push(`| ${synthetic.label} | ${fmt(synthetic.cpuMsPerTick)} | — | ${Math.round(synthetic.bytesPerSample ?? NaN)} |`);
  return [
    `Real collector (this machine), ${TICKS} ticks at ${INTERVAL_MS} ms per phase, phases interleaved ${ROUNDS} times, medians; viewers in a separate process; CPU is the agent process's user+system.`,
    '',
    '| run | CPU ms per tick | over collector alone | wire bytes per sample (deflate) |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
    `- Bytes per sample on the wire: ${Math.round(liveBytes)} B (this machine), ${Math.round(synthetic.bytesPerSample ?? NaN)} B (300 processes, top 15+15 on the wire; JSON ${Math.round(rss.wireSampleJson / 1024)} KB before deflate). Target ≤ 1 KB.`,
    `- Agent RSS holding an hour of history (3600 synthetic 300-process samples): ${fmt(rss.rss / MiB, 1)} MB, of which ${fmt(rss.rssBefore / MiB, 1)} MB before the first sample (Node + ws + TLS); heap ${fmt(rss.heap / MiB, 1)} MB; the history itself ${fmt(rss.stored / MiB, 1)} MB encoded. Target ≤ 80 MB.`,
    `- A viewer backfilling that hour: ${Math.round(rss.backfillMs)} ms; agent peak RSS meanwhile ${fmt(rss.backfillPeak / MiB, 1)} MB.`,
  ].join('\n');
}
