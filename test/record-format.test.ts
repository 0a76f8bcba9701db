import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/core/errors.js';
import {
  FORMAT_VERSION,
  FrameType,
  MAGIC,
  READABLE_FORMAT_VERSION,
  encodeFrame,
  encodeHeader,
  parseFrame,
  parseHeader,
  type RecordingHeader,
} from '../src/store/record-format.js';
import { TEST_HOST } from './helpers/make-sample.js';

const header: RecordingHeader = { tmon: '0.1.0', host: TEST_HOST, intervalMs: 1000, created: 1_795_000_000_000 };

describe('header', () => {
  it('round-trips and starts with the magic and the format version', () => {
    const bytes = encodeHeader(header);
    expect(bytes.subarray(0, 8)).toEqual(MAGIC);
    expect(bytes.readUInt16LE(8)).toBe(FORMAT_VERSION);
    expect(parseHeader(Buffer.concat([bytes, Buffer.from('frames')]), 'x.tmon')).toEqual({
      kind: 'ok',
      header,
      version: FORMAT_VERSION,
      end: bytes.length,
    });
  });

  it('says a foreign file is not a recording', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(() => parseHeader(png, 'cat.png')).toThrow(new UserError('cat.png is not a tmon recording'));
    expect(() => parseHeader(Buffer.from('hello world, this is text'), 'notes.txt')).toThrow('notes.txt is not a tmon recording');
  });

  it('names both versions for a newer format, only when the header checksum holds', () => {
    const bytes = encodeHeader(header);
    bytes.writeUInt16LE(READABLE_FORMAT_VERSION + 1, 8);
    expect(parseHeader(bytes, 'flipped.tmon')).toEqual({ kind: 'damaged', offset: 8 });
    bytes.writeUInt32LE(crc32(bytes.subarray(8, bytes.length - 4)), bytes.length - 4);
    expect(() => parseHeader(bytes, 'new.tmon')).toThrow(
      `new.tmon was written by a newer tmon (format ${READABLE_FORMAT_VERSION + 1}, this tmon reads up to ${READABLE_FORMAT_VERSION}): upgrade tmon`,
    );
  });

  it('takes a magic with a flipped bit or a header that is not valid as damage, not as a foreign file', () => {
    const flipped = encodeHeader(header);
    flipped[3] = (flipped[3] as number) ^ 0x04;
    expect(parseHeader(flipped, 'x')).toEqual({ kind: 'damaged', offset: 0 });
    const json = Buffer.from(JSON.stringify({ ...header, created: 'yesterday' }));
    const crafted = Buffer.concat([MAGIC, Buffer.from([1, 0]), Buffer.alloc(4), json, Buffer.alloc(4)]);
    crafted.writeUInt32LE(json.length, 10);
    crafted.writeUInt32LE(crc32(crafted.subarray(8, 14 + json.length)), 14 + json.length);
    expect(parseHeader(crafted, 'x')).toEqual({ kind: 'damaged', offset: 14 });
  });

  it('reports a header cut short as incomplete and a damaged one as damaged', () => {
    const bytes = encodeHeader(header);
    expect(parseHeader(bytes.subarray(0, 5), 'x')).toEqual({ kind: 'incomplete' });
    expect(parseHeader(bytes.subarray(0, bytes.length - 1), 'x')).toEqual({ kind: 'incomplete' });
    bytes[20] = (bytes[20] as number) ^ 0xff;
    expect(parseHeader(bytes, 'x')).toEqual({ kind: 'damaged', offset: 8 });
  });
});

describe('frames', () => {
  it('round-trips type, codec and payload at any file offset', () => {
    const f = encodeFrame(FrameType.SPIKE, 0, Buffer.from('{"a":1}'));
    const buf = Buffer.concat([Buffer.from('xyz'), f]);
    const parsed = parseFrame(buf, 3, 1000);
    expect(parsed.kind).toBe('frame');
    if (parsed.kind !== 'frame') return;
    expect(parsed.frame).toMatchObject({ type: FrameType.SPIKE, codec: 0, offset: 1003, end: 1003 + f.length });
    expect(parsed.frame.payload.toString()).toBe('{"a":1}');
  });

  it('detects any flipped byte and a frame cut short', () => {
    const f = encodeFrame(FrameType.KEY, 1, Buffer.from('payload bytes'));
    for (let i = 0; i < f.length; i++) {
      const bad = Buffer.from(f);
      bad[i] = (bad[i] as number) ^ 0x10;
      const parsed = parseFrame(bad, 0);
      expect(parsed.kind, `byte ${i}`).not.toBe('frame');
    }
    expect(parseFrame(f.subarray(0, f.length - 1), 0).kind).toBe('short');
    expect(parseFrame(f.subarray(0, 5), 0).kind).toBe('short');
  });
});
