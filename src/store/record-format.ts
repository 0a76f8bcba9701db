import { crc32 } from 'node:zlib';
import type { HostFacts } from '../core/sample.js';
import { UserError } from '../core/errors.js';

/**
 * The tmon recording file format, version 4. Append-only; little-endian.
 * 2: a sample body may mark virtual net interfaces and carry cgroup memory fields.
 * 3: each keyframe declares its process fields (name and kind), so a newer
 * file with fields this tmon does not know still opens (process-records.ts).
 * 4: each keyframe also declares its optional system fields (name and how many
 * a sample holds), whose values follow the system vector (sample-codec.ts): a
 * new optional system field (memory, pressure, per filesystem…) opens the same way.
 * Files of formats 1 to 3 read as before; a writer continuing one upgrades
 * its header to format 4 (upgradeHeader), as its new groups are format 4.
 *
 * Header
 *   "TMONREC\0"            8 bytes magic
 *   format version         u16
 *   header length N        u32
 *   header JSON            N bytes: { tmon, host, intervalMs, created }
 *   crc32                  u32 over the version, length and JSON
 *
 * Frames, one after another until the end of the file
 *   sync 0xD7 0x4D         2 bytes: where to look for the next frame after damage
 *   type                   u8   (FrameType)
 *   codec                  u8   0 = stored, 1 = deflate-raw (Codec)
 *   payload length         u32
 *   crc32                  u32 over type, codec, length and payload
 *   payload
 *
 * Frame types
 *   KEY, DELTA   one sample each: time (f64 ms since epoch) + body. KEY opens a
 *                keyframe group (every process in full); DELTA holds what changed
 *                since the previous sample of the group (sample-codec.ts). The body
 *                is deflate-raw compressed with the group's earlier bodies (up to
 *                32 KiB) as the preset dictionary, so a delta of a few hundred
 *                bytes compresses against what came before it.
 *   SPIKE        JSON of one closed Spike, independent of any group.
 *   EVENT        JSON of one event, independent of any group: `type` says which
 *                ("alert": an alert rule started firing or resolved; event-records.ts).
 *                Readers pass over types they do not know.
 *   NEWER_SPIKE  as SPIKE, for a spike of a metric added after format 4 (latency:
 *                core/spike.ts FIRST_SPIKE_METRICS), which a reader from before refuses:
 *                in a frame type of its own, such a reader skips it unseen.
 *   INDEX        written on clean close: deflated JSON of the group table
 *                (offset, first time, sample count per keyframe), all spikes
 *                (`spikes`, and `newerSpikes` for those in NEWER_SPIKE frames) and
 *                all events.
 *   END          last frame of a cleanly closed file: u64 offset of its INDEX.
 * Readers skip frame types they do not know (types up to MAX_FRAME_TYPE are
 * taken as frames when resynchronising, so a later tmon's frames are kept).
 *
 * Damage: a frame whose checksum fails, or which runs past the end of the
 * file, is skipped; the reader resynchronises on the next sync bytes whose
 * frame checks out. The DELTAs after a damaged frame cannot be applied, so
 * the rest of that group is skipped too (at most one group: 60 samples by
 * default) and reading resumes at the next KEY. Every skip adds a warning.
 * A damaged header (its checksum fails, or its magic has a flipped bit)
 * costs only the host facts it held: the frames after it are found the same
 * way. Every size and count read from a file is bounded by what the file can
 * hold, and the search for frames by a budget linear in its size.
 */

export const MAGIC = Buffer.from('TMONREC\0', 'latin1');
/** The format this tmon writes. */
export const FORMAT_VERSION = 4;
/** The newest format this tmon reads. From 4 on, a newer tmon's process and system fields are tagged: it bumps the format only for a change of layout. */
export const READABLE_FORMAT_VERSION = 4;

export const SYNC = Buffer.from([0xd7, 0x4d]);
export const FRAME_HEADER_BYTES = 12;
/** Larger frames are taken as damage: a sample of 100,000 processes is well under this. */
export const MAX_FRAME_PAYLOAD = 64 * 1024 * 1024;
/** An inflated sample body larger than this is a bomb: 100,000 processes take about 10 MB. */
export const MAX_SAMPLE_BODY = 16 * 1024 * 1024;
/** The inflated bodies of one keyframe group together: a group of bombs stops here. */
export const MAX_GROUP_BODIES = 64 * 1024 * 1024;
/** A spike is a few KB of JSON (its culprits): a larger SPIKE frame is damage. */
export const MAX_SPIKE_PAYLOAD = 1024 * 1024;
/** An event is a few KB of JSON (an alert's rule, value and top processes): a larger EVENT frame is damage. */
export const MAX_EVENT_PAYLOAD = 256 * 1024;

export const FrameType = { KEY: 1, DELTA: 2, SPIKE: 3, INDEX: 4, END: 5, EVENT: 6, NEWER_SPIKE: 7 } as const;
/** Frame types from here to this one are a later tmon's to define: readers pass over those they do not know. */
export const MAX_FRAME_TYPE = 31;
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];

export const Codec = { STORED: 0, DEFLATE: 1 } as const;

