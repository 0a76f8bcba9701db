import { spawn, type ChildProcess } from 'node:child_process';
import { TMON_BIN } from './run-cli.js';

/** A real `tmon agent` process (or `tmon serve`, which logs the same line); resolves once it logs where it listens. */
export async function startAgentProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  verb: 'agent' | 'serve' = 'agent',
): Promise<{ child: ChildProcess; port: number; log: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [TMON_BIN, verb, '--listen', '127.0.0.1:0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start:\n${log}`)), 15_000);
    const check = (): void => {
      const m = /listening on wss?:\/\/[^ ]+:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stderr?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`agent exited before listening:\n${log}`));
    });
  });
  return {
    child,
    port,
    log: () => log,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
