import { spawn, type ChildProcess } from 'node:child_process';
import { TMON_BIN } from './run-cli.js';

export interface RecordProcess {
  child: ChildProcess;
  /** What it has written to stderr so far. */
  log: () => string;
  /** Ends it with `signal` (unless it has ended) and resolves with its exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** A real `tmon record ARGS`, its stderr kept. */
export function startRecord(args: readonly string[]): RecordProcess {
  const child = spawn(process.execPath, [TMON_BIN, 'record', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    log: () => log,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
