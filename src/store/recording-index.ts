import { closeSync, fstatSync, readSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { FIRST_SPIKE_METRICS, splitSpikesByReaders, type Spike } from '../core/spike.js';
import type { AlertEvent } from '../core/alert-event.js';
import { UserError } from '../core/errors.js';
import { isSpikeOfUnknownMetric, validateSpike } from '../protocol/wire-decode.js';
import {
  END_FRAME_BYTES,
  FRAME_HEADER_BYTES,
  FrameType,
  MAX_FRAME_TYPE,
  MAX_HEADER_JSON,
  type FrameTypeCode,
  MAX_SPIKE_PAYLOAD,
  MIN_SAMPLE_FRAME_BYTES,
  MIN_SPIKE_FRAME_BYTES,
  SYNC,
  endIndexOffset,
  parseFrame,
  parseHeader,
  plausibleFrameHead,
  sampleTime,
  validTime,
  type Frame,
  type RecordingHeader,
} from './record-format.js';
import { openRegularFile } from './safe-open.js';
import { MIN_EVENT_FRAME_BYTES, readEventPayload, readStoredEvent } from './event-records.js';

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
  /** Undefined for a file cut off inside its header, or whose header is damaged. */
  header: RecordingHeader | undefined;
  /** Set when the header is damaged (not merely cut off): a writer must not start the file over. */
  damagedHeader: boolean;
  groups: GroupEntry[];
  spikes: Spike[];
  /** Alert events (firing, resolved), in the order stored. */
  alerts: AlertEvent[];
  /** Events of types this tmon does not know, as stored: carried into the index of a writer continuing the file. */
  otherEvents: Record<string, unknown>[];
  warnings: string[];
  /** Offset just past the last intact frame but an index: where appending continues. */
  dataEnd: number;
  /** Where the index came from. */
  source: 'trailer' | 'scan';
}

const READ_CHUNK = 4 * 1024 * 1024;
/** Bytes read and checksummed while indexing one file, beyond a few times its size: the bound on a "maze" of false frame starts. */
const WORK_ALLOWANCE = 16 * 1024 * 1024;
const WORK_PER_FILE_BYTE = 4;
/** Warnings carried in an index trailer: more, or longer, are damage or a crafted file. */
const MAX_CARRIED_WARNINGS = 100;
const MAX_WARNING_LENGTH = 1000;

/** Sequential and random reads of a file through one reusable window, counting the work spent on it. */
export class FileWindow {
  private buf: Buffer = Buffer.alloc(0);
  private base = 0;
  /** Bytes read and checksummed so far. */
  work = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** Whether indexing has spent what a file of this size may cost. */
  get exhausted(): boolean {
    return this.work > WORK_PER_FILE_BYTE * this.size + WORK_ALLOWANCE;
  }

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
      this.work += got;
      this.buf = buf.subarray(0, got);
      this.base = offset;
    }
    return { buf: this.buf, at: offset - this.base };
  }
}

/** A spike read from a file, checked field by field and bounded in size; undefined when anything is off. */
export function validSpike(x: unknown): Spike | undefined {
  try {
    const spike = validateSpike(x, 'spike');
    const valid =
      validTime(spike.start) && validTime(spike.peakAt) && (spike.end === null || validTime(spike.end)) && spike.id.length <= 200;
    return valid && JSON.stringify(spike).length <= MAX_SPIKE_PAYLOAD ? spike : undefined;
  } catch {
    return undefined;
  }
}

/** The spike in a SPIKE frame's payload; undefined when unreadable; null for a NEWER_SPIKE of a metric a later tmon added (skipped quietly). */
export function parseSpikePayload(payload: Buffer, newer = false): Spike | null | undefined {
  try {
    const x: unknown = JSON.parse(payload.toString('utf8'));
    return newer && isSpikeOfUnknownMetric(x) ? null : validSpike(x);
  } catch {
    return undefined;
  }
}

/** The frame a spike is stored in: NEWER_SPIKE for a metric readers of format 4 refuse (record-format.ts). */
export function spikeFrameType(spike: Spike): FrameTypeCode {
  return FIRST_SPIKE_METRICS.includes(spike.metric) ? FrameType.SPIKE : FrameType.NEWER_SPIKE;
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
  /** Stored event objects (event-records.ts); absent in files of tmons before events, ignored by them. */
  events?: Record<string, unknown>[];
  /** Spikes of metrics readers of format 4 refuse (they ignore this key); absent when there are none. */
  newerSpikes?: Spike[];
}