/** The smallest KEY or DELTA frame (header, time, a one-byte body): counts read from a file are bounded by its size over this. */
export const MIN_SAMPLE_FRAME_BYTES = FRAME_HEADER_BYTES + 8 + 1;
/** The smallest SPIKE frame a stored spike can be (its JSON is longer than this). */
export const MIN_SPIKE_FRAME_BYTES = FRAME_HEADER_BYTES + 100;

/** The largest payload a frame of this type may have; unknown types (skipped by readers) get the general limit. */
function maxPayload(type: number): number {
  if (type === FrameType.SPIKE || type === FrameType.NEWER_SPIKE) return MAX_SPIKE_PAYLOAD;
  if (type === FrameType.END) return 8;
  if (type === FrameType.EVENT) return MAX_EVENT_PAYLOAD;
  return MAX_FRAME_PAYLOAD;
}

/** Whether the 12 bytes at `at` can start a frame this tmon writes: a cheap test before any checksum. */
export function plausibleFrameHead(buf: Buffer, at: number): boolean {
  const type = buf[at + 2] as number;
  const codec = buf[at + 3] as number;
  return type >= FrameType.KEY && type <= MAX_FRAME_TYPE && codec <= Codec.DEFLATE && buf.readUInt32LE(at + 4) <= maxPayload(type);
}

export interface RecordingHeader {
  /** tmon version that created the file. */
  tmon: string;
  host: HostFacts;
  intervalMs: number;
  /** ms since epoch. */
  created: number;
}

export function encodeHeader(h: RecordingHeader): Buffer {
  const json = Buffer.from(JSON.stringify(h), 'utf8');
  const out = Buffer.alloc(MAGIC.length + 6 + json.length + 4);
  MAGIC.copy(out, 0);
  out.writeUInt16LE(FORMAT_VERSION, 8);
  out.writeUInt32LE(json.length, 10);
  json.copy(out, 14);
  out.writeUInt32LE(crc32(out.subarray(8, 14 + json.length)), 14 + json.length);
  return out;
}

/** Header bytes (magic to checksum) of an older format rewritten as FORMAT_VERSION; undefined when they are not a whole header. */
export function upgradeHeader(head: Buffer): Buffer | undefined {
  if (head.length < 18) return undefined;
  const len = head.readUInt32LE(10);
  if (head.length !== 18 + len) return undefined;
  const out = Buffer.from(head);
  out.writeUInt16LE(FORMAT_VERSION, 8);
  out.writeUInt32LE(crc32(out.subarray(8, 14 + len)), 14 + len);
  return out;
}

export type HeaderParse =
  /** The file is shorter than a header but starts like one (created, then cut off). */
  | { kind: 'incomplete' }
  | { kind: 'ok'; header: RecordingHeader; version: number; end: number }
  /** Starts like a recording, but its header does not check out: frames may still be intact after it. */
  | { kind: 'damaged'; offset: number };

/** Host facts are a few hundred bytes: a longer header is damage. */
export const MAX_HEADER_JSON = 64 * 1024;
/** Magic bytes that may differ for a file still to be taken as a (damaged) recording. */
const MAGIC_TOLERANCE = 2;
/** Strings in a header (host facts, tmon version) longer than this are damage. */
const MAX_HEADER_STRING = 1024;
/** Times read from a file must be dates: 0 … the largest a Date holds. */
export const MAX_TIME = 8.64e15;

export function validTime(t: number): boolean {
  return Number.isFinite(t) && t >= 0 && t <= MAX_TIME;
}

/**
 * Reads the header from the first bytes of a file. Throws UserError naming
 * `label` for a file that is not a recording, or one from a newer format (only
 * when its checksum holds: a flipped bit is damage, not a newer tmon).
 */
export function parseHeader(bytes: Buffer, label: string): HeaderParse {
  const n = Math.min(bytes.length, MAGIC.length);
  let differing = 0;
  for (let i = 0; i < n; i++) if (bytes[i] !== MAGIC[i]) differing++;
  if (differing > (bytes.length >= MAGIC.length ? MAGIC_TOLERANCE : 0)) throw new UserError(`${label} is not a tmon recording`);
  if (differing > 0) return { kind: 'damaged', offset: 0 };
  if (bytes.length < 14) return { kind: 'incomplete' };
  const version = bytes.readUInt16LE(8);
  const len = bytes.readUInt32LE(10);
  if (len > MAX_HEADER_JSON) return { kind: 'damaged', offset: 8 };
  const end = 14 + len + 4;
  if (bytes.length < end) return { kind: 'incomplete' };
  if (crc32(bytes.subarray(8, 14 + len)) !== bytes.readUInt32LE(14 + len)) return { kind: 'damaged', offset: 8 };
  if (version > READABLE_FORMAT_VERSION) {
    throw new UserError(
      `${label} was written by a newer tmon (format ${version}, this tmon reads up to ${READABLE_FORMAT_VERSION}): upgrade tmon`,
    );
  }
  if (version < 1) throw new UserError(`${label} is not a tmon recording (format version ${version})`);
  const header = validHeader(bytes.toString('utf8', 14, 14 + len));
  return header ? { kind: 'ok', header, version, end } : { kind: 'damaged', offset: 14 };
}

