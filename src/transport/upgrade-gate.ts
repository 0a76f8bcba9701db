import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from '../core/clock.js';
import { PendingConnections, type PendingDrop, type PendingLimits } from './pending-connections.js';
import { bearerToken, hostRefusal, originRefusal } from './request-guard.js';

/** An HTTP answer to an upgrade the agent refuses. */
export interface Refusal {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** Who may become a viewer. */
export interface Admission {
  /** Checks a presented token; undefined when the agent needs none. */
  checkToken: ((presented: string | undefined) => boolean) | undefined;
  /** Host header names accepted besides IP literals and localhost (checked only without a token). */
  hostNames: ReadonlySet<string>;
  maxViewers: number;
  /** Whether the upgrade carries a browser session (web-page.ts), which stands for the token. */
  checkSession?: ((req: http.IncomingMessage) => boolean) | undefined;
}

/**
 * Why an upgrade request is refused, or null: a foreign Origin, a Host name
 * that is not the agent's (without a token), a wrong token (and no browser
 * `session`), or no room.
 * `viewers` counts the viewers and the upgrades under way.
 */
export function upgradeRefusal(headers: http.IncomingHttpHeaders, admission: Admission, viewers: number, session = false): Refusal | null {
  const origin = originRefusal(headers.origin, headers.host);
  if (origin) return { status: 403, body: origin };
  // Without a token the Host check is what keeps a rebinding web page out; with one, a browser
  // cannot send the Bearer header at all, so the agent can be reached by any name.
  const { checkToken, maxViewers } = admission;
  const host = checkToken ? null : hostRefusal(headers.host, admission.hostNames);
  if (host) return { status: 403, body: host };
  if (checkToken && !session && !checkToken(bearerToken(headers.authorization))) {
    return { status: 401, body: 'authentication failed: send Authorization: Bearer <token>', headers: { 'WWW-Authenticate': 'Bearer' } };
  }
  if (viewers >= maxViewers) return { status: 503, body: `too many viewers (limit ${maxViewers}); try again later` };
  return null;
}

/** Answers an upgrade with a plain HTTP status and closes the socket once the answer is out. */
function refuseUpgrade(socket: Duplex, { status, body, headers }: Refusal): void {
  const head = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

export interface GateOptions extends Admission {
  /** Largest frame a viewer may send (ws closes with 1009 beyond it). */
  maxPayloadBytes: number;
  /** Connections that are not viewers yet. */
  pending: PendingLimits;
  /** Viewers connected now. */
  viewers(): number;
  /** A log line of a kind a peer can repeat at will (rate-limited by the caller). */
  note(kind: string, line: string): void;
  clock?: Clock;
}

/** A viewer let in: its WebSocket, the socket under it, the upgrade request, and "address:port". */
export type OnViewer = (ws: WebSocket, socket: Duplex, req: http.IncomingMessage, peer: string) => void;

/**
 * The way into the agent: every TCP connection gets a deadline and a place
 * under a per-address cap until it is a viewer (PendingConnections), and every
 * upgrade is checked (upgradeRefusal) before a WebSocket exists. What passes
 * goes to `onViewer`.
 */
export class UpgradeGate {
  private readonly wss: WebSocketServer;
  private readonly pending: PendingConnections;
  /** Upgrades accepted and not complete yet: they count toward maxViewers. */
  private upgrading = 0;
  private closing = false;

  constructor(
    server: http.Server,
    private readonly opts: GateOptions,
    private readonly onViewer: OnViewer,
  ) {
    // No server.maxConnections: viewers are limited by --max-viewers at the upgrade, the rest here,
    // so sockets that never finish a request cannot take the places real viewers need.
    this.pending = new PendingConnections(opts.pending, (address, why) => opts.note('unfinished connection', pendingDropLine(opts.pending, address, why)), opts.clock);
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: opts.maxPayloadBytes,
      perMessageDeflate: { threshold: 256 },
      // ws would answer every ping, queueing pongs nobody reads; ViewerLink answers within the viewer's budget.
      autoPong: false,
    });
    server.on('connection', (socket: Socket) => this.pending.add(socket));
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.pending.asking(req.socket);
      res.once('close', () => this.pending.answered(req.socket));
    });
    // Node closes an idle kept-alive connection (and says when in its Keep-Alive header) before the deadline would.
    server.keepAliveTimeout = Math.min(server.keepAliveTimeout, opts.pending.deadlineMs / 2);
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  /** The agent stops: upgrades from now on are refused with 503. */
  close(): void {
    this.closing = true;
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const peer = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const refused = this.closing ? { status: 503, body: 'agent shutting down' } : upgradeRefusal(req.headers, this.opts, this.opts.viewers() + this.upgrading, this.opts.checkSession?.(req) ?? false);
    if (refused) {
      this.opts.note('refused viewer', `refused viewer ${peer}: ${refused.status} ${refused.body}`);
      refuseUpgrade(socket, refused);
      return;
    }
    // A refused one keeps its deadline until its answer is out; an accepted one is a viewer now.
    this.pending.settle(req.socket);
    // Counted from here, so upgrades completing together cannot pass the viewer limit.
    this.upgrading++;
    let counted = true;
    const settle = (): void => {
      if (counted) this.upgrading--;
      counted = false;
    };
    socket.once('close', settle);
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      settle();
      this.onViewer(ws, socket, req, peer);
    });
  }
}

function pendingDropLine(limits: PendingLimits, address: string, why: PendingDrop): string {
  if (why === 'deadline') return `closed a connection from ${address}: no complete request within ${limits.deadlineMs} ms`;
  if (why === 'per-address') return `refused a connection from ${address}: it already has ${limits.maxPerAddress} unfinished`;
  return `refused a connection from ${address}: ${limits.maxTotal} unfinished connections in all`;
}
