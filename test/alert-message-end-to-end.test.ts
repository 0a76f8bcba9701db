import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeAgentMessage } from '../src/protocol/wire-decode.js';
import type { AgentMessage, AlertsMessage } from '../src/protocol/wire-messages.js';
import { frameText } from '../src/transport/frame-text.js';
import { RemoteSource } from '../src/transport/remote-source.js';
import { startAgentProcess } from './helpers/agent-process.js';
import { waitFor } from './helpers/notify-sinks.js';

/**
 * The `alert` message from a real `tmon agent` with a rule that fires at its
 * first sample (a process that does not exist), read by real WebSocket viewers:
 * one that asks for it, one that does not (a viewer from before the message).
 */
const dir = mkdtempSync(path.join(tmpdir(), 'tmon-alert-wire-'));
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A viewer on `path`, every message decoded as `tmon connect` decodes them. */
function viewer(port: number, urlPath: string): { messages: AgentMessage[]; closed: () => number | undefined } {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${urlPath}`);
  const messages: AgentMessage[] = [];
  let code: number | undefined;
  ws.on('message', (data) => messages.push(decodeAgentMessage(frameText(data))));
  ws.on('close', (c) => (code = c));
  cleanups.push(() => ws.close());
  return { messages, closed: () => code };
}

describe('the alert message from a real agent', () => {
  it('goes to a viewer that asks, right after hello and when the rule fires; a viewer that does not ask gets none and stays', async () => {
    const rule = `process(tmw${process.pid % 100000}-none) absent`;
    const agent = await startAgentProcess(['--alert', rule, '--interval', '500ms', '--alert-state', path.join(dir, 'state.json')]);
    cleanups.push(() => agent.stop());

    const asking = viewer(agent.port, '/?alerts=1');
    const older = viewer(agent.port, '/');
    const fired = await waitFor(
      () => asking.messages.find((m): m is AlertsMessage => m.type === 'alert' && m.alerts.firing.length > 0),
      20_000,
      'the firing alert',
    );
    expect(asking.messages[0]?.type).toBe('hello');
    // Right after hello, before any sample: the rules the viewer will see fire.
    expect(asking.messages[1]).toMatchObject({ type: 'alert', alerts: { version: 1, rules: [rule] } });
    expect(fired.alerts.firing).toEqual([{ rule, since: expect.any(Number) as number, value: expect.stringContaining('0 processes matching') as string }]);
    // The sample that made it fire: `at` is its time.
    expect(fired.at).toBeGreaterThanOrEqual(fired.alerts.firing[0]?.since ?? Infinity);

    // The viewer that did not ask keeps its link and its samples, and never sees the type it does not know.
    const seen = older.messages.filter((m) => m.type === 'sample').length;
    await waitFor(() => (older.messages.filter((m) => m.type === 'sample').length >= seen + 2 ? true : undefined), 10_000, 'more samples');
    expect(older.messages.map((m) => m.type)).not.toContain('alert');
    expect(older.closed()).toBeUndefined();

    // tmon connect's source asks, and hands the message on.
    const source = new RemoteSource(`127.0.0.1:${agent.port}`);
    cleanups.push(() => source.close());
    const heard: AlertsMessage[] = [];
    source.onAlerts((m) => heard.push(m));
    await source.ready();
    await waitFor(() => (source.alerts?.alerts.firing.length === 1 ? true : undefined), 10_000, 'the source to hold the alert');
    expect(heard[0]?.alerts.firing[0]?.rule).toBe(rule);
  }, 60_000);
});
