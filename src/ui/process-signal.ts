/**
 * Sending a signal from the process table (htop's F9/k): what the dashboard
 * asks of its caller and how the answer reads. Only the local `tmon` passes a
 * ProcessSignaller (commands/process-signaller.ts); a viewer of an agent and a
 * replay have none, and an agent never runs anything a viewer sends.
 */

/** htop's F9 list, the common ones first; SIGTERM is the default. */
export const SIGNAL_CHOICES = [
  { name: 'TERM', what: 'terminate (the default: the process may clean up)' },
  { name: 'KILL', what: 'kill at once (cannot be caught)' },
  { name: 'INT', what: 'interrupt, as Ctrl-C' },
  { name: 'HUP', what: 'hang up (many daemons reload)' },
  { name: 'QUIT', what: 'quit (with a core dump)' },
  { name: 'STOP', what: 'stop (pause) it' },
  { name: 'CONT', what: 'continue a stopped process' },
  { name: 'USR1', what: 'user signal 1' },
  { name: 'USR2', what: 'user signal 2' },
] as const;

export type SignalName = (typeof SIGNAL_CHOICES)[number]['name'];

/** The exact process: a pid alone may have been reused since the sample. */
export interface SignalTarget {
  pid: number;
  startTime: number;
  name: string;
  user: string;
  cmd: string;
}

/**
 * sent; gone (no such process: ESRCH); reused (the pid now names a process
 * with another start time: nothing sent); denied (EPERM); failed (anything else).
 */
export type SignalOutcome = { kind: 'sent' } | { kind: 'gone' } | { kind: 'reused' } | { kind: 'denied' } | { kind: 'failed'; message: string };

/** The capability to signal processes on this machine. */
export interface ProcessSignaller {
  send(target: Pick<SignalTarget, 'pid' | 'startTime'>, signal: SignalName): SignalOutcome;
}

/** What a dashboard without a signaller says to k / F9. */
export const NO_SIGNALS = 'signals go only to processes on this machine, from the local tmon: a viewer or a replay sends none';

/** The status line after sending: one line, naming the signal and the process. */
export function signalOutcomeText(t: SignalTarget, signal: SignalName, outcome: SignalOutcome): string {
  const who = `${t.name}[${t.pid}]`;
  switch (outcome.kind) {
    case 'sent':
      return `sent SIG${signal} to ${who}`;
    case 'gone':
      return `${who} has exited (ESRCH): SIG${signal} not sent`;
    case 'reused':
      return `pid ${t.pid} is now another process: SIG${signal} not sent`;
    case 'denied':
      return `not allowed to signal ${who} of user ${t.user} (EPERM): run tmon as that user or root`;
    case 'failed':
      return `SIG${signal} to ${who} failed: ${outcome.message}`;
  }
}
