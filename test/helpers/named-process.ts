import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import path from 'node:path';

/**
 * A process whose name (comm) is `name`, for process(NAME) rules: sleep run
 * through a link of that name in `dir`. `cleanups` gets its kill.
 */
export function startNamed(dir: string, name: string, cleanups: (() => unknown)[]): ChildProcess {
  const link = path.join(dir, name);
  if (!existsSync(link)) symlinkSync('/bin/sleep', link);
  const child = spawn(link, ['600'], { stdio: 'ignore' });
  cleanups.push(() => void child.kill('SIGKILL'));
  return child;
}

/** Kills the child and waits until it is gone (reaped), so the next sample no longer lists it. */
export async function killed(child: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}
