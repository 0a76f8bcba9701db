import type http from 'node:http';
import { realClock, type Clock } from '../core/clock.js';
import { BrowserSessions, cookieValues, sessionCookie, sessionCookieName } from './browser-sessions.js';
import { TokenBucket } from './token-bucket.js';

/** A built file of the browser page: what to answer its URL path with. */
export interface PageFile {
  contentType: string;
  body: Buffer;
}

/** URL path ('/', '/app.js', …) → file. */
export type PageFiles = ReadonlyMap<string, PageFile>;

/**
 * The page loads only its own script and style from this origin, talks only to this
 * origin (its WebSocket included) and may not be framed. The script is a file, not
 * inline, so `script-src 'self'` needs no hash that each build would change.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

/** The largest login body read: a form with one token field. */
const MAX_LOGIN_BYTES = 4096;

/**
 * Wrong logins, from anyone: a burst of 10, then one a second. One bucket for all (no
 * per-address table to bound); a flood delays logins only while it lasts, and the Bearer
 * header still works meanwhile.
 */
const LOGIN_FAILURES = { burst: 10, perSec: 1 };

export interface WebPageOptions {
  files: PageFiles;
  sessions: BrowserSessions;
  /** The agent's token check; undefined when it needs none (the page then never asks). */
  checkToken: ((presented: string | undefined) => boolean) | undefined;
  /** Cookies get Secure under TLS. */
  secure: boolean;
  clock?: Clock;
}

/** Whether the request carries a live session of this agent (the cookie named for the port it came in on). */
export function hasSession(req: http.IncomingMessage, sessions: BrowserSessions): boolean {
  return sessions.valid(cookieValues(req.headers.cookie, sessionCookieName(req.socket.localPort)));
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...PAGE_SECURITY_HEADERS, 'Content-Type': type, ...extra }).end(body);
}

/**
 * The browser page's routes, after the Host and Origin checks: its files (no data in
 * them, so no session needed), GET /session (does this browser need to log in?) and
 * POST /session (the token, once, for a session cookie). Returns false for any other request.
 */
export function webPageHandler(opts: WebPageOptions): (req: http.IncomingMessage, res: http.ServerResponse, path: string) => boolean {
  const clock = opts.clock ?? realClock;
  const failures = new TokenBucket(LOGIN_FAILURES.burst, LOGIN_FAILURES.perSec, clock.monotonic());
  return (req, res, path) => {
    if (path === '/session' && req.method === 'GET') {
      const body = JSON.stringify({ required: opts.checkToken !== undefined, valid: opts.checkToken === undefined || hasSession(req, opts.sessions) });
      send(res, 200, 'application/json', body);
      return true;
    }
    if (path === '/session' && req.method === 'POST') {
      const waitMs = failures.waitMs(clock.monotonic());
      if (waitMs > 0) {
        send(res, 429, 'text/plain; charset=utf-8', 'too many wrong logins: try again in a few seconds\n', { 'Retry-After': String(Math.ceil(waitMs / 1000)) });
        req.resume();
        return true;
      }
      login(req, res, opts, () => failures.take(1, clock.monotonic()));
      return true;
    }
    const file = req.method === 'GET' ? opts.files.get(path) : undefined;
    if (!file) return false;
    send(res, 200, file.contentType, file.body);
    return true;
  };
}

/** Reads the form (bounded), checks the token in constant time, and answers with a session cookie or 401. */
function login(req: http.IncomingMessage, res: http.ServerResponse, opts: WebPageOptions, failed: () => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_LOGIN_BYTES) {
      send(res, 413, 'text/plain; charset=utf-8', 'login form too large\n', { Connection: 'close' });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (res.headersSent) return;
    if (opts.checkToken === undefined) {
      send(res, 204, 'text/plain', '');
      return;
    }
    const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('token') ?? undefined;
    if (!opts.checkToken(token)) {
      failed();
      send(res, 401, 'text/plain; charset=utf-8', 'wrong token\n');
      return;
    }
    const cookie = sessionCookie(sessionCookieName(req.socket.localPort), opts.sessions.create(), opts.sessions.limits, opts.secure);
    send(res, 204, 'text/plain', '', { 'Set-Cookie': cookie });
  });
}
