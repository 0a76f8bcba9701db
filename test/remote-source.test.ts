import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { UserError } from '../src/core/errors.js';
import { PROTOCOL_VERSION, type AlertsMessage } from '../src/protocol/wire-messages.js';
import { toWireSample } from '../src/protocol/wire-sample.js';
import type { Sample } from '../src/core/sample.js';
import { storeArchive } from '../src/transport/agent-archive.js';
import { startAgent, type AgentOptions, type RunningAgent } from '../src/transport/agent-server.js';
import { WireHistory } from '../src/transport/wire-history.js';
import type { LinkState } from '../src/transport/link-state.js';
import { RemoteSource, type RemoteSourceOptions } from '../src/transport/remote-source.js';
import { tmonVersion } from '../src/version.js';
import { ScriptedSource, T0, TcpProxy, collect, makeCertificate, range, sampleAt, times, waitFor, rejection } from './fixtures/transport/harness.js';
import { storedSpikeTime, storedTime, writeStore } from './fixtures/transport/stored-history.js';
import { tempDir } from './fixtures/store/recording-files.js';
import { freePort } from './helpers/notify-sinks.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function agentWith(opts: Partial<AgentOptions> & { source: ScriptedSource }): Promise<RunningAgent> {
  const agent = await startAgent({ listen: { host: '127.0.0.1', port: 0 }, ...opts });
  cleanups.push(() => agent.close());
  return agent;
}

function viewer(target: string, opts: RemoteSourceOptions = {}): RemoteSource {
  const v = new RemoteSource(target, { backoff: { initialMs: 100, maxMs: 400 }, ...opts });
  cleanups.push(() => v.close());
  return v;
}

async function pushAll(source: ScriptedSource, agent: RunningAgent, from: number, to: number): Promise<void> {
  const before = agent.stats().historySamples;
  for (let i = from; i <= to; i++) source.push(sampleAt(i));
  await waitFor('the agent to take the samples', () => agent.stats().historySamples >= Math.min(before + to - from + 1, 3600));
}

describe('backfill', () => {
  it('gives a new viewer everything the agent holds first, then live samples, in order', async () => {
    const source = new ScriptedSource();
    const agent = await agentWith({ source });
    await pushAll(source, agent, 0, 3599);
    const v = viewer(`127.0.0.1:${agent.address.port}`);
    const got = collect(v);
    await v.ready();
    expect(v.state).toBe('live');
    expect(v.kind).toBe('remote');
    expect(v.label).toBe(`127.0.0.1:${agent.address.port}`);
    expect(v.agent?.history.count).toBe(3600);
    await waitFor('the backfill', () => got.length >= 3600, 30_000);
    source.push(sampleAt(3600));
    source.push(sampleAt(3601));
    await waitFor('live samples', () => got.length >= 3602);
    expect(times(got)).toEqual(range(0, 3601));
    expect(got[0]?.processes.length).toBe(4);
  });

  it('gives only what the ring still holds when it has wrapped', async () => {
    const source = new ScriptedSource();
    const agent = await agentWith({ source, historyCapacity: 30 });
    for (let i = 0; i < 50; i++) source.push(sampleAt(i));
    await waitFor('the agent to take the samples', () => agent.stats().historySamples === 30 && agent.stats().intervalMs > 0);
    await new Promise((r) => setTimeout(r, 50));
    const v = viewer(`127.0.0.1:${agent.address.port}`);
    const got = collect(v);
    await waitFor('the backfill', () => got.length >= 30);
    expect(times(got)).toEqual(range(20, 49));
  });
});

