import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GroupCompressor, GroupDecompressor } from '../src/store/group-compression.js';
import { Codec } from '../src/store/record-format.js';

function body(i: number): Buffer {
  return Buffer.from(`sample ${i}: ${Array.from({ length: 40 }, (_, k) => `proc${k}=${(k * 7 + (k === 3 ? i : 0)) % 11}`).join(' ')}`);
}

describe('group compression', () => {
  it('round-trips a group, including bodies stored uncompressed', () => {
    const c = new GroupCompressor();
    const d = new GroupDecompressor();
    const bodies = [body(0), body(1), Buffer.from([1]), body(2), Buffer.alloc(0)];
    const packed = bodies.map((b) => c.compress(b));
    expect(packed[2]?.codec).toBe(Codec.STORED);
    expect(packed.map((p) => d.decompress(p.codec, p.data))).toEqual(bodies);
  });

  it('compresses a body against the ones before it in the group', () => {
    const c = new GroupCompressor();
    c.compress(body(0));
    const second = c.compress(body(1));
    expect(second.data.length).toBeLessThan(deflateRawSync(body(1)).length / 3);
  });

  it('cannot decode a body without the earlier ones of its group', () => {
    const c = new GroupCompressor();
    c.compress(body(0));
    const second = c.compress(body(1));
    let out: Buffer | undefined;
    try {
      out = new GroupDecompressor().decompress(second.codec, second.data);
    } catch {
      out = undefined;
    }
    expect(out?.equals(body(1)) ?? false).toBe(false);
  });

  it('starts afresh after reset, as at a keyframe', () => {
    const c = new GroupCompressor();
    c.compress(body(0));
    c.reset();
    const fresh = c.compress(body(1));
    expect(new GroupDecompressor().decompress(fresh.codec, fresh.data)).toEqual(body(1));
    expect(() => new GroupDecompressor().decompress(9, fresh.data)).toThrow(/codec/);
  });
});
