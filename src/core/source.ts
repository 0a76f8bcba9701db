import type { Sample } from './sample.js';

/** The shortest sampling interval anything in tmon accepts: below it, /proc's 10 ms CPU ticks make rates noise. */
export const MIN_INTERVAL_MS = 200;

/**
 * Where samples come from: the local collector, a remote agent or a recording.
 * Nothing downstream knows which.
 */
export interface SampleSource {
  /** Short human label: "local", "db1:7654", "night.tmon". */
  readonly label: string;
  /** Live sources keep producing; a replay ends. */
  readonly kind: 'live' | 'remote' | 'replay';
  samples(): AsyncIterable<Sample>;
  close(): Promise<void>;
}
