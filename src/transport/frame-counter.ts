/**
 * Counts the WebSocket frames in a viewer's byte stream, reading only their
 * headers. ws reports whole messages, so pings, pongs and the continuation
 * frames of a message that never ends would otherwise cost the agent work
 * without counting toward any limit.
 */
export class FrameCounter {
  private readonly header = Buffer.alloc(14);
  private have = 0;
  private need = 2;
  /** Payload bytes of the current frame still to pass over. */
  private skip = 0;

  /** The number of frames whose header ends in `chunk`. */
  push(chunk: Buffer): number {
    let frames = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      this.header[this.have++] = chunk[i++] as number;
      if (this.have === 2) {
        const len7 = (this.header[1] as number) & 0x7f;
        const masked = ((this.header[1] as number) & 0x80) !== 0;
        this.need = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
      }
      if (this.have >= 2 && this.have === this.need) {
        frames++;
        this.skip = this.payloadLength();
        this.have = 0;
        this.need = 2;
      }
    }
    return frames;
  }

  private payloadLength(): number {
    const len7 = (this.header[1] as number) & 0x7f;
    if (len7 === 126) return this.header.readUInt16BE(2);
    if (len7 === 127) return Number(this.header.readBigUInt64BE(2));
    return len7;
  }
}
