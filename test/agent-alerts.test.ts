import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsFamilies, type AlertsReport } from '../src/protocol/alerts-report.js';
import { decodeAlertsReport } from '../src/protocol/wire-decode.js';
import { fetchAgentAlerts } from '../src/transport/agent-alerts.js';
import { httpRequestHandler } from '../src/transport/http-requests.js';
import { parseTarget } from '../src/transport/remote-target.js';
import { tokenChecker } from '../src/transport/request-guard.js';
import { freePort } from './helpers/notify-sinks.js';

const REPORT: AlertsReport = { version: 1, host: 'db1', rules: ['cpu > 95% for 5m', 'process(apache2) absent'], firing: [{ rule: 'process(apache2) absent', since: 1_000, value: '0 processes matching apache2' }] };

/** The agent's real HTTP handler on 127.0.0.1, with or without alerts and a token. */
async function agentHttp(opts: { alerts?: () => unknown; token?: string }): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(
    httpRequestHandler({
      hostNames: new Set(),
      startedAt: 0,
      health: () => ({ viewers: 0, samples: 0, intervalMs: 1000 }),
      ...(opts.alerts ? { alerts: opts.alerts } : {}),
      checkToken: opts.token !== undefined ? tokenChecker(opts.token) : undefined,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('GET /alerts and fetchAgentAlerts', () => {
  const servers: { close(): Promise<void> }[] = [];
  let guarded = 0;
  let open = 0;
  let none = 0;
  beforeAll(async () => {
    const a = await agentHttp({ alerts: () => REPORT, token: 's3cret' });
    const b = await agentHttp({ alerts: () => ({ version: 1, host: 'x', rules: [], firing: [{ rule: 'r' }] }) });
    const c = await agentHttp({});
    servers.push(a, b, c);
    [guarded, open, none] = [a.port, b.port, c.port];
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('reads the report with the viewers’ token, and says in one line what is wrong otherwise', async () => {
    const target = parseTarget(`127.0.0.1:${guarded}`);
    expect(await fetchAgentAlerts(target, { token: 's3cret' })).toEqual(REPORT);
    await expect(fetchAgentAlerts(target, { token: 'wrong' })).rejects.toThrow(`authentication failed for 127.0.0.1:${guarded} (check --token)`);
    await expect(fetchAgentAlerts(target, {})).rejects.toThrow(/authentication failed/);
    await expect(fetchAgentAlerts(parseTarget(`127.0.0.1:${open}`), {})).rejects.toThrow(`127.0.0.1:${open} sent something that is not an alerts report at /alerts`);
    await expect(fetchAgentAlerts(parseTarget(`127.0.0.1:${none}`), {})).rejects.toThrow(`127.0.0.1:${none} evaluates no alert rules (start it with --alert RULE or --alerts FILE)`);
    const closed = await freePort();
    await expect(fetchAgentAlerts(parseTarget(`127.0.0.1:${closed}`), {})).rejects.toThrow(`cannot reach 127.0.0.1:${closed}: connection refused (is tmon agent running there?)`);
  });
});

describe('alertsFamilies', () => {
  it('gives every rule 1 while it fires and 0 otherwise, and when the firing ones started', () => {
    const [firing, since] = alertsFamilies(REPORT);
    expect(firing?.samples).toEqual([
      { labels: { rule: 'cpu > 95% for 5m' }, value: 0 },
      { labels: { rule: 'process(apache2) absent' }, value: 1 },
    ]);
    expect(since?.samples).toEqual([{ labels: { rule: 'process(apache2) absent' }, value: 1 }]);
  });
});

describe('decodeAlertsReport', () => {
  it('takes a report and refuses anything else', () => {
    expect(decodeAlertsReport(REPORT)).toEqual(REPORT);
    expect(decodeAlertsReport({ ...REPORT, version: 2 })).toBeNull();
    expect(decodeAlertsReport({ ...REPORT, firing: [{ rule: 'x', since: 'now', value: '' }] })).toBeNull();
    expect(decodeAlertsReport({ ...REPORT, rules: ['x'.repeat(3000)] })).toBeNull();
    expect(decodeAlertsReport(null)).toBeNull();
  });
});
