/**
 * The local dashboard's capability to signal a process (k / F9), at the edge:
 * the process must be the one the table showed, so its start time is read
 * again from /proc just before the signal goes. A pid reused since the sample
 * has another start time and is never signalled. Only `tmon` (this machine)
 * hands this to its dashboard; viewers and replays get none.
 */
import { errorMessage } from '../core/errors.js';
import { parsePidStat, parseSystemStat, emptyPidStat } from '../collect/proc-parse.js';
import { ProcFile } from '../collect/proc-file.js';
import { CLK_TCK } from '../collect/raw.js';
import type { ProcessSignaller, SignalName, SignalOutcome } from '../ui/process-signal.js';

/** `kill(2)` as Node offers it; a test may pass its own recorder of what would be sent. */
export type Kill = (pid: number, signal: NodeJS.Signals) => void;

export function procSignaller(procRoot = '/proc', kill: Kill = (pid, signal) => process.kill(pid, signal)): ProcessSignaller {
  const file = new ProcFile();
  /** The process's start time as the collector computes it (collect/interval-ticks.ts); null when it is gone, undefined without procfs. */
  const startTimeOf = (pid: number): number | null | undefined => {
    const sys = file.read(`${procRoot}/stat`);
    const btime = sys > 0 ? parseSystemStat(file.buf, sys)?.btime : undefined;
    if (btime === undefined) return undefined;
    const n = file.read(`${procRoot}/${pid}/stat`);
    const stat = emptyPidStat();
    if (n <= 0 || !parsePidStat(file.buf, n, stat) || stat.pid !== pid) return null;
    return btime * 1000 + stat.startTicks * (1000 / CLK_TCK);
  };
  return {
    send(target, signal: SignalName): SignalOutcome {
      const started = startTimeOf(target.pid);
      // Without procfs the process cannot be told from a successor with its pid: nothing is sent.
      if (started === undefined) return { kind: 'failed', message: `cannot read ${procRoot}/stat to check it is the same process` };
      if (started === null) return { kind: 'gone' };
      if (started !== target.startTime) return { kind: 'reused' };
      try {
        kill(target.pid, `SIG${signal}`);
        return { kind: 'sent' };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ESRCH') return { kind: 'gone' };
        if (code === 'EPERM') return { kind: 'denied' };
        return { kind: 'failed', message: errorMessage(err) };
      }
    },
  };
}
