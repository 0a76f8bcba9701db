import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { RemoteSource } from '../src/transport/remote-source.js';
import { startAgentProcess } from './helpers/agent-process.js';
import { runCli } from './helpers/run-cli.js';

/**
 * A real `tmon agent` probing real servers on 127.0.0.1 and the loopback by
 * ping: the answers reach /metrics and a viewer over the real WebSocket, and a
 * target that goes away is down by the next probe, and its alert rule fires.
 */
const dir = mkdtempSync(join(tmpdir(), 'tmon-probes-'));
const told = join(dir, 'told.env');
let agent: Awaited<ReturnType<typeof startAgentProcess>>;
let tcp: net.Server;
let web: http.Server;
let webStatus = 200;
let tcpTarget = '';
let webTarget = '';

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  tcp = net.createServer((c) => c.destroy());
  web = http.createServer((_req, res) => res.writeHead(webStatus).end());
  tcpTarget = `tcp://127.0.0.1:${await listen(tcp)}`;
  webTarget = `http://127.0.0.1:${await listen(web)}/health`;
  const script = join(dir, 'notify.sh');
  writeFileSync(script, `#!/bin/sh\nenv | grep '^TMON_ALERT_' >> '${told}'\necho --- >> '${told}'\n`);
  chmodSync(script, 0o755);
  agent = await startAgentProcess([
    '--interval', '500ms',
    '--probe', `${tcpTarget} interval=1s`,
    '--probe', `${webTarget} interval=1s`,
    '--probe', 'ping://127.0.0.1 interval=1s',
    '--alert', `probe(${tcpTarget}) down`,
    '--notify', `exec:${script}`,
    '--alert-state', join(dir, 'alert-state.json'),
  ]);
});
afterAll(async () => {
  await agent.stop();
  tcp.close();
  web.close();
  web.closeAllConnections();
  rmSync(dir, { recursive: true, force: true });
});

async function metrics(): Promise<string> {
  return (await fetch(`http://127.0.0.1:${agent.port}/metrics`)).text();
}

/** The value of a series of `name` with this target, once it reads `want` (polled: probes run each second). */
async function series(name: string, target: string, want: (v: number) => boolean): Promise<number> {
  const pattern = new RegExp(`^${name}\\{target="${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"\\} (\\S+)$`, 'm');
  let last = NaN;
  for (let i = 0; i < 60; i++) {
    last = Number(pattern.exec(await metrics())?.[1] ?? NaN);
    if (want(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

describe('probes on a real agent', () => {
  it('reports each target up with its round trip on /metrics, then down once it goes away', { timeout: 60_000 }, async () => {
    expect(await series('tmon_probe_success', tcpTarget, (v) => v === 1)).toBe(1);
    expect(await series('tmon_probe_success', webTarget, (v) => v === 1)).toBe(1);
    expect(await series('tmon_probe_http_status_code', webTarget, (v) => v === 200)).toBe(200);
    expect(await series('tmon_probe_success', 'ping://127.0.0.1', (v) => v === 1)).toBe(1);
    expect(await series('tmon_probe_duration_seconds', 'ping://127.0.0.1', (v) => v > 0)).toBeGreaterThan(0);
    webStatus = 503;
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    expect(await series('tmon_probe_success', tcpTarget, (v) => v === 0)).toBe(0);
    expect(await series('tmon_probe_http_status_code', webTarget, (v) => v === 503)).toBe(503);
    expect(await series('tmon_probe_success', webTarget, (v) => v === 0)).toBe(0);
    // The rule on the target that went away fired, and said why.
    for (let i = 0; i < 40 && !(existsSync(told) && readFileSync(told, 'utf8').includes('---')); i++) await new Promise((r) => setTimeout(r, 250));
    const env = existsSync(told) ? readFileSync(told, 'utf8') : '';
    expect(env).toContain('TMON_ALERT_KIND=firing');
    expect(env).toContain(`TMON_ALERT_RULE=probe(${tcpTarget}) down`);
    expect(env).toContain(`TMON_ALERT_VALUE=${tcpTarget} down (ECONNREFUSED)`);
    // And on /metrics, for Prometheus to route.
    expect(await metrics()).toContain(`tmon_alert_firing{rule="probe(${tcpTarget}) down"} 1`);
  });

  it('sends the answers to a viewer with each sample', { timeout: 30_000 }, async () => {
    const viewer = new RemoteSource(`127.0.0.1:${agent.port}`);
    try {
      let seen: Sample | undefined;
      for await (const s of viewer.samples()) {
        if ((s.probes?.length ?? 0) === 3) {
          seen = s;
          break;
        }
      }
      expect(seen?.probes?.map((p) => p.target)).toEqual([tcpTarget, webTarget, 'ping://127.0.0.1']);
    } finally {
      await viewer.close();
    }
  });

  it('refuses an alert on a target no --probe names, with one line and exit 2', async () => {
    const r = await runCli(['agent', '--alert', 'probe(tcp://127.0.0.1:9) down']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("tmon: alert 'probe(tcp://127.0.0.1:9) down' watches tcp://127.0.0.1:9, which no --probe names: add --probe tcp://127.0.0.1:9\n");
    const spike = await runCli(['agent', '--probe', 'tcp://127.0.0.1:8', '--alert', 'spike(latency, tcp://127.0.0.1:9) >= notice']);
    expect(spike.code).toBe(2);
    expect(spike.stderr).toBe("tmon: alert 'spike(latency, tcp://127.0.0.1:9) >= notice' watches tcp://127.0.0.1:9, which no --probe names: add --probe tcp://127.0.0.1:9\n");
  });

  it('refuses a probe it cannot run with one line and exit 2', async () => {
    const r = await runCli(['agent', '--probe', 'ftp://example.com']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--probe ftp:\/\/example\.com: 'ftp:\/\/example\.com' needs one of tcp:\/\/, http:\/\/, https:\/\/, ping:\/\//);
    const twice = await runCli(['agent', '--probe', 'tcp://127.0.0.1:9', '--probe', 'tcp://127.0.0.1:9 interval=2s']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe('tmon: --probe tcp://127.0.0.1:9 is given twice: once per target\n');
  });
});
