/**
 * Variable-length integers (LEB128 with zigzag for signed values) and length-
 * prefixed strings: the building blocks of the sample encoding. Values up to
 * 2^53 use arithmetic instead of 32-bit bit operations, so byte counts and
 * epoch milliseconds fit.
 */

const TWO_POW_7 = 128;
/** Process names and command lines are cut at 4 KiB by the collector: a longer string read back is damage. */
export const MAX_STRING_BYTES = 64 * 1024;

export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 4096) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A non-negative integer < 2^53. */
  uint(value: number): void {
    this.ensure(8);
    let v = value;
    while (v >= TWO_POW_7) {
      this.buf[this.pos++] = (v % TWO_POW_7) | 0x80;
      v = Math.floor(v / TWO_POW_7);
    }
    this.buf[this.pos++] = v;
  }

  /** Any integer with |value| < 2^52 (zigzag: small magnitudes take few bytes). */
  int(value: number): void {
    this.uint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  string(value: string): void {
    const len = Buffer.byteLength(value, 'utf8');
    this.uint(len);
    this.ensure(len);
    this.buf.write(value, this.pos, 'utf8');
    this.pos += len;
  }

  /** A copy of what was written. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

export class ByteReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  uint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.buf.length) throw new RangeError('varint runs past the end of the frame');
      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= TWO_POW_7;
      if (scale > 2 ** 56) throw new RangeError('varint too long');
    }
  }

  int(): number {
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /** A count of items that take at least `minBytesEach` bytes each: never more than the rest of the buffer can hold. */
  count(minBytesEach = 1): number {
    const n = this.uint();
    if (n * minBytesEach > this.buf.length - this.pos) throw new RangeError(`count ${n} larger than the frame holds`);
    return n;
  }

  /** A string of at most `maxBytes` bytes (anything longer is damage). */
  string(maxBytes = MAX_STRING_BYTES): string {
    const len = this.uint();
    if (len > maxBytes) throw new RangeError(`string of ${len} bytes, longer than ${maxBytes}`);
    if (this.pos + len > this.buf.length) throw new RangeError('string runs past the end of the frame');
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
}
