import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../src/protocol/wire-messages.js';
import { BrowserSessions, sessionCookieName } from '../src/transport/browser-sessions.js';
import { httpRequestHandler } from '../src/transport/http-requests.js';
import { hasSession } from '../src/transport/web-page.js';
import { tokenChecker } from '../src/transport/request-guard.js';
import { tmonVersion } from '../src/version.js';
import { ManualClock } from './helpers/manual-clock.js';

const clock = new ManualClock(1_000_000);
const server = http.createServer(
  httpRequestHandler({ hostNames: new Set(['db1']), startedAt: 1_000_000, health: () => ({ viewers: 2, samples: 60, intervalMs: 500 }), clock }),
);
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

describe('httpRequestHandler', () => {
  it('answers /healthz with the version, the uptime on its clock and the health it is given', async () => {
    clock.advance(42_400);
    const r = await get('/healthz?x=1');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ status: 'ok', version: tmonVersion(), protocolVersion: PROTOCOL_VERSION, uptime: 42, viewers: 2, samples: 60, intervalMs: 500 });
  });

  it('refuses a Host name that is not the agent’s and a foreign Origin, like the upgrade', async () => {
    expect((await get('/healthz', { Host: 'db1:7654' })).status).toBe(200);
    const rebound = await get('/healthz', { Host: 'rebound.example' });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatch(/Host 'rebound\.example' is not allowed/);
    expect((await get('/healthz', { Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('says what this port is to anything else: 426, connect with tmon connect', async () => {
    const r = await get('/');
    expect(r.status).toBe(426);
    expect(r.headers.upgrade).toBe('websocket');
    expect(r.body).toBe('this is a tmon agent: connect with `tmon connect HOST:PORT`; health at /healthz, metrics at /metrics, the browser page at /\n');
  });
});

describe('/metrics', () => {
  const guarded = http.createServer(
    httpRequestHandler({
      hostNames: new Set(),
      startedAt: 0,
      health: () => ({ viewers: 0, samples: 0, intervalMs: 1000 }),
      metrics: (open) => (open ? 'up 1\n# EOF\n' : 'up 1\n'),
      checkToken: tokenChecker('s3cret'),
    }),
  );
  let guardedPort = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => guarded.listen(0, '127.0.0.1', resolve));
    guardedPort = (guarded.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => guarded.close(() => resolve()));
  });
  const scrape = (headers: Record<string, string>): Promise<{ status: number; body: string; type: string | undefined }> =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: guardedPort, path: '/metrics', headers, agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
        })
        .on('error', reject);
    });

  it('asks for the token as the viewers do, and serves text 0.0.4 or OpenMetrics as the scraper asks', async () => {
    expect((await scrape({})).status).toBe(401);
    expect((await scrape({ Authorization: 'Bearer wrong' })).status).toBe(401);
    expect(await scrape({ Authorization: 'Bearer s3cret' })).toEqual({ status: 200, body: 'up 1\n', type: 'text/plain; version=0.0.4; charset=utf-8' });
    const om = await scrape({ Authorization: 'Bearer s3cret', Accept: 'application/openmetrics-text;version=1.0.0,text/plain;q=0.5' });
    expect(om.type).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(om.body).toMatch(/# EOF\n$/);
  });

  it('is not served where no exposition was given', async () => {
    expect((await get('/metrics')).status).toBe(426);
  });
});

describe('/alerts', () => {
  const sessions = new BrowserSessions();
  const server = http.createServer(
    httpRequestHandler({
      hostNames: new Set(),
      startedAt: 0,
      health: () => ({ viewers: 0, samples: 0, intervalMs: 1000 }),
      alerts: () => ({ version: 1, host: 'db1', rules: ['memory > 1%'], firing: [] }),
      checkToken: tokenChecker('s3cret'),
      checkSession: (req) => hasSession(req, sessions),
    }),
  );
  let alertsPort = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    alertsPort = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const read = (path: string, headers: Record<string, string>): Promise<number> =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: alertsPort, path, headers, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
        .on('error', reject);
    });

  it('takes the browser page’s session instead of the token, with the same Origin check; /metrics still wants the token', async () => {
    const cookie = `${sessionCookieName(alertsPort)}=${sessions.create()}`;
    expect(await read('/alerts', {})).toBe(401);
    expect(await read('/alerts', { Cookie: `${sessionCookieName(alertsPort)}=not-a-session` })).toBe(401);
    expect(await read('/alerts', { Authorization: 'Bearer s3cret' })).toBe(200);
    expect(await read('/alerts', { Cookie: cookie })).toBe(200);
    expect(await read('/alerts', { Cookie: cookie, Origin: 'http://evil.example' })).toBe(403);
  });
});
