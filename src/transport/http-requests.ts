import type http from 'node:http';
import { PROTOCOL_VERSION } from '../protocol/wire-messages.js';
import { tmonVersion } from '../version.js';
import { realClock, type Clock } from '../core/clock.js';
import { OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE, wantsOpenMetrics } from '../protocol/prometheus-text.js';
import { bearerToken, hostRefusal, originRefusal } from './request-guard.js';

/** What /healthz tells about the agent now. */
export interface Health {
  viewers: number;
  samples: number;
  intervalMs: number;
}

export interface HttpRequestOptions {
  /** Host header names accepted besides IP literals and localhost. */
  hostNames: ReadonlySet<string>;
  /** When the agent started, for the uptime. */
  startedAt: number;
  health(): Health;
  /** The Prometheus exposition now (OpenMetrics when asked); without it /metrics is 404. */
  metrics?: (openMetrics: boolean) => string;
  /** The alerts firing now, as JSON; without it /alerts is 426 like any other path. */
  alerts?: () => unknown;
  /** The viewers' token guards /metrics and /alerts too (Prometheus sends it as a Bearer credential). */
  checkToken?: ((presented: string | undefined) => boolean) | undefined;
  /** Whether the request carries a browser session (web-page.ts): the page reads /alerts with it instead of the token. */
  checkSession?: (req: http.IncomingMessage) => boolean;
  /** The browser page's routes (web-page.ts): true when it answered. */
  web?: ((req: http.IncomingMessage, res: http.ServerResponse, path: string) => boolean) | undefined;
  clock?: Clock;
}

/**
 * The agent's answer to plain HTTP requests (not upgrades): /healthz, /metrics,
 * and for anything else 426 saying what this port is. No token guards /healthz:
 * the Host and Origin checks keep a DNS-rebinding page from reading it. /metrics
 * says what the machine runs, so the viewers' token guards it.
 */
export function httpRequestHandler(opts: HttpRequestOptions): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const clock = opts.clock ?? realClock;
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const refused = originRefusal(req.headers.origin, req.headers.host) ?? hostRefusal(req.headers.host, opts.hostNames);
    if (refused) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end(`${refused}\n`);
      return;
    }
    if (opts.web?.(req, res, path ?? '/') === true) return;
    if (req.method === 'GET' && path === '/healthz') {
      const body = JSON.stringify({
        status: 'ok',
        version: tmonVersion(),
        protocolVersion: PROTOCOL_VERSION,
        uptime: Math.round((clock.now() - opts.startedAt) / 1000),
        ...opts.health(),
      });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
      return;
    }
    const guarded = (path === '/metrics' && opts.metrics) || (path === '/alerts' && opts.alerts);
    const session = path === '/alerts' && opts.checkSession?.(req) === true;
    if (req.method === 'GET' && guarded && opts.checkToken && !session && !opts.checkToken(bearerToken(req.headers.authorization))) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': 'Bearer' }).end('authentication failed: send Authorization: Bearer <token>\n');
      return;
    }
    if (req.method === 'GET' && path === '/alerts' && opts.alerts) {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(opts.alerts()));
      return;
    }
    if (req.method === 'GET' && path === '/metrics' && opts.metrics) {
      const open = wantsOpenMetrics(req.headers.accept);
      res.writeHead(200, { 'Content-Type': open ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE }).end(opts.metrics(open));
      return;
    }
    res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' });
    res.end('this is a tmon agent: connect with `tmon connect HOST:PORT`; health at /healthz, metrics at /metrics, the browser page at /\n');
  };
}
