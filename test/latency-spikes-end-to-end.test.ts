import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_END } from '../src/protocol/wire-messages.js';
import { RemoteSource } from '../src/transport/remote-source.js';
import { startAgentProcess } from './helpers/agent-process.js';
import { runCli } from './helpers/run-cli.js';

/**
 * A real `tmon agent` probing a real HTTP server on 127.0.0.1 that the test makes
 * slow for three answers: the latency spike is in the spike log with its target and
 * no process, on /metrics, fires a `spike(latency)` rule, is found by a viewer, and is
 * in the recording `tmon spikes` reads after the agent stopped, which an agent on that
 * store then sends to a viewer.
 */
const dir = mkdtempSync(join(tmpdir(), 'tmon-latency-'));
const store = join(dir, 'store');
const told = join(dir, 'told.env');
/** Well inside the probe's 1 s timeout even on a busy machine; of the three slow answers one answering in time is enough. */
const SLOW_MS = 400;
let agent: Awaited<ReturnType<typeof startAgentProcess>>;
let web: http.Server;
let target = '';
let answered = 0;
/** Answers still to be slowed down. */
let slow = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${agent.log()}`);
    await sleep(200);
  }
}

/**
 * At least one latency spike (the slow answers), and every one names the target and no process. A busy
 * machine may slow another answer on its own: that is a spike too, and it must read the same.
 */
function expectLatency(spikes: readonly { metric: string }[], more: Record<string, unknown> = {}): void {
  const latency = spikes.filter((s) => s.metric === 'latency');
  expect(latency.length).toBeGreaterThan(0);
  for (const s of latency) expect(s).toMatchObject({ target, culprits: [], ...more });
}

const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${agent.port}/metrics`)).text();

beforeAll(async () => {
  web = http.createServer((_req, res) => {
    const reply = (): void => {
      answered++;
      res.writeHead(200).end();
    };
    if (slow > 0) {
      slow--;
      setTimeout(reply, SLOW_MS);
    } else reply();
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;
  const script = join(dir, 'notify.sh');
  writeFileSync(script, `#!/bin/sh\nenv | grep '^TMON_ALERT_' >> '${told}'\necho --- >> '${told}'\n`);
  chmodSync(script, 0o755);
  agent = await startAgentProcess([
    '--interval', '500ms',
    '--probe', `${target} interval=1s timeout=1s`,
    '--store', store,
    '--alert', 'spike(latency) >= notice',
    '--alert', `spike(latency, ${target}) >= notice`,
    '--notify', `exec:${script}`,
    '--alert-state', join(dir, 'alert-state.json'),
  ]);
});

afterAll(async () => {
  await agent.stop();
  web.close();
  web.closeAllConnections();
  rmSync(dir, { recursive: true, force: true });
});

describe('a probe that answers slowly for a while', () => {
  it('makes a latency spike naming its target: on /metrics, in an alert, and found by a viewer', { timeout: 60_000 }, async () => {
    // Its usual round trip first: a few fast answers.
    await until('fast answers', () => answered >= 4);
    slow = 3;
    await until('the slow answers', () => slow === 0 && answered >= 7);
    // Closed once the merge gap passed after the fast answers came back.
    await until('the closed spike on /metrics', async () => /^tmon_spikes_total\{metric="latency",severity="\w+"\} [1-9]/m.test(await metrics()));

    // Both rules fire: the one on any target's latency spike and the one naming this target.
    await until('the alerts', () => existsSync(told) && readFileSync(told, 'utf8').split('---').length > 2);
    const env = readFileSync(told, 'utf8');
    expect(env).toContain('TMON_ALERT_RULE=spike(latency) >= notice');
    expect(env).toContain(`TMON_ALERT_RULE=spike(latency, ${target}) >= notice`);
    expect(env).toMatch(new RegExp(`TMON_ALERT_VALUE=latency spike of ${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, (notice|careful|warning)`));

    // `tmon spikes HOST:PORT`: the viewer's own detector over the agent's samples, and the store's.
    const live = await runCli(['spikes', `127.0.0.1:${agent.port}`, '--json']);
    expect(live.code).toBe(0);
    const found = live.stdout.trim().split('\n').map((l) => JSON.parse(l) as { metric: string; target?: string; unit: string; culprits: unknown[] });
    expectLatency(found, { unit: 'ms' });
  });

  it('is in the recording the agent leaves: tmon spikes DIR in text and JSON, and an agent on it sends it', { timeout: 30_000 }, async () => {
    expect(await agent.stop()).toBe(0);
    const text = await runCli(['spikes', store]);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n').filter((l) => /\blatency\b/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(new RegExp(`latency {2}peak \\d+ms \\(\\+\\d+ms\\) .* ${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(usual [\\d.]+ms\\)$`));
    const json = await runCli(['spikes', store, '--json']);
    const spikes = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { metric: string; target?: string; culprits: unknown[] });
    expectLatency(spikes);

    // tmon export --csv carries the probe's results: a column pair for the target, up and its round trip,
    // the slow answers among them.
    const csv = await runCli(['export', store, '--csv']);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trim().split('\r\n').map((l) => l.split(','));
    const header = rows[0] ?? [];
    const up = header.indexOf(`probe_up ${target}`);
    expect(up, header.join(',')).toBeGreaterThan(0);
    expect(header[up + 1]).toBe(`probe_ms ${target}`);
    const probed = rows.slice(1).filter((r) => r[up] === '1');
    expect(probed.length).toBeGreaterThan(3);
    expect(Math.max(...probed.map((r) => Number(r[up + 1])))).toBeGreaterThanOrEqual(SLOW_MS);

    // An agent started on that store sends it to a viewer from its spike index, over the real wire.
    const again = await startAgentProcess(['--interval', '500ms', '--store', store]);
    const viewer = new RemoteSource(`127.0.0.1:${again.port}`);
    try {
      await viewer.ready();
      const stored = (await viewer.requestSpikes(0, HISTORY_END)).spikes;
      expectLatency(stored);
      expect(stored.some((s) => s.metric === 'latency' && s.peak >= SLOW_MS)).toBe(true);
    } finally {
      await viewer.close();
      await again.stop();
    }
  });
});
