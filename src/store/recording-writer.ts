import { closeSync, constants, fdatasyncSync, fstatSync, ftruncateSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import type { HostFacts, Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import type { AlertEvent } from '../core/alert-event.js';
import { UserError, errorMessage } from '../core/errors.js';
import { sanitize } from '../core/sanitize.js';
import { tmonVersion } from '../version.js';
import {
  Codec,
  FORMAT_VERSION,
  FrameType,
  MAX_HEADER_JSON,
  encodeFrame,
  encodeHeader,
  endPayload,
  samplePayload,
  upgradeHeader,
  type RecordingHeader,
} from './record-format.js';
import { SampleEncoder } from './sample-codec.js';
import { GroupCompressor } from './group-compression.js';
import { encodeIndex, mergeSpikes, readIndex, spikeFrameType, type GroupEntry } from './recording-index.js';
import { alertEventPayload, alertEventRecord } from './event-records.js';

/**
 * The file named cannot take this recording (another host's, damaged, a link, a
 * directory…): the caller may pick another name. The message says which and why.
 */
export class FileTakenError extends UserError {
  constructor(what: string) {
    super(`${what}: choose another file to record to`);
    this.name = 'FileTakenError';
  }
}

/** Like fs.writeSync(fd, buf, offset, length, position): returns the bytes written, throws on failure. */
export type WriteFn = (fd: number, buf: Buffer, offset: number, length: number, position: number) => number;

export interface WriterOptions {
  /**
   * Called once when writing starts failing (a full disk, an I/O error) and
   * again only after it has recovered and failed anew. Never throws into the
   * caller's loop. Default: one line on stderr.
   */
  onError?: (err: Error) => void;
  /** Called when writing works again after a failure. */
  onResume?: () => void;
  /** Samples per keyframe group (default 60). */
  keyframeEvery?: number;
  /** The file-system write, replaceable so tests can simulate a full disk. */
  write?: WriteFn;
}

export interface WriterHeader {
  host: HostFacts;
  intervalMs: number;
}

export const DEFAULT_KEYFRAME_EVERY = 60;

/**
 * Appends samples and spikes to a recording file, one frame each, written to
 * the OS as it comes (so `kill -9` loses nothing that append() returned from;
 * power loss is what flush() is for). Creating over an existing recording of
 * the same host continues it: a torn tail is cut off and a new keyframe group
 * starts. A failing write drops frames, reports once through onError, and the
 * next successful write starts with a keyframe so the file stays decodable.
 */
export class RecordingWriter {
  private offset: number;
  private readonly groups: GroupEntry[];
  private readonly spikeList: Spike[];
  /** The index's events: stored objects, those of the file being continued first. */
  private readonly eventList: Record<string, unknown>[];
  private readonly carriedWarnings: string[];
  private readonly encoder: SampleEncoder;
  private readonly compressor = new GroupCompressor();
  private readonly keyframeEvery: number;
  private readonly write: WriteFn;
  private readonly onError: (err: Error) => void;
  private readonly onResume: (() => void) | undefined;
  private inGroup = 0;
  private needKeyframe = true;
  private failing = false;
  private closed = false;
  private sampleCount = 0;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    state: { offset: number; groups: GroupEntry[]; spikes: Spike[]; events: Record<string, unknown>[]; warnings: string[]; host: HostFacts },
    opts: WriterOptions,
  ) {
    this.offset = state.offset;
    this.groups = state.groups;
    this.spikeList = state.spikes;
    this.eventList = state.events;
    this.carriedWarnings = state.warnings;
    this.encoder = new SampleEncoder(state.host);
    this.keyframeEvery = Math.max(1, Math.floor(opts.keyframeEvery ?? DEFAULT_KEYFRAME_EVERY));
    this.write = opts.write ?? writeSync;
    this.onError = opts.onError ?? ((err) => process.stderr.write(`tmon: ${sanitize(`recording to ${path} failed: ${err.message}`)}\n`));
    this.onResume = opts.onResume;
  }

  static async create(path: string, header: WriterHeader, opts: WriterOptions = {}): Promise<RecordingWriter> {
    return RecordingWriter.createSync(path, header, opts);
  }

  /** create() without the promise, for callers inside a synchronous sampling step. Throws UserError. */
  static createSync(path: string, header: WriterHeader, opts: WriterOptions = {}): RecordingWriter {
    const fd = openForWriting(path);
    try {
      const state = RecordingWriter.prepare(path, fd, header, opts.write ?? writeSync);
      return new RecordingWriter(path, fd, state, opts);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** A new file gets a header; an existing recording of the same host is continued after its last intact frame. */
  private static prepare(path: string, fd: number, h: WriterHeader, write: WriteFn) {
    const fresh = { groups: [] as GroupEntry[], spikes: [] as Spike[], events: [] as Record<string, unknown>[], warnings: [] as string[], host: h.host };
    if (fstatSync(fd).size > 0) {
      let index;
      try {
        index = readIndex(fd, path);
      } catch (err) {
        throw err instanceof UserError ? new FileTakenError(err.message) : err;
      }
      if (index.damagedHeader) throw new FileTakenError(`${path} has a damaged header`);
      if (index.header) {
        const theirs = index.header.host.hostname;
        if (theirs !== h.host.hostname) {
          throw new FileTakenError(`${path} holds a recording of ${theirs}, not ${h.host.hostname}`);
        }
        ftruncateSync(fd, index.dataEnd);
        upgradeOlderFormat(path, fd, write);
        const events = [...index.alerts.map(alertEventRecord), ...index.otherEvents];
        return { offset: index.dataEnd, groups: index.groups, spikes: index.spikes, events, warnings: index.warnings, host: index.header.host };
      }
    }
    ftruncateSync(fd, 0);
    const header: RecordingHeader = { tmon: tmonVersion(), host: h.host, intervalMs: h.intervalMs, created: Date.now() };
    const bytes = encodeHeader(header);
    try {
      writeFully(write, fd, bytes, 0);
    } catch (err) {
      throw new UserError(`cannot write ${path}: ${errorMessage(err)}`);
    }
    return { offset: bytes.length, ...fresh };
  }

  /** Bytes in the file so far. */
  get bytes(): number {
    return this.offset;
  }

  /** Samples appended and written by this writer. */
  get samples(): number {
    return this.sampleCount;
  }

  append(sample: Sample): void {
    if (this.closed) return;
    const key = this.needKeyframe || this.inGroup >= this.keyframeEvery;
    let frame: Buffer;
    try {
      if (key) this.compressor.reset();
      const { codec, data } = this.compressor.compress(this.encoder.encode(sample, key));
      frame = encodeFrame(key ? FrameType.KEY : FrameType.DELTA, codec, samplePayload(sample.time, data));
    } catch (err) {
      this.fail(err);
      this.needKeyframe = true;
      return;
    }
    const start = this.offset;
    if (!this.writeFrame(frame)) {
      // The encoder moved on as if this sample were stored: only a keyframe can follow.
      this.needKeyframe = true;
      return;
    }
    this.sampleCount++;
    if (key) {
      this.groups.push({ offset: start, end: this.offset, firstTime: sample.time, lastTime: sample.time, count: 1 });
      this.inGroup = 1;
      this.needKeyframe = false;
    } else {
      const g = this.groups[this.groups.length - 1] as GroupEntry;
      g.end = this.offset;
      g.lastTime = sample.time;
      g.count++;
      this.inGroup++;
    }
  }

  /** Stores a spike (call when the detector closes one). A spike stored again under its id replaces the earlier one. */
  addSpike(spike: Spike): void {
    if (this.closed) return;
    this.spikeList.push(spike);
    this.writeFrame(encodeFrame(spikeFrameType(spike), Codec.STORED, Buffer.from(JSON.stringify(spike), 'utf8')));
  }

  /** Stores an alert rule's transition (firing, resolved), after the sample that decided it. */
  addEvent(event: AlertEvent): void {
    if (this.closed) return;
    if (this.writeFrame(encodeFrame(FrameType.EVENT, Codec.STORED, alertEventPayload(event)))) this.eventList.push(alertEventRecord(event));
  }

  /** Forces what was written onto the disk (every frame is already with the OS: this is for power loss). */
  flush(): void {
    if (this.closed) return;
    try {
      fdatasyncSync(this.fd);
    } catch (err) {
      this.fail(err);
    }
  }

  /** Writes the index trailer and closes the file. Failures go to onError. */
  async close(): Promise<void> {
    this.closeSync();
  }

  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      const indexAt = this.offset;
      const index = encodeFrame(FrameType.INDEX, Codec.DEFLATE, encodeIndex(this.groups, mergeSpikes(this.spikeList), this.carriedWarnings, this.eventList));
      if (this.writeFrame(index) && this.writeFrame(encodeFrame(FrameType.END, Codec.STORED, endPayload(indexAt)))) {
        ftruncateSync(this.fd, this.offset);
        fsyncSync(this.fd);
      }
    } catch (err) {
      this.fail(err);
    } finally {
      closeSync(this.fd);
    }
  }

  private writeFrame(frame: Buffer): boolean {
    try {
      // Whatever a failed write left past the end must not be read as a frame later.
      if (this.failing) ftruncateSync(this.fd, this.offset);
      writeFully(this.write, this.fd, frame, this.offset);
      this.offset += frame.length;
    } catch (err) {
      this.fail(err);
      return false;
    }
    if (this.failing) {
      this.failing = false;
      this.onResume?.();
    }
    return true;
  }

  private fail(err: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.onError(err instanceof Error ? err : new Error(String(err)));
  }
}

/** A file of an older format gets the current format's header: the groups appended are of this format, which older tmons cannot read. */
function upgradeOlderFormat(path: string, fd: number, write: WriteFn): void {
  const head = Buffer.alloc(14);
  if (readSync(fd, head, 0, 14, 0) < 14 || head.readUInt16LE(8) >= FORMAT_VERSION) return;
  const len = Math.min(head.readUInt32LE(10), MAX_HEADER_JSON);
  const whole = Buffer.alloc(18 + len);
  const upgraded = readSync(fd, whole, 0, whole.length, 0) === whole.length ? upgradeHeader(whole) : undefined;
  if (!upgraded) return;
  try {
    writeFully(write, fd, upgraded, 0);
  } catch (err) {
    throw new UserError(`cannot write ${path}: ${errorMessage(err)}`);
  }
}

function writeFully(write: WriteFn, fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) {
    const n = write(fd, buf, done, buf.length - done, position + done);
    if (n <= 0) throw new Error(`write returned ${n}`);
    done += n;
  }
}

