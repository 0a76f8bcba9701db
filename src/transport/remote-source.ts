import { WebSocket, type RawData } from 'ws';
import { UserError, errorMessage } from '../core/errors.js';
import type { Sample } from '../core/sample.js';
import type { SampleSource } from '../core/source.js';
import type { Spike } from '../core/spike.js';
import { ProtocolMismatchError, WireError, decodeAgentMessage } from '../protocol/wire-decode.js';
import {
  CloseCode,
  HISTORY_END,
  encodeMessage,
  historyRequest,
  setIntervalRequest,
  spikesRequest,
  type AgentMessage,
  type ArchiveExtent,
  type HelloMessage,
  type HistoryMessage,
  type SpikesMessage,
  type ViewerMessage,
} from '../protocol/wire-messages.js';
import { AsyncQueue } from './async-queue.js';
import { backoffDelay, describeFailure, type LinkFailure, type LinkState } from './link-state.js';
import { parseTarget, type RemoteTarget } from './remote-target.js';
import { frameText } from './frame-text.js';
import { LinkWatch } from './link-watch.js';

export interface RemoteSourceOptions {
  /** Sent as `Authorization: Bearer <token>` on the upgrade. */
  token?: string;
  /** Use TLS (wss://) for a target given without a scheme. */
  tls?: boolean;
  /** PEM contents of the CA (or the self-signed certificate) to trust for wss://. */
  ca?: string | Buffer;
  /** Reconnect delays: initialMs doubling up to maxMs, jittered (defaults 500 and 10 000). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How long one connection attempt may take (default 10 s). */
  connectTimeoutMs?: number;
  /** The most samples one requestHistory reply may bring before the link is dropped (default 86,400: no agent holds more in memory). */
  maxReplySamples?: number;
  /** Largest frame accepted from the agent (default 16 MiB; history comes in ~256 KB chunks). */
  maxPayloadBytes?: number;
}

export type LinkStateListener = (state: LinkState, lastError: string | undefined) => void;

/** The agent's answer to requestSpikes. */
export interface StoredSpikes {
  spikes: Spike[];
  /** The agent's store now; null when it keeps none. */
  archive: ArchiveExtent | null;
  /** Why the store could not be read, when it could not. */
  problem?: string;
}

/** A request waiting for its reply: samples in chunks, or the spikes in one message. */
type Pending =
  | {
      kind: 'history';
      id: number;
      from: number;
      to: number;
      archive: boolean;
      samples: Sample[];
      resolve(samples: Sample[]): void;
      reject(err: Error): void;
    }
  | { kind: 'spikes'; id: number; from: number; to: number; resolve(reply: StoredSpikes): void; reject(err: Error): void };

/** One connection attempt and what it learned before it ended. */
interface Attempt {
  ws: WebSocket;
  failure: LinkFailure | undefined;
  live: boolean;
  watch: LinkWatch;
  watchdog: NodeJS.Timeout | undefined;
}

/** History and spikes requests this viewer keeps in flight; the agent refuses more than 4. */
const MAX_HISTORY_IN_FLIGHT = 2;
const DEFAULT_HEARTBEAT_MS = 15_000;
/** The most samples one requested history reply may bring: no agent holds more in memory (--history's bound). */
const MAX_REPLY_SAMPLES = 86_400;
/** Live samples held while the catch-up streams in (an hour at 1 s); an agent whose catch-up never ends is dropped. */
const MAX_HELD_LIVE = 3600;

/**
 * The samples of a remote `tmon agent`. On every (re)connect it asks for what
 * it has not seen yet — everything the agent holds the first time, everything
 * after its last sample after a drop — and yields those before live samples,
 * in time order, never the same time twice. It reconnects on its own with
 * jittered exponential backoff until closed, except after an authentication
 * or version failure, which need the person to act.
 *
 * Connecting starts in the constructor. `samples()` has one consumer.
 */
