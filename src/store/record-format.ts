import { crc32 } from 'node:zlib';
import type { HostFacts } from '../core/sample.js';
import { UserError } from '../core/errors.js';

/**
 * The tmon recording file format, version 2 (2: a sample body may mark virtual net
 * interfaces, see sample-codec.ts; version 1 files read the same). Append-only; little-endian.
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
 *   INDEX        written on clean close: deflated JSON of the group table
 *                (offset, first time, sample count per keyframe) and all spikes.
 *   END          last frame of a cleanly closed file: u64 offset of its INDEX.
 * Readers skip frame types they do not know.
 *
 * Damage: a frame whose checksum fails, or which runs past the end of the
 * file, is skipped; the reader resynchronises on the next sync bytes whose
 * frame checks out. The DELTAs after a damaged frame cannot be applied, so
 * the rest of that group is skipped too (at most one group: 60 samples by
 * default) and reading resumes at the next KEY. Every skip adds a warning.
 */

export const MAGIC = Buffer.from('TMONREC\0', 'latin1');
/** The format this tmon writes. */
export const FORMAT_VERSION = 2;
/** The newest format this tmon reads. */
export const READABLE_FORMAT_VERSION = 2;

export const SYNC = Buffer.from([0xd7, 0x4d]);
export const FRAME_HEADER_BYTES = 12;
/** Larger frames are taken as damage: a sample of 100,000 processes is well under this. */
export const MAX_FRAME_PAYLOAD = 64 * 1024 * 1024;

export const FrameType = { KEY: 1, DELTA: 2, SPIKE: 3, INDEX: 4, END: 5 } as const;
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];

export const Codec = { STORED: 0, DEFLATE: 1 } as const;

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

export type HeaderParse =
  /** The file is shorter than a header but starts like one (created, then cut off). */
  | { kind: 'incomplete' }
  | { kind: 'ok'; header: RecordingHeader; version: number; end: number };

/**
 * Reads the header from the first bytes of a file. Throws UserError naming
 * `label` for a file that is not a recording or is from a newer format.
 */
export function parseHeader(bytes: Buffer, label: string): HeaderParse {
  const n = Math.min(bytes.length, MAGIC.length);
  if (!bytes.subarray(0, n).equals(MAGIC.subarray(0, n))) throw new UserError(`${label} is not a tmon recording`);
  if (bytes.length < 14) return { kind: 'incomplete' };
  const version = bytes.readUInt16LE(8);
  if (version > READABLE_FORMAT_VERSION) {
    throw new UserError(
      `${label} was written by a newer tmon (format ${version}, this tmon reads up to ${READABLE_FORMAT_VERSION}): upgrade tmon`,
    );
  }
  if (version < 1) throw new UserError(`${label} is not a tmon recording (format version ${version})`);
  const len = bytes.readUInt32LE(10);
  const end = 14 + len + 4;
  if (len > MAX_FRAME_PAYLOAD) throw new UserError(`${label} is not a tmon recording (damaged header)`);
  if (bytes.length < end) return { kind: 'incomplete' };
  if (crc32(bytes.subarray(8, 14 + len)) !== bytes.readUInt32LE(14 + len)) {
    throw new UserError(`${label} has a damaged header (checksum mismatch): it cannot be read`);
  }
  let header: RecordingHeader;
  try {
    header = JSON.parse(bytes.toString('utf8', 14, 14 + len)) as RecordingHeader;
  } catch {
    throw new UserError(`${label} has a damaged header (not JSON): it cannot be read`);
  }
  return { kind: 'ok', header, version, end };
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
  if (len > MAX_FRAME_PAYLOAD) return { kind: 'bad' };
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

export function sampleTime(payload: Buffer): number {
  return payload.readDoubleLE(0);
}

export const END_FRAME_BYTES = FRAME_HEADER_BYTES + 8;

export function endPayload(indexOffset: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt(indexOffset), 0);
  return out;
}

export function endIndexOffset(payload: Buffer): number {
  return Number(payload.readBigUInt64LE(0));
}
