import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { hostname } from 'node:os';
import { WebSocketServer, type WebSocket } from 'ws';
import { errorMessage } from '../core/errors.js';
import type { Sample } from '../core/sample.js';
import type { SampleSource } from '../core/source.js';
import { CloseCode, PROTOCOL_VERSION, type HelloMessage } from '../protocol/wire-messages.js';
import { DEFAULT_WIRE_TOP, toWireSample } from '../protocol/wire-sample.js';
import { tmonVersion } from '../version.js';
import { AgentArchive, type ArchiveOptions } from './agent-archive.js';
import { effectiveInterval } from './agent-policy.js';
import {
  allowedHostNames,
  bearerToken,
  hostRefusal,
  isLoopbackHost,
  originRefusal,
  tokenChecker,
  tokenProblem,
} from './request-guard.js';
import { DEFAULT_REQUEST_BUDGET, ViewerLink, type LinkContext, type LinkCost, type RequestBudget, type RequestBuckets } from './viewer-link.js';
import { TokenBucket } from './token-bucket.js';
import { PendingConnections, type PendingLimits } from './pending-connections.js';
import { WireHistory } from './wire-history.js';
import { MIN_INTERVAL_MS } from '../core/interval.js';
import { LogLimiter } from '../core/log-limiter.js';
import { ListenError, TlsSetupError, UnprotectedListenError } from './start-errors.js';

/** A live source whose rate the agent can change while a viewer asks for it (LiveSource is one). */
export interface AgentSource extends SampleSource {
  readonly intervalMs: number;
  setIntervalMs(ms: number): void;
}

export interface AgentOptions {
  source: AgentSource;
  listen: { host: string; port: number };
  /** Viewers must send `Authorization: Bearer <token>`. Required on a non-loopback address unless allowNoAuth. */
  token?: string;
  allowNoAuth?: boolean;
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Samples kept for backfill (default 3600: one hour at 1 s). Ignored when `history` is given. */
  historyCapacity?: number;
  /** A history to keep samples in, e.g. one that outlives this agent or was filled from a recording. */
  history?: WireHistory;
  /** The agent's recording (--store): viewers may browse it with archive history requests and spikes requests. */
  archive?: ArchiveOptions;
  /** Processes per sample on the wire: the top N by CPU and by RSS plus spike evidence (default 15). */
  top?: number;
  maxViewers?: number;
  maxMessagesPerSec?: number;
  /** Largest frame a viewer may send (ws closes with 1009 beyond it). */
  maxPayloadBytes?: number;
  /** What one viewer's history, archive and spikes requests may cost (see RequestBudget). */
  budget?: Partial<RequestBudget>;
  /** A viewer whose unsent data exceeds this is skipped until it drains. */
  maxBufferedBytes?: number;
  minIntervalMs?: number;
  heartbeatMs?: number;
  /** Connections that are not viewers yet: deadline from accept to upgrade, and how many one address / all may hold. */
  pending?: Partial<PendingLimits>;
  /** Host header names accepted besides IP literals, localhost and this machine's hostname (checked without a token). */
  allowedHosts?: string[];
  log?: (line: string) => void;
}

export interface AgentStats {
  viewers: number;
  /** Unsent bytes queued for each viewer: bounded by maxBufferedBytes plus one frame. */
  bufferedBytes: number[];
  historySamples: number;
  /** What each viewer's requests have cost so far. */
  costs: LinkCost[];
  /** Memory the history's samples take, deflated. */
  historyBytes: number;
  intervalMs: number;
}

export interface RunningAgent {
  address: { host: string; port: number };
  close(): Promise<void>;
  viewers(): number;
  stats(): AgentStats;
}

function withDefaults(opts: AgentOptions) {
  return {
    historyCapacity: opts.historyCapacity ?? 3600,
    top: opts.top ?? DEFAULT_WIRE_TOP,
    maxViewers: opts.maxViewers ?? 16,
    maxMessagesPerSec: opts.maxMessagesPerSec ?? 20,
    maxPayloadBytes: opts.maxPayloadBytes ?? 64 * 1024,
    maxBufferedBytes: opts.maxBufferedBytes ?? 1024 * 1024,
    minIntervalMs: opts.minIntervalMs ?? MIN_INTERVAL_MS,
    heartbeatMs: opts.heartbeatMs ?? 15_000,
    pending: { deadlineMs: 5000, maxPerAddress: 16, maxTotal: 256, ...opts.pending },
  };
}

