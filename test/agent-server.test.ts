import { cpSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { LiveSource } from '../src/collect/live-source.js';
import { createCollector } from '../src/collect/platform.js';
import { UserError } from '../src/core/errors.js';
import { ListenError, UnprotectedListenError } from '../src/transport/start-errors.js';
import type { Sample } from '../src/core/sample.js';
import { ARCHIVE_MAX_SAMPLES, CloseCode, HISTORY_END, PROTOCOL_VERSION } from '../src/protocol/wire-messages.js';
import { toWireSample } from '../src/protocol/wire-sample.js';
import { quantiseSample } from '../src/store/quantise.js';
import { storeArchive } from '../src/transport/agent-archive.js';
import { startAgent, type AgentOptions, type RunningAgent } from '../src/transport/agent-server.js';
import { RemoteSource } from '../src/transport/remote-source.js';
import { tmonVersion } from '../src/version.js';
import { ScriptedSource, collect, range, sampleAt, times, waitFor, rejection } from './fixtures/transport/harness.js';
import { STORED_CULPRITS, STRETCH, liveSample, storedDay, storedSpikeTime, storedTime, writeStore } from './fixtures/transport/stored-history.js';
import { tempDir } from './fixtures/store/recording-files.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function agentWith(opts: Partial<AgentOptions> & { source: AgentOptions['source'] }): Promise<RunningAgent> {
  const agent = await startAgent({ listen: { host: '127.0.0.1', port: 0 }, ...opts });
  cleanups.push(() => agent.close());
  return agent;
}

/** The HTTP status an upgrade gets: 101 when the WebSocket opens. */
function upgradeStatus(port: number, headers: Record<string, string> = {}): Promise<{ status: number; body: string; auth?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, auth: res.headers['www-authenticate'] });
        ws.terminate();
      });
    });
    ws.on('open', () => {
      resolve({ status: 101, body: '' });
      ws.close();
    });
    ws.on('error', (err) => {
      if (!/closed before the connection/.test(err.message)) reject(err);
    });
  });
}

interface RawViewer {
  ws: WebSocket;
  messages: { type: string; code?: number; message?: string }[];
  closed: Promise<{ code: number; reason: string }>;
}

/** A bare WebSocket client that sends whatever a test wants: the misbehaving viewer. */
async function rawViewer(port: number, opts: ClientOptions = {}): Promise<RawViewer> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, opts);
  const messages: RawViewer['messages'] = [];
  ws.on('message', (data) => messages.push(JSON.parse((data as Buffer).toString()) as RawViewer['messages'][number]));
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', () => reject(new Error('refused')));
  });
  await waitFor('hello', () => messages.length > 0);
  return { ws, messages, closed };
}

describe('starting', () => {
  it('refuses a non-loopback address without a token, saying why', async () => {
    const source = new ScriptedSource();
    for (const host of ['0.0.0.0', '::', '10.1.2.3']) {
      const err = await rejection(startAgent({ source, listen: { host, port: 7654 } }));
      expect(err).toBeInstanceOf(UnprotectedListenError);
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toBe(`refusing to listen on ${host}:7654 without a token: anyone who can reach it could watch this machine`);
    }
    expect((await rejection(startAgent({ source, listen: { host: '127.0.0.1', port: 0 }, token: ' ' }))).message).toMatch(/token is empty/);
    expect((await rejection(startAgent({ source, listen: { host: '127.0.0.1', port: 0 }, token: 'two words' }))).message).toMatch(
      /^the token has a space or a character an HTTP header cannot carry/,
    );
  });

  it('starts without a token when told to, with a warning', async () => {
    const lines: string[] = [];
    const agent = await agentWith({ source: new ScriptedSource(), listen: { host: '0.0.0.0', port: 0 }, allowNoAuth: true, log: (l) => lines.push(l) });
    expect(lines[0]).toBe(`WARNING: listening on 0.0.0.0:0 without a token (--no-auth): anyone who can reach this port can watch this machine`);
    expect(agent.address.port).toBeGreaterThan(0);
  });

  it('says when the port is taken', async () => {
    const first = await agentWith({ source: new ScriptedSource() });
    const err = await rejection(startAgent({ source: new ScriptedSource(), listen: { host: '127.0.0.1', port: first.address.port } }));
    expect(err).toBeInstanceOf(ListenError);
    expect((err as ListenError).code).toBe('EADDRINUSE');
    expect(err.message).toBe(`cannot listen on 127.0.0.1:${first.address.port}: the port is in use (another tmon agent?)`);
  });
});

