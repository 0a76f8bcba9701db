/**
 * Keeps a log readable under a flood: at most `perWindow` lines of one kind
 * per window, the rest counted and summarised once the window ends
 * ("refused viewer: … and 3,398 more in the last 10 s"). Pure: the caller
 * passes the time, prints what it gets back, and calls `flush` now and then
 * (and at exit) so a flood that stopped is still summarised.
 */
export class LogLimiter {
  private readonly kinds = new Map<string, { start: number; count: number; suppressed: number }>();

  constructor(
    private readonly perWindow = 5,
    private readonly windowMs = 10_000,
  ) {}

  /** The lines to print for one event of `kind` (a short label, e.g. "refused viewer"): none, the line, or a summary and the line. */
  line(kind: string, text: string, now: number): string[] {
    const out: string[] = [];
    let k = this.kinds.get(kind);
    if (k && now - k.start >= this.windowMs) {
      if (k.suppressed > 0) out.push(this.summary(kind, k.suppressed, now - k.start));
      k = undefined;
    }
    if (!k) {
      k = { start: now, count: 0, suppressed: 0 };
      this.kinds.set(kind, k);
    }
    k.count++;
    if (k.count <= this.perWindow) out.push(text);
    else k.suppressed++;
    return out;
  }

  /** Summaries of the kinds whose window has ended (all of them with `all`, e.g. at exit). */
  flush(now: number, all = false): string[] {
    const out: string[] = [];
    for (const [kind, k] of this.kinds) {
      if (!all && now - k.start < this.windowMs) continue;
      if (k.suppressed > 0) out.push(this.summary(kind, k.suppressed, now - k.start));
      this.kinds.delete(kind);
    }
    return out;
  }

  private summary(kind: string, suppressed: number, spanMs: number): string {
    const seconds = Math.max(1, Math.round(spanMs / 1000));
    return `${kind}: … and ${suppressed.toLocaleString('en-US')} more in the last ${seconds} s`;
  }
}
