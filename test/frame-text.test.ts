import { describe, expect, it } from 'vitest';
import { frameText } from '../src/transport/frame-text.js';

describe('frameText', () => {
  it('reads a Buffer, fragments and an ArrayBuffer alike', () => {
    const bytes = Buffer.from('{"type":"hello","é":1}');
    expect(frameText(bytes)).toBe('{"type":"hello","é":1}');
    expect(frameText([bytes.subarray(0, 5), bytes.subarray(5)])).toBe('{"type":"hello","é":1}');
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    expect(frameText(ab)).toBe('{"type":"hello","é":1}');
  });
});
