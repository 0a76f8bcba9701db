import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { errorMessage } from '../core/errors.js';
import type { Spike } from '../core/spike.js';
import { WireError, decodeViewerMessage, validateSpike } from '../protocol/wire-decode.js';
import {
  ARCHIVE_MAX_SAMPLES,
  ARCHIVE_MAX_SPIKES,
  CloseCode,
  encodeMessage,
  encodeSample,
  historyMessageFromEncoded,
  sampleMessageFromEncoded,
  type AgentMessage,
  type HistoryRequest,
  type SpikesRequest,
} from '../protocol/wire-messages.js';
import { toWireSample } from '../protocol/wire-sample.js';
import type { AgentArchive } from './agent-archive.js';
import { MessageRate, indexAfter, indexFrom, timeRange } from './agent-policy.js';
import type { WireHistory } from './wire-history.js';
import { frameText } from './frame-text.js';
import { FrameCounter } from './frame-counter.js';
import { TokenBucket } from './token-bucket.js';

/**
 * A history reply is cut into chunks of about this much JSON, each sent once
 * the previous one is written. Measured on an hour's backfill: 256 KB chunks
 * raised the agent's peak RSS by ~30 MB more than 64 KB; 16–32 KB gained nothing.
 */
const HISTORY_CHUNK_CHARS = 64 * 1024;
/** History and spikes requests one viewer may have outstanding (the one being answered included); more is a misbehaving client. */
const MAX_PENDING_HISTORY = 4;
/** Stored samples decoded per step: about one keyframe group. */
const ARCHIVE_BATCH = 60;
/** After an error+close, how long the peer gets to answer the close before the socket is cut. */
const CLOSE_GRACE_MS = 2000;
/** Bytes of a pong frame besides its payload (header of a server frame). */
const PONG_OVERHEAD = 2;

/**
 * What one address's viewers' requests may cost the agent: JSON bytes served for history,
 * archive and spikes requests, and milliseconds of work reading the store.
 * Each is a token bucket: the burst is served at once, then the refill rate
 * paces the replies (they slow down; the link stays up). Live samples are not
 * counted.
 */
export interface RequestBudget {
  bytesBurst: number;
  bytesPerSec: number;
  workMsBurst: number;
  workMsPerSec: number;
}

/**
 * An hour's backfill (~18 MB of JSON at 1 s) goes at once; beyond that 4 MB/s
 * (~7 % of a core deflating). Reading the store: 3 s of work at once (five
 * ±5-minute windows), then 100 ms per second.
 */
export const DEFAULT_REQUEST_BUDGET: RequestBudget = { bytesBurst: 64 * 1024 * 1024, bytesPerSec: 4 * 1024 * 1024, workMsBurst: 3000, workMsPerSec: 100 };

/** The buckets a link spends from: shared by the links of one address, so reconnecting does not refill them. */
export interface RequestBuckets {
  readonly bytes: TokenBucket;
  readonly work: TokenBucket;
}

/** What a link's requests have cost so far. */
export interface LinkCost {
  bytesServed: number;
  workMs: number;
}

/** Longest single sleep while paced, so a closed link stops waiting soon. */
const PACE_STEP_MS = 250;