describe('resume', () => {
  it('after the connection is cut: no gap and no duplicates', async () => {
    const source = new ScriptedSource();
    const agent = await agentWith({ source });
    const proxy = await TcpProxy.start(agent.address.port);
    cleanups.push(() => proxy.close());
    const v = viewer(`127.0.0.1:${proxy.port}`);
    const states: LinkState[] = [];
    v.onState((s) => states.push(s));
    const got = collect(v);
    await v.ready();
    await pushAll(source, agent, 0, 9);
    await waitFor('the first samples', () => got.length === 10);

    proxy.down = true;
    proxy.cut();
    await waitFor('the agent to see the viewer go', () => agent.viewers() === 0);
    await pushAll(source, agent, 10, 19);
    await waitFor('a failed reconnect', () => v.state === 'reconnecting' && v.lastError !== undefined && states.length >= 1);
    proxy.down = false;
    await waitFor('the viewer to come back', () => v.state === 'live');
    await pushAll(source, agent, 20, 29);
    await waitFor('all samples', () => got.length >= 30);
    expect(times(got)).toEqual(range(0, 29));
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('live');
  });

  it('after an agent restart: what the new agent holds, no duplicates, and a clear message meanwhile', async () => {
    const source = new ScriptedSource();
    const history = new WireHistory(100);
    const first = await startAgent({ source, history, listen: { host: '127.0.0.1', port: 0 } });
    const port = first.address.port;
    const v = viewer(`127.0.0.1:${port}`, { backoff: { initialMs: 200, maxMs: 400 } });
    const errors: (string | undefined)[] = [];
    v.onState((_s, e) => errors.push(e));
    const got = collect(v);
    await v.ready();
    await pushAll(source, first, 0, 9);
    await waitFor('the first samples', () => got.length === 10);

    await first.close();
    await waitFor('the viewer to notice', () => v.state === 'reconnecting');
    expect(errors).toContain(`lost connection to 127.0.0.1:${port}: the agent stopped`);
    await waitFor('a refused reconnect', () => v.lastError === `cannot reach 127.0.0.1:${port}: connection refused (is tmon agent running there?)`);

    // What the restarted agent holds before the viewer is back: e.g. loaded from its store.
    for (let i = 10; i < 15; i++) history.push(toWireSample(sampleAt(i)));
    const second = await agentWith({ source, history, listen: { host: '127.0.0.1', port } });
    await waitFor('the viewer to come back', () => v.state === 'live');
    await pushAll(source, second, 15, 19);
    await waitFor('all samples', () => got.length >= 20);
    expect(times(got)).toEqual(range(0, 19));
    expect(v.lastError).toBeUndefined();
  });
});

describe('requests', () => {
  it('fetches a time range on demand and asks for faster sampling', async () => {
    const source = new ScriptedSource(1000);
    const agent = await agentWith({ source });
    await pushAll(source, agent, 0, 99);
    const v = viewer(`127.0.0.1:${agent.address.port}`);
    await v.ready();
    const slice = await v.requestHistory(T0 + 10_000, T0 + 19_500);
    expect(times(slice)).toEqual(range(10, 19));
    expect(await v.requestHistory(T0 - 10_000, T0 - 1)).toEqual([]);
    const many = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((k) => v.requestHistory(T0 + k * 1000, T0 + k * 1000)));
    expect(many.map((r) => times(r))).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((k) => range(k, k)));

    v.setIntervalMs(250);
    await waitFor('the agent to speed up', () => source.intervalMs === 250 && v.intervalMs === 250);
    await v.close();
    await waitFor('the agent to return to its rate', () => source.intervalMs === 1000);
    expect(await rejection(v.requestHistory(0, 1))).toBeInstanceOf(UserError);
  });

  it('asks for stored spikes and samples; each reply reaches its own request, however many are queued', async () => {
    const store = tempDir();
    cleanups.push(() => store.cleanup());
    await writeStore(store.dir);
    const source = new ScriptedSource();
    const agent = await agentWith({ source, archive: storeArchive(store.dir) });
    const v = viewer(`127.0.0.1:${agent.address.port}`);
    await v.ready();
    expect(v.archive).toMatchObject({ oldest: storedTime(0, 0), spikes: 3 });
    const [spikes, day0, day1, day2, none] = await Promise.all([
      v.requestSpikes(0, Number.MAX_SAFE_INTEGER),
      ...[0, 1, 2].map((day) => v.requestHistory(storedSpikeTime(day), storedSpikeTime(day) + 1000, { archive: true })),
      v.requestSpikes(0, 1),
    ]);
    expect(spikes?.spikes).toHaveLength(3);
    expect([day0, day1, day2].map((r) => times(r as Sample[]))).toEqual([0, 1, 2].map((day) => [storedSpikeTime(day), storedSpikeTime(day) + 1000]));
    expect(none).toMatchObject({ spikes: [], archive: { spikes: 3 } });
    await v.close();
    expect(await rejection(v.requestSpikes(0, 1))).toBeInstanceOf(UserError);
  });
});

