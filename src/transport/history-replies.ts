import { errorMessage } from '../core/errors.js';
import { splitSpikesByReaders, type Spike } from '../core/spike.js';
import { validateSpike } from '../protocol/wire-decode.js';
import {
  ARCHIVE_MAX_SAMPLES,
  ARCHIVE_MAX_SPIKES,
  encodeMessage,
  encodeSample,
  historyMessageFromEncoded,
  type HistoryRequest,
  type SpikesRequest,
} from '../protocol/wire-messages.js';
import { toWireSample } from '../protocol/wire-sample.js';
import type { AgentArchive } from './agent-archive.js';
import { indexAfter, indexFrom, timeRange } from './agent-policy.js';
import { realClock, sleep, type Clock } from '../core/clock.js';
import type { RequestBuckets } from './request-budget.js';
import type { TokenBucket } from './token-bucket.js';
import type { WireHistory } from './wire-history.js';

/**
 * A history reply is cut into chunks of about this much JSON, each sent once
 * the previous one is written. Measured on an hour's backfill: 256 KB chunks
 * raised the agent's peak RSS by ~30 MB more than 64 KB; 16–32 KB gained nothing.
 */
export const HISTORY_CHUNK_CHARS = 64 * 1024;
/** History and spikes requests one viewer may have outstanding (the one being answered included); more is a misbehaving client. */
export const MAX_PENDING_HISTORY = 4;
/** Stored samples decoded per step: about one keyframe group. */
const ARCHIVE_BATCH = 60;
/** Longest single sleep while paced, so a closed link stops waiting soon. */
const PACE_STEP_MS = 250;

/** What a link's requests have cost so far. */
export interface LinkCost {
  bytesServed: number;
  workMs: number;
}

/** What the replies read from: the agent's memory and store. */
export interface ReplySources {
  readonly history: WireHistory;
  /** The agent's store, when it keeps one (--store). */
  readonly archive: AgentArchive | undefined;
  /** Processes per sample on the wire, for samples read back from the store. */
  readonly wireTop: number;
}

/** Where the replies go: one viewer's connection. */
export interface ReplyOutput {
  readonly name: string;
  /** Whether the link is closing: replies stop. */
  closing(): boolean;
  /** Sends a frame; `written` runs once it is handed to the kernel. */
  send(frame: string, written: () => void): void;
  log(line: string): void;
  /** A bug answering a request: costs this viewer its link, never the agent. */
  failed(err: unknown): void;
}

/**
 * One viewer's history, archive and spikes requests, answered in order. Every
 * frame waits for the one before it to be written and for the address's byte
 * budget; reading the store waits for its work budget. A viewer asking for
 * more is answered more slowly, never dropped for it.
 */
export class HistoryReplies {
  readonly cost: LinkCost = { bytesServed: 0, workMs: 0 };
  private readonly queue: (HistoryRequest | SpikesRequest)[] = [];
  private running = false;
  private readonly writeWaiters = new Set<() => void>();
  private pacedTold = false;

  constructor(
    private readonly sources: ReplySources,
    private readonly out: ReplyOutput,
    private readonly buckets: RequestBuckets,
    private readonly clock: Clock = realClock,
  ) {}

  /** Queues a request; false when MAX_PENDING_HISTORY are already outstanding (spikes requests count too). */
  add(req: HistoryRequest | SpikesRequest): boolean {
    if (this.queue.length + (this.running ? 1 : 0) >= MAX_PENDING_HISTORY) return false;
    this.queue.push(req);
    void this.run();
    return true;
  }

  /** The link closed: writes waiting for their callback end now. */
  closed(): void {
    for (const resolve of this.writeWaiters) resolve();
    this.writeWaiters.clear();
  }

