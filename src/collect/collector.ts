import type { Sample } from '../core/sample.js';

/** A source of Samples; each sample()'s rates cover the time since the previous call (or since creation). */
export interface Collector {
  /** Asynchronous because systeminformation is; the Linux collector resolves at once. */
  sample(): Promise<Sample>;
  /** Stops background work (fast watch timer). Idempotent. */
  close(): void;
}