describe('HTTP', () => {
  it('answers /healthz with version and uptime, without a token', async () => {
    const agent = await agentWith({ source: new ScriptedSource(), token: 'tok' });
    const res = await fetch(`http://127.0.0.1:${agent.address.port}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', version: tmonVersion(), protocolVersion: PROTOCOL_VERSION, viewers: 0 });
    expect(typeof body['uptime']).toBe('number');
    expect((await fetch(`http://127.0.0.1:${agent.address.port}/`)).status).toBe(426);
  });

  it('answers /healthz only for an allowed Host, like the upgrade (DNS rebinding)', async () => {
    for (const token of [undefined, 'tok']) {
      const agent = await agentWith({ source: new ScriptedSource(), ...(token ? { token } : {}) });
      const port = agent.address.port;
      const get = (headers: Record<string, string>): Promise<{ status: number; body: string }> =>
        new Promise((resolve, reject) => {
          const req = http.get({ host: '127.0.0.1', port, path: '/healthz', headers }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on('error', reject);
        });
      const evil = await get({ Host: `rebind.evil.example:${port}` });
      expect(evil.status).toBe(403);
      expect(evil.body).not.toMatch(/uptime|version/);
      expect((await get({ Host: `127.0.0.1:${port}`, Origin: 'http://rebind.evil.example' })).status).toBe(403);
      expect((await get({ Host: `localhost:${port}` })).status).toBe(200);
    }
  });
});

describe('who may connect', () => {
  it('checks the bearer token at the upgrade: 401 before any WebSocket exists', async () => {
    const agent = await agentWith({ source: new ScriptedSource(), token: 'the-right-token' });
    const port = agent.address.port;
    for (const headers of [{} as Record<string, string>, { Authorization: 'Bearer the-wrong-token' }, { Authorization: 'Bearer x' }, { Authorization: 'Basic dGhlLXJpZ2h0LXRva2Vu' }]) {
      const r = await upgradeStatus(port, headers);
      expect(r.status).toBe(401);
      expect(r.auth).toBe('Bearer');
    }
    expect(agent.viewers()).toBe(0);
    expect((await upgradeStatus(port, { Authorization: 'Bearer the-right-token' })).status).toBe(101);
  });

  it('refuses other Host names and any foreign Origin (DNS rebinding)', async () => {
    const agent = await agentWith({ source: new ScriptedSource(), allowedHosts: ['tmon.example.org'] });
    const port = agent.address.port;
    const evilHost = await upgradeStatus(port, { Host: `evil.example:${port}` });
    expect(evilHost.status).toBe(403);
    expect(evilHost.body).toBe(`Host 'evil.example' is not allowed: connect by IP address or start the agent with --allow-host evil.example`);
    expect((await upgradeStatus(port, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await upgradeStatus(port, { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` })).status).toBe(403);
    expect((await upgradeStatus(port, { Host: `localhost:${port}` })).status).toBe(101);
    expect((await upgradeStatus(port, { Host: `${hostname()}:${port}` })).status).toBe(101);
    expect((await upgradeStatus(port, { Host: `tmon.example.org:${port}` })).status).toBe(101);
    expect((await upgradeStatus(port, { Origin: `http://127.0.0.1:${port}` })).status).toBe(101);

    const withToken = await agentWith({ source: new ScriptedSource(), token: 'tok' });
    const auth = { Authorization: 'Bearer tok' };
    expect((await upgradeStatus(withToken.address.port, { ...auth, Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('limits concurrent viewers with 503', async () => {
    const agent = await agentWith({ source: new ScriptedSource(), maxViewers: 2 });
    const port = agent.address.port;
    const a = await rawViewer(port);
    await rawViewer(port);
    const third = await upgradeStatus(port);
    expect(third).toMatchObject({ status: 503, body: 'too many viewers (limit 2); try again later' });
    a.ws.close();
    await waitFor('a free slot', () => agent.viewers() === 1);
    expect((await upgradeStatus(port)).status).toBe(101);
  });
});

describe('sampling rate', () => {
  it('runs as fast as the fastest watching viewer asks, within bounds, and returns when they leave', async () => {
    const source = new ScriptedSource(1000);
    const agent = await agentWith({ source, minIntervalMs: 200 });
    const target = `127.0.0.1:${agent.address.port}`;
    const a = new RemoteSource(target);
    const b = new RemoteSource(target);
    cleanups.push(() => a.close(), () => b.close());
    await Promise.all([a.ready(), b.ready()]);
    // Each step changes the rate, so the test sees the agent has taken it before the next step
    // (messages from two sockets have no order between them).
    a.setIntervalMs(300);
    await waitFor('300 ms', () => source.intervalMs === 300 && b.intervalMs === 300);
    b.setIntervalMs(50);
    await waitFor('the fastest request, clamped to the minimum', () => source.intervalMs === 200);
    b.setIntervalMs(null);
    await waitFor('a withdrawn request', () => source.intervalMs === 300);
    b.setIntervalMs(250);
    await waitFor('250 ms', () => source.intervalMs === 250);
    await b.close();
    await waitFor('a viewer that left', () => source.intervalMs === 300);
    a.setIntervalMs(5000);
    await waitFor('its own rate: 5 s is slower than it', () => source.intervalMs === 1000);
    a.setIntervalMs(400);
    await waitFor('400 ms', () => source.intervalMs === 400);
    await a.close();
    await waitFor('the last viewer left', () => source.intervalMs === 1000);
    expect(source.intervalChanges).toEqual([300, 200, 300, 250, 300, 1000, 400, 1000]);
  });
});

describe('a misbehaving client never harms the agent or the other viewers', () => {
  const source = new ScriptedSource();
  let agent: RunningAgent;
  let watcher: RemoteSource;
  let got: ReturnType<typeof collect>;
  let pushed = 0;
  const MAX_BUFFERED = 256 * 1024;

  beforeAll(async () => {
    agent = await startAgent({
      source,
      listen: { host: '127.0.0.1', port: 0 },
      maxPayloadBytes: 4096,
      maxMessagesPerSec: 20,
      maxBufferedBytes: MAX_BUFFERED,
      // Long enough that the never-reading client fills its buffer before the heartbeat drops it, even on a busy machine.
      heartbeatMs: 4000,
      historyCapacity: 1000,
    });
    watcher = new RemoteSource(`127.0.0.1:${agent.address.port}`);
    got = collect(watcher);
    await watcher.ready();
  });

  afterAll(async () => {
    await watcher.close();
    await agent.close();
  });

  /** The agent is up and the well-behaved viewer has every sample so far, once, in order. */
  async function stillServing(extra: { processes?: number; cpu?: number } = {}): Promise<void> {
    source.push(sampleAt(pushed++, extra));
    await waitFor('the watcher to get the sample', () => got.length === pushed);
    expect(times(got)).toEqual(range(0, pushed - 1));
    expect((await fetch(`http://127.0.0.1:${agent.address.port}/healthz`)).status).toBe(200);
    expect(watcher.state).toBe('live');
  }

  async function expectRefused(send: (ws: WebSocket) => void, code: number, message?: RegExp): Promise<void> {
    // Without deflate, frames sent together reach the agent together, as from a raw socket.
    const v = await rawViewer(agent.address.port, { perMessageDeflate: false });
    send(v.ws);
    const closed = await Promise.race([
      v.closed,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no close ${code} from the agent`)), 10_000)),
    ]);
    expect(closed.code).toBe(code);
    if (message) {
      const error = v.messages.find((m) => m.type === 'error');
      expect(error?.code).toBe(code);
      expect(error?.message).toMatch(message);
    }
    await stillServing();
  }

  it('malformed JSON: error and close 4000', async () => {
    await expectRefused((ws) => ws.send('{"v":1,"type":'), CloseCode.malformed, /^message is not valid JSON$/);
  });

  it('binary garbage: close 4000', async () => {
    await expectRefused((ws) => ws.send(Buffer.from([0xff, 0x00, 0xfe, 0x13, 0x37])), CloseCode.malformed, /binary frames/);
  });

  it('a field of the wrong type: close 4000', async () => {
    await expectRefused(
      (ws) => ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'history-request', id: 1, from: {}, to: 1 })),
      CloseCode.malformed,
      /^message\.from must be a finite number$/,
    );
  });

  it('an oversized frame: close 1009', async () => {
    await expectRefused((ws) => ws.send('x'.repeat(10_000)), 1009);
  });

  it('a wrong protocol version: close 4002 naming both', async () => {
    await expectRefused(
      (ws) => ws.send(JSON.stringify({ v: 99, type: 'set-interval', intervalMs: 300 })),
      CloseCode.wrongVersion,
      /^protocol version "99" is not supported: this agent speaks 1$/,
    );
  });

  it('an unknown type, e.g. a command to run: close 4001', async () => {
    await expectRefused(
      (ws) => ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'exec', cmd: 'touch /tmp/pwned' })),
      CloseCode.unknownType,
      /^unknown message type "exec"$/,
    );
  });

  it('a message flood: close 4003', async () => {
    const msg = JSON.stringify({ v: PROTOCOL_VERSION, type: 'set-interval', intervalMs: null });
    await expectRefused((ws) => {
      for (let i = 0; i < 50; i++) ws.send(msg);
    }, CloseCode.rateLimited, /^more than 20 messages per second$/);
  });

  it('a pile of history requests: close 4008', async () => {
    await expectRefused((ws) => {
      for (let id = 0; id < 10; id++) ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'history-request', id, from: 0, to: Number.MAX_SAFE_INTEGER }));
    }, CloseCode.policy, /history requests at once/);
  });

  it('200 rapid connects: opened and dropped, cut mid-handshake, or plain garbage', async () => {
    const port = agent.address.port;
    const one = (k: number): Promise<void> =>
      new Promise((resolve) => {
        if (k % 3 === 0) {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
          ws.on('error', () => resolve());
          ws.on('unexpected-response', () => resolve());
          ws.on('open', () => ws.terminate());
          ws.on('close', () => resolve());
          return;
        }
        const s = net.connect(port, '127.0.0.1', () => {
          if (k % 3 === 1) s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`);
          else s.write(Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, 0, 1, 2, 3]));
          s.destroy();
        });
        s.on('error', () => resolve());
        s.on('close', () => resolve());
      });
    for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 20 }, (_, k) => one(batch * 20 + k)));
    await waitFor('the rapid viewers to be gone', () => agent.viewers() === 1);
    await stillServing();
  });

  it('a client that never reads: its send buffer stays bounded, then the heartbeat drops it', async () => {
    const slow = await rawViewer(agent.address.port, { perMessageDeflate: false });
    slow.ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'history-request', id: 1, from: 0, to: Number.MAX_SAFE_INTEGER }));
    slow.ws.pause();
    await waitFor('two viewers', () => agent.viewers() === 2);
    let maxBuffered = 0;
    // Samples of 300 busy processes (~100 KB of JSON each) fill the kernel's socket buffers quickly.
    for (let i = 0; i < 150 && agent.viewers() === 2; i++) {
      await stillServing({ processes: 300, cpu: 10 });
      maxBuffered = Math.max(maxBuffered, ...agent.stats().bufferedBytes);
    }
    expect(maxBuffered).toBeGreaterThan(MAX_BUFFERED / 2);
    // The bound plus one frame in flight: a sample (~100 KB) or a history chunk (~64 KB).
    expect(maxBuffered).toBeLessThan(MAX_BUFFERED + 512 * 1024);
    await waitFor('the heartbeat to drop the silent client', () => agent.viewers() === 1, 20_000);
    await stillServing();
    slow.ws.terminate();
  });
});

describe('a viewer that falls out of the history', () => {
  it('is closed with 4004 instead of being held forever', async () => {
    const source = new ScriptedSource();
    const lines: string[] = [];
    const agent = await agentWith({ source, historyCapacity: 20, maxBufferedBytes: 64 * 1024, heartbeatMs: 60_000, log: (l) => lines.push(l) });
    const slow = await rawViewer(agent.address.port, { perMessageDeflate: false });
    cleanups.push(() => slow.ws.terminate());
    slow.ws.pause();
    for (let i = 0; i < 400 && agent.viewers() > 0; i++) {
      source.push(sampleAt(i, { processes: 300, cpu: 10 }));
      await new Promise((r) => setImmediate(r));
    }
    await waitFor('the slow viewer to be dropped', () => agent.viewers() === 0);
    expect(lines.some((l) => l.includes('read too slowly') && l.includes('closing with 4004'))).toBe(true);
  });
});

describe('with the real collector', () => {
  it('streams this machine’s samples to a viewer', async () => {
    const live = new LiveSource(await createCollector({ intervalMs: 200, fastWatch: false }), 200);
    const agent = await agentWith({ source: live });
    cleanups.push(() => live.close());
    const v = new RemoteSource(`127.0.0.1:${agent.address.port}`);
    cleanups.push(() => v.close());
    const got = collect(v);
    await v.ready();
    await waitFor('three real samples', () => got.length >= 3);
    const last = got.at(-1);
    expect(last?.host.hostname).toBe(hostname());
    expect(last?.processes.length).toBeGreaterThan(0);
    expect(last?.processes.length).toBeLessThan(last?.tasks.total ?? 0);
  });
});

describe('stored history (--store)', () => {
  let store: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    store = tempDir();
    await writeStore(store.dir);
  });
  afterAll(() => store.cleanup());

  /** An agent over the three stored days, holding `live` live samples in memory, and a viewer connected to it. */
  async function storedAgent(opts: Partial<AgentOptions> = {}, live = 10): Promise<{ agent: RunningAgent; source: ScriptedSource; viewer: RemoteSource }> {
    const source = new ScriptedSource();
    const agent = await agentWith({ source, archive: storeArchive(store.dir), ...opts });
    for (let i = 0; i < live; i++) source.push(liveSample(i));
    await waitFor('the live samples', () => agent.stats().historySamples === live);
    const viewer = new RemoteSource(`127.0.0.1:${agent.address.port}`);
    cleanups.push(() => viewer.close());
    await viewer.ready();
    return { agent, source, viewer };
  }

  const wire = (s: Parameters<typeof quantiseSample>[0]): ReturnType<typeof toWireSample> => toWireSample(quantiseSample(s));

  it('says in hello what the store holds', async () => {
    const { viewer } = await storedAgent();
    expect(viewer.archive).toEqual({ oldest: storedTime(0, 0), newest: storedTime(2, STRETCH - 1), spikes: 3, maxSamples: ARCHIVE_MAX_SAMPLES });
  });

  it('answers an archive request for an old range with the stored samples, as the store keeps them, prepared like live ones', async () => {
    const { viewer } = await storedAgent();
    const got = await viewer.requestHistory(storedTime(1, 290), storedTime(1, 310), { archive: true });
    expect(got).toEqual(storedDay(1).slice(290, 311).map(wire));
    expect(got.find((s) => s.time === storedSpikeTime(1))?.processes.map((p) => p.name)).toContain('reindex');
    // Without `archive` only memory answers, as it always did.
    expect(await viewer.requestHistory(storedTime(1, 290), storedTime(1, 310))).toEqual([]);
  });

  it('answers a range across store and memory without a gap: the store up to what memory holds, then memory', async () => {
    const { viewer } = await storedAgent();
    const got = await viewer.requestHistory(storedTime(2, 590), HISTORY_END, { archive: true });
    expect(times(got)).toEqual([...Array.from({ length: 10 }, (_, k) => storedTime(2, 590 + k)), ...Array.from({ length: 10 }, (_, i) => liveSample(i).time)]);
    expect(got.at(-1)).toEqual(toWireSample(liveSample(9)));
  });

  it(`stops an archive reply at ${ARCHIVE_MAX_SAMPLES} samples, the oldest first`, async () => {
    const live = ARCHIVE_MAX_SAMPLES - 3 * STRETCH + 50;
    const { viewer } = await storedAgent({ historyCapacity: live }, live);
    const got = await viewer.requestHistory(0, HISTORY_END, { archive: true });
    expect(got).toHaveLength(ARCHIVE_MAX_SAMPLES);
    expect(got[0]?.time).toBe(storedTime(0, 0));
    expect(got.at(-1)?.time).toBe(liveSample(live - 51).time);
    // A plain backfill is what memory holds, as before.
    expect(await viewer.requestHistory(0, HISTORY_END)).toHaveLength(live);
  });

  it('answers a spikes request from the store’s index: the spikes that overlap the range, with their culprits', async () => {
    const { viewer } = await storedAgent();
    const all = await viewer.requestSpikes(0, HISTORY_END);
    expect(all.archive?.spikes).toBe(3);
    expect(all.problem).toBeUndefined();
    expect(all.spikes.map((s) => [s.metric, s.start, s.culprits[0]?.name])).toEqual(STORED_CULPRITS.map((name, day) => ['memory', storedSpikeTime(day), name]));
    const day1 = await viewer.requestSpikes(storedTime(1, 0), storedTime(1, STRETCH));
    expect(day1.spikes.map((s) => s.culprits[0]?.name)).toEqual(['reindex']);
    expect((await viewer.requestSpikes(storedTime(2, STRETCH), HISTORY_END)).spikes).toEqual([]);
  });

  it('without a store: hello says none, a spikes request gets an empty answer, an archive request what memory holds', async () => {
    const source = new ScriptedSource();
    const agent = await agentWith({ source });
    for (let i = 0; i < 5; i++) source.push(liveSample(i));
    await waitFor('the live samples', () => agent.stats().historySamples === 5);
    const viewer = new RemoteSource(`127.0.0.1:${agent.address.port}`);
    cleanups.push(() => viewer.close());
    await viewer.ready();
    expect(viewer.archive).toBeNull();
    expect(await viewer.requestSpikes(0, HISTORY_END)).toEqual({ spikes: [], archive: null });
    expect(times(await viewer.requestHistory(0, HISTORY_END, { archive: true }))).toEqual(Array.from({ length: 5 }, (_, i) => liveSample(i).time));
    expect(viewer.state).toBe('live');
  });

  it('refuses a malformed spikes request like any malformed message: error and close 4000, the agent unharmed', async () => {
    const { agent, source, viewer } = await storedAgent();
    const got = collect(viewer);
    const raw = await rawViewer(agent.address.port);
    raw.ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'spikes-request', id: 'one', from: 0, to: 1 }));
    expect((await raw.closed).code).toBe(CloseCode.malformed);
    expect(raw.messages.find((m) => m.type === 'error')?.message).toBe('message.id must be an integer');
    source.push(liveSample(10));
    await waitFor('the next live sample', () => got.some((s) => s.time === liveSample(10).time));
  });

  it('keeps streaming when the store is deleted under it; requests say why, the log says it once', async () => {
    const copy = tempDir();
    cleanups.push(() => copy.cleanup());
    cpSync(store.dir, join(copy.dir, 'store'), { recursive: true });
    const lines: string[] = [];
    const source = new ScriptedSource();
    // maxAgeMs 0: every request reopens the store, so the deletion is seen at once.
    const agent = await agentWith({ source, archive: storeArchive(join(copy.dir, 'store'), 0), log: (l) => lines.push(l) });
    source.push(liveSample(0));
    await waitFor('a live sample', () => agent.stats().historySamples === 1);
    const viewer = new RemoteSource(`127.0.0.1:${agent.address.port}`);
    cleanups.push(() => viewer.close());
    const got = collect(viewer);
    await viewer.ready();
    expect((await viewer.requestSpikes(0, HISTORY_END)).spikes).toHaveLength(3);

    rmSync(join(copy.dir, 'store'), { recursive: true, force: true });
    const reply = await viewer.requestSpikes(0, HISTORY_END);
    expect(reply.spikes).toEqual([]);
    expect(reply.problem).toMatch(/no such file or directory/i);
    expect(times(await viewer.requestHistory(0, HISTORY_END, { archive: true }))).toEqual([liveSample(0).time]);
    source.push(liveSample(1));
    await waitFor('live samples still flowing', () => got.some((s) => s.time === liveSample(1).time));
    expect(viewer.state).toBe('live');
    expect(lines.filter((l) => l.startsWith('stored history cannot be read')).length).toBe(1);
  });
});

