import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Codec, MAX_SAMPLE_BODY } from './record-format.js';

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

  /**
   * Throws RangeError on data that does not inflate (damage the checksum
   * missed, a broken chain) or would inflate past `maxBytes` (a bomb).
   */
  decompress(codec: number, data: Buffer, maxBytes = MAX_SAMPLE_BODY): Buffer {
    let raw: Buffer;
    if (codec === Codec.STORED) raw = data;
    else if (codec === Codec.DEFLATE) {
      try {
        raw = inflateRawSync(data, this.window.length > 0 ? { dictionary: this.window, maxOutputLength: maxBytes } : { maxOutputLength: maxBytes });
      } catch (err) {
        const tooLarge = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
        throw new RangeError(tooLarge ? `inflates to more than ${maxBytes} bytes` : 'does not inflate');
      }
    } else throw new RangeError(`unknown codec ${codec}`);
    if (raw.length > maxBytes) throw new RangeError(`more than ${maxBytes} bytes`);
    this.window = slideWindow(this.window, raw);
    return raw;
  }
}

function slideWindow(window: Buffer, raw: Buffer): Buffer {
  if (raw.length >= WINDOW_BYTES) return Buffer.from(raw.subarray(raw.length - WINDOW_BYTES));
  const joined = Buffer.concat([window, raw]);
  return joined.length > WINDOW_BYTES ? Buffer.from(joined.subarray(joined.length - WINDOW_BYTES)) : joined;
}
