import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startAgent, type AgentOptions, type RunningAgent } from '../src/transport/agent-server.js';
import { PAGE_SECURITY_HEADERS, type PageFiles } from '../src/transport/web-page.js';
import { ScriptedSource } from './fixtures/transport/harness.js';

const TOKEN = 'browser-test-token-5f2c';
const PAGE: PageFiles = new Map([
  ['/', { contentType: 'text/html; charset=utf-8', body: Buffer.from('<!doctype html><title>tmon</title>') }],
  ['/app.js', { contentType: 'text/javascript; charset=utf-8', body: Buffer.from('void 0;') }],
]);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function agentWith(opts: Partial<AgentOptions> = {}): Promise<{ agent: RunningAgent; port: number; log: string[] }> {
  const source = new ScriptedSource();
  const log: string[] = [];
  const agent = await startAgent({ source, listen: { host: '127.0.0.1', port: 0 }, page: PAGE, log: (l) => log.push(l), ...opts });
  cleanups.push(() => agent.close());
  return { agent, port: agent.address.port, log };
}

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const login = (port: number, token: string, headers: Record<string, string> = {}): Promise<Answer> =>
  request(port, 'POST', '/session', { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, new URLSearchParams({ token }).toString());

/** The upgrade's status: 101 when the WebSocket opened. */
function upgrade(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', (err) => reject(err));
  });
}

/** The session cookie's name=value, as a browser sends it back. */
function cookieOf(answer: Answer): string {
  const set = answer.headers['set-cookie']?.[0] ?? '';
  return set.split(';')[0] ?? '';
}

describe('the browser page on the agent', () => {
  it('serves its files with a strict Content-Security-Policy, nosniff, no referrer and no framing', async () => {
    const { port } = await agentWith({ token: TOKEN });
    for (const path of ['/', '/app.js']) {
      const r = await request(port, 'GET', path);
      expect(r.status).toBe(200);
      for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) expect(r.headers[name.toLowerCase()]).toBe(value);
    }
    const csp = PAGE_SECURITY_HEADERS['Content-Security-Policy'] ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self';/);
    expect(csp).not.toMatch(/unsafe/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect((await request(port, 'GET', '/nothing-here')).status).toBe(426);
  });

  it('trades the right token, once, for a session cookie that opens the WebSocket; a wrong one gets nothing', async () => {
    const { port, log } = await agentWith({ token: TOKEN });
    expect(JSON.parse((await request(port, 'GET', '/session')).body)).toEqual({ required: true, valid: false });
    expect(await upgrade(port, {})).toBe(401);

    const wrong = await login(port, 'guess');
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const right = await login(port, TOKEN);
    expect(right.status).toBe(204);
    const set = right.headers['set-cookie']?.[0] ?? '';
    expect(set).toMatch(new RegExp(`^tmon_session_${port}=[A-Za-z0-9_-]{43}; `));
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).not.toMatch(/Secure/);
    expect(set).not.toContain(TOKEN);
    const cookie = cookieOf(right);
    expect(JSON.parse((await request(port, 'GET', '/session', { Cookie: cookie })).body)).toEqual({ required: true, valid: true });
    expect(await upgrade(port, { Cookie: cookie })).toBe(101);
    // A made-up id, or a real id under another agent's name, opens nothing.
    expect(await upgrade(port, { Cookie: `tmon_session_${port}=${'A'.repeat(43)}` })).toBe(401);
    expect(await upgrade(port, { Cookie: cookie.replace(`tmon_session_${port}=`, 'tmon_session_1=') })).toBe(401);
    expect(log.join('\n')).not.toContain(TOKEN);
  });

  it('refuses a page from another origin: no login, no WebSocket even with a session', async () => {
    const { port } = await agentWith({ token: TOKEN });
    const cookie = cookieOf(await login(port, TOKEN));
    const foreign = { Origin: 'http://evil.example' };
    const r = await login(port, TOKEN, foreign);
    expect(r.status).toBe(403);
    expect(r.headers['set-cookie']).toBeUndefined();
    expect((await request(port, 'GET', '/session', { ...foreign, Cookie: cookie })).status).toBe(403);
    expect(await upgrade(port, { ...foreign, Cookie: cookie })).toBe(403);
    // The page's own origin passes.
    expect(await upgrade(port, { Origin: `http://127.0.0.1:${port}`, Cookie: cookie })).toBe(101);
  });

  it('answers a run of wrong logins with 429 once its burst is spent: guessing goes at one a second at most', async () => {
    const { port } = await agentWith({ token: TOKEN });
    const statuses: number[] = [];
    // The burst of ten, and an eleventh that overdraws the bucket (checked, as TokenBucket.take may overdraw).
    for (let i = 0; i < 11; i++) statuses.push((await login(port, `guess-${i}`)).status);
    expect(statuses).toEqual(Array.from({ length: 11 }, () => 401));
    const refused = await login(port, 'guess-11');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Not even the right token is checked meanwhile: the answer says nothing about it.
    const right = await login(port, TOKEN);
    expect(right.status).toBe(429);
    expect(right.headers['set-cookie']).toBeUndefined();
  });

  it('reads at most 4 KB of a login', async () => {
    const { port } = await agentWith({ token: TOKEN });
    // The agent answers 413 and closes; the client may see the answer, or a reset while still sending. Never a cookie.
    const r = await request(port, 'POST', '/session', {}, `token=${'x'.repeat(8000)}`).catch((err: NodeJS.ErrnoException) => err);
    if (r instanceof Error) expect(['ECONNRESET', 'EPIPE']).toContain(r.code);
    else {
      expect(r.status).toBe(413);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
  });

  it('asks for nothing when the agent has no token (loopback)', async () => {
    const { port } = await agentWith();
    expect(JSON.parse((await request(port, 'GET', '/session')).body)).toEqual({ required: false, valid: true });
    expect(await upgrade(port, {})).toBe(101);
  });

  it('serves no page when it has none: / says what the port is', async () => {
    const { port } = await agentWith({ token: TOKEN, page: undefined });
    expect((await request(port, 'GET', '/')).status).toBe(426);
    expect((await request(port, 'GET', '/session')).status).toBe(426);
  });
});
