import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Codec } from './record-format.js';

/** deflate's window: a preset dictionary longer than this is not used. */
const WINDOW_BYTES = 32 * 1024;

/**
 * Compresses the sample bodies of one keyframe group, each body on its own
 * (one frame per sample, so a crash loses at most the sample being written)
 * but with the group's earlier bodies as deflate's preset dictionary: a
 * delta body compresses against the ones before it, almost as well as one
 * long stream, yet no zlib state outlives a call.
 */
export class GroupCompressor {
  private window: Buffer = Buffer.alloc(0);

  constructor(private readonly level = 6) {}

  reset(): void {
    this.window = Buffer.alloc(0);
  }

  compress(raw: Buffer): { codec: number; data: Buffer } {
    const packed =
      this.window.length > 0
        ? deflateRawSync(raw, { level: this.level, dictionary: this.window })
        : deflateRawSync(raw, { level: this.level });
    this.window = slideWindow(this.window, raw);
    return packed.length < raw.length ? { codec: Codec.DEFLATE, data: packed } : { codec: Codec.STORED, data: raw };
  }
}

export class GroupDecompressor {
  private window: Buffer = Buffer.alloc(0);

  reset(): void {
    this.window = Buffer.alloc(0);
  }

  /** Throws on data that does not inflate (damage the checksum missed, or a broken chain). */
  decompress(codec: number, data: Buffer): Buffer {
    let raw: Buffer;
    if (codec === Codec.STORED) raw = data;
    else if (codec === Codec.DEFLATE) {
      raw = this.window.length > 0 ? inflateRawSync(data, { dictionary: this.window }) : inflateRawSync(data);
    } else throw new RangeError(`unknown codec ${codec}`);
    this.window = slideWindow(this.window, raw);
    return raw;
  }
}

function slideWindow(window: Buffer, raw: Buffer): Buffer {
  if (raw.length >= WINDOW_BYTES) return Buffer.from(raw.subarray(raw.length - WINDOW_BYTES));
  const joined = Buffer.concat([window, raw]);
  return joined.length > WINDOW_BYTES ? Buffer.from(joined.subarray(joined.length - WINDOW_BYTES)) : joined;
}
