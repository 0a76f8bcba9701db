import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { realClock, type Clock, type Timer } from '../core/clock.js';
import type { ProbeResult, ProbeSpec } from '../core/probe.js';
import type { Collector } from './collector.js';

/**
 * Runs probes on their own timers, apart from sampling: a slow or hanging
 * target costs its own timeout, never a late sample. Each tick takes the latest
 * answer of every probe (`results()`).
 */
export class ProbeRunner {
  private readonly latest = new Map<string, ProbeResult>();
  private readonly timers: Timer[] = [];
  private readonly running = new Set<string>();
  /** Ends the probes under way at close: a target that never answers must not hold the process for its timeout. */
  private readonly stop = new AbortController();
  private closed = false;

  constructor(
    private readonly specs: readonly ProbeSpec[],
    private readonly clock: Clock = realClock,
    private readonly pingCommand = 'ping',
  ) {}

  /** Probes each target now, then every interval. */
  start(): void {
    for (const spec of this.specs) {
      void this.run(spec);
      this.timers.push(this.clock.every(spec.intervalMs, () => void this.run(spec)).unref());
    }
  }

  /** The latest answer of each probe that has answered, in the order given. */
  results(): ProbeResult[] {
    return this.specs.flatMap((s) => this.latest.get(s.target) ?? []);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) t.cancel();
    this.stop.abort();
  }

  private async run(spec: ProbeSpec): Promise<void> {
    // One at a time per target: a probe still waiting on its timeout is not stacked.
    if (this.running.has(spec.target) || this.closed) return;
    this.running.add(spec.target);
    try {
      const result = await probeOnce(spec, this.clock, this.pingCommand, this.stop.signal);
      if (!this.closed) this.latest.set(spec.target, result);
    } finally {
      this.running.delete(spec.target);
    }
  }
}

/** A collector whose samples carry the runner's latest answers; closing it stops the probes too. */
export function withProbes(collector: Collector, runner: ProbeRunner): Collector {
  runner.start();
  return {
    sample: async () => {
      const s = await collector.sample();
      const probes = runner.results();
      return probes.length > 0 ? { ...s, probes } : s;
    },
    close: () => {
      runner.close();
      collector.close();
    },
  };
}

/** One probe of one target, bounded by its timeout and ended at once by `signal`; never rejects. */
export function probeOnce(spec: ProbeSpec, clock: Clock = realClock, pingCommand = 'ping', signal?: AbortSignal): Promise<ProbeResult> {
  const started = clock.monotonic();
  const elapsed = (): number => Math.round((clock.monotonic() - started) * 10) / 10;
  return new Promise((resolve) => {
    let settled = false;
    let abort: () => void = () => undefined;
    const finish = (r: Omit<ProbeResult, 'target'>): void => {
      if (settled) return;
      settled = true;
      timer.cancel();
      signal?.removeEventListener('abort', stopped);
      abort();
      resolve({ target: spec.target, ...r });
    };
    const down = (error: string): void => finish({ up: false, error });
    const stopped = (): void => down('stopped');
    const timer = clock.after(spec.timeoutMs, () => down(`no answer in ${spec.timeoutMs} ms`));
    if (signal?.aborted === true) return down('stopped');
    signal?.addEventListener('abort', stopped, { once: true });
    if (spec.kind === 'tcp') abort = tcpProbe(spec, () => finish({ up: true, ms: elapsed() }), down);
    else if (spec.kind === 'ping') abort = pingProbe(spec, pingCommand, (ms) => finish({ up: true, ms }), down);
    else abort = httpProbe(spec, elapsed, finish, down);
  });
}

type Down = (error: string) => void;

function tcpProbe(spec: ProbeSpec, up: () => void, down: Down): () => void {
  const socket = net.connect({ host: spec.host, port: spec.port as number });
  socket.once('connect', up);
  socket.once('error', (err: NodeJS.ErrnoException) => down(err.code ?? err.message));
  return () => socket.destroy();
}

function httpProbe(spec: ProbeSpec, elapsed: () => number, finish: (r: Omit<ProbeResult, 'target'>) => void, down: Down): () => void {
  const lib = spec.kind === 'https' ? https : http;
  const req = lib.request({ host: spec.host, port: spec.port as number, path: spec.path, method: spec.method, headers: { 'user-agent': 'tmon-probe' }, agent: false });
  req.once('response', (res) => {
    const ttfbMs = elapsed();
    const status = res.statusCode ?? 0;
    // The body is counted, not kept; a 2xx or 3xx answer is up (redirects are not followed).
    res.resume();
    res.once('end', () => {
      const up = status >= 200 && status < 400;
      finish({ up, ms: elapsed(), ttfbMs, status, ...(up ? {} : { error: `status ${status}` }) });
    });
    res.once('error', (err) => down(err.message));
  });
  req.once('error', (err: NodeJS.ErrnoException) => down(err.code ?? err.message));
  req.end();
  return () => req.destroy();
}

/**
 * The system ping: Node has no ICMP socket, and iputils' ping already uses the
 * unprivileged datagram socket where net.ipv4.ping_group_range allows it (or its
 * file capability where not), so tmon itself never needs root.
 */
function pingProbe(spec: ProbeSpec, command: string, up: (ms: number) => void, down: Down): () => void {
  const wait = Math.max(1, Math.ceil(spec.timeoutMs / 1000));
  const child = spawn(command, ['-n', '-c', '1', '-W', String(wait), spec.host], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer): void => {
    // Bounded: one echo's report is a few lines.
    if (out.length < 4096) out += d.toString('utf8');
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.once('error', (err: NodeJS.ErrnoException) =>
    down(err.code === 'ENOENT' ? `no '${command}' command: install iputils-ping (tmon never needs root for it)` : err.message),
  );
  child.once('close', (code) => {
    const rtt = /time[=<]\s*([\d.]+)\s*ms/.exec(out);
    if (code === 0 && rtt) up(Number(rtt[1]));
    else down(lastLine(out) || `${command} exited with ${String(code)}`);
  });
  return () => child.kill('SIGKILL');
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim() !== '').at(-1)?.trim().slice(0, 200) ?? '';
}
