import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Spike } from '../core/spike.js';
import {
  END_FRAME_BYTES,
  FRAME_HEADER_BYTES,
  FrameType,
  MAX_FRAME_PAYLOAD,
  SYNC,
  endIndexOffset,
  parseFrame,
  parseHeader,
  sampleTime,
  type RecordingHeader,
} from './record-format.js';

/** One keyframe group: a KEY frame and the DELTA frames after it, in [offset, end). */
export interface GroupEntry {
  offset: number;
  end: number;
  firstTime: number;
  lastTime: number;
  count: number;
}

/** What a file holds, found without decoding any sample. */
export interface RecordingIndex {
  header: RecordingHeader | undefined;
  groups: GroupEntry[];
  spikes: Spike[];
  warnings: string[];
  /** Offset just past the last intact sample or spike frame: where appending continues. */
  dataEnd: number;
  /** Where the index came from. */
  source: 'trailer' | 'scan';
}

const READ_CHUNK = 4 * 1024 * 1024;

/** Sequential and random reads of a file through one reusable window. */
export class FileWindow {
  private buf: Buffer = Buffer.alloc(0);
  private base = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /**
   * Bytes from `offset`: at least `min` of them unless the file ends first.
   * Returns the buffer and where `offset` is inside it.
   */
  at(offset: number, min: number): { buf: Buffer; at: number } {
    const want = Math.min(min, this.size - offset);
    if (offset < this.base || offset + want > this.base + this.buf.length) {
      const len = Math.min(Math.max(READ_CHUNK, min), this.size - offset);
      const buf = Buffer.allocUnsafe(Math.max(0, len));
      let got = 0;
      while (got < len) {
        const n = readSync(this.fd, buf, got, len - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      this.buf = buf.subarray(0, got);
      this.base = offset;
    }
    return { buf: this.buf, at: offset - this.base };
  }
}

function isSpike(x: unknown): x is Spike {
  const s = x as Spike;
  return typeof s === 'object' && s !== null && typeof s.id === 'string' && typeof s.start === 'number' && Array.isArray(s.culprits);
}

export function parseSpikePayload(payload: Buffer): Spike | undefined {
  try {
    const s: unknown = JSON.parse(payload.toString('utf8'));
    return isSpike(s) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Spikes in start order; a spike stored twice (same id) keeps its last version. */
export function mergeSpikes(spikes: Iterable<Spike>): Spike[] {
  const byId = new Map<string, Spike>();
  for (const s of spikes) byId.set(s.id, s);
  return [...byId.values()].sort((a, b) => a.start - b.start);
}

/** INDEX frame payload (deflated JSON). */
interface StoredIndex {
  v: 1;
  groups: [number, number, number, number, number][];
  spikes: Spike[];
  warnings: string[];
}

export function encodeIndex(groups: GroupEntry[], spikes: Spike[], warnings: string[]): Buffer {
  const stored: StoredIndex = {
    v: 1,
    groups: groups.map((g) => [g.offset, g.end, g.firstTime, g.lastTime, g.count]),
    spikes,
    warnings,
  };
  return deflateRawSync(Buffer.from(JSON.stringify(stored), 'utf8'));
}

function decodeIndex(payload: Buffer): StoredIndex | undefined {
  try {
    const x = JSON.parse(inflateRawSync(payload).toString('utf8')) as StoredIndex;
    return x.v === 1 && Array.isArray(x.groups) && Array.isArray(x.spikes) ? x : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The index of an open file: from its trailer when it was closed cleanly,
 * otherwise by scanning every frame's header and checksum (no inflating).
 * Throws UserError (naming `label`) for a foreign or newer-format file.
 */
export function readIndex(fd: number, label: string): RecordingIndex {
  const size = fstatSync(fd).size;
  const win = new FileWindow(fd, size);
  const empty = (warnings: string[] = []): RecordingIndex => ({
    header: undefined,
    groups: [],
    spikes: [],
    warnings,
    dataEnd: 0,
    source: 'scan',
  });
  if (size === 0) return empty();
  const head = win.at(0, 14);
  const declared = head.buf.length - head.at >= 14 ? head.buf.readUInt32LE(head.at + 10) : 0;
  const headerBytes = Math.min(size, 18 + Math.min(declared, MAX_FRAME_PAYLOAD));
  const all = win.at(0, headerBytes);
  const parsed = parseHeader(all.buf.subarray(all.at, all.at + headerBytes), label);
  if (parsed.kind === 'incomplete') return empty([`${label}: the header is incomplete (the recorder stopped while creating the file)`]);
  return fromTrailer(win, parsed.header, parsed.end) ?? scanFrames(win, parsed.header, parsed.end, label);
}

function fromTrailer(win: FileWindow, header: RecordingHeader, framesStart: number): RecordingIndex | undefined {
  if (win.size < framesStart + END_FRAME_BYTES) return undefined;
  const endAt = win.size - END_FRAME_BYTES;
  const tail = win.at(endAt, END_FRAME_BYTES);
  const end = parseFrame(tail.buf.subarray(tail.at, tail.at + END_FRAME_BYTES), 0, endAt);
  if (end.kind !== 'frame' || end.frame.type !== FrameType.END) return undefined;
  const indexAt = endIndexOffset(end.frame.payload);
  if (indexAt < framesStart || indexAt >= endAt) return undefined;
  const head = win.at(indexAt, FRAME_HEADER_BYTES);
  const len = head.buf.length - head.at >= FRAME_HEADER_BYTES ? head.buf.readUInt32LE(head.at + 4) : 0;
  if (indexAt + FRAME_HEADER_BYTES + len !== endAt) return undefined;
  const bytes = win.at(indexAt, FRAME_HEADER_BYTES + len);
  const frame = parseFrame(bytes.buf.subarray(bytes.at, bytes.at + FRAME_HEADER_BYTES + len), 0, indexAt);
  if (frame.kind !== 'frame' || frame.frame.type !== FrameType.INDEX) return undefined;
  const stored = decodeIndex(frame.frame.payload);
  if (!stored) return undefined;
  return {
    header,
    groups: stored.groups.map(([offset, end, firstTime, lastTime, count]) => ({ offset, end, firstTime, lastTime, count })),
    spikes: stored.spikes,
    warnings: stored.warnings,
    dataEnd: indexAt,
    source: 'trailer',
  };
}

/** Damage found while scanning, reported once the samples it cost are known. */
interface Damage {
  offset: number;
  bytes: number;
  lostSamples: number;
}

function scanFrames(win: FileWindow, header: RecordingHeader, framesStart: number, label: string): RecordingIndex {
  const groups: GroupEntry[] = [];
  const spikes: Spike[] = [];
  const warnings: string[] = [];
  let group: GroupEntry | undefined;
  /** Set after damage: DELTAs cannot be applied until the next KEY. */
  let damage: Damage | undefined;
  let dataEnd = framesStart;
  const reportDamage = (): void => {
    if (!damage) return;
    const lost = damage.lostSamples > 0 ? `; ${damage.lostSamples} samples after it skipped until the next keyframe` : '';
    warnings.push(`${label}: ${damage.bytes} damaged bytes at offset ${damage.offset} skipped${lost}`);
    damage = undefined;
  };
  let pos = framesStart;
  while (pos < win.size) {
    const parse = frameAt(win, pos);
    if (parse.kind !== 'frame') {
      const next = resync(win, pos + 1);
      if (next === undefined) {
        reportDamage();
        warnings.push(
          `${label}: ${win.size - pos} bytes at offset ${pos} are an incomplete frame, skipped (the recorder stopped mid-write)`,
        );
        break;
      }
      if (damage) damage.bytes += next - pos;
      else damage = { offset: pos, bytes: next - pos, lostSamples: 0 };
      group = undefined;
      pos = next;
      continue;
    }
    const f = parse.frame;
    if (f.type === FrameType.KEY) {
      reportDamage();
      const t = sampleTime(f.payload);
      group = { offset: f.offset, end: f.end, firstTime: t, lastTime: t, count: 1 };
      groups.push(group);
      dataEnd = f.end;
    } else if (f.type === FrameType.DELTA) {
      if (group) {
        group.end = f.end;
        group.lastTime = sampleTime(f.payload);
        group.count++;
      } else if (damage) damage.lostSamples++;
      else warnings.push(`${label}: a sample at offset ${f.offset} has no keyframe before it, skipped`);
      dataEnd = f.end;
    } else if (f.type === FrameType.SPIKE) {
      const spike = parseSpikePayload(f.payload);
      if (spike) spikes.push(spike);
      else warnings.push(`${label}: an unreadable spike record at offset ${f.offset} skipped`);
      dataEnd = f.end;
    }
    pos = f.end;
  }
  reportDamage();
  return { header, groups, spikes: mergeSpikes(spikes), warnings, dataEnd, source: 'scan' };
}

function frameAt(win: FileWindow, pos: number): ReturnType<typeof parseFrame> {
  let view = win.at(pos, FRAME_HEADER_BYTES);
  let parse = parseFrame(view.buf, view.at, pos - view.at);
  if (parse.kind === 'short' && pos + parse.need <= win.size) {
    view = win.at(pos, parse.need);
    parse = parseFrame(view.buf, view.at, pos - view.at);
  }
  return parse;
}

/** The offset of the next intact frame at or after `from`, if any. */
function resync(win: FileWindow, from: number): number | undefined {
  let pos = from;
  while (pos < win.size - 1) {
    const view = win.at(pos, FRAME_HEADER_BYTES);
    const hit = view.buf.indexOf(SYNC, view.at);
    if (hit < 0) {
      // The sync bytes may straddle the window's end: step back one byte.
      pos = pos + Math.max(1, view.buf.length - view.at - 1);
      continue;
    }
    const candidate = pos + (hit - view.at);
    if (frameAt(win, candidate).kind === 'frame') return candidate;
    pos = candidate + 1;
  }
  return undefined;
}

/** Opens, indexes and closes a file. */
export function readIndexOfFile(path: string, label = path): RecordingIndex {
  const fd = openSync(path, 'r');
  try {
    return readIndex(fd, label);
  } finally {
    closeSync(fd);
  }
}