describe('hostile viewers (issue 9): each is dropped or held to its budget, the honest viewer keeps its rate', () => {
  const TOKEN = 'hostile-test-token';
  const MAX_BUFFERED = 256 * 1024;

  /** An agent with a token and an honest viewer receiving samples pushed every 100 ms while `attack` runs. */
  async function underAttack(
    opts: Partial<AgentOptions>,
    attack: (port: number, agent: RunningAgent) => Promise<void>,
    fill = 0,
    sampleFor: (i: number, extra?: { processes?: number }) => Sample = sampleAt,
  ): Promise<{ agent: RunningAgent; honestLate: number; pushed: number; maxBuffered: number }> {
    const source = new ScriptedSource(100);
    const agent = await agentWith({ source, token: TOKEN, maxBufferedBytes: MAX_BUFFERED, ...opts });
    let pushed = 0;
    // History to ask for: samples of 60 processes, ~15 KB of JSON each.
    for (; pushed < fill; pushed++) source.push(sampleFor(pushed, { processes: 60 }));
    await waitFor('the history to fill', () => agent.stats().historySamples === fill);
    const honest = new RemoteSource(`127.0.0.1:${agent.address.port}`, { token: TOKEN });
    cleanups.push(() => honest.close());
    const got = collect(honest);
    await honest.ready();
    await waitFor('the honest viewer’s backfill', () => got.length === fill);
    let honestLate = 0;
    let maxBuffered = 0;
    let attacking = true;
    const feeding = (async () => {
      while (attacking) {
        source.push(sampleFor(pushed++));
        await new Promise((r) => setTimeout(r, 100));
        // A sample not there 1.5 s after it was pushed is late: the agent let the attack stall it.
        if (pushed > fill + 15 && got.length < pushed - 15) honestLate++;
        maxBuffered = Math.max(maxBuffered, ...agent.stats().bufferedBytes);
      }
    })();
    try {
      await attack(agent.address.port, agent);
    } finally {
      attacking = false;
      await feeding;
    }
    await waitFor('the honest viewer to have every sample', () => got.length === pushed);
    expect(times(got)).toEqual(Array.from({ length: pushed }, (_, i) => sampleFor(i).time));
    expect(honest.state).toBe('live');
    return { agent, honestLate, pushed, maxBuffered };
  }

  /** A ws client that never reads what the agent sends. */
  async function deafViewer(port: number): Promise<{ ws: WebSocket; closed: Promise<number> }> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { Authorization: `Bearer ${TOKEN}` }, perMessageDeflate: false, autoPong: false });
    ws.on('error', () => {});
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', () => reject(new Error('refused')));
    });
    ws.pause();
    return { ws, closed };
  }

  /** Sends pings as fast as the socket takes them (kept under 1 MB queued here) until closed or `ms` pass. */
  async function pingFlood(ws: WebSocket, ms: number, perSec = Infinity): Promise<number> {
    const payload = Buffer.alloc(125, 0x70);
    const end = Date.now() + ms;
    let sent = 0;
    while (Date.now() < end && ws.readyState === WebSocket.OPEN) {
      const batch = Number.isFinite(perSec) ? 1 : 200;
      if (ws.bufferedAmount < 1024 * 1024) for (let i = 0; i < batch; i++, sent++) ws.ping(payload);
      // Answers the heartbeat it never read with unsolicited pongs, as the attacker did.
      ws.pong(payload);
      await new Promise((r) => setTimeout(r, Number.isFinite(perSec) ? 1000 / perSec : 1));
    }
    return sent;
  }

  it('a ping flood that never reads is dropped at the message rate; its unsent bytes stay bounded', async () => {
    const r = await underAttack({ maxMessagesPerSec: 20 }, async (port, agent) => {
      const deaf = await deafViewer(port);
      await waitFor('two viewers', () => agent.viewers() === 2);
      const started = Date.now();
      void pingFlood(deaf.ws, 8000);
      await waitFor('the flooder to be dropped', () => agent.viewers() === 1, 6000);
      expect(Date.now() - started).toBeLessThan(5000);
      deaf.ws.terminate();
    });
    expect(r.maxBuffered).toBeLessThan(MAX_BUFFERED + 64 * 1024);
    expect(r.honestLate).toBe(0);
  });

  it('pings under the rate from a viewer that never reads: pongs stop at the buffer bound, the heartbeat drops it', async () => {
    const r = await underAttack({ maxMessagesPerSec: 20, heartbeatMs: 1000, maxBufferedBytes: 4096 }, async (port, agent) => {
      const deaf = await deafViewer(port);
      await waitFor('two viewers', () => agent.viewers() === 2);
      void pingFlood(deaf.ws, 8000, 8);
      await waitFor('the deaf viewer to be dropped', () => agent.viewers() === 1, 6000);
      deaf.ws.terminate();
    });
    expect(r.honestLate).toBe(0);
  });

  /** Holds `count` sockets open to the agent, idle or with half an upgrade request, reopening each as soon as it is closed. */
  function lockOut(port: number, count: number): { closedAfterMs: number[]; stop(): void } {
    const closedAfterMs: number[] = [];
    const sockets = new Set<net.Socket>();
    let stopped = false;
    const open = (k: number): void => {
      if (stopped) return;
      const openedAt = Date.now();
      const s = net.connect(port, '127.0.0.1', () => {
        if (k % 2 === 1) s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n`);
      });
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        closedAfterMs.push(Date.now() - openedAt);
        setTimeout(() => open(k), 10);
      });
    };
    for (let k = 0; k < count; k++) open(k);
    return {
      closedAfterMs,
      stop: () => {
        stopped = true;
        for (const s of sockets) s.destroy();
      },
    };
  }

  it('79 idle or half-sent sockets cannot lock an authenticated viewer out: each is cut at the deadline, viewers still get in', async () => {
    // Attacker and viewer share 127.0.0.1 here, so the per-address cap is raised to let the attacker hold all 79.
    const agent = await agentWith({ source: new ScriptedSource(), token: TOKEN, maxViewers: 2, pending: { deadlineMs: 1000, maxPerAddress: 200 } });
    const port = agent.address.port;
    const attack = lockOut(port, 79);
    cleanups.push(() => attack.stop());
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 2; i++) {
      expect((await upgradeStatus(port, { Authorization: `Bearer ${TOKEN}` })).status).toBe(101);
      await waitFor('the viewer to be gone', () => agent.viewers() === 0);
    }
    await waitFor('every attacking socket to be cut once', () => attack.closedAfterMs.length >= 79, 10_000);
    attack.stop();
    // Cut by the agent's own timer at about 1 s, not by Node's 30 s sweep.
    expect(Math.max(...attack.closedAfterMs.slice(0, 79))).toBeLessThan(4000);
    expect(Math.min(...attack.closedAfterMs.slice(0, 79))).toBeGreaterThanOrEqual(900);
  });

  it('one address holds at most maxPerAddress unfinished connections; more are closed at once', async () => {
    const lines: string[] = [];
    const agent = await agentWith({ source: new ScriptedSource(), token: TOKEN, pending: { deadlineMs: 3000, maxPerAddress: 8 }, log: (l) => lines.push(l) });
    const closedAfter: number[] = [];
    const sockets = Array.from({ length: 20 }, () => {
      const s = net.connect(agent.address.port, '127.0.0.1');
      const openedAt = Date.now();
      s.on('error', () => {});
      s.on('close', () => closedAfter.push(Date.now() - openedAt));
      return s;
    });
    cleanups.push(() => sockets.forEach((s) => s.destroy()));
    await waitFor('the 12 beyond the cap to be closed', () => closedAfter.length === 12, 2500);
    expect(closedAfter.every((ms) => ms < 2500)).toBe(true);
    expect(lines.some((l) => /refused a connection from 127\.0\.0\.1: it already has 8 unfinished/.test(l))).toBe(true);
    await waitFor('the 8 to be cut at the deadline', () => closedAfter.length === 20, 6000);
  });

  /** A ws client with the token that reads everything and asks again as soon as a request is done, `inFlight` at a time. */
  async function requestLoop(port: number, ms: number, request: (id: number) => object, inFlight = 4): Promise<{ received: number; replies: number }> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    ws.on('error', () => {});
    let received = 0;
    let replies = 0;
    let id = 0;
    const ask = (): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ v: PROTOCOL_VERSION, ...request(id++) }));
    };
    ws.on('message', (data: Buffer) => {
      received += data.length;
      const msg = JSON.parse(data.toString()) as { type: string; done?: boolean };
      if ((msg.type === 'history' && msg.done) || msg.type === 'spikes') {
        replies++;
        ask();
      }
    });
    await new Promise<void>((resolve) => ws.once('open', () => resolve()));
    for (let i = 0; i < inFlight; i++) ask();
    await new Promise((r) => setTimeout(r, ms));
    ws.terminate();
    return { received, replies };
  }

  it('a history-request loop is paced to the byte budget; sampling and the honest viewer keep their rate', async () => {
    const budget = { bytesBurst: 8 * 1024 * 1024, bytesPerSec: 1024 * 1024 };
    let loop = { received: 0, replies: 0 };
    const r = await underAttack(
      { budget, historyCapacity: 2000 },
      async (port) => {
        loop = await requestLoop(port, 3000, (id) => ({ type: 'history-request', id, from: 0, to: HISTORY_END }));
      },
      300,
    );
    // At most the burst plus 3 s of refill, plus one chunk in flight when the time ran out.
    expect(loop.received).toBeLessThan(budget.bytesBurst + 3 * budget.bytesPerSec + 256 * 1024);
    expect(loop.received).toBeGreaterThan(budget.bytesBurst / 4);
    expect(r.honestLate).toBe(0);
  });

  it('an archive-request loop is held to its work budget; the honest viewer keeps its rate', async () => {
    const store = tempDir();
    cleanups.push(() => store.cleanup());
    await writeStore(store.dir);
    const budget = { workMsBurst: 100, workMsPerSec: 100 };
    let costs: { workMs: number }[] = [];
    const r = await underAttack({ budget, archive: storeArchive(store.dir) }, async (port, agent) => {
      const started = Date.now();
      const loop = requestLoop(port, 3000, (id) => ({ type: 'history-request', id, from: 0, to: HISTORY_END, archive: true }));
      await new Promise((r) => setTimeout(r, 2900));
      costs = agent.stats().costs;
      await loop;
      const elapsed = (Date.now() - started) / 1000;
      // The burst, the refill so far, and one batch (a keyframe group decoded and sent) begun just before.
      expect(Math.max(...costs.map((c) => c.workMs))).toBeLessThan(budget.workMsBurst + elapsed * budget.workMsPerSec + 250);
    }, 0, liveSample);
    expect(Math.max(...costs.map((c) => c.workMs))).toBeGreaterThan(budget.workMsBurst / 2);
    expect(r.honestLate).toBe(0);
  });

  it('a message that never ends (zero-length continuation frames) counts toward the rate: closed with 4003', async () => {
    await underAttack({ maxMessagesPerSec: 20 }, async (port, agent) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => {});
      let answer = Buffer.alloc(0);
      socket.on('data', (d: Buffer) => (answer = Buffer.concat([answer, d]).subarray(0, 4096)));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`,
      );
      await waitFor('the upgrade', () => answer.toString('latin1').startsWith('HTTP/1.1 101'));
      const mask = [0x80, 0, 0, 0, 0];
      socket.write(Buffer.from([0x01, ...mask]));
      const continuation = Buffer.from(Array.from({ length: 1000 }, () => [0x00, ...mask]).flat());
      const started = Date.now();
      let gone = false;
      void closed.then(() => (gone = true));
      while (!gone && Date.now() - started < 8000) {
        if (socket.writableLength < 1024 * 1024) socket.write(continuation);
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(gone).toBe(true);
      const closeAt = answer.indexOf(Buffer.from([0x88]));
      expect(answer.readUInt16BE(closeAt + 2)).toBe(CloseCode.rateLimited);
      await waitFor('the agent to hold only the honest viewer', () => agent.viewers() === 1);
    });
  });

  it('floods of refusals and reconnects log a few lines and a summary, not a line each', async () => {
    const lines: string[] = [];
    const agent = await startAgent({ source: new ScriptedSource(), listen: { host: '127.0.0.1', port: 0 }, token: TOKEN, log: (l) => lines.push(l) });
    const port = agent.address.port;
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 30 }, () => upgradeStatus(port, { Authorization: 'Bearer wrong' })));
    }
    for (let i = 0; i < 40; i++) {
      expect((await upgradeStatus(port, { Authorization: `Bearer ${TOKEN}` })).status).toBe(101);
    }
    await waitFor('the viewers to be gone', () => agent.viewers() === 0);
    await agent.close();
    const count = (re: RegExp): number => lines.filter((l) => re.test(l)).length;
    /** Lines printed plus lines summarised: every event is accounted for, few are printed. */
    const accounted = (line: RegExp, kind: string): { printed: number; total: number } => {
      const printed = count(line);
      const more = lines.map((l) => new RegExp(`^${kind}: … and (\\d+) more in the last \\d+ s$`).exec(l)).reduce((n, m) => n + (m ? Number(m[1]) : 0), 0);
      return { printed, total: printed + more };
    };
    const refused = accounted(/^refused viewer 127\.0\.0\.1:\d+: 401/, 'refused viewer');
    expect(refused.total).toBe(300);
    // 5 per 10 s window; the flood takes a second or two, two windows at most on a slow machine.
    expect(refused.printed).toBeGreaterThanOrEqual(5);
    expect(refused.printed).toBeLessThanOrEqual(10);
    const connected = accounted(/^viewer 127\.0\.0\.1:\d+ connected/, 'viewer connected');
    expect(connected.total).toBe(40);
    expect(connected.printed).toBeLessThanOrEqual(10);
    expect(lines.length).toBeLessThan(40);
  });

  it('4 outstanding history requests are answered; a 5th at once is refused with 4008, as README says', async () => {
    await underAttack(
      {},
      async (port) => {
        const send = async (n: number): Promise<RawViewer> => {
          const v = await rawViewer(port, { perMessageDeflate: false, headers: { Authorization: `Bearer ${TOKEN}` } });
          for (let id = 0; id < n; id++) v.ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'history-request', id, from: 0, to: HISTORY_END }));
          return v;
        };
        const four = await send(4);
        await waitFor('four replies', () => four.messages.filter((m) => m.type === 'history' && (m as { done?: boolean }).done).length === 4, 20_000);
        expect(four.ws.readyState).toBe(WebSocket.OPEN);
        four.ws.close();
        const five = await send(5);
        expect((await five.closed).code).toBe(CloseCode.policy);
        expect(five.messages.find((m) => m.type === 'error')?.message).toBe('more than 4 history requests at once: wait for done');
      },
      300,
    );
  });

  it('reconnecting does not refill the budget: it belongs to the address for a while after its viewers left', async () => {
    const source = new ScriptedSource();
    const budget = { bytesBurst: 2 * 1024 * 1024, bytesPerSec: 128 * 1024 };
    const agent = await agentWith({ source, token: TOKEN, budget });
    for (let i = 0; i < 300; i++) source.push(sampleAt(i, { processes: 60 }));
    await waitFor('the history', () => agent.stats().historySamples === 300);
    const ask = (id: number): object => ({ type: 'history-request', id, from: 0, to: HISTORY_END });
    const first = await requestLoop(agent.address.port, 1500, ask);
    expect(first.received).toBeGreaterThan(budget.bytesBurst / 2);
    const again = await requestLoop(agent.address.port, 1500, ask);
    // 1.5 s of refill and a chunk, not another burst.
    expect(again.received).toBeLessThan(budget.bytesPerSec * 3 + 128 * 1024);
  });
});

