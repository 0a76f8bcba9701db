import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { MAX_CMD_CHARS, MAX_WIRE_PROCESSES } from '../src/protocol/wire-decode.js';
import { PROTOCOL_VERSION } from '../src/protocol/wire-messages.js';
import { tmonVersion } from '../src/version.js';
import type { Sample } from '../src/core/sample.js';
import { HostFeed } from '../src/commands/host-feed.js';
import { startAgent, type AgentOptions, type RunningAgent } from '../src/transport/agent-server.js';
import { RemoteSource } from '../src/transport/remote-source.js';
import { ScriptedSource, drain, times, waitFor } from './fixtures/transport/harness.js';
import { CPU_SPIKE_AT, SPIKE_AT, T0, scenario } from './fixtures/ui/scenario.js';

/**
 * HostFeed over a real RemoteSource connected to a real agent on 127.0.0.1:
 * what the overview's box reads, and what a host's dashboard is lent.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SAMPLES = scenario(130);

/** An agent holding the scenario's first `held` samples. */
async function agentHolding(held: number, opts: Partial<AgentOptions> = {}): Promise<{ agent: RunningAgent; source: ScriptedSource }> {
  const source = new ScriptedSource();
  const agent = await startAgent({ source, listen: { host: '127.0.0.1', port: 0 }, ...opts });
  cleanups.push(() => agent.close());
  await push(agent, source, 0, held);
  return { agent, source };
}

/** Samples [from, to) of the scenario into the agent, waiting until it holds them. */
async function push(agent: RunningAgent, source: ScriptedSource, from: number, to: number): Promise<void> {
  const before = agent.stats().historySamples;
  for (let i = from; i < to; i++) source.push(SAMPLES[i] as Sample);
  await waitFor('the agent to take the samples', () => agent.stats().historySamples >= before + (to - from));
}

function feedOf(agent: RunningAgent, opts: { token?: string; historyCapacity?: number } = {}): HostFeed<RemoteSource> {
  const remote = new RemoteSource(`127.0.0.1:${agent.address.port}`, { backoff: { initialMs: 100, maxMs: 400 }, ...(opts.token ? { token: opts.token } : {}) });
  const feed = new HostFeed(remote, opts.historyCapacity ? { historyCapacity: opts.historyCapacity } : {});
  cleanups.push(() => feed.close());
  return feed;
}

const time = (i: number): number => T0 + i * 1000;
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => time(from + k));