export function encodeIndex(groups: GroupEntry[], spikes: Spike[], warnings: string[], events: Record<string, unknown>[] = []): Buffer {
  const { first, newer } = splitSpikesByReaders(spikes);
  const stored: StoredIndex = {
    v: 1,
    groups: groups.map((g) => [g.offset, g.end, g.firstTime, g.lastTime, g.count]),
    spikes: first,
    warnings,
    ...(newer.length > 0 ? { newerSpikes: newer } : {}),
    ...(events.length > 0 ? { events } : {}),
  };
  return deflateRawSync(Buffer.from(JSON.stringify(stored), 'utf8'));
}

type Checked = Pick<RecordingIndex, 'groups' | 'spikes' | 'warnings' | 'alerts' | 'otherEvents'>;

/**
 * The INDEX payload, checked against the file it came from: groups in order,
 * inside [framesStart, indexAt), not overlapping, each no more samples than
 * its bytes can hold; spikes no more than the file's bytes can hold, each
 * valid. Inflated with a limit: the JSON is at most a few times the file.
 */
function decodeIndex(payload: Buffer, framesStart: number, indexAt: number): Checked | undefined {
  const bytes = indexAt - framesStart;
  let x: unknown;
  try {
    const maxOutputLength = 4 * (bytes + payload.length) + 1024 * 1024;
    x = JSON.parse(inflateRawSync(payload, { maxOutputLength }).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof x !== 'object' || x === null) return undefined;
  const stored = x as Partial<Record<keyof StoredIndex, unknown>>;
  if (stored.v !== 1 || !Array.isArray(stored.groups) || !Array.isArray(stored.spikes) || !Array.isArray(stored.warnings)) return undefined;
  if (stored.groups.length > bytes / MIN_SAMPLE_FRAME_BYTES || stored.spikes.length > bytes / MIN_SPIKE_FRAME_BYTES) return undefined;
  const groups: GroupEntry[] = [];
  let prevEnd = framesStart;
  for (const entry of stored.groups as unknown[]) {
    const g = groupEntry(entry);
    if (!g || g.offset < prevEnd || g.end > indexAt || g.end - g.offset < g.count * MIN_SAMPLE_FRAME_BYTES) return undefined;
    groups.push(g);
    prevEnd = g.end;
  }
  const newer = stored.newerSpikes === undefined ? [] : stored.newerSpikes;
  if (!Array.isArray(newer) || stored.spikes.length + newer.length > bytes / MIN_SPIKE_FRAME_BYTES) return undefined;
  const spikes: Spike[] = [];
  // A newer spike of a metric a later tmon added is skipped, as its frame is.
  for (const raw of [...(stored.spikes as unknown[]), ...(newer as unknown[]).filter((x) => !isSpikeOfUnknownMetric(x))]) {
    const spike = validSpike(raw);
    if (!spike) return undefined;
    spikes.push(spike);
  }
  const events = indexEvents(stored.events, bytes);
  if (!events) return undefined;
  const warnings = (stored.warnings as unknown[])
    .slice(0, MAX_CARRIED_WARNINGS)
    .map((w) => (typeof w === 'string' ? w.slice(0, MAX_WARNING_LENGTH) : 'an unreadable warning'));
  // The two spike lists interleave by start.
  return { groups, spikes: newer.length > 0 ? mergeSpikes(spikes) : spikes, warnings, ...events };
}

/** The index's events (none in files from before events), no more than the file's bytes can hold; undefined when one is damaged. */
function indexEvents(x: unknown, bytes: number): Pick<RecordingIndex, 'alerts' | 'otherEvents'> | undefined {
  const out: Pick<RecordingIndex, 'alerts' | 'otherEvents'> = { alerts: [], otherEvents: [] };
  if (x === undefined) return out;
  if (!Array.isArray(x) || x.length > bytes / MIN_EVENT_FRAME_BYTES) return undefined;
  for (const raw of x as unknown[]) {
    const read = readStoredEvent(raw);
    if (read.kind === 'bad') return undefined;
    if (read.kind === 'alert') out.alerts.push(read.event);
    else out.otherEvents.push(read.record);
  }
  return out;
}

function groupEntry(x: unknown): GroupEntry | undefined {
  if (!Array.isArray(x) || x.length !== 5) return undefined;
  const [offset, end, firstTime, lastTime, count] = x as unknown[];
  const ints = [offset, end, count].every((v) => Number.isSafeInteger(v));
  const times = [firstTime, lastTime].every((v) => typeof v === 'number' && validTime(v));
  if (!ints || !times || (count as number) < 1 || (end as number) <= (offset as number)) return undefined;
  return { offset: offset as number, end: end as number, firstTime: firstTime as number, lastTime: lastTime as number, count: count as number };
}

/**
 * The index of an open file: from its trailer when it was closed cleanly
 * (checked against the file), otherwise by scanning every frame's header and
 * checksum (no inflating), within a budget linear in the file's size. Throws
 * UserError (naming `label`, one line) for a foreign or newer-format file, or
 * one whose header is damaged with no frame recoverable after it.
 */
export function readIndex(fd: number, label: string): RecordingIndex {
  const size = fstatSync(fd).size;
  const win = new FileWindow(fd, size);
  const empty = (warnings: string[] = []): RecordingIndex => ({
    header: undefined,
    damagedHeader: false,
    groups: [],
    spikes: [],
    alerts: [],
    otherEvents: [],
    warnings,
    dataEnd: 0,
    source: 'scan',
  });
  if (size === 0) return empty();
  const head = win.at(0, 14);
  const declared = head.buf.length - head.at >= 14 ? head.buf.readUInt32LE(head.at + 10) : 0;
  const headerBytes = Math.min(size, 18 + Math.min(declared, MAX_HEADER_JSON));
  const all = win.at(0, headerBytes);
  const parsed = parseHeader(all.buf.subarray(all.at, all.at + headerBytes), label);
  if (parsed.kind === 'ok') {
    const trailer = fromTrailer(win, parsed.header, parsed.end);
    if (trailer !== 'invalid' && trailer !== 'none') return trailer;
    const scan = scanFrames(win, parsed.header, parsed.end, label);
    if (trailer === 'invalid') scan.warnings.unshift(`${label}: its index does not match the file; read frame by frame instead`);
    return scan;
  }
  // A length field with a flipped bit reads as a header longer than the file: frames after it tell damage from a torn header.
  const damagedAt = parsed.kind === 'damaged' ? parsed.offset : size > 14 && resync(win, 14) !== undefined ? 10 : undefined;
  if (damagedAt === undefined) return empty([`${label}: the header is incomplete (the recorder stopped while creating the file)`]);
  const first = resync(win, Math.min(size, 8));
  const scan = first === undefined ? undefined : scanFrames(win, undefined, first, label);
  if (!scan || (scan.groups.length === 0 && scan.spikes.length === 0 && scan.alerts.length === 0)) throw new UserError(`${label} is damaged at offset ${damagedAt}: no samples in it could be read`);
  scan.warnings.unshift(`${label} is damaged at offset ${damagedAt} (its header): host facts unknown, the samples after it were recovered`);
  return { ...scan, damagedHeader: true };
}

function fromTrailer(win: FileWindow, header: RecordingHeader, framesStart: number): RecordingIndex | 'none' | 'invalid' {
  if (win.size < framesStart + END_FRAME_BYTES) return 'none';
  const endAt = win.size - END_FRAME_BYTES;
  const tail = win.at(endAt, END_FRAME_BYTES);
  const end = parseFrame(tail.buf.subarray(tail.at, tail.at + END_FRAME_BYTES), 0, endAt);
  if (end.kind !== 'frame' || end.frame.type !== FrameType.END) return 'none';
  const indexAt = endIndexOffset(end.frame.payload);
  if (indexAt < framesStart || indexAt >= endAt) return 'invalid';
  const head = win.at(indexAt, FRAME_HEADER_BYTES);
  const len = head.buf.length - head.at >= FRAME_HEADER_BYTES ? head.buf.readUInt32LE(head.at + 4) : 0;
  if (indexAt + FRAME_HEADER_BYTES + len !== endAt) return 'invalid';
  const bytes = win.at(indexAt, FRAME_HEADER_BYTES + len);
  const frame = parseFrame(bytes.buf.subarray(bytes.at, bytes.at + FRAME_HEADER_BYTES + len), 0, indexAt);
  if (frame.kind !== 'frame' || frame.frame.type !== FrameType.INDEX) return 'invalid';
  const checked = decodeIndex(frame.frame.payload, framesStart, indexAt);
  if (!checked) return 'invalid';
  return { header, damagedHeader: false, ...checked, dataEnd: indexAt, source: 'trailer' };
}

/** Damage found while scanning, reported once the samples it cost are known. */
interface Damage {
  offset: number;
  bytes: number;
  lostSamples: number;
}

/** What a scan collects beside the groups. */
type Found = Pick<RecordingIndex, 'spikes' | 'alerts' | 'otherEvents' | 'warnings'>;

/**
 * A frame beside the samples (a spike, an event, a later tmon's frame) read into `found`;
 * whether it is data to keep when the file is continued (an index or an end is not).
 */
function readRecord(f: Frame, found: Found, label: string): boolean {
  if (f.type === FrameType.SPIKE || f.type === FrameType.NEWER_SPIKE) {
    // null: a spike of a metric a later tmon added, passed over as its frame type says.
    const spike = parseSpikePayload(f.payload, f.type === FrameType.NEWER_SPIKE);
    if (spike) found.spikes.push(spike);
    else if (spike === undefined) found.warnings.push(`${label}: an unreadable spike record at offset ${f.offset} skipped`);
    return true;
  }
  if (f.type === FrameType.EVENT) {
    const read = readEventPayload(f.payload);
    if (read.kind === 'alert') found.alerts.push(read.event);
    else if (read.kind === 'other') found.otherEvents.push(read.record);
    else found.warnings.push(`${label}: an unreadable event record at offset ${f.offset} skipped`);
    return true;
  }
  // A later tmon's frame: passed over, but kept when the file is continued.
  return f.type > FrameType.EVENT && f.type <= MAX_FRAME_TYPE;
}

function scanFrames(win: FileWindow, header: RecordingHeader | undefined, framesStart: number, label: string): RecordingIndex {
  const groups: GroupEntry[] = [];
  const found: Found = { spikes: [], alerts: [], otherEvents: [], warnings: [] };
  const { spikes, alerts, otherEvents, warnings } = found;
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
  const damaged = (from: number, to: number): void => {
    if (damage) damage.bytes += to - from;
    else damage = { offset: from, bytes: to - from, lostSamples: 0 };
    group = undefined;
  };
  let pos = framesStart;
  while (pos < win.size) {
    if (win.exhausted) {
      reportDamage();
      warnings.push(`${label} is damaged at offset ${pos}: the last ${win.size - pos} bytes were not searched for samples (too many false frame starts)`);
      break;
    }
    const parse = frameAt(win, pos);
    if (parse.kind !== 'frame') {
      const next = resync(win, pos + 1);
      if (next === undefined) {
        reportDamage();
        if (win.exhausted) continue;
        warnings.push(
          `${label}: ${win.size - pos} bytes at offset ${pos} are an incomplete frame, skipped (the recorder stopped mid-write)`,
        );
        break;
      }
      damaged(pos, next);
      pos = next;
      continue;
    }
    const f = parse.frame;
    if (f.type === FrameType.KEY || f.type === FrameType.DELTA) {
      const t = sampleTime(f.payload);
      if (!validTime(t) || f.payload.length <= 8) {
        // Checksummed yet not a sample: crafted, or written by something else.
        damaged(f.offset, f.end);
        if (damage) damage.lostSamples++;
      } else if (f.type === FrameType.KEY) {
        reportDamage();
        group = { offset: f.offset, end: f.end, firstTime: t, lastTime: t, count: 1 };
        groups.push(group);
        dataEnd = f.end;
      } else {
        if (group) {
          group.end = f.end;
          group.lastTime = t;
          group.count++;
        } else if (damage) damage.lostSamples++;
        else warnings.push(`${label}: a sample at offset ${f.offset} has no keyframe before it, skipped`);
        dataEnd = f.end;
      }
    } else if (readRecord(f, found, label)) dataEnd = f.end;
    pos = f.end;
  }
  reportDamage();
  return { header, damagedHeader: false, groups, spikes: mergeSpikes(spikes), alerts, otherEvents, warnings, dataEnd, source: 'scan' };
}

function frameAt(win: FileWindow, pos: number): ReturnType<typeof parseFrame> {
  let view = win.at(pos, FRAME_HEADER_BYTES);
  let parse = parseFrame(view.buf, view.at, pos - view.at);
  if (parse.kind === 'short' && pos + parse.need <= win.size) {
    view = win.at(pos, parse.need);
    parse = parseFrame(view.buf, view.at, pos - view.at);
  }
  // Checksums are the work a maze of false frame starts multiplies: count them.
  const avail = view.buf.length - view.at;
  if (parse.kind !== 'short' && avail >= FRAME_HEADER_BYTES && view.buf[view.at] === SYNC[0] && view.buf[view.at + 1] === SYNC[1]) {
    win.work += FRAME_HEADER_BYTES + Math.min(view.buf.readUInt32LE(view.at + 4), avail);
  }
  return parse;
}

/** The offset of the next intact frame at or after `from`, if any (undefined too when the budget runs out). */
function resync(win: FileWindow, from: number): number | undefined {
  let pos = from;
  while (pos < win.size - 1 && !win.exhausted) {
    const view = win.at(pos, FRAME_HEADER_BYTES);
    const hit = view.buf.indexOf(SYNC, view.at);
    if (hit < 0) {
      // The sync bytes may straddle the window's end: step back one byte.
      pos = pos + Math.max(1, view.buf.length - view.at - 1);
      continue;
    }
    const candidate = pos + (hit - view.at);
    if (candidate + FRAME_HEADER_BYTES <= win.size) {
      const head = win.at(candidate, FRAME_HEADER_BYTES);
      if (plausibleFrameHead(head.buf, head.at) && frameAt(win, candidate).kind === 'frame') return candidate;
    }
    pos = candidate + 1;
  }
  return undefined;
}

/** Opens (a regular file only), indexes and closes a file. */
export function readIndexOfFile(path: string, label = path): RecordingIndex {
  const { fd } = openRegularFile(path, label, { followLink: true });
  try {
    return readIndex(fd, label);
  } finally {
    closeSync(fd);
  }
}