describe('failures the person sees', () => {
  it('a refused port', async () => {
    const port = await freePort();
    const v = viewer(`127.0.0.1:${port}`);
    const err = await rejection(v.ready());
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(`cannot reach 127.0.0.1:${port}: connection refused (is tmon agent running there?)`);
    expect(v.state).toBe('unreachable');
  });

  it('a wrong or missing token, and the right one', async () => {
    const source = new ScriptedSource();
    const agent = await agentWith({ source, token: 'correct-horse-battery' });
    const target = `127.0.0.1:${agent.address.port}`;
    for (const token of ['correct-horse-batterx', 'short', undefined]) {
      const v = viewer(target, token === undefined ? {} : { token });
      const err = await rejection(v.ready());
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toBe(`authentication failed for ${target} (check --token)`);
      expect(v.state).toBe('auth-failed');
    }
    const ok = viewer(target, { token: 'correct-horse-battery' });
    await ok.ready();
    expect(ok.state).toBe('live');
  });

  it('an agent speaking another protocol version', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    wss.on('connection', (ws) => ws.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION + 1, agentVersion: '9.9.9', future: true })));
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const port = (wss.address() as net.AddressInfo).port;
    const v = viewer(`127.0.0.1:${port}`);
    const err = await rejection(v.ready());
    expect(err.message).toBe(
      `127.0.0.1:${port} runs tmon 9.9.9 speaking protocol ${PROTOCOL_VERSION + 1}; ` +
        `this tmon ${tmonVersion()} speaks protocol ${PROTOCOL_VERSION}: install the same tmon version on both ends`,
    );
    expect(v.state).toBe('version-mismatch');
  });

  it('a port that accepts but never answers', async () => {
    // Reads the upgrade request and never answers.
    const server = net.createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as net.AddressInfo).port;
    const v = viewer(`127.0.0.1:${port}`, { connectTimeoutMs: 300 });
    expect((await rejection(v.ready())).message).toBe(
      `cannot reach 127.0.0.1:${port}: no answer in time (check the address, the port and any firewall)`,
    );
  });

  it('an agent that goes silent after hello is dropped by the heartbeat watchdog', async () => {
    // A host that froze answers no ping either.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    const hello = {
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: tmonVersion(),
      host: null,
      intervalMs: 1000,
      baseIntervalMs: 1000,
      limits: { minIntervalMs: 200, maxIntervalMs: 1000, maxPayloadBytes: 65536, historySamples: 10, maxMessagesPerSec: 20, heartbeatMs: 200 },
      history: { count: 0, oldest: null, newest: null },
    };
    let connections = 0;
    // Sends hello, then nothing: no samples, no pings, like a host that froze.
    wss.on('connection', (ws) => {
      connections++;
      ws.send(JSON.stringify(hello));
    });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const v = viewer(`127.0.0.1:${(wss.address() as net.AddressInfo).port}`);
    await v.ready();
    await waitFor('the watchdog to give up on the link', () => v.lastError?.endsWith('nothing heard for 0.2 s') === true);
    await waitFor('a reconnect', () => connections >= 2);
  });

  it('a link that dies without a FIN (kill -9 behind a firewall) shows within one heartbeat, then reconnects', async () => {
    const source = new ScriptedSource();
    const heartbeatMs = 1500;
    const agent = await agentWith({ source, heartbeatMs });
    const proxy = await TcpProxy.start(agent.address.port);
    cleanups.push(() => proxy.close());
    const v = viewer(`127.0.0.1:${proxy.port}`);
    const got = collect(v);
    await v.ready();
    await pushAll(source, agent, 0, 4);
    await waitFor('the samples', () => got.length === 5);
    proxy.freeze();
    const frozenAt = Date.now();
    await waitFor('the link to show down', () => v.state !== 'live', 10_000);
    expect(Date.now() - frozenAt).toBeLessThan(heartbeatMs);
    expect(v.lastError).toMatch(/^lost connection to 127\.0\.0\.1:\d+: nothing heard for 1\.0 s$/);
    await waitFor('the link back', () => v.state === 'live', 10_000);
    await pushAll(source, agent, 5, 6);
    await waitFor('samples again', () => got.length === 7);
  });

  it('an agent whose replies never end is dropped, not kept: a catch-up held open, a requested history beyond the bound', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    const hello = {
      type: 'hello', protocolVersion: PROTOCOL_VERSION, agentVersion: tmonVersion(), host: null, intervalMs: 1000, baseIntervalMs: 1000,
      limits: { minIntervalMs: 200, maxIntervalMs: 1000, maxPayloadBytes: 65536, historySamples: 10, maxMessagesPerSec: 20, heartbeatMs: 15000 },
      history: { count: 0, oldest: null, newest: null },
    };
    let connections = 0;
    wss.on('connection', (ws) => {
      const first = ++connections === 1;
      let requests = 0;
      ws.send(JSON.stringify(hello));
      ws.on('message', (data: Buffer) => {
        const req = JSON.parse(data.toString()) as { type: string; id: number };
        if (req.type !== 'history-request') return;
        const chunk = (from: number, done: boolean): string =>
          JSON.stringify({ type: 'history', id: req.id, done, samples: Array.from({ length: 100 }, (_, k) => toWireSample(sampleAt(from + k, { processes: 1 }))) });
        const catchUp = ++requests === 1;
        if (catchUp && first) {
          // The catch-up never says done; live samples keep coming.
          for (let i = 0; i < 3700; i++) ws.send(JSON.stringify({ type: 'sample', sample: toWireSample(sampleAt(10_000 + i, { processes: 1 })) }));
        } else if (catchUp) {
          ws.send(JSON.stringify({ type: 'history', id: req.id, samples: [], done: true }));
        } else {
          for (let c = 0; c < 20; c++) ws.send(chunk(c * 100, false));
        }
      });
    });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const v = viewer(`127.0.0.1:${(wss.address() as net.AddressInfo).port}`, { maxReplySamples: 1000 });
    collect(v);
    await v.ready();
    await waitFor('the endless catch-up to be dropped', () => v.lastError?.includes('the catch-up never ended') === true);
    await waitFor('the link back', () => v.state === 'live' && connections === 2);
    const err = await rejection(v.requestHistory(0, 1e15));
    expect(err.message).toMatch(/lost the connection to .* while fetching history/);
    expect(v.lastError).toMatch(/a history reply of more than 1000 samples/);
  });

  it('an agent that sends garbage is dropped and retried, never crashing the viewer', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    let connections = 0;
    wss.on('connection', (ws) => {
      connections++;
      ws.send('{"type":"sample","sample":{"version":1,"time":"soon"}}');
    });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const v = viewer(`127.0.0.1:${(wss.address() as net.AddressInfo).port}`);
    const err = await rejection(v.ready());
    expect(err.message).toMatch(/^127\.0\.0\.1:\d+ sent an invalid message \(message\.sample\.time must be a finite number\)$/);
    await waitFor('a retry', () => connections >= 2);
    expect(v.state).toBe('unreachable');
  });
});