  /**
   * Answers queued requests in order, a history one chunk at a time, each sent
   * only after the previous one was handed to the kernel.
   */
  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let req = this.queue.shift(); req && !this.out.closing(); req = this.queue.shift()) {
        if (req.type === 'spikes-request') await this.sendSpikes(req);
        else if (req.archive === true && this.sources.archive) await this.sendArchiveHistory(req, this.sources.archive);
        else await this.sendHistory(req);
      }
    } catch (err) {
      this.out.failed(err);
    } finally {
      this.running = false;
    }
  }

  /** The range is re-resolved by time before every chunk, because the ring moves while we send. */
  private async sendHistory(req: HistoryRequest): Promise<void> {
    const history = this.sources.history;
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
      if (done || this.out.closing()) return;
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
    const chunks = new ChunkedReply(req.id, (frame) => this.write(frame));
    await this.addStored(req, archive, chunks);
    await this.addMemory(req, chunks);
    await chunks.flush(true);
  }

  private async addStored(req: HistoryRequest, archive: AgentArchive, chunks: ChunkedReply): Promise<void> {
    const history = this.sources.history;
    const { recording } = await archive.snapshot();
    if (!recording) return;
    try {
      for (let i = await this.working(() => recording.indexAtTime(req.from)); i < recording.length; i += ARCHIVE_BATCH) {
        for (const sample of await this.working(() => recording.slice(i, i + ARCHIVE_BATCH))) {
          // Files of one period written twice (a host change) may overlap: the reply stays in time order.
          if (sample.time < req.from || sample.time <= chunks.lastTime) continue;
          if (sample.time > req.to || sample.time >= (history.timeAt(0) ?? Infinity) || chunks.count >= ARCHIVE_MAX_SAMPLES || this.out.closing()) return;
          await chunks.add(await this.working(() => encodeSample(toWireSample(sample, this.sources.wireTop))), sample.time);
        }
      }
    } catch (err) {
      // A store that fails mid-read still leaves memory to answer with.
      this.out.log(`viewer ${this.out.name}: reading the store failed: ${errorMessage(err)}`);
    }
  }

  private async addMemory(req: HistoryRequest, chunks: ChunkedReply): Promise<void> {
    const history = this.sources.history;
    for (let i = indexFrom(history, Math.max(req.from, chunks.lastTime + 1)); chunks.count < ARCHIVE_MAX_SAMPLES && !this.out.closing(); i++) {
      const time = history.timeAt(i);
      if (time === undefined || time > req.to) break;
      const json = history.jsonAt(i);
      if (json === undefined) break;
      const flushed = await chunks.add(json, time);
      // The ring may have moved during the write: find the next sample by time again.
      if (flushed) i = indexAfter(history, chunks.lastTime) - 1;
    }
  }

  /** The store's spikes that overlap the range, checked as a viewer will check them; empty when there is no store. */
  private async sendSpikes(req: SpikesRequest): Promise<void> {
    const archive = this.sources.archive;
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
    const { first, newer } = splitSpikesByReaders(spikes.slice(-ARCHIVE_MAX_SPIKES));
    await this.write(
      encodeMessage({
        type: 'spikes',
        id: req.id,
        spikes: first,
        ...(newer.length > 0 ? { newerSpikes: newer } : {}),
        archive: archive.extent(),
        ...(problem !== undefined ? { problem } : {}),
      }),
    );
  }

  /** Runs `fn` once the work budget allows, and charges the time it took. */
  private async working<T>(fn: () => T): Promise<T> {
    await this.pace(this.buckets.work);
    const started = this.clock.monotonic();
    try {
      return fn();
    } finally {
      const ms = this.clock.monotonic() - started;
      this.buckets.work.take(ms, this.clock.monotonic());
      this.cost.workMs += ms;
    }
  }

  /** Waits until the bucket is no longer overdrawn, or the link is gone. */
  private async pace(bucket: TokenBucket): Promise<void> {
    for (let wait = bucket.waitMs(this.clock.monotonic()); wait > 0 && !this.out.closing(); wait = bucket.waitMs(this.clock.monotonic())) {
      if (!this.pacedTold) this.out.log(`viewer ${this.out.name} asks for more than its budget: its requests are answered more slowly`);
      this.pacedTold = true;
      await sleep(this.clock, Math.min(wait, PACE_STEP_MS));
    }
  }

  /** Resolves once the frame is written to the socket (after the byte budget allows it), or the link is gone. */
  private async write(frame: string): Promise<void> {
    await this.pace(this.buckets.bytes);
    if (this.out.closing()) return;
    this.buckets.bytes.take(frame.length, this.clock.monotonic());
    this.cost.bytesServed += frame.length;
    return new Promise((resolve) => {
      this.writeWaiters.add(resolve);
      this.out.send(frame, () => {
        this.writeWaiters.delete(resolve);
        resolve();
      });
    });
  }
}

/** The samples of one history reply, gathered into ~64 KB frames. */
class ChunkedReply {
  private parts: string[] = [];
  private chars = 0;
  count = 0;
  lastTime = -Infinity;

  constructor(
    private readonly id: number,
    private readonly write: (frame: string) => Promise<void>,
  ) {}

  /** Adds one sample's JSON; returns whether a frame was written (the history may have moved meanwhile). */
  async add(json: string, time: number): Promise<boolean> {
    this.parts.push(json);
    this.chars += json.length;
    this.count++;
    this.lastTime = time;
    if (this.chars < HISTORY_CHUNK_CHARS) return false;
    await this.flush(false);
    return true;
  }

  async flush(done: boolean): Promise<void> {
    const frame = historyMessageFromEncoded(this.id, this.parts, done);
    this.parts = [];
    this.chars = 0;
    await this.write(frame);
  }
}