/** The header JSON, checked field by field; undefined when anything is off. */
function validHeader(json: string): RecordingHeader | undefined {
  let x: unknown;
  try {
    x = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof x !== 'object' || x === null) return undefined;
  const h = x as Partial<RecordingHeader>;
  const host = validHostFacts(h.host);
  if (!host || !shortString(h.tmon) || typeof h.intervalMs !== 'number' || !validTime(h.intervalMs) || typeof h.created !== 'number' || !validTime(h.created)) {
    return undefined;
  }
  return { tmon: h.tmon, host, intervalMs: h.intervalMs, created: h.created };
}

function shortString(s: unknown): s is string {
  return typeof s === 'string' && s.length <= MAX_HEADER_STRING;
}

/** Host facts read from a file (its header, or a sample that carries them), or undefined when any field is off. */
export function validHostFacts(x: unknown): HostFacts | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const h = x as Record<string, unknown>;
  const { hostname, os, kernel, arch, cpuModel, cpuCount, memTotal, bootTime } = h;
  if (!shortString(hostname) || !shortString(os) || !shortString(kernel) || !shortString(arch) || !shortString(cpuModel)) return undefined;
  if (![cpuCount, memTotal, bootTime].every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) return undefined;
  return { hostname, os, kernel, arch, cpuModel, cpuCount: cpuCount as number, memTotal: memTotal as number, bootTime: bootTime as number };
}

/** What a file whose header is damaged is read with: nothing of its host is known. */
export function unknownHeader(): RecordingHeader {
  return {
    tmon: 'unknown',
    host: { hostname: 'unknown', os: '', kernel: '', arch: '', cpuModel: '', cpuCount: 0, memTotal: 0, bootTime: 0 },
    intervalMs: 0,
    created: 0,
  };
}

export function encodeFrame(type: FrameTypeCode, codec: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  SYNC.copy(out, 0);
  out[2] = type;
  out[3] = codec;
  out.writeUInt32LE(payload.length, 4);
  payload.copy(out, FRAME_HEADER_BYTES);
  out.writeUInt32LE(frameCrc(out, 0, payload.length), 8);
  return out;
}

function frameCrc(buf: Buffer, at: number, payloadLength: number): number {
  const head = crc32(buf.subarray(at + 2, at + 8));
  return crc32(buf.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + payloadLength), head);
}

export interface Frame {
  type: number;
  codec: number;
  /** Offset of the frame's first byte (its sync bytes) in the file. */
  offset: number;
  payload: Buffer;
  /** Offset just past the frame. */
  end: number;
}

export type FrameParse =
  | { kind: 'frame'; frame: Frame }
  /** Plausible so far, but runs past the bytes available: a torn tail, or read more. */
  | { kind: 'short'; need: number }
  | { kind: 'bad' };

/**
 * The frame starting at `at` in `buf`, whose first byte is at file offset
 * `base + at`. Checksummed: 'bad' means damage (or not a frame start).
 */
export function parseFrame(buf: Buffer, at: number, base = 0): FrameParse {
  if (buf.length - at < FRAME_HEADER_BYTES) {
    return buf.length - at >= 2 && (buf[at] !== SYNC[0] || buf[at + 1] !== SYNC[1])
      ? { kind: 'bad' }
      : { kind: 'short', need: FRAME_HEADER_BYTES };
  }
  if (buf[at] !== SYNC[0] || buf[at + 1] !== SYNC[1]) return { kind: 'bad' };
  const len = buf.readUInt32LE(at + 4);
  if (len > maxPayload(buf[at + 2] as number)) return { kind: 'bad' };
  if (buf.length - at < FRAME_HEADER_BYTES + len) return { kind: 'short', need: FRAME_HEADER_BYTES + len };
  if (frameCrc(buf, at, len) !== buf.readUInt32LE(at + 8)) return { kind: 'bad' };
  const payload = buf.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + len);
  return {
    kind: 'frame',
    frame: { type: buf[at + 2] as number, codec: buf[at + 3] as number, offset: base + at, payload, end: base + at + FRAME_HEADER_BYTES + len },
  };
}

/** Payload of a KEY/DELTA frame: the sample time then its (compressed) body. */
export function samplePayload(time: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(8 + body.length);
  out.writeDoubleLE(time, 0);
  body.copy(out, 8);
  return out;
}

/** The sample time of a KEY/DELTA payload; NaN when the payload is too short to hold one. */
export function sampleTime(payload: Buffer): number {
  return payload.length >= 8 ? payload.readDoubleLE(0) : NaN;
}

export const END_FRAME_BYTES = FRAME_HEADER_BYTES + 8;

export function endPayload(indexOffset: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt(indexOffset), 0);
  return out;
}

/** The INDEX offset an END frame points to; -1 when its payload is not 8 bytes. */
export function endIndexOffset(payload: Buffer): number {
  return payload.length === 8 ? Number(payload.readBigUInt64LE(0)) : -1;
}
