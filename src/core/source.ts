import type { Sample } from './sample.js';

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
