import type { RawData } from 'ws';
import { UserError, errorMessage } from '../core/errors.js';
import type { Sample } from '../core/sample.js';
import type { SampleSource } from '../core/source.js';
import { ProtocolMismatchError, WireError, decodeAgentMessage } from '../protocol/wire-decode.js';
import {
  ALERTS_QUERY,
  CloseCode,
  HISTORY_END,
  encodeMessage,
  historyRequest,
  setIntervalRequest,
  type AgentMessage,
  type AlertsMessage,
  type ArchiveExtent,
  type HelloMessage,
  type HistoryMessage,
  type ViewerMessage,
} from '../protocol/wire-messages.js';
import { frameText } from './frame-text.js';
import type { LinkFailure, LinkState } from './link-state.js';
import { ReconnectingSocket, type LinkStateListener } from './reconnecting-socket.js';
import { parseTarget, type RemoteTarget } from './remote-target.js';
import { RequestChannel, type StoredSpikes } from './request-channel.js';
import { SampleStream } from './sample-stream.js';

export type { LinkStateListener } from './reconnecting-socket.js';
export type { StoredSpikes } from './request-channel.js';

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

/**
 * The samples of a remote `tmon agent`. On every (re)connect it asks for what
 * it has not seen yet — everything the agent holds the first time, everything
 * after its last sample after a drop — and yields those before live samples,
 * in time order, never the same time twice (SampleStream). It reconnects on
 * its own (ReconnectingSocket) and carries history and spikes requests
 * (RequestChannel); this class reads the agent's messages and hands each to
 * the part it is for.
 *
 * Connecting starts in the constructor. `samples()` has one consumer.
 */
export class RemoteSource implements SampleSource {
  readonly kind = 'remote' as const;
  readonly label: string;
  readonly target: RemoteTarget;
  private helloMessage: HelloMessage | undefined;
  private archiveExtent: ArchiveExtent | null = null;
  private agentInterval: number | undefined;
  private wantedInterval: number | null = null;
  private alertsMessage: AlertsMessage | undefined;
  /** Whether this connection's agent sent `alert` (it does right after hello, or never). */
  private alertsSinceHello = false;
  private readonly alertListeners = new Set<(msg: AlertsMessage) => void>();
  private readonly stream = new SampleStream();
  private readonly channel: RequestChannel;
  private readonly socket: ReconnectingSocket;

  constructor(target: string, opts: RemoteSourceOptions = {}) {
    this.target = parseTarget(target, { tls: opts.tls });
    this.label = this.target.label;
    this.channel = new RequestChannel((msg) => this.send(msg), opts.maxReplySamples);
    // Asks for `alert` messages; an agent from before them ignores the query.
    this.socket = new ReconnectingSocket({ ...this.target, url: `${this.target.url}?${ALERTS_QUERY}` }, opts, {
      frame: (data, isBinary) => this.onFrame(data, isBinary),
      dropped: () => {
        this.stream.dropped();
        this.channel.rejectAll(new UserError(`lost the connection to ${this.label} while fetching history`));
      },
    });
  }

  get state(): LinkState {
    return this.socket.state;
  }

  /** The current problem in one line, or undefined while all is well. */
  get lastError(): string | undefined {
    return this.socket.lastError;
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

  /** The agent's alert rules and those firing, as last sent; undefined while it sent none (no rules, or older than alerts). */
  get alerts(): AlertsMessage | undefined {
    return this.alertsMessage;
  }

  /** Calls `listener` with each `alert` message (after hello, and when a rule fires or resolves); returns the unsubscribe function. */
  onAlerts(listener: (msg: AlertsMessage) => void): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
  }

  /** Calls `listener` on every change of state or error; returns the unsubscribe function. */
  onState(listener: LinkStateListener): () => void {
    return this.socket.onState(listener);
  }

  /**
   * Resolves on the first hello; rejects with a UserError if the first
   * attempt fails (auth, version, unreachable, TLS). The source keeps retrying
   * in the background after a retryable failure until closed.
   */
  ready(): Promise<void> {
    return this.socket.ready();
  }

  samples(): AsyncIterable<Sample> {
    return this.stream.samples();
  }

  /**
   * Samples with from ≤ time ≤ to the agent holds, oldest first. Not yielded by
   * samples(). With `archive`, what is older than the agent's memory comes from
   * its store, at most `archive.maxSamples` in all (oldest first).
   */
  requestHistory(from: number, to: number, opts: { archive?: boolean } = {}): Promise<Sample[]> {
    return this.whileLive(() => this.channel.history(from, to, opts.archive === true));
  }