/** How long an address's request budget outlives its last viewer: longer than either bucket takes to refill. */
const BUDGET_MEMORY_MS = 60_000;

interface Refusal {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

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

function listenError(err: NodeJS.ErrnoException, host: string, port: number): ListenError {
  const reason =
    err.code === 'EADDRINUSE'
      ? 'the port is in use (another tmon agent?)'
      : err.code === 'EADDRNOTAVAIL'
        ? `${host} is not an address of this machine`
        : err.code === 'EACCES'
          ? 'permission denied (ports below 1024 need privileges; use e.g. 7654)'
          : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
            ? `unknown host name ${host}`
            : err.message;
  return new ListenError(err.code, host, port, reason);
}

/** Settings that decide whether the agent may start at all; throws a typed UserError (start-errors, request-guard) when it may not. */
function checkSecurity(opts: AgentOptions, log: (line: string) => void): void {
  const { host, port } = opts.listen;
  const problem = opts.token !== undefined ? tokenProblem(opts.token) : null;
  if (problem) throw problem;
  if (opts.token === undefined && !isLoopbackHost(host)) {
    if (!opts.allowNoAuth) throw new UnprotectedListenError(host, port);
    log(`WARNING: listening on ${host}:${port} without a token (--no-auth): anyone who can reach this port can watch this machine`);
  }
}

function createHttpServer(opts: AgentOptions): http.Server {
  if (!opts.tls) return http.createServer();
  try {
    return https.createServer({ cert: opts.tls.cert, key: opts.tls.key });
  } catch (err) {
    throw new TlsSetupError(errorMessage(err));
  }
}

/**
 * Starts `tmon agent`: samples from `source`, keeps them in a history ring,
 * and streams them to viewers over WebSocket (see README "Protocol").
 * Resolves once listening; throws UserError when it must not or cannot start.
 * The caller owns `source` and closes it after `close()`.
 */
export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const log = opts.log ?? ((): void => {});
  checkSecurity(opts, log);
  // Events a peer can repeat at will (connects, refusals, misbehaviour) are rate-limited per kind.
  const limiter = new LogLimiter();
  const note = (kind: string, line: string): void => {
    for (const l of limiter.line(kind, line, Date.now())) log(l);
  };
  const cfg = withDefaults(opts);
  const history = opts.history ?? new WireHistory(cfg.historyCapacity);
  const source = opts.source;
  const baseIntervalMs = source.intervalMs;
  const startedAt = Date.now();
  const links = new Set<ViewerLink>();
  const checkToken = opts.token !== undefined ? tokenChecker(opts.token) : undefined;
  const hostNames = allowedHostNames(hostname(), opts.allowedHosts);
  let newestDroppedTime = -Infinity;
  let closing = false;
  let upgrading = 0;

