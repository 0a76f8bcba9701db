/**
 * Hostile peers (issue 9): a real `tmon agent` child process (real collector,
 * 200 ms interval, a token, --store) under each attack in turn, for PHASE_MS
 * each. Reported per attack: the agent's peak RSS (VmRSS sampled every 100 ms),
 * its CPU, its log lines, and the sample rate an honest viewer (a RemoteSource
 * in this process) gets (5/s when nothing is lost). Then a hostile agent
 * against a viewer child process (RemoteSource + HostFeed, as `tmon connect`
 * holds a host): the viewer's peak RSS.
 * Attackers run in this process on loopback; the machine is shared, so the
 * figures are indicative.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import { PROTOCOL_VERSION } from '../src/protocol/wire-messages.js';
import { RemoteSource } from '../src/transport/remote-source.js';
import { tmonVersion } from '../src/version.js';
import { syntheticSample } from './agent.js';

const PHASE_MS = 10_000;
const TOKEN = 'bench-attack-token';
const BIN = fileURLToPath(new URL('../../bin/tmon.js', import.meta.url));
const MiB = 1024 * 1024;

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function procStatus(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

/** Peak RSS of `pid` while `run` runs, sampled every 100 ms. */
async function peakRss(pid: number, run: () => Promise<void>): Promise<number> {
  let peak = procStatus(pid, 'VmRSS');
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, procStatus(pid, 'VmRSS'));
    } catch {
      // The process is gone.
    }
  }, 100);
  try {
    await run();
  } finally {
    clearInterval(timer);
  }
  return peak;
}

interface Agent {
  child: ChildProcess;
  port: number;
  lines: () => number;
  stop: () => Promise<void>;
}

