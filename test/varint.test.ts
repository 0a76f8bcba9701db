import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../src/store/varint.js';

describe('varint', () => {
  it('round-trips unsigned and signed integers up to 2^52 and strings', () => {
    const uints = [0, 1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 1_795_000_000_000, 2 ** 53 - 1];
    const ints = [0, -1, 1, -64, 64, -(2 ** 31), 2 ** 40, -(2 ** 51), 2 ** 51];
    const strings = ['', 'node', 'naïve 名前 (x)', 'a'.repeat(1000)];
    const w = new ByteWriter(4);
    for (const u of uints) w.uint(u);
    for (const i of ints) w.int(i);
    for (const s of strings) w.string(s);
    const r = new ByteReader(w.toBuffer());
    expect(uints.map(() => r.uint())).toEqual(uints);
    expect(ints.map(() => r.int())).toEqual(ints);
    expect(strings.map(() => r.string())).toEqual(strings);
    expect(r.done).toBe(true);
  });

  it('keeps small magnitudes small', () => {
    const w = new ByteWriter();
    w.int(-1);
    w.int(63);
    w.uint(127);
    expect(w.length).toBe(3);
  });

  it('throws on input cut short instead of reading garbage', () => {
    const w = new ByteWriter();
    w.uint(2 ** 40);
    w.string('hello');
    const full = w.toBuffer();
    expect(() => new ByteReader(full.subarray(0, 3)).uint()).toThrow(RangeError);
    const r = new ByteReader(full.subarray(0, full.length - 2));
    r.uint();
    expect(() => r.string()).toThrow(RangeError);
  });
});