/** What a link needs from its agent. */
export interface LinkContext {
  readonly history: WireHistory;
  /** The agent's store, when it keeps one (--store). */
  readonly archive: AgentArchive | undefined;
  /** Processes per sample on the wire, for samples read back from the store. */
  readonly wireTop: number;
  /** Time of the newest sample pushed out of history: a viewer whose cursor is older has missed samples. */
  newestDroppedTime(): number;
  readonly maxBufferedBytes: number;
  readonly maxMessagesPerSec: number;
  /** The viewer changed (or withdrew) its interval request. */
  onIntervalRequest(): void;
  log(line: string): void;
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
  /** The payload of the heartbeat ping not answered yet: only the matching pong proves the viewer reads. */
  private pingNonce: Buffer | undefined;
  /** Whether the send buffer was over its bound at the last heartbeat. */
  private overAtLastBeat = false;
  /** Time of the last live sample sent. */
  private liveCursor: number;
  private behind = false;
  private closing = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly rate: MessageRate;
  private readonly historyQueue: (HistoryRequest | SpikesRequest)[] = [];
  private historyRunning = false;
  private readonly closedWaiters = new Set<() => void>();
  private readonly bytes: TokenBucket;
  private readonly work: TokenBucket;
  private pacedTold = false;
  readonly cost: LinkCost = { bytesServed: 0, workMs: 0 };

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
    this.liveCursor = ctx.history.timeAt(ctx.history.length - 1) ?? -Infinity;
    this.rate = new MessageRate(ctx.maxMessagesPerSec);
    this.bytes = buckets.bytes;
    this.work = buckets.work;
    const frames = new FrameCounter();
    socket.prependListener('data', (chunk: Buffer) => {
      if (!this.closing && !this.rate.admit(Date.now(), frames.push(chunk))) {
        this.fail(CloseCode.rateLimited, `more than ${this.ctx.maxMessagesPerSec} messages per second`);
        // Whatever else it sends is not read: a flood costs the agent nothing more.
        ws.pause();
      }
    });
    // Without an 'error' listener ws throws on an oversized or invalid frame and takes the process down.
    ws.on('error', (err) => ctx.log(`viewer ${name}: ${errorMessage(err)}`));
    ws.on('ping', (data) => this.onPing(data));
    ws.on('pong', (data) => {
      if (this.pingNonce?.equals(data)) this.pingNonce = undefined;
    });
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.onClosed());
  }

  /**
   * Called every heartbeatMs. Drops a viewer that did not answer the last ping
   * or whose send buffer stayed over its bound for a whole heartbeat (it does
   * not read); otherwise pings it with a fresh nonce. Returns why it was dropped.
   */
  heartbeat(): string | null {
    if (this.closing) return null;
    const over = this.ws.bufferedAmount > this.ctx.maxBufferedBytes;
    const why =
      this.pingNonce !== undefined
        ? 'did not answer the heartbeat'
        : over && this.overAtLastBeat
          ? `has not read for a heartbeat (${this.ws.bufferedAmount} bytes unsent)`
          : null;
    this.overAtLastBeat = over;
    if (why) {
      this.closing = true;
      this.ws.terminate();
      return why;
    }
    this.pingNonce = randomBytes(8);
    this.ws.ping(this.pingNonce);
    return null;
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
      } else if (this.historyQueue.length + (this.historyRunning ? 1 : 0) >= MAX_PENDING_HISTORY) {
        // Spikes requests count as history requests here.
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
   * Answers queued requests in order, a history one chunk at a time, each sent
   * only after the previous one was handed to the kernel. The range is
   * re-resolved by time before every chunk, because the ring moves while we send.
   */
  private async runHistory(): Promise<void> {
    if (this.historyRunning) return;
    this.historyRunning = true;
    try {
      for (let req = this.historyQueue.shift(); req && !this.closing; req = this.historyQueue.shift()) {
        if (req.type === 'spikes-request') await this.sendSpikes(req);
        else if (req.archive === true && this.ctx.archive) await this.sendArchiveHistory(req, this.ctx.archive);
        else await this.sendHistory(req);
      }
    } catch (err) {
      // A bug answering one request costs this viewer its link, never the agent.
      this.fail(CloseCode.internalError, `internal error: ${errorMessage(err)}`);
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

  /**
   * An archive request: what is older than the oldest sample in memory comes
   * from the store (converted for the wire as live samples are), then memory
   * from there on, at most ARCHIVE_MAX_SAMPLES in all, in ~64 KB chunks. The
   * switch to memory is decided against memory's oldest sample at that moment,
   * so the ring moving on while stored groups are decoded leaves no gap.
   */
  private async sendArchiveHistory(req: HistoryRequest, archive: AgentArchive): Promise<void> {
    const history = this.ctx.history;
    let parts: string[] = [];
    let chars = 0;
    let count = 0;
    let lastTime = -Infinity;
    const flush = async (done: boolean): Promise<void> => {
      const frame = historyMessageFromEncoded(req.id, parts, done);
      parts = [];
      chars = 0;
      await this.write(frame);
    };
    const add = async (json: string, time: number): Promise<void> => {
      parts.push(json);
      chars += json.length;
      count++;
      lastTime = time;
      if (chars >= HISTORY_CHUNK_CHARS) await flush(false);
    };

    const { recording } = await archive.snapshot();
    try {
      stored: for (let i = recording ? await this.working(() => recording.indexAtTime(req.from)) : 0; recording && i < recording.length; i += ARCHIVE_BATCH) {
        for (const sample of await this.working(() => recording.slice(i, i + ARCHIVE_BATCH))) {
          // Files of one period written twice (a host change) may overlap: the reply stays in time order.
          if (sample.time < req.from || sample.time <= lastTime) continue;
          if (sample.time > req.to || sample.time >= (history.timeAt(0) ?? Infinity) || count >= ARCHIVE_MAX_SAMPLES || this.closing) break stored;
          await add(await this.working(() => encodeSample(toWireSample(sample, this.ctx.wireTop))), sample.time);
        }
      }
    } catch (err) {
      // A store that fails mid-read still leaves memory to answer with.
      this.ctx.log(`viewer ${this.name}: reading the store failed: ${errorMessage(err)}`);
    }
    for (let i = indexFrom(history, Math.max(req.from, lastTime + 1)); count < ARCHIVE_MAX_SAMPLES && !this.closing; i++) {
      const time = history.timeAt(i);
      if (time === undefined || time > req.to) break;
      const json = history.jsonAt(i);
      if (json === undefined) break;
      await add(json, time);
      // The ring may have moved during the write: find the next sample by time again.
      if (parts.length === 0) i = indexAfter(history, lastTime) - 1;
    }
    await flush(true);
  }

  /** The store's spikes that overlap the range, checked as a viewer will check them; empty when there is no store. */
  private async sendSpikes(req: SpikesRequest): Promise<void> {
    const archive = this.ctx.archive;
    if (!archive) {
      await this.write(encodeMessage({ type: 'spikes', id: req.id, spikes: [], archive: null }));
      return;
    }
    const { recording, problem } = await archive.snapshot();
    const spikes: Spike[] = [];
    for (const s of await this.working(() => recording?.spikes() ?? [])) {
      if (s.start > req.to || (s.end ?? Infinity) < req.from) continue;
      try {
        spikes.push(validateSpike(s, 'spike'));
      } catch {
        // A spike record this tmon cannot vouch for is left out rather than failing the viewer's link.
      }
    }
    await this.write(
      encodeMessage({
        type: 'spikes',
        id: req.id,
        spikes: spikes.slice(-ARCHIVE_MAX_SPIKES),
        archive: archive.extent(),
        ...(problem !== undefined ? { problem } : {}),
      }),
    );
  }

  /** Runs `fn` once the work budget allows, and charges the time it took. */
  private async working<T>(fn: () => T): Promise<T> {
    await this.pace(this.work);
    const started = performance.now();
    try {
      return fn();
    } finally {
      const ms = performance.now() - started;
      this.work.take(ms, Date.now());
      this.cost.workMs += ms;
    }
  }

  /** Waits until the bucket is no longer overdrawn, or the link is gone. */
  private async pace(bucket: TokenBucket): Promise<void> {
    for (let wait = bucket.waitMs(Date.now()); wait > 0 && !this.closing; wait = bucket.waitMs(Date.now())) {
      if (!this.pacedTold) this.ctx.log(`viewer ${this.name} asks for more than its budget: its requests are answered more slowly`);
      this.pacedTold = true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, PACE_STEP_MS)));
    }
  }

  /** Resolves once the frame is written to the socket (after the byte budget allows it), or the link is gone. */
  private async write(frame: string): Promise<void> {
    await this.pace(this.bytes);
    if (this.closing) return;
    this.bytes.take(frame.length, Date.now());
    this.cost.bytesServed += frame.length;
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