describe('HostFeed', () => {
  it('keeps what the agent held and what comes live: the history, the box samples and the spikes', async () => {
    const { agent, source } = await agentHolding(100);
    const feed = feedOf(agent);
    let changes = 0;
    feed.onChange(() => changes++);
    await waitFor('the backfill', () => feed.history.length === 100);
    expect(feed.state).toBe('live');
    expect(feed.lastError).toBeUndefined();
    expect(changes).toBeGreaterThan(0);
    const spikes = feed.spikes();
    expect(spikes.map((s) => s.metric).sort()).toEqual(['cpu', 'memory']);
    expect(spikes.find((s) => s.metric === 'memory')?.culprits[0]).toMatchObject({ pid: 4242, name: 'alloc' });
    expect(spikes.find((s) => s.metric === 'cpu')?.start).toBe(time(CPU_SPIKE_AT));
    // The deflated history gives the whole samples back; the box's copies leave the processes out.
    expect(feed.history.at(SPIKE_AT)?.processes.map((p) => p.name)).toContain('alloc');
    expect(feed.recent.length).toBe(100);
    expect(feed.recent.last()?.processes).toEqual([]);
    expect(feed.recent.last()?.cpu.total.busy).toBe(SAMPLES[99]?.cpu.total.busy);

    await push(agent, source, 100, 103);
    await waitFor('the live samples', () => feed.history.length === 103);
    expect(feed.recent.last()?.time).toBe(time(102));
  });

  it('is followed with everything held, then each live sample, in order; closing a follower stops only it', async () => {
    const { agent, source } = await agentHolding(100);
    const feed = feedOf(agent);
    await waitFor('the backfill', () => feed.history.length === 100);

    const lent = feed.hub.follow();
    const first = drain(lent);
    await waitFor('the held samples', () => first.got.length === 100);
    await push(agent, source, 100, 103);
    await waitFor('the live samples', () => first.got.length === 103);
    expect(times(first.got)).toEqual(range(0, 103));
    expect(first.got[SPIKE_AT]?.processes.map((p) => p.pid)).toContain(4242);

    await lent.close();
    await first.ended;
    await push(agent, source, 103, 104);
    await waitFor('the feed to go on', () => feed.history.length === 104);
    expect(first.got.length).toBe(103);

    // Lent again (back to the overview and Enter once more): nothing lost meanwhile.
    const again = drain(feed.hub.follow());
    await waitFor('the second lending', () => again.got.length === 104);
    expect(times(again.got)).toEqual(range(0, 104));
  });

  it('reads by time: a lent source far behind a wrapping history skips what was dropped, never repeats', async () => {
    const { agent, source } = await agentHolding(100);
    const feed = feedOf(agent, { historyCapacity: 20 });
    await waitFor('the backfill', () => feed.recent.last()?.time === time(99));
    expect(times(feed.history.slice(0, feed.history.length))).toEqual(range(80, 100));

    const it = feed.hub.follow().samples()[Symbol.asyncIterator]();
    const read: Sample[] = [];
    for (let k = 0; k < 5; k++) read.push((await it.next()).value as Sample);
    expect(times(read)).toEqual(range(80, 85));
    // Thirty more arrive while the reader waits: the history now holds 110–129 only.
    await push(agent, source, 100, 130);
    await waitFor('the feed to take them', () => feed.recent.last()?.time === time(129));
    for (let k = 0; k < 20; k++) read.push((await it.next()).value as Sample);
    expect(times(read)).toEqual([...range(80, 85), ...range(110, 130)]);
    await it.return?.();
  });

  it('reports a wrong token as auth failed with the one-line reason', async () => {
    const { agent } = await agentHolding(5, { token: 'right-token' });
    const feed = feedOf(agent, { token: 'wrong-token' });
    const states: string[] = [];
    feed.onChange(() => states.push(feed.state));
    await waitFor('the refusal', () => feed.state === 'auth-failed');
    expect(feed.lastError).toBe(`authentication failed for 127.0.0.1:${agent.address.port} (check --token)`);
    expect(states).toContain('auth-failed');
    expect(feed.history.length).toBe(0);
  });

  it('close() ends a lent source that is waiting for samples, and closes the remote link', async () => {
    const { agent } = await agentHolding(10);
    const feed = feedOf(agent);
    const lent = drain(feed.hub.follow());
    await waitFor('the held samples', () => lent.got.length === 10);
    await feed.close();
    await lent.ended;
    expect(feed.state).toBe('closed');
    await waitFor('the agent to see the viewer leave', () => agent.viewers() === 0);
  });
});

describe('a hostile agent', () => {
  it('sending 4000-process samples with 2 KB commands: the viewer keeps them cut, and its history within its byte bound', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const base = SAMPLES[0] as Sample;
    const processes = Array.from({ length: 4000 }, (_, k) => ({ ...base.processes[0], pid: k + 1, cmd: `${k} ${randomBytes(1024).toString('hex')}` }));
    const SENT = 12;
    wss.on('connection', (ws) => {
      ws.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, agentVersion: tmonVersion(), host: base.host, intervalMs: 200, baseIntervalMs: 200,
        limits: { minIntervalMs: 200, maxIntervalMs: 200, maxPayloadBytes: 65536, historySamples: 10, maxMessagesPerSec: 20, heartbeatMs: 15000 },
        history: { count: 0, oldest: null, newest: null }, archive: null }));
      ws.on('message', (data: Buffer) => {
        const req = JSON.parse(data.toString()) as { type: string; id: number };
        if (req.type !== 'history-request') return;
        ws.send(JSON.stringify({ type: 'history', id: req.id, samples: [], done: true }));
        for (let i = 0; i < SENT; i++) ws.send(JSON.stringify({ type: 'sample', sample: { ...base, time: T0 + i * 200, processes } }));
      });
    });
    const remote = new RemoteSource(`127.0.0.1:${(wss.address() as { port: number }).port}`);
    const MAX_BYTES = 2 * 1024 * 1024;
    const feed = new HostFeed(remote, { maxHistoryBytes: MAX_BYTES });
    cleanups.push(() => feed.close());
    await waitFor('the samples', () => feed.history.timeAt(feed.history.length - 1) === T0 + (SENT - 1) * 200, 60_000);
    const newest = feed.history.last() as Sample;
    expect(newest.processes.length).toBeLessThanOrEqual(MAX_WIRE_PROCESSES);
    expect(Math.max(...newest.processes.map((p) => p.cmd.length))).toBeLessThanOrEqual(MAX_CMD_CHARS);
    // Random commands do not deflate: ~1.2 MB a sample, so the bound keeps only the newest few.
    expect(feed.history.storedBytes).toBeLessThanOrEqual(MAX_BYTES);
    expect(feed.history.length).toBeLessThan(SENT);
  }, 90_000);
});

