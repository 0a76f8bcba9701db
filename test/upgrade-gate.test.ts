import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { tokenChecker } from '../src/transport/request-guard.js';
import { UpgradeGate, upgradeRefusal, type Admission, type GateOptions } from '../src/transport/upgrade-gate.js';
import { ManualClock } from './helpers/manual-clock.js';
import { waitFor } from './fixtures/transport/harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const open: Admission = { checkToken: undefined, hostNames: new Set(['db1']), maxViewers: 2 };
const guarded: Admission = { ...open, checkToken: tokenChecker('s3cret') };

describe('upgradeRefusal', () => {
  it('refuses a foreign Origin, and a Host name that is not the agent’s when no token guards it', () => {
    expect(upgradeRefusal({ host: '127.0.0.1:7654', origin: 'http://evil.example' }, open, 0)?.status).toBe(403);
    expect(upgradeRefusal({ host: 'rebound.example:7654' }, open, 0)).toMatchObject({ status: 403, body: expect.stringMatching(/Host 'rebound\.example' is not allowed/) });
    expect(upgradeRefusal({ host: 'db1:7654' }, open, 0)).toBeNull();
    expect(upgradeRefusal({ host: 'rebound.example:7654', authorization: 'Bearer s3cret' }, guarded, 0)).toBeNull();
  });

  it('asks for the token with 401, and says when there is no room', () => {
    expect(upgradeRefusal({ host: '127.0.0.1', authorization: 'Bearer wrong' }, guarded, 0)).toEqual({
      status: 401,
      body: 'authentication failed: send Authorization: Bearer <token>',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
    expect(upgradeRefusal({ host: '127.0.0.1' }, guarded, 0)?.status).toBe(401);
    expect(upgradeRefusal({ host: '127.0.0.1' }, open, 2)).toEqual({ status: 503, body: 'too many viewers (limit 2); try again later' });
  });
});

async function gated(opts: Partial<GateOptions> = {}): Promise<{ port: number; gate: UpgradeGate; viewers: WebSocket[]; notes: string[]; clock: ManualClock }> {
  const server = http.createServer();
  const clock = new ManualClock();
  const viewers: WebSocket[] = [];
  const notes: string[] = [];
  const gate = new UpgradeGate(
    server,
    {
      ...open,
      maxPayloadBytes: 65536,
      pending: { deadlineMs: 5000, maxPerAddress: 3, maxTotal: 100 },
      viewers: () => viewers.length,
      note: (_kind, line) => notes.push(line),
      clock,
      ...opts,
    },
    (ws) => {
      viewers.push(ws);
      ws.send('welcome');
    },
  );
  server.on('request', (_req, res: http.ServerResponse) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const ws of viewers) ws.terminate();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, gate, viewers, notes, clock };
}

/** The HTTP status an upgrade gets (101 once the agent's first frame arrives), and the body of a refusal. */
function upgrade(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    cleanups.push(() => ws.terminate());
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('message', () => resolve({ status: 101, body: '' }));
    ws.on('error', (err) => {
      if (!/closed before the connection|socket hang up/.test(err.message)) reject(err);
    });
  });
}

function rawSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', () => {});
    cleanups.push(() => void s.destroy());
  });
}

describe('UpgradeGate', () => {
  it('lets viewers in up to the limit, refuses the next with 503, and every one once it closes', async () => {
    const g = await gated();
    expect(await upgrade(g.port)).toEqual({ status: 101, body: '' });
    expect(await upgrade(g.port)).toEqual({ status: 101, body: '' });
    expect(await upgrade(g.port)).toEqual({ status: 503, body: 'too many viewers (limit 2); try again later' });
    g.viewers.pop()?.terminate();
    expect((await upgrade(g.port)).status).toBe(101);
    g.gate.close();
    g.viewers.length = 0;
    expect(await upgrade(g.port)).toEqual({ status: 503, body: 'agent shutting down' });
    expect(g.notes.filter((l) => /^refused viewer 127\.0\.0\.1:\d+: 503 /.test(l))).toHaveLength(2);
  });

  it('cuts a connection that does not upgrade by its deadline on the gate’s clock', async () => {
    // A deadline longer than the test's timeout: only the gate's clock can bring it.
    const g = await gated({ pending: { deadlineMs: 60_000, maxPerAddress: 3, maxTotal: 100 } });
    const idle = await rawSocket(g.port);
    const closed = new Promise<void>((resolve) => idle.on('close', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    g.clock.advance(59_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(idle.destroyed).toBe(false);
    g.clock.advance(1);
    await closed;
    expect(g.notes).toEqual(['closed a connection from 127.0.0.1: no complete request within 60000 ms']);
  });

  it('gives a kept-alive HTTP connection its deadline again from each answer, so a reused one is not cut mid-request', async () => {
    const g = await gated({ pending: { deadlineMs: 8000, maxPerAddress: 3, maxTotal: 100 } });
    const s = await rawSocket(g.port);
    let received = '';
    s.on('data', (d: Buffer) => (received += d.toString()));
    const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
    const ask = async (n: number): Promise<void> => {
      s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await waitFor(`answer ${n}`, () => received.split('HTTP/1.1 200').length - 1 === n);
    };
    await ask(1);
    // Node closes it idle (and says so) before the deadline would.
    expect(received).toMatch(/Keep-Alive: timeout=4/);
    g.clock.advance(6000);
    await ask(2);
    // Past the first deadline from accept: the second answer set a new one.
    g.clock.advance(6000);
    await ask(3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.destroyed).toBe(false);
    g.clock.advance(8000);
    await closed;
    expect(g.notes).toEqual(['closed a connection from 127.0.0.1: no complete request within 8000 ms']);
  });

  it('holds at most maxPerAddress unfinished connections from one address; a viewer no longer counts', async () => {
    const g = await gated();
    expect((await upgrade(g.port)).status).toBe(101);
    for (let i = 0; i < 3; i++) await rawSocket(g.port);
    const extra = await rawSocket(g.port);
    await new Promise<void>((resolve) => extra.on('close', () => resolve()));
    await waitFor('the log line', () => g.notes.length > 0);
    expect(g.notes).toEqual(['refused a connection from 127.0.0.1: it already has 3 unfinished']);
  });
});
