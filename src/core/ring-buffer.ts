/** Fixed-capacity FIFO: pushing onto a full buffer drops the oldest item. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    }
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Adds an item; returns the one it pushed out, if any. */
  push(item: T): T | undefined {
    const slot = (this.head + this.count) % this.capacity;
    if (this.count < this.capacity) {
      this.items[slot] = item;
      this.count++;
      return undefined;
    }
    const dropped = this.items[this.head];
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    return dropped;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return item;
  }

  /** i = 0 is the oldest; negative i counts from the newest (-1). */
  at(i: number): T | undefined {
    const idx = i < 0 ? this.count + i : i;
    if (idx < 0 || idx >= this.count) return undefined;
    return this.items[(this.head + idx) % this.capacity];
  }

  last(): T | undefined {
    return this.at(-1);
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.head + i) % this.capacity] as T);
    return out;
  }

  /** Items from index start (inclusive) to end (exclusive), oldest first. */
  slice(start: number, end: number = this.count): T[] {
    const s = Math.max(0, start);
    const e = Math.min(this.count, end);
    const out: T[] = [];
    for (let i = s; i < e; i++) out.push(this.items[(this.head + i) % this.capacity] as T);
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