describe('TLS', () => {
  let cert: ReturnType<typeof makeCertificate>;
  beforeAll(() => {
    cert = makeCertificate();
  });
  afterAll(() => cert.remove());

  it('streams over wss:// when the viewer trusts the certificate (--ca)', async () => {
    const source = new ScriptedSource();
    const agent = await agentWith({ source, tls: { cert: cert.cert, key: cert.key }, token: 'tls-token' });
    await pushAll(source, agent, 0, 4);
    const v = viewer(`wss://127.0.0.1:${agent.address.port}`, { ca: cert.cert, token: 'tls-token' });
    const got = collect(v);
    await v.ready();
    await waitFor('the backfill', () => got.length === 5);
    expect(times(got)).toEqual(range(0, 4));
    const byName = viewer(`localhost:${agent.address.port}`, { tls: true, ca: cert.cert, token: 'tls-token' });
    await byName.ready();
  });

  it('says to use --ca for an untrusted certificate, and what is wrong when TLS is on one side only', async () => {
    const source = new ScriptedSource();
    const tlsAgent = await agentWith({ source, tls: { cert: cert.cert, key: cert.key } });
    const plainAgent = await agentWith({ source });
    const untrusted = viewer(`wss://127.0.0.1:${tlsAgent.address.port}`);
    expect((await rejection(untrusted.ready())).message).toBe(
      `cannot verify the TLS certificate of 127.0.0.1:${tlsAgent.address.port} (DEPTH_ZERO_SELF_SIGNED_CERT): if it is self-signed, use --ca FILE with the agent's certificate`,
    );
    const plainToTls = viewer(`127.0.0.1:${tlsAgent.address.port}`);
    expect((await rejection(plainToTls.ready())).message).toMatch(/connect with wss:\/\/127\.0\.0\.1:\d+ or --tls$/);
    const tlsToPlain = viewer(`wss://127.0.0.1:${plainAgent.address.port}`, { ca: cert.cert });
    expect((await rejection(tlsToPlain.ready())).message).toBe(
      `TLS handshake with 127.0.0.1:${plainAgent.address.port} failed: the agent is not using TLS (connect with ws:// and without --tls)`,
    );
  });
});

