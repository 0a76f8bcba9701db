import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { hostname } from 'node:os';
import type { WebSocket } from 'ws';
import { errorMessage } from '../core/errors.js';
import { LogLimiter } from '../core/log-limiter.js';
import { MIN_INTERVAL_MS } from '../core/interval.js';
import { PROTOCOL_VERSION, wantsAlerts, type AlertsMessage, type HelloMessage } from '../protocol/wire-messages.js';
import { DEFAULT_WIRE_TOP } from '../protocol/wire-sample.js';
import { tmonVersion } from '../version.js';
import { AgentArchive, type ArchiveOptions } from './agent-archive.js';
import { checkSecurity, createHttpServer, listen } from './agent-listen.js';
import { Broadcaster } from './broadcaster.js';
import { realClock, type Clock } from '../core/clock.js';
import { Heartbeat } from './heartbeat.js';
import type { LinkCost } from './history-replies.js';
import { httpRequestHandler, type Health } from './http-requests.js';
import { IntervalArbiter, type AgentSource } from './interval-arbiter.js';
import type { PendingLimits } from './pending-connections.js';
import { AddressBudgets, DEFAULT_REQUEST_BUDGET, type RequestBudget } from './request-budget.js';
import { allowedHostNames, tokenChecker } from './request-guard.js';
import { UpgradeGate } from './upgrade-gate.js';
import { ViewerLink, type LinkContext } from './viewer-link.js';
import { WireHistory } from './wire-history.js';
import { BrowserSessions } from './browser-sessions.js';
import { hasSession, webPageHandler, type PageFiles } from './web-page.js';

export type { AgentSource } from './interval-arbiter.js';

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
  /** The Prometheus exposition served at /metrics (OpenMetrics when asked); none: 404. */
  metrics?: (openMetrics: boolean) => string;
  /** The alerts firing now, served as JSON at /alerts; none: not served. */
  alerts?: () => unknown;
  /** The alert rules' state, sent as `alert` to the viewers that ask for it: after hello and at each change. */
  alertFeed?: AlertFeed;
  /** The browser page's built files, served at / with its login (web-page.ts); none: no page. */
  page?: PageFiles;
  log?: (line: string) => void;
}

