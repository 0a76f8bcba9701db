import type http from 'node:http';
import { PROTOCOL_VERSION } from '../protocol/wire-messages.js';
import { tmonVersion } from '../version.js';
import { realClock, type Clock } from '../core/clock.js';
import { hostRefusal, originRefusal } from './request-guard.js';

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
  clock?: Clock;
}

/**
 * The agent's answer to plain HTTP requests (not upgrades): /healthz, and for
 * anything else 426 saying what this port is. No token guards /healthz: the
 * Host and Origin checks keep a DNS-rebinding page from reading it.
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
    res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' });
    res.end('this is a tmon agent: connect with `tmon connect HOST:PORT`; health at /healthz\n');
  };
}