describe('alerts', () => {
  /** An agent's alert rules as its alerting would give them: the test changes the firing set. */
  function alertFeed(rules: string[]): { feed: NonNullable<AgentOptions['alertFeed']>; fire(rule: string | null, at: number): void } {
    let message: AlertsMessage = { type: 'alert', at: null, alerts: { version: 1, host: 'h', rules, firing: [] } };
    const listeners = new Set<() => void>();
    return {
      feed: {
        message: () => message,
        onChange: (l) => {
          listeners.add(l);
          return () => listeners.delete(l);
        },
      },
      fire: (rule, at) => {
        message = { type: 'alert', at, alerts: { ...message.alerts, firing: rule === null ? [] : [{ rule, since: at - 1000, value: 'v' }] } };
        for (const l of listeners) l();
      },
    };
  }

  it('hands on the agent’s alerts after hello and at each change; an agent restarted without rules has none', async () => {
    const port = await freePort();
    const source = new ScriptedSource();
    const rules = alertFeed(['cpu > 1%', 'memory > 1%']);
    const first = await startAgent({ source, listen: { host: '127.0.0.1', port }, alertFeed: rules.feed });
    await pushAll(source, first, 0, 2);
    const v = viewer(`127.0.0.1:${port}`);
    const heard: AlertsMessage[] = [];
    v.onAlerts((m) => heard.push(m));
    await v.ready();
    await waitFor('the first alert message', () => heard.length === 1);
    expect(v.alerts?.alerts.rules).toEqual(['cpu > 1%', 'memory > 1%']);
    rules.fire('memory > 1%', T0 + 5000);
    await waitFor('the change', () => heard.length === 2);
    expect(v.alerts).toEqual({ type: 'alert', at: T0 + 5000, alerts: { version: 1, host: 'h', rules: ['cpu > 1%', 'memory > 1%'], firing: [{ rule: 'memory > 1%', since: T0 + 4000, value: 'v' }] } });

    await first.close();
    const again = new ScriptedSource();
    const second = await startAgent({ source: again, listen: { host: '127.0.0.1', port } });
    cleanups.push(() => second.close());
    await pushAll(again, second, 3, 4);
    await waitFor('the viewer to see the rules gone', () => v.alerts?.alerts.rules.length === 0);
    expect(v.alerts?.alerts.firing).toEqual([]);
  });
});
