import { WebSocket, type RawData } from 'ws';
import { UserError } from '../core/errors.js';
import { realClock, type Clock, type Timer } from '../core/clock.js';
import { backoffDelay, describeFailure, type LinkFailure, type LinkState } from './link-state.js';
import { LinkWatchdog } from './link-watch.js';
import type { RemoteTarget } from './remote-target.js';

export type LinkStateListener = (state: LinkState, lastError: string | undefined) => void;

export interface SocketOptions {
  /** Sent as `Authorization: Bearer <token>` on the upgrade. */
  token?: string;
  /** PEM contents of the CA (or the self-signed certificate) to trust for wss://. */
  ca?: string | Buffer;
  /** Reconnect delays: initialMs doubling up to maxMs, jittered (defaults 500 and 10 000). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How long one connection attempt may take (default 10 s). */
  connectTimeoutMs?: number;
  /** Largest frame accepted from the agent (default 16 MiB). */
  maxPayloadBytes?: number;
  /** Timers of the backoff and the watchdog (default: real ones). */
  clock?: Clock;
  /** The backoff's jitter, in [0, 1) (default Math.random). */
  random?: () => number;
}

/** What the socket tells its owner. */
export interface SocketEvents {
  /** A frame arrived on the current connection. */
  frame(data: RawData, isBinary: boolean): void;
  /** The connection ended, to be retried or for good: whatever was under way on it is lost. */
  dropped(): void;
}

/** Heartbeat assumed until the agent's hello tells its own. */
const DEFAULT_HEARTBEAT_MS = 15_000;

/** One connection attempt and what it learned before it ended. */
interface Attempt {
  ws: WebSocket;
  failure: LinkFailure | undefined;
  live: boolean;
  watchdog: LinkWatchdog | undefined;
}

/**
 * A WebSocket to one agent that keeps itself up: it connects at once, watches
 * the link by the agent's heartbeat (LinkWatchdog), turns how an attempt ended
 * into one line for the person (describeFailure), and reconnects with jittered
 * exponential backoff until closed, except after an authentication or version
 * failure, which need the person to act. Its state is what the overview shows.
 */
export class ReconnectingSocket {
  private linkState: LinkState = 'connecting';
  private error: string | undefined;
  private attempt: Attempt | undefined;
  private failedAttempts = 0;
  private everLive = false;
  private closed = false;
  private reconnectTimer: Timer | undefined;
  private readonly clock: Clock;
  private readonly listeners = new Set<LinkStateListener>();
  private readonly firstLive: Promise<void>;
  private settleFirst: { resolve(): void; reject(err: Error): void } | undefined;

  constructor(
    readonly target: RemoteTarget,
    private readonly opts: SocketOptions,
    private readonly events: SocketEvents,
  ) {
    this.clock = opts.clock ?? realClock;
    this.firstLive = new Promise<void>((resolve, reject) => {
      this.settleFirst = { resolve, reject };
    });
    // ready() may never be called (the overview watches onState instead).
    this.firstLive.catch(() => {});
    this.connect();
  }

  get state(): LinkState {
    return this.linkState;
  }

  get lastError(): string | undefined {
    return this.error;
  }

