export interface Weighing<V> {
  /** The cache holds at most this much weight, except that the newest entry is always kept. */
  maxWeight: number;
  weigh: (value: V) => number;
}

/** A small least-recently-used cache: Map keeps insertion order, so the first key is the oldest. */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; weight: number }>();
  private weight = 0;

  constructor(
    readonly capacity: number,
    private readonly weighing?: Weighing<V>,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LRU capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weighing?.weigh(value) ?? 0;
    this.map.set(key, { value, weight });
    this.weight += weight;
    const maxWeight = this.weighing?.maxWeight ?? Infinity;
    while (this.map.size > this.capacity || (this.weight > maxWeight && this.map.size > 1)) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  clear(): void {
    this.map.clear();
    this.weight = 0;
  }

  delete(key: K): void {
    const entry = this.map.get(key);
    if (entry === undefined) return;
    this.weight -= entry.weight;
    this.map.delete(key);
  }
}