  /** The spikes in the agent's store that overlap [from, to], in start order; none when it keeps no store. */
  requestSpikes(from: number, to: number): Promise<StoredSpikes> {
    return this.whileLive(() => this.channel.spikes(from, to));
  }

  /** Asks the agent to sample this fast while this viewer watches (clamped by the agent); null withdraws. */
  setIntervalMs(ms: number | null): void {
    this.wantedInterval = ms;
    this.send(setIntervalRequest(ms));
  }

  async close(): Promise<void> {
    await this.socket.close();
    this.stream.end();
  }

  private whileLive<T>(request: () => Promise<T>): Promise<T> {
    if (this.state !== 'live') {
      return Promise.reject(new UserError(`not connected to ${this.label}${this.lastError ? `: ${this.lastError}` : ''}`));
    }
    return request();
  }

  private send(msg: ViewerMessage): boolean {
    return this.socket.send(encodeMessage(msg));
  }

  private fail(failure: LinkFailure, code: number, reason: string): void {
    this.socket.fail(failure, code, reason);
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    const msg = this.decode(data, isBinary);
    if (!msg) return;
    if (!this.socket.isLive && msg.type !== 'hello' && msg.type !== 'error') {
      this.fail({ kind: 'protocol', message: `'${msg.type}' before hello` }, CloseCode.malformed, 'expected hello first');
      return;
    }
    switch (msg.type) {
      case 'hello':
        this.onHello(msg);
        break;
      case 'sample':
        this.checkAlertsGone();
        if (!this.stream.live(msg.sample)) this.fail({ kind: 'protocol', message: 'the catch-up never ended' }, CloseCode.policy, 'the catch-up never ended');
        break;
      case 'history':
        this.checkAlertsGone();
        this.onHistory(msg);
        break;
      case 'interval':
        this.agentInterval = msg.intervalMs;
        break;
      case 'spikes':
        this.archiveExtent = msg.archive;
        this.channel.onSpikes(msg);
        break;
      case 'alert':
        this.alertsSinceHello = true;
        this.setAlerts(msg);
        break;
      case 'error':
        this.socket.explain({ kind: 'agent-error', code: msg.code, message: msg.message });
        break;
    }
  }

  /** The agent's message, or undefined after dropping the link for what it sent. */
  private decode(data: RawData, isBinary: boolean): AgentMessage | undefined {
    if (isBinary) {
      this.fail({ kind: 'protocol', message: 'binary frame' }, CloseCode.malformed, 'binary frames are not part of the protocol');
      return undefined;
    }
    try {
      return decodeAgentMessage(frameText(data));
    } catch (err) {
      if (err instanceof ProtocolMismatchError) {
        this.fail({ kind: 'version', agentProtocol: err.agentProtocol, agentVersion: err.agentVersion }, err.code, err.message);
      } else if (err instanceof WireError) {
        this.fail({ kind: 'protocol', message: err.message }, err.code, err.message);
      } else {
        this.fail({ kind: 'protocol', message: errorMessage(err) }, CloseCode.internalError, 'internal error');
      }
      return undefined;
    }
  }

  private setAlerts(msg: AlertsMessage): void {
    this.alertsMessage = msg;
    for (const l of this.alertListeners) l(msg);
  }

  /** An agent that sent no `alert` after this hello has no rules now (restarted without them): its old ones are gone. */
  private checkAlertsGone(): void {
    if (this.alertsSinceHello) return;
    this.alertsSinceHello = true;
    const last = this.alertsMessage;
    if (last && last.alerts.rules.length > 0) this.setAlerts({ type: 'alert', at: null, alerts: { ...last.alerts, rules: [], firing: [] } });
  }

  private onHello(hello: HelloMessage): void {
    this.helloMessage = hello;
    this.alertsSinceHello = false;
    this.archiveExtent = hello.archive;
    this.agentInterval = hello.intervalMs;
    this.socket.live(hello.limits.heartbeatMs, () => {
      const id = this.channel.newId();
      this.send(historyRequest(id, this.stream.beginCatchUp(id), HISTORY_END));
      if (this.wantedInterval !== null) this.send(setIntervalRequest(this.wantedInterval));
    });
    this.channel.flush();
  }

  private onHistory(msg: HistoryMessage): void {
    if (this.stream.catchUpChunk(msg)) return;
    const problem = this.channel.onHistory(msg);
    if (problem) this.fail({ kind: 'protocol', message: problem }, CloseCode.policy, 'history reply too long');
  }
}