  onState(listener: LinkStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the link first goes live; rejects with a UserError if the first attempt fails. */
  ready(): Promise<void> {
    return this.firstLive;
  }

  /**
   * The agent's hello arrived: the link is live and watched by the agent's
   * heartbeat. `greet` sends what a new link needs (it may send already),
   * before the state turns live.
   */
  live(heartbeatMs: number, greet: () => void): void {
    const attempt = this.attempt;
    if (!attempt) return;
    attempt.live = true;
    this.failedAttempts = 0;
    this.everLive = true;
    this.watch(attempt, heartbeatMs);
    greet();
    this.setState('live', undefined);
    this.settleFirst?.resolve();
    this.settleFirst = undefined;
  }

  /** Whether the current connection has had its hello. */
  get isLive(): boolean {
    return this.attempt?.live === true;
  }

  /** Sends on a live connection; false when there is none. */
  send(text: string): boolean {
    const ws = this.attempt?.ws;
    if (!this.attempt?.live || ws?.readyState !== WebSocket.OPEN) return false;
    ws.send(text);
    return true;
  }

  /** Ends the current connection because of what the agent sent; `failure` is why, for the person. */
  fail(failure: LinkFailure, code: number, reason: string): void {
    const attempt = this.attempt;
    if (!attempt) return;
    attempt.failure ??= failure;
    attempt.ws.close(code, reason.slice(0, 120));
  }

  /** Why the coming close happens, as the agent said it (an `error` message). */
  explain(failure: LinkFailure): void {
    if (this.attempt) this.attempt.failure ??= failure;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reconnectTimer?.cancel();
    this.settleFirst?.reject(new UserError(`connection to ${this.target.label} closed`));
    const attempt = this.attempt;
    if (attempt && attempt.ws.readyState !== WebSocket.CLOSED) {
      const gone = new Promise<void>((resolve) => attempt.ws.once('close', () => resolve()));
      if (attempt.ws.readyState === WebSocket.OPEN) attempt.ws.close(1000, 'viewer closed');
      else attempt.ws.terminate();
      const timer = this.clock.after(1000, () => attempt.ws.terminate());
      await gone;
      timer.cancel();
    }
    this.setState('closed', undefined);
  }

  private setState(state: LinkState, error: string | undefined): void {
    if (state === this.linkState && error === this.error) return;
    this.linkState = state;
    this.error = error;
    for (const listener of this.listeners) listener(state, error);
  }

  private connect(): void {
    if (this.closed) return;
    const ws = new WebSocket(this.target.url, {
      headers: this.opts.token !== undefined ? { Authorization: `Bearer ${this.opts.token}` } : {},
      ...(this.opts.ca !== undefined ? { ca: this.opts.ca } : {}),
      handshakeTimeout: this.opts.connectTimeoutMs ?? 10_000,
      maxPayload: this.opts.maxPayloadBytes ?? 16 * 1024 * 1024,
      perMessageDeflate: true,
    });
    const attempt: Attempt = { ws, failure: undefined, live: false, watchdog: undefined };
    this.attempt = attempt;
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 500) body += chunk;
      });
      const finish = (): void => {
        attempt.failure ??= { kind: 'http', status: res.statusCode ?? 0, body: body.trim().slice(0, 300) };
        ws.terminate();
      };
      res.on('end', finish);
      res.on('error', finish);
    });
    ws.on('error', (err: NodeJS.ErrnoException) => {
      attempt.failure ??= { kind: 'socket', code: err.code, message: err.message };
    });
    ws.on('open', () => this.watch(attempt, DEFAULT_HEARTBEAT_MS));
    ws.on('ping', () => attempt.watchdog?.heard());
    ws.on('pong', () => attempt.watchdog?.heard());
    ws.on('message', (data, isBinary) => {
      attempt.watchdog?.heard();
      if (this.attempt === attempt) this.events.frame(data, isBinary);
    });
    ws.on('close', (code, reason) => {
      attempt.watchdog?.stop();
      this.onClosed(attempt, attempt.failure ?? { kind: 'closed', code, reason: reason.toString('utf8') });
    });
  }

  /** Pings a quiet agent and drops a link that stays silent (see LinkWatch), timed by the agent's heartbeat. */
  private watch(attempt: Attempt, heartbeatMs: number): void {
    attempt.watchdog?.stop();
    attempt.watchdog = new LinkWatchdog(
      heartbeatMs,
      {
        ping: () => {
          if (attempt.ws.readyState === WebSocket.OPEN) attempt.ws.ping();
        },
        dead: (silentMs) => {
          attempt.failure ??= { kind: 'silent', ms: silentMs };
          attempt.ws.terminate();
        },
      },
      this.clock,
    );
  }

  private onClosed(attempt: Attempt, failure: LinkFailure): void {
    if (this.attempt === attempt) this.attempt = undefined;
    this.events.dropped();
    if (this.closed) return;
    const verdict = describeFailure(this.target, failure, attempt.live);
    this.settleFirst?.reject(new UserError(verdict.message));
    this.settleFirst = undefined;
    if (!verdict.retry) {
      this.setState(verdict.finalState ?? 'unreachable', verdict.message);
      return;
    }
    this.setState(this.everLive ? 'reconnecting' : 'unreachable', verdict.message);
    const delay = backoffDelay(this.failedAttempts++, this.opts.backoff?.initialMs ?? 500, this.opts.backoff?.maxMs ?? 10_000, this.opts.random);
    this.reconnectTimer = this.clock.after(delay, () => this.connect());
  }
}
