import type { RawData, WebSocket } from 'ws';
import { errorMessage } from '../core/errors.js';
import { WireError, decodeViewerMessage } from '../protocol/wire-decode.js';
import {
  CloseCode,
  encodeMessage,
  historyMessageFromEncoded,
  sampleMessageFromEncoded,
  type AgentMessage,
  type HistoryRequest,
} from '../protocol/wire-messages.js';
import { MessageRate, indexAfter, timeRange } from './agent-policy.js';
import type { WireHistory } from './wire-history.js';

/**
 * A history reply is cut into chunks of about this much JSON, each sent once
 * the previous one is written. Measured on an hour's backfill: 256 KB chunks
 * raised the agent's peak RSS by ~30 MB more than 64 KB; 16–32 KB gained nothing.
 */
const HISTORY_CHUNK_CHARS = 64 * 1024;
/** History requests one viewer may have queued; more is a misbehaving client. */
const MAX_PENDING_HISTORY = 4;
/** After an error+close, how long the peer gets to answer the close before the socket is cut. */
const CLOSE_GRACE_MS = 2000;

/** What a link needs from its agent. */
export interface LinkContext {
  readonly history: WireHistory;
  /** Time of the newest sample pushed out of history: a viewer whose cursor is older has missed samples. */
  newestDroppedTime(): number;
  readonly maxBufferedBytes: number;
  readonly maxMessagesPerSec: number;
  /** The viewer changed (or withdrew) its interval request. */
  onIntervalRequest(): void;
  log(line: string): void;
}

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** A close reason is at most 123 bytes. */
function closeReason(message: string): string {
  const b = Buffer.from(message, 'utf8');
  return b.length <= 123 ? message : `${b.subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '')}…`;
}

/**
 * One viewer's connection: validates what it sends, answers history requests
 * in paced chunks, and streams live samples from the agent's history with a
 * cursor, so a viewer whose send buffer is full is simply skipped and, once it
 * drains, resynced from history. Its memory on the agent stays bounded by
 * maxBufferedBytes plus one history chunk.
 */
export class ViewerLink {
  /** The interval this viewer asked for, or null. */
  intervalRequest: number | null = null;
  /** Cleared on each heartbeat ping, set by the pong. */
  alive = true;
  /** Time of the last live sample sent. */
  private liveCursor: number;
  private behind = false;
  private closing = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly rate: MessageRate;
  private readonly historyQueue: HistoryRequest[] = [];
  private historyRunning = false;
  private readonly closedWaiters = new Set<() => void>();

  constructor(
    readonly ws: WebSocket,
    readonly name: string,
    private readonly ctx: LinkContext,
  ) {
    this.liveCursor = ctx.history.timeAt(ctx.history.length - 1) ?? -Infinity;
    this.rate = new MessageRate(ctx.maxMessagesPerSec);
    // Without an 'error' listener ws throws on an oversized or invalid frame and takes the process down.
    ws.on('error', (err) => ctx.log(`viewer ${name}: ${errorMessage(err)}`));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.onClosed());
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  send(msg: AgentMessage): void {
    if (!this.closing) this.ws.send(encodeMessage(msg));
  }

  /** Sends every held sample newer than the cursor, until the send buffer is full. */
  pushLive(): void {
    if (this.closing) return;
    const history = this.ctx.history;
    if (this.liveCursor < this.ctx.newestDroppedTime()) {
      this.fail(CloseCode.tooSlow, 'this viewer read too slowly and missed samples the agent no longer holds; reconnect');
      return;
    }
    for (let i = indexAfter(history, this.liveCursor); i < history.length; i++) {
      if (this.ws.bufferedAmount > this.ctx.maxBufferedBytes) {
        if (!this.behind) this.ctx.log(`viewer ${this.name} reads slowly: holding samples back until it drains`);
        this.behind = true;
        return;
      }
      const time = history.timeAt(i);
      const json = history.jsonAt(i);
      if (time === undefined || json === undefined) break;
      this.ws.send(sampleMessageFromEncoded(json));
      this.liveCursor = time;
    }
    if (this.behind) this.ctx.log(`viewer ${this.name} caught up`);
    this.behind = false;
  }

  /** Sends an `error`, then closes with the same code; cuts the socket if the peer does not answer. */
  fail(code: number, message: string): void {
    if (this.closing) return;
    this.ctx.log(`viewer ${this.name}: ${message} (closing with ${code})`);
    this.send({ type: 'error', code, message });
    this.closing = true;
    this.ws.close(code, closeReason(message));
    this.closeTimer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closing) return;
    if (!this.rate.admit(Date.now())) {
      this.fail(CloseCode.rateLimited, `more than ${this.ctx.maxMessagesPerSec} messages per second`);
      return;
    }
    if (isBinary) {
      this.fail(CloseCode.malformed, 'binary frames are not part of the protocol: send JSON text');
      return;
    }
    try {
      const msg = decodeViewerMessage(text(data));
      if (msg.type === 'set-interval') {
        this.intervalRequest = msg.intervalMs;
        this.ctx.onIntervalRequest();
      } else if (this.historyQueue.length >= MAX_PENDING_HISTORY) {
        this.fail(CloseCode.policy, `more than ${MAX_PENDING_HISTORY} history requests at once: wait for done`);
      } else {
        this.historyQueue.push(msg);
        void this.runHistory();
      }
    } catch (err) {
      // Whatever a viewer sends, and even a bug here, costs that viewer its link, never the agent.
      if (err instanceof WireError) this.fail(err.code, err.message);
      else this.fail(CloseCode.internalError, `internal error: ${errorMessage(err)}`);
    }
  }

  /**
   * Answers queued history requests one chunk at a time, each sent only after
   * the previous one was handed to the kernel. The range is re-resolved by
   * time before every chunk, because the ring moves while we send.
   */
  private async runHistory(): Promise<void> {
    if (this.historyRunning) return;
    this.historyRunning = true;
    try {
      for (let req = this.historyQueue.shift(); req && !this.closing; req = this.historyQueue.shift()) {
        await this.sendHistory(req);
      }
    } finally {
      this.historyRunning = false;
    }
  }

  private async sendHistory(req: HistoryRequest): Promise<void> {
    const history = this.ctx.history;
    let [i, end] = timeRange(history, req.from, req.to);
    for (;;) {
      const parts: string[] = [];
      let chars = 0;
      let lastTime = -Infinity;
      for (; i < end && chars < HISTORY_CHUNK_CHARS; i++) {
        const time = history.timeAt(i);
        const json = history.jsonAt(i);
        if (time === undefined || json === undefined) break;
        parts.push(json);
        chars += json.length;
        lastTime = time;
      }
      const done = i >= end;
      await this.write(historyMessageFromEncoded(req.id, parts, done));
      if (done || this.closing) return;
      [i, end] = timeRange(history, req.from, req.to);
      i = Math.max(i, indexAfter(history, lastTime));
    }
  }

  /** Resolves once the frame is written to the socket, or the link is gone. */
  private write(frame: string): Promise<void> {
    if (this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      this.closedWaiters.add(resolve);
      this.ws.send(frame, () => {
        this.closedWaiters.delete(resolve);
        resolve();
      });
    });
  }

  private onClosed(): void {
    this.closing = true;
    clearTimeout(this.closeTimer);
    for (const resolve of this.closedWaiters) resolve();
    this.closedWaiters.clear();
  }
}
