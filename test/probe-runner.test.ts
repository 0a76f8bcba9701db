import { afterEach, describe, expect, it } from 'vitest';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { parseProbe } from '../src/core/probe.js';
import { ProbeRunner, probeOnce } from '../src/collect/probe-runner.js';
import { ManualClock } from './helpers/manual-clock.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function listen<T extends net.Server>(server: T): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.close();
    if (server instanceof http.Server) server.closeAllConnections();
  });
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: one that was just closed. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('probeOnce against real servers on 127.0.0.1', () => {
  it('tcp: up with a connect time while listening, down with the reason when not', async () => {
    const port = await listen(net.createServer((c) => c.destroy()));
    const up = await probeOnce(parseProbe(`tcp://127.0.0.1:${port}`));
    expect(up).toMatchObject({ target: `tcp://127.0.0.1:${port}`, up: true });
    expect(up.ms).toBeGreaterThanOrEqual(0);
    const down = await probeOnce(parseProbe(`tcp://127.0.0.1:${await closedPort()}`));
    expect(down).toEqual({ target: `tcp://127.0.0.1:${(down.target.split(':')[2])}`, up: false, error: 'ECONNREFUSED' });
  });

  it('http: HEAD by default, status and times; a 5xx is down; a server that never answers times out', async () => {
    const methods: string[] = [];
    const port = await listen(
      http.createServer((req, res) => {
        methods.push(req.method ?? '');
        if (req.url === '/hang') return;
        res.writeHead(req.url === '/broken' ? 503 : 200).end(req.method === 'GET' ? 'body' : undefined);
      }),
    );
    const ok = await probeOnce(parseProbe(`http://127.0.0.1:${port}/health`));
    expect(ok).toMatchObject({ up: true, status: 200 });
    expect(ok.ttfbMs).toBeLessThanOrEqual(ok.ms as number);
    expect((await probeOnce(parseProbe(`http://127.0.0.1:${port}/ method=GET`))).up).toBe(true);
    expect(methods).toEqual(['HEAD', 'GET']);
    expect(await probeOnce(parseProbe(`http://127.0.0.1:${port}/broken`))).toMatchObject({ up: false, status: 503, error: 'status 503' });
    const started = Date.now();
    expect(await probeOnce(parseProbe(`http://127.0.0.1:${port}/hang interval=2s timeout=300ms`))).toMatchObject({ up: false, error: 'no answer in 300 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('https against a plain-HTTP port is down with the TLS reason, not a crash', async () => {
    const port = await listen(http.createServer((_req, res) => res.end()));
    const r = await probeOnce(parseProbe(`https://127.0.0.1:${port}/`));
    expect(r.up).toBe(false);
    expect(r.error).toBeTruthy();
  });

  it('ping: the loopback answers with a round trip; a missing ping command says what to install', async () => {
    const r = await probeOnce(parseProbe('ping://127.0.0.1'));
    expect(r, JSON.stringify(r)).toMatchObject({ up: true });
    expect(r.ms).toBeGreaterThan(0);
    const missing = await probeOnce(parseProbe('ping://127.0.0.1'), undefined, 'tmon-no-such-ping');
    expect(missing).toMatchObject({ up: false, error: "no 'tmon-no-such-ping' command: install iputils-ping (tmon never needs root for it)" });
  });
});

describe('stopping probes', () => {
  it('ends a probe under way at once when asked, closing its connection, instead of waiting for its timeout', async () => {
    let closed = false;
    const port = await listen(
      http.createServer((req) => {
        req.socket.on('close', () => (closed = true));
      }),
    );
    const stop = new AbortController();
    const started = Date.now();
    const answer = probeOnce(parseProbe(`http://127.0.0.1:${port}/ interval=30s timeout=20s`), undefined, 'ping', stop.signal);
    await new Promise((r) => setTimeout(r, 200));
    stop.abort();
    expect(await answer).toMatchObject({ up: false, error: 'stopped' });
    expect(Date.now() - started).toBeLessThan(5000);
    await expect.poll(() => closed).toBe(true);
  });
});

describe('ProbeRunner', () => {
  it('probes at once and then every interval, keeping the latest answer per target in the order given', async () => {
    const port = await listen(net.createServer((c) => c.destroy()));
    const gone = await closedPort();
    const clock = new ManualClock(Date.now());
    const runner = new ProbeRunner([parseProbe(`tcp://127.0.0.1:${gone} interval=2s`), parseProbe(`tcp://127.0.0.1:${port} interval=1s`)], clock);
    closers.push(() => runner.close());
    runner.start();
    await expect.poll(() => runner.results().length).toBe(2);
    expect(runner.results().map((r) => r.up)).toEqual([false, true]);
    const first = runner.results()[1];
    closers.splice(0, 1)[0]?.(); // the listening server goes away
    clock.advance(1000);
    await expect.poll(() => runner.results()[1]?.up).toBe(false);
    expect(first?.up).toBe(true);
    runner.close();
    expect(clock.pending()).toEqual([]);
  });
});