export class RemoteSource implements SampleSource {
  readonly kind = 'remote' as const;
  readonly label: string;
  readonly target: RemoteTarget;
  private linkState: LinkState = 'connecting';
  private error: string | undefined;
  private helloMessage: HelloMessage | undefined;
  private archiveExtent: ArchiveExtent | null = null;
  private agentInterval: number | undefined;
  private attempt: Attempt | undefined;
  private failedAttempts = 0;
  private everLive = false;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Time of the newest sample yielded: the dedupe and resume point. */
  private lastTime = -Infinity;
  /** While the catch-up reply streams in, live samples wait here. */
  private backfill: { id: number; heldLive: Sample[] } | undefined;
  private readonly inFlight = new Map<number, Pending>();
  private readonly waiting: Pending[] = [];
  private nextId = 1;
  private wantedInterval: number | null = null;
  private readonly queue = new AsyncQueue<Sample>();
  private readonly listeners = new Set<LinkStateListener>();
  private readonly firstHello: Promise<void>;
  private settleFirst: { resolve(): void; reject(err: Error): void } | undefined;

  constructor(
    target: string,
    private readonly opts: RemoteSourceOptions = {},
  ) {
    this.target = parseTarget(target, { tls: opts.tls });
    this.label = this.target.label;
    this.firstHello = new Promise<void>((resolve, reject) => {
      this.settleFirst = { resolve, reject };
    });
    // ready() may never be called (the overview watches onState instead).
    this.firstHello.catch(() => {});
    this.connect();
  }

  get state(): LinkState {
    return this.linkState;
  }

  /** The current problem in one line, or undefined while all is well. */
  get lastError(): string | undefined {
    return this.error;
  }

  /** The agent's hello of the current or last connection. */
  get agent(): HelloMessage | undefined {
    return this.helloMessage;
  }

  /** The agent's store (--store) as last announced (hello, or a spikes reply); null when it keeps none. */
  get archive(): ArchiveExtent | null {
    return this.archiveExtent;
  }

  /** The agent's sampling interval as last announced. */
  get intervalMs(): number | undefined {
    return this.agentInterval;
  }

  /** Calls `listener` on every change of state or error; returns the unsubscribe function. */
  onState(listener: LinkStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves on the first hello; rejects with a UserError if the first
   * attempt fails (auth, version, unreachable, TLS). The source keeps retrying
   * in the background after a retryable failure until closed.
   */
  ready(): Promise<void> {
    return this.firstHello;
  }

  samples(): AsyncIterable<Sample> {
    return this.queue;
  }

  /**
   * Samples with from ≤ time ≤ to the agent holds, oldest first. Not yielded by
   * samples(). With `archive`, what is older than the agent's memory comes from
   * its store, at most `archive.maxSamples` in all (oldest first).
   */
  requestHistory(from: number, to: number, opts: { archive?: boolean } = {}): Promise<Sample[]> {
    return this.request<Sample[]>((resolve, reject) => ({ kind: 'history', id: this.nextId++, from, to, archive: opts.archive === true, samples: [], resolve, reject }));
  }

  /** The spikes in the agent's store that overlap [from, to], in start order; none when it keeps no store. */
  requestSpikes(from: number, to: number): Promise<StoredSpikes> {
    return this.request<StoredSpikes>((resolve, reject) => ({ kind: 'spikes', id: this.nextId++, from, to, resolve, reject }));
  }

  private request<T>(make: (resolve: (value: T) => void, reject: (err: Error) => void) => Pending): Promise<T> {
    if (this.linkState !== 'live') {
      return Promise.reject(new UserError(`not connected to ${this.label}${this.error ? `: ${this.error}` : ''}`));
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(make(resolve, reject));
      this.sendWaitingRequests();
    });
  }

