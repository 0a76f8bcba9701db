import { PassThrough, Writable } from 'node:stream';
import xterm from '@xterm/headless';

/** Escape sequences a real terminal sends for these keys (xterm, normal cursor mode). */
export const KEY = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  shiftRight: '\x1b[1;2C',
  shiftLeft: '\x1b[1;2D',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
  tab: '\t',
  shiftTab: '\x1b[Z',
  enter: '\r',
  escape: '\x1b',
  backspace: '\x7f',
  space: ' ',
  ctrlC: '\x03',
} as const;

/** True when `raw` contains an SGR sequence that sets a foreground or background color (8, bright, 256 or true color). */
export function hasColorSgr(raw: string): boolean {
  // eslint-disable-next-line no-control-regex -- matching escape sequences is the point
  for (const m of raw.matchAll(/\x1b\[([0-9;:]*)m/g)) {
    for (const p of (m[1] ?? '').split(/[;:]/)) {
      const n = Number(p);
      if (p !== '' && ((n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107))) return true;
    }
  }
  return false;
}

/** The stream a program writes to, shaped like a TTY WriteStream. */
export class FakeTtyOutput extends Writable {
  readonly isTTY = true;

  constructor(
    public columns: number,
    public rows: number,
    private readonly sink: (chunk: Buffer) => void,
  ) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.sink(chunk);
    done();
  }

  getWindowSize(): [number, number] {
    return [this.columns, this.rows];
  }
}

/**
 * A terminal for UI tests: whatever the program writes to `output` is parsed by
 * a real terminal emulator (@xterm/headless) of the same size, so `screen()`
 * returns the characters a person would see. Keys go in through `input`, the
 * way a terminal in raw mode delivers them. Replies the emulator produces to
 * queries (e.g. device attributes) are fed back into `input`, as a real one does.
 */
export class HeadlessTerminal {
  readonly term: xterm.Terminal;
  readonly input = new PassThrough();
  readonly output: FakeTtyOutput;
  private readonly chunks: Buffer[] = [];
  private written = 0;
  private disposed = false;

  constructor(cols: number, rows: number) {
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
    this.output = new FakeTtyOutput(cols, rows, (chunk) => {
      this.chunks.push(chunk);
      this.written += chunk.length;
      // A program may still flush its buffer after the test is done with the terminal.
      if (!this.disposed) this.term.write(chunk);
    });
    this.term.onData((data) => this.input.write(data));
  }

  /** The io pair to hand to the program under test. */
  get io(): { input: PassThrough; output: FakeTtyOutput } {
    return { input: this.input, output: this.output };
  }

  /** Total bytes the program has written so far. */
  get bytesWritten(): number {
    return this.written;
  }

  /** Everything written from byte offset `from` on, as text (escape sequences included). */
  rawSince(from = 0): string {
    return Buffer.concat(this.chunks).subarray(from).toString('utf8');
  }

  /**
   * Waits until the emulator has parsed everything written so far, after letting
   * the program flush output it buffers until the next tick (blessed does).
   */
  async flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => this.term.write('', resolve));
  }

  /** The visible screen, one string per row, trailing spaces trimmed. */
  async screen(): Promise<string[]> {
    await this.flush();
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.term.rows; y++) {
      lines.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    }
    return lines;
  }

  async text(): Promise<string> {
    return (await this.screen()).join('\n');
  }

  /** True while the program is on the alternate screen (as a full-screen UI is). */
  get onAlternateScreen(): boolean {
    return this.term.buffer.active.type === 'alternate';
  }

  /** Sends keys one at a time, letting the program read each before the next. */
  async keys(...sequences: string[]): Promise<void> {
    for (const s of sequences) {
      this.input.write(s);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  }

  /** Types text as separate keystrokes. */
  async type(text: string): Promise<void> {
    await this.keys(...[...text]);
  }

  /** Resizes the emulator and tells the program, as SIGWINCH does for a TTY. */
  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
    this.output.columns = cols;
    this.output.rows = rows;
    this.output.emit('resize');
  }

  /** Polls the screen until `predicate` holds; rejects with the last screen on timeout. */
  async waitFor(predicate: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = await this.text();
      if (predicate(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`screen did not reach the expected state within ${timeoutMs} ms; last screen:\n${last}`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.input.end();
    this.term.dispose();
  }
}
