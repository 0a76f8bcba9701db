import { describe, expect, it } from 'vitest';
import { FrameCounter } from '../src/transport/frame-counter.js';

/** A masked client frame as a browser or ws sends it. */
function frame(opcode: number, payload: Buffer, fin = true): Buffer {
  const len = payload.length;
  const ext = len < 126 ? Buffer.alloc(0) : len < 65536 ? Buffer.alloc(2) : Buffer.alloc(8);
  if (len >= 126 && len < 65536) ext.writeUInt16BE(len);
  if (len >= 65536) ext.writeBigUInt64BE(BigInt(len));
  const len7 = len < 126 ? len : len < 65536 ? 126 : 127;
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | len7]), ext, Buffer.from([1, 2, 3, 4]), payload]);
}

describe('FrameCounter', () => {
  it('counts every frame: data, pings, zero-length continuations, with 7-, 16- and 64-bit lengths', () => {
    const stream = Buffer.concat([
      frame(1, Buffer.from('{"v":1}')),
      frame(9, Buffer.alloc(125)),
      frame(1, Buffer.alloc(0), false),
      ...Array.from({ length: 50 }, () => frame(0, Buffer.alloc(0), false)),
      frame(2, Buffer.alloc(300)),
      frame(2, Buffer.alloc(70_000)),
    ]);
    expect(new FrameCounter().push(stream)).toBe(55);
  });

  it('counts the same however the bytes are split, one at a time included', () => {
    const stream = Buffer.concat([frame(1, Buffer.alloc(10)), frame(9, Buffer.alloc(3)), frame(2, Buffer.alloc(200)), frame(0, Buffer.alloc(0))]);
    for (const size of [1, 2, 3, 7, 64]) {
      const counter = new FrameCounter();
      let n = 0;
      for (let i = 0; i < stream.length; i += size) n += counter.push(stream.subarray(i, i + size));
      expect(n).toBe(4);
    }
  });
});
