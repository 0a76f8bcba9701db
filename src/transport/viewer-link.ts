import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { errorMessage } from '../core/errors.js';
import { WireError, decodeViewerMessage } from '../protocol/wire-decode.js';
import { CloseCode, encodeMessage, sampleMessageFromEncoded, type AgentMessage } from '../protocol/wire-messages.js';
import { MessageRate, indexAfter } from './agent-policy.js';
import { realClock, type Clock, type Timer } from '../core/clock.js';
import { frameText } from './frame-text.js';
import { FrameCounter } from './frame-counter.js';
import { PeerHeartbeat } from './heartbeat.js';
import { HistoryReplies, MAX_PENDING_HISTORY, type LinkCost, type ReplySources } from './history-replies.js';
import type { RequestBuckets } from './request-budget.js';

/** After an error+close, how long the peer gets to answer the close before the socket is cut. */
const CLOSE_GRACE_MS = 2000;
/** Bytes of a pong frame besides its payload (header of a server frame). */
const PONG_OVERHEAD = 2;

/** What a link needs from its agent. */
export interface LinkContext extends ReplySources {
  /** Time of the newest sample pushed out of history: a viewer whose cursor is older has missed samples. */
  newestDroppedTime(): number;
  readonly maxBufferedBytes: number;
  readonly maxMessagesPerSec: number;
  /** The viewer changed (or withdrew) its interval request. */
  onIntervalRequest(): void;
  log(line: string): void;
  /** Timers of the close grace and of reply pacing (default: real ones). */
  readonly clock?: Clock;
}

/** A close reason is at most 123 bytes. */
function closeReason(message: string): string {
  const b = Buffer.from(message, 'utf8');
  return b.length <= 123 ? message : `${b.subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '')}…`;
}

/**
 * One viewer's connection: validates what it sends, has its requests answered
 * (HistoryReplies), and streams live samples from the agent's history with a
 * cursor, so a viewer whose send buffer is full is simply skipped and, once it
 * drains, resynced from history. Its memory on the agent stays bounded by
 * maxBufferedBytes plus one history chunk.
 */
export class ViewerLink {
  /** The interval this viewer asked for, or null. */
  intervalRequest: number | null = null;
  /** Time of the last live sample sent. */
  private liveCursor: number;
  private behind = false;
  private closing = false;
  private closeTimer: Timer | undefined;
  private readonly rate: MessageRate;
  private readonly clock: Clock;
  private readonly beat: PeerHeartbeat;
  private readonly replies: HistoryReplies;

  /**
   * `socket` is the connection under `ws` (created with autoPong off): every
   * frame read from it counts toward the message rate, pings and continuation
   * frames included, before ws parses it.
   */
  constructor(
    readonly ws: WebSocket,
    socket: Duplex,
    readonly name: string,
    private readonly ctx: LinkContext,
    buckets: RequestBuckets,
  ) {
    this.clock = ctx.clock ?? realClock;
    this.liveCursor = ctx.history.timeAt(ctx.history.length - 1) ?? -Infinity;
    this.rate = new MessageRate(ctx.maxMessagesPerSec);
    this.beat = new PeerHeartbeat(ws, ctx.maxBufferedBytes);
    this.replies = new HistoryReplies(
      ctx,
      {
        name,
        closing: () => this.closing,
        send: (frame, written) => ws.send(frame, () => written()),
        log: (line) => ctx.log(line),
        failed: (err) => this.fail(CloseCode.internalError, `internal error: ${errorMessage(err)}`),
      },
      buckets,
      this.clock,
    );
    this.countFrames(socket);
    // Without an 'error' listener ws throws on an oversized or invalid frame and takes the process down.
    ws.on('error', (err) => ctx.log(`viewer ${name}: ${errorMessage(err)}`));
    ws.on('ping', (data) => this.onPing(data));
    ws.on('pong', (data) => this.beat.pong(data));
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.onClosed());
  }

  /** What this viewer's requests have cost so far. */
  get cost(): LinkCost {
    return this.replies.cost;
  }

  /**
   * Called every heartbeatMs (see PeerHeartbeat). Returns why the viewer was dropped.
   */
  heartbeat(): string | null {
    if (this.closing) return null;
    const why = this.beat.beat();
    if (why) this.closing = true;
    return why;
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

  /** Closes the link because the agent stops; resolves once it is closed. */
  shutdown(): Promise<void> {
    const gone = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.close(CloseCode.goingAway, 'agent shutting down');
    return gone;
  }

  /** Cuts the connection at once. */
  terminate(): void {
    this.ws.terminate();
  }

  /** Sends an `error`, then closes with the same code; cuts the socket if the peer does not answer. */
  fail(code: number, message: string): void {
    if (this.closing) return;
    this.ctx.log(`viewer ${this.name}: ${message} (closing with ${code})`);
    this.send({ type: 'error', code, message });
    this.closing = true;
    this.ws.close(code, closeReason(message));
    this.closeTimer = this.clock.after(CLOSE_GRACE_MS, () => this.ws.terminate());
  }

  /** Counts every inbound frame from its header, before ws parses it; a flood closes the link. */
  private countFrames(socket: Duplex): void {
    const frames = new FrameCounter();
    socket.prependListener('data', (chunk: Buffer) => {
      if (!this.closing && !this.rate.admit(this.clock.monotonic(), frames.push(chunk))) {
        this.fail(CloseCode.rateLimited, `more than ${this.ctx.maxMessagesPerSec} messages per second`);
        // Whatever else it sends is not read: a flood costs the agent nothing more.
        this.ws.pause();
      }
    });
  }

  /** Pongs are answered only while the send buffer has room: a viewer that pings and never reads gets nothing queued. */
  private onPing(data: Buffer): void {
    if (this.closing) return;
    if (this.ws.bufferedAmount + data.length + PONG_OVERHEAD <= this.ctx.maxBufferedBytes) this.ws.pong(data);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closing) return;
    if (isBinary) {
      this.fail(CloseCode.malformed, 'binary frames are not part of the protocol: send JSON text');
      return;
    }
    try {
      const msg = decodeViewerMessage(frameText(data));
      if (msg.type === 'set-interval') {
        this.intervalRequest = msg.intervalMs;
        this.ctx.onIntervalRequest();
      } else if (!this.replies.add(msg)) {
        this.fail(CloseCode.policy, `more than ${MAX_PENDING_HISTORY} history requests at once: wait for done`);
      }
    } catch (err) {
      // Whatever a viewer sends, and even a bug here, costs that viewer its link, never the agent.
      if (err instanceof WireError) this.fail(err.code, err.message);
      else this.fail(CloseCode.internalError, `internal error: ${errorMessage(err)}`);
    }
  }

  private onClosed(): void {
    this.closing = true;
    this.closeTimer?.cancel();
    this.replies.closed();
  }
}
