/**
 * An alert rule's transition as a recording keeps it: it started firing, or it
 * resolved (a reminder while firing is not a transition). Plain data, the
 * notification's fields but the host (the recording's header names it).
 */
export interface AlertEvent {
  kind: 'firing' | 'resolved';
  /** The rule as written. */
  rule: string;
  /** The value that decided it, in words: "0 processes matching apache2". */
  value: string;
  /** When the condition began to hold (ms since epoch). */
  since: number;
  /** The sample that decided the transition (ms since epoch). */
  at: number;
  /** The processes using most of what the rule watches, at that sample. */
  top: AlertTopProcess[];
  /** A spike rule's culprits, in the spike log's words. */
  culprits?: string[];
}

export interface AlertTopProcess {
  pid: number;
  name: string;
  user: string;
  /** Percent of one core. */
  cpu: number;
  /** Bytes. */
  rss: number;
}
