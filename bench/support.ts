/** What every benchmark area needs: children killed on the way out, and figures printed alike. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2;
}

export const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** Children (or the groups they lead, when detached) to kill whatever happens. */
export const started = new Set<ChildProcess>();

export function killAll(): void {
  for (const c of started) {
    try {
      // Detached children lead their own group: kill the whole group (the sleeps under bash).
      process.kill(-(c.pid as number), 'SIGKILL');
    } catch {
      c.kill('SIGKILL');
    }
  }
  started.clear();
}

/**
 * Runs `body` with every started child killed at its end, on exit and on Ctrl-C,
 * so an interrupted benchmark leaves nothing burning.
 */
export async function withChildrenKilled<T>(body: () => Promise<T>): Promise<T> {
  const onSignal = (): void => {
    killAll();
    process.exit(130);
  };
  process.once('exit', killAll);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body();
  } finally {
    killAll();
    process.removeListener('exit', killAll);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

export function processCount(): number {
  return fs.readdirSync('/proc').filter((n) => n.charCodeAt(0) >= 0x30 && n.charCodeAt(0) <= 0x39).length;
}

/** n `sleep` processes from one bash loop, for a day (an hour-long bench outlived `sleep 3600`); killed with the bench; resolves when they all exist. */
export async function spawnSleepers(n: number): Promise<void> {
  if (n <= 0) return;
  const target = processCount() + n;
  const bash = spawn('bash', ['-c', `for i in $(seq ${n}); do sleep 86400 & done; wait`], { detached: true, stdio: 'ignore' });
  started.add(bash);
  for (let i = 0; i < 1200 && processCount() < target; i++) await sleep(50);
}