/**
 * Opens a regular file for reading and writing, creating it if it does not
 * exist, without following a symbolic link: a link (even a dangling one) is
 * refused, so a store never writes outside itself; a FIFO never blocks.
 */
function openForWriting(path: string): number {
  const { O_RDWR, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants;
  let fd: number;
  try {
    fd = openSync(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new FileTakenError(`${path} is a symbolic link, not written through`);
    if (code === 'EISDIR') throw new FileTakenError(`${path} is a directory`);
    if (code !== 'ENOENT') throw new UserError(`cannot write ${path}: ${errorMessage(err)}`);
    try {
      // O_EXCL: a link created meanwhile (or a dangling one) is never followed.
      fd = openSync(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
    } catch (createErr) {
      const createCode = (createErr as NodeJS.ErrnoException).code;
      if (createCode === 'ENOENT') throw new UserError(`cannot create ${path}: its directory does not exist`);
      if (createCode === 'EEXIST') throw new FileTakenError(`${path} appeared while being created`);
      throw new UserError(`cannot create ${path}: ${errorMessage(createErr)}`);
    }
  }
  let regular: boolean;
  try {
    regular = fstatSync(fd).isFile();
  } catch (err) {
    closeSync(fd);
    throw new UserError(`cannot write ${path}: ${errorMessage(err)}`);
  }
  if (!regular) {
    closeSync(fd);
    throw new FileTakenError(`${path} is not a regular file`);
  }
  return fd;
}