  /** Asks the agent to sample this fast while this viewer watches (clamped by the agent); null withdraws. */
  setIntervalMs(ms: number | null): void {
    this.wantedInterval = ms;
    this.send(setIntervalRequest(ms));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.settleFirst?.reject(new UserError(`connection to ${this.label} closed`));
    const attempt = this.attempt;
    if (attempt && attempt.ws.readyState !== WebSocket.CLOSED) {
      const gone = new Promise<void>((resolve) => attempt.ws.once('close', () => resolve()));
      if (attempt.ws.readyState === WebSocket.OPEN) attempt.ws.close(1000, 'viewer closed');
      else attempt.ws.terminate();
      const timer = setTimeout(() => attempt.ws.terminate(), 1000);
      await gone;
      clearTimeout(timer);
    }
    this.queue.end();
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
    const attempt: Attempt = { ws, failure: undefined, live: false, watch: new LinkWatch(DEFAULT_HEARTBEAT_MS, Date.now()), watchdog: undefined };
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
    ws.on('ping', () => attempt.watch.heard(Date.now()));
    ws.on('pong', () => attempt.watch.heard(Date.now()));
    ws.on('message', (data, isBinary) => {
      attempt.watch.heard(Date.now());
      this.onFrame(attempt, data, isBinary);
    });
    ws.on('close', (code, reason) => {
      clearInterval(attempt.watchdog);
      this.onClosed(attempt, attempt.failure ?? { kind: 'closed', code, reason: reason.toString('utf8') });
    });
  }

  /** Pings a quiet agent and drops a link that stays silent (see LinkWatch), timed by the agent's heartbeat. */
  private watch(attempt: Attempt, heartbeatMs: number): void {
    clearInterval(attempt.watchdog);
    const watch = new LinkWatch(heartbeatMs, Date.now());
    attempt.watch = watch;
    attempt.watchdog = setInterval(() => {
      const now = Date.now();
      const todo = watch.tick(now);
      if (todo === 'ping' && attempt.ws.readyState === WebSocket.OPEN) attempt.ws.ping();
      if (todo === 'dead') {
        attempt.failure ??= { kind: 'silent', ms: watch.deadAfterMs };
        attempt.ws.terminate();
      }
    }, watch.tickMs);
  }

  private fail(attempt: Attempt, failure: LinkFailure, code: number, reason: string): void {
    attempt.failure ??= failure;
    attempt.ws.close(code, reason.slice(0, 120));
  }

