import type { Sample } from './sample.js';

/**
 * Random access to samples in time order. The memory store
 * (store/memory-timeline.ts) and a recording on disk (store/recording-reader.ts,
 * decoded lazily through its index) both implement it, so the dashboard's time
 * cursor works the same over either.
 */
export interface Timeline {
  /** Number of samples; index 0 is the oldest. */
  readonly length: number;
  at(index: number): Sample | undefined;
  /** Samples [start, end), oldest first, clamped to what exists. */
  slice(start: number, end: number): Sample[];
  /** Index of the last sample taken at or before `time`; 0 if `time` is before the first; -1 when empty. */
  indexAtTime(time: number): number;
}
