import { errorMessage } from '../core/errors.js';
import { sanitize } from '../core/sanitize.js';

/** How long cleanup (closing a recording) may take after a signal before the process exits anyway. */
const CLEANUP_GRACE_MS = 3000;

/**
 * Restores the terminal on every way out that is not the screen's own `q`:
 * SIGTERM, SIGINT and SIGHUP from outside, and a crash. The terminal comes
 * back first; then `cleanup` (e.g. closing a recording so its index and open
 * spikes are written) gets a few seconds. `restore` must be idempotent (a
 * screen's destroy() is). Returns a function that removes the handlers again.
 */
export function guardTerminal(restore: () => void, cleanup: () => Promise<void> = async () => undefined): () => void {
  const finish = (code: number): void => {
    restore();
    setTimeout(() => process.exit(code), CLEANUP_GRACE_MS).unref();
    cleanup().then(
      () => process.exit(code),
      () => process.exit(code),
    );
  };
  // 128 + signal number, the shell convention for "ended by a signal".
  const onSignal = (signal: NodeJS.Signals): void => finish(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
  const onCrash = (err: unknown): void => {
    restore();
    process.stderr.write(`tmon: crashed: ${sanitize(errorMessage(err))}\n`);
    if (err instanceof Error && err.stack) process.stderr.write(`${err.stack.split('\n').map((l) => sanitize(l)).join('\n')}\n`);
    finish(1);
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}

/**
 * Waits for a screen (dashboard, overview) to end, with the terminal guarded
 * meanwhile; the screen is destroyed and `cleanup` run however it ends.
 */
export async function untilClosed<T>(
  screen: { readonly done: Promise<T>; destroy(): void },
  cleanup: () => Promise<void> = async () => undefined,
): Promise<T> {
  const unguard = guardTerminal(() => screen.destroy(), cleanup);
  try {
    return await screen.done;
  } finally {
    screen.destroy();
    unguard();
    await cleanup();
  }
}
