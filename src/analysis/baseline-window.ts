/**
 * The recent levels of one metric: values of the last `spanMs`, at most `capacity`
 * of them (a cap against absurdly fast sources), in fixed typed arrays so a long
 * session allocates nothing per sample. The median is the baseline because it
 * shrugs off the few high values of an earlier spike still inside the window.
 */
export class BaselineWindow {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private readonly scratch: Float64Array;
  private head = 0;
  private count = 0;

  constructor(
    readonly spanMs: number,
    readonly capacity = 4096,
  ) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.scratch = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Add a value seen at `time` (time order); values older than spanMs before it fall out. */
  push(time: number, value: number): void {
    // A NaN would poison the median; a missing reading is simply not part of the baseline.
    if (!Number.isFinite(value)) return;
    while (this.count > 0 && (this.times[this.head] as number) <= time - this.spanMs) this.dropOldest();
    if (this.count === this.capacity) this.dropOldest();
    const slot = (this.head + this.count) % this.capacity;
    this.times[slot] = time;
    this.values[slot] = value;
    this.count++;
  }

  /** Median of the values held; undefined when there are none. */
  median(): number | undefined {
    const n = this.count;
    if (n === 0) return undefined;
    for (let i = 0; i < n; i++) this.scratch[i] = this.values[(this.head + i) % this.capacity] as number;
    const sorted = this.scratch.subarray(0, n).sort();
    const mid = n >> 1;
    return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  }

  private dropOldest(): void {
    this.head = (this.head + 1) % this.capacity;
    this.count--;
  }
}