async function startAgentChild(dir: string): Promise<Agent> {
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  const child = spawn(process.execPath, [BIN, 'agent', '--listen', '127.0.0.1:0', '--token-file', tokenFile, '--interval', '200ms', '--store', join(dir, 'store')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  let lines = 0;
  child.stderr?.on('data', (d: Buffer) => {
    const s = d.toString();
    lines += s.split('\n').length - 1;
    if (log.length < 10_000) log += s;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start:\n${log}`)), 20_000);
    child.stderr?.on('data', () => {
      const m = /listening on ws:\/\/[^ ]+:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  return {
    child,
    port,
    lines: () => lines,
    stop: async () => {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** Repeats `open` whenever the previous connection closed, until stopped. */
function keepOpening(open: (done: () => void) => void, parallel = 1): () => void {
  let stopped = false;
  const again = (): void => {
    if (!stopped) open(() => setTimeout(again, 20));
  };
  for (let i = 0; i < parallel; i++) again();
  return () => {
    stopped = true;
  };
}

function authed(port: number, opts: { autoPong?: boolean; perMessageDeflate?: boolean } = {}): WebSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { Authorization: `Bearer ${TOKEN}` }, ...opts });
  ws.on('error', () => {});
  return ws;
}

type Attack = (port: number) => () => void;

const ATTACKS: [string, Attack][] = [
  ['none', () => () => {}],
  [
    'ping flood, never reads (125 B pings)',
    (port) =>
      keepOpening((done) => {
        const ws = authed(port, { autoPong: false, perMessageDeflate: false });
        const payload = Buffer.alloc(125);
        let timer: NodeJS.Timeout | undefined;
        ws.on('open', () => {
          ws.pause();
          timer = setInterval(() => {
            if (ws.bufferedAmount < MiB) for (let i = 0; i < 200; i++) ws.ping(payload);
            ws.pong(payload);
          }, 1);
        });
        ws.on('close', () => {
          clearInterval(timer);
          done();
        });
      }),
  ],
  [
    '79 idle or half-sent sockets',
    (port) =>
      keepOpening((done) => {
        const s = net.connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
        s.on('error', () => {});
        s.on('close', () => done());
      }, 79),
  ],
  [
    'history-request loop (4 in flight)',
    (port) =>
      keepOpening((done) => {
        const ws = authed(port);
        let id = 0;
        const ask = (): void => {
          if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'history-request', id: id++, from: 0, to: Number.MAX_SAFE_INTEGER }));
        };
        ws.on('open', () => {
          for (let i = 0; i < 4; i++) ask();
        });
        ws.on('message', (d: Buffer) => {
          if (d.subarray(0, 60).toString().includes('"done":true')) ask();
        });
        ws.on('close', () => done());
      }),
  ],
  [
    'archive-request loop (4 in flight)',
    (port) =>
      keepOpening((done) => {
        const ws = authed(port);
        let id = 0;
        const ask = (): void => {
          if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'history-request', id: id++, from: 0, to: Number.MAX_SAFE_INTEGER, archive: true }));
        };
        ws.on('open', () => {
          for (let i = 0; i < 4; i++) ask();
        });
        ws.on('message', (d: Buffer) => {
          if (d.subarray(0, 60).toString().includes('"done":true')) ask();
        });
        ws.on('close', () => done());
      }),
  ],
  [
    'endless message of zero-length continuation frames',
    (port) =>
      keepOpening((done) => {
        const s = net.connect(port, '127.0.0.1');
        s.on('error', () => {});
        let timer: NodeJS.Timeout | undefined;
        s.once('data', () => {
          const mask = [0x80, 0, 0, 0, 0];
          s.write(Buffer.from([0x01, ...mask]));
          const frames = Buffer.from(Array.from({ length: 1000 }, () => [0x00, ...mask]).flat());
          timer = setInterval(() => {
            if (s.writableLength < MiB) s.write(frames);
          }, 1);
        });
        s.on('close', () => {
          clearInterval(timer);
          done();
        });
        s.write(
          `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`,
        );
      }),
  ],
  [
    'refused-viewer flood (wrong token, 20 at a time)',
    (port) =>
      keepOpening((done) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { Authorization: 'Bearer wrong' } });
        ws.on('error', () => {});
        ws.on('unexpected-response', () => ws.terminate());
        ws.on('close', () => done());
      }, 20),
  ],
];

interface Row {
  attack: string;
  peakRss: number;
  cpuPct: number;
  logLines: number;
  honestRate: number;
}

async function underAttacks(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tmon-bench-attacks-'));
  const agent = await startAgentChild(dir);
  const pid = agent.child.pid as number;
  const honest = new RemoteSource(`127.0.0.1:${agent.port}`, { token: TOKEN });
  let received = 0;
  void (async () => {
    for await (const _ of honest.samples()) received++;
  })();
  await honest.ready();
  // Some history and store to ask for.
  await delay(5000);
  const rows: Row[] = [];
  try {
    for (const [name, attack] of ATTACKS) {
      const before = { received, ticks: cpuTicks(pid), lines: agent.lines(), at: Date.now() };
      const peak = await peakRss(pid, async () => {
        const stop = attack(agent.port);
        await delay(PHASE_MS);
        stop();
      });
      const seconds = (Date.now() - before.at) / 1000;
      rows.push({
        attack: name,
        peakRss: peak,
        cpuPct: ((cpuTicks(pid) - before.ticks) / 100 / seconds) * 100,
        logLines: agent.lines() - before.lines,
        honestRate: (received - before.received) / seconds,
      });
      // Let the agent settle between attacks.
      await delay(2000);
    }
  } finally {
    await honest.close();
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** The viewer child: a RemoteSource and a HostFeed over it, reporting its peak RSS on stdin's end. */
export async function viewerChild(target: string): Promise<void> {
  const { HostFeed } = await import('../src/commands/host-feed.js');
  const feed = new HostFeed(new RemoteSource(target));
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  process.stdin.resume();
  await new Promise<void>((r) => process.stdin.once('end', () => r()));
  clearInterval(timer);
  process.stdout.write(`${JSON.stringify({ peak, samples: feed.history.length, historyBytes: feed.history.storedBytes })}\n`);
  await feed.close();
}

/** A fake agent sending 4000-process samples with 2 KB commands at 5/s for 30 s to a viewer child. */
async function hostileAgent(): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const base = syntheticSample(0);
  const sampleOf = (i: number): string => {
    const processes = Array.from({ length: 4000 }, (_, k) => ({ ...base.processes[k % base.processes.length], pid: k + 1, cmd: `${i} ${randomBytes(1024).toString('hex')}` }));
    return JSON.stringify({ type: 'sample', sample: { ...base, time: base.time + i * 200, processes } });
  };
  wss.on('connection', (ws) => {
    ws.send(
      JSON.stringify({
        type: 'hello', protocolVersion: PROTOCOL_VERSION, agentVersion: tmonVersion(), host: base.host, intervalMs: 200, baseIntervalMs: 200,
        limits: { minIntervalMs: 200, maxIntervalMs: 200, maxPayloadBytes: 65536, historySamples: 10, maxMessagesPerSec: 20, heartbeatMs: 15000 },
        history: { count: 0, oldest: null, newest: null }, archive: null,
      }),
    );
    let i = 0;
    const timer = setInterval(() => ws.send(sampleOf(i++)), 200);
    ws.on('message', (d: Buffer) => {
      const req = JSON.parse(d.toString()) as { type: string; id: number };
      if (req.type === 'history-request') ws.send(JSON.stringify({ type: 'history', id: req.id, samples: [], done: true }));
    });
    ws.on('close', () => clearInterval(timer));
  });
  const port = (wss.address() as net.AddressInfo).port;
  const self = import.meta.url;
  const child = spawn(process.execPath, ['--input-type=module', '-e', 'const m = await import(process.argv[1]); await m.viewerChild(process.argv[2]);', self, `127.0.0.1:${port}`], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await delay(30_000);
  child.stdin?.end();
  await new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((r) => wss.close(() => r()));
  const { peak, samples, historyBytes } = JSON.parse(out) as { peak: number; samples: number; historyBytes: number };
  return `Hostile agent (4000 processes, 2 KB commands, 5 samples/s, 30 s) → viewer (RemoteSource + HostFeed): peak RSS ${(peak / MiB).toFixed(0)} MB, history ${samples} samples in ${(historyBytes / MiB).toFixed(1)} MB.`;
}

export async function bench(): Promise<string> {
  const rows = await underAttacks();
  const table = [
    '| attack (10 s each) | agent peak RSS | agent CPU | agent log lines | honest viewer samples/s (of 5) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.attack} | ${(r.peakRss / MiB).toFixed(0)} MB | ${r.cpuPct.toFixed(0)} % | ${r.logLines} | ${r.honestRate.toFixed(1)} |`),
  ];
  return `${table.join('\n')}\n\n${await hostileAgent()}\n`;
}
