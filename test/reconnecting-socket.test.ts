import http from 'node:http';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ReconnectingSocket, type SocketEvents } from '../src/transport/reconnecting-socket.js';
import { parseTarget } from '../src/transport/remote-target.js';
import { ManualClock } from './helpers/manual-clock.js';
import { rejection, waitFor } from './fixtures/transport/harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * A WebSocket server on 127.0.0.1 that cuts the first `refuse` connections at
 * once and greets the others with one frame; `status` answers upgrades with
 * that HTTP status instead.
 */
async function agentLike(opts: { refuse?: number; status?: number } = {}): Promise<{ port: number; connections: () => number; wss: WebSocketServer }> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, autoPong: false });
  let connections = 0;
  server.on('connection', (socket: net.Socket) => {
    connections++;
    if (connections <= (opts.refuse ?? 0)) socket.destroy();
  });
  if (opts.status !== undefined) {
    const status = opts.status;
    server.removeAllListeners('upgrade');
    server.on('upgrade', (_req, socket: net.Socket) => socket.end(`HTTP/1.1 ${status} No\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`));
  }
  wss.on('connection', (ws) => ws.send('hi'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections, wss };
}

/** A socket on a manual clock with the largest jitter, so each backoff delay is exactly its cap. */
function socketTo(port: number, clock: ManualClock, events: Partial<SocketEvents> = {}): ReconnectingSocket {
  const s = new ReconnectingSocket(
    parseTarget(`127.0.0.1:${port}`),
    { backoff: { initialMs: 1000, maxMs: 4000 }, clock, random: () => 1 },
    { frame: events.frame ?? (() => {}), dropped: events.dropped ?? (() => {}) },
  );
  cleanups.push(() => s.close());
  return s;
}

/** Waits until the socket has scheduled its next attempt, and returns that delay. */
async function nextDelay(clock: ManualClock): Promise<number> {
  await waitFor('a reconnect to be scheduled', () => clock.pending().length === 1);
  return clock.pending()[0] as number;
}

describe('ReconnectingSocket', () => {
  it('tries again only when its backoff delay has passed on its clock, doubling up to the cap', async () => {
    const agent = await agentLike({ refuse: 100 });
    const clock = new ManualClock();
    const socket = socketTo(agent.port, clock);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const delay = await nextDelay(clock);
      delays.push(delay);
      expect(agent.connections()).toBe(attempt);
      clock.advance(delay - 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(agent.connections()).toBe(attempt);
      clock.advance(1);
      await waitFor('the next attempt', () => agent.connections() === attempt + 1);
    }
    expect(delays).toEqual([1000, 2000, 4000, 4000]);
    expect(socket.state).toBe('unreachable');
    expect(socket.lastError).toMatch(/closed the connection during the handshake/);
  });

  it('a link that went live starts the backoff again from the initial delay', async () => {
    const agent = await agentLike({ refuse: 2 });
    const clock = new ManualClock();
    const dropped: string[] = [];
    const socket: ReconnectingSocket = socketTo(agent.port, clock, {
      frame: () => socket.live(15_000, () => dropped.push('greeted')),
      dropped: () => dropped.push('dropped'),
    });
    clock.advance(await nextDelay(clock));
    clock.advance(await nextDelay(clock));
    await waitFor('the link to go live', () => socket.state === 'live');
    expect(socket.send('x')).toBe(true);
    for (const ws of agent.wss.clients) ws.close(1001);
    await waitFor('the drop', () => socket.state === 'reconnecting');
    expect(socket.lastError).toBe(`lost connection to 127.0.0.1:${agent.port}: the agent stopped`);
    expect(socket.send('x')).toBe(false);
    expect(await nextDelay(clock)).toBe(1000);
    expect(dropped).toEqual(['dropped', 'dropped', 'greeted', 'dropped']);
  });

  it('gives a silent live link up by the heartbeat on its clock', async () => {
    const agent = await agentLike();
    const clock = new ManualClock();
    const socket: ReconnectingSocket = socketTo(agent.port, clock, { frame: () => socket.live(1500, () => {}) });
    await waitFor('the link to go live', () => socket.state === 'live');
    clock.advance(1000);
    expect(socket.state).toBe('live');
    clock.advance(125);
    await waitFor('the link to be given up', () => socket.state === 'reconnecting');
    expect(socket.lastError).toBe(`lost connection to 127.0.0.1:${agent.port}: nothing heard for 1.0 s`);
  });

  it('stops trying after an authentication failure, which needs the person', async () => {
    const agent = await agentLike({ status: 401 });
    const clock = new ManualClock();
    const socket = socketTo(agent.port, clock);
    expect((await rejection(socket.ready())).message).toBe(`authentication failed for 127.0.0.1:${agent.port} (check --token)`);
    await waitFor('the final state', () => socket.state === 'auth-failed');
    expect(clock.pending()).toEqual([]);
  });

  it('close cancels the next attempt', async () => {
    const agent = await agentLike({ refuse: 100 });
    const clock = new ManualClock();
    const socket = socketTo(agent.port, clock);
    await nextDelay(clock);
    await socket.close();
    expect(socket.state).toBe('closed');
    expect(clock.pending()).toEqual([]);
    clock.advance(10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(agent.connections()).toBe(1);
  });
});