/** The agent's alert rules as the `alert` message says them, and when that changes. */
export interface AlertFeed {
  message(): AlertsMessage;
  /** Calls `listener` whenever a rule fires or resolves; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
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

type Settings = ReturnType<typeof withDefaults>;

/** How long a stopping agent waits for its viewers to answer the close. */
const CLOSE_GRACE_MS = 1000;

/** The parts of a running agent, each with one job; startAgent wires them. */
interface AgentParts {
  cfg: Settings;
  clock: Clock;
  log(line: string): void;
  /** Rate-limited log of events a peer can repeat at will. */
  note(kind: string, line: string): void;
  limiter: LogLimiter;
  source: AgentSource;
  history: WireHistory;
  archive: AgentArchive | undefined;
  broadcaster: Broadcaster<ViewerLink>;
  /** The viewers that asked for `alert` messages (ALERTS_QUERY). */
  alertLinks: Set<ViewerLink>;
  alertFeed: AlertFeed | undefined;
  arbiter: IntervalArbiter;
  budgets: AddressBudgets;
  context: LinkContext;
}

function createParts(opts: AgentOptions, log: (line: string) => void, archive: AgentArchive | undefined): AgentParts {
  const cfg = withDefaults(opts);
  const clock = realClock;
  // Events a peer can repeat at will (connects, refusals, misbehaviour) are rate-limited per kind.
  const limiter = new LogLimiter();
  const note = (kind: string, line: string): void => {
    for (const l of limiter.line(kind, line, clock.now())) log(l);
  };
  const history = opts.history ?? new WireHistory(cfg.historyCapacity);
  const broadcaster = new Broadcaster<ViewerLink>(history, cfg.top, log);
  const arbiter = new IntervalArbiter(opts.source, cfg.minIntervalMs, log, (ms) => broadcaster.sendAll({ type: 'interval', intervalMs: ms }));
  const context: LinkContext = {
    history,
    archive,
    wireTop: cfg.top,
    newestDroppedTime: () => broadcaster.newestDroppedTime(),
    maxBufferedBytes: cfg.maxBufferedBytes,
    maxMessagesPerSec: cfg.maxMessagesPerSec,
    onIntervalRequest: () => arbiter.decide(broadcaster.all().map((l) => l.intervalRequest)),
    log: (line) => note('viewer', line),
    clock,
  };
  const budgets = new AddressBudgets({ ...DEFAULT_REQUEST_BUDGET, ...opts.budget }, clock);
  return { cfg, clock, log, note, limiter, source: opts.source, history, archive, broadcaster, alertLinks: new Set(), alertFeed: opts.alertFeed, arbiter, budgets, context };
}

function hello(p: AgentParts): HelloMessage {
  const { history, arbiter, cfg } = p;
  return {
    type: 'hello',
    protocolVersion: PROTOCOL_VERSION,
    agentVersion: tmonVersion(),
    host: history.host ?? null,
    intervalMs: arbiter.currentMs,
    baseIntervalMs: arbiter.baseMs,
    limits: {
      minIntervalMs: cfg.minIntervalMs,
      maxIntervalMs: arbiter.baseMs,
      maxPayloadBytes: cfg.maxPayloadBytes,
      historySamples: history.capacity,
      maxMessagesPerSec: cfg.maxMessagesPerSec,
      heartbeatMs: cfg.heartbeatMs,
    },
    history: { count: history.length, oldest: history.timeAt(0) ?? null, newest: history.timeAt(history.length - 1) ?? null },
    archive: p.archive ? p.archive.extent() : null,
  };
}

/** A viewer the gate let in: it joins the broadcast with its address's request budget, and gets the hello. */
function admitViewer(p: AgentParts, ws: WebSocket, socket: Duplex, req: http.IncomingMessage, peer: string): void {
  const lease = p.budgets.acquire(req.socket.remoteAddress ?? '?');
  const link = new ViewerLink(ws, socket, peer, p.context, lease.buckets);
  p.broadcaster.add(link);
  ws.on('close', (code) => {
    p.broadcaster.delete(link);
    p.alertLinks.delete(link);
    lease.release();
    p.note('viewer left', `viewer ${peer} left (${code}); ${p.broadcaster.size} viewer(s)`);
    if (link.intervalRequest !== null) p.context.onIntervalRequest();
  });
  link.send(hello(p));
  if (p.alertFeed && wantsAlerts(req.url)) {
    p.alertLinks.add(link);
    link.send(p.alertFeed.message());
  }
  p.note('viewer connected', `viewer ${peer} connected; ${p.broadcaster.size} viewer(s)`);
}

/** Feeds the source's samples to the broadcaster until the source ends or the agent stops. */
async function pump(p: AgentParts, stopped: () => boolean): Promise<void> {
  try {
    for await (const raw of p.source.samples()) {
      if (stopped()) break;
      try {
        p.broadcaster.publish(raw);
      } catch (err) {
        // One sample that cannot be prepared must not stop sampling for good.
        p.log(`sample at ${String(raw.time)} skipped: ${errorMessage(err)}`);
      }
    }
  } catch (err) {
    p.log(`sampling stopped: ${errorMessage(err)}`);
  }
}

function stats(p: AgentParts): AgentStats {
  const links = p.broadcaster.all();
  return {
    viewers: links.length,
    bufferedBytes: links.map((l) => l.bufferedAmount),
    costs: links.map((l) => ({ ...l.cost })),
    historySamples: p.history.length,
    historyBytes: p.history.storedBytes,
    intervalMs: p.arbiter.currentMs,
  };
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
  const archive = opts.archive ? new AgentArchive(opts.archive, log) : undefined;
  // Opened before listening, so the first hello already tells what is stored.
  await archive?.snapshot();
  const p = createParts(opts, log, archive);
  const { cfg, clock, broadcaster } = p;
  const checkToken = opts.token !== undefined ? tokenChecker(opts.token) : undefined;
  const hostNames = allowedHostNames(hostname(), opts.allowedHosts);
  const server = createHttpServer(opts.tls);
  const sessions = new BrowserSessions();
  const checkSession = (req: http.IncomingMessage): boolean => hasSession(req, sessions);
  const web = opts.page ? webPageHandler({ files: opts.page, sessions, checkToken, secure: opts.tls !== undefined, clock }) : undefined;
  const gate = new UpgradeGate(
    server,
    { checkToken, checkSession, hostNames, maxViewers: cfg.maxViewers, maxPayloadBytes: cfg.maxPayloadBytes, pending: cfg.pending, viewers: () => broadcaster.size, note: (kind, line) => p.note(kind, line), clock },
    (ws, socket, req, peer) => admitViewer(p, ws, socket, req, peer),
  );
  const health = (): Health => ({ viewers: broadcaster.size, samples: p.history.length, intervalMs: p.arbiter.currentMs });
  server.on('request', httpRequestHandler({ hostNames, startedAt: clock.now(), health, clock, checkToken, checkSession, web, ...(opts.metrics ? { metrics: opts.metrics } : {}), ...(opts.alerts ? { alerts: opts.alerts } : {}) }));
  const port = await listen(server, opts.listen, log);
  const scheme = opts.tls ? 'wss' : 'ws';
  log(`tmon agent ${tmonVersion()} listening on ${scheme}://${opts.listen.host}:${port} (${checkToken ? 'token required' : 'no token'}, every ${p.arbiter.baseMs} ms, history ${p.history.capacity} samples)`);

  const heartbeat = new Heartbeat({
    everyMs: cfg.heartbeatMs,
    links: () => broadcaster.all(),
    onDrop: (link, why) => p.note('viewer', `viewer ${link.name} ${why}: dropped`),
    onBeat: () => p.budgets.forgetIdle(clock.monotonic()),
    clock,
  });
  // A flood that stopped is still summarised.
  const summaries = clock.every(1000, () => flushLog(p, false)).unref();
  let closing = false;
  void pump(p, () => closing);
  const stopAlerts = p.alertFeed?.onChange(() => sendAlerts(p));

  return {
    address: { host: opts.listen.host, port },
    viewers: () => broadcaster.size,
    stats: () => stats(p),
    async close(): Promise<void> {
      if (closing) return;
      closing = true;
      heartbeat.stop();
      summaries.cancel();
      stopAlerts?.();
      gate.close();
      await broadcaster.closeAll(CLOSE_GRACE_MS, clock);
      p.arbiter.restore();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await archive?.close();
      flushLog(p, true);
      log('tmon agent stopped');
    },
  };
}

/** The alert rules' state to every viewer that asked for it. */
function sendAlerts(p: AgentParts): void {
  if (!p.alertFeed || p.alertLinks.size === 0) return;
  const msg = p.alertFeed.message();
  for (const link of p.alertLinks) link.send(msg);
}

function flushLog(p: AgentParts, final: boolean): void {
  for (const l of p.limiter.flush(p.clock.now(), final)) p.log(l);
}