  const server = createHttpServer(opts);
  // No server.maxConnections: viewers are limited by --max-viewers at the upgrade, the rest here,
  // so sockets that never finish a request cannot take the places real viewers need.
  const pending = new PendingConnections(cfg.pending, (address, why) => {
    note(
      'unfinished connection',
      why === 'deadline'
        ? `closed a connection from ${address}: no WebSocket upgrade within ${cfg.pending.deadlineMs} ms`
        : why === 'per-address'
          ? `refused a connection from ${address}: it already has ${cfg.pending.maxPerAddress} unfinished`
          : `refused a connection from ${address}: ${cfg.pending.maxTotal} unfinished connections in all`,
    );
  });
  server.on('connection', (socket: Socket) => pending.add(socket));
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: cfg.maxPayloadBytes,
    perMessageDeflate: { threshold: 256 },
    // ws would answer every ping, queueing pongs nobody reads; ViewerLink answers within the viewer's budget.
    autoPong: false,
  });

  const archive = opts.archive ? new AgentArchive(opts.archive, log) : undefined;
  // Opened before listening, so the first hello already tells what is stored.
  await archive?.snapshot();

  const context: LinkContext = {
    history,
    archive,
    wireTop: cfg.top,
    newestDroppedTime: () => newestDroppedTime,
    maxBufferedBytes: cfg.maxBufferedBytes,
    maxMessagesPerSec: cfg.maxMessagesPerSec,
    onIntervalRequest: () => applyInterval(),
    log: (line) => note('viewer', line),
  };

  // Request budgets per source address, kept a while after its last viewer left: reconnecting does not refill them.
  const budget: RequestBudget = { ...DEFAULT_REQUEST_BUDGET, ...opts.budget };
  const budgets = new Map<string, RequestBuckets & { links: number; idleSince: number }>();
  function bucketsFor(address: string): RequestBuckets & { links: number; idleSince: number } {
    let b = budgets.get(address);
    if (!b) {
      const now = Date.now();
      b = { bytes: new TokenBucket(budget.bytesBurst, budget.bytesPerSec, now), work: new TokenBucket(budget.workMsBurst, budget.workMsPerSec, now), links: 0, idleSince: now };
      budgets.set(address, b);
    }
    return b;
  }
  function forgetIdleBudgets(now: number): void {
    for (const [address, b] of budgets) if (b.links === 0 && now - b.idleSince > BUDGET_MEMORY_MS) budgets.delete(address);
  }

  function applyInterval(): void {
    const ms = effectiveInterval(baseIntervalMs, [...links].map((l) => l.intervalRequest), cfg.minIntervalMs);
    if (ms === source.intervalMs) return;
    source.setIntervalMs(ms);
    log(ms === baseIntervalMs ? `sampling every ${ms} ms again (no viewer asks for faster)` : `sampling every ${ms} ms (a viewer asked)`);
    for (const link of links) link.send({ type: 'interval', intervalMs: ms });
  }

  function hello(): HelloMessage {
    return {
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: tmonVersion(),
      host: history.host ?? null,
      intervalMs: source.intervalMs,
      baseIntervalMs,
      limits: {
        minIntervalMs: cfg.minIntervalMs,
        maxIntervalMs: baseIntervalMs,
        maxPayloadBytes: cfg.maxPayloadBytes,
        historySamples: history.capacity,
        maxMessagesPerSec: cfg.maxMessagesPerSec,
        heartbeatMs: cfg.heartbeatMs,
      },
      history: { count: history.length, oldest: history.timeAt(0) ?? null, newest: history.timeAt(history.length - 1) ?? null },
      archive: archive ? archive.extent() : null,
    };
  }

  function onSample(raw: Sample): void {
    const sample = toWireSample(raw, cfg.top);
    const lastTime = history.timeAt(history.length - 1);
    if (lastTime !== undefined && sample.time <= lastTime) {
      log(`sample at ${sample.time} is not newer than the last one (${lastTime}): dropped`);
      return;
    }
    const { droppedTime } = history.push(sample);
    if (droppedTime !== undefined) newestDroppedTime = droppedTime;
    for (const link of links) link.pushLive();
  }

  async function pump(): Promise<void> {
    try {
      for await (const raw of source.samples()) {
        if (closing) break;
        try {
          onSample(raw);
        } catch (err) {
          // One sample that cannot be prepared must not stop sampling for good.
          log(`sample at ${String(raw.time)} skipped: ${errorMessage(err)}`);
        }
      }
    } catch (err) {
      log(`sampling stopped: ${errorMessage(err)}`);
    }
  }

  function refusal(req: http.IncomingMessage): Refusal | null {
    const origin = originRefusal(req.headers.origin, req.headers.host);
    if (origin) return { status: 403, body: origin };
    // Without a token the Host check is what keeps a rebinding web page out; with one, a browser
    // cannot send the Bearer header at all, so the agent can be reached by any name.
    const host = checkToken ? null : hostRefusal(req.headers.host, hostNames);
    if (host) return { status: 403, body: host };
    if (checkToken && !checkToken(bearerToken(req.headers.authorization))) {
      return { status: 401, body: 'authentication failed: send Authorization: Bearer <token>', headers: { 'WWW-Authenticate': 'Bearer' } };
    }
    if (links.size + upgrading >= cfg.maxViewers) return { status: 503, body: `too many viewers (limit ${cfg.maxViewers}); try again later` };
    return null;
  }

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const peer = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const refused = closing ? { status: 503, body: 'agent shutting down' } : refusal(req);
    if (refused) {
      note('refused viewer', `refused viewer ${peer}: ${refused.status} ${refused.body}`);
      refuseUpgrade(socket, refused);
      return;
    }
    // A refused one keeps its deadline until its answer is out; an accepted one is a viewer now.
    pending.settle(req.socket);
    // Counted from here, so upgrades completing together cannot pass the viewer limit.
    upgrading++;
    let counted = true;
    const settle = (): void => {
      if (counted) upgrading--;
      counted = false;
    };
    socket.once('close', settle);
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      settle();
      const buckets = bucketsFor(req.socket.remoteAddress ?? '?');
      buckets.links++;
      const link = new ViewerLink(ws, socket, peer, context, buckets);
      links.add(link);
      ws.on('close', (code) => {
        links.delete(link);
        buckets.links--;
        buckets.idleSince = Date.now();
        note('viewer left', `viewer ${peer} left (${code}); ${links.size} viewer(s)`);
        if (link.intervalRequest !== null) applyInterval();
      });
      link.send(hello());
      note('viewer connected', `viewer ${peer} connected; ${links.size} viewer(s)`);
    });
  });

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    // No token guards /healthz: the Host and Origin checks keep a DNS-rebinding page from reading it.
    const refused = originRefusal(req.headers.origin, req.headers.host) ?? hostRefusal(req.headers.host, hostNames);
    if (refused) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end(`${refused}\n`);
      return;
    }
    if (req.method === 'GET' && path === '/healthz') {
      const body = JSON.stringify({
        status: 'ok',
        version: tmonVersion(),
        protocolVersion: PROTOCOL_VERSION,
        uptime: Math.round((Date.now() - startedAt) / 1000),
        viewers: links.size,
        samples: history.length,
        intervalMs: source.intervalMs,
      });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
      return;
    }
    res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' });
    res.end('this is a tmon agent: connect with `tmon connect HOST:PORT`; health at /healthz\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, opts.listen.host, opts.listen.port)));
    server.listen(opts.listen.port, opts.listen.host, () => resolve());
  });
  server.on('error', (err) => log(`server error: ${errorMessage(err)}`));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.listen.port;
  const scheme = opts.tls ? 'wss' : 'ws';
  log(`tmon agent ${tmonVersion()} listening on ${scheme}://${opts.listen.host}:${port} (${checkToken ? 'token required' : 'no token'}, every ${baseIntervalMs} ms, history ${history.capacity} samples)`);

  const heartbeat = setInterval(() => {
    forgetIdleBudgets(Date.now());
    for (const link of links) {
      const dropped = link.heartbeat();
      if (dropped) note('viewer', `viewer ${link.name} ${dropped}: dropped`);
    }
  }, cfg.heartbeatMs);
  // A flood that stopped is still summarised.
  const summaries = setInterval(() => {
    for (const l of limiter.flush(Date.now())) log(l);
  }, 1000);
  summaries.unref();
  void pump();

  return {
    address: { host: opts.listen.host, port },
    viewers: () => links.size,
    stats: () => ({
      viewers: links.size,
      bufferedBytes: [...links].map((l) => l.bufferedAmount),
      costs: [...links].map((l) => ({ ...l.cost })),
      historySamples: history.length,
      historyBytes: history.storedBytes,
      intervalMs: source.intervalMs,
    }),
    async close(): Promise<void> {
      if (closing) return;
      closing = true;
      clearInterval(heartbeat);
      clearInterval(summaries);
      const gone = [...links].map((link) => new Promise<void>((resolve) => link.ws.once('close', () => resolve())));
      for (const link of links) link.ws.close(CloseCode.goingAway, 'agent shutting down');
      const grace = new Promise<void>((resolve) => setTimeout(resolve, 1000).unref());
      await Promise.race([Promise.all(gone), grace]);
      for (const link of links) link.ws.terminate();
      if (source.intervalMs !== baseIntervalMs) source.setIntervalMs(baseIntervalMs);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await archive?.close();
      for (const l of limiter.flush(Date.now(), true)) log(l);
      log('tmon agent stopped');
    },
  };
}