  private onFrame(attempt: Attempt, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.fail(attempt, { kind: 'protocol', message: 'binary frame' }, CloseCode.malformed, 'binary frames are not part of the protocol');
      return;
    }
    let msg: AgentMessage;
    try {
      msg = decodeAgentMessage(frameText(data));
    } catch (err) {
      if (err instanceof ProtocolMismatchError) {
        this.fail(attempt, { kind: 'version', agentProtocol: err.agentProtocol, agentVersion: err.agentVersion }, err.code, err.message);
      } else if (err instanceof WireError) {
        this.fail(attempt, { kind: 'protocol', message: err.message }, err.code, err.message);
      } else {
        this.fail(attempt, { kind: 'protocol', message: errorMessage(err) }, CloseCode.internalError, 'internal error');
      }
      return;
    }
    if (!attempt.live && msg.type !== 'hello' && msg.type !== 'error') {
      this.fail(attempt, { kind: 'protocol', message: `'${msg.type}' before hello` }, CloseCode.malformed, 'expected hello first');
      return;
    }
    switch (msg.type) {
      case 'hello':
        this.onHello(attempt, msg);
        break;
      case 'sample':
        if (!this.backfill) this.emit(msg.sample);
        else if (this.backfill.heldLive.length < MAX_HELD_LIVE) this.backfill.heldLive.push(msg.sample);
        else this.fail(attempt, { kind: 'protocol', message: 'the catch-up never ended' }, CloseCode.policy, 'the catch-up never ended');
        break;
      case 'history':
        this.onHistory(attempt, msg);
        break;
      case 'interval':
        this.agentInterval = msg.intervalMs;
        break;
      case 'spikes':
        this.onSpikes(msg);
        break;
      case 'error':
        attempt.failure ??= { kind: 'agent-error', code: msg.code, message: msg.message };
        break;
    }
  }

  private onHello(attempt: Attempt, hello: HelloMessage): void {
    attempt.live = true;
    this.helloMessage = hello;
    this.archiveExtent = hello.archive;
    this.agentInterval = hello.intervalMs;
    this.failedAttempts = 0;
    this.everLive = true;
    this.watch(attempt, hello.limits.heartbeatMs);
    const id = this.nextId++;
    this.backfill = { id, heldLive: [] };
    // Times are integer ms, so +1 asks for exactly what came after the newest sample we have.
    const from = this.lastTime === -Infinity ? 0 : this.lastTime + 1;
    this.send(historyRequest(id, from, HISTORY_END));
    if (this.wantedInterval !== null) this.send(setIntervalRequest(this.wantedInterval));
    this.setState('live', undefined);
    this.sendWaitingRequests();
    this.settleFirst?.resolve();
    this.settleFirst = undefined;
  }

  private onHistory(attempt: Attempt, msg: HistoryMessage): void {
    const backfill = this.backfill;
    if (backfill && msg.id === backfill.id) {
      // Yielded as they come (all older than the live samples held meanwhile): the viewer keeps no second copy.
      for (const s of msg.samples) this.emit(s);
      if (!msg.done) return;
      this.backfill = undefined;
      for (const s of backfill.heldLive) this.emit(s);
      return;
    }
    const pending = this.inFlight.get(msg.id);
    if (pending?.kind !== 'history') return;
    const max = this.opts.maxReplySamples ?? MAX_REPLY_SAMPLES;
    if (pending.samples.length + msg.samples.length > max) {
      this.fail(attempt, { kind: 'protocol', message: `a history reply of more than ${max} samples` }, CloseCode.policy, 'history reply too long');
      return;
    }
    for (const s of msg.samples) pending.samples.push(s);
    if (!msg.done) return;
    this.inFlight.delete(msg.id);
    pending.resolve(pending.samples);
    this.sendWaitingRequests();
  }

  private onSpikes(msg: SpikesMessage): void {
    this.archiveExtent = msg.archive;
    const pending = this.inFlight.get(msg.id);
    if (pending?.kind !== 'spikes') return;
    this.inFlight.delete(msg.id);
    pending.resolve({ spikes: msg.spikes, archive: msg.archive, ...(msg.problem !== undefined ? { problem: msg.problem } : {}) });
    this.sendWaitingRequests();
  }

  private emit(sample: Sample): void {
    if (sample.time <= this.lastTime) return;
    this.lastTime = sample.time;
    this.queue.push(sample);
  }

  private send(msg: ViewerMessage): boolean {
    const ws = this.attempt?.ws;
    if (!this.attempt?.live || ws?.readyState !== WebSocket.OPEN) return false;
    ws.send(encodeMessage(msg));
    return true;
  }

  private sendWaitingRequests(): void {
    while (this.inFlight.size < MAX_HISTORY_IN_FLIGHT && this.waiting.length > 0) {
      const req = this.waiting.shift() as Pending;
      const msg = req.kind === 'history' ? historyRequest(req.id, req.from, req.to, { archive: req.archive }) : spikesRequest(req.id, req.from, req.to);
      if (!this.send(msg)) {
        this.waiting.unshift(req);
        return;
      }
      this.inFlight.set(req.id, req);
    }
  }

  private onClosed(attempt: Attempt, failure: LinkFailure): void {
    if (this.attempt === attempt) this.attempt = undefined;
    this.backfill = undefined;
    const lost = new UserError(`lost the connection to ${this.label} while fetching history`);
    for (const req of [...this.inFlight.values(), ...this.waiting]) req.reject(lost);
    this.inFlight.clear();
    this.waiting.length = 0;
    if (this.closed) return;
    const verdict = describeFailure(this.target, failure, attempt.live);
    this.settleFirst?.reject(new UserError(verdict.message));
    this.settleFirst = undefined;
    if (!verdict.retry) {
      this.setState(verdict.finalState ?? 'unreachable', verdict.message);
      return;
    }
    this.setState(this.everLive ? 'reconnecting' : 'unreachable', verdict.message);
    const delay = backoffDelay(this.failedAttempts++, this.opts.backoff?.initialMs ?? 500, this.opts.backoff?.maxMs ?? 10_000);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }
}
